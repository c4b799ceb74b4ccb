// DUMP / RESTORE interop: payloads go from nodis to a real redis-server 7.0 and back; the
// restored values have the same DEBUG DIGEST-VALUE on the real server. Error replies match Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';

let s: RunningServer;
let real: RealRedis;
let n: Redis;
let r: Redis;

async function populate(c: Redis): Promise<void> {
  await c.set('str', 'hello');
  await c.set('int', '123456789012');
  await c.set('long', 'x'.repeat(500));
  await c.rpush('list', 'a', 'b', '3', 'x'.repeat(300));
  await c.sadd('iset', '1', '2', '3');
  await c.sadd('sset', 'a', 'b');
  await c.zadd('zlp', '1', 'a', '2.5', 'b');
  for (let i = 0; i < 200; i++) await c.zadd('zsl', String(i), `m${i}`);
  await c.hset('hlp', 'f', 'v', 'g', '12');
  for (let i = 0; i < 200; i++) await c.hset('hht', `f${i}`, `v${i}`);
  for (let i = 1; i <= 120; i++) await c.xadd('stream', `${i}-1`, 'a', String(i));
  await c.xdel('stream', '5-1');
  await c.xgroup('CREATE', 'stream', 'g', '0');
  await c.xreadgroup('GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 'stream', '>');
}

const KEYS = ['str', 'int', 'long', 'list', 'iset', 'sset', 'zlp', 'zsl', 'hlp', 'hht', 'stream'];

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning', 'enable-debug-command': 'yes', dbfilename: 'nodis-dump-restore-test-none.rdb', save: '' } });
  real = await startRealRedis(['--dir', '/tmp', '--dbfilename', `nodis-dr-${process.pid}.rdb`]);
  n = new Redis({ port: s.port, protocol: 2 } as never);
  r = new Redis({ port: real.port, protocol: 2 } as never);
  await populate(n);
  await populate(r);
}, 30000);

afterAll(async () => {
  n?.disconnect();
  r?.disconnect();
  await real?.stop();
  await s?.close();
});

describe('DEBUG DIGEST', () => {
  it('equals real Redis for the same commands (whole dataset and per key)', async () => {
    for (const c of [n, r]) {
      await c.set('ttl', 'v', 'EX', '1000');
      await c.select(3);
      await c.rpush('l3', 'a', 'b');
      await c.select(0);
    }
    for (const k of [...KEYS, 'ttl', 'missing']) {
      expect([k, await n.call('DEBUG', 'DIGEST-VALUE', k)]).toEqual([k, await r.call('DEBUG', 'DIGEST-VALUE', k)]);
    }
    const d = await n.call('DEBUG', 'DIGEST');
    expect(d).toMatch(/^[0-9a-f]{40}$/);
    expect(d).not.toBe('0'.repeat(40));
    expect(d).toBe(await r.call('DEBUG', 'DIGEST'));
    await n.del('ttl');
    expect(await n.call('DEBUG', 'DIGEST')).not.toBe(d);
    await r.del('ttl');
  });
});

describe('DUMP / RESTORE', () => {
  it('nodis payloads restore in real Redis with the same contents', async () => {
    for (const k of KEYS) {
      const p = await n.dumpBuffer(k);
      expect(p).not.toBeNull();
      await r.call('RESTORE', `from-nodis:${k}`, '0', p as never);
      expect([k, await r.call('DEBUG', 'DIGEST-VALUE', `from-nodis:${k}`)]).toEqual([k, await r.call('DEBUG', 'DIGEST-VALUE', k)]);
      expect(await r.object('ENCODING', `from-nodis:${k}`)).toBe(await r.object('ENCODING', k));
    }
  });

  it('real Redis payloads restore in nodis and come back unchanged', async () => {
    for (const k of KEYS) {
      const p = (await r.dumpBuffer(k)) as Buffer;
      await n.call('RESTORE', `from-redis:${k}`, '0', p as never);
      expect(await n.type(`from-redis:${k}`)).toBe(await r.type(k));
      expect(await n.object('ENCODING', `from-redis:${k}`)).toBe(await r.object('ENCODING', k));
      const back = (await n.dumpBuffer(`from-redis:${k}`)) as Buffer;
      await r.call('RESTORE', `round:${k}`, '0', back as never);
      expect([k, await r.call('DEBUG', 'DIGEST-VALUE', `round:${k}`)]).toEqual([k, await r.call('DEBUG', 'DIGEST-VALUE', k)]);
    }
  });

  it('options and errors behave as in Redis', async () => {
    const p = (await n.dumpBuffer('str')) as Buffer;
    for (const c of [n, r]) {
      await expect(c.call('RESTORE', 'str', '0', p as never)).rejects.toThrow('BUSYKEY Target key name already exists.');
      await expect(c.call('RESTORE', 'nk', '-1', p as never)).rejects.toThrow('ERR Invalid TTL value, must be >= 0');
      const bad = Buffer.from(p);
      bad[0] = (bad[0] as number) ^ 1;
      await expect(c.call('RESTORE', 'nk', '0', bad as never)).rejects.toThrow('ERR DUMP payload version or checksum are wrong');
      await expect(c.call('RESTORE', 'nk', '0', p as never, 'FOO')).rejects.toThrow('ERR syntax error');
      await expect(c.call('RESTORE', 'nk', '0', p as never, 'FREQ', '300')).rejects.toThrow('ERR Invalid FREQ value, must be >= 0 and <= 255');
      expect(await c.call('RESTORE', 'str', '0', p as never, 'REPLACE')).toBe('OK');
      expect(await c.call('RESTORE', 'ttlkey', '5000', p as never)).toBe('OK');
      const pttl = await c.pttl('ttlkey');
      expect(pttl).toBeGreaterThan(4000);
      expect(await c.call('RESTORE', 'abskey', String(Date.now() + 100000), p as never, 'ABSTTL')).toBe('OK');
      expect(await c.pttl('abskey')).toBeGreaterThan(90000);
      expect(await c.call('RESTORE', 'past', '1', p as never, 'ABSTTL')).toBe('OK');
      expect(await c.exists('past')).toBe(0);
      expect(await c.dump('nokey')).toBeNull();
    }
    // IDLETIME applies under every policy but the LFU ones (objectSetLRUOrLFU), noeviction
    // here; FREQ only under LFU ones.
    for (const c of [n, r]) {
      expect(await c.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await c.call('RESTORE', 'idle', '0', p as never, 'IDLETIME', '1000')).toBe('OK');
      const idle = (await c.object('IDLETIME', 'idle')) as number;
      expect(idle >= 1000 && idle <= 1002, `${idle}`).toBe(true);
      await c.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      expect(await c.call('RESTORE', 'freq', '0', p as never, 'FREQ', '77')).toBe('OK');
      expect(await c.object('FREQ', 'freq')).toBe(77);
      await c.config('SET', 'maxmemory-policy', 'noeviction');
    }
    // A well-formed footer around garbage: "Bad data format".
    const { Crc64 } = await import('../../src/util/crc64.js');
    const body = Buffer.from([4, 5, 1, 2, 3, 10, 0]);
    const garbage = Buffer.concat([body, new Crc64().update(body).digestLE()]);
    for (const c of [n, r]) {
      await expect(c.call('RESTORE', 'g', '0', garbage as never)).rejects.toThrow('ERR Bad data format');
    }
  });
});
