// Differential test: HyperLogLog values move both ways between nodis and the real
// redis-server as raw bytes (GET / SET), and every operation on them must give the same
// replies and leave byte-identical values: PFADD (sparse editing, promotion to dense at
// hll-sparse-max-bytes), PFCOUNT (single key with the cached cardinality, multi-key union),
// PFMERGE (sparse and dense targets), PFDEBUG, and corrupted values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { rng } from '../helpers/random.js';

/** The payload of a raw bulk reply ("$n\r\n...\r\n"). */
function bulkPayload(reply: string): string {
  const nl = reply.indexOf('\r\n');
  expect(reply[0], reply.slice(0, 60)).toBe('$');
  return reply.slice(nl + 2, reply.length - 2);
}

function elements(r: () => number, n: number, tag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = r();
    if (kind < 0.4) out.push(`${tag}:${i}`);
    else if (kind < 0.7) out.push(String(Math.floor(r() * 1e9)));
    else {
      let s = '';
      const len = Math.floor(r() * 24);
      for (let j = 0; j < len; j++) s += String.fromCharCode(Math.floor(r() * 256));
      out.push(s);
    }
  }
  return out;
}

describe('differential: HyperLogLog values vs real redis-server', () => {
  let nodis: RunningServer;
  let redis: RealRedis;
  let a: RawClient;
  let b: RawClient;

  beforeAll(async () => {
    redis = await startRealRedis();
    nodis = await startServer({ port: 0, config: { loglevel: 'warning' } });
    a = await RawClient.connect(nodis.port);
    b = await RawClient.connect(redis.port);
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    await nodis?.close();
    await redis?.stop();
  });

  /** Run on both; replies must be identical; returns the reply. */
  async function both(...argv: string[]): Promise<string> {
    const [x, y] = await Promise.all([a.call(...argv), b.call(...argv)]);
    expect(x, JSON.stringify(argv).slice(0, 200)).toBe(y);
    return x;
  }

  async function pfaddBatched(key: string, els: string[]): Promise<void> {
    if (els.length === 0) await both('PFADD', key);
    for (let i = 0; i < els.length; i += 500) await both('PFADD', key, ...els.slice(i, i + 500));
  }

  /** The value must be byte-identical on both servers. */
  async function sameValue(key: string): Promise<string> {
    return bulkPayload(await both('GET', key));
  }

  async function reset(): Promise<void> {
    await both('FLUSHALL');
    await both('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
  }

  it('PFADD of the same elements leaves identical bytes, across promotion limits', async () => {
    await reset();
    const sizes = [0, 1, 2, 5, 17, 60, 200, 700, 1500, 3000, 6000, 20000];
    const seen = new Set<string>();
    for (const limit of ['3000', '500', '100', '10000']) {
      await both('CONFIG', 'SET', 'hll-sparse-max-bytes', limit);
      for (const n of sizes) {
        const r = rng(n * 31 + limit.length);
        const key = `h:${limit}:${n}`;
        await pfaddBatched(key, elements(r, n, key));
        await sameValue(key);
        seen.add(await both('PFDEBUG', 'ENCODING', key));
        await both('PFCOUNT', key);
        await sameValue(key); // the refreshed cache is written the same way
        // Adding known elements again changes nothing.
        await both('PFADD', key, ...elements(rng(n * 31 + limit.length), Math.min(n, 100), key));
        await both('PFDEBUG', 'DECODE', key);
      }
    }
    expect([...seen].sort()).toEqual(['+dense\r\n', '+sparse\r\n']);
  }, 120_000);

  it('values made by Redis count the same in nodis, and the reverse', async () => {
    await reset();
    for (let round = 0; round < 30; round++) {
      const r = rng(1000 + round);
      const n = Math.floor(r() ** 3 * 30000);
      const els = elements(r, n, `r${round}`);
      // Built on Redis only, then copied to nodis byte for byte.
      for (let i = 0; i < els.length || i === 0; i += 500) await b.call('PFADD', 'src', ...els.slice(i, i + 500));
      const fromRedis = bulkPayload(await b.call('GET', 'src'));
      await a.call('SET', 'copy', fromRedis);
      await b.call('SET', 'copy', fromRedis);
      await both('PFCOUNT', 'copy');
      // A stale cache forces both to recompute.
      await both('SETRANGE', 'copy', '15', '\x80');
      await both('PFCOUNT', 'copy');
      await sameValue('copy');
      const more = elements(r, 50 + Math.floor(r() * 500), `more${round}`);
      await both('PFADD', 'copy', ...more);
      await sameValue('copy');
      await both('PFCOUNT', 'copy');

      // Built on nodis only, then copied to Redis.
      for (let i = 0; i < els.length || i === 0; i += 500) await a.call('PFADD', 'mine', ...els.slice(i, i + 500));
      const fromNodis = bulkPayload(await a.call('GET', 'mine'));
      expect(fromNodis).toBe(fromRedis);
      await b.call('SET', 'mine2', fromNodis);
      await a.call('SET', 'mine2', fromNodis);
      await both('PFCOUNT', 'mine2');
      await both('DEL', 'src', 'mine', 'mine2', 'copy');
    }
  }, 120_000);

  it('random dense registers (cardinalities up to ~1e10) give the same estimate', async () => {
    await reset();
    const base = bulkPayload(await (async () => {
      await both('PFADD', 'seed', 'x');
      await both('PFDEBUG', 'TODENSE', 'seed');
      return both('GET', 'seed');
    })());
    for (let round = 0; round < 60; round++) {
      const r = rng(5000 + round);
      // Register values as a cardinality n would leave them: rank k with probability 2^-k,
      // register touched with probability 1 - exp(-n/m).
      const n = 10 ** (1 + r() * 9);
      const touched = 1 - Math.exp(-n / 16384);
      const buf = Buffer.from(base, 'latin1');
      buf.fill(0, 16);
      buf[15] = 0x80;
      for (let i = 0; i < 16384; i++) {
        let v = 0;
        if (r() < touched) {
          // Max of ~n/m geometric ranks.
          const per = Math.max(1, Math.round(n / 16384));
          for (let k = 0; k < Math.min(per, 64); k++) {
            let rank = 1;
            while (r() < 0.5 && rank < 51) rank++;
            if (rank > v) v = rank;
          }
          if (per > 64) v = Math.min(63, v + Math.round(Math.log2(per / 64)));
        }
        const bit = i * 6;
        const pos = 16 + (bit >> 3);
        const fb = bit & 7;
        buf[pos] = buf[pos]! | ((v << fb) & 0xff);
        if (pos + 1 < buf.length) buf[pos + 1] = buf[pos + 1]! | (v >> (8 - fb));
      }
      const value = buf.latin1Slice();
      await a.call('SET', 'd', value);
      await b.call('SET', 'd', value);
      await both('PFCOUNT', 'd');
      await sameValue('d');
      await both('PFCOUNT', 'd', 'seed', 'nokey');
    }
  }, 120_000);

  it('PFMERGE into sparse and dense targets and multi-key PFCOUNT agree', async () => {
    await reset();
    for (let round = 0; round < 40; round++) {
      const r = rng(9000 + round);
      await both('FLUSHALL');
      const keys: string[] = [];
      const nkeys = 1 + Math.floor(r() * 4);
      for (let k = 0; k < nkeys; k++) {
        const key = `{m}${k}`;
        keys.push(key);
        await pfaddBatched(key, elements(r, Math.floor(r() ** 2 * 4000), key));
        if (r() < 0.2) await both('PFDEBUG', 'TODENSE', key);
      }
      const dest = r() < 0.5 ? '{m}dest' : keys[0]!;
      if (dest === '{m}dest' && r() < 0.5) await both('PFADD', dest, 'pre', 'existing');
      await both('PFMERGE', dest, ...keys, '{m}missing');
      await sameValue(dest);
      await both('PFCOUNT', dest);
      await both('PFCOUNT', ...keys, '{m}missing');
      await both('PFDEBUG', 'ENCODING', dest);
    }
  }, 120_000);

  it('corrupted values: the same errors, counts and resulting bytes', async () => {
    await reset();
    for (let round = 0; round < 1000; round++) {
      const r = rng(20000 + round);
      await both('DEL', 'c', 'ok');
      await pfaddBatched('c', elements(r, Math.floor(r() * 3000), `c${round}`));
      await both('PFADD', 'ok', 'a', 'b');
      for (let i = 0; i < 5; i++) {
        const len = Number((await both('STRLEN', 'c')).slice(1, -2));
        const pos = Math.floor(r() * len);
        await both('SETRANGE', 'c', String(pos), String.fromCharCode(Math.floor(r() * 256)));
        if (r() < 0.5) break;
      }
      const op = Math.floor(r() * 4);
      if (op === 0) await both('PFCOUNT', 'c');
      else if (op === 1) await both('PFADD', 'c', ...elements(r, 20, `y${round}`));
      else if (op === 2) await both('PFMERGE', 'ok', 'c');
      else await both('PFCOUNT', 'c', 'ok');
      await sameValue('c');
      await sameValue('ok');
    }
    // Structural damage.
    await both('DEL', 'c');
    await both('PFADD', 'c', 'a', 'b', 'c');
    await both('APPEND', 'c', 'hello');
    await both('PFCOUNT', 'c');
    await both('SETRANGE', 'c', '0', '0123');
    await both('PFCOUNT', 'c');
    await both('PFADD', 'c', 'z');
    await both('SET', 'i', '12345');
    await both('PFCOUNT', 'i');
    await both('SET', 'e', '');
    await both('PFADD', 'e', 'x');
  }, 120_000);
});
