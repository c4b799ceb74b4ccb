import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config } from '../../src/config/config.js';
import { ConfigFileError } from '../../src/config/conf-file.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-conf-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text, 'latin1');
  return p;
}

function loadError(text: string, c = new Config()): ConfigFileError {
  try {
    c.loadText(text);
  } catch (e) {
    if (e instanceof ConfigFileError) return e;
    throw e;
  }
  throw new Error('expected a ConfigFileError');
}

const fatal = (n: number, line: string, reason: string): string =>
  `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${n}\n>>> '${line}'\n${reason}\n`;

describe('redis.conf parsing', () => {
  it('comments, blank lines, indentation, CRLF and case-insensitive names', () => {
    const c = new Config();
    c.loadText('# a comment\n\n   MaxMemory 1GB   \r\n\tport 7000\r\n  # indented comment\nLOGLEVEL warning');
    expect(c.getNum('maxmemory')).toBe(1073741824);
    expect(c.getNum('port')).toBe(7000);
    expect(c.getEnum('loglevel')).toBe('warning');
  });

  it('quoted arguments with escapes', () => {
    const c = new Config();
    c.loadText('requirepass "p a\\x41ss\\n"\nmasterauth \'it\\\'s\'\nlogfile ""');
    expect(c.getStr('requirepass')).toBe('p aAss\n');
    expect(c.getStr('masterauth')).toBe("it's");
    expect(c.getStr('logfile')).toBe('');
  });

  it('multi-argument directives: several words or one quoted word', () => {
    const c = new Config();
    c.loadText('bind 127.0.0.1 ::1\nshutdown-on-sigint save now\noom-score-adj-values "1 2 3"');
    expect(c.getBindAddresses()).toEqual(['127.0.0.1', '::1']);
    expect(c.getEnum('shutdown-on-sigint')).toBe('save now');
    expect(c.getOomScoreAdjValues()).toEqual([1, 2, 3]);
    c.loadText('bind "10.0.0.1 10.0.0.2"');
    expect(c.getBindAddresses()).toEqual(['10.0.0.1', '10.0.0.2']);
    c.loadText('replicaof 127.0.0.1 6380');
    expect(c.getReplicaOf()).toEqual({ host: '127.0.0.1', port: 6380 });
    c.loadText('slaveof no one');
    expect(c.getReplicaOf()).toBeNull();
  });

  it('save lines accumulate within one load; the first replaces the defaults', () => {
    const c = new Config();
    c.loadText('save 100 10\nsave 200 20');
    expect(c.format('save')).toBe('100 10 200 20');
    c.loadText('save "1 2 3 4"');
    expect(c.format('save')).toBe('1 2 3 4');
    c.loadText('save 100 10\nsave ""\nsave 300 30');
    expect(c.format('save')).toBe('300 30');
    c.loadText('save');
    expect(c.format('save')).toBe('');
    const d = new Config();
    d.loadText('port 1234');
    expect(d.format('save')).toBe('3600 1 300 100 60 10000');
  });

  it('old directive names Redis 7.0 ignores are accepted', () => {
    const c = new Config();
    c.loadText('list-max-ziplist-entries 5\nlist-max-ziplist-value 6\nlua-replicate-commands yes');
    expect(loadError('list-max-ziplist-entries 5 6').message).toBe(
      fatal(1, 'list-max-ziplist-entries 5 6', 'Bad directive or wrong number of arguments'));
  });

  it('file-only directives are collected for their owners', () => {
    const c = new Config({ sentinelMode: true });
    const renames: string[] = [];
    c.setFileDirectiveHandlers({
      renameCommand: (from, to) => {
        renames.push(`${from}->${to}`);
        return from === 'nosuch' ? 'No such command in rename-command' : null;
      },
      user: (args) => (args.includes('bogus') ? `Error in user declaration 'bogus': Syntax error` : null),
    });
    c.loadText([
      'rename-command FLUSHALL ""', 'user alice on >pw ~* +@all', 'loadmodule /x/mod.so a b',
      'mymod.setting 1 2', 'sentinel monitor m 127.0.0.1 6379 2', 'sentinel',
    ].join('\n'));
    expect(renames).toEqual(['FLUSHALL->']);
    expect(c.renamedCommands).toEqual([['FLUSHALL', '']]);
    expect(c.users).toEqual([['alice', 'on', '>pw', '~*', '+@all']]);
    expect(c.loadModules).toEqual([{ path: '/x/mod.so', args: ['a', 'b'] }]);
    expect(c.moduleConfigs.get('mymod.setting')).toBe('1 2');
    expect(c.sentinelLines.map((l) => l.args)).toEqual([['monitor', 'm', '127.0.0.1', '6379', '2']]);
    expect(loadError('rename-command nosuch x', c).message).toBe(
      fatal(1, 'rename-command nosuch x', 'No such command in rename-command'));
    expect(loadError('user bob bogus', c).message).toBe(
      fatal(1, 'user bob bogus', "Error in user declaration 'bogus': Syntax error"));
  });
});

