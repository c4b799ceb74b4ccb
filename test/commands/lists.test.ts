// List family tests.
//
// 1. Handler-level tests with the recording fake context: keyspace events, dirty counts,
//    modified keys and propagation forms (BLPOP → LPOP, BLMPOP/LMPOP → LPOP/RPOP key n,
//    BLMOVE → LMOVE, BRPOPLPUSH → RPOPLPUSH), and the non-blocking behaviour of the blocking
//    commands when the context cannot block (MULTI, scripts).
// 2. Server tests over ioredis in RESP2 and RESP3, including blocking: wake-up by pushes,
//    FIFO service, sub-second timeouts, CLIENT UNBLOCK, disconnect while blocked, chains of
//    BLMOVEs, keys of another type while blocked, MULTI (blocking commands act at once).
// 3. Raw RESP bytes where null / empty replies differ between protocols.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { FakeServer } from '../helpers/fake-ctx.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';
import { CALL_FROM_MULTI } from '../../src/commands/context.js';

/* ---- handler effects ---------------------------------------------------------------------- */

class Harness {
  readonly fake = new FakeServer();
  constructor() {
    this.fake.config.set('list-max-listpack-size', '-2');
    this.fake.config.set('list-compress-depth', '0');
  }
  run(...argv: string[]) {
    const reply = this.fake.run(...argv);
    const e = this.fake.effects;
    return {
      reply,
      notes: e.events.map((ev) => {
        const [db, event, ...key] = ev.split(':');
        return `${event}:${key.join(':')}@${db}`;
      }),
      dirty: e.dirty,
      prop: e.propagateAs,
      modified: e.modified.map((m) => m.slice(m.indexOf(':') + 1)),
    };
  }
}

