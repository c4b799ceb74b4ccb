// Differential test: randomized command sequences over the list family run on nodis and on the
// real redis-server side by side; every reply must agree byte for byte, in RESP2 and RESP3.
// Element sizes cross the packed-node limits and small node fills / compression depths are set
// at random, so node splits, merges, plain nodes and compressed nodes are all exercised behind
// the same replies. A second part runs scripted blocking scenarios (FIFO service, BLMOVE
// chains, BLMPOP counts, timeouts, WRONGTYPE while blocked) on both servers.
import { describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/resp.js';
import { pick } from '../helpers/random.js';
import { blockingScenarios, diffServers, runRandomDiff, type Gen, type Scenario } from '../helpers/diff.js';

const KEYS = ['l0', 'l1', 'l2', '{t}a', 'str', 'bin\x00\xff'];
const ELEMENTS = [
  '0', '1', '-1', '42', '9223372036854775807', '9223372036854775808', '007', '', 'a', 'b', 'c',
  'hello', '\x00\xff\x80', 'x'.repeat(100), 'y'.repeat(300), 'z'.repeat(9000),
];

const key = (r: () => number): string => pick(r, KEYS);
const ele = (r: () => number): string => (r() < 0.5 ? String(Math.floor(r() * 20)) : pick(r, ELEMENTS));
const eles = (r: () => number, max: number): string[] => Array.from({ length: 1 + Math.floor(r() * max) }, () => ele(r));
const idx = (r: () => number): string =>
  r() < 0.85 ? String(Math.floor(r() * 30) - 15) : pick(r, ['x', '1.5', '-9223372036854775808', '9223372036854775807', '']);
const side = (r: () => number): string => pick(r, ['LEFT', 'RIGHT', 'left', 'Right', 'middle']);
const count = (r: () => number): string => pick(r, ['0', '1', '2', '5', '100', '-1', 'x']);
const tmo = (r: () => number): string => pick(r, ['0.01', '0.01', '-1', 'x']);

const GENS: Gen[] = [
  (r) => ['RPUSH', key(r), ...eles(r, 8)],
  (r) => ['LPUSH', key(r), ...eles(r, 8)],
  (r) => ['RPUSH', key(r), ...Array.from({ length: 10 + Math.floor(r() * 60) }, (_, i) => `e${i}`)],
  (r) => [pick(r, ['LPUSHX', 'RPUSHX']), key(r), ...eles(r, 3)],
  (r) => [pick(r, ['LPOP', 'RPOP']), key(r)],
  (r) => [pick(r, ['LPOP', 'RPOP']), key(r), count(r)],
  (r) => ['LLEN', key(r)],
  (r) => ['LRANGE', key(r), idx(r), idx(r)],
  (r) => ['LRANGE', key(r), '0', '-1'],
  (r) => ['LINDEX', key(r), idx(r)],
  (r) => ['LSET', key(r), idx(r), ele(r)],
  (r) => ['LINSERT', key(r), pick(r, ['BEFORE', 'after', 'around']), ele(r), ele(r)],
  (r) => ['LREM', key(r), pick(r, ['0', '1', '-1', '2', '-2', 'x']), ele(r)],
  (r) => ['LTRIM', key(r), idx(r), idx(r)],
  (r) => {
    const opts: string[] = [];
    const n = Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      opts.push(pick(r, ['RANK', 'COUNT', 'MAXLEN', 'rank', 'FOO']));
      if (r() < 0.9) opts.push(pick(r, ['0', '1', '2', '-1', '-2', '3', 'x']));
    }
    return ['LPOS', key(r), ele(r), ...opts];
  },
  (r) => ['LMOVE', key(r), key(r), side(r), side(r)],
  (r) => ['RPOPLPUSH', key(r), key(r)],
  (r) => {
    const ks = Array.from({ length: 1 + Math.floor(r() * 3) }, () => key(r));
    const tail = pick(r, [[], ['COUNT', count(r)], ['COUNT'], ['COUNT', '1', 'COUNT', '2'], ['FOO']]);
    return ['LMPOP', pick(r, [String(ks.length), String(ks.length), '0', 'x', '9']), ...ks, side(r), ...tail];
  },
  (r) => [pick(r, ['BLPOP', 'BRPOP']), ...Array.from({ length: 1 + Math.floor(r() * 3) }, () => key(r)), tmo(r)],
  (r) => ['BLMOVE', key(r), key(r), side(r), side(r), tmo(r)],
  (r) => ['BRPOPLPUSH', key(r), key(r), tmo(r)],
  (r) => {
    const ks = Array.from({ length: 1 + Math.floor(r() * 2) }, () => key(r));
    return ['BLMPOP', tmo(r), String(ks.length), ...ks, side(r), ...pick(r, [[], ['COUNT', count(r)]])];
  },
  (r) => pick(r, [
    ['LPOS', key(r), ele(r), 'RANK', '-9223372036854775808'],
    ['LPOS', key(r), ele(r), 'RANK', '9223372036854775807', 'COUNT', '0'],
    ['LMPOP', '9223372036854775807', key(r), 'LEFT'],
    ['LMPOP', '1', key(r), 'RIGHT', 'COUNT', '9223372036854775807'],
    ['LPOP', key(r), '9223372036854775807'],
    ['LPOP', key(r), '9223372036854775808'],
    ['LINDEX', key(r), '-0'],
    ['LREM', key(r), '-9223372036854775808', ele(r)],
  ]),
  (r) => ['OBJECT', 'ENCODING', key(r)],
  (r) => ['TYPE', key(r)],
  (r) => ['SET', 'str', 'v'],
  (r) => ['DEL', key(r)],
  (r) => ['EXISTS', key(r)],
  (r) => ['CONFIG', 'SET', 'list-max-listpack-size', pick(r, ['-2', '-1', '1', '2', '4', '0', '-5'])],
  (r) => ['CONFIG', 'SET', 'list-compress-depth', pick(r, ['0', '1', '2'])],
  (r) => [pick(r, ['LPUSH', 'LPOP', 'LRANGE', 'LINSERT', 'LMOVE', 'BLPOP', 'LMPOP', 'LPOS', 'LSET'])],
];

