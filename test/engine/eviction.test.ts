// maxmemory end to end: the memory account in INFO, each eviction policy (which keys go, which
// stay), OOM replies (also inside MULTI), propagation and notification of evictions, the
// background continuation, LFU/LRU introspection and the counters.
import { execFile } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { RunningServer } from '../../src/index.js';
import { startTestServer, stopTestServer } from '../helpers/server.js';
import { RawClient } from '../helpers/resp.js';
import { EXPIRE_ENTRY_BYTES, type Db } from '../../src/keyspace/db.js';
import { keyUsage } from '../../src/keyspace/memory.js';
import { lfuMinutes } from '../../src/keyspace/evict.js';
import { PROPAGATE_ALL } from '../../src/engine/propagation.js';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  ({ s, r } = await startTestServer());
});

afterAll(() => stopTestServer({ s, r }));

afterEach(async () => {
  await r.config('SET', 'maxmemory', '0');
  await r.config('SET', 'maxmemory-policy', 'noeviction', 'maxmemory-samples', '5', 'maxmemory-eviction-tenacity', '10',
    'lfu-log-factor', '10', 'lazyfree-lazy-eviction', 'no', 'notify-keyspace-events', '');
  await r.flushall();
  await r.config('RESETSTAT');
});

async function info(section: string): Promise<Record<string, string>> {
  const text = await r.info(section);
  const o: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) o[line.slice(0, i)] = line.slice(i + 1);
  }
  return o;
}

const used = async (): Promise<number> => Number((await info('memory')).used_memory);
const db0 = (): Db => s.engine.ks.dbs[0] as Db;

/** Wait until the background eviction continuation has stopped. */
async function evictionDone(): Promise<void> {
  for (let i = 0; i < 500 && s.engine.maxmemory.evicting; i++) await sleep(5);
  await r.ping();
}

/** Keys k0..k(n-1) with `size`-byte values; `stamp(i)` (if given) sets each value's lru field. */
async function fill(n: number, size = 100, stamp?: (i: number) => number, ttl?: (i: number) => number | null): Promise<void> {
  const p = r.pipeline();
  for (let i = 0; i < n; i++) {
    const t = ttl?.(i) ?? null;
    if (t === null) p.set(`k${i}`, 'v'.repeat(size));
    else p.set(`k${i}`, 'v'.repeat(size), 'PX', t);
  }
  await p.exec();
  if (stamp) {
    const db = db0();
    for (let i = 0; i < n; i++) db.peek(`k${i}`)!.lru = stamp(i);
  }
}

/** Lower maxmemory to evict about `bytes` below the current use; wait until done. */
async function squeeze(bytes: number): Promise<void> {
  await r.config('SET', 'maxmemory', String((await used()) - bytes));
  await evictionDone();
}

const present = async (n: number): Promise<number[]> => {
  const out: number[] = [];
  const ex = await Promise.all(Array.from({ length: n }, (_, i) => r.exists(`k${i}`)));
  ex.forEach((e, i) => e && out.push(i));
  return out;
};