describe('lists: handler effects', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });

  it('LPUSH/RPUSH: new + lpush/rpush events, dirty per element', () => {
    const r = h.run('LPUSH', 'l', 'a', 'b', 'c');
    expect(r.reply).toBe(':3\r\n');
    expect(r.notes).toEqual(['new:l@0', 'lpush:l@0']);
    expect(r.dirty).toBe(3);
    expect(r.modified).toEqual(['l']);
    expect(r.prop).toBeUndefined();
    expect(h.run('RPUSH', 'l', 'z').notes).toEqual(['rpush:l@0']);
    const x = h.run('LPUSHX', 'nokey', 'a');
    expect(x.reply).toBe(':0\r\n');
    expect(x.dirty).toBe(0);
    expect(x.notes).toEqual([]);
  });

  it('LPOP emptying the list: lpop then del, dirty', () => {
    h.run('RPUSH', 'l', 'a', 'b');
    const r = h.run('LPOP', 'l', '5');
    expect(r.reply).toBe('*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    expect(r.notes).toEqual(['lpop:l@0', 'del:l@0']);
    expect(r.dirty).toBe(2);
    expect(h.fake.db().peek('l')).toBeUndefined();
  });

  it('LMOVE: lpush/rpush on the destination, then lpop/rpop and del on the source', () => {
    h.run('RPUSH', 's', 'x');
    const r = h.run('LMOVE', 's', 'd', 'RIGHT', 'LEFT');
    expect(r.reply).toBe('$1\r\nx\r\n');
    expect(r.notes).toEqual(['new:d@0', 'lpush:d@0', 'rpop:s@0', 'del:s@0']);
    expect(r.dirty).toBe(1);
    expect(r.modified).toEqual(['d', 's']);
    expect(r.prop).toBeUndefined();
  });

  it('LINSERT / LSET / LREM / LTRIM events and dirty', () => {
    h.run('RPUSH', 'l', 'a', 'b', 'a', 'c');
    expect(h.run('LINSERT', 'l', 'BEFORE', 'b', 'x').notes).toEqual(['linsert:l@0']);
    const miss = h.run('LINSERT', 'l', 'after', 'zz', 'x');
    expect(miss.reply).toBe(':-1\r\n');
    expect(miss.notes).toEqual([]);
    expect(h.run('LSET', 'l', '0', 'q').notes).toEqual(['lset:l@0']);
    const rem = h.run('LREM', 'l', '0', 'a');
    expect(rem.reply).toBe(':1\r\n');
    expect(rem.dirty).toBe(1);
    expect(rem.notes).toEqual(['lrem:l@0']);
    const t = h.run('LTRIM', 'l', '1', '1');
    expect(t.dirty).toBe(3);
    expect(t.notes).toEqual(['ltrim:l@0']);
    const t2 = h.run('LTRIM', 'l', '5', '10');
    expect(t2.notes).toEqual(['ltrim:l@0', 'del:l@0']);
  });

  it('LMPOP propagates as LPOP/RPOP key n with n clipped to the length', () => {
    h.run('RPUSH', 'b', '1', '2', '3');
    const r = h.run('LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '10');
    expect(r.reply).toBe('*2\r\n$1\r\nb\r\n*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n');
    expect(r.prop).toEqual(['RPOP', 'b', '3']);
    expect(r.notes).toEqual(['rpop:b@0', 'del:b@0']);
  });

  it('blocking commands with data propagate as their plain forms', () => {
    h.run('RPUSH', 'l', 'a', 'b', 'c', 'd');
    expect(h.run('BLPOP', 'none', 'l', '0').prop).toEqual(['LPOP', 'l']);
    expect(h.run('BRPOP', 'l', '0').prop).toEqual(['RPOP', 'l']);
    expect(h.run('BLMPOP', '0', '1', 'l', 'left', 'COUNT', '5').prop).toEqual(['LPOP', 'l', '2']);
    h.run('RPUSH', 'l', 'a', 'b');
    expect(h.run('BLMOVE', 'l', 'm', 'left', 'RIGHT', '0').prop).toEqual(['LMOVE', 'l', 'm', 'left', 'RIGHT']);
    expect(h.run('BRPOPLPUSH', 'l', 'm', '0').prop).toEqual(['RPOPLPUSH', 'l', 'm']);
  });

  it('without blocking allowed (MULTI), empty sources answer at once', () => {
    h.fake.callFlags = CALL_FROM_MULTI;
    expect(h.run('BLPOP', 'none', '0').reply).toBe('*-1\r\n');
    expect(h.run('BLMPOP', '0', '1', 'none', 'LEFT').reply).toBe('*-1\r\n');
    expect(h.run('BLMOVE', 'none', 'x', 'LEFT', 'LEFT', '0').reply).toBe('$-1\r\n');
    expect(h.run('BRPOPLPUSH', 'none', 'x', '0').reply).toBe('$-1\r\n');
  });
});

/* ---- over the network ---------------------------------------------------------------------- */

