// HyperLogLog family tests.
//
// 1. Handler-level tests with the shared fake context: events, dirty counts and the cached
//    cardinality's effects (PFCOUNT refreshes it and counts as a change), hll-sparse-max-bytes.
// 2. Server tests over ioredis in RESP2 and RESP3: replies, PFDEBUG, PFSELFTEST, the two
//    WRONGTYPE errors and INVALIDOBJ.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { encodingName } from '../../src/keyspace/object.js';
import { FakeServer } from '../helpers/fake-ctx.js';
import { startServer, type RunningServer } from '../../src/index.js';

const INVALID = '-INVALIDOBJ Corrupted HLL object detected\r\n';

describe('hyperloglog: handler effects', () => {
  let f: FakeServer;
  beforeEach(() => {
    f = new FakeServer();
    f.config.set('hll-sparse-max-bytes', '3000');
  });

  it('PFADD: new + pfadd events, dirty counts updated registers; no change, no effects', () => {
    expect(f.run('PFADD', 'h', 'a', 'b', 'c')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['0:new:h', '0:pfadd:h']);
    expect(f.effects.dirty).toBe(4); // the creation plus three registers
    expect(f.effects.modified).toEqual(['0:h']);
    expect(encodingName(f.db().peek('h')!)).toBe('raw');
    expect(f.run('PFADD', 'h', 'a', 'b', 'c')).toBe(':0\r\n');
    expect(f.effects.events).toEqual([]);
    expect(f.effects.dirty).toBe(0);
    expect(f.run('PFADD', 'empty')).toBe(':1\r\n');
    expect(f.effects.dirty).toBe(1);
  });

  it('PFCOUNT refreshes a stale cache once (a change without an event)', () => {
    f.run('PFADD', 'h', 'a', 'b', 'c');
    expect(f.run('GETRANGE', 'h', '15', '15')).toBe('$1\r\n\x80\r\n');
    expect(f.run('PFCOUNT', 'h')).toBe(':3\r\n');
    expect(f.effects.dirty).toBe(1);
    expect(f.effects.modified).toEqual(['0:h']);
    expect(f.effects.events).toEqual([]);
    expect(f.run('GETRANGE', 'h', '8', '15')).toBe('$8\r\n\x03\x00\x00\x00\x00\x00\x00\x00\r\n');
    expect(f.run('PFCOUNT', 'h')).toBe(':3\r\n');
    expect(f.effects.dirty).toBe(0);
    // The union of several keys never writes.
    f.run('PFADD', 'h2', 'c', 'd');
    expect(f.run('PFCOUNT', 'h', 'h2', 'missing')).toBe(':4\r\n');
    expect(f.effects.dirty).toBe(0);
    expect(f.effects.events).toEqual(['0:keymiss:missing']);
  });

  it('PFMERGE fires pfadd on the destination and counts one change', () => {
    f.run('PFADD', 'a', 'x', 'y');
    f.run('PFADD', 'b', 'y', 'z');
    expect(f.run('PFMERGE', 'd', 'a', 'b')).toBe('+OK\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:d', '0:new:d', '0:pfadd:d']);
    expect(f.effects.dirty).toBe(1);
    expect(f.run('PFCOUNT', 'd')).toBe(':3\r\n');
    // Merging nothing new still rewrites the destination (the cache is invalidated).
    expect(f.run('PFMERGE', 'd', 'a')).toBe('+OK\r\n');
    expect(f.effects.dirty).toBe(1);
  });

  it('PFDEBUG TODENSE / GETREG count a change when they convert', () => {
    f.run('PFADD', 'h', 'a');
    expect(f.run('PFDEBUG', 'ENCODING', 'h')).toBe('+sparse\r\n');
    expect(f.run('PFDEBUG', 'TODENSE', 'h')).toBe(':1\r\n');
    expect(f.effects.dirty).toBe(1);
    expect(f.run('PFDEBUG', 'TODENSE', 'h')).toBe(':0\r\n');
    expect(f.effects.dirty).toBe(0);
    expect(f.run('STRLEN', 'h')).toBe(':12304\r\n');
    expect(f.run('PFDEBUG', 'ENCODING', 'h')).toBe('+dense\r\n');
    expect(f.run('PFDEBUG', 'DECODE', 'h')).toBe('-ERR HLL encoding is not sparse\r\n');
    expect(f.run('PFCOUNT', 'h')).toBe(':1\r\n');
  });

  it('hll-sparse-max-bytes decides when a value turns dense', () => {
    f.config.set('hll-sparse-max-bytes', '40');
    for (let i = 0; i < 30 && f.run('PFDEBUG', 'ENCODING', 'h') !== '+dense\r\n'; i++) f.run('PFADD', 'h', `e${i}`);
    expect(f.run('PFDEBUG', 'ENCODING', 'h')).toBe('+dense\r\n');
    f.config.set('hll-sparse-max-bytes', '3000');
    for (let i = 0; i < 30; i++) f.run('PFADD', 'h2', `e${i}`);
    expect(f.run('PFDEBUG', 'ENCODING', 'h2')).toBe('+sparse\r\n');
    const len = Number(f.run('STRLEN', 'h2').slice(1, -2));
    expect(len).toBeGreaterThan(40);
    expect(len).toBeLessThan(200);
  });

  it('a corrupt value: INVALIDOBJ without effects', () => {
    f.run('PFADD', 'h', 'a', 'b', 'c');
    f.run('APPEND', 'h', 'hello');
    expect(f.run('PFCOUNT', 'h')).toBe(INVALID);
    expect(f.effects.dirty).toBe(0);
    expect(f.run('PFMERGE', 'd', 'h')).toBe(INVALID);
    expect(f.run('EXISTS', 'd')).toBe(':0\r\n');
    expect(f.run('PFDEBUG', 'TODENSE', 'h')).toBe(INVALID);
  });
});