describe('the memory account', () => {
  it('used_memory follows writes and deletes, not the garbage collector', async () => {
    const base = await used();
    await r.set('big', 'x'.repeat(100_000));
    const withBig = await used();
    expect(withBig - base).toBeGreaterThanOrEqual(100_000);
    expect(withBig - base).toBeLessThan(101_000);
    await r.append('big', 'y'.repeat(50_000));
    expect((await used()) - withBig).toBeGreaterThanOrEqual(50_000);
    await r.rpush('list', ...Array.from({ length: 1000 }, (_, i) => `element-${i}`));
    await r.hset('hash', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, 'v'.repeat(30)])));
    await r.zadd('zset', ...Array.from({ length: 400 }, (_, i) => [i, `member-${i}`]).flat());
    const full = await used();
    expect(full - base).toBeGreaterThan(150_000 + 1000 * 10 + 200 * 30 + 400 * 8);
    await r.del('big', 'list', 'hash', 'zset');
    expect(Math.abs((await used()) - base)).toBeLessThan(2048);
    // The same figure MEMORY STATS reports; the dataset part grows with the data.
    await r.set('again', 'z'.repeat(10_000));
    const m = await info('memory');
    expect(Number(m.used_memory_dataset)).toBeGreaterThan(10_000);
    expect(Number(m.used_memory)).toBeGreaterThanOrEqual(Number(m.used_memory_startup) + 10_000);
    const stats = (await r.call('MEMORY', 'STATS')) as unknown[];
    const total = stats[stats.indexOf('total.allocated') + 1] as number;
    expect(Math.abs(total - Number(m.used_memory))).toBeLessThan(4096);
    expect(Number(m.used_memory_peak)).toBeGreaterThanOrEqual(full);
    await r.flushall();
    expect(Math.abs((await used()) - base)).toBeLessThan(2048);
  });

  it('INFO reports the maxmemory settings and eviction counters', async () => {
    await r.config('SET', 'maxmemory', '100mb', 'maxmemory-policy', 'allkeys-lfu');
    const m = await info('memory');
    expect(m.maxmemory).toBe(String(100 * 1024 * 1024));
    expect(m.maxmemory_human).toBe('100.00M');
    expect(m.maxmemory_policy).toBe('allkeys-lfu');
    for (const f of ['used_memory_human', 'used_memory_rss', 'used_memory_peak', 'used_memory_dataset', 'mem_fragmentation_ratio',
      'mem_not_counted_for_evict', 'used_memory_startup']) {
      expect(m[f], f).toBeDefined();
    }
    const st = await info('stats');
    for (const f of ['evicted_keys', 'total_eviction_exceeded_time', 'current_eviction_exceeded_time']) expect(st[f], f).toBe('0');
  });

  it('a client sending a big command slowly is counted (query buffer)', async () => {
    const base = await used();
    const raw = await RawClient.connect(s.port);
    let partial = '*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$300000\r\n';
    partial += 'x'.repeat(200_000);
    await raw.raw(partial, 0);
    await sleep(200); // the cron re-measures every client
    expect((await used()) - base).toBeGreaterThan(190_000);
    raw.close();
  });
});

describe('the account stays exact', () => {
  /** Every database's charge recomputed from scratch. */
  function recount(): number {
    let n = 0;
    for (const db of s.engine.ks.dbs) {
      db.dict.forEach((o, k) => {
        n += keyUsage(k, o);
      });
      n += db.expires.size * EXPIRE_ENTRY_BYTES;
    }
    return n;
  }

  it('after a random mix of writes of every type', async () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const key = (): string => `m${rnd(30)}`;
    const val = (): string => 'v'.repeat(1 + rnd(300));
    const ops: Array<() => unknown[]> = [
      () => ['SET', key(), val()], () => ['APPEND', key(), val()], () => ['SETRANGE', key(), String(rnd(50)), val()],
      () => ['INCRBY', key(), '3'], () => ['GETDEL', key()], () => ['GETEX', key(), 'EX', '100'],
      () => ['LPUSH', key(), val(), val()], () => ['RPOP', key()], () => ['LTRIM', key(), '0', String(rnd(5))],
      () => ['LSET', key(), '0', val()], () => ['HSET', key(), `f${rnd(200)}`, val()], () => ['HDEL', key(), `f${rnd(200)}`],
      () => ['HINCRBY', key(), 'n', '1'], () => ['SADD', key(), `${rnd(1000)}`, `s${rnd(100)}`], () => ['SREM', key(), `s${rnd(100)}`],
      () => ['SPOP', key()], () => ['ZADD', key(), String(rnd(100)), `z${rnd(300)}`], () => ['ZREM', key(), `z${rnd(300)}`],
      () => ['ZPOPMIN', key()], () => ['ZINCRBY', key(), '2', `z${rnd(300)}`], () => ['XADD', key(), '*', 'f', val()],
      () => ['XTRIM', key(), 'MAXLEN', '2'], () => ['EXPIRE', key(), '1000'], () => ['PERSIST', key()], () => ['DEL', key()],
      () => ['RENAME', key(), key()], () => ['COPY', key(), key()], () => ['MOVE', key(), '1'],
      () => ['SUNIONSTORE', key(), key(), key()], () => ['ZUNIONSTORE', key(), '2', key(), key()],
      () => ['LMOVE', key(), key(), 'LEFT', 'RIGHT'], () => ['SMOVE', key(), key(), `s${rnd(100)}`], () => ['PFADD', key(), val()],
      () => ['SETBIT', key(), String(rnd(5000)), '1'], () => ['HSETNX', key(), `f${rnd(200)}`, val()],
      () => ['SWAPDB', '0', '1'],
    ];
    for (let i = 0; i < 3000; i++) {
      const argv = (ops[rnd(ops.length)] as () => unknown[])() as string[];
      await r.call(...(argv as [string, ...string[]])).catch(() => null);
    }
    expect(s.engine.ks.datasetBytes()).toBe(recount());
    expect(s.engine.ks.totalKeys()).toBeGreaterThan(10);
  });
});

