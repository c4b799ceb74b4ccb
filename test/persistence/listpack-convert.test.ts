// The bulk-load fast path (listpack-convert.ts) must build exactly the nodis listpack the
// general path builds (lpFromValues of the blob's elements), and hand anything it does not
// take on (bad blobs, limits, duplicates, unsorted zsets) back to the general path (null).
import { describe, expect, it } from 'vitest';
import { hashListpackFast, zsetListpackFast } from '../../src/persistence/rdb/listpack-convert.js';
import { listpackFromStrings, ListpackBuilder } from '../../src/persistence/rdb/listpack-bytes.js';
import { listpackElements } from '../../src/persistence/rdb/blob-decoders.js';
import { lpFromValues } from '../../src/ds/listpack.js';
import { rng } from '../helpers/random.js';

const ELEMENTS = ['', 'a', 'field', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(300), '0', '127', '128', '-1', '-4096',
  '4095', '32767', '-32768', '8388607', '2147483647', '-2147483648', '9007199254740993', '-9223372036854775808',
  '9223372036854775807', '007', '+5', '1.5', '\x00\xff\x80'];

/** zzlStrtod as the general path applies it. */
function score(t: string): number {
  const l = t.toLowerCase();
  if (l === 'inf' || l === '+inf') return Infinity;
  if (l === '-inf') return -Infinity;
  return Number(t);
}

describe('hashListpackFast', () => {
  it('equals lpFromValues of the decoded elements', () => {
    const r = rng(1);
    for (let n = 0; n < 500; n++) {
      const pairs = 1 + Math.floor(r() * 20);
      const flat: string[] = [];
      for (let i = 0; i < pairs; i++) {
        flat.push(`f${i}:${ELEMENTS[Math.floor(r() * ELEMENTS.length)]}`, ELEMENTS[Math.floor(r() * ELEMENTS.length)] as string);
      }
      const blob = listpackFromStrings(flat);
      const els = listpackElements(blob, 0);
      expect(hashListpackFast(blob, 1000, 1000)).toBe(lpFromValues(els));
    }
  });

  it('reads a blob inside a bigger buffer (start, stop)', () => {
    const blob = listpackFromStrings(['f', 'v', 'g', '12345']);
    const outer = Buffer.concat([Buffer.from('xyz'), blob, Buffer.from('tail')]);
    expect(hashListpackFast(outer, 128, 64, 3, 3 + blob.length)).toBe(hashListpackFast(blob, 128, 64));
    expect(hashListpackFast(outer, 128, 64, 3, 3 + blob.length)).toBe(lpFromValues(['f', 'v', 'g', '12345']));
    expect(zsetListpackFast(outer, 128, 64, 3, 3 + blob.length)).toBeNull(); // 'v' is no score
    expect(hashListpackFast(outer, 128, 64, 3, 4 + blob.length)).toBeNull(); // wrong extent
  });

  it('returns null for what the general path must handle', () => {
    const ok = listpackFromStrings(['a', '1', 'b', '2']);
    expect(hashListpackFast(ok, 2, 64)).not.toBeNull();
    expect(hashListpackFast(ok, 1, 64)).toBeNull(); // too many entries
    expect(hashListpackFast(listpackFromStrings(['a', 'x'.repeat(65)]), 128, 64)).toBeNull(); // value too long
    expect(hashListpackFast(listpackFromStrings(['a', '1', 'a', '2']), 128, 64)).toBeNull(); // duplicate
    const many: string[] = [];
    for (let i = 0; i < 40; i++) many.push(`k${i % 39}`, 'v');
    expect(hashListpackFast(listpackFromStrings(many), 128, 64)).toBeNull(); // duplicate beyond 16 fields
    expect(hashListpackFast(listpackFromStrings(['a', '1', 'b']), 128, 64)).toBeNull(); // odd count
    expect(hashListpackFast(listpackFromStrings([]), 128, 64)).toBeNull(); // empty
    const bad = Buffer.from(ok);
    bad[bad.length - 1] = 0;
    expect(hashListpackFast(bad, 128, 64)).toBeNull(); // no terminator
    const short = Buffer.from(ok.subarray(0, ok.length - 2));
    short.writeUInt32LE(short.length, 0);
    expect(hashListpackFast(short, 128, 64)).toBeNull(); // truncated entry
    const wrongCount = Buffer.from(ok);
    wrongCount.writeUInt16LE(3, 4);
    expect(hashListpackFast(wrongCount, 128, 64)).toBeNull();
  });
});

