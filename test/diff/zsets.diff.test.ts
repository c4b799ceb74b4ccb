// Differential test: randomized sorted-set command sequences run on nodis and on the real
// redis-server side by side; every reply must be byte-identical, in RESP2 and RESP3, and so
// must the final contents and encodings. Random commands (ZRANDMEMBER) are left out; ZSCAN
// replies are compared as sorted pairs (a hash table's order is not part of the contract).
//
// Lex-range commands run on a key whose scores are all 0: on a skiplist with mixed scores the
// result of a lex range depends on the random levels of its nodes, in Redis as here.
import { describe, expect, it } from 'vitest';
import { pick } from '../helpers/random.js';
import { diffServers, runRandomDiff, type Gen } from '../helpers/diff.js';

const ZKEYS = ['z1', 'z2', 'z3', '{t}z', 'bin\x00\xff'];
const OTHER = ['set1', 'str'];
const LEX = 'lex';
const ALL = [...ZKEYS, ...OTHER, LEX, 'missing'];
const MEMBERS = [
  'a', 'b', 'c', 'd', 'e', 'f', 'g', 'aa', 'ab', '', '0', '1', '-1', '10', '1.5', 'x y',
  '\x00', '\xff\xfe', 'm'.repeat(20), 'n'.repeat(70), 'member:12345',
];
const SCORES = [
  '0', '1', '-1', '2', '3', '1.5', '-2.5', '10', '100', '1e3', 'inf', '-inf', '+inf', '-0', '0.1',
  '3.0', '1e18', '5e18', '-1e-5', '4611686018427387904', '123456789012345678',
];
const BAD_SCORES = ['x', 'nan', '1e', ' 1', ''];
const RANGE_SCORES = ['-inf', '+inf', '0', '1', '(1', '2', '(2', '1.5', '(-1', '100', 'x', '(x', '', ' 3', '0x10'];
const LEX_BOUNDS = ['-', '+', '[a', '(a', '[b', '(c', '[d', '[', '(', 'a', '[\xff', '(0'];
const INTS = ['0', '1', '2', '-1', '-2', '5', '10', '-100', 'x', '9223372036854775807'];
const WEIGHTS = ['1', '2', '0.5', '-1', '0', 'inf', 'x'];

const zkey = (r: () => number): string => pick(r, ZKEYS);
const anyKey = (r: () => number): string => pick(r, ALL);
const member = (r: () => number): string => (r() < 0.6 ? pick(r, MEMBERS.slice(0, 7)) : pick(r, MEMBERS));
const score = (r: () => number): string => (r() < 0.03 ? pick(r, BAD_SCORES) : pick(r, SCORES));
const some = <T>(r: () => number, n: number, f: (r: () => number) => T): T[] => Array.from({ length: 1 + Math.floor(r() * n) }, () => f(r));

function pairs(r: () => number, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i <= Math.floor(r() * n); i++) out.push(score(r), member(r));
  return out;
}

function algebraArgs(r: () => number, store: boolean, diff: boolean, card: boolean): string[] {
  const keys = some(r, 3, (rr) => pick(rr, [...ZKEYS, 'set1', 'missing', LEX, ...(rr() < 0.05 ? ['str'] : [])]));
  const n = r() < 0.05 ? pick(r, ['0', '-1', String(keys.length + 1), 'x']) : String(keys.length);
  const out = [n, ...keys];
  if (!diff && !card && r() < 0.4) out.push('WEIGHTS', ...keys.map(() => pick(r, WEIGHTS)));
  if (!diff && !card && r() < 0.4) out.push('AGGREGATE', pick(r, ['SUM', 'MIN', 'MAX', 'max', 'AVG']));
  if (!store && !card && r() < 0.5) out.push('WITHSCORES');
  if (card && r() < 0.5) out.push('LIMIT', pick(r, ['0', '1', '2', '-1', 'x']));
  return out;
}

function rangeOpts(r: () => number, allowWithscores: boolean): string[] {
  const out: string[] = [];
  if (allowWithscores && r() < 0.5) out.push('WITHSCORES');
  if (r() < 0.4) out.push('LIMIT', pick(r, ['0', '1', '2', '-1', '10']), pick(r, ['-1', '0', '1', '2', '5']));
  return out;
}

