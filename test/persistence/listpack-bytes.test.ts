import { describe, expect, it } from 'vitest';
import { ListpackBuilder, listpackFromStrings, listpackInt } from '../../src/persistence/rdb/listpack-bytes.js';

describe('Redis-format listpack bytes', () => {
  it('matches the listpack Redis 7.0.15 builds for RPUSH l a 1 -1 5000 -5000 70000 hello 4294967296', () => {
    // From DUMP l on redis-server 7.0.15 (rdbcompression no): the node's listpack.
    const expected = '2d00000008008161020101dfff02f1881303f178ec03f2701101048568656c6c6f06f4000000000100000009ff';
    const lp = listpackFromStrings(['a', '1', '-1', '5000', '-5000', '70000', 'hello', '4294967296']);
    expect(lp.toString('hex')).toBe(expected);
  });

  it('parses integers with lpStringToInt64 rules', () => {
    expect(listpackInt('0')).toBe(0);
    expect(listpackInt('-0')).toBeNull();
    expect(listpackInt('01')).toBeNull();
    expect(listpackInt('+1')).toBeNull();
    expect(listpackInt(' 1')).toBeNull();
    expect(listpackInt('9223372036854775807')).toBe(9223372036854775807n);
    expect(listpackInt('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(listpackInt('9223372036854775808')).toBeNull();
    expect(listpackInt('')).toBeNull();
  });

  it('uses each integer width at its boundaries', () => {
    const cases: Array<[number | bigint, string]> = [
      [0, '00'], [127, '7f'], [128, 'c080'], [-1, 'dfff'], [4095, 'cfff'], [-4096, 'd000'],
      [4096, 'f10010'], [-32768, 'f10080'], [32768, 'f2008000'], [-8388608, 'f2000080'],
      [8388608, 'f300008000'], [-2147483648, 'f300000080'], [2147483648, 'f40000008000000000'],
      [-9223372036854775808n, 'f40000000000000080'],
    ];
    for (const [v, enc] of cases) {
      const lp = new ListpackBuilder().addInteger(v).finish();
      const entry = lp.subarray(6, lp.length - 1).toString('hex');
      const size = enc.length / 2;
      expect(entry, String(v)).toBe(enc + size.toString(16).padStart(2, '0'));
    }
  });

  it('encodes string headers and multi-byte backlens', () => {
    const s63 = 'x'.repeat(63);
    const s64 = 'x'.repeat(64);
    const s4096 = 'y'.repeat(4096);
    const lp = listpackFromStrings([s63, s64, s4096]);
    let p = 6;
    expect(lp[p]).toBe(0x80 | 63);
    p += 1 + 63;
    expect(lp[p]).toBe(64); // backlen of a 64-byte entry: one byte
    p += 1;
    expect(lp[p]).toBe(0xe0);
    expect(lp[p + 1]).toBe(64);
    p += 2 + 64;
    // backlen of 66 bytes: one byte
    expect(lp[p]).toBe(66);
    p += 1;
    expect(lp[p]).toBe(0xf0);
    expect(lp.readUInt32LE(p + 1)).toBe(4096);
    p += 5 + 4096;
    // backlen of 4101 = 0b0100000_0000101: two bytes, high group first
    expect([lp[p], lp[p + 1]]).toEqual([4101 >> 7, (4101 & 127) | 128]);
    p += 2;
    expect(lp[p]).toBe(0xff);
    expect(p + 1).toBe(lp.length);
    expect(lp.readUInt32LE(0)).toBe(lp.length);
    expect(lp.readUInt16LE(4)).toBe(3);
  });

  it('writes 65535 as the count of a listpack with that many entries or more', () => {
    const values = Array.from({ length: 70000 }, (_, i) => String(i % 100));
    const lp = listpackFromStrings(values);
    expect(lp.readUInt16LE(4)).toBe(65535);
    expect(listpackFromStrings(values, 0, 65534).readUInt16LE(4)).toBe(65534);
  });
});
