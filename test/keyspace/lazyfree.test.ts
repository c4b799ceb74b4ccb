import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { FakeServer } from '../helpers/fake-ctx.js';
import { freeEffort, freesLazily, LAZYFREE_THRESHOLD } from '../../src/keyspace/lazyfree.js';
import type { RObject } from '../../src/keyspace/object.js';

/** A FakeServer with the encoding directives at their defaults. */
function fake(): FakeServer {
  const f = new FakeServer();
  for (const [k, v] of [
    ['list-max-listpack-size', '-2'], ['list-compress-depth', '0'], ['hash-max-listpack-entries', '128'],
    ['hash-max-listpack-value', '64'], ['set-max-intset-entries', '512'], ['set-max-listpack-entries', '128'],
    ['set-max-listpack-value', '64'], ['zset-max-listpack-entries', '128'], ['zset-max-listpack-value', '64'],
    ['stream-node-max-bytes', '4096'], ['stream-node-max-entries', '100'],
  ]) f.config.set(k as string, v as string);
  return f;
}

describe('free effort (lazyfreeGetFreeEffort)', () => {
  const obj = (f: FakeServer, key: string): RObject => f.db().peek(key) as RObject;

  it('counts quicklist nodes, hash-table elements, 1 for compact encodings', () => {
    const f = fake();
    f.run('SET', 'str', 'x'.repeat(1000));
    expect(freeEffort(obj(f, 'str'))).toBe(1);
    f.run('RPUSH', 'small', 'a', 'b');
    expect(freeEffort(obj(f, 'small'))).toBe(1);
    f.config.set('list-max-listpack-size', '2');
    f.run('RPUSH', 'list', ...Array.from({ length: 10 }, (_, i) => String(i)));
    expect(freeEffort(obj(f, 'list'))).toBe(5);
    f.run('HSET', 'h', 'a', '1');
    expect(freeEffort(obj(f, 'h'))).toBe(1);
    f.run('HSET', 'hbig', ...Array.from({ length: 200 }, (_, i) => [`f${i}`, 'v']).flat());
    expect(freeEffort(obj(f, 'hbig'))).toBe(200);
    f.run('SADD', 'ints', '1', '2', '3');
    expect(freeEffort(obj(f, 'ints'))).toBe(1);
    f.run('SADD', 'sbig', ...Array.from({ length: 600 }, (_, i) => `m${i}`));
    expect(freeEffort(obj(f, 'sbig'))).toBe(600);
    f.run('ZADD', 'zbig', ...Array.from({ length: 200 }, (_, i) => [String(i), `m${i}`]).flat());
    expect(freeEffort(obj(f, 'zbig'))).toBe(200);
    expect(freesLazily(obj(f, 'zbig'))).toBe(true);
    expect(freesLazily(obj(f, 'list'))).toBe(false);
  });

  it('streams: radix nodes plus groups times (1 + first group PEL)', () => {
    const f = fake();
    f.config.set('stream-node-max-entries', '5');
    for (let i = 1; i <= 300; i++) f.run('XADD', 's', `${i}-0`, 'f', 'v');
    const nodes = Number(/radix-tree-nodes\r\n:(\d+)/.exec(f.run('XINFO', 'STREAM', 's'))?.[1]);
    expect(nodes).toBeGreaterThan(60);
    expect(freeEffort(obj(f, 's'))).toBe(nodes);
    f.run('XGROUP', 'CREATE', 's', 'a', '0');
    f.run('XGROUP', 'CREATE', 's', 'b', '0');
    f.run('XREADGROUP', 'GROUP', 'a', 'c', 'COUNT', '3', 'STREAMS', 's', '>');
    expect(freeEffort(obj(f, 's'))).toBe(nodes + 2 * 4);
    // A stream with one node and a destroyed group stays below the threshold.
    f.run('XADD', 't', '1-0', 'a', 'b');
    f.run('XGROUP', 'CREATE', 't', 'g', '$');
    f.run('XGROUP', 'DESTROY', 't', 'g');
    expect(freeEffort(obj(f, 't'))).toBeLessThanOrEqual(LAZYFREE_THRESHOLD);
  });
});

describe('INFO lazyfreed_objects', () => {
  let s: RunningServer;
  let r: Redis;
  beforeAll(async () => {
    s = await startServer({ port: 0, config: { loglevel: 'warning', save: '' } });
    r = new Redis({ port: s.port, protocol: 2 });
  });
  afterAll(async () => {
    r.disconnect();
    await s.close();
  });
  const lazyfreed = async (): Promise<number> => Number(/lazyfreed_objects:(\d+)/.exec(await r.info('memory'))?.[1]);

  it('counts UNLINK of a big value, not of a small one; DEL only under lazyfree-lazy-user-del', async () => {
    await r.config('RESETSTAT');
    expect(await r.info('memory')).toContain('lazyfree_pending_objects:0');
    await r.config('SET', 'stream-node-max-entries', '5');
    for (let i = 0; i < 1000; i++) await r.xadd('stream', '*', i % 10 ? 'foo' : 'bar', String(i));
    await r.xgroup('CREATE', 'stream', 'mygroup', '0');
    await r.call('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'COUNT', '2', 'STREAMS', 'stream', '>');
    await r.xadd('small', '*', 'a', 'b');
    expect(await r.unlink('stream', 'small')).toBe(2);
    expect(await lazyfreed()).toBe(1);
    await r.sadd('set', ...Array.from({ length: 100 }, (_, i) => `m${i}`));
    expect(await r.del('set')).toBe(1);
    expect(await lazyfreed()).toBe(1);
    await r.sadd('set', ...Array.from({ length: 100 }, (_, i) => `m${i}`));
    await r.config('SET', 'lazyfree-lazy-user-del', 'yes');
    expect(await r.del('set')).toBe(1);
    expect(await lazyfreed()).toBe(2);
    await r.config('SET', 'lazyfree-lazy-user-del', 'no');
    await r.config('RESETSTAT');
    expect(await lazyfreed()).toBe(0);
  });

  it('FLUSHALL / FLUSHDB ASYNC count every key they drop, SYNC none', async () => {
    await r.config('RESETSTAT');
    await r.mset('a', '1', 'b', '2', 'c', '3');
    await r.flushdb('ASYNC');
    expect(await lazyfreed()).toBe(3);
    await r.mset('a', '1', 'b', '2');
    await r.flushall('SYNC');
    expect(await lazyfreed()).toBe(3);
    await r.set('a', '1');
    await r.flushall('ASYNC');
    expect(await lazyfreed()).toBe(4);
  });
});
