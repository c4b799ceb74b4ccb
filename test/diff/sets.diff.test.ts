// Differential test: randomized command sequences over the set family run on nodis and on the
// real redis-server side by side; every reply must agree byte for byte, in RESP2 and RESP3,
// after one normalization: the members of replies whose order follows Redis's hash table
// (SMEMBERS, SINTER, SUNION, SDIFF, full SSCAN, SPOP/SRANDMEMBER of the whole set) are sorted.
// Random picks (SPOP / SRANDMEMBER smaller than the set) are left out; OBJECT ENCODING is in the
// mix, so conversions (intset -> hashtable, set-max-intset-entries, SDIFF's algorithm choice,
// SPOP's rebuild) must agree too.
import { describe, expect, it } from 'vitest';
import { replyEnd } from '../helpers/resp.js';
import { pick } from '../helpers/random.js';
import { diffServers, runRandomDiff, type Gen } from '../helpers/diff.js';

const KEYS = ['s0', 's1', 's2', 's3', '{t}a', 'str', 'bin\x00\xff'];
const MEMBERS = [
  '0', '1', '2', '3', '-1', '7', '42', '100', '-32768', '32767', '32768', '-32769', '2147483647',
  '2147483648', '-2147483649', '9007199254740993', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', '01', '+1', '-0', ' 5', '1.5', '', 'a', 'b', 'c', 'hello', '\x00\xff',
  'x'.repeat(70),
];

const key = (r: () => number): string => pick(r, KEYS);
const mem = (r: () => number): string => (r() < 0.5 ? String(Math.floor(r() * 40)) : pick(r, MEMBERS));
const mems = (r: () => number, max: number): string[] => Array.from({ length: 1 + Math.floor(r() * max) }, () => mem(r));
const keys = (r: () => number, max: number): string[] => Array.from({ length: 1 + Math.floor(r() * max) }, () => key(r));

const GENS: Gen[] = [
  (r) => ['SADD', key(r), ...mems(r, 6)],
  (r) => ['SADD', key(r), ...mems(r, 6)],
  (r) => ['SADD', key(r), ...Array.from({ length: 5 + Math.floor(r() * 20) }, (_, i) => String(i * 3))],
  (r) => ['SREM', key(r), ...mems(r, 4)],
  (r) => ['SCARD', key(r)],
  (r) => ['SISMEMBER', key(r), mem(r)],
  (r) => ['SMISMEMBER', key(r), ...mems(r, 4)],
  (r) => ['SMEMBERS', key(r)],
  (r) => ['SMOVE', key(r), key(r), mem(r)],
  (r) => ['SINTER', ...keys(r, 3)],
  (r) => ['SUNION', ...keys(r, 3)],
  (r) => ['SDIFF', ...keys(r, 4)],
  (r) => ['SINTERSTORE', key(r), ...keys(r, 3)],
  (r) => ['SUNIONSTORE', key(r), ...keys(r, 3)],
  (r) => ['SDIFFSTORE', key(r), ...keys(r, 4)],
  (r) => {
    const ks = keys(r, 3);
    return ['SINTERCARD', pick(r, [String(ks.length), '0', 'x', '9']), ...ks, ...pick(r, [[], ['LIMIT', '1'], ['LIMIT', '0'], ['LIMIT', '-1'], ['LIMIT'], ['FOO']])];
  },
  (r) => ['SPOP', key(r), pick(r, ['1000', '0', '-1', 'x'])],
  (r) => ['SPOP', pick(r, ['nokey', 'strx'])],
  (r) => ['SRANDMEMBER', key(r), pick(r, ['1000', '0', 'x', '-9223372036854775808'])],
  (r) => ['SRANDMEMBER', pick(r, ['nokey', 'strx']), ...pick(r, [[], ['5']])],
  (r) => ['SSCAN', key(r), pick(r, ['0', 'x']), ...pick(r, [['COUNT', '1000'], ['COUNT', '1000', 'MATCH', '*1*'], ['COUNT', '0'], ['TYPE', 'set'], ['MATCH'], ['COUNT', 'x']])],
  (r) => ['OBJECT', 'ENCODING', key(r)],
  (r) => ['TYPE', key(r)],
  (r) => ['SET', pick(r, ['str', 'strx']), 'v'],
  (r) => ['DEL', key(r)],
  (r) => ['EXISTS', key(r)],
  (r) => ['CONFIG', 'SET', 'set-max-intset-entries', pick(r, ['4', '16', '512', '0'])],
  (r) => [pick(r, ['SADD', 'SREM', 'SMOVE', 'SINTERCARD', 'SCARD', 'SISMEMBER'])],
];

const UNORDERED = new Set(['SMEMBERS', 'SINTER', 'SUNION', 'SDIFF', 'SPOP', 'SRANDMEMBER', 'SSCAN']);

/** Split an aggregate reply at `p` into its header and raw elements. */
function elements(b: string, p: number): { head: string; items: string[]; end: number } {
  const nl = b.indexOf('\r\n', p);
  const head = b.slice(p, nl + 2);
  const n = Number(b.slice(p + 1, nl));
  const items: string[] = [];
  let q = nl + 2;
  for (let i = 0; i < n; i++) {
    const e = replyEnd(b, q);
    items.push(b.slice(q, e));
    q = e;
  }
  return { head, items, end: q };
}

function normalize(argv: string[], reply: string): string {
  const cmd = (argv[0] ?? '').toUpperCase();
  if (!UNORDERED.has(cmd)) return reply;
  const t = reply[0];
  if (t !== '*' && t !== '~') return reply;
  if (cmd === 'SSCAN') {
    const outer = elements(reply, 0);
    const inner = outer.items[1] as string;
    const { head, items } = elements(inner, 0);
    return outer.head + (outer.items[0] as string) + head + items.sort().join('');
  }
  const { head, items } = elements(reply, 0);
  return head + items.sort().join('');
}

describe('differential: sets vs real redis-server', () => {
  const servers = diffServers();

  for (const proto of ['2', '3'] as const) {
    it(`250 random sequences agree (RESP${proto})`, async () => {
      const compared = await runRandomDiff(servers, proto, {
        sequences: 250,
        seed: (seq, p) => seq * 104729 + p,
        begin: () => ({ reset: [['SELECT', '9'], ['FLUSHALL'], ['CONFIG', 'SET', 'set-max-intset-entries', '512']] }),
        length: (r) => 10 + Math.floor(r() * 40),
        gens: GENS,
        normalize,
        final: KEYS.flatMap((k) => [['SMEMBERS', k], ['OBJECT', 'ENCODING', k]]),
        restore: [['CONFIG', 'SET', 'set-max-intset-entries', '512']],
      });
      expect(compared).toBeGreaterThan(5000);
    }, 180_000);
  }
});