const RESET_CONFIG = [
  ['CONFIG', 'SET', 'list-max-listpack-size', '-2'],
  ['CONFIG', 'SET', 'list-compress-depth', '0'],
];

describe('differential: lists vs real redis-server', () => {
  const servers = diffServers();

  for (const proto of ['2', '3'] as const) {
    it(`150 random sequences agree (RESP${proto})`, async () => {
      const compared = await runRandomDiff(servers, proto, {
        sequences: 150,
        seed: (seq, p) => seq * 7919 + p,
        begin: () => ({ reset: [['SELECT', '9'], ['FLUSHALL'], ...RESET_CONFIG] }),
        length: (r) => 10 + Math.floor(r() * 50),
        gens: GENS,
        final: KEYS.flatMap((k) => [['LRANGE', k, '0', '-1'], ['OBJECT', 'ENCODING', k]]),
        restore: RESET_CONFIG,
      });
      expect(compared).toBeGreaterThan(4000);
    }, 240_000);
  }

  /* ---- blocking scenarios ------------------------------------------------------------------ */

  const scenarios: Record<string, [number, Scenario]> = {
    'FIFO service of BLPOP/BRPOP/BLMPOP': [4, async (m, cs, blocked) => {
      const p = [
        (cs[0] as RawClient).call('BLPOP', 'q', '0'),
        (cs[1] as RawClient).call('BRPOP', 'q', 'other', '0'),
        (cs[2] as RawClient).call('BLMPOP', '0', '2', 'other', 'q', 'RIGHT', 'COUNT', '2'),
        (cs[3] as RawClient).call('BLPOP', 'q', '0'),
      ];
      await blocked(4);
      const out = [await m.call('RPUSH', 'q', 'a', 'b', 'c', 'd')];
      out.push(await p[0] as string, await p[1] as string, await p[2] as string);
      out.push(await m.call('LPUSH', 'q', 'late'), await p[3] as string, await m.call('EXISTS', 'q'));
      return out;
    }],
    'BLMOVE chain into a BLPOP': [2, async (m, cs, blocked) => {
      const p1 = (cs[0] as RawClient).call('BLPOP', 'target', '0');
      await blocked(1);
      const p2 = (cs[1] as RawClient).call('BLMOVE', 'src', 'target', 'RIGHT', 'LEFT', '0');
      await blocked(2);
      const out = [await m.call('RPUSH', 'src', 'x', 'y')];
      out.push(await p2, await p1, await m.call('LRANGE', 'src', '0', '-1'), await m.call('EXISTS', 'target'));
      return out;
    }],
    'BRPOPLPUSH with a wrong-type destination gets WRONGTYPE when served': [2, async (m, cs, blocked) => {
      await m.call('SET', 'dst', 'string');
      const p1 = (cs[0] as RawClient).call('BRPOPLPUSH', 'src', 'dst', '0');
      await blocked(1);
      const p2 = (cs[1] as RawClient).call('BRPOPLPUSH', 'src', 'dst2', '0');
      await blocked(2);
      const out = [await m.call('LPUSH', 'src', 'v')];
      out.push(await p1, await p2, await m.call('LRANGE', 'dst2', '0', '-1'));
      return out;
    }],
    'timeouts and CLIENT UNBLOCK': [2, async (m, cs, blocked) => {
      const out = [await (cs[0] as RawClient).call('BLMPOP', '0.05', '1', 'none', 'LEFT')];
      out.push(await (cs[0] as RawClient).call('BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0.02'));
      const id = await (cs[1] as RawClient).call('CLIENT', 'ID');
      const p = (cs[1] as RawClient).call('BRPOP', 'none', '0');
      await blocked(1);
      out.push(await m.call('CLIENT', 'UNBLOCK', id.slice(1, -2), 'ERROR'), await p);
      return out;
    }],
    'a signaled key of another type keeps the client blocked': [1, async (m, cs, blocked) => {
      const p = (cs[0] as RawClient).call('BLPOP', 'k', '0');
      await blocked(1);
      const out = [await m.call('MULTI'), await m.call('RPUSH', 'k', 'x'), await m.call('DEL', 'k')];
      out.push(await m.call('SET', 'k', 's'), await m.call('EXEC'));
      await blocked(1);
      out.push(await m.call('DEL', 'k'), await m.call('RPUSH', 'k', 'y'), await p);
      return out;
    }],
  };

  blockingScenarios(servers, scenarios);
});