describe('policies', () => {
  it('allkeys-lru: the least recently used keys go, recently used ones stay', async () => {
    const clock = (): number => s.engine.ks.lruClock;
    await fill(40, 1000, (i) => clock() - (i < 20 ? 1000 + i : 0));
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru', 'maxmemory-samples', '64');
    await squeeze(15 * 1100);
    const left = await present(40);
    expect(left.length).toBeGreaterThanOrEqual(20);
    expect(left.length).toBeLessThan(30);
    // Every recently used key stays, and the oldest of the old ones went first.
    for (let i = 20; i < 40; i++) expect(left).toContain(i);
    expect(left).not.toContain(19);
    expect((await info('stats')).evicted_keys).toBe(String(40 - left.length));
  });

  it('allkeys-lfu: the least frequently used keys go', async () => {
    const min = lfuMinutes(Date.now());
    await fill(40, 1000, (i) => (min << 8) | (i < 20 ? 1 : 100 + i));
    await r.config('SET', 'maxmemory-policy', 'allkeys-lfu', 'maxmemory-samples', '64');
    await squeeze(15 * 1100);
    const left = await present(40);
    for (let i = 20; i < 40; i++) expect(left).toContain(i);
    expect(left.length).toBeLessThan(30);
  });

  it('OBJECT FREQ counts accesses under LFU; OBJECT IDLETIME under LRU', async () => {
    await r.config('SET', 'maxmemory-policy', 'allkeys-lfu', 'lfu-log-factor', '0');
    await r.set('f', '1');
    expect(await r.object('FREQ', 'f')).toBe(5);
    for (let i = 0; i < 7; i++) await r.get('f');
    expect(await r.object('FREQ', 'f')).toBe(12);
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await r.set('i', '1');
    db0().peek('i')!.lru = s.engine.ks.lruClock - 42;
    expect(await r.object('IDLETIME', 'i')).toBe(42);
    await r.get('i');
    expect(await r.object('IDLETIME', 'i')).toBe(0);
  });

  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
    it(`${policy}: only keys with a TTL go; then writes get OOM`, async () => {
      const clock = s.engine.ks.lruClock;
      const min = lfuMinutes(Date.now());
      await fill(40, 1000, (i) => (policy.endsWith('lfu') ? (min << 8) | (i % 4 === 0 ? 1 : 50) : clock - (i % 4 === 0 ? 500 : 0)),
        (i) => (i % 2 === 0 ? 1_000_000 + (i % 4 === 0 ? 0 : 500_000) : null));
      await r.config('SET', 'maxmemory-policy', policy, 'maxmemory-samples', '64');
      await squeeze(6 * 1100);
      let left = await present(40);
      for (let i = 1; i < 40; i += 2) expect(left).toContain(i); // persistent keys all stay
      const gone = Array.from({ length: 40 }, (_, i) => i).filter((i) => !left.includes(i));
      expect(gone.length).toBeGreaterThanOrEqual(6);
      if (policy !== 'volatile-random') {
        // the multiples of 4 are the idlest / least used / soonest to expire
        expect(gone.every((i) => i % 4 === 0)).toBe(true);
      }
      // Squeeze below what the volatile keys can free: they all go, and writes fail.
      await squeeze(40 * 1100);
      left = await present(40);
      expect(left).toEqual(Array.from({ length: 20 }, (_, j) => 2 * j + 1));
      await expect(r.set('new', 'x')).rejects.toThrow(OOM);
      expect(await r.get('k1')).toBe('v'.repeat(1000)); // reads still work
    });
  }

  it('allkeys-random: frees enough, keys from anywhere', async () => {
    await fill(100, 1000);
    await r.config('SET', 'maxmemory-policy', 'allkeys-random');
    await squeeze(30 * 1100);
    const left = await present(100);
    expect(left.length).toBeLessThanOrEqual(72);
    expect(left.length).toBeGreaterThan(60);
  });

  it('noeviction: denyoom commands get OOM, reads and deletes work, freeing memory lifts it', async () => {
    await fill(10, 1000);
    await r.config('SET', 'maxmemory', String((await used()) - 500));
    await expect(r.set('x', '1')).rejects.toThrow(OOM);
    await expect(r.lpush('l', 'a')).rejects.toThrow(OOM);
    expect(await r.get('k0')).toBe('v'.repeat(1000));
    expect(await r.dbsize()).toBe(10);
    await r.del('k0', 'k1');
    expect(await r.set('x', '1')).toBe('OK');
    const st = await info('stats');
    expect(st.evicted_keys).toBe('0');
    expect(Number(st.total_eviction_exceeded_time)).toBeGreaterThanOrEqual(0);
    expect((await info('errorstats')).errorstat_OOM).toMatch(/^count=2/);
  });
});

