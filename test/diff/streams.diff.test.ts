// Differential test: randomized command sequences over the stream family run on nodis and on
// the real redis-server side by side; every reply must agree byte for byte, in RESP2 and RESP3.
// IDs are explicit (or `<ms>-*`) so replies are deterministic; small node limits are set at
// random so block boundaries (XINFO radix-tree-keys/-nodes, approximate trimming) are
// exercised; IDs beyond 2^53 and up to 2^64-1 exercise the exact 64-bit paths. Replies that
// carry clock readings (XPENDING idle, XINFO CONSUMERS idle, FULL times) have those masked.
// A second part runs scripted blocking scenarios (XREAD $ / XREADGROUP >, group destroyed,
// key deleted, timeouts) on both servers.
import { describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/resp.js';
import { pick, rng } from '../helpers/random.js';
import { blockingScenarios, diffServers, runRandomDiff, type Gen, type Scenario } from '../helpers/diff.js';

const KEYS = ['s0', 's1', 's2', 'str'];
const GROUPS = ['g1', 'g2', 'G'];
const CONSUMERS = ['alice', 'bob', 'c'];
const VALUES = ['1', '0', '-5', '12345678901', 'v', '', 'hello world', 'x'.repeat(70), 'y'.repeat(300), '\x00\xff'];
const FIELDS = ['f1', 'f2', 'a', 'b', '1', 'field'];

type R = () => number;
const int = (r: R, n: number): number => Math.floor(r() * n);

/** A clock that mostly moves forward, so most XADDs succeed. */
let clock = 0;
function id(r: R): string {
  const x = r();
  if (x < 0.55) {
    clock += int(r, 3);
    return r() < 0.2 ? `${clock}-*` : `${clock}-${int(r, 4)}`;
  }
  if (x < 0.04) return pick(r, ['18446744073709551615-18446744073709551615', '9007199254740993-1', '1-18446744073709551615', '18446744073709551615-0']);
  if (x < 0.1) return String(int(r, 60));
  if (x < 0.14) return `${int(r, 60)}-*`;
  if (x < 0.16) return pick(r, ['0-0', 'abc', '-', '+', '1-', '-1', ' 5', '01-02', '1-2-3']);
  return `${int(r, 60)}-${int(r, 4)}`;
}
function bound(r: R): string {
  const x = r();
  if (x < 0.15) return pick(r, ['-', '+', '(-', '(+', '(0-0', '(18446744073709551615-18446744073709551615']);
  if (x < 0.35) return `(${int(r, 60)}-${int(r, 4)}`;
  if (x < 0.5) return String(int(r, 60));
  return `${int(r, 60)}-${int(r, 4)}`;
}
function fields(r: R): string[] {
  const out: string[] = [];
  if (r() < 0.6) {
    for (const f of ['f1', 'f2']) out.push(f, pick(r, VALUES));
    return out;
  }
  const n = 1 + int(r, 3);
  for (let i = 0; i < n; i++) out.push(pick(r, FIELDS), pick(r, VALUES));
  return out;
}
function trim(r: R): string[] {
  const x = r();
  if (x < 0.5) return [];
  const strat = r() < 0.6 ? ['MAXLEN'] : ['MINID'];
  const op = pick(r, [[], ['='], ['~']]);
  const thr = strat[0] === 'MAXLEN' ? String(int(r, 30)) : `${int(r, 60)}-${int(r, 3)}`;
  const lim = r() < 0.2 ? ['LIMIT', pick(r, ['0', '1', '5', '100', '-1'])] : [];
  return [...strat, ...op, thr, ...lim];
}

/** Replace clock readings (idle times, delivery and seen times) in a raw reply. */
function mask(reply: string): string {
  return reply
    .replace(/(\*4\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n[^\r]*\r\n):\d+\r\n/g, '$1:T\r\n')
    .replace(/(\*3\r\n\$\d+\r\n[^\r]*\r\n):\d+\r\n/g, '$1:T\r\n')
    .replace(/(\$4\r\nidle\r\n):\d+/g, '$1:T')
    .replace(/(\$9\r\nseen-time\r\n):\d+/g, '$1:T');
}
const key = (r: R): string => pick(r, KEYS);
const grp = (r: R): string => (r() < 0.7 ? 'g1' : pick(r, GROUPS));
/** Keys for group commands: mostly the one the groups get created on. */
const gkey = (r: R): string => (r() < 0.7 ? 's0' : key(r));
const cons = (r: R): string => pick(r, CONSUMERS);

const GENS: Gen[] = [
  (r) => ['XADD', key(r), id(r), ...fields(r)],
  (r) => ['XADD', key(r), id(r), ...fields(r)],
  (r) => ['XADD', key(r), id(r), ...fields(r)],
  (r) => ['XADD', key(r), ...trim(r), id(r), ...fields(r)],
  (r) => ['XADD', key(r), ...(r() < 0.5 ? ['NOMKSTREAM'] : []), ...trim(r), id(r), ...fields(r)],
  (r) => ['XADD', key(r), id(r), ...(r() < 0.5 ? ['f'] : [])],
  (r) => ['XRANGE', key(r), bound(r), bound(r)],
  (r) => ['XRANGE', key(r), '-', '+'],
  (r) => ['XRANGE', key(r), bound(r), bound(r), 'COUNT', pick(r, ['0', '1', '3', '-1', 'x'])],
  (r) => ['XREVRANGE', key(r), bound(r), bound(r), ...(r() < 0.5 ? ['COUNT', pick(r, ['0', '2', '5'])] : [])],
  (r) => ['XREVRANGE', key(r), '+', '-'],
  (r) => ['XLEN', key(r)],
  (r) => ['XDEL', key(r), ...Array.from({ length: 1 + int(r, 3) }, () => `${int(r, 60)}-${int(r, 3)}`)],
  (r) => ['XTRIM', key(r), ...(r() < 0.9 ? trim(r) : ['FOO'])],
  (r) => ['XTRIM', key(r), pick(r, ['MAXLEN', 'MINID']), pick(r, ['~', '=']), String(int(r, 20)), ...(r() < 0.3 ? ['LIMIT', String(int(r, 10))] : [])],
  (r) => ['XSETID', key(r), id(r), ...(r() < 0.3 ? ['ENTRIESADDED', String(int(r, 50))] : []), ...(r() < 0.3 ? ['MAXDELETEDID', `${int(r, 30)}-0`] : [])],
  (r) => ['XINFO', 'STREAM', key(r)],
  (r) => ['XINFO', 'GROUPS', key(r)],
  (r) => ['XGROUP', 'CREATE', gkey(r), grp(r), pick(r, ['$', '0', '0-0', `${int(r, 60)}-0`, '+']), ...(r() < 0.4 ? ['MKSTREAM'] : []), ...(r() < 0.2 ? ['ENTRIESREAD', pick(r, ['0', '3', '-1', '-2'])] : [])],
  (r) => ['XGROUP', 'SETID', gkey(r), grp(r), pick(r, ['$', '0', `${int(r, 60)}-0`, '-', '+']), ...(r() < 0.3 ? ['ENTRIESREAD', pick(r, ['0', '5', '-1'])] : [])],
  (r) => ['XGROUP', 'DESTROY', key(r), pick(r, GROUPS)],
  (r) => ['XGROUP', 'CREATECONSUMER', gkey(r), grp(r), cons(r)],
  (r) => ['XGROUP', 'DELCONSUMER', gkey(r), grp(r), cons(r)],
  (r) => ['XREADGROUP', 'GROUP', grp(r), cons(r), ...(r() < 0.5 ? ['COUNT', pick(r, ['1', '2', '10'])] : []), ...(r() < 0.2 ? ['NOACK'] : []), 'STREAMS', gkey(r), pick(r, ['>', '>', '0', `${int(r, 60)}-0`, '$'])],
  (r) => ['XREADGROUP', 'GROUP', grp(r), cons(r), 'STREAMS', 's0', 's1', '>', '>'],
  (r) => ['XREAD', ...(r() < 0.5 ? ['COUNT', pick(r, ['1', '3'])] : []), 'STREAMS', key(r), key(r), bound(r).replace('(', ''), pick(r, ['$', '0', '10-0'])],
  (r) => ['XACK', gkey(r), grp(r), ...Array.from({ length: 1 + int(r, 3) }, () => `${int(r, 60)}-${int(r, 3)}`)],
  (r) => ['XPENDING', gkey(r), grp(r)],
  (r) => ['XCLAIM', gkey(r), grp(r), cons(r), '0', ...Array.from({ length: 1 + int(r, 3) }, () => `${int(r, 60)}-${int(r, 3)}`), 'JUSTID', ...(r() < 0.3 ? ['FORCE'] : []), ...(r() < 0.2 ? ['LASTID', `${int(r, 60)}-0`] : [])],
  (r) => ['XAUTOCLAIM', gkey(r), grp(r), cons(r), '0', pick(r, ['0', '-', `${int(r, 60)}-0`, '(5-0']), 'COUNT', pick(r, ['1', '2', '100', '0']), 'JUSTID'],
  (r) => ['XCLAIM', gkey(r), grp(r), cons(r), '0', `${int(r, 60)}-${int(r, 2)}`, pick(r, ['FOO', 'IDLE', 'RETRYCOUNT x'])],
  (r) => ['XPENDING', gkey(r), grp(r), ...(r() < 0.3 ? ['IDLE', pick(r, ['0', '100000'])] : []), bound(r), bound(r), pick(r, ['1', '3', '10', '-1']), ...(r() < 0.4 ? [cons(r)] : [])],
  (r) => ['XINFO', 'CONSUMERS', gkey(r), grp(r)],
  (r) => ['XINFO', 'STREAM', gkey(r), 'FULL', ...(r() < 0.5 ? ['COUNT', pick(r, ['0', '1', '2', '-3'])] : [])],
  (r) => ['XCLAIM', gkey(r), grp(r), cons(r), pick(r, ['0', '100000']), `${int(r, 30)}-${int(r, 3)}`, `${int(r, 30)}-${int(r, 3)}`, ...(r() < 0.5 ? ['RETRYCOUNT', '7'] : []), ...(r() < 0.3 ? ['FORCE'] : [])],
  (r) => ['XAUTOCLAIM', gkey(r), grp(r), cons(r), '0', '0', 'COUNT', pick(r, ['1', '3'])],
  (r) => ['DEL', pick(r, ['s1', 's2', 'str', 's0'])],
  (r) => ['SET', 'str', 'v'],
  (r) => ['TYPE', key(r)],
  (r) => ['OBJECT', 'ENCODING', key(r)],
  (r) => ['CONFIG', 'SET', 'stream-node-max-entries', pick(r, ['100', '2', '3', '5', '0'])],
  (r) => ['CONFIG', 'SET', 'stream-node-max-bytes', pick(r, ['4096', '60', '200', '0'])],
];

const RESET_CONFIG = [
  ['CONFIG', 'SET', 'stream-node-max-entries', '100'],
  ['CONFIG', 'SET', 'stream-node-max-bytes', '4096'],
];

describe('differential: streams vs real redis-server', () => {
  const servers = diffServers();

  for (const proto of ['2', '3'] as const) {
    it(`200 random sequences agree (RESP${proto})`, async () => {
      const compared = await runRandomDiff(servers, proto, {
        sequences: 200,
        seed: (seq, p) => seq * 7919 + p * 31,
        begin: (r) => {
          clock = int(r, 20);
          const setup: string[][] = r() < 0.8 ? [['XGROUP', 'CREATE', 's0', 'g1', pick(r, ['0', '$']), 'MKSTREAM']] : [];
          return { reset: [['SELECT', '9'], ['FLUSHALL'], ...RESET_CONFIG], setup };
        },
        length: (r) => 20 + int(r, 60),
        gens: GENS,
        check: ({ x, y, context }) => {
          expect(mask(x), context).toBe(mask(y));
        },
        final: KEYS.flatMap((k) => [['XRANGE', k, '-', '+'], ['XINFO', 'STREAM', k], ['XINFO', 'GROUPS', k]]),
        restore: RESET_CONFIG,
      });
      expect(compared).toBeGreaterThan(8000);
    }, 240_000);
  }

  it('big streams: node boundaries, approximate trims and the rax node count agree', async () => {
    const a = await RawClient.connect(servers.nodis.port);
    const b = await RawClient.connect(servers.redis.port);
    try {
      const r = rng(4242);
      for (const c of [a, b]) {
        await c.call('SELECT', '9');
        await c.call('FLUSHALL');
      }
      const cmds: string[][] = [];
      let ms = 1;
      for (let i = 0; i < 3000; i++) {
        ms += r() < 0.3 ? int(r, 5000) : 0;
        cmds.push(['XADD', 'big', `${ms}-*`, 'f1', String(int(r, 1000)), 'f2', r() < 0.1 ? 'z'.repeat(int(r, 200)) : 'v']);
        if (i % 97 === 0) cmds.push(['XTRIM', 'big', 'MAXLEN', '~', String(2000 - i / 3)]);
        if (i % 41 === 0) cmds.push(['XDEL', 'big', `${ms}-0`]);
        if (i % 301 === 0) cmds.push(['XINFO', 'STREAM', 'big']);
      }
      cmds.push(['XTRIM', 'big', 'MINID', '~', `${Math.floor(ms / 2)}`], ['XINFO', 'STREAM', 'big'], ['XREVRANGE', 'big', '+', '-', 'COUNT', '50']);
      for (const argv of cmds) {
        const [x, y] = await Promise.all([a.call(...argv), b.call(...argv)]);
        expect(x, JSON.stringify(argv)).toBe(y);
      }
    } finally {
      a.close();
      b.close();
    }
  }, 60_000);

  /* ---- blocking scenarios ------------------------------------------------------------------ */

  const scenarios: Record<string, [number, Scenario]> = {
    'XREAD $ waits for entries added after blocking': [2, async (m, cs, blocked) => {
      const out = [await m.call('XADD', 's', '5-0', 'a', '1')];
      const p1 = (cs[0] as RawClient).call('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
      await blocked(1);
      const p2 = (cs[1] as RawClient).call('XREAD', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 'other', 's', '0', '$');
      await blocked(2);
      out.push(await m.call('XADD', 's', '6-0', 'b', '2'), await p1, await p2);
      return out;
    }],
    'XREADGROUP > serves clients in turn': [2, async (m, cs, blocked) => {
      const out = [await m.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM')];
      const p1 = (cs[0] as RawClient).call('XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>');
      await blocked(1);
      const p2 = (cs[1] as RawClient).call('XREADGROUP', 'GROUP', 'g', 'c2', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>');
      await blocked(2);
      out.push(await m.call('XADD', 's', '1-0', 'a', '1'), await p1);
      await blocked(1);
      out.push(await m.call('XADD', 's', '2-0', 'b', '2'), await p2, await m.call('XPENDING', 's', 'g'));
      return out;
    }],
    'XGROUP DESTROY unblocks with NOGROUP; timeouts give a null array': [1, async (m, cs, blocked) => {
      const out = [await m.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM')];
      const p = (cs[0] as RawClient).call('XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>');
      await blocked(1);
      out.push(await m.call('XGROUP', 'DESTROY', 's', 'g'), await p);
      out.push(await (cs[0] as RawClient).call('XREAD', 'BLOCK', '20', 'STREAMS', 's', '$'));
      out.push(await m.call('XGROUP', 'CREATE', 's', 'g', '$'));
      out.push(await (cs[0] as RawClient).call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '20', 'STREAMS', 's', '>'));
      return out;
    }],
    'XADD + XDEL in MULTI does not wake XREAD; a later XADD does': [1, async (m, cs, blocked) => {
      await m.call('XADD', 's', '1-0', 'a', '1');
      const p = (cs[0] as RawClient).call('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
      await blocked(1);
      const out = [await m.call('MULTI'), await m.call('XADD', 's', '2-0', 'x', 'y'), await m.call('DEL', 's'), await m.call('EXEC')];
      await blocked(1);
      out.push(await m.call('XADD', 's', '3-0', 'k', 'v'), await p);
      return out;
    }],
  };

  scenarios['keyspace events of every stream command'] = [1, async (m, cs) => {
    const sub = cs[0] as RawClient;
    const events: string[] = [];
    await m.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEAmn');
    try {
      events.push(await sub.call('PSUBSCRIBE', '__key*__:*'));
      const cmds: string[][] = [
        ['XADD', 's', '1-0', 'a', '1'], ['XADD', 's', 'MAXLEN', '1', '2-0', 'a', '2'], ['XADD', 's', '3-0', 'b', '3'],
        ['XDEL', 's', '3-0'], ['XDEL', 's', '9-9'], ['XTRIM', 's', 'MAXLEN', '0'], ['XTRIM', 's', 'MAXLEN', '0'],
        ['XSETID', 's', '10-0'], ['XRANGE', 'missing', '-', '+'], ['XGROUP', 'CREATE', 't', 'g', '$', 'MKSTREAM'],
        ['XGROUP', 'CREATECONSUMER', 't', 'g', 'c1'], ['XADD', 't', '5-0', 'f', 'v'],
        ['XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 't', '>'], ['XCLAIM', 't', 'g', 'c3', '0', '5-0', 'JUSTID'],
        ['XAUTOCLAIM', 't', 'g', 'c4', '0', '0', 'JUSTID'], ['XGROUP', 'DELCONSUMER', 't', 'g', 'c1'],
        ['XGROUP', 'SETID', 't', 'g', '0'], ['XACK', 't', 'g', '5-0'], ['XGROUP', 'DESTROY', 't', 'g'],
        ['XREAD', 'STREAMS', 'nokey', '0'],
      ];
      for (const argv of cmds) events.push(await m.call(...argv));
      await sub.raw('*1\r\n$4\r\nPING\r\n', 0);
      for (;;) {
        const [x] = await sub.raw('', 1);
        if (x === undefined || x.includes('pong')) break;
        events.push(x);
      }
    } finally {
      await m.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
    return events;
  }];

  blockingScenarios(servers, scenarios);
});