describe('zsetListpackFast', () => {
  it('equals the general path for sorted pairs, -0 as 0', () => {
    const r = rng(2);
    const texts = ['0', '-0', '1', '-1', '2.5', '-2.5', '1e300', '0.1', '3.14159', '123456789012345', '1234567890123456',
      'inf', '-inf', '2147483648', '-2147483649', '9007199254740993', '.5', '-.5', '5.', '1e-7', '0.30000000000000004'];
    let fastOnes = 0;
    for (let n = 0; n < 500; n++) {
      const m = 1 + Math.floor(r() * 12);
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < m; i++) pairs.push([`m${Math.floor(r() * 1000)}`, texts[Math.floor(r() * texts.length)] as string]);
      pairs.sort((a, b) => score(a[1]) - score(b[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const seen = new Set<string>();
      const uniq = pairs.filter(([mm, s]) => !seen.has(mm) && !Number.isNaN(score(s)) && seen.add(mm) !== undefined);
      const b = new ListpackBuilder();
      for (const [mm, s] of uniq) {
        b.addString(mm);
        b.addString(s); // canonical integers become integer entries, as Redis stores them
      }
      const blob = b.finish();
      const els = listpackElements(blob, 0);
      const flat: Array<string | number> = [];
      let sorted = true;
      for (let i = 0; i < els.length; i += 2) {
        const sc = score(els[i + 1] as string);
        flat.push(els[i] as string, sc === 0 ? 0 : sc);
        if (i > 0) {
          const ps = flat[i - 1] as number;
          if (ps > sc || (ps === sc && (flat[i - 2] as string) >= (els[i] as string))) sorted = false;
        }
      }
      const got = zsetListpackFast(blob, 1000, 1000);
      if (sorted) expect(got).toBe(lpFromValues(flat));
      else expect(got).toBeNull();
      if (got !== null) fastOnes++;
    }
    expect(fastOnes).toBeGreaterThan(300);
  });

  it('reads long decimal scores (16 to 19 digits, Redis 7.0\'s %.17g) exactly as Number() does', () => {
    const r = rng(3);
    const f = new Float64Array(1);
    const u = new Uint32Array(f.buffer);
    const texts: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      let t: string;
      if (i % 3 === 0) t = (Math.floor(r() * 1e6) / 100 - 3000).toPrecision(17);
      else if (i % 3 === 1) {
        u[0] = Math.floor(r() * 2 ** 32);
        u[1] = Math.floor(r() * 2 ** 32);
        t = f[0]!.toPrecision(17);
      } else {
        let d = '';
        for (let k = 0, n = 16 + Math.floor(r() * 4); k < n; k++) d += Math.floor(r() * 10);
        const dot = Math.floor(r() * (d.length + 1));
        t = (r() < 0.5 ? '-' : '') + (dot === d.length ? d : `${d.slice(0, dot) || '0'}.${d.slice(dot)}`);
      }
      if (/^-?[0-9.]+$/.test(t)) texts.push(t);
    }
    let checked = 0;
    for (const t of texts) {
      const got = zsetListpackFast(listpackFromStrings(['m', t]), 128, 64);
      const v = Number(t);
      expect([t, got]).toEqual([t, lpFromValues(['m', v === 0 ? 0 : v])]);
      checked++;
    }
    expect(checked).toBeGreaterThan(40_000);
  });

  it('returns null for unsorted, duplicate, NaN or oversized input', () => {
    expect(zsetListpackFast(listpackFromStrings(['a', '1', 'b', '2']), 128, 64)).not.toBeNull();
    expect(zsetListpackFast(listpackFromStrings(['a', '2', 'b', '1']), 128, 64)).toBeNull();
    expect(zsetListpackFast(listpackFromStrings(['b', '1', 'a', '1']), 128, 64)).toBeNull();
    expect(zsetListpackFast(listpackFromStrings(['a', '1', 'a', '2']), 128, 64)).toBeNull();
    expect(zsetListpackFast(listpackFromStrings(['a', 'nan']), 128, 64)).toBeNull();
    expect(zsetListpackFast(listpackFromStrings(['a', ' 1']), 128, 64)).toBeNull();
    expect(zsetListpackFast(listpackFromStrings(['a', '1', 'b', '2']), 1, 64)).toBeNull();
    expect(zsetListpackFast(listpackFromStrings(['abc', '1']), 128, 2)).toBeNull();
  });
});

describe('fast path on corrupt blobs', () => {
  it('never accepts a blob the general path refuses, and agrees when both accept', () => {
    const r = rng(3);
    let accepted = 0;
    for (let n = 0; n < 3000; n++) {
      const flat: string[] = [];
      const pairs = 1 + Math.floor(r() * 6);
      for (let i = 0; i < pairs; i++) flat.push(`m${i}`, String(Math.floor(r() * 100000) / 100));
      const blob = Buffer.from(listpackFromStrings(flat));
      const flips = 1 + Math.floor(r() * 3);
      for (let f = 0; f < flips; f++) blob[Math.floor(r() * blob.length)] = Math.floor(r() * 256);
      let els: string[] | null = null;
      try {
        els = listpackElements(blob, 0);
      } catch {
        els = null;
      }
      for (const fast of [hashListpackFast(blob, 1000, 1000), zsetListpackFast(blob, 1000, 1000)]) {
        if (fast === null) continue;
        accepted++;
        expect(els).not.toBeNull();
      }
      const h = hashListpackFast(blob, 1000, 1000);
      if (h !== null && els !== null) expect(h).toBe(lpFromValues(els));
    }
    expect(accepted).toBeGreaterThan(0);
  });
});