describe('OOM and MULTI', () => {
  it('inside MULTI every command but EXEC/DISCARD is refused and flags the transaction', async () => {
    await r.config('SET', 'maxmemory', '1');
    const raw = await RawClient.connect(s.port);
    const replies = await raw.raw('MULTI\r\nGET x\r\nPING\r\nMULTI\r\nEXEC\r\n', 5);
    expect(replies).toEqual(['+OK\r\n', `-${OOM}\r\n`, `-${OOM}\r\n`, `-${OOM}\r\n`,
      '-EXECABORT Transaction discarded because of previous errors.\r\n']);
    expect(await raw.raw('MULTI\r\nSET x 1\r\nDISCARD\r\nPING\r\n', 4)).toEqual(['+OK\r\n', `-${OOM}\r\n`, '+OK\r\n', '+PONG\r\n']);
    raw.close();
  });

  it('EXEC of read-only commands runs under OOM; with a denyoom command it aborts', async () => {
    await r.set('x', 'value');
    const a = new Redis({ port: s.port, protocol: 2 });
    await a.multi().get('x').ping().exec().catch(() => null); // warm the connection
    const raw = await RawClient.connect(s.port);
    expect(await raw.raw('MULTI\r\nGET x\r\nPING\r\n', 3)).toEqual(['+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n']);
    await r.config('SET', 'maxmemory', '1');
    expect(await raw.raw('EXEC\r\n', 1)).toEqual(['*2\r\n$5\r\nvalue\r\n+PONG\r\n']);
    await r.config('SET', 'maxmemory', '0');
    expect(await raw.raw('MULTI\r\nGET x\r\nSET y 1\r\n', 3)).toEqual(['+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n']);
    await r.config('SET', 'maxmemory', '1');
    expect(await raw.raw('EXEC\r\n', 1)).toEqual([`-EXECABORT Transaction discarded because of: ${OOM}\r\n`]);
    raw.close();
    a.disconnect();
  });
});