describe('redis.conf errors (Redis 7.0.15 texts and line numbers)', () => {
  const cases: Array<[string, number, string, string]> = [
    ['port 1\nfoo bar', 2, 'foo bar', 'Bad directive or wrong number of arguments'],
    ['port 1\n\n   # c\n\tbind "a\n', 4, 'bind "a', 'Unbalanced quotes in configuration line'],
    ['bind "a"b', 1, 'bind "a"b', 'Unbalanced quotes in configuration line'],
    ['maxmemory 1x', 1, 'maxmemory 1x', 'argument must be a memory value'],
    ['hz x', 1, 'hz x', "argument couldn't be parsed into an integer"],
    ['loglevel', 1, 'loglevel', 'wrong number of arguments'],
    ['port 1 2', 1, 'port 1 2', 'wrong number of arguments'],
    ['notify-keyspace-events', 1, 'notify-keyspace-events', 'wrong number of arguments'],
    ['replicaof a', 1, 'replicaof a', 'wrong number of arguments'],
    ['replicaof a b', 1, 'replicaof a b', 'Invalid master port'],
    ['save 1 x', 1, 'save 1 x', 'Invalid save parameters'],
    ['appendonly maybe', 1, 'appendonly maybe', "argument must be 'yes' or 'no'"],
    ['maxmemory-policy lru', 1, 'maxmemory-policy lru',
      'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction'],
    ['unixsocketperm 800', 1, 'unixsocketperm 800', "argument couldn't be parsed as an octal number"],
    ['unixsocketperm 1000', 1, 'unixsocketperm 1000', 'argument must be between 0 and 777 inclusive'],
    ['dbfilename a/b.rdb', 1, 'dbfilename a/b.rdb', "dbfilename can't be a path, just a filename"],
    ['user', 1, 'user', 'Bad directive or wrong number of arguments'],
    ['include', 1, 'include', 'Bad directive or wrong number of arguments'],
    ['sentinel monitor a', 1, 'sentinel monitor a', 'sentinel directive while not in sentinel mode'],
    ['a.b', 1, 'a.b', 'Module config specified without value'],
    ['oom-score-adj-values "1 2"', 1, 'oom-score-adj-values "1 2"', 'wrong number of arguments'],
  ];
  for (const [text, n, line, reason] of cases) {
    it(JSON.stringify(text), () => {
      const e = loadError(text);
      expect(e.message).toBe(fatal(n, line, reason));
      expect(e.lineNumber).toBe(n);
      expect(e.line).toBe(line);
      expect(e.reason).toBe(reason);
      expect(e.kind).toBe('directive');
    });
  }

  it('checks after loading: cluster mode with replicaof, unusable log file', () => {
    expect(loadError('cluster-enabled yes\nreplicaof a 1').message).toBe(
      '\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nreplicaof directive not allowed in cluster mode\n');
    const e = loadError('logfile /nonexistent-dir-nodis/x.log');
    expect(e.kind).toBe('check');
    expect(e.message).toBe(
      '\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan\'t open the log file: No such file or directory\n');
  });

  it('sentinel alone is accepted outside sentinel mode', () => {
    expect(() => new Config().loadText('sentinel')).not.toThrow();
  });
});