describe('lists: server', () => {
  let server: RunningServer;
  let r: Redis;
  let r3: Redis;
  const extra: Redis[] = [];

  function client(protocol: 2 | 3 = 2): Redis {
    const c = new Redis({ port: server.port, protocol, maxRetriesPerRequest: 0 });
    extra.push(c);
    return c;
  }

  async function blockedCount(): Promise<number> {
    const info = await r.info('clients');
    return Number(/blocked_clients:(\d+)/.exec(info)?.[1] ?? -1);
  }

  async function waitBlocked(n: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await blockedCount()) === n) return;
      await new Promise((res) => setTimeout(res, 5));
    }
    throw new Error(`expected ${n} blocked clients, have ${await blockedCount()}`);
  }

  beforeAll(async () => {
    server = await startServer({ port: 0, config: { loglevel: 'warning', 'enable-debug-command': 'yes' } });
    r = new Redis({ port: server.port, protocol: 2 });
    r3 = new Redis({ port: server.port, protocol: 3 });
  });

  afterAll(async () => {
    for (const c of extra) c.disconnect();
    r.disconnect();
    r3.disconnect();
    await server.close();
  });

  beforeEach(async () => {
    await r.flushall();
  });

  it('push, range, index, length, encoding', async () => {
    expect(await r.rpush('l', 'a', 'b', 'c')).toBe(3);
    expect(await r.lpush('l', 'z')).toBe(4);
    expect(await r.lrange('l', 0, -1)).toEqual(['z', 'a', 'b', 'c']);
    expect(await r.lrange('l', -2, 100)).toEqual(['b', 'c']);
    expect(await r.lrange('l', 3, 1)).toEqual([]);
    expect(await r.lindex('l', -1)).toBe('c');
    expect(await r.lindex('l', 10)).toBeNull();
    expect(await r.llen('l')).toBe(4);
    expect(await r.object('ENCODING', 'l')).toBe('quicklist');
    expect(await r.type('l')).toBe('list');
    expect(await r3.lrange('l', 0, 1)).toEqual(['z', 'a']);
  });

  it('binary-safe elements', async () => {
    const v = Buffer.from([0, 255, 128, 10, 13, 0x80, 0xc0]);
    await r.rpush(Buffer.from('bin'), v, Buffer.alloc(200, 0xc0), Buffer.alloc(17000, 0x81));
    const got = await r.lrangeBuffer('bin', 0, -1);
    expect(got[0]?.equals(v)).toBe(true);
    expect(got[1]?.equals(Buffer.alloc(200, 0xc0))).toBe(true);
    expect(got[2]?.equals(Buffer.alloc(17000, 0x81))).toBe(true);
    expect(await r.lpos('bin', v)).toBe(0);
    expect(await r.lrem('bin', 0, Buffer.alloc(200, 0xc0))).toBe(1);
  });

  it('LPOP/RPOP with count, and the errors', async () => {
    await r.rpush('l', 'a', 'b', 'c', 'd', 'e');
    expect(await r.lpop('l', 2)).toEqual(['a', 'b']);
    expect(await r.rpop('l', 2)).toEqual(['e', 'd']);
    expect(await r.lpop('l', 0)).toEqual([]);
    expect(await r.lpop('l')).toBe('c');
    expect(await r.exists('l')).toBe(0);
    expect(await r.lpop('l', 3)).toBeNull();
    await expect(r.lpop('l', -1)).rejects.toThrow('ERR value is out of range, must be positive');
    await expect(r.call('lpop', 'l', 'x')).rejects.toThrow('ERR value is out of range, must be positive');
    await expect(r.call('lpop', 'l', '1', '2')).rejects.toThrow("ERR wrong number of arguments for 'lpop' command");
    await r.set('s', 'x');
    await expect(r.lpop('s')).rejects.toThrow('WRONGTYPE');
    await expect(r.rpush('s', 'x')).rejects.toThrow('WRONGTYPE');
  });

  it('LSET / LINSERT / LREM / LTRIM', async () => {
    await r.rpush('l', 'a', 'b', 'c', 'b', 'a');
    expect(await r.lset('l', -1, 'z')).toBe('OK');
    await expect(r.lset('l', 9, 'z')).rejects.toThrow('ERR index out of range');
    await expect(r.lset('nokey', 0, 'z')).rejects.toThrow('ERR no such key');
    expect(await r.linsert('l', 'AFTER', 'b', 'X')).toBe(6);
    expect(await r.linsert('l', 'BEFORE', 'q', 'X')).toBe(-1);
    expect(await r.linsert('nokey', 'BEFORE', 'q', 'X')).toBe(0);
    await expect(r.call('linsert', 'l', 'middle', 'b', 'X')).rejects.toThrow('ERR syntax error');
    expect(await r.lrange('l', 0, -1)).toEqual(['a', 'b', 'X', 'c', 'b', 'z']);
    expect(await r.lrem('l', -1, 'b')).toBe(1);
    expect(await r.lrange('l', 0, -1)).toEqual(['a', 'b', 'X', 'c', 'z']);
    expect(await r.ltrim('l', 1, -2)).toBe('OK');
    expect(await r.lrange('l', 0, -1)).toEqual(['b', 'X', 'c']);
    await expect(r.call('ltrim', 'l', 'a', '1')).rejects.toThrow('ERR value is not an integer or out of range');
    expect(await r.ltrim('l', 5, 1)).toBe('OK');
    expect(await r.exists('l')).toBe(0);
  });

  it('LPOS options and errors', async () => {
    await r.rpush('l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c');
    expect(await r.lpos('l', 'c')).toBe(2);
    expect(await r.lpos('l', 'c', 'RANK', -1)).toBe(7);
    expect(await r.lpos('l', 'c', 'COUNT', 0)).toEqual([2, 6, 7]);
    expect(await r.call('lpos', 'l', 'c', 'COUNT', '2', 'RANK', '-1')).toEqual([7, 6]);
    expect(await r.call('lpos', 'l', 'c', 'COUNT', '0', 'MAXLEN', '7', 'RANK', '2')).toEqual([6]);
    expect(await r.lpos('l', 'x')).toBeNull();
    expect(await r.lpos('nokey', 'x', 'COUNT', 1)).toEqual([]);
    await expect(r.call('lpos', 'l', 'c', 'RANK', '0')).rejects.toThrow(
      "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
    );
    await expect(r.call('lpos', 'l', 'c', 'COUNT', '-1')).rejects.toThrow("ERR COUNT can't be negative");
    await expect(r.call('lpos', 'l', 'c', 'MAXLEN', 'x')).rejects.toThrow("ERR MAXLEN can't be negative");
    await expect(r.call('lpos', 'l', 'c', 'RANK')).rejects.toThrow('ERR syntax error');
  });

  it('LMOVE / RPOPLPUSH and LMPOP', async () => {
    await r.rpush('a', '1', '2', '3');
    expect(await r.lmove('a', 'b', 'LEFT', 'RIGHT')).toBe('1');
    expect(await r.rpoplpush('a', 'b')).toBe('3');
    expect(await r.lrange('b', 0, -1)).toEqual(['3', '1']);
    expect(await r.rpoplpush('a', 'a')).toBe('2');
    expect(await r.rpoplpush('nokey', 'b')).toBeNull();
    await expect(r.call('lmove', 'a', 'b', 'UP', 'LEFT')).rejects.toThrow('ERR syntax error');
    expect(await r.call('lmpop', '2', 'x', 'b', 'LEFT', 'COUNT', '5')).toEqual(['b', ['3', '1']]);
    expect(await r.call('lmpop', '1', 'b', 'LEFT')).toBeNull();
    await expect(r.call('lmpop', '0', 'b', 'LEFT')).rejects.toThrow('ERR numkeys should be greater than 0');
    await expect(r.call('lmpop', '1', 'b', 'LEFT', 'COUNT', '0')).rejects.toThrow('ERR count should be greater than 0');
    await expect(r.call('lmpop', '1', 'b', 'LEFT', 'COUNT', '1', 'COUNT', '1')).rejects.toThrow('ERR syntax error');
    await expect(r.call('lmpop', '3', 'b', 'LEFT')).rejects.toThrow('ERR syntax error');
    expect(await r3.call('lmpop', '1', 'a', 'RIGHT')).toEqual(['a', ['2']]);
  });

  it('COPY duplicates a list independently', async () => {
    await r.rpush('src', 'a', 'b');
    expect(await r.copy('src', 'dst')).toBe(1);
    await r.rpush('src', 'c');
    expect(await r.lrange('dst', 0, -1)).toEqual(['a', 'b']);
    expect(await r.object('ENCODING', 'dst')).toBe('quicklist');
  });

  it('config changes affect new lists: list-max-listpack-size and compression', async () => {
    await r.config('SET', 'list-max-ziplist-size', '4');
    await r.config('SET', 'list-compress-depth', '1');
    try {
      for (let i = 0; i < 40; i++) await r.rpush('l', `element-number-${i}-${'pad'.repeat(10)}`);
      const dbg = (await r.debug('OBJECT', 'l')) as string;
      expect(dbg).toContain('ql_nodes:10 ql_avg_node:4.00 ql_listpack_max:4 ql_compressed:1');
      expect((await r.lrange('l', 17, 18)).map((s) => s.slice(0, 18))).toEqual(['element-number-17-', 'element-number-18-']);
    } finally {
      await r.config('SET', 'list-max-ziplist-size', '-2');
      await r.config('SET', 'list-compress-depth', '0');
    }
  });

  it('DEBUG QUICKLIST-PACKED-THRESHOLD', async () => {
    await expect(r.debug('QUICKLIST-PACKED-THRESHOLD', '5gb')).rejects.toThrow(
      'ERR argument must be a memory value bigger than 1 and smaller than 4gb',
    );
    await expect(r.debug('QUICKLIST-PACKED-THRESHOLD', '-1')).rejects.toThrow('ERR argument must be');
    expect(await r.debug('QUICKLIST-PACKED-THRESHOLD', '1b')).toBe('OK');
    try {
      await r.rpush('l', 'aa', 'bb', 'cc');
      expect(await r.debug('OBJECT', 'l')).toContain('ql_nodes:3');
      expect(await r.lrange('l', 0, -1)).toEqual(['aa', 'bb', 'cc']);
    } finally {
      await r.debug('QUICKLIST-PACKED-THRESHOLD', '0');
    }
  });

  /* ---- blocking -------------------------------------------------------------------------- */

  it('BLPOP blocks until a push, in RESP2 and RESP3', async () => {
    const b2 = client(2);
    const b3 = client(3);
    const p2 = b2.blpop('q', 0);
    await waitBlocked(1);
    const p3 = b3.brpop('q', 0);
    await waitBlocked(2);
    expect(await r.rpush('q', 'one', 'two')).toBe(2);
    expect(await p2).toEqual(['q', 'one']);
    expect(await p3).toEqual(['q', 'two']);
    expect(await r.exists('q')).toBe(0);
    expect(await blockedCount()).toBe(0);
  });

  it('serves blocked clients first come, first served', async () => {
    const cs = [client(), client(), client()];
    const ps: Promise<unknown>[] = [];
    for (let i = 0; i < cs.length; i++) {
      ps.push((cs[i] as Redis).blpop('fifo', 0));
      await waitBlocked(i + 1);
    }
    await r.rpush('fifo', 'a', 'b');
    expect(await ps[0]).toEqual(['fifo', 'a']);
    expect(await ps[1]).toEqual(['fifo', 'b']);
    expect(await blockedCount()).toBe(1);
    await r.rpush('fifo', 'c');
    expect(await ps[2]).toEqual(['fifo', 'c']);
  });

  it('times out with sub-second precision: null array in RESP2, null in RESP3', async () => {
    const b = client(2);
    const t0 = Date.now();
    expect(await b.blpop('nothing', 0.15)).toBeNull();
    const dt = Date.now() - t0;
    expect(dt).toBeGreaterThanOrEqual(140);
    expect(dt).toBeLessThan(600);
    const raw = await RawClient.connect(server.port);
    expect(await raw.call('BLMPOP', '0.05', '1', 'nothing', 'LEFT')).toBe('*-1\r\n');
    expect(await raw.call('HELLO', '3')).toContain('server');
    expect(await raw.call('BRPOP', 'nothing', '0.05')).toBe('_\r\n');
    raw.close();
  });

  it('timeout errors', async () => {
    await expect(r.blpop('x', -1)).rejects.toThrow('ERR timeout is negative');
    await expect(r.call('blpop', 'x', 'abc')).rejects.toThrow('ERR timeout is not a float or out of range');
    await expect(r.call('blmove', 'x', 'y', 'LEFT', 'UP', 'abc')).rejects.toThrow('ERR syntax error');
    await expect(r.call('blmpop', 'abc', '0', 'x', 'LEFT')).rejects.toThrow('ERR numkeys should be greater than 0');
    await expect(r.call('blmpop', 'abc', '1', 'x', 'LEFT')).rejects.toThrow('ERR timeout is not a float or out of range');
  });

  it('CLIENT UNBLOCK: TIMEOUT gives the null reply, ERROR the UNBLOCKED error', async () => {
    const b = client();
    const id = (await b.client('ID')) as number;
    const p = b.blpop('u', 0);
    await waitBlocked(1);
    expect(await r.client('UNBLOCK', id)).toBe(1);
    expect(await p).toBeNull();
    const p2 = b.blmove('u', 'v', 'LEFT', 'LEFT', 0);
    await waitBlocked(1);
    expect(await r.client('UNBLOCK', id, 'ERROR')).toBe(1);
    await expect(p2).rejects.toThrow('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    expect(await r.client('UNBLOCK', id)).toBe(0);
  });

  it('a client that disconnects while blocked is forgotten', async () => {
    const b = client();
    void b.blpop('gone', 0).catch(() => undefined);
    await waitBlocked(1);
    b.disconnect();
    await waitBlocked(0);
    await r.rpush('gone', 'kept');
    expect(await r.lrange('gone', 0, -1)).toEqual(['kept']);
  });

  it('BLMOVE chains: the destination push wakes a client blocked on it', async () => {
    const b1 = client();
    const b2 = client();
    const pb2 = b2.blpop('target', 0);
    await waitBlocked(1);
    const pb1 = b1.blmove('src', 'target', 'LEFT', 'RIGHT', 0);
    await waitBlocked(2);
    await r.rpush('src', 'foo');
    expect(await pb1).toBe('foo');
    expect(await pb2).toEqual(['target', 'foo']);
    expect(await r.exists('target', 'src')).toBe(0);
  });

  it('BLMPOP served after blocking pops min(count, length)', async () => {
    const b = client();
    const p = b.call('blmpop', '0', '2', 'k1', 'k2', 'RIGHT', 'COUNT', '10');
    await waitBlocked(1);
    await r.rpush('k2', 'a', 'b', 'c');
    expect(await p).toEqual(['k2', ['c', 'b', 'a']]);
  });

  it('a waited key that becomes another type keeps the client blocked', async () => {
    const b = client();
    const p = b.blpop('w', 0);
    await waitBlocked(1);
    // the list is created (the key is signaled) but holds a string when the client is served
    expect(await r.multi().rpush('w', 'x').del('w').set('w', 'str').exec()).toEqual([
      [null, 1], [null, 1], [null, 'OK'],
    ]);
    await new Promise((res) => setTimeout(res, 30));
    expect(await blockedCount()).toBe(1);
    await r.del('w');
    await r.rpush('w', 'ok');
    expect(await p).toEqual(['w', 'ok']);
  });

  it('inside MULTI the blocking commands do not block', async () => {
    await r.rpush('x', 'foo', 'bar');
    const res = await r.multi().brpoplpush('x', 't', 0).brpoplpush('x', 't', 0).brpoplpush('x', 't', 0)
      .lrange('t', 0, -1).blpop('none', 0).call('blmpop', '0', '1', 'none', 'LEFT').exec();
    expect(res).toEqual([[null, 'bar'], [null, 'foo'], [null, null], [null, ['foo', 'bar']], [null, null], [null, null]]);
    expect(await blockedCount()).toBe(0);
  });

  it('WRONGTYPE before blocking', async () => {
    await r.set('s', 'x');
    await expect(r.blpop('nokey', 's', 0)).rejects.toThrow('WRONGTYPE');
    await expect(r.brpoplpush('s', 'd', 0)).rejects.toThrow('WRONGTYPE');
  });

  /* ---- exact bytes ----------------------------------------------------------------------- */

  it('null and empty replies in RESP2 and RESP3', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.call('RPUSH', 'l', 'x');
    expect(await raw.call('LPOP', 'l', '0')).toBe('*0\r\n');
    expect(await raw.call('LPOP', 'nokey')).toBe('$-1\r\n');
    expect(await raw.call('LPOP', 'nokey', '1')).toBe('*-1\r\n');
    expect(await raw.call('LPOS', 'l', 'nope')).toBe('$-1\r\n');
    expect(await raw.call('LINDEX', 'l', '5')).toBe('$-1\r\n');
    expect(await raw.call('LMPOP', '1', 'nokey', 'LEFT')).toBe('*-1\r\n');
    expect(await raw.call('LRANGE', 'nokey', '0', '-1')).toBe('*0\r\n');
    await raw.call('HELLO', '3');
    expect(await raw.call('LPOP', 'nokey')).toBe('_\r\n');
    expect(await raw.call('LPOP', 'nokey', '1')).toBe('_\r\n');
    expect(await raw.call('LPOP', 'l', '0')).toBe('*0\r\n');
    expect(await raw.call('RPOPLPUSH', 'nokey', 'x')).toBe('_\r\n');
    raw.close();
  });
});
