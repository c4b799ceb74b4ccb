// SLOWLOG over ioredis (RESP2) and raw bytes: entry shape, trimming of long and many arguments,
// redaction, ids, max length, disabling, EXEC's queued commands logged instead of EXEC, the
// count argument's errors and HELP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';
import { trimSlowlogArgs } from '../../src/engine/slowlog.js';

type Entry = [number, number, number, string[], string, string];

let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning', 'enable-debug-command': 'yes' } });
  r = new Redis({ port: s.port, protocol: 2 });
});

afterAll(async () => {
  r.disconnect();
  await s.close();
});

async function entries(count?: number): Promise<Entry[]> {
  return (count === undefined ? await r.call('SLOWLOG', 'GET') : await r.call('SLOWLOG', 'GET', String(count))) as Entry[];
}

describe('SLOWLOG', () => {
  it('trims arguments as Redis does', () => {
    const many = Array.from({ length: 40 }, (_, i) => String(i));
    const t = trimSlowlogArgs(many);
    expect(t.length).toBe(32);
    expect(t[30]).toBe('30');
    expect(t[31]).toBe('... (9 more arguments)');
    expect(trimSlowlogArgs(['set', 'k', 'A'.repeat(130)])[2]).toBe('A'.repeat(128) + '... (2 more bytes)');
    expect(trimSlowlogArgs(['x', 'A'.repeat(128)])[1]).toBe('A'.repeat(128));
  });

  it('logs everything at threshold 0, newest first, with address and client name', async () => {
    await r.config('SET', 'slowlog-log-slower-than', '0');
    await r.call('SLOWLOG', 'RESET');
    await r.call('CLIENT', 'SETNAME', 'tester');
    await r.set('k', 'v');
    await r.call('AUTH', 'nopass-configured').catch(() => undefined);
    const list = await entries();
    const [auth, set, setname] = list;
    expect(auth?.[3]).toEqual(['AUTH', '(redacted)']);
    expect(set?.[3]).toEqual(['set', 'k', 'v']);
    expect(setname?.[3]).toEqual(['CLIENT', 'SETNAME', 'tester']);
    expect(set?.[5]).toBe('tester');
    expect(set?.[4]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(set?.[0]).toBe((setname?.[0] ?? 0) + 1);
    expect(Math.abs((set?.[1] ?? 0) - Date.now() / 1000)).toBeLessThan(5);
    expect(typeof set?.[2]).toBe('number');
    expect(await r.call('SLOWLOG', 'LEN')).toBe(list.length + 1); // SLOWLOG GET itself was logged too
  });

  it('respects slowlog-max-len at the next push and the count argument', async () => {
    await r.config('SET', 'slowlog-log-slower-than', '0');
    await r.config('SET', 'slowlog-max-len', '10');
    for (let i = 0; i < 30; i++) await r.ping();
    expect(await r.call('SLOWLOG', 'LEN')).toBe(10);
    expect((await entries(5)).length).toBe(5);
    expect((await entries(0)).length).toBe(0);
    expect((await entries(-1)).length).toBe(10);
    await r.config('SET', 'slowlog-max-len', '2');
    await r.ping();
    expect(await r.call('SLOWLOG', 'LEN')).toBe(2);
    await r.config('SET', 'slowlog-max-len', '128');
  });

  it('logs the commands of a transaction, not EXEC; is disabled by a negative threshold', async () => {
    await r.config('SET', 'slowlog-log-slower-than', '100000');
    await r.call('SLOWLOG', 'RESET');
    const res = await r.multi().call('DEBUG', 'SLEEP', '0.15').exec();
    expect(res?.[0]?.[1]).toBe('OK');
    const list = await entries();
    expect(list.length).toBe(1);
    expect(list[0]?.[3]).toEqual(['DEBUG', 'SLEEP', '0.15']);
    expect(list[0]?.[2]).toBeGreaterThan(100000);
    await r.config('SET', 'slowlog-log-slower-than', '-1');
    await r.call('SLOWLOG', 'RESET');
    await r.call('DEBUG', 'SLEEP', '0.01');
    expect(await r.call('SLOWLOG', 'LEN')).toBe(0);
    await r.config('SET', 'slowlog-log-slower-than', '10000');
  });

  it('errors and help', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.call('SLOWLOG', 'GET', '-2')).toBe('-ERR count should be greater than or equal to -1\r\n');
    expect(await c.call('SLOWLOG', 'GET', 'x')).toBe('-ERR count should be greater than or equal to -1\r\n');
    expect(await c.call('SLOWLOG', 'GET', '1', '2')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n",
    );
    expect(await c.call('SLOWLOG', 'LEN', 'x')).toBe("-ERR wrong number of arguments for 'slowlog|len' command\r\n");
    expect(await c.call('SLOWLOG', 'FOO')).toBe("-ERR unknown subcommand 'FOO'. Try SLOWLOG HELP.\r\n");
    const help = await c.call('SLOWLOG', 'HELP');
    expect(help.startsWith('*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET [<count>]\r\n')).toBe(true);
    c.close();
  });
});
