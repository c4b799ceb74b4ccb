// MEMORY over ioredis and raw bytes: USAGE (sizes, SAMPLES, missing keys, errors), STATS in RESP2
// and RESP3 (per-db maps, doubles), DOCTOR, MALLOC-STATS, PURGE and HELP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { RunningServer } from '../../src/index.js';
import { startTestServer, stopTestServer } from '../helpers/server.js';
import { RawClient } from '../helpers/resp.js';

let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  ({ s, r } = await startTestServer());
});

afterAll(() => stopTestServer({ s, r }));

describe('MEMORY USAGE', () => {
  it('grows with the value, answers null for a missing key, parses SAMPLES', async () => {
    await r.set('small', 'bar');
    await r.set('big', 'x'.repeat(10000));
    const small = (await r.call('MEMORY', 'USAGE', 'small')) as number;
    const big = (await r.call('MEMORY', 'USAGE', 'big')) as number;
    expect(small).toBeGreaterThan(50);
    expect(small).toBeLessThan(300);
    expect(big - small).toBeGreaterThanOrEqual(9990);
    expect(await r.call('MEMORY', 'USAGE', 'nokey')).toBeNull();
    expect(await r.call('MEMORY', 'USAGE', 'big', 'SAMPLES', '0')).toBe(big);
    await r.hset('h', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat());
    const h5 = (await r.call('MEMORY', 'USAGE', 'h')) as number;
    const hAll = (await r.call('MEMORY', 'USAGE', 'h', 'SAMPLES', '0')) as number;
    expect(h5).toBeGreaterThan(300 * 8);
    expect(Math.abs(h5 - hAll) / hAll).toBeLessThan(0.2);
    const c = await RawClient.connect(s.port);
    expect(await c.call('MEMORY', 'USAGE', 'big', 'SAMPLES', '-1')).toBe('-ERR syntax error\r\n');
    expect(await c.call('MEMORY', 'USAGE', 'big', 'SAMPLES', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await c.call('MEMORY', 'USAGE', 'big', 'FOO')).toBe('-ERR syntax error\r\n');
    expect(await c.call('MEMORY', 'USAGE', 'nokey')).toBe('$-1\r\n');
    expect(await c.call('COMMAND', 'GETKEYS', 'MEMORY', 'USAGE', 'key')).toBe('*1\r\n$3\r\nkey\r\n');
    c.close();
  });
});

describe('MEMORY STATS / DOCTOR / others', () => {
  it('STATS lists Redis\'s fields in order, with a map per non-empty db', async () => {
    await r.flushall();
    await r.set('k', 'v');
    await r.select(2);
    await r.set('k2', 'v', 'EX', 100);
    await r.select(0);
    const flat = (await r.call('MEMORY', 'STATS')) as unknown[];
    const names = flat.filter((_, i) => i % 2 === 0);
    expect(names).toEqual([
      'peak.allocated', 'total.allocated', 'startup.allocated', 'replication.backlog', 'clients.slaves',
      'clients.normal', 'cluster.links', 'aof.buffer', 'lua.caches', 'functions.caches', 'db.0', 'db.2',
      'overhead.total', 'keys.count', 'keys.bytes-per-key', 'dataset.bytes', 'dataset.percentage',
      'peak.percentage', 'allocator.allocated', 'allocator.active', 'allocator.resident',
      'allocator-fragmentation.ratio', 'allocator-fragmentation.bytes', 'allocator-rss.ratio',
      'allocator-rss.bytes', 'rss-overhead.ratio', 'rss-overhead.bytes', 'fragmentation', 'fragmentation.bytes',
    ]);
    const get = (n: string): unknown => flat[flat.indexOf(n) + 1];
    expect(get('keys.count')).toBe(2);
    const db2 = get('db.2') as unknown[];
    expect(db2.filter((_, i) => i % 2 === 0)).toEqual([
      'overhead.hashtable.main', 'overhead.hashtable.expires', 'overhead.hashtable.slot-to-keys',
    ]);
    expect(typeof get('dataset.percentage')).toBe('string'); // a double: bulk string in RESP2
    expect(get('total.allocated') as number).toBeGreaterThan(get('startup.allocated') as number);
  });

  it('RESP3: a map with doubles', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('HELLO', '3');
    const raw = await c.call('MEMORY', 'STATS');
    expect(raw).toMatch(/^%\d+\r\n\$14\r\npeak\.allocated\r\n:\d+\r\n/);
    expect(raw).toMatch(/\$18\r\ndataset\.percentage\r\n,[\d.e+-]+\r\n/);
    expect(await c.call('MEMORY', 'DOCTOR')).toMatch(/^=\d+\r\ntxt:(Hi Sam|Sam, I detected)/);
    c.close();
  });

  it('DOCTOR on an almost empty instance, MALLOC-STATS, PURGE, HELP', async () => {
    // The test process shares the server's heap, so the verdict depends on the runner: check the shape.
    expect(await r.call('MEMORY', 'DOCTOR')).toMatch(/^(Hi Sam, this instance is empty|Hi Sam, I can't find any memory issue|Sam, I detected a few issues)/);
    expect(await r.call('MEMORY', 'MALLOC-STATS')).toBe('Stats not supported for the current allocator');
    expect(await r.call('MEMORY', 'PURGE')).toBe('OK');
    const help = (await r.call('MEMORY', 'HELP')) as string[];
    expect(help[0]).toBe('MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toContain('USAGE <key> [SAMPLES <count>]');
    await expect(r.call('MEMORY', 'FOO')).rejects.toThrow("ERR unknown subcommand 'FOO'. Try MEMORY HELP.");
  });
});
