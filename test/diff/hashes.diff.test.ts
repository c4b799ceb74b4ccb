// Differential test: randomized command sequences over the hash family run on nodis and on the
// real redis-server side by side; every reply must be byte-identical, in RESP2 and RESP3.
// Each sequence starts with random listpack thresholds (CONFIG SET, sometimes through the
// ziplist aliases) and may change them midway, so conversions happen at many points; the
// encoding of every key is compared at the end.
// Orders: a listpack hash iterates in insertion order in both servers and is compared as is.
// A hashtable hash iterates in hash order, which differs: when both servers report `hashtable`
// for the key, HGETALL / HKEYS / HVALS / HSCAN / whole-hash HRANDFIELD replies are compared
// after sorting their elements. HRANDFIELD is only generated where its reply is deterministic
// (errors, count 0, count >= size, missing keys).
import { describe, expect, it } from 'vitest';
import { replyEnd } from '../helpers/resp.js';
import { pick } from '../helpers/random.js';
import { diffServers, runRandomDiff, type Gen } from '../helpers/diff.js';

const KEYS = ['h0', 'h1', 'h2', '{t}a', 'bin\x00\xff'];
const FIELDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'n', 'x', '', '1', '-1', '123', 'field:long:name', '\x00\xfe', 'f'.repeat(70)];
const VALUES = [
  '', '0', '1', '-1', '42', '007', '3.14', '-0', '1e3', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', 'hello', '\x00\x01\x02\xfe\xff', 'x'.repeat(20), 'y'.repeat(65), 'z'.repeat(300),
  ' 12', '12 ', '+5', 'inf', 'nan', '10.5', '0.1', '1.7e308', '0x10',
];
const INCRS = ['1', '-1', '0', '100', '9223372036854775807', '-9223372036854775808', 'x', '1.5', ' 1', '99999999999999999999'];
const FINCRS = ['0.1', '-1.1', '1e3', '3', 'inf', '-inf', 'nan', 'x', '1.5e-5', '10.5', '1.7e308', '-0', '0x1p3', '5e-4950', '1e5000'];
const PATTERNS = ['*', 'a*', '?', '[a-c]', '*long*', 'nomatch', '\\*', '1*'];

const key = (r: () => number): string => pick(r, KEYS);
const fld = (r: () => number): string => pick(r, FIELDS);
const val = (r: () => number): string => pick(r, VALUES);
const fields = (r: () => number, n: number): string[] => Array.from({ length: n }, () => fld(r));
const pairs = (r: () => number, n: number): string[] => Array.from({ length: n }, () => [fld(r), val(r)]).flat();

const GENS: Gen[] = [
  (r) => ['HSET', key(r), ...pairs(r, 1 + Math.floor(r() * 4))],
  (r) => ['HSET', key(r), ...pairs(r, 1 + Math.floor(r() * 4))],
  (r) => ['HSET', key(r), fld(r), val(r), fld(r)],
  (r) => ['HMSET', key(r), ...pairs(r, 1 + Math.floor(r() * 3))],
  (r) => ['HSETNX', key(r), fld(r), val(r)],
  (r) => ['HGET', key(r), fld(r)],
  (r) => ['HMGET', key(r), ...fields(r, 1 + Math.floor(r() * 4))],
  (r) => ['HDEL', key(r), ...fields(r, 1 + Math.floor(r() * 4))],
  (r) => ['HLEN', key(r)],
  (r) => ['HSTRLEN', key(r), fld(r)],
  (r) => ['HEXISTS', key(r), fld(r)],
  (r) => ['HKEYS', key(r)],
  (r) => ['HVALS', key(r)],
  (r) => ['HGETALL', key(r)],
  (r) => ['HINCRBY', key(r), fld(r), pick(r, INCRS)],
  (r) => ['HINCRBY', key(r), pick(r, ['n', 'c', '1']), pick(r, ['1', '-3', '1000'])],
  (r) => ['HINCRBYFLOAT', key(r), fld(r), pick(r, FINCRS)],
  (r) => ['HINCRBYFLOAT', key(r), pick(r, ['n', 'x']), pick(r, ['0.1', '-2.5', '3'])],
  (r) => ['HRANDFIELD', key(r), ...pick(r, [['0'], ['0', 'WITHVALUES'], ['1000'], ['1000', 'WITHVALUES'], ['x'], ['1', 'BAD'],
    ['1', 'WITHVALUES', 'x'], ['-9223372036854775808'], ['-9223372036854770000', 'WITHVALUES']])],
  (r) => ['HRANDFIELD', pick(r, ['missing', 'nokey']), ...pick(r, [[], ['3'], ['-3', 'WITHVALUES']])],
  (r) => ['HSCAN', key(r), pick(r, ['0', '0', '0', 'x', '18446744073709551616']), ...pick(r, [[], ['COUNT', '1000'],
    ['MATCH', pick(r, PATTERNS), 'COUNT', '1000'], ['COUNT', '0'], ['COUNT', 'x'], ['NOVALUES'], ['MATCH']])],
  (r) => ['OBJECT', 'ENCODING', key(r)],
  (r) => ['TYPE', key(r)],
  (r) => ['EXISTS', key(r)],
  (r) => ['DEL', key(r)],
  (r) => ['SET', key(r), val(r)],
  (r) => ['COPY', key(r), key(r), ...pick(r, [[], ['REPLACE']])],
  (r) => ['RENAME', key(r), key(r)],
  (r) => ['CONFIG', 'SET', pick(r, ['hash-max-listpack-entries', 'hash-max-ziplist-entries']), pick(r, ['0', '1', '4', '8', '128'])],
  (r) => ['CONFIG', 'SET', pick(r, ['hash-max-listpack-value', 'hash-max-ziplist-value']), pick(r, ['0', '3', '16', '64'])],
  (r) => [pick(r, ['HSET', 'HGET', 'HDEL', 'HINCRBY', 'HSCAN', 'HGETALL', 'HSTRLEN']), ...pick(r, [[], [key(r)], [key(r), 'a', 'b', 'c', 'd']])],
  (r) => ['HRANDFIELD', ...pick(r, [[], [key(r), 'a', 'b', 'c']])],
];

