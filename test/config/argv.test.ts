import { describe, expect, it } from 'vitest';
import { parseServerArgs } from '../../src/config/argv.js';
import { Config } from '../../src/config/config.js';
import { ConfigFileError } from '../../src/config/conf-file.js';

/** Apply the options text the way startup does (after an empty file). */
function apply(argv: string[]): Config {
  const a = parseServerArgs(argv);
  const c = new Config({ env: { cwd: () => '/x', chdir: () => null } });
  c.loadStartup({ options: a.configText });
  return c;
}

describe('parseServerArgs', () => {
  it('no arguments', () => {
    expect(parseServerArgs([])).toEqual({ configText: '' });
  });

  it('version and help only as the first argument', () => {
    expect(parseServerArgs(['-v']).version).toBe(true);
    expect(parseServerArgs(['--version']).version).toBe(true);
    const h = parseServerArgs(['-h']);
    expect(h.help).toBe(true);
    expect(h.helpText).toContain('Usage: nodis-server [/path/to/redis.conf]');
    expect(h.helpText).toContain('--replicaof 127.0.0.1 8888');
    expect(parseServerArgs(['--help']).help).toBe(true);
    // later on they are just directives (which the loader then rejects)
    expect(parseServerArgs(['--port', '1', '--help']).help).toBeUndefined();
  });

  it('the first non-option argument is the config file', () => {
    const a = parseServerArgs(['/etc/nodis.conf', '--port', '7777']);
    expect(a.configFile).toBe('/etc/nodis.conf');
    expect(a.configText).toBe('port "7777" ');
    expect(parseServerArgs(['--port', '7777', 'file.conf']).configFile).toBeUndefined();
  });

  it('a lone - first or last reads stdin', () => {
    expect(parseServerArgs(['-']).stdin).toBe(true);
    expect(parseServerArgs(['x.conf', '--loglevel', 'verbose', '-'])).toEqual({
      configFile: 'x.conf', configText: 'loglevel "verbose" ', stdin: true,
    });
    // in the middle it is an ordinary argument
    expect(parseServerArgs(['--port', '-', '--hz', '5']).stdin).toBeUndefined();
  });

  it('arguments continue until the next --name; every value is quoted', () => {
    expect(parseServerArgs(['--replicaof', '127.0.0.1', '6380', '--maxmemory', '1gb']).configText)
      .toBe('replicaof "127.0.0.1" "6380" \nmaxmemory "1gb" ');
    expect(parseServerArgs(['--requirepass', 'a "b" \\c']).configText).toBe('requirepass "a \\"b\\" \\\\c" ');
    // a negative number is a value, not an option
    expect(parseServerArgs(['--list-max-listpack-size', '-3']).configText).toBe('list-max-listpack-size "-3" ');
  });

  it('--save with an empty argument, or none at all, means save ""', () => {
    expect(parseServerArgs(['--save', '']).configText).toBe('save "" ');
    expect(parseServerArgs(['--save']).configText).toBe('save ""');
    expect(parseServerArgs(['--save', '--port', '1']).configText).toBe('save ""\nport "1" ');
    expect(parseServerArgs(['--SAVE', '--port', '1']).configText).toBe('SAVE ""\nport "1" ');
    expect(apply(['--save', '']).format('save')).toBe('');
    expect(apply(['--save', '--appendonly', 'yes']).format('save')).toBe('');
    expect(apply(['--save', '--appendonly', 'yes']).getBool('appendonly')).toBe(true);
    expect(apply(['--save', '100', '1', '200', '2']).format('save')).toBe('100 1 200 2');
  });

  it('a --word right after a name without value is that name\'s value', () => {
    expect(parseServerArgs(['--port', '--hz', '5']).configText).toBe('port "--hz" "5" ');
    expect(parseServerArgs(['--replicaof', '--foo']).configText).toBe('replicaof "--foo" ');
  });

  it('"--name value" in one word carries its value', () => {
    expect(parseServerArgs(['--port 7000', '--hz', '5']).configText).toBe('port 7000 \nhz "5" ');
    expect(apply(['--port 7000', '--hz', '5']).getNum('port')).toBe(7000);
  });

  it('--sentinel switches mode and takes no value', () => {
    const a = parseServerArgs(['s.conf', '--sentinel', '--port', '26379']);
    expect(a.sentinel).toBe(true);
    expect(a.configText).toBe('sentinel \nport "26379" ');
    expect(parseServerArgs(['s.conf', '--sentinel']).configText).toBe('sentinel ');
  });

  it('typical command lines load', () => {
    const c = apply(['--port', '7390', '--maxmemory', '1gb', '--replicaof', '127.0.0.1', '6380', '--save', '']);
    expect(c.getNum('port')).toBe(7390);
    expect(c.getNum('maxmemory')).toBe(1073741824);
    expect(c.getReplicaOf()).toEqual({ host: '127.0.0.1', port: 6380 });
    expect(c.getSaveParams()).toEqual([]);
    const d = apply(['--maxmemory', '1gb', '--MAXMEMORY', '2gb', '--bind', '127.0.0.1', '::1']);
    expect(d.getNum('maxmemory')).toBe(2147483648);
    expect(d.getBindAddresses()).toEqual(['127.0.0.1', '::1']);
  });

  it('errors point at the option line as redis-server does', () => {
    const err = (argv: string[]): string => {
      try {
        apply(argv);
      } catch (e) {
        if (e instanceof ConfigFileError) return e.message;
      }
      return 'no error';
    };
    expect(err(['--port', '7394', '--maxmemory', 'foo'])).toBe(
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'maxmemory \"foo\"'\nargument must be a memory value\n");
    expect(err(['--port', '--hz', '5'])).toContain(">>> 'port \"--hz\" \"5\"'\nwrong number of arguments");
    expect(err(['--port', '7392 x'])).toContain("at line 2\n>>> 'port \"7392 x\"'\nargument couldn't be parsed into an integer");
  });
});
