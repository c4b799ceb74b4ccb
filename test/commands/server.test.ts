// Server commands over a real socket: INFO, CONFIG, DBSIZE, FLUSHDB/FLUSHALL, SWAPDB, TIME,
// LOLWUT, SHUTDOWN, DEBUG. INFO's section and field layout is compared with the real
// redis-server 7.0.15.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';

let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning', 'enable-debug-command': 'yes' } });
  r = new Redis({ port: s.port, protocol: 2, lazyConnect: true });
  await r.connect();
});

afterAll(async () => {
  r.disconnect();
  await s.close();
});

/** Section titles and field names of an INFO text, in order. */
function layout(info: string): string[] {
  return info
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => (l.startsWith('#') ? l : l.slice(0, l.indexOf(':'))));
}

describe('INFO', () => {
  it('default, all, everything and single sections', async () => {
    for (const args of [[], ['all'], ['default'], ['everything']]) {
      const info = (await r.call('INFO', ...args)) as string;
      expect(info).toContain('redis_version:7.0.15');
      expect(info).toContain('nodis_version:');
      expect(info).toContain('used_cpu_user');
      expect(info).toContain('used_memory');
      const full = args[0] === 'all' || args[0] === 'everything';
      expect(info.includes('# Commandstats')).toBe(full);
      expect(info.includes('# Latencystats')).toBe(full);
    }
    const cpu = (await r.call('INFO', 'CPU')) as string;
    expect(layout(cpu)[0]).toBe('# CPU');
    expect(cpu).not.toContain('used_memory');
    expect((await r.call('INFO', 'sentinel')) as string).toBe('');
    const stats = (await r.call('INFO', 'commandSTATS')) as string;
    expect(stats).toMatch(/cmdstat_info:calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n/);
    const both = (await r.call('INFO', 'cpu', 'all')) as string;
    expect(both.split('used_cpu_user_children').length).toBe(2);
  });

  it('is a verbatim string in RESP3 and a bulk string in RESP2', async () => {
    const c = await RawClient.connect(s.port);
    const two = await c.call('INFO', 'cluster');
    expect(two).toBe('$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('INFO', 'cluster')).toBe('=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n');
    c.close();
  });

  it('reports keyspace and error statistics', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('SELECT', '5');
    await c.call('DEBUG', 'POPULATE', '3');
    expect(await c.call('INFO', 'keyspace')).toContain('db5:keys=3,expires=0,avg_ttl=0\r\n');
    await c.call('FLUSHDB');
    await c.call('NOSUCHCOMMAND');
    expect(await c.call('INFO', 'errorstats')).toMatch(/errorstat_ERR:count=\d+/);
    c.close();
  });

  describe('compared with redis-server 7.0.15', () => {
    let real: RealRedis;
    beforeAll(async () => {
      real = await startRealRedis();
    });
    afterAll(async () => {
      await real.stop();
    });

    it('has the same sections and fields in the same order', async () => {
      const rr = await RawClient.connect(real.port);
      const realInfo = await rr.call('INFO', 'everything');
      rr.close();
      const ours = (await r.call('INFO', 'everything')) as string;
      const dropVariable = (names: string[]): string[] =>
        names.filter((n) => !n.startsWith('cmdstat_') && !n.startsWith('errorstat_') &&
          !n.startsWith('latency_percentiles_usec_') && !/^db\d+$/.test(n));
      const extras = new Set([
        'nodis_version', 'client_query_buffer_limit_disconnections', 'client_output_buffer_limit_disconnections',
      ]);
      const mine = dropVariable(layout(ours)).filter((n) => !extras.has(n));
      const theirs = dropVariable(layout(realInfo.slice(realInfo.indexOf('\r\n') + 2)));
      expect(mine).toEqual(theirs);
    });
  });
});

describe('CONFIG', () => {
  it('GET replies an array in RESP2 and a map in RESP3', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.call('CONFIG', 'GET', 'maxmemory')).toBe('*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('CONFIG', 'GET', 'maxmemory')).toBe('%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n');
    expect(await c.call('CONFIG', 'GET', 'no-such-directive')).toBe('%0\r\n');
    c.close();
  });

  it('SET, RESETSTAT, REWRITE without a file, HELP, arity', async () => {
    await expect(r.call('CONFIG', 'SET', 'maxmemory')).rejects.toThrow("wrong number of arguments for 'config|set'");
    await expect(r.call('CONFIG', 'SET', 'maxmemory', '1', 'hz')).rejects.toThrow('ERR syntax error');
    expect(await r.call('CONFIG', 'SET', 'maxmemory', '10mb')).toBe('OK');
    expect(await r.call('CONFIG', 'GET', 'maxmemory')).toEqual(['maxmemory', '10485760']);
    expect(await r.call('CONFIG', 'SET', 'maxmemory', '0')).toBe('OK');
    await expect(r.call('CONFIG', 'SET', 'nosuch', '1')).rejects.toThrow(/^ERR /);
    await r.call('PING');
    expect(await r.call('CONFIG', 'RESETSTAT')).toBe('OK');
    const stats = (await r.call('INFO', 'commandstats')) as string;
    expect(stats).not.toContain('cmdstat_ping');
    await expect(r.call('CONFIG', 'REWRITE')).rejects.toThrow('ERR The server is running without a config file');
    const help = (await r.call('CONFIG', 'HELP')) as string[];
    expect(help[0]).toBe('CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help.length).toBe(11);
    await expect(r.call('CONFIG')).rejects.toThrow("wrong number of arguments for 'config' command");
  });
});

