// The replica side of replication: nodis as a replica of a real redis-server (Debian 7.0.15,
// required: diskless EOF-marked and disk-based `$len` payloads), of another nodis, and chained
// (a replica of a replica); partial resync after the link drops, READONLY / MASTERDOWN, expired
// keys kept until the master's DEL, REPLICAOF NO ONE promotion, ROLE / INFO / CLIENT LIST.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { field, infoField, inSync, partialResyncAfterKill, sleep, until } from '../helpers/replication.js';

/** Every key of every non-empty database with its type, content and TTL presence. */
async function snapshot(c: Redis): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (let db = 0; db < 16; db++) {
    await c.select(db);
    const keys = (await c.keys('*')).sort();
    for (const k of keys) {
      const type = await c.type(k);
      let v: unknown;
      if (type === 'string') v = await c.getBuffer(k).then((b) => b?.toString('latin1'));
      else if (type === 'list') v = await c.lrange(k, 0, -1);
      else if (type === 'hash') v = Object.entries(await c.hgetall(k)).sort();
      else if (type === 'set') v = (await c.smembers(k)).sort();
      else if (type === 'zset') v = await c.zrange(k, '0', '-1', 'WITHSCORES');
      else if (type === 'stream') v = await c.xrange(k, '-', '+');
      out[`${db}:${k}`] = [type, v, (await c.pttl(k)) > 0 ? 'ttl' : 'persistent'];
    }
  }
  await c.select(0);
  return out;
}

/** A dataset with every type and encoding, in two databases. */
async function populate(c: Redis): Promise<void> {
  await c.set('str', 'hello');
  await c.set('int', '12345');
  await c.set('bin', Buffer.from([0, 255, 13, 10, 128]));
  await c.set('big', 'x'.repeat(5000));
  await c.set('ttl', 'v', 'EX', 1000);
  await c.rpush('list', 'a', 'b', 'c');
  await c.rpush('biglist', ...Array.from({ length: 300 }, (_, i) => `e${i}`));
  await c.hset('hash', 'f1', 'v1', 'f2', 'v2');
  await c.hset('bighash', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, `v${i}`])));
  await c.sadd('intset', '1', '2', '3');
  await c.sadd('set', 'a', 'b', 'x');
  await c.sadd('bigset', ...Array.from({ length: 200 }, (_, i) => `m${i}`));
  await c.zadd('zset', 1.5, 'a', 2, 'b');
  await c.zadd('bigzset', ...Array.from({ length: 200 }, (_, i) => [String(i), `z${i}`]).flat());
  await c.xadd('stream', '1-1', 'f', 'v');
  await c.xadd('stream', '2-1', 'g', 'w');
  await c.select(3);
  await c.set('in3', 'three');
  await c.select(0);
}

/** Writes of every kind after the sync: MULTI, EXPIRE, SELECT, deletes, incrs. */
async function streamWrites(c: Redis): Promise<void> {
  await c.set('s2', 'after');
  await c.incrby('int', 5);
  await c.lpush('list', 'z');
  await c.hdel('hash', 'f1');
  await c.srem('set', 'a');
  await c.zincrby('zset', 3, 'a');
  await c.expire('str', 5000);
  await c.set('vol', '1', 'PX', 100000);
  await c.multi().set('m1', '1').incr('m1').rpush('mlist', 'q').exec();
  await c.del('big');
  await c.select(3);
  await c.set('in3b', 'x');
  await c.select(0);
  await c.xadd('stream', '3-1', 'h', 'u');
}