/** Raw substrings of the elements of the aggregate reply starting at `p`. */
function elements(raw: string, p = 0): { head: string; items: string[] } {
  const nl = raw.indexOf('\r\n', p);
  const head = raw.slice(p, nl + 2);
  let n = Number(raw.slice(p + 1, nl));
  if (raw[p] === '%') n *= 2;
  const items: string[] = [];
  let q = nl + 2;
  for (let i = 0; i < n; i++) {
    const e = replyEnd(raw, q);
    items.push(raw.slice(q, e));
    q = e;
  }
  return { head, items };
}

function sortedPairs(items: string[]): string {
  const ps: string[] = [];
  for (let i = 0; i < items.length; i += 2) ps.push(`${items[i]}${items[i + 1]}`);
  return ps.sort().join('');
}

/** Order-independent form of a whole-hash reply (only used for hashtable-encoded keys). */
function unordered(argv: string[], raw: string, resp: string): string {
  const cmd = (argv[0] ?? '').toUpperCase();
  if (!/^[*%]/.test(raw)) return raw;
  const { head, items } = elements(raw);
  if (cmd === 'HGETALL') return head + sortedPairs(items);
  if (cmd === 'HKEYS' || cmd === 'HVALS') return head + [...items].sort().join('');
  if (cmd === 'HSCAN') {
    const inner = elements(items[1] as string);
    return head + (items[0] as string) + inner.head + sortedPairs(inner.items);
  }
  if (cmd === 'HRANDFIELD') {
    const withValues = argv.length === 4;
    if (withValues && resp === '2') return head + sortedPairs(items);
    return head + [...items].sort().join('');
  }
  return raw;
}

const ORDERED = new Set(['HGETALL', 'HKEYS', 'HVALS', 'HSCAN', 'HRANDFIELD']);

describe('differential: hashes vs real redis-server', () => {
  const servers = diffServers();

  for (const proto of ['2', '3'] as const) {
    it(`250 random sequences agree byte for byte (RESP${proto})`, async () => {
      let conversions = 0;
      let history: string[] = [];
      const compared = await runRandomDiff(servers, proto, {
        sequences: 250,
        seed: (seq, p) => seq * 104729 + p,
        begin: (r) => {
          const entries = pick(r, ['2', '4', '8', '128']);
          const value = pick(r, ['4', '16', '64']);
          history = [`CONFIG SET entries ${entries} value ${value}`];
          return {
            reset: [['SELECT', '9'], ['FLUSHALL'], ['CONFIG', 'SET', 'hash-max-listpack-entries', entries, 'hash-max-listpack-value', value]],
          };
        },
        length: (r) => 20 + Math.floor(r() * 40),
        gens: GENS,
        check: async ({ argv, x, y, context, a, b }) => {
          history.push(JSON.stringify(argv));
          if (x !== y && ORDERED.has((argv[0] ?? '').toUpperCase()) && argv[1] !== undefined) {
            const [ea, eb] = await Promise.all([a.call('OBJECT', 'ENCODING', argv[1]), b.call('OBJECT', 'ENCODING', argv[1])]);
            expect(ea, `${context} (encoding)`).toBe(eb);
            if (ea.includes('hashtable')) {
              if ((argv[0] ?? '').toUpperCase() === 'HSCAN') {
                // Cursors are implementation details: compare one whole-hash call instead.
                const full = [...argv.filter((_, j) => j < 3 || !(/^count$/i.test(argv[j - 1] ?? '') || /^count$/i.test(argv[j] ?? ''))), 'COUNT', '1000'];
                const [fx, fy] = await Promise.all([a.call(...full), b.call(...full)]);
                expect(unordered(full, fx, proto), `${context} as ${JSON.stringify(full)}`).toBe(unordered(full, fy, proto));
                return;
              }
              expect(unordered(argv, x, proto), context).toBe(unordered(argv, y, proto));
              return;
            }
          }
          expect(x, context).toBe(y);
        },
        // The whole dataset and every encoding must agree too.
        end: async (a, b, seq) => {
          for (const k of KEYS) {
            const [ea, eb] = await Promise.all([a.call('OBJECT', 'ENCODING', k), b.call('OBJECT', 'ENCODING', k)]);
            if (ea !== eb) expect(ea, `seq ${seq} final encoding ${JSON.stringify(k)} after\n${history.join('\n')}`).toBe(eb);
            if (ea.includes('hashtable')) conversions++;
            const [x, y] = await Promise.all([a.call('HGETALL', k), b.call('HGETALL', k)]);
            expect(unordered(['HGETALL'], x, proto), `seq ${seq} final ${JSON.stringify(k)}`).toBe(unordered(['HGETALL'], y, proto));
          }
        },
        restore: [['CONFIG', 'SET', 'hash-max-listpack-entries', '512', 'hash-max-listpack-value', '64']],
      });
      expect(compared).toBeGreaterThan(8000);
      expect(conversions).toBeGreaterThan(50);
    }, 180_000);
  }
});
