// Generic key commands (DEL UNLINK EXISTS TYPE RENAME RENAMENX RANDOMKEY TOUCH COPY MOVE OBJECT):
// replies and errors over the wire with ioredis in RESP2 and RESP3, and the recorded effects
// (events, modified keys, dirty, LRU) through a fake context.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { FakeServer } from '../helpers/fake-ctx.js';
import { RawClient } from '../helpers/resp.js';
import { idleSeconds, lfuDecayed as lfuCounter, lruFromSaved } from '../../src/keyspace/evict.js';
import { mutableString, stringValue } from '../../src/keyspace/types/string.js';
import { RObject, OBJ_MODULE, ENC_RAW } from '../../src/keyspace/object.js';


/** The error message a command fails with (exactly as the server sent it). */
async function err(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error reply');
}
const NOW = 1_700_000_000_000;

describe('generic key effects (fake context)', () => {
  let f: FakeServer;
  beforeEach(() => {
    f = new FakeServer();
    f.ks.setTime(NOW);
  });

  it('DEL counts deleted keys, fires del per key, one dirty each', () => {
    f.set('a', '1');
    f.set('b', '2');
    expect(f.run('del', 'a', 'x', 'b', 'a')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:del:a', '0:del:b']);
    expect(f.effects.modified).toEqual(['0:a', '0:b']);
    expect(f.effects.dirty).toBe(2);
    expect(f.effects.propagateAs).toBeUndefined();
  });

  it('DEL of an expired key: expired (propagated DEL), not counted', () => {
    f.set('a', '1');
    f.db().setExpire('a', NOW - 1);
    expect(f.run('unlink', 'a')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:expired:a']);
    expect(f.effects.propagated).toEqual([{ db: 0, argv: ['DEL', 'a'] }]);
    expect(f.effects.dirty).toBe(0);
  });

  it('EXISTS / TYPE fire keymiss and do not touch the LRU; TOUCH does', () => {
    f.set('a', '1');
    const o = f.db().peek('a');
    if (!o) throw new Error('missing');
    o.lru = 5;
    expect(f.run('exists', 'a', 'a', 'nope')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:nope']);
    expect(f.run('type', 'a')).toBe('+string\r\n');
    expect(f.run('type', 'nope')).toBe('+none\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:nope']);
    expect(o.lru).toBe(5);
    expect(f.run('touch', 'a', 'nope')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:nope']);
    expect(o.lru).toBe(f.ks.lruClock);
    expect(f.effects.dirty).toBe(0);
  });

  it('RENAME moves value and TTL, replaces the destination and its TTL', () => {
    f.set('src', 'v');
    f.db().setExpire('src', NOW + 5000);
    f.set('dst', 'old');
    f.db().setExpire('dst', NOW + 9000);
    expect(f.run('rename', 'src', 'dst')).toBe('+OK\r\n');
    expect(f.effects.events).toEqual(['0:new:dst', '0:rename_from:src', '0:rename_to:dst']);
    expect(f.effects.modified).toEqual(['0:src', '0:dst']);
    expect(f.effects.dirty).toBe(1);
    expect(f.db().getExpire('dst')).toBe(NOW + 5000);
    expect(f.db().peek('src')).toBeUndefined();
    f.set('plain', 'p');
    f.run('rename', 'dst', 'plain');
    expect(f.db().getExpire('plain')).toBe(NOW + 5000);
    f.set('x', 'no-ttl');
    f.run('rename', 'x', 'plain');
    expect(f.db().getExpire('plain')).toBe(-1);
  });

  it('RENAME to itself: no effects; missing source: ERR no such key', () => {
    f.set('a', '1');
    expect(f.run('rename', 'a', 'a')).toBe('+OK\r\n');
    expect(f.run('renamenx', 'a', 'a')).toBe(':0\r\n');
    expect(f.effects.dirty).toBe(0);
    expect(f.run('rename', 'zz', 'zz')).toBe('-ERR no such key\r\n');
    expect(f.run('renamenx', 'zz', 'a')).toBe('-ERR no such key\r\n');
  });

  it('MOVE carries the TTL and fires move_from / move_to in each db', () => {
    f.set('k', 'v');
    f.db().setExpire('k', NOW + 7000);
    expect(f.run('move', 'k', '3')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['3:new:k', '0:move_from:k', '3:move_to:k']);
    expect(f.effects.modified).toEqual(['0:k', '3:k']);
    expect(f.effects.dirty).toBe(1);
    expect(f.db(3).getExpire('k')).toBe(NOW + 7000);
    expect(f.db(0).peek('k')).toBeUndefined();
    f.set('k', 'again');
    expect(f.run('move', 'k', '3')).toBe(':0\r\n');
    expect(f.effects.dirty).toBe(0);
  });

  it('MOVE / COPY are refused in cluster mode', () => {
    f.config.set('cluster-enabled', 'yes');
    f.set('k', 'v');
    expect(f.run('move', 'k', '1')).toBe('-ERR MOVE is not allowed in cluster mode\r\n');
    expect(f.run('copy', 'k', 'k2', 'db', '1')).toBe('-ERR Copying to another database is not allowed in cluster mode\r\n');
    expect(f.run('copy', 'k', 'k2')).toBe(':1\r\n');
  });

  it('COPY duplicates the value (independent Sds), carries the TTL, fires copy_to', () => {
    f.set('s', 'hello');
    const src = f.db().peek('s');
    if (!src) throw new Error('missing');
    mutableString(src); // now a raw Sds payload
    f.db().setExpire('s', NOW + 1234);
    expect(f.run('copy', 's', 'd', 'DB', '2')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['2:new:d', '2:copy_to:d']);
    expect(f.effects.modified).toEqual(['2:d']);
    expect(f.effects.dirty).toBe(1);
    const copy = f.db(2).peek('d');
    if (!copy) throw new Error('missing copy');
    expect(copy).not.toBe(src);
    expect(copy.enc).toBe(src.enc);
    mutableString(copy).append(' world');
    expect(stringValue(src)).toBe('hello');
    expect(stringValue(copy)).toBe('hello world');
    expect(f.db(2).getExpire('d')).toBe(NOW + 1234);
  });

  it('COPY of a type without a duplicate (module values) is an internal error, not a shared value', () => {
    f.db().set('l', new RObject(OBJ_MODULE, ENC_RAW, null));
    expect(() => f.run('copy', 'l', 'l2')).toThrow(/not supported/);
    expect(f.db().peek('l2')).toBeUndefined();
  });

  it('OBJECT does not touch the LRU and fires no keymiss', () => {
    f.set('a', 'x');
    const o = f.db().peek('a');
    if (!o) throw new Error('missing');
    o.lru = 7;
    expect(f.run('object', 'encoding', 'a')).toBe('$6\r\nembstr\r\n');
    expect(f.run('object', 'encoding', 'nope')).toBe('$-1\r\n');
    expect(f.effects.events).toEqual([]);
    expect(o.lru).toBe(7);
  });

  it('OBJECT IDLETIME uses the 24-bit LRU clock with wrap-around', () => {
    f.set('a', 'x');
    const o = f.db().peek('a');
    if (!o) throw new Error('missing');
    o.lru = f.ks.lruClock - 42;
    expect(f.run('object', 'idletime', 'a')).toBe(':42\r\n');
    expect(idleSeconds(10, 25)).toBe(15);
    expect(idleSeconds(16777210, 3)).toBe(3 + (16777215 - 16777210));
  });

  it('a saved IDLE / FREQ sets the lru field by the policy, the clock wrapping within 24 bits', () => {
    const now = 5 * 60000;
    expect(lruFromSaved(false, -1, 1000, 5000, now)).toBe(4000);
    expect(lruFromSaved(false, -1, 1000, 10, now)).toBe(10 - 1000 + 16777215);
    expect(lruFromSaved(false, 9, -1, 10, now)).toBeUndefined();
    expect(lruFromSaved(true, 9, 1000, 10, now)).toBe((5 << 8) | 9);
    expect(lruFromSaved(true, -1, 1000, 10, now)).toBeUndefined();
  });

  it('OBJECT FREQ / IDLETIME depend on the policy', () => {
    f.set('a', 'x');
    expect(f.run('object', 'freq', 'a')).toMatch(/^-ERR An LFU maxmemory policy is not selected, access frequency not tracked\./);
    f.config.set('maxmemory-policy', 'allkeys-lfu');
    expect(f.run('object', 'idletime', 'a')).toMatch(/^-ERR An LFU maxmemory policy is selected, idle time not tracked\./);
    const o = f.db().peek('a');
    if (!o) throw new Error('missing');
    const minutes = Math.floor(NOW / 60000) & 65535;
    o.lru = (minutes << 8) | 5;
    expect(f.run('object', 'freq', 'a')).toBe(':5\r\n');
    o.lru = (((minutes - 3) & 65535) << 8) | 5; // 3 minutes of decay at lfu-decay-time 1
    expect(f.run('object', 'freq', 'a')).toBe(':2\r\n');
    expect(lfuCounter((((minutes - 30) & 65535) << 8) | 5, NOW, 1)).toBe(0);
    expect(lfuCounter((((minutes - 30) & 65535) << 8) | 5, NOW, 0)).toBe(5);
    expect(lfuCounter((65530 << 8) | 100, 10 * 60000, 1)).toBe(100 - (65535 - 65530 + 10));
  });

  it('OBJECT REFCOUNT: shared integers 0..9999 unless an LRU/LFU policy with maxmemory', () => {
    f.set('small', '1234');
    f.set('neg', '-1');
    f.set('big', '10000');
    f.set('str', 'abc');
    expect(f.run('object', 'refcount', 'small')).toBe(':2147483647\r\n');
    expect(f.run('object', 'refcount', 'neg')).toBe(':1\r\n');
    expect(f.run('object', 'refcount', 'big')).toBe(':1\r\n');
    expect(f.run('object', 'refcount', 'str')).toBe(':1\r\n');
    f.config.set('maxmemory', '1000000');
    f.config.set('maxmemory-policy', 'allkeys-random');
    expect(f.run('object', 'refcount', 'small')).toBe(':2147483647\r\n');
    f.config.set('maxmemory-policy', 'volatile-lru');
    expect(f.run('object', 'refcount', 'small')).toBe(':1\r\n');
  });
});

for (const protocol of [2, 3] as const) {
  describe(`generic key commands over RESP${protocol}`, () => {
    let s: RunningServer;
    let r: Redis;
    beforeAll(async () => {
      s = await startServer({ port: 0, config: { loglevel: 'warning' } });
      r = new Redis({ port: s.port, protocol });
    });
    afterAll(async () => {
      r.disconnect();
      await s.close();
    });
    beforeEach(async () => {
      await r.flushall();
      await r.select(0);
    });

    it('DEL / UNLINK', async () => {
      await r.mset('a', '1', 'b', '2', 'c', '3');
      expect(await r.del('a', 'nokey', 'a')).toBe(1);
      expect(await r.unlink('b', 'c', 'nokey')).toBe(2);
      expect(await r.dbsize()).toBe(0);
      expect(await err(r.call('del'))).toBe("ERR wrong number of arguments for 'del' command");
    });

    it('binary-safe keys', async () => {
      const k = Buffer.from([0, 0xff, 0x80, 0x0d, 0x0a]);
      await r.set(k, 'v');
      expect(await r.exists(k)).toBe(1);
      expect(await r.keysBuffer('*')).toEqual([k]);
      expect(await r.rename(k, Buffer.from([1, 0xfe]))).toBe('OK');
      expect(await r.getBuffer(Buffer.from([1, 0xfe]))).toEqual(Buffer.from('v'));
      expect(await r.del(Buffer.from([1, 0xfe]))).toBe(1);
    });

    it('EXISTS counts repeated keys', async () => {
      await r.set('a', '1');
      expect(await r.exists('a', 'a', 'nokey', 'a')).toBe(3);
      expect(await r.exists('nokey')).toBe(0);
    });

    it('TYPE', async () => {
      await r.set('a', '1');
      expect(await r.type('a')).toBe('string');
      expect(await r.type('nokey')).toBe('none');
    });

    it('RENAME / RENAMENX', async () => {
      await r.set('a', 'va');
      expect(await r.rename('a', 'b')).toBe('OK');
      expect(await r.get('b')).toBe('va');
      expect(await r.exists('a')).toBe(0);
      await r.set('c', 'vc');
      expect(await r.renamenx('b', 'c')).toBe(0);
      expect(await r.renamenx('b', 'd')).toBe(1);
      expect(await r.get('d')).toBe('va');
      expect(await r.rename('d', 'c')).toBe('OK');
      expect(await r.get('c')).toBe('va');
      expect(await r.rename('c', 'c')).toBe('OK');
      expect(await r.renamenx('c', 'c')).toBe(0);
      expect(await r.get('c')).toBe('va');
      expect(await err(r.rename('nokey', 'x'))).toBe('ERR no such key');
      expect(await err(r.rename('nokey', 'nokey'))).toBe('ERR no such key');
      expect(await err(r.renamenx('nokey', 'x'))).toBe('ERR no such key');
    });

    it('RANDOMKEY', async () => {
      expect(await r.randomkey()).toBeNull();
      await r.mset('a', '1', 'b', '2', 'c', '3');
      const seen = new Set<string>();
      for (let i = 0; i < 100; i++) seen.add((await r.randomkey()) as string);
      expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    });

    it('RANDOMKEY skips (and deletes) expired keys', async () => {
      await r.set('live', '1');
      for (let i = 0; i < 20; i++) await r.set(`dead${i}`, '1', 'PX', 1);
      await new Promise((res) => setTimeout(res, 10));
      for (let i = 0; i < 20; i++) expect(await r.randomkey()).toBe('live');
    });

    it('TOUCH', async () => {
      await r.mset('a', '1', 'b', '2');
      expect(await r.touch('a', 'b', 'nokey', 'a')).toBe(3);
    });

    it('COPY within and across databases, REPLACE, errors', async () => {
      await r.set('src', 'hello', 'EX', 100);
      expect(await r.copy('src', 'dst')).toBe(1);
      expect(await r.get('dst')).toBe('hello');
      const ttl = await r.ttl('dst');
      expect(ttl).toBeGreaterThan(95);
      expect(await r.copy('src', 'dst')).toBe(0);
      await r.set('src', 'new');
      expect(await r.call('copy', 'src', 'dst', 'REPLACE')).toBe(1);
      expect(await r.get('dst')).toBe('new');
      expect(await r.ttl('dst')).toBe(-1);
      expect(await r.call('copy', 'src', 'src', 'DB', '1')).toBe(1);
      expect(await r.call('copy', 'nokey', 'x')).toBe(0);
      expect(await err(r.call('copy', 'src', 'src'))).toBe('ERR source and destination objects are the same');
      expect(await err(r.call('copy', 'src', 'src', 'db', '0'))).toBe('ERR source and destination objects are the same');
      expect(await err(r.call('copy', 'src', 'x', 'DB', 'notanumber'))).toBe('ERR value is not an integer or out of range');
      expect(await err(r.call('copy', 'src', 'x', 'DB', '2147483648'))).toBe('ERR value is out of range, value must between -2147483648 and 2147483647');
      expect(await err(r.call('copy', 'src', 'x', 'DB', '99999999999999999999'))).toBe('ERR value is not an integer or out of range');
      expect(await err(r.call('copy', 'src', 'x', 'DB', '16'))).toBe('ERR DB index is out of range');
      expect(await err(r.call('copy', 'src', 'x', 'DB', '-1'))).toBe('ERR DB index is out of range');
      expect(await err(r.call('copy', 'src', 'x', 'DB'))).toBe('ERR syntax error');
      expect(await err(r.call('copy', 'src', 'x', 'FOO'))).toBe('ERR syntax error');
      await r.select(1);
      expect(await r.get('src')).toBe('new');
      await r.set('src', 'db1');
      await r.select(0);
      expect(await r.call('copy', 'src', 'src', 'DB', '1')).toBe(0);
      expect(await r.call('copy', 'src', 'src', 'replace', 'DB', '1')).toBe(1);
      await r.select(1);
      expect(await r.get('src')).toBe('new');
    });

    it('COPY preserves the encoding and is independent of the source', async () => {
      await r.set('n', '12345');
      await r.set('e', 'short');
      await r.set('raw', 'x'.repeat(50));
      await r.set('app', 'a');
      await r.append('app', 'b');
      for (const k of ['n', 'e', 'raw', 'app']) {
        await r.copy(k, `${k}2`);
        expect(await r.object('ENCODING', `${k}2`)).toBe(await r.object('ENCODING', k));
      }
      await r.append('app2', 'c');
      expect(await r.get('app')).toBe('ab');
      expect(await r.get('app2')).toBe('abc');
    });

    it('MOVE', async () => {
      await r.set('k', 'v');
      await r.expire('k', 100);
      expect(await r.move('k', 1)).toBe(1);
      expect(await r.exists('k')).toBe(0);
      await r.select(1);
      expect(await r.get('k')).toBe('v');
      expect(await r.ttl('k')).toBeGreaterThan(95);
      await r.select(0);
      expect(await r.move('k', 1)).toBe(0);
      await r.set('k', 'other');
      expect(await r.move('k', 1)).toBe(0);
      expect(await r.get('k')).toBe('other');
      expect(await err(r.move('k', 0))).toBe('ERR source and destination objects are the same');
      expect(await err(r.move('k', 16))).toBe('ERR DB index is out of range');
      expect(await err(r.call('move', 'k', 'x'))).toBe('ERR value is not an integer or out of range');
      expect(await err(r.call('move', 'k', '-2147483649'))).toBe('ERR value is out of range, value must between -2147483648 and 2147483647');
      expect(await err(r.call('move', 'nokey', '99'))).toBe('ERR DB index is out of range');
    });

    it('OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ / HELP', async () => {
      await r.set('int', '123');
      await r.set('emb', 'abc');
      await r.set('raw', 'y'.repeat(45));
      expect(await r.object('ENCODING', 'int')).toBe('int');
      expect(await r.call('object', 'encoding', 'emb')).toBe('embstr');
      expect(await r.call('OBJECT', 'Encoding', 'raw')).toBe('raw');
      expect(await r.object('ENCODING', 'nokey')).toBeNull();
      expect(await r.object('REFCOUNT', 'int')).toBe(2147483647);
      expect(await r.object('REFCOUNT', 'emb')).toBe(1);
      expect(await r.object('REFCOUNT', 'nokey')).toBeNull();
      const idle = (await r.object('IDLETIME', 'emb')) as number;
      expect(idle).toBeGreaterThanOrEqual(0);
      expect(idle).toBeLessThanOrEqual(1);
      expect(await r.object('IDLETIME', 'nokey')).toBeNull();
      expect(await err(r.object('FREQ', 'emb'))).toBe('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
      const help = (await r.object('HELP')) as string[];
      expect(help[0]).toBe('OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
      expect(help).toContain('REFCOUNT <key>');
      expect(help.slice(-2)).toEqual(['HELP', '    Prints this help.']);
      expect(help).toHaveLength(15);
      expect(await err(r.call('object', 'foo', 'x'))).toBe("ERR unknown subcommand 'foo'. Try OBJECT HELP.");
      expect(await err(r.call('object', 'encoding'))).toBe("ERR wrong number of arguments for 'object|encoding' command");
      expect(await err(r.call('object'))).toBe("ERR wrong number of arguments for 'object' command");
    });

    it('OBJECT FREQ under an LFU policy; IDLETIME refused', async () => {
      await r.set('a', '1');
      await r.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      try {
        expect(typeof (await r.object('FREQ', 'a'))).toBe('number');
        expect(await err(r.object('IDLETIME', 'a'))).toBe(
          'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
        );
      } finally {
        await r.config('SET', 'maxmemory-policy', 'noeviction');
      }
    });
  });
}

describe('exact reply bytes', () => {
  let s: RunningServer;
  let c: RawClient;
  beforeAll(async () => {
    s = await startServer({ port: 0, config: { loglevel: 'warning' } });
    c = await RawClient.connect(s.port);
  });
  afterAll(async () => {
    c.close();
    await s.close();
  });

  it('RESP2 then RESP3 null replies and status replies', async () => {
    expect(await c.call('RANDOMKEY')).toBe('$-1\r\n');
    expect(await c.call('OBJECT', 'ENCODING', 'nokey')).toBe('$-1\r\n');
    expect(await c.call('TYPE', 'nokey')).toBe('+none\r\n');
    expect(await c.call('HELLO', '3')).toMatch(/^%/);
    expect(await c.call('RANDOMKEY')).toBe('_\r\n');
    expect(await c.call('OBJECT', 'REFCOUNT', 'nokey')).toBe('_\r\n');
    expect(await c.call('SET', 'k', 'v')).toBe('+OK\r\n');
    expect(await c.call('TYPE', 'k')).toBe('+string\r\n');
    expect(await c.call('OBJECT', 'HELP')).toMatch(/^\*15\r\n\+OBJECT <subcommand>/);
  });
});