const GENS: Gen[] = [
  (r) => ['ZADD', zkey(r), ...pairs(r, 4)],
  (r) => ['ZADD', zkey(r), ...pick(r, [['NX'], ['XX'], ['CH'], ['GT'], ['LT'], ['XX', 'GT'], ['NX', 'CH'], ['GT', 'LT'], ['NX', 'XX'], ['NX', 'LT']]), ...pairs(r, 2)],
  (r) => ['ZADD', zkey(r), 'INCR', ...pick(r, [[], ['NX'], ['XX'], ['GT'], ['LT']]), score(r), member(r)],
  (r) => ['ZADD', zkey(r), 'INCR', ...pairs(r, 2)],
  (r) => ['ZADD', LEX, ...some(r, 4, (rr) => ['0', member(rr)]).flat()],
  (r) => ['ZINCRBY', zkey(r), score(r), member(r)],
  (r) => ['ZREM', pick(r, [...ZKEYS, LEX, 'str']), ...some(r, 3, member)],
  (r) => ['ZCARD', anyKey(r)],
  (r) => ['ZSCORE', anyKey(r), member(r)],
  (r) => ['ZMSCORE', anyKey(r), ...some(r, 3, member)],
  (r) => [pick(r, ['ZRANK', 'ZREVRANK']), anyKey(r), member(r)],
  (r) => ['ZCOUNT', anyKey(r), pick(r, RANGE_SCORES), pick(r, RANGE_SCORES)],
  (r) => ['ZLEXCOUNT', pick(r, [LEX, 'missing', 'str']), pick(r, LEX_BOUNDS), pick(r, LEX_BOUNDS)],
  (r) => ['ZRANGE', anyKey(r), pick(r, INTS), pick(r, INTS), ...pick(r, [[], ['WITHSCORES'], ['REV'], ['REV', 'WITHSCORES'], ['LIMIT', '0', '1'], ['BYSCORE']])],
  (r) => ['ZRANGE', zkey(r), pick(r, RANGE_SCORES), pick(r, RANGE_SCORES), 'BYSCORE', ...(r() < 0.5 ? ['REV'] : []), ...rangeOpts(r, true)],
  (r) => ['ZRANGE', LEX, pick(r, LEX_BOUNDS), pick(r, LEX_BOUNDS), 'BYLEX', ...(r() < 0.5 ? ['REV'] : []), ...rangeOpts(r, r() < 0.1)],
  (r) => ['ZRANGESTORE', zkey(r), zkey(r), pick(r, INTS), pick(r, INTS), ...pick(r, [[], ['REV'], ['WITHSCORES']])],
  (r) => ['ZRANGESTORE', zkey(r), zkey(r), pick(r, RANGE_SCORES), pick(r, RANGE_SCORES), 'BYSCORE', ...(r() < 0.5 ? ['REV'] : []), ...rangeOpts(r, false)],
  (r) => ['ZRANGESTORE', zkey(r), LEX, pick(r, LEX_BOUNDS), pick(r, LEX_BOUNDS), 'BYLEX', ...rangeOpts(r, false)],
  (r) => ['ZREVRANGE', anyKey(r), pick(r, INTS), pick(r, INTS), ...(r() < 0.5 ? ['WITHSCORES'] : [])],
  (r) => [pick(r, ['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']), anyKey(r), pick(r, RANGE_SCORES), pick(r, RANGE_SCORES), ...rangeOpts(r, true)],
  (r) => [pick(r, ['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), pick(r, [LEX, 'missing']), pick(r, LEX_BOUNDS), pick(r, LEX_BOUNDS), ...rangeOpts(r, false)],
  (r) => ['ZREMRANGEBYRANK', pick(r, [...ZKEYS, LEX]), pick(r, INTS), pick(r, INTS)],
  (r) => ['ZREMRANGEBYSCORE', zkey(r), pick(r, RANGE_SCORES), pick(r, RANGE_SCORES)],
  (r) => ['ZREMRANGEBYLEX', pick(r, [LEX, 'missing']), pick(r, LEX_BOUNDS), pick(r, LEX_BOUNDS)],
  (r) => [pick(r, ['ZPOPMIN', 'ZPOPMAX']), pick(r, [...ZKEYS, LEX, 'str']), ...pick(r, [[], ['1'], ['3'], ['0'], ['-1'], ['x']])],
  (r) => ['ZMPOP', ...pick(r, [['1', zkey(r)], ['2', zkey(r), zkey(r)], ['2', 'missing', zkey(r)], ['0', zkey(r)]]), pick(r, ['MIN', 'MAX', 'min', 'BAD']), ...pick(r, [[], ['COUNT', '2'], ['COUNT', '0'], ['COUNT', '10']])],
  (r) => ['BZPOPMIN', ...some(r, 2, zkey), '0.01'],
  (r) => ['BZPOPMAX', zkey(r), pick(r, ['0.01', '-1', 'x'])],
  (r) => ['BZMPOP', '0.01', '1', zkey(r), pick(r, ['MIN', 'MAX']), ...pick(r, [[], ['COUNT', '3']])],
  (r) => ['ZUNION', ...algebraArgs(r, false, false, false)],
  (r) => ['ZINTER', ...algebraArgs(r, false, false, false)],
  (r) => ['ZDIFF', ...algebraArgs(r, false, true, false)],
  (r) => ['ZUNIONSTORE', zkey(r), ...algebraArgs(r, true, false, false)],
  (r) => ['ZINTERSTORE', zkey(r), ...algebraArgs(r, true, false, false)],
  (r) => ['ZDIFFSTORE', zkey(r), ...algebraArgs(r, true, true, false)],
  (r) => ['ZINTERCARD', ...algebraArgs(r, false, false, true)],
  (r) => ['ZSCAN', anyKey(r), '0', 'COUNT', '1000', ...(r() < 0.3 ? ['MATCH', pick(r, ['a*', '*', '?', '[a-c]'])] : [])],
  (r) => ['OBJECT', 'ENCODING', anyKey(r)],
  (r) => ['SADD', 'set1', ...some(r, 3, member)],
  (r) => ['SET', 'str', 'v'],
  (r) => ['COPY', zkey(r), zkey(r), ...(r() < 0.5 ? ['REPLACE'] : [])],
  (r) => ['DEL', zkey(r)],
  (r) => ['TYPE', anyKey(r)],
];

/** ZSCAN replies: sort the member/score pairs (the order of a hash table is free). */
function normalize(argv: string[], reply: string): string {
  if ((argv[0] ?? '').toUpperCase() !== 'ZSCAN' || !reply.startsWith('*2')) return reply;
  const parts = reply.split('\r\n');
  // *2, $n, cursor, *m, then $len/value lines.
  const head = parts.slice(0, 4).join('\r\n');
  const items: string[] = [];
  for (let i = 4; i + 3 < parts.length; i += 4) items.push(parts.slice(i, i + 4).join('\r\n'));
  return `${head}\r\n${items.sort().join('\r\n')}`;
}

describe('differential: sorted sets vs real redis-server', () => {
  const servers = diffServers();

  for (const proto of ['2', '3'] as const) {
    it(`250 random sequences agree byte for byte (RESP${proto})`, async () => {
      const compared = await runRandomDiff(servers, proto, {
        sequences: 250,
        seed: (seq, p) => seq * 104729 + p,
        begin: (r) => {
          const entries = pick(r, ['0', '1', '3', '8', '128']);
          const value = pick(r, ['0', '5', '64']);
          return {
            reset: [
              ['SELECT', '9'], ['FLUSHALL'],
              ['CONFIG', 'SET', 'zset-max-listpack-entries', entries], ['CONFIG', 'SET', 'zset-max-listpack-value', value],
            ],
            label: ` (entries ${entries}, value ${value})`,
          };
        },
        length: (r) => 15 + Math.floor(r() * 40),
        gens: GENS,
        normalize, // identity on the final ZRANGE / OBJECT ENCODING
        final: [...ZKEYS, LEX].flatMap((k) => [['ZRANGE', k, '0', '-1', 'WITHSCORES'], ['OBJECT', 'ENCODING', k]]),
        restore: [['CONFIG', 'SET', 'zset-max-listpack-entries', '128'], ['CONFIG', 'SET', 'zset-max-listpack-value', '64']],
      });
      expect(compared).toBeGreaterThan(5000);
    }, 240_000);
  }
});
