import type { RObject } from '../../src/keyspace/object.js';
import { describe, expect, it } from 'vitest';
import { RdbWriter } from '../../src/persistence/rdb/byte-writer.js';
import { RdbEncoder, encodeKeyspace, encodeKeyspaceToBuffer } from '../../src/persistence/rdb/encoder.js';
import { Keyspace } from '../../src/keyspace/db.js';
import { createStringObject } from '../../src/keyspace/types/string.js';
import { Crc64 } from '../../src/util/crc64.js';

/** One key's unit on its own (add, then flush). */
function entry(enc: RdbEncoder, key: string, o: RObject): Buffer {
  enc.add(key, o);
  return enc.flush();
}

function hex(f: (w: RdbWriter) => void, compress = true): string {
  const w = new RdbWriter(compress);
  f(w);
  return w.take().toString('hex');
}

function keyspace(): Keyspace {
  return new Keyspace(16, { expired: () => {} });
}

describe('RdbWriter primitives', () => {
  it('encodes lengths in the 6, 14, 32 and 64-bit forms', () => {
    expect(hex((w) => w.len(0))).toBe('00');
    expect(hex((w) => w.len(63))).toBe('3f');
    expect(hex((w) => w.len(64))).toBe('4040');
    expect(hex((w) => w.len(16383))).toBe('7fff');
    expect(hex((w) => w.len(16384))).toBe('8000004000');
    expect(hex((w) => w.len(0xffffffff))).toBe('80ffffffff');
    expect(hex((w) => w.len(2 ** 32))).toBe('810000000100000000');
  });

  it('encodes integer strings as INT8/16/32 and others verbatim', () => {
    expect(hex((w) => w.rawString('12'))).toBe('c00c');
    expect(hex((w) => w.rawString('-128'))).toBe('c080');
    expect(hex((w) => w.rawString('128'))).toBe('c18000');
    expect(hex((w) => w.rawString('-2147483648'))).toBe('c200000080');
    expect(hex((w) => w.rawString('2147483648'))).toBe('0a32313437343833363438');
    expect(hex((w) => w.rawString('007'))).toBe('03303037');
    expect(hex((w) => w.rawString(''))).toBe('00');
    expect(hex((w) => w.intString(9223372036854775807n))).toBe('13' + Buffer.from('9223372036854775807').toString('hex'));
    expect(hex((w) => w.intString(5))).toBe('c005');
  });

  it('LZF-compresses strings over 20 bytes only when enabled and profitable', () => {
    const s = 'a'.repeat(21);
    expect(hex((w) => w.rawString(s))).toMatch(/^c3/);
    expect(hex((w) => w.rawString(s), false)).toBe('15' + '61'.repeat(21));
    expect(hex((w) => w.rawString('a'.repeat(20)))).toBe('14' + '61'.repeat(20));
    // Incompressible data is stored verbatim.
    const rnd = Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 97 + 13) & 255)).latin1Slice();
    expect(hex((w) => w.rawString(rnd)).slice(0, 2)).toBe('28');
  });

  it('writes times and doubles little endian', () => {
    expect(hex((w) => w.millis(1))).toBe('0100000000000000');
    expect(hex((w) => w.binaryDouble(1.5))).toBe('000000000000f83f');
  });
});

describe('RdbEncoder', () => {
  it('writes the header, databases, keys, EOF and a CRC-64 of everything before it', () => {
    const ks = keyspace();
    ks.dbs[0]!.add('k', createStringObject('v'));
    ks.dbs[2]!.add('n', createStringObject('7'));
    ks.dbs[2]!.setExpire('n', 1700000000123);
    const buf = encodeKeyspaceToBuffer(ks, { ctime: 1700000000, usedMem: 1000 });
    const text = buf.latin1Slice();
    expect(text.startsWith('REDIS0010')).toBe(true);
    expect(text).toContain('\xfa\x09redis-ver\x067.0.15');
    expect(text).toContain('\xfa\x0aredis-bits\xc0\x40');
    expect(text).toContain('\xfa\x05ctime\xc2');
    expect(text).toContain('\xfa\x08used-mem\xc1\xe8\x03');
    expect(text).toContain('\xfa\x08aof-base\xc0\x00');
    expect(text).toContain('\xfe\x00\xfb\x01\x00\x00\x01k\x01v');
    const ms = Buffer.alloc(8);
    ms.writeBigInt64LE(1700000000123n);
    expect(text).toContain('\xfe\x02\xfb\x01\x01\xfc' + ms.latin1Slice() + '\x00\x01n\xc0\x07');
    expect(buf[buf.length - 9]).toBe(0xff);
    const crc = new Crc64().update(buf, 0, buf.length - 8).digestLE();
    expect(buf.subarray(buf.length - 8)).toEqual(crc);
  });

  it('adds the replication aux fields when asked', () => {
    const ID = 'e1c0b3a4f5d6978812ab34cd56ef7890a1b2c3d4';
    const text = encodeKeyspaceToBuffer(keyspace(), {
      repl: { streamDb: 3, replId: ID, offset: 1234 },
    }).latin1Slice();
    expect(text).toContain('\xfa\x0erepl-stream-db\xc0\x03\xfa\x07repl-id\x28' + ID + '\xfa\x0brepl-offset\xc1\xd2\x04\xfa\x08aof-base');
  });

  it('streams chunks: one per unit, or batched to ~64 KB by encodeKeyspace; both make the same file', () => {
    const ks = keyspace();
    const n = 20000;
    for (let i = 0; i < n; i++) ks.dbs[0]!.add(`key:${i}`, createStringObject(`value:${i}`));
    const chunks = encodeKeyspace(ks, { ctime: 1 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks.slice(1, -2)) expect(c.length).toBeGreaterThanOrEqual(64 * 1024);
    const enc = new RdbEncoder({ ctime: 1 });
    const units = [enc.header()];
    enc.openDb(0, n, 0);
    units.push(enc.flush());
    ks.dbs[0]!.dict.forEach((o, k) => units.push(entry(enc, k, o)));
    units.push(enc.trailer());
    expect(units.length).toBe(n + 3);
    expect(enc.keys).toBe(n);
    expect(Buffer.concat(units)).toEqual(Buffer.concat(chunks));
    expect(Buffer.concat(chunks)).toEqual(encodeKeyspaceToBuffer(ks, { ctime: 1 }));
  });

  it('drops a unit that fails half way and keeps the stream consistent', () => {
    const enc = new RdbEncoder({ ctime: 1 });
    enc.header();
    const bad = createStringObject('x');
    (bad as { type: number }).type = 5; // a module value: no encoder
    expect(() => enc.add('k', bad, 123)).toThrow(/not implemented/);
    expect(enc.buffered).toBe(0);
  });

  it('writes IDLE or FREQ before the type byte per the eviction policy', () => {
    const o = createStringObject('v');
    o.lru = 100;
    const lru = entry(new RdbEncoder({ evictionInfo: 'lru', lruClock: 150 }), 'k', o).latin1Slice();
    expect(lru).toBe('\xf8\x32\x00\x01k\x01v');
    const minutes = Math.floor(Date.now() / 60000) & 65535;
    o.lru = (minutes << 8) | 9;
    const lfu = entry(new RdbEncoder({ evictionInfo: 'lfu', nowMs: Date.now(), lfuDecayTime: 1 }), 'k', o).latin1Slice();
    expect(lfu).toBe('\xf9\x09\x00\x01k\x01v');
  });
});
