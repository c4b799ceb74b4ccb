import { describe, expect, it } from 'vitest';
import {
  ID_MAX, U64_MAX, compareIds, decrId, formatId, idFromKey, idKey, incrId, parseU64, u64Add, u64Inc, u64Sub,
  wrappedDelta,
} from '../../src/ds/stream-id.js';

describe('stream IDs', () => {
  it('parses like string2ull (strict first, then strtoull)', () => {
    expect(parseU64('0')).toBe(0);
    expect(parseU64('123')).toBe(123);
    expect(parseU64('18446744073709551615')).toBe(U64_MAX);
    expect(parseU64('18446744073709551616')).toBeNull();
    expect(parseU64('9007199254740991')).toBe(9007199254740991);
    expect(parseU64('9007199254740992')).toBe(9007199254740992n);
    expect(parseU64('-1')).toBeNull(); // strict parse succeeds with a negative value: rejected
    expect(parseU64('-01')).toBe(U64_MAX); // strtoull negates modulo 2^64
    expect(parseU64('+5')).toBe(5);
    expect(parseU64(' 5')).toBe(5);
    expect(parseU64('007')).toBe(7);
    expect(parseU64('5 ')).toBeNull();
    expect(parseU64('')).toBeNull();
    expect(parseU64('+')).toBeNull();
    expect(parseU64('1e3')).toBeNull();
  });

  it('keeps numbers up to 2^53-1 and bigints above, canonically', () => {
    expect(u64Inc(Number.MAX_SAFE_INTEGER)).toBe(9007199254740992n);
    expect(u64Inc(U64_MAX)).toBe(0);
    expect(u64Add(Number.MAX_SAFE_INTEGER, 2)).toBe(9007199254740993n);
    expect(u64Sub(9007199254740993n, 2n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(wrappedDelta(0, 1)).toBe(-1);
    expect(wrappedDelta(U64_MAX, 0)).toBe(-1);
    expect(wrappedDelta(0, U64_MAX)).toBe(1);
  });

  it('increments and decrements across the seq boundary', () => {
    expect(incrId({ ms: 1, seq: U64_MAX })).toEqual({ ms: 2, seq: 0 });
    expect(incrId(ID_MAX)).toBeNull();
    expect(decrId({ ms: 2, seq: 0 })).toEqual({ ms: 1, seq: U64_MAX });
    expect(decrId({ ms: 0, seq: 0 })).toBeNull();
    expect(formatId({ ms: 1, seq: U64_MAX })).toBe('1-18446744073709551615');
  });

  it('sort keys order like the IDs and round-trip', () => {
    const ids = [
      { ms: 0, seq: 0 }, { ms: 0, seq: 1 }, { ms: 1, seq: 0 }, { ms: 4294967295, seq: 7 }, { ms: 4294967296, seq: 0 },
      { ms: Number.MAX_SAFE_INTEGER, seq: U64_MAX }, { ms: 9007199254740992n, seq: 0 }, { ms: U64_MAX, seq: U64_MAX },
    ];
    for (let i = 0; i < ids.length; i++) {
      const a = ids[i]!;
      expect(idFromKey(idKey(a.ms, a.seq))).toEqual(a);
      for (let j = 0; j < ids.length; j++) {
        const b = ids[j]!;
        const ka = idKey(a.ms, a.seq);
        const kb = idKey(b.ms, b.seq);
        expect(Math.sign(ka < kb ? -1 : ka > kb ? 1 : 0)).toBe(compareIds(a, b));
      }
    }
  });
});