describe('nodis replica of a real redis-server (diskless EOF payload)', () => {
  let real: RealRedis;
  let m: Redis;
  let s: RunningServer;
  let r: Redis;

  beforeAll(async () => {
    real = await startRealRedis(['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0']);
    m = new Redis({ port: real.port, protocol: 2 });
    await populate(m);
    s = await startServer({ port: 0, config: { loglevel: 'warning' } });
    r = new Redis({ port: s.port, protocol: 2 });
    expect(await r.replicaof('127.0.0.1', String(real.port))).toBe('OK');
    await inSync(m, r);
  }, 30000);

  afterAll(async () => {
    r?.disconnect();
    await s?.close();
    m?.disconnect();
    await real?.stop();
  });

  it('receives the whole dataset through a full resync', async () => {
    expect(await snapshot(r)).toEqual(await snapshot(m));
    expect(await r.pexpiretime('ttl')).toBe(await m.pexpiretime('ttl'));
    expect(await field(m, 'stats', 'sync_full')).toBe('1');
  });

  it('applies the command stream, MULTI and EXPIRE included, with matching offsets', async () => {
    await streamWrites(m);
    await inSync(m, r);
    expect(await snapshot(r)).toEqual(await snapshot(m));
    expect(await r.pexpiretime('str')).toBe(await m.pexpiretime('str'));
    // The master sees our acknowledgements.
    await until(async () => {
      const line = await field(m, 'replication', 'slave0');
      return line.includes(`offset=${await field(m, 'replication', 'master_repl_offset')}`);
    }, 'REPLCONF ACK');
    expect(await m.wait(1, 2000)).toBe(1);
  });

  it('reports INFO replication, ROLE and the master client as a replica', async () => {
    const info = await r.info('replication');
    expect(infoField(info, 'role')).toBe('slave');
    expect(infoField(info, 'master_host')).toBe('127.0.0.1');
    expect(infoField(info, 'master_port')).toBe(String(real.port));
    expect(infoField(info, 'master_link_status')).toBe('up');
    expect(infoField(info, 'master_sync_in_progress')).toBe('0');
    expect(infoField(info, 'slave_read_only')).toBe('1');
    expect(infoField(info, 'slave_priority')).toBe('100');
    expect(infoField(info, 'replica_announced')).toBe('1');
    expect(infoField(info, 'master_replid')).toBe(await field(m, 'replication', 'master_replid'));
    expect(infoField(info, 'repl_backlog_active')).toBe('1');
    const keys = info.split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':')[0]);
    expect(keys.slice(0, 11)).toEqual([
      'role', 'master_host', 'master_port', 'master_link_status', 'master_last_io_seconds_ago',
      'master_sync_in_progress', 'slave_read_repl_offset', 'slave_repl_offset', 'slave_priority',
      'slave_read_only', 'replica_announced',
    ]);
    const role = (await r.call('ROLE')) as unknown[];
    expect(role.slice(0, 4)).toEqual(['slave', '127.0.0.1', real.port, 'connected']);
    expect(role[4]).toBe(Number(infoField(info, 'slave_repl_offset')));
    const list = (await r.call('CLIENT', 'LIST', 'TYPE', 'master')) as string;
    expect(list.trim().split('\n')).toHaveLength(1);
    expect(list).toMatch(/ flags=M /);
    expect(await r.replicaof('127.0.0.1', String(real.port))).toBe('OK Already connected to specified master');
    expect(await r.config('GET', 'replicaof')).toEqual(['replicaof', `127.0.0.1 ${real.port}`]);
  });

  it('refuses writes from normal clients with READONLY, also inside MULTI at EXEC', async () => {
    await expect(r.set('x', 'y')).rejects.toThrow("READONLY You can't write against a read only replica.");
    await expect(r.call('WAIT', '0', '0')).rejects.toThrow(/^ERR WAIT cannot be used with replica instances/);
    await expect(r.multi().set('x', 'y').get('s2').exec()).rejects.toThrow(/EXECABORT/);
    expect(await r.exists('x')).toBe(0);
    expect(await r.get('s2')).toBe('after');
    await expect(r.replicaof('127.0.0.1', '70000')).rejects.toThrow('Invalid master port');
  });

  it('keeps logically expired keys until the master deletes them, hiding them from reads', async () => {
    await m.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    try {
      await m.set('short', 'v', 'PX', 150);
      await inSync(m, r);
      await sleep(300);
      expect(await r.get('short')).toBe(null);
      expect(await r.exists('short')).toBe(0);
      // Not deleted: still counted, and no expired_keys on the replica.
      await sleep(250);
      expect(await r.dbsize()).toBe(await m.dbsize());
      expect(await field(r, 'stats', 'expired_keys')).toBe('0');
      expect(await m.get('short')).toBe(null); // the master expires it and streams DEL
      await inSync(m, r);
      expect(await r.dbsize()).toBe(await m.dbsize());
    } finally {
      await m.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    }
  });

  it('continues with a partial resync after the link is killed', async () => {
    await partialResyncAfterKill(m, r, () => m.set('during', 'gap'));
    expect(await r.get('during')).toBe('gap');
    expect(await snapshot(r)).toEqual(await snapshot(m));
  });

  it('does not count the master stream as client input', async () => {
    const before = Number(await field(r, 'stats', 'total_net_input_bytes'));
    const big = 'y'.repeat(100000);
    await m.set('bigvalue', big);
    await inSync(m, r);
    const after = Number(await field(r, 'stats', 'total_net_input_bytes'));
    expect(after - before).toBeLessThan(50000);
    expect(await r.strlen('bigvalue')).toBe(100000);
  });

  it('a writable replica deletes an expired key when a client writes to it', async () => {
    await m.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await r.config('SET', 'replica-read-only', 'no');
    try {
      await m.rpush('wk', 'old');
      await m.pexpire('wk', 100);
      await inSync(m, r);
      await sleep(200);
      expect(await r.lpush('wk', 'new')).toBe(1);
      expect(await r.lrange('wk', 0, -1)).toEqual(['new']);
      expect(await r.pttl('wk')).toBe(-1);
      expect(await field(r, 'replication', 'slave_read_only')).toBe('0');
    } finally {
      await r.config('SET', 'replica-read-only', 'yes');
      await m.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      await m.del('wk');
      await inSync(m, r);
    }
  });

  it('REPLICAOF NO ONE keeps the data, becomes writable and shifts the replication ID', async () => {
    const id = await field(r, 'replication', 'master_replid');
    const off = Number(await field(r, 'replication', 'master_repl_offset'));
    expect(await r.replicaof('NO', 'ONE')).toBe('OK');
    const info = await r.info('replication');
    expect(infoField(info, 'role')).toBe('master');
    expect(infoField(info, 'master_replid2')).toBe(id);
    expect(infoField(info, 'second_repl_offset')).toBe(String(off + 1));
    expect(infoField(info, 'master_replid')).not.toBe(id);
    expect(await snapshot(r)).toEqual(await snapshot(m));
    expect(await r.set('x', 'y')).toBe('OK');
    expect(((await r.call('ROLE')) as unknown[])[0]).toBe('master');
    expect(await r.config('GET', 'slaveof')).toEqual(['slaveof', '']);
  });
});

