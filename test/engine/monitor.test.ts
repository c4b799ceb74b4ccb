// MONITOR: the line format (timestamp, db, address, sdscatrepr quoting), which commands show
// (admin ones do not), secret redaction, transaction order, the database after SELECT, and the
// monitor client's own restrictions; plus the repr and redaction helpers directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';
import { redactArgv, reprString } from '../../src/engine/monitor.js';

let s: RunningServer;

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning' } });
});

afterAll(async () => {
  await s.close();
});

/** Collect monitor lines with the timestamp and address replaced by fixed text. */
function normalize(lines: string[], addr: string): string[] {
  return lines.map((l) => l.replace(/^\+\d+\.\d{6} \[(\d+) ([^\]]+)\]/, (_m, db: string, a: string) => `+T [${db} ${a === addr ? 'ME' : a}]`));
}

describe('helpers', () => {
  it('reprString escapes like sdscatrepr', () => {
    expect(reprString('a"\\b')).toBe('"a\\"\\\\b"');
    expect(reprString('\x01\n\r\t\x07\x08\x7f\xff ~')).toBe('"\\x01\\n\\r\\t\\a\\b\\x7f\\xff ~"');
    expect(reprString('')).toBe('""');
  });

  it('redactArgv hides the secrets Redis 7.0 redacts', () => {
    expect(redactArgv('auth', ['auth', 'pw'])).toEqual(['auth', '(redacted)']);
    expect(redactArgv('auth', ['auth', 'u', 'pw'])).toEqual(['auth', '(redacted)', '(redacted)']);
    expect(redactArgv('auth', ['auth', 'u', 'pw', 'x'])).toEqual(['auth', 'u', 'pw', 'x']);
    expect(redactArgv('hello', ['hello', '3', 'SETNAME', 'n', 'AUTH', 'u', 'p'])).toEqual(
      ['hello', '3', 'SETNAME', 'n', 'AUTH', '(redacted)', '(redacted)'],
    );
    // An invalid name ends HELLO's parsing first.
    expect(redactArgv('hello', ['hello', '3', 'SETNAME', 'a b', 'AUTH', 'u', 'p'])).toEqual(
      ['hello', '3', 'SETNAME', 'a b', 'AUTH', 'u', 'p'],
    );
    expect(redactArgv('migrate', ['migrate', 'h', '1', 'k', '0', '5', 'COPY', 'AUTH2', 'u', 'p', 'KEYS', 'a'])).toEqual(
      ['migrate', 'h', '1', 'k', '0', '5', 'COPY', 'AUTH2', '(redacted)', '(redacted)', 'KEYS', 'a'],
    );
    expect(redactArgv('config|set', ['config', 'set', 'masterauth', 'x', 'hz', '10', 'requirepass', 'y'])).toEqual(
      ['config', 'set', 'masterauth', '(redacted)', 'hz', '10', 'requirepass', '(redacted)'],
    );
    expect(redactArgv('acl|setuser', ['acl', 'setuser', 'bob', '>pw'])).toEqual(['acl', 'setuser', '(redacted)', '(redacted)']);
    const argv = ['get', 'k'];
    expect(redactArgv('get', argv)).toBe(argv);
  });
});

describe('MONITOR over a socket', () => {
  it('streams executed commands in order, quoted, with the db after the command', async () => {
    const m = await RawClient.connect(s.port);
    expect(await m.call('MONITOR')).toBe('+OK\r\n');
    const c = await RawClient.connect(s.port);
    await c.call('SET', 'a"\\b', '\x01\n\xff');
    await c.call('CONFIG', 'GET', 'port'); // admin: not shown
    await c.call('AUTH', 'secret'); // error reply, but shown redacted
    await c.raw('MULTI\r\nSET k v\r\nEXEC\r\n', 3);
    await c.raw('MULTI\r\nNOSUCHCMD\r\nEXEC\r\n', 3);
    await c.call('SELECT', '3');
    await c.call('GET', 'x');
    const lines = await m.raw('', 9);
    const addr = (lines[0] as string).match(/\[0 ([^\]]+)\]/)?.[1] ?? '';
    expect(normalize(lines, addr)).toEqual([
      '+T [0 ME] "SET" "a\\"\\\\b" "\\x01\\n\\xff"\r\n',
      '+T [0 ME] "AUTH" "(redacted)"\r\n',
      '+T [0 ME] "MULTI"\r\n',
      '+T [0 ME] "SET" "k" "v"\r\n',
      '+T [0 ME] "EXEC"\r\n',
      '+T [0 ME] "MULTI"\r\n',
      '+T [0 ME] "EXEC"\r\n',
      '+T [3 ME] "SELECT" "3"\r\n',
      '+T [3 ME] "GET" "x"\r\n',
    ]);
    expect(lines[0]).toMatch(/^\+\d{10}\.\d{6} \[0 127\.0\.0\.1:\d+\] /);
    m.close();
    c.close();
  });

  it('a second MONITOR is silent; keyspace commands are refused; CLIENT LIST shows O; RESET leaves it', async () => {
    const m = await RawClient.connect(s.port);
    await m.call('MONITOR');
    // No reply to the second MONITOR; a command's reply comes before its own monitor line.
    expect(await m.raw('MONITOR\r\nPING\r\n', 2)).toEqual(['+PONG\r\n', expect.stringMatching(/"PING"\r\n$/)]);
    // Rejected commands do not run, so they are not echoed.
    expect(await m.call('GET', 'x')).toBe("-ERR Replica can't interact with the keyspace\r\n");
    const [info] = await m.raw('CLIENT INFO\r\n', 2);
    expect(info).toMatch(/ flags=O /);
    // RESET leaves monitor mode before it would be echoed.
    expect(await m.call('RESET')).toBe('+RESET\r\n');
    expect(await m.call('CLIENT', 'INFO')).toMatch(/ flags=N /);
    expect(await m.call('GET', 'x')).toBe('$-1\r\n');
    m.close();
  });

  it('is refused inside MULTI/EXEC', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.raw('MULTI\r\nMONITOR\r\nEXEC\r\n', 3)).toEqual([
      '+OK\r\n', '+QUEUED\r\n', "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n",
    ]);
    c.close();
  });
});