describe('loading files', () => {
  it('loadFile remembers the absolute path for CONFIG REWRITE', () => {
    const p = write('a.conf', 'port 7001\n');
    const c = new Config();
    c.loadFile(p);
    expect(c.getNum('port')).toBe(7001);
    expect(c.configFile).toBe(p);
  });

  it('a missing file is reported like Redis', () => {
    const c = new Config();
    const p = path.join(tmp, 'missing.conf');
    expect(() => c.loadFile(p)).toThrow(`Fatal error, can't open config file '${p}': No such file or directory`);
  });

  it('include reads another file in place, with its own line numbers', () => {
    write('inc/one.conf', 'timeout 7\n');
    const main = write('main.conf', `port 7002\ninclude ${path.join(tmp, 'inc/one.conf')}\nport 7003\n`);
    const c = new Config();
    c.loadFile(main);
    expect(c.getNum('timeout')).toBe(7);
    expect(c.getNum('port')).toBe(7003);

    write('inc/bad.conf', '\n\nhz x\n');
    const bad = write('bad.conf', `include ${path.join(tmp, 'inc/bad.conf')}\n`);
    const e = (() => { try { new Config().loadFile(bad); } catch (err) { return err as ConfigFileError; } return null; })();
    expect(e?.message).toBe(fatal(3, 'hz x', "argument couldn't be parsed into an integer"));
  });

  it('include paths are relative to the current directory', () => {
    write('rel/inner.conf', 'databases 4\n');
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      const c = new Config();
      c.loadText('include rel/inner.conf');
      expect(c.getNum('databases')).toBe(4);
    } finally {
      process.chdir(cwd);
    }
  });

  it('include with a glob reads every match in order; no match is not an error', () => {
    write('glob/b.conf', 'timeout 2\n');
    write('glob/a.conf', 'timeout 1\nmaxclients 5\n');
    write('glob/.hidden.conf', 'timeout 99\n');
    write('glob/c.txt', 'timeout 98\n');
    const c = new Config();
    c.loadText(`include ${path.join(tmp, 'glob/*.conf')}\ninclude ${path.join(tmp, 'glob/none-*.conf')}`);
    expect(c.getNum('timeout')).toBe(2);
    expect(c.getNum('maxclients')).toBe(5);
    expect(() => new Config().loadText(`include ${path.join(tmp, 'nothere.conf')}`)).toThrow(
      `Fatal error, can't open config file '${path.join(tmp, 'nothere.conf')}': No such file or directory`);
  });

  it('after an include, later save lines of the file replace instead of adding (as Redis)', () => {
    write('inc/port.conf', 'port 7004\n');
    const c = new Config();
    c.loadText(`include ${path.join(tmp, 'inc/port.conf')}\nsave 10 1\nsave 20 2`);
    expect(c.format('save')).toBe('20 2');
  });

  it('loadStartup: file, stdin and options parsed as one text (line numbers continue)', () => {
    const p = write('start.conf', 'port 7005\n# c\n');
    const c = new Config();
    c.loadStartup({ configFile: p, stdinText: 'timeout 3\n', options: 'hz "20" \nmaxmemory "1mb" ' });
    expect(c.getNum('port')).toBe(7005);
    expect(c.getNum('timeout')).toBe(3);
    expect(c.getNum('hz')).toBe(20);
    expect(c.getNum('maxmemory')).toBe(1048576);
    const d = new Config();
    const err = (() => { try { d.loadStartup({ configFile: p, options: 'hz "10" \nfoo "bar" ' }); } catch (e) { return e as ConfigFileError; } return null; })();
    expect(err?.message).toBe(fatal(5, 'foo "bar"', 'Bad directive or wrong number of arguments'));
  });

  it('loadStartup: --save adds to the file\'s save lines (one load, as redis-server)', () => {
    const p = write('save.conf', 'save 200 2\n');
    const c = new Config();
    c.loadStartup({ configFile: p, options: 'save "100" "1" ' });
    expect(c.format('save')).toBe('200 2 100 1');
  });

  it('redis.conf.example loads without error', () => {
    const c = new Config({ env: { cwd: () => '/x', chdir: () => null } });
    c.loadFile(path.join(__dirname, '../../redis.conf.example'));
    expect(c.getBindAddresses()).toEqual(['127.0.0.1', '-::1']);
    expect(c.getNum('port')).toBe(6379);
    expect(c.format('save')).toBe('3600 1 300 100 60 10000');
  });
});