describe('DBSIZE / FLUSHDB / FLUSHALL / SWAPDB', () => {
  it('counts and flushes keys', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('SELECT', '3');
    await c.call('FLUSHALL');
    await c.call('DEBUG', 'POPULATE', '10');
    expect(await c.call('DBSIZE')).toBe(':10\r\n');
    expect(await c.call('FLUSHDB', 'ASYNC')).toBe('+OK\r\n');
    expect(await c.call('DBSIZE')).toBe(':0\r\n');
    await c.call('DEBUG', 'POPULATE', '4');
    await c.call('SELECT', '4');
    await c.call('DEBUG', 'POPULATE', '2');
    expect(await c.call('FLUSHDB', 'SYNC', 'x')).toBe('-ERR syntax error\r\n');
    expect(await c.call('FLUSHALL', 'lazy')).toBe('-ERR syntax error\r\n');
    expect(await c.call('FLUSHALL', 'SYNC')).toBe('+OK\r\n');
    expect(await c.call('DBSIZE')).toBe(':0\r\n');
    await c.call('SELECT', '3');
    expect(await c.call('DBSIZE')).toBe(':0\r\n');
    c.close();
  });

  it('SWAPDB exchanges two databases and validates indexes', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('FLUSHALL');
    await c.call('SELECT', '1');
    await c.call('DEBUG', 'POPULATE', '5');
    expect(await c.call('SWAPDB', '1', '2')).toBe('+OK\r\n');
    expect(await c.call('DBSIZE')).toBe(':0\r\n');
    await c.call('SELECT', '2');
    expect(await c.call('DBSIZE')).toBe(':5\r\n');
    expect(await c.call('SWAPDB', 'x', '1')).toBe('-ERR invalid first DB index\r\n');
    expect(await c.call('SWAPDB', '1', 'y')).toBe('-ERR invalid second DB index\r\n');
    expect(await c.call('SWAPDB', '1', '99')).toBe('-ERR DB index is out of range\r\n');
    expect(await c.call('SWAPDB', '-1', '0')).toBe('-ERR DB index is out of range\r\n');
    await c.call('FLUSHALL');
    c.close();
  });
});

