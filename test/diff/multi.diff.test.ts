// Differential test: seeded random MULTI / EXEC / DISCARD / WATCH / UNWATCH sequences driven by
// two clients at once (one transacting and watching, one interfering), run on nodis and on the
// real redis-server side by side; every reply must be byte-identical, in RESP2 and RESP3. The
// mix covers queueing errors (unknown command, arity, no-multi), run-time errors inside EXEC,
// nested MULTI, WATCH inside MULTI, SELECT inside transactions, writes by the other client,
// FLUSHDB / FLUSHALL / SWAPDB while watching and the pub/sub context a transaction may enter.
import { describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/resp.js';
import { pick, rng } from '../helpers/random.js';
import { diffServers, type Gen } from '../helpers/diff.js';

const KEYS = ['k0', 'k1', 'k2', 'n', 'bin\x00\xff'];
const key = (r: () => number): string => pick(r, KEYS);

/** Commands of the transacting client (A). */
const A_GENS: Gen[] = [
  () => ['MULTI'],
  () => ['MULTI'],
  () => ['EXEC'],
  () => ['EXEC'],
  () => ['DISCARD'],
  (r) => ['WATCH', key(r), ...pick(r, [[], [key(r)]])],
  () => ['UNWATCH'],
  (r) => ['SET', key(r), pick(r, ['1', 'v', '10', 'x'.repeat(50)])],
  (r) => ['GET', key(r)],
  (r) => ['INCR', key(r)],
  (r) => ['INCRBY', key(r), pick(r, ['5', 'x'])],
  (r) => ['DEL', key(r), key(r)],
  (r) => ['APPEND', key(r), 'ab'],
  (r) => ['EXPIRE', key(r), '1000'],
  (r) => ['EXISTS', key(r)],
  () => ['PING'],
  (r) => ['SELECT', pick(r, ['0', '1', '9'])],
  () => ['GET'],
  (r) => ['NOSUCHCMD', key(r)],
  () => ['SHUTDOWN'],
  (r) => ['CONFIG', pick(r, ['NOPE', 'GET'])],
  (r) => ['OBJECT', 'ENCODING', key(r)],
  () => ['MULTI'],
  () => ['PUBLISH', 'chan', 'msg'],
];

/** Commands of the interfering client (B), run between A's commands. */
const B_GENS: Gen[] = [
  (r) => ['SET', key(r), pick(r, ['1', 'b'])],
  (r) => ['DEL', key(r)],
  (r) => ['INCR', key(r)],
  (r) => ['EXPIRE', key(r), '500'],
  (r) => ['PERSIST', key(r)],
  (r) => ['GET', key(r)],
  () => ['FLUSHDB'],
  () => ['SWAPDB', '9', '1'],
  () => ['PING'],
];

describe('differential: transactions vs real redis-server', () => {
  const servers = diffServers();

  for (const proto of ['2', '3']) {
    it(`200 random two-client sequences agree byte for byte (RESP${proto})`, async () => {
      let compared = 0;
      let execs = 0;
      for (let seq = 0; seq < 200; seq++) {
        const r = rng(seq * 104729 + Number(proto));
        // Fresh connections per sequence: a sequence may end inside MULTI or WATCH.
        const [na, ra, nb, rb] = await Promise.all([
          RawClient.connect(servers.nodis.port), RawClient.connect(servers.redis.port),
          RawClient.connect(servers.nodis.port), RawClient.connect(servers.redis.port),
        ]);
        try {
          for (const c of [na, ra, nb, rb]) {
            await c.call('HELLO', proto);
            await c.call('SELECT', '9');
          }
          await na.call('FLUSHALL');
          await ra.call('FLUSHALL');
          const len = 15 + Math.floor(r() * 30);
          let inMulti = false;
          for (let i = 0; i < len; i++) {
            const fromB = r() < 0.25;
            let argv = (pick(r, fromB ? B_GENS : A_GENS) as Gen)(r);
            // SHUTDOWN only ever reaches a server inside MULTI (where it is refused).
            if (argv[0] === 'SHUTDOWN' && !inMulti) argv = ['PING'];
            const [x, y] = fromB
              ? await Promise.all([nb.call(...argv), rb.call(...argv)])
              : await Promise.all([na.call(...argv), ra.call(...argv)]);
            expect(x, `seq ${seq} step ${i} ${fromB ? 'B' : 'A'}: ${JSON.stringify(argv)}`).toBe(y);
            if (!fromB) {
              if (argv[0] === 'MULTI' && x === '+OK\r\n') inMulti = true;
              if ((argv[0] === 'EXEC' || argv[0] === 'DISCARD') && !x.startsWith('-ERR')) inMulti = false;
              if (argv[0] === 'EXEC') execs++;
            }
            compared++;
          }
          // The datasets agree afterwards, in the databases the sequences touch.
          for (const db of ['9', '1', '0']) {
            await nb.call('SELECT', db);
            await rb.call('SELECT', db);
            for (const k of KEYS) {
              const [x, y] = await Promise.all([nb.call('GET', k), rb.call('GET', k)]);
              expect(x, `seq ${seq} final db ${db} ${JSON.stringify(k)}`).toBe(y);
            }
          }
        } finally {
          for (const c of [na, ra, nb, rb]) c.close();
        }
      }
      expect(compared).toBeGreaterThan(5000);
      expect(execs).toBeGreaterThan(300);
    }, 180_000);
  }
});
