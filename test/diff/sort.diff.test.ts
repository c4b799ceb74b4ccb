// Differential test: random SORT / SORT_RO calls over lists, sets and sorted sets, with weights
// in string keys and hash fields, run on nodis and on the real redis-server; replies must agree
// byte for byte in RESP2 and RESP3. Weights exist and are unique per element, and patterns
// that find no weight are used only in numeric mode, so that ALPHA with BY never meets ties
// (Redis orders those arbitrarily); the one order Redis leaves to its hash table (a set sorted
// BY nosort, not stored) is normalized by sorting the reply.
import { describe, expect, it } from 'vitest';
import { replyEnd } from '../helpers/resp.js';
import { pick } from '../helpers/random.js';
import { diffServers, runRandomDiff } from '../helpers/diff.js';

const NUMERIC = ['0', '1', '2', '10', '-3', '1.5', '2.25', '1e3', '-0.5', '007', '100', '33', '4', '9', '12'];
const WORDS = ['a', 'b', 'apple', 'Banana', 'cherry', 'z', 'aa', 'A', 'x1', 'x10', 'x2', 'word', 'Zed'];
const WEIGHTS = ['1', '2.5', '-7', '100', '3e2', '0.125', '42', '-1', '8', '9.75', '13', '21', '34', '55', '89', '144'];

function sortArgs(r: () => number, key: string, isSet: boolean): { argv: string[]; unordered: boolean } {
  const argv = [pick(r, ['SORT', 'SORT', 'SORT_RO']), key];
  let nosort = false;
  let store = false;
  const by = pick(r, [null, null, 'w_*', 'h_*->f', 'nosort', 'h_*->missing', 'nokey_*']);
  if (by !== null) {
    argv.push('BY', by);
    nosort = by === 'nosort';
  }
  if (r() < 0.4) argv.push('LIMIT', pick(r, ['0', '1', '-2', '3', '20']), pick(r, ['0', '1', '2', '5', '-1', '100']));
  const gets = r() < 0.4 ? Math.floor(r() * 3) + 1 : 0;
  for (let i = 0; i < gets; i++) argv.push('GET', pick(r, ['#', 'w_*', 'h_*->f', 'nokey_*', 'h_*->']));
  if (r() < 0.4) argv.push(pick(r, ['ASC', 'DESC']));
  // Missing weights tie under ALPHA (and Redis orders ties arbitrarily): only numeric there.
  if (r() < 0.5 && by !== 'nokey_*' && by !== 'h_*->missing') argv.push('ALPHA');
  if (argv[0] === 'SORT' && r() < 0.3) {
    argv.push('STORE', 'dst');
    store = true;
  }
  // A set's own order is its hash table's: when nothing sorts it, compare the whole result as
  // a multiset (no LIMIT, no GET, which would pick or pair by that order).
  const unordered = isSet && nosort && !store;
  if (unordered) {
    const kept: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const t = argv[i] as string;
      if (i >= 2 && t === 'LIMIT') i += 2;
      else if (i >= 2 && t === 'GET') i += 1;
      else kept.push(t);
    }
    argv.length = 0;
    argv.push(...kept);
  }
  return { argv, unordered };
}

function sortedItems(reply: string): string {
  if (reply[0] !== '*') return reply;
  const nl = reply.indexOf('\r\n');
  const n = Number(reply.slice(1, nl));
  const items: string[] = [];
  let q = nl + 2;
  for (let i = 0; i < n; i++) {
    const e = replyEnd(reply, q);
    items.push(reply.slice(q, e));
    q = e;
  }
  return reply.slice(0, nl + 2) + items.sort().join('');
}

describe('differential: SORT vs real redis-server', () => {
  const servers = diffServers();

  for (const proto of ['2', '3'] as const) {
    it(`random SORT calls agree (RESP${proto})`, async () => {
      let unordered = false;
      const compared = await runRandomDiff(servers, proto, {
        sequences: 60,
        seed: (seq, p) => seq * 7727 + p,
        begin: (r) => {
          const pool = r() < 0.5 ? NUMERIC : [...NUMERIC, ...WORDS];
          const setup: string[][] = [['SELECT', '9'], ['FLUSHALL']];
          const elems = Array.from({ length: 1 + Math.floor(r() * 12) }, () => pick(r, pool));
          setup.push(['RPUSH', 'l', ...elems]);
          setup.push(['SADD', 's', ...elems]);
          setup.push(['SADD', 'ints', ...elems.filter((e) => /^-?[1-9]\d*$|^0$/.test(e)), '5']);
          const z: string[] = [];
          elems.forEach((e, i) => z.push(String((i * 37) % 11), e));
          setup.push(['ZADD', 'z', ...z]);
          // Unique weights for every possible element.
          const all = [...NUMERIC, ...WORDS];
          const shuffled = [...WEIGHTS, ...all.map((_, i) => String(1000 + i * 3))].sort(() => r() - 0.5);
          all.forEach((e, i) => {
            setup.push(['SET', `w_${e}`, shuffled[i] as string]);
            setup.push(['HSET', `h_${e}`, 'f', shuffled[(i + 7) % shuffled.length] as string]);
          });
          setup.push(['SET', 'str', 'x']);
          return { setup };
        },
        length: () => 25,
        command: (r) => {
          const key = pick(r, ['l', 'l', 's', 'ints', 'z', 'z', 'missing', 'str']);
          const call = sortArgs(r, key, key === 's' || key === 'ints');
          unordered = call.unordered;
          return call.argv;
        },
        check: async ({ argv, x, y, context, a, b }) => {
          if (unordered) expect(sortedItems(x), context).toBe(sortedItems(y));
          else expect(x, context).toBe(y);
          if (argv.includes('STORE')) {
            const [u, v] = await Promise.all([a.call('LRANGE', 'dst', '0', '-1'), b.call('LRANGE', 'dst', '0', '-1')]);
            expect(u, `${context} stored`).toBe(v);
          }
        },
      });
      expect(compared).toBe(60 * 25);
    }, 120_000);
  }
});
