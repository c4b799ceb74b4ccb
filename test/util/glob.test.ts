import { describe, expect, it } from 'vitest';
import { stringMatch } from '../../src/util/glob.js';

describe('stringMatch', () => {
  // [pattern, subject, nocase, expected]; expected values come from Redis
  // 7.0.15's stringmatchlen compiled with gcc on x86-64 (glibc, C locale).
  const table: Array<[string, string, boolean, boolean]> = [
    ['*', '', false, false],
    ['', '', false, true],
    ['?', '', false, false],
    ['*', 'a', false, true],
    ['**', 'a', false, true],
    ['a*', 'a', false, true],
    ['a*b', 'ab', false, true],
    ['a*b', 'axxb', false, true],
    ['a*b', 'axxbc', false, false],
    ['a?c', 'abc', false, true],
    ['a?c', 'ac', false, false],
    ['[abc]', 'b', false, true],
    ['[abc]', 'd', false, false],
    ['[^abc]', 'd', false, true],
    ['[^abc]', 'a', false, false],
    ['[a-c]', 'b', false, true],
    ['[c-a]', 'b', false, true],
    ['[a-c]', 'd', false, false],
    ['[a-]', 'b', false, false],
    ['[a-]', ']', false, true],
    ['[a-]', '^', false, true],
    ['[a-]', '-', false, false],
    ['[', '[', false, false],
    ['[', 'a', false, false],
    ['[abc', 'c', false, true],
    ['[abc', '[', false, false],
    ['[^', 'x', false, true],
    ['[^', '[', false, true],
    ['[]', 'a', false, false],
    ['[^]', 'a', false, true],
    ['[]]', ']', false, false],
    ['[]a]', ']', false, false],
    ['[\\]]', ']', false, true],
    ['[\\]', ']', false, true],
    ['[\\', '\\', false, true],
    ['\\*', '*', false, true],
    ['\\*', 'a', false, false],
    ['\\', '\\', false, true],
    ['a\\', 'a\\', false, true],
    ['\\?', '?', false, true],
    ['\\a', 'a', false, true],
    ['[\\-]', '-', false, true],
    ['[a\\-z]', 'b', false, false],
    ['[a\\-z]', '-', false, true],
    ['h?llo', 'hello', false, true],
    ['h*llo', 'heeeello', false, true],
    ['h[ae]llo', 'hallo', false, true],
    ['h[^e]llo', 'hello', false, false],
    ['h[a-b]llo', 'hbllo', false, true],
    ['*a*', 'bab', false, true],
    ['*a*', 'bbb', false, false],
    ['a*a*a*b', 'aaaaaab', false, true],
    ['a*a*a*b', 'aaaaaa', false, false],
    ['*?', 'a', false, true],
    ['*?', '', false, false],
    ['?*', 'a', false, true],
    ['*[', '', false, false],
    ['*?*?*?', 'ab', false, false],
    ['*?*?*?', 'abc', false, true],
    ['a**', 'a', false, true],
    ['a**b', 'ab', false, true],
    ['user:*:name', 'user:1000:name', false, true],
    ['user:*:name', 'user:1000:email', false, false],
    ['HELLO', 'hello', true, true],
    ['H[A-Z]LLO', 'hello', true, true],
    ['h[a-z]llo', 'HELLO', true, true],
    ['[A-z]', '_', false, true],
    ['[A-z]', '_', true, false],
    ['[a-Z]', '_', true, false],
    ['[\\A]', 'a', true, false],
    ['[^\\A]', 'a', true, true],
    ['[a-\x80]', 'b', false, false],
    ['[a-\x80]', '\x90', false, true],
    ['[\x80-\xff]', '\x90', false, true],
    ['[\x80-\xff]', 'a', false, false],
    ['[\x00-\x7f]', '\x80', false, false],
    ['[\x01-\xff]', 'a', false, false],
    ['[\x01-\xfe]', 'a', true, false],
    ['[\xfe-\x01]', '\xff', true, false],
    ['[\xfe-\x01]', '\xfe', true, false],
    ['[\xfe-\x01]', '\xfe', false, true],
    ['\x00*', '\x00abc', false, true],
    ['*\x00', 'ab\x00', false, true],
    ['a\x00b', 'a\x00b', false, true],
    ['a?b', 'a\x00b', false, true],
  ];

  it('agrees with Redis stringmatchlen on the reference table', () => {
    for (const [p, s, nocase, expected] of table) {
      expect(stringMatch(p, s, nocase), `${JSON.stringify(p)} ~ ${JSON.stringify(s)} nocase=${nocase}`).toBe(expected);
    }
  });

  it('basic wildcards', () => {
    expect(stringMatch('*', 'anything')).toBe(true);
    expect(stringMatch('foo*', 'foobar')).toBe(true);
    expect(stringMatch('foo*', 'fo')).toBe(false);
    expect(stringMatch('*bar', 'foobar')).toBe(true);
    expect(stringMatch('f?o', 'foo')).toBe(true);
    expect(stringMatch('f?o', 'fooo')).toBe(false);
    expect(stringMatch('key:[0-9]', 'key:7')).toBe(true);
    expect(stringMatch('key:[0-9]', 'key:x')).toBe(false);
  });

  it('an empty subject only matches the empty pattern', () => {
    expect(stringMatch('', '')).toBe(true);
    expect(stringMatch('*', '')).toBe(false);
    expect(stringMatch('**', '')).toBe(false);
    expect(stringMatch('', 'a')).toBe(false);
  });

  it('unterminated sets and escapes follow Redis', () => {
    expect(stringMatch('[abc', 'b')).toBe(true);
    expect(stringMatch('[', '[')).toBe(false);
    expect(stringMatch('[^', 'q')).toBe(true);
    expect(stringMatch('a[', 'a')).toBe(false);
    expect(stringMatch('\\', '\\')).toBe(true);
    expect(stringMatch('[a-]', ']')).toBe(true); // range ']'..'a'
    expect(stringMatch('[a-]', '-')).toBe(false);
    expect(stringMatch('[z-a]', 'm')).toBe(true);
    expect(stringMatch('x\\*y', 'x*y')).toBe(true);
    expect(stringMatch('x\\*y', 'xzy')).toBe(false);
  });

  it('nocase folds ASCII letters only, and not escaped set members', () => {
    expect(stringMatch('MAXMEMORY*', 'maxmemory-policy', true)).toBe(true);
    expect(stringMatch('MAXMEMORY*', 'maxmemory-policy', false)).toBe(false);
    expect(stringMatch('[\\M]', 'm', true)).toBe(false);
    expect(stringMatch('[M]', 'm', true)).toBe(true);
    expect(stringMatch('\xc0', '\xe0', true)).toBe(false);
  });

  it('ranges compare bytes as signed chars (x86-64)', () => {
    expect(stringMatch('[a-\x80]', 'b')).toBe(false); // -128..97
    expect(stringMatch('[a-\x80]', '\x90')).toBe(true); // verified with KEYS on redis-server
    expect(stringMatch('[\x00-\x7f]', '\xff')).toBe(false);
  });

  it('is binary safe', () => {
    expect(stringMatch('a\x00*', 'a\x00\xff\xfe')).toBe(true);
    expect(stringMatch('a\x00*', 'a\x01')).toBe(false);
  });

  it('agrees with a brute-force matcher on random inputs', () => {
    // Reference: exhaustive memoised matcher for the unambiguous subset
    // (*, ?, literals, [..] sets without escapes/ranges), where Redis's
    // answer is the usual "some split matches" semantics (non-empty subject).
    const ref = (p: string, s: string): boolean => {
      const memo = new Map<number, boolean>();
      const go = (i: number, j: number): boolean => {
        const key = i * 1000 + j;
        const hit = memo.get(key);
        if (hit !== undefined) return hit;
        let r: boolean;
        if (i === p.length) r = j === s.length;
        else if (p[i] === '*') r = go(i + 1, j) || (j < s.length && go(i, j + 1));
        else if (j === s.length) r = false;
        else if (p[i] === '?') r = go(i + 1, j + 1);
        else if (p[i] === '[') {
          const close = p.indexOf(']', i + 1);
          const set = p.slice(i + 1, close);
          r = set.includes(s[j] as string) && go(close + 1, j + 1);
        } else r = p[i] === s[j] && go(i + 1, j + 1);
        memo.set(key, r);
        return r;
      };
      return go(0, 0);
    };
    const atoms = ['*', '?', 'a', 'b', '[ab]', '[b]'];
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let t = 0; t < 5000; t++) {
      let p = '';
      for (let k = rnd(8); k > 0; k--) p += atoms[rnd(atoms.length)];
      let s = '';
      for (let k = 1 + rnd(10); k > 0; k--) s += 'ab'[rnd(2)];
      expect(stringMatch(p, s), `${p} ~ ${s}`).toBe(ref(p, s));
    }
  });

  it('pathological patterns finish in milliseconds', () => {
    const long = 'a'.repeat(100_000);
    const patterns = [
      'a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b',
      '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b*',
      '*'.repeat(50_000) + 'b',
      '?'.repeat(99_999) + 'b',
      'a*'.repeat(20_000) + 'b',
    ];
    for (const p of patterns) {
      const t0 = performance.now();
      expect(stringMatch(p, long)).toBe(false);
      expect(performance.now() - t0).toBeLessThan(200);
    }
    const t0 = performance.now();
    expect(stringMatch('a*'.repeat(20_000), long)).toBe(true);
    expect(stringMatch('*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a', long)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});