describe('eviction effects', () => {
  it('evicted keys propagate as DEL (UNLINK with lazyfree-lazy-eviction) and notify `evicted`', async () => {
    const ops: string[] = [];
    const stop = s.engine.propagation.addSink(PROPAGATE_ALL, (db, argv) => ops.push(`${db} ${argv.join(' ')}`));
    const sub = new Redis({ port: s.port, protocol: 2 });
    const events: string[] = [];
    sub.on('pmessage', (_p, ch, msg) => events.push(`${ch} ${msg}`));
    await sub.psubscribe('__keyevent@*__:evicted');
    await r.config('SET', 'notify-keyspace-events', 'Ee', 'maxmemory-policy', 'allkeys-lru');
    await r.set('a', '1');
    await r.config('SET', 'maxmemory', '1');
    await evictionDone();
    await r.config('SET', 'maxmemory', '0', 'lazyfree-lazy-eviction', 'yes');
    await r.set('b', '2');
    await r.config('SET', 'maxmemory', '1');
    await evictionDone();
    await sleep(20);
    stop();
    expect(ops).toContain('0 DEL a');
    expect(ops).toContain('0 UNLINK b');
    expect(events).toEqual(['__keyevent@0__:evicted a', '__keyevent@0__:evicted b']);
    sub.disconnect();
  });

  it('eviction runs in time-bounded steps and finishes in the background', async () => {
    const p = r.pipeline();
    for (let i = 0; i < 20_000; i++) p.set(`key:${i}`, 'x'.repeat(50));
    await p.exec();
    await r.config('SET', 'maxmemory-policy', 'allkeys-random', 'maxmemory-eviction-tenacity', '0');
    const target = (await used()) - 20_000 * 100;
    await r.config('SET', 'maxmemory', String(target));
    // With tenacity 0 a step evicts 16 keys and hands over to the continuation.
    expect(s.engine.maxmemory.evicting).toBe(true);
    await evictionDone();
    expect(await used()).toBeLessThanOrEqual(target);
    const st = await info('stats');
    expect(Number(st.evicted_keys)).toBeGreaterThan(5000);
    expect(st.current_eviction_exceeded_time).toBe('0');
  });

  it('invalidation messages to tracking clients do not feed back into more eviction', async () => {
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru', 'maxmemory-eviction-tenacity', '100');
    const trackers: RawClient[] = [];
    for (let j = 0; j < 10; j++) {
      const t = await RawClient.connect(s.port);
      await t.raw('HELLO 3\r\n', 1);
      await t.call('CLIENT', 'TRACKING', 'on');
      trackers.push(t);
    }
    for (let j = 0; j < 300; j++) {
      const key = `${j}${'x'.repeat(1000)}`;
      await r.set(key, 'x');
      for (const t of trackers) await t.call('GET', key);
    }
    await sleep(150);
    // As the Tcl test does, from another process: INFO right after the CONFIG SET reply, while
    // the background eviction's invalidation messages may still be waiting to be written.
    const limit = String((await used()) - 40_000);
    const stats = await new Promise<string>((resolve, reject) => {
      const cli = execFile('redis-cli', ['-p', String(s.port)], (err, out) => (err ? reject(err) : resolve(out)));
      cli.stdin?.end(`CONFIG SET maxmemory ${limit}\nINFO stats\n`);
    });
    await evictionDone();
    const evicted = Number(/evicted_keys:(\d+)/.exec(stats)?.[1]);
    expect(evicted).toBeGreaterThanOrEqual(10);
    expect(evicted).toBeLessThanOrEqual(60);
    expect(await r.dbsize()).toBeGreaterThanOrEqual(240);
    for (const t of trackers) t.close();
  });

  it('denyoom commands evict first, so used_memory stays within one command of maxmemory', async () => {
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const limit = (await used()) + 200_000;
    await r.config('SET', 'maxmemory', String(limit));
    let worst = 0;
    for (let i = 0; i < 300; i++) {
      await r.set(`w${i}`, 'x'.repeat(1000 + (i % 7) * 500));
      worst = Math.max(worst, (await used()) - limit);
    }
    expect(worst).toBeLessThan(5000);
    expect(Number((await info('stats')).evicted_keys)).toBeGreaterThan(100);
  });
});
