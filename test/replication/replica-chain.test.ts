// A chain across implementations: real redis-server master → nodis replica → real
// redis-server sub-replica. The nodis replica proxies the master's stream verbatim, so the
// sub-replica's replid and offsets are the top master's, and it survives the nodis replica's
// own partial resync without a full sync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { field, inSync, partialResyncAfterKill, until } from '../helpers/replication.js';

describe('real redis master → nodis replica → real redis sub-replica', () => {
  let top: RealRedis;
  let leaf: RealRedis | null = null;
  let mid: RunningServer;
  let t: Redis;
  let m: Redis;
  let l: Redis;

  beforeAll(async () => {
    top = await startRealRedis(['--repl-diskless-sync-delay', '0']);
    t = new Redis({ port: top.port, protocol: 2 });
    await t.set('a', '1');
    await t.rpush('l', 'x', 'y');
    mid = await startServer({ port: 0, config: { loglevel: 'warning', replicaof: `127.0.0.1 ${top.port}` } });
    m = new Redis({ port: mid.port, protocol: 2 });
    await inSync(t, m);
    leaf = await startRealRedis(['--replicaof', '127.0.0.1', String(mid.port)]);
    l = new Redis({ port: leaf.port, protocol: 2 });
    await inSync(m, l);
  }, 30000);

  afterAll(async () => {
    l?.disconnect();
    await leaf?.stop();
    m?.disconnect();
    await mid?.close();
    t?.disconnect();
    await top?.stop();
  });

  it('the sub-replica has the data and the top master\'s replid and offset', async () => {
    await t.multi().incr('a').hset('h', 'f', 'v').exec();
    await t.select(2);
    await t.set('two', '2');
    await t.select(0);
    await inSync(t, m);
    await inSync(m, l);
    expect(await l.get('a')).toBe('2');
    expect(await l.hgetall('h')).toEqual({ f: 'v' });
    expect(await l.lrange('l', 0, -1)).toEqual(['x', 'y']);
    await l.select(2);
    expect(await l.get('two')).toBe('2');
    await l.select(0);
    const id = await field(t, 'replication', 'master_replid');
    expect(await field(m, 'replication', 'master_replid')).toBe(id);
    expect(await field(l, 'replication', 'master_replid')).toBe(id);
    expect(await field(l, 'replication', 'master_repl_offset')).toBe(await field(t, 'replication', 'master_repl_offset'));
    // The sub-replica acknowledges to the nodis replica.
    await until(async () => (await field(m, 'replication', 'slave0')).includes('state=online'), 'sub-replica online');
  });

  it('a partial resync of the middle keeps the sub-replica attached without a new full sync', async () => {
    const fullMid = await field(m, 'stats', 'sync_full');
    await partialResyncAfterKill(t, m, () => t.set('gap', 'filled'));
    await inSync(m, l);
    expect(await l.get('gap')).toBe('filled');
    expect(await field(m, 'stats', 'sync_full')).toBe(fullMid);
  });
});
