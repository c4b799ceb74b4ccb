import { describe, expect, it } from 'vitest';
import { CLUSTER_SLOTS, crc16, crc16Bytes, keyHashSlot } from '../../src/util/crc16.js';

describe('crc16 (XMODEM)', () => {
  it('standard check value', () => {
    expect(crc16('123456789')).toBe(0x31c3);
    expect(crc16Bytes(Buffer.from('123456789'))).toBe(0x31c3);
  });

  it('empty input and sub-ranges', () => {
    expect(crc16('')).toBe(0);
    expect(crc16('xx123456789yy', 2, 11)).toBe(0x31c3);
  });

  it('matches a bit-by-bit implementation on binary data', () => {
    const slow = (s: string): number => {
      let crc = 0;
      for (let i = 0; i < s.length; i++) {
        crc ^= s.charCodeAt(i) << 8;
        for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
      }
      return crc;
    };
    let s = '';
    for (let i = 0; i < 600; i++) {
      s += String.fromCharCode((i * 167 + 13) & 0xff);
      expect(crc16(s)).toBe(slow(s));
    }
    expect(crc16Bytes(Buffer.from(s, 'latin1'))).toBe(slow(s));
  });
});

describe('keyHashSlot', () => {
  // Values from CLUSTER KEYSLOT on a cluster-enabled redis-server 7.0.15.
  const cases: Array<[string, number]> = [
    ['foo', 12182],
    ['bar', 5061],
    ['{user1000}.following', 3443],
    ['{user1000}.followers', 3443],
    ['foo{}{bar}', 8363],
    ['foo{{bar}}zap', 4015],
    ['foo{bar}{zap}', 5061],
    ['{}', 15257],
    ['{', 4092],
    ['}', 12090],
    ['{a', 10276],
    ['a{b}c', 3300],
    ['', 0],
    ['123456789', 12739],
    ['hello world', 15332],
    ['{{}}', 4092],
    ['x{}y{z}', 15453],
    ['\xff\x80{\xfe}', 3793],
  ];

  it('matches CLUSTER KEYSLOT', () => {
    for (const [k, slot] of cases) expect(keyHashSlot(k), JSON.stringify(k)).toBe(slot);
  });

  it('hash tags: first { and the first } after it, non-empty', () => {
    expect(keyHashSlot('{user}:1')).toBe(keyHashSlot('user'));
    expect(keyHashSlot('a{user}b{c}')).toBe(keyHashSlot('user'));
    expect(keyHashSlot('{{user}}')).toBe(keyHashSlot('{user'));
    expect(keyHashSlot('a{}b')).toBe(crc16('a{}b') & 0x3fff);
    expect(keyHashSlot('a}b{c')).toBe(crc16('a}b{c') & 0x3fff);
  });

  it('always lands in range', () => {
    for (let i = 0; i < 5000; i++) {
      const slot = keyHashSlot(`key:${i}`);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBeLessThan(CLUSTER_SLOTS);
    }
  });
});