describe('nodis replica of a real redis-server (disk-based $len payload)', () => {
  it('loads the payload and streams', async () => {
    const real = await startRealRedis(['--repl-diskless-sync', 'no']);
    const m = new Redis({ port: real.port, protocol: 2 });
    const s = await startServer({ port: 0, config: { loglevel: 'warning', replicaof: `127.0.0.1 ${real.port}` } });
    const r = new Redis({ port: s.port, protocol: 2 });
    try {
      await populate(m);
      await inSync(m, r);
      await streamWrites(m);
      await inSync(m, r);
      expect(await snapshot(r)).toEqual(await snapshot(m));
    } finally {
      r.disconnect();
      await s.close();
      m.disconnect();
      await real.stop();
    }
  }, 30000);
});

describe('nodis replicas of nodis (chained)', () => {
  let top: RunningServer;
  let mid: RunningServer;
  let leaf: RunningServer;
  let t: Redis;
  let md: Redis;
  let lf: Redis;

  beforeAll(async () => {
    top = await startServer({ port: 0, config: { loglevel: 'warning' } });
    t = new Redis({ port: top.port, protocol: 2 });
    await populate(t);
    mid = await startServer({ port: 0, config: { loglevel: 'warning' } });
    md = new Redis({ port: mid.port, protocol: 2 });
    await md.replicaof('127.0.0.1', String(top.port));
    await inSync(t, md);
    leaf = await startServer({ port: 0, config: { loglevel: 'warning' } });
    lf = new Redis({ port: leaf.port, protocol: 2 });
    await lf.replicaof('127.0.0.1', String(mid.port));
    await inSync(md, lf);
  }, 30000);

  afterAll(async () => {
    for (const c of [t, md, lf]) c?.disconnect();
    for (const s of [leaf, mid, top]) await s?.close();
  });

  it('syncs and streams through the chain with the top master\'s replid and offsets', async () => {
    await streamWrites(t);
    await inSync(t, md);
    await inSync(md, lf);
    const snap = await snapshot(t);
    expect(await snapshot(md)).toEqual(snap);
    expect(await snapshot(lf)).toEqual(snap);
    const id = await field(t, 'replication', 'master_replid');
    expect(await field(md, 'replication', 'master_replid')).toBe(id);
    expect(await field(lf, 'replication', 'master_replid')).toBe(id);
    const off = await field(t, 'replication', 'master_repl_offset');
    expect(await field(lf, 'replication', 'master_repl_offset')).toBe(off);
    expect(await field(md, 'replication', 'connected_slaves')).toBe('1');
  });

  it('partial resync between nodis instances after CLIENT KILL TYPE master', async () => {
    await partialResyncAfterKill(t, md, () => t.set('gap', '1'));
    await inSync(md, lf);
    expect(await lf.get('gap')).toBe('1');
  });

  it('the master client\'s commands run even when the replica is read-only and stale gates apply', async () => {
    await md.config('SET', 'replica-serve-stale-data', 'no');
    try {
      await t.set('ro', 'from-master');
      await inSync(t, md);
      expect(await md.get('ro')).toBe('from-master');
    } finally {
      await md.config('SET', 'replica-serve-stale-data', 'yes');
    }
  });

  it('evicts nothing over maxmemory while replica-ignore-maxmemory is yes', async () => {
    await md.config('SET', 'maxmemory-policy', 'allkeys-random');
    await md.config('SET', 'maxmemory', '1');
    try {
      for (let i = 0; i < 50; i++) await t.set(`mm${i}`, 'x'.repeat(100));
      await inSync(t, md);
      await sleep(300); // a few cron ticks
      expect(await md.dbsize()).toBe(await t.dbsize());
      expect(await field(md, 'stats', 'evicted_keys')).toBe('0');
      expect(await md.get('mm7')).toBe('x'.repeat(100));
    } finally {
      await md.config('SET', 'maxmemory', '0');
      await md.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('promoting the middle replica lets the leaf continue partially with the new ID', async () => {
    const full = Number(await field(md, 'stats', 'sync_full'));
    const ok = Number(await field(md, 'stats', 'sync_partial_ok'));
    expect(await md.replicaof('NO', 'ONE')).toBe('OK');
    await until(async () => Number(await field(md, 'stats', 'sync_partial_ok')) === ok + 1, 'leaf partial resync');
    expect(Number(await field(md, 'stats', 'sync_full'))).toBe(full);
    await md.set('promoted', 'yes');
    await inSync(md, lf);
    expect(await lf.get('promoted')).toBe('yes');
    expect(await field(lf, 'replication', 'master_replid')).toBe(await field(md, 'replication', 'master_replid'));
  });
});

describe('a paused replica', () => {
  it('reads the stream but applies nothing until CLIENT UNPAUSE (slave_read_repl_offset vs slave_repl_offset)', async () => {
    const ms = await startServer({ port: 0, config: { loglevel: 'warning', 'repl-ping-replica-period': 3600 } });
    const rs = await startServer({ port: 0, config: { loglevel: 'warning', replicaof: '127.0.0.1 ' + String(ms.port) } });
    const m = new Redis({ port: ms.port, protocol: 2 });
    const r = new Redis({ port: rs.port, protocol: 2 });
    try {
      await m.set('foo', 'bar');
      await inSync(m, r);
      await r.call('CLIENT', 'PAUSE', '100000', 'WRITE');
      await m.set('foo2', 'bar2');
      const target = await field(m, 'replication', 'master_repl_offset');
      await until(async () => (await field(r, 'replication', 'slave_read_repl_offset')) === target, 'stream read');
      await sleep(100);
      expect(Number(await field(r, 'replication', 'slave_repl_offset'))).toBeLessThan(Number(target));
      expect(await r.get('foo2')).toBe(null);
      await r.call('CLIENT', 'UNPAUSE');
      await inSync(m, r);
      expect(await r.get('foo2')).toBe('bar2');
    } finally {
      r.disconnect();
      m.disconnect();
      await rs.close();
      await ms.close();
    }
  }, 20000);
});

describe('replica link down', () => {
  it('REPLICAOF unblocks blocked clients with -UNBLOCKED and closes them', async () => {
    const s = await startServer({ port: 0, config: { loglevel: 'warning' } });
    const r = new Redis({ port: s.port, protocol: 2 });
    const b = new Redis({ port: s.port, protocol: 2, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      const pending = b.blpop('nolist', 0).then(() => 'served', (e: Error) => e.message);
      await until(async () => (await field(r, 'clients', 'blocked_clients')) === '1', 'BLPOP to block');
      expect(await r.replicaof('127.0.0.1', '1')).toBe('OK');
      expect(await pending).toBe('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)');
      expect(await field(r, 'clients', 'blocked_clients')).toBe('0');
      expect(await r.replicaof('NO', 'ONE')).toBe('OK');
    } finally {
      b.disconnect();
      r.disconnect();
      await s.close();
    }
  });

  it('MASTERDOWN with replica-serve-stale-data no, stale commands still served; ROLE connect state', async () => {
    const s = await startServer({ port: 0, config: { loglevel: 'warning' } });
    const r = new Redis({ port: s.port, protocol: 2 });
    try {
      await r.set('k', 'v');
      // Port 1: nothing listens there, the link is refused and retried every second.
      expect(await r.replicaof('127.0.0.1', '1')).toBe('OK');
      const role = (await r.call('ROLE')) as unknown[];
      expect(role[0]).toBe('slave');
      expect(['connect', 'connecting']).toContain(role[3]);
      expect(role[4]).toBe(-1);
      expect(await r.get('k')).toBe('v');
      expect(await field(r, 'replication', 'master_link_status')).toBe('down');
      // A replica without its master link refuses sub-replicas (PSYNC has no stale flag:
      // with replica-serve-stale-data no it would get MASTERDOWN instead).
      await expect(r.call('PSYNC', '?', '-1')).rejects.toThrow("NOMASTERLINK Can't SYNC while not connected with my master");
      await r.config('SET', 'replica-serve-stale-data', 'no');
      await expect(r.get('k')).rejects.toThrow(
        "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
      await expect(r.ping()).rejects.toThrow(/^MASTERDOWN/);
      expect(await field(r, 'replication', 'role')).toBe('slave'); // INFO is a stale command
    } finally {
      await r.config('SET', 'replica-serve-stale-data', 'yes');
      expect(await r.replicaof('NO', 'ONE')).toBe('OK');
      expect(await r.get('k')).toBe('v');
      r.disconnect();
      await s.close();
    }
  });
});

describe('a replica with appendonly yes', () => {
  it('rewrites its AOF after a full sync, so a restart finds the master\'s dataset', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-repl-aof-'));
    const real = await startRealRedis();
    const m = new Redis({ port: real.port, protocol: 2 });
    try {
      await m.set('before', 'x');
      const s = await startServer({ port: 0, config: { loglevel: 'warning', dir, appendonly: 'yes' } });
      const r = new Redis({ port: s.port, protocol: 2 });
      await r.set('local', 'old'); // flushed by the full sync
      await r.replicaof('127.0.0.1', String(real.port));
      await inSync(m, r);
      await until(async () => Number(await field(r, 'persistence', 'aof_rewrites')) >= 1 &&
        (await field(r, 'persistence', 'aof_rewrite_in_progress')) === '0', 'the AOF rewrite');
      await m.set('after', 'y');
      await inSync(m, r);
      r.disconnect();
      await s.close();
      const s2 = await startServer({ port: 0, config: { loglevel: 'warning', dir, appendonly: 'yes' } });
      const r2 = new Redis({ port: s2.port, protocol: 2 });
      try {
        expect((await r2.keys('*')).sort()).toEqual(['after', 'before']);
      } finally {
        r2.disconnect();
        await s2.close();
      }
    } finally {
      m.disconnect();
      await real.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30000);
});