describe('TIME / LOLWUT', () => {
  it('TIME replies seconds and microseconds', async () => {
    const [sec, usec] = (await r.call('TIME')) as [string, string];
    expect(Math.abs(Number(sec) - Date.now() / 1000)).toBeLessThan(5);
    expect(Number(usec)).toBeGreaterThanOrEqual(0);
    expect(Number(usec)).toBeLessThan(1_000_000);
    await expect(r.call('TIME', 'x')).rejects.toThrow("wrong number of arguments for 'time'");
  });

  it('LOLWUT draws art and names the versions', async () => {
    const out = (await r.call('LOLWUT', 'VERSION', '5', '10', '3')) as string; // ioredis decodes UTF-8
    const lines = out.split('\n');
    expect(lines.slice(0, 3).every((l) => /^[\u2571\u2572]{10}$/.test(l))).toBe(true);
    expect(out).toMatch(/nodis ver\. \d+\.\d+\.\d+, Redis ver\. 7\.0\.15 compatible\n$/);
    expect((await r.call('LOLWUT')) as string).toContain('Redis ver. 7.0.15');
    await expect(r.call('LOLWUT', 'VERSION', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(r.call('LOLWUT', '10', 'y')).rejects.toThrow('ERR value is not an integer or out of range');
  });
});

describe('SHUTDOWN', () => {
  it('rejects bad flag combinations and ABORT without a shutdown', async () => {
    await expect(r.call('SHUTDOWN', 'SAVE', 'NOSAVE')).rejects.toThrow('ERR syntax error');
    await expect(r.call('SHUTDOWN', 'ABORT', 'NOW')).rejects.toThrow('ERR syntax error');
    await expect(r.call('SHUTDOWN', 'LATER')).rejects.toThrow('ERR syntax error');
    await expect(r.call('SHUTDOWN', 'ABORT')).rejects.toThrow('ERR No shutdown in progress.');
  });

  it('SHUTDOWN NOSAVE stops the server', async () => {
    let stopped = false;
    const t = await startServer({ port: 0, config: { loglevel: 'warning' }, onShutdown: () => (stopped = true) });
    const c = await RawClient.connect(t.port);
    const reply = c.call('SHUTDOWN', 'NOSAVE', 'NOW');
    await c.waitClose();
    expect(await reply).toBe('<closed>');
    await t.close();
    expect(stopped).toBe(true);
  });
});

describe('DEBUG', () => {
  it('SLEEP blocks the whole server', async () => {
    const a = await RawClient.connect(s.port);
    const b = await RawClient.connect(s.port);
    const t0 = Date.now();
    const slept = a.call('DEBUG', 'SLEEP', '0.3');
    await new Promise((res) => setTimeout(res, 20));
    expect(await b.call('PING')).toBe('+PONG\r\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await slept).toBe('+OK\r\n');
    expect(await a.call('DEBUG', 'SLEEP', '0')).toBe('+OK\r\n');
    a.close();
    b.close();
  });

  it('OBJECT describes a value', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('SELECT', '7');
    await c.call('DEBUG', 'POPULATE', '1', 'obj');
    const line = await c.call('DEBUG', 'OBJECT', 'obj:0');
    expect(line).toMatch(/^\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:8 lru:\d+ lru_seconds_idle:\d+\r\n$/);
    // The address identifies the object: it is stable while the value is unchanged.
    expect(await c.call('DEBUG', 'OBJECT', 'obj:0')).toBe(line);
    expect(await c.call('DEBUG', 'OBJECT', 'nokey')).toBe('-ERR no such key\r\n');
    // Small integers are shared objects (refcount INT_MAX); RDB stores them in 1 + 1..4 bytes.
    await c.call('SET', 'n', '5');
    expect(await c.call('DEBUG', 'OBJECT', 'n')).toMatch(/ refcount:2147483647 encoding:int serializedlength:2 /);
    await c.call('SET', 'n', '500000');
    expect(await c.call('DEBUG', 'OBJECT', 'n')).toMatch(/ refcount:1 encoding:int serializedlength:5 /);
    await c.call('SET', 's', 'abcdefghijklmnopqrstuvwxyz0123456789');
    expect(await c.call('DEBUG', 'OBJECT', 's')).toMatch(/ encoding:embstr serializedlength:37 /);
    await c.call('FLUSHDB');
    c.close();
  });

  it('POPULATE creates keys with optional prefix and size', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('SELECT', '8');
    expect(await c.call('DEBUG', 'POPULATE', '3', 'p', '10')).toBe('+OK\r\n');
    expect(await c.call('DBSIZE')).toBe(':3\r\n');
    expect(await c.call('DEBUG', 'OBJECT', 'p:2')).toMatch(/encoding:embstr serializedlength:11 /);
    expect(await c.call('DEBUG', 'POPULATE', '-1')).toBe('-ERR value is out of range, must be positive\r\n');
    expect(await c.call('DEBUG', 'POPULATE', 'x')).toBe('-ERR value is out of range, must be positive\r\n');
    expect(await c.call('DEBUG', 'POPULATE', '1', 'p', 'y')).toBe('-ERR value is out of range, must be positive\r\n');
    await c.call('FLUSHDB');
    c.close();
  });

  it('PROTOCOL replies each RESP type', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.call('DEBUG', 'PROTOCOL', 'double')).toBe('$5\r\n3.141\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'true')).toBe(':1\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'attrib')).toBe('$39\r\nSome real reply following the attribute\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'push')).toBe('-ERR RESP2 is not supported by this command\r\n');
    await c.call('HELLO', '3');
    expect(await c.call('DEBUG', 'PROTOCOL', 'double')).toBe(',3.141\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'bignum')).toBe('(1234567999999999999999999999999999999\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'map')).toBe('%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'set')).toBe('~3\r\n:0\r\n:1\r\n:2\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'null')).toBe('_\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'verbatim')).toBe('=29\r\ntxt:This is a verbatim\nstring\r\n');
    expect(await c.call('DEBUG', 'PROTOCOL', 'attrib')).toBe(
      '|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n',
    );
    expect(await c.call('DEBUG', 'PROTOCOL', 'nope')).toMatch(/^-ERR Wrong protocol type name/);
    c.close();
  });

  it('SET-ACTIVE-EXPIRE, LOG, CHANGE-REPL-ID, ERROR, HELP and unknown subcommands', async () => {
    expect(await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0')).toBe('OK');
    expect(await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1')).toBe('OK');
    expect(await r.call('DEBUG', 'LOG', 'hello from the test')).toBe('OK');
    expect(await r.call('DEBUG', 'CHANGE-REPL-ID')).toBe('OK');
    await expect(r.call('DEBUG', 'ERROR', 'MYERR custom')).rejects.toThrow('MYERR custom');
    const help = (await r.call('DEBUG', 'HELP')) as string[];
    expect(help[0]).toBe('DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    await expect(r.call('DEBUG', 'NOPE')).rejects.toThrow(
      "ERR unknown subcommand or wrong number of arguments for 'NOPE'. Try DEBUG HELP.",
    );
    await expect(r.call('DEBUG', 'OBJECT')).rejects.toThrow("ERR unknown subcommand or wrong number of arguments for 'OBJECT'");
  });

  it('is refused when enable-debug-command is no', async () => {
    const t = await startServer({ port: 0, config: { loglevel: 'warning', 'enable-debug-command': 'no' } });
    const c = await RawClient.connect(t.port);
    expect(await c.call('DEBUG', 'HELP')).toMatch(/^-ERR DEBUG command not allowed/);
    c.close();
    await t.close();
  });
});