for (const protocol of [2, 3] as const) {
  describe(`hyperloglog over ioredis (RESP${protocol})`, () => {
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
    });

    it('PFADD / PFCOUNT / PFMERGE', async () => {
      expect(await r.pfadd('h')).toBe(1);
      expect(await r.exists('h')).toBe(1);
      expect(await r.pfcount('h')).toBe(0);
      expect(await r.pfadd('h', 'a', 'b', 'c')).toBe(1);
      expect(await r.pfadd('h', 'a', 'b', 'c')).toBe(0);
      expect(await r.pfadd('h', '')).toBe(1);
      expect(await r.pfcount('h')).toBe(4);
      await r.pfadd('{t}1', 'a', 'b', 'c');
      await r.pfadd('{t}2', 'b', 'c', 'd');
      await r.pfadd('{t}3', 'c', 'd', 'e');
      expect(await r.pfmerge('{t}u', '{t}1', '{t}2', '{t}3')).toBe('OK');
      expect(await r.pfcount('{t}u')).toBe(5);
      expect(await r.pfcount('{t}1', '{t}2', '{t}3', '{t}nokey')).toBe(5);
      expect(await r.pfcount('nokey')).toBe(0);
    });

    it('estimates within a few percent across sparse and dense', async () => {
      const els: string[] = [];
      for (let i = 0; i < 50_000; i++) els.push(`element:${i}`);
      for (let i = 0; i < els.length; i += 1000) await r.pfadd('big', ...els.slice(i, i + 1000));
      const est = await r.pfcount('big');
      expect(Math.abs(est - 50_000) / 50_000).toBeLessThan(0.03);
      expect(await r.call('PFDEBUG', 'ENCODING', 'big')).toBe('dense');
    });

    it('PFDEBUG subcommands and errors', async () => {
      await r.pfadd('h', '1', '2', '3');
      expect(await r.call('PFDEBUG', 'DECODE', 'h')).toMatch(/^(Z|z|v):/);
      const regs = (await r.call('PFDEBUG', 'GETREG', 'h')) as number[];
      expect(regs).toHaveLength(16384);
      expect(regs.filter((v) => v > 0).length).toBe(3);
      expect(await r.call('PFDEBUG', 'ENCODING', 'h')).toBe('dense');
      await expect(r.call('PFDEBUG', 'GETREG', 'nokey')).rejects.toThrow('ERR The specified key does not exist');
      await expect(r.call('PFDEBUG', 'FOO', 'h')).rejects.toThrow("ERR Unknown PFDEBUG subcommand 'FOO'");
      await expect(r.call('PFDEBUG', 'GETREG')).rejects.toThrow("ERR wrong number of arguments for 'pfdebug' command");
    });

    it('type errors: a non-string, a string that is not an HLL', async () => {
      await r.set('foo', 'bar');
      await r.sadd('set', 'x');
      await expect(r.pfadd('set', '1')).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
      await expect(r.pfadd('foo', '1')).rejects.toThrow('WRONGTYPE Key is not a valid HyperLogLog string value.');
      await expect(r.pfcount('foo')).rejects.toThrow('WRONGTYPE Key is not a valid HyperLogLog string value.');
      await expect(r.pfmerge('bar', 'foo')).rejects.toThrow('WRONGTYPE Key is not a valid HyperLogLog string value.');
      await expect(r.pfmerge('foo', 'bar')).rejects.toThrow('WRONGTYPE Key is not a valid HyperLogLog string value.');
      await r.set('int', '123');
      await expect(r.pfcount('int')).rejects.toThrow('WRONGTYPE Key is not a valid HyperLogLog string value.');
      // Broken magic, unknown encoding, dense with the wrong length.
      for (const [pos, byte] of [[0, '0123'], [4, 'x'], [4, '\x00']] as const) {
        await r.del('h');
        await r.pfadd('h', 'a', 'b', 'c');
        await r.setrange('h', pos, byte);
        await expect(r.pfcount('h')).rejects.toThrow('WRONGTYPE Key is not a valid HyperLogLog string value.');
      }
      await r.del('h');
      await r.pfadd('h', 'a', 'b', 'c');
      await r.append('h', 'hello');
      await expect(r.pfcount('h')).rejects.toThrow('INVALIDOBJ Corrupted HLL object detected');
    });

    it('the cache byte: valid after PFCOUNT, stale after a change', async () => {
      await r.pfadd('h', 'a', 'b', 'c');
      await r.pfcount('h');
      expect(await r.getrangeBuffer('h', 15, 15)).toEqual(Buffer.from([0]));
      await r.pfadd('h', 'a', 'b', 'c');
      expect(await r.getrangeBuffer('h', 15, 15)).toEqual(Buffer.from([0]));
      await r.pfadd('h', '1', '2', '3');
      expect(await r.getrangeBuffer('h', 15, 15)).toEqual(Buffer.from([0x80]));
    });

    it('fuzzed corruption never breaks the server', async () => {
      let seed = 99 + protocol;
      const rand = (): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed / 4294967296;
      };
      for (let j = 0; j < 200; j++) {
        await r.del('hll');
        const items: string[] = [];
        const n = Math.floor(rand() * 3000);
        for (let i = 0; i < n; i++) items.push(String(rand()));
        await r.pfadd('hll', ...items);
        for (let i = 0; i < 5; i++) {
          const len = await r.strlen('hll');
          await r.setrange('hll', Math.floor(rand() * len), String.fromCharCode(Math.floor(rand() * 256)));
          if (rand() < 0.5) break;
        }
        await r.pfcount('hll').catch((e: Error) => expect(e.message).toMatch(/^(INVALIDOBJ|WRONGTYPE)/));
        await r.pfadd('hll', 'x', 'y').catch((e: Error) => expect(e.message).toMatch(/^(INVALIDOBJ|WRONGTYPE)/));
      }
      expect(await r.ping()).toBe('PONG');
    });
  });
}

describe('PFSELFTEST', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ port: 0, config: { loglevel: 'warning' } });
  });
  afterAll(async () => {
    await s.close();
  });

  it('passes', async () => {
    const r = new Redis({ port: s.port, protocol: 2 });
    try {
      expect(await r.call('PFSELFTEST')).toBe('OK');
    } finally {
      r.disconnect();
    }
  }, 60_000);
});
