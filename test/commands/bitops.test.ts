// Bitmap family tests.
//
// 1. Handler-level tests with the shared fake context: keyspace events, dirty counts, in-place
//    edits (no copy of the bitmap per SETBIT), the proto-max-bulk-len offset limit.
// 2. Server tests over ioredis in RESP2 and RESP3: replies and Redis's exact errors.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { CALL_FROM_MASTER } from '../../src/commands/context.js';
import { encodingName } from '../../src/keyspace/object.js';
import type { Sds } from '../../src/ds/sds.js';
import { FakeServer } from '../helpers/fake-ctx.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';

const OFFSET_ERR = '-ERR bit offset is not an integer or out of range\r\n';
const TYPE_ERR =
  '-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n';

describe('bitmaps: handler effects', () => {
  let f: FakeServer;
  beforeEach(() => {
    f = new FakeServer();
  });

  it('SETBIT: new key fires new + setbit, an unchanged bit changes nothing, growth counts', () => {
    expect(f.run('SETBIT', 'bm', '7', '1')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:new:bm', '0:setbit:bm']);
    expect(f.effects.dirty).toBe(1);
    expect(f.effects.modified).toEqual(['0:bm']);
    expect(f.run('SETBIT', 'bm', '7', '1')).toBe(':1\r\n');
    expect(f.effects.events).toEqual([]);
    expect(f.effects.dirty).toBe(0);
    // Clearing a bit past the end still grows the value: a change.
    expect(f.run('SETBIT', 'bm', '100', '0')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:setbit:bm']);
    expect(f.effects.dirty).toBe(1);
    expect(f.run('STRLEN', 'bm')).toBe(':13\r\n');
  });

  it('SETBIT edits in place: the value becomes raw once and keeps its buffer', () => {
    f.set('s', 'abc');
    expect(encodingName(f.db().peek('s')!)).toBe('embstr');
    f.run('SETBIT', 's', '0', '1');
    const o = f.db().peek('s')!;
    expect(encodingName(o)).toBe('raw');
    const sds = o.ptr as Sds;
    const buf = sds.buf;
    for (let i = 0; i < 24; i++) f.run('SETBIT', 's', String(i), String(i & 1));
    expect(f.db().peek('s')).toBe(o);
    expect(o.ptr).toBe(sds);
    expect(sds.buf).toBe(buf);
    expect(f.run('GET', 's')).toBe('$3\r\nUUU\r\n');
  });

  it('SETBIT near the end of a 64 MB bitmap costs O(1) per call (no copy)', () => {
    const top = 64 * 1024 * 1024 * 8 - 1;
    f.run('SETBIT', 'big', String(top), '1');
    const sds = f.db().peek('big')!.ptr as Sds;
    const buf = sds.buf;
    expect(sds.len).toBe(64 * 1024 * 1024);
    const t0 = performance.now();
    let x = 12345;
    for (let i = 0; i < 50_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      f.run('SETBIT', 'big', String(top - (x % 1_000_000)), String(i & 1));
    }
    const ms = performance.now() - t0;
    expect(sds.buf).toBe(buf);
    // A copy of 64 MB per call would take hours; 50k in-place edits take well under a second.
    expect(ms).toBeLessThan(5000);
    expect(f.run('GETBIT', 'big', String(top))).toMatch(/^:[01]\r\n$/);
  });

  it('offsets are limited by proto-max-bulk-len, except for the master', () => {
    f.config.set('proto-max-bulk-len', '1024');
    expect(f.run('SETBIT', 'k', '8192', '1')).toBe(OFFSET_ERR);
    expect(f.run('GETBIT', 'k', '8192')).toBe(OFFSET_ERR);
    expect(f.run('BITFIELD', 'k', 'GET', 'u8', '#1024')).toBe(OFFSET_ERR);
    expect(f.run('SETBIT', 'k', '8191', '1')).toBe(':0\r\n');
    expect(f.run('BITFIELD', 'k', 'GET', 'u8', '#1023')).toBe('*1\r\n:1\r\n');
    f.callFlags = CALL_FROM_MASTER;
    expect(f.run('SETBIT', 'k', '8192', '1')).toBe(':0\r\n');
    expect(f.run('STRLEN', 'k')).toBe(':1025\r\n');
  });

  it('BITOP: set (with new) on the destination, del when the result is empty', () => {
    f.set('a', 'ab');
    f.set('d', 'x');
    expect(f.run('BITOP', 'OR', 'dest', 'a', 'missing')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:missing', '0:new:dest', '0:set:dest']);
    expect(f.effects.dirty).toBe(1);
    expect(encodingName(f.db().peek('dest')!)).toBe('raw');
    expect(f.run('BITOP', 'AND', 'd', 'missing', 'none')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:missing', '0:keymiss:none', '0:del:d']);
    expect(f.effects.dirty).toBe(1);
    expect(f.run('EXISTS', 'd')).toBe(':0\r\n');
    expect(f.run('BITOP', 'AND', 'd', 'missing')).toBe(':0\r\n');
    expect(f.effects.dirty).toBe(0);
  });

  it('BITOP clears the destination TTL', () => {
    f.set('a', 'ab');
    f.set('dest', 'old');
    f.db().setExpire('dest', f.ks.now + 100_000);
    f.run('BITOP', 'NOT', 'dest', 'a');
    expect(f.db().getExpire('dest')).toBe(-1);
    expect(f.run('GET', 'dest')).toBe('$2\r\n\x9e\x9d\r\n');
  });

  it('BITFIELD: one setbit event, dirty counts changed fields; FAIL and no-ops change nothing', () => {
    expect(f.run('BITFIELD', 'k', 'SET', 'u8', '0', '5', 'SET', 'u8', '8', '0', 'GET', 'u8', '0')).toBe(
      '*3\r\n:0\r\n:0\r\n:5\r\n');
    expect(f.effects.events).toEqual(['0:new:k', '0:setbit:k']);
    expect(f.effects.dirty).toBe(2); // both fields count: the value grew
    expect(f.run('BITFIELD', 'k', 'SET', 'u8', '0', '5')).toBe('*1\r\n:5\r\n');
    expect(f.effects.events).toEqual([]);
    expect(f.effects.dirty).toBe(0);
    expect(f.run('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '300')).toBe('*1\r\n$-1\r\n');
    expect(f.effects.dirty).toBe(0);
    expect(f.run('BITFIELD', 'k', 'INCRBY', 'u8', '0', '1', 'INCRBY', 'u8', '0', '1')).toBe('*2\r\n:6\r\n:7\r\n');
    expect(f.effects.events).toEqual(['0:setbit:k']);
    expect(f.effects.dirty).toBe(2);
  });

  it('BITFIELD_RO reads and refuses writes after parsing everything', () => {
    f.set('k', '\xff');
    expect(f.run('BITFIELD_RO', 'k', 'GET', 'i8', '0', 'GET', 'u4', '#1')).toBe('*2\r\n:-1\r\n:15\r\n');
    expect(f.run('BITFIELD_RO', 'k', 'SET', 'u8', '0', '1')).toBe('-ERR BITFIELD_RO only supports the GET subcommand\r\n');
    expect(f.run('BITFIELD_RO', 'k', 'SET', 'u64', '0', '1')).toBe(TYPE_ERR);
    expect(f.run('BITFIELD_RO', 'missing')).toBe('*0\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:missing']);
  });
});

for (const protocol of [2, 3] as const) {
  describe(`bitmaps over ioredis (RESP${protocol})`, () => {
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

    it('SETBIT / GETBIT, integer-encoded values read as their text', async () => {
      expect(await r.setbit('k', 1, 1)).toBe(0);
      expect(await r.setbit('k', 1, 0)).toBe(1);
      expect(await r.getbit('k', 1)).toBe(0);
      expect(await r.getbit('nokey', 100)).toBe(0);
      await r.set('n', '1'); // '1' = 0x31
      const bits = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => r.getbit('n', i)));
      expect(bits.join('')).toBe('00110001');
      expect(await r.setbit('n', 6, 1)).toBe(0);
      expect(await r.get('n')).toBe('3');
      expect(await r.object('ENCODING', 'n')).toBe('raw');
      await expect(r.setbit('k', 0, 2)).rejects.toThrow('ERR bit is not an integer or out of range');
      await expect(r.setbit('k', -1, 1)).rejects.toThrow('ERR bit offset is not an integer or out of range');
      await expect(r.setbit('k', 4294967296, 1)).rejects.toThrow('ERR bit offset is not an integer or out of range');
      await r.sadd('set', 'x');
      await expect(r.setbit('set', 0, 1)).rejects.toThrow(/^WRONGTYPE/);
      await expect(r.getbit('set', 0)).rejects.toThrow(/^WRONGTYPE/);
    });

    it('BITCOUNT with BYTE and BIT ranges', async () => {
      await r.set('s', 'foobar');
      expect(await r.bitcount('s')).toBe(26);
      expect(await r.bitcount('s', 0, 0)).toBe(4);
      expect(await r.bitcount('s', 1, 1)).toBe(6);
      expect(await r.bitcount('s', 1, 1, 'BYTE')).toBe(6);
      expect(await r.bitcount('s', 5, 30, 'BIT')).toBe(17);
      expect(await r.bitcount('s', -2, -1)).toBe(7);
      expect(await r.bitcount('s', -1, -2)).toBe(0);
      expect(await r.bitcount('s', 100, 200)).toBe(0);
      expect(await r.bitcount('nokey', 0, 'x' as unknown as number)).toBe(0);
      await expect(r.call('BITCOUNT', 's', '0')).rejects.toThrow('ERR syntax error');
      await expect(r.call('BITCOUNT', 's', '0', '1', 'BITS')).rejects.toThrow('ERR syntax error');
      await expect(r.call('BITCOUNT', 's', 'a', '1')).rejects.toThrow('ERR value is not an integer or out of range');
      // Start after end with both negative short-circuits before the unit is checked.
      expect(await r.call('BITCOUNT', 's', '-1', '-5', 'FOO')).toBe(0);
    });

    it('BITPOS: BYTE and BIT ranges and the end-given rule for clear bits', async () => {
      await r.set('s', Buffer.from([0xff, 0xf0, 0x00]));
      expect(await r.bitpos('s', 0)).toBe(12);
      expect(await r.bitpos('s', 1, 2)).toBe(-1);
      expect(await r.bitpos('s', 1, 1, -1, 'BYTE')).toBe(8);
      expect(await r.bitpos('s', 1, 7, 15, 'BIT')).toBe(7);
      expect(await r.bitpos('s', 0, 7, 15, 'BIT')).toBe(12);
      await r.set('ones', Buffer.from([0xff, 0xff]));
      expect(await r.bitpos('ones', 0)).toBe(16); // no end: zero padding on the right
      expect(await r.bitpos('ones', 0, 0)).toBe(16);
      expect(await r.bitpos('ones', 0, 0, -1)).toBe(-1); // end given: no clear bit in range
      expect(await r.bitpos('nokey', 0)).toBe(0);
      expect(await r.bitpos('nokey', 1)).toBe(-1);
      await expect(r.call('BITPOS', 's', '2')).rejects.toThrow('ERR The bit argument must be 1 or 0.');
      await expect(r.call('BITPOS', 's', '1', '0', '1', 'bits')).rejects.toThrow('ERR syntax error');
      await expect(r.call('BITPOS', 's', '1', '0', '1', 'BIT', 'x')).rejects.toThrow('ERR syntax error');
    });

    it('BITOP AND / OR / XOR / NOT with zero padding and errors', async () => {
      await r.set('a', Buffer.from([0xff, 0x0f]));
      await r.set('b', Buffer.from([0x0f]));
      expect(await r.bitop('AND', 'd', 'a', 'b')).toBe(2);
      expect(await r.getBuffer('d')).toEqual(Buffer.from([0x0f, 0x00]));
      expect(await r.bitop('OR', 'd', 'a', 'b')).toBe(2);
      expect(await r.getBuffer('d')).toEqual(Buffer.from([0xff, 0x0f]));
      expect(await r.bitop('XOR', 'd', 'a', 'b', 'nokey')).toBe(2);
      expect(await r.getBuffer('d')).toEqual(Buffer.from([0xf0, 0x0f]));
      expect(await r.bitop('NOT', 'd', 'a')).toBe(2);
      expect(await r.getBuffer('d')).toEqual(Buffer.from([0x00, 0xf0]));
      await expect(r.bitop('NOT', 'd', 'a', 'b')).rejects.toThrow('ERR BITOP NOT must be called with a single source key.');
      await expect(r.call('BITOP', 'NAND', 'd', 'a')).rejects.toThrow('ERR syntax error');
      await r.sadd('set', 'x');
      await expect(r.bitop('OR', 'd', 'a', 'set')).rejects.toThrow(/^WRONGTYPE/);
      // A big bitmap goes through the word loops.
      const big = Buffer.alloc(100_003, 0xaa);
      await r.set('x', big);
      await r.set('y', Buffer.alloc(70_001, 0x0f));
      expect(await r.bitop('AND', 'z', 'x', 'y')).toBe(100_003);
      const z = (await r.getBuffer('z')) as Buffer;
      expect(z[0]).toBe(0x0a);
      expect(z[70_000]).toBe(0x0a);
      expect(z[70_001]).toBe(0);
      expect(await r.bitcount('z')).toBe(70_001 * 2);
    });

    it('BITFIELD: signed and unsigned fields, # offsets, overflow modes, errors', async () => {
      const bf = (...a: (string | number)[]): Promise<unknown> => r.call('BITFIELD', 'k', ...a.map(String));
      expect(await bf('SET', 'i8', 0, -100, 'GET', 'i8', 0, 'GET', 'u8', 0)).toEqual([0, -100, 156]);
      expect(await bf('SET', 'u4', '#1', 15, 'GET', 'u4', '#1')).toEqual([12, 15]);
      expect(await bf('OVERFLOW', 'SAT', 'INCRBY', 'u8', 0, 500, 'OVERFLOW', 'WRAP', 'INCRBY', 'u8', 0, 2)).toEqual([255, 1]);
      expect(await bf('OVERFLOW', 'FAIL', 'INCRBY', 'i8', 0, 200)).toEqual([null]);
      expect(await bf('SET', 'i64', 0, '-9223372036854775808', 'INCRBY', 'i64', 0, '-1')).toEqual([
        expect.any(Number), 9223372036854775807,
      ]);
      expect(await r.call('BITFIELD', 'k', 'GET', 'i64', '0', 'GET', 'u63', '1', 'GET', 'i2', '0')).toEqual([
        9223372036854775807, 9223372036854775807, 1,
      ]);
      await expect(r.call('BITFIELD', 'k', 'GET', 'u64', '0')).rejects.toThrow(TYPE_ERR.slice(1, -2));
      await expect(r.call('BITFIELD', 'k', 'GET', 'i65', '0')).rejects.toThrow('ERR Invalid bitfield type');
      await expect(r.call('BITFIELD', 'k', 'GET', 'i8', '-1')).rejects.toThrow('ERR bit offset is not an integer or out of range');
      await expect(r.call('BITFIELD', 'k', 'OVERFLOW', 'X', 'GET', 'i8', '0')).rejects.toThrow('ERR Invalid OVERFLOW type specified');
      await expect(r.call('BITFIELD', 'k', 'SET', 'i8', '0')).rejects.toThrow('ERR syntax error');
      await expect(r.call('BITFIELD', 'k', 'SET', 'i8', '0', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
      expect(await r.call('BITFIELD', 'k')).toEqual([]);
      await expect(r.call('BITFIELD_RO', 'k', 'INCRBY', 'u2', '0', '1')).rejects.toThrow('ERR BITFIELD_RO only supports the GET subcommand');
    });

    it('COMMAND GETKEYSANDFLAGS gives BITFIELD RO flags when it only reads', async () => {
      expect(await r.call('COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8', '0')).toEqual([['k', ['RO', 'access']]]);
      expect(await r.call('COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8', '0', 'SET', 'u8', '0', '1')).toEqual([
        ['k', ['RW', 'access', 'update']],
      ]);
    });
  });
}

describe('bitmaps: raw replies', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ port: 0, config: { loglevel: 'warning' } });
  });
  afterAll(async () => {
    await s.close();
  });

  it('BITFIELD FAIL is a null bulk in RESP2 and a null in RESP3', async () => {
    const c = await RawClient.connect(s.port);
    try {
      const argv = ['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '7'];
      expect(await c.call(...argv)).toBe('*1\r\n$-1\r\n');
      await c.call('HELLO', '3');
      expect(await c.call(...argv)).toBe('*1\r\n_\r\n');
      expect(await c.call('BITFIELD', 'k', 'GET', 'u8', 'x')).toBe(OFFSET_ERR);
    } finally {
      c.close();
    }
  });
});

describe('bitmaps: exact 64-bit replies', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ port: 0, config: { loglevel: 'warning' } });
  });
  afterAll(async () => {
    await s.close();
  });

  it('i64 / u63 fields reply with every digit', async () => {
    const c = await RawClient.connect(s.port);
    try {
      expect(await c.call('BITFIELD', 'k', 'SET', 'i64', '0', '-9223372036854775807', 'INCRBY', 'i64', '0', '-1')).toBe(
        '*2\r\n:0\r\n:-9223372036854775808\r\n');
      expect(await c.call('BITFIELD', 'k', 'OVERFLOW', 'WRAP', 'INCRBY', 'i64', '0', '-1')).toBe('*1\r\n:9223372036854775807\r\n');
      expect(await c.call('BITFIELD', 'k', 'GET', 'u63', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'u63', '1', '5')).toBe(
        '*2\r\n:9223372036854775807\r\n:9223372036854775807\r\n');
      expect(await c.call('BITFIELD', 'k', 'SET', 'u63', '1', '-1', 'GET', 'u63', '1')).toBe(
        '*2\r\n:9223372036854775807\r\n:9223372036854775807\r\n');
    } finally {
      c.close();
    }
  });
});
