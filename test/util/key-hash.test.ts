import { describe, expect, it } from 'vitest';
import { hashBytes, hashString, keyHash, noteKeyBytes } from '../../src/util/key-hash.js';

function randomLatin1(n: number, seed: number): string {
  let x = seed;
  let s = '';
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += String.fromCharCode(x >>> 24);
  }
  return s;
}

describe('key hash', () => {
  it('hashes a string and its latin1 bytes alike, at short and long lengths', () => {
    for (const n of [0, 1, 2, 7, 16, 63, 64, 65, 127, 128, 129, 200, 1000]) {
      const s = randomLatin1(n, n + 1);
      const b = Buffer.concat([Buffer.from('xyz'), Buffer.from(s, 'latin1'), Buffer.from('!')]);
      expect(hashBytes(b, 3, n)).toBe(hashString(s));
    }
  });

  it('is deterministic and spreads similar keys over the low bits (the bucket index)', () => {
    const buckets = new Array<number>(256).fill(0);
    const n = 256 * 200;
    for (let i = 0; i < n; i++) buckets[hashString('key:' + String(i).padStart(12, '0')) & 255]!++;
    // expected 200 per bucket, sd ~14: stay well within 5 sd
    expect(Math.min(...buckets)).toBeGreaterThan(130);
    expect(Math.max(...buckets)).toBeLessThan(270);
  });

  it('long keys hash every byte, the middle included', () => {
    const mid = 'm'.repeat(300);
    expect(hashString('a' + mid + 'b')).not.toBe(hashString('a' + mid + 'c'));
    expect(hashString('a' + mid + 'b')).not.toBe(hashString('a' + mid + 'xb'));
    const at = (c: string): string => 'q' + mid.slice(0, 100) + c + mid.slice(100);
    expect(hashString(at('1'))).not.toBe(hashString(at('2')));
    const b1 = Buffer.from(at('1'), 'latin1');
    const b2 = Buffer.from(at('2'), 'latin1');
    expect(hashBytes(b1, 0, b1.length)).not.toBe(hashBytes(b2, 0, b2.length));
    // keys of one length differing only in the middle spread over the low bits
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(hashString('k'.repeat(90) + String(i).padStart(4, '0') + 'k'.repeat(90)) & 1023);
    expect(seen.size).toBeGreaterThan(500);
  });

  it('keyHash equals hashString whatever the memo holds', () => {
    const keys = ['a', 'b', 'a', 'key:1', 'key:2', 'key:1', 'x'.repeat(500), 'x'.repeat(500), ''];
    for (const k of keys) expect(keyHash(k)).toBe(hashString(k));
    // an equal string that is a different object hits the memo with the right value
    const k1 = ['ke', 'y:1'].join('');
    keyHash('key:1');
    expect(keyHash(k1)).toBe(hashString('key:1'));
  });

  it('a hash noted from bytes is what keyHash returns for that key, until another key is hashed', () => {
    const b = Buffer.from('**session:42**', 'latin1');
    const key = b.latin1Slice(2, 12);
    noteKeyBytes(key, b, 2);
    expect(keyHash(key)).toBe(hashString('session:42'));
    expect(keyHash('other')).toBe(hashString('other'));
    expect(keyHash(key)).toBe(hashString('session:42'));
  });
});
