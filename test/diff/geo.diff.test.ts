// Differential test: randomized GEO command sequences run on nodis and on the real
// redis-server side by side; every reply must be byte-identical in RESP2 and RESP3 (members,
// order, distances, hashes, coordinates, errors), and so must the stored results.
//
// Points are drawn around a few centers (dense clusters, the antimeridian, the poles' limits,
// the equator) so searches find many candidates and cross cell boundaries. Searches on g2
// after a STOREDIST into it run on scores that are distances, whose decoded points often
// coincide: equal distances then check the tie order of Redis's sorts (stable qsort for full
// results, pqsort with COUNT). Stored distances (STOREDIST) are compared to 14 significant
// digits (see normalize).
import { describe, expect, it } from 'vitest';
import { pick } from '../helpers/random.js';
import { diffServers, runRandomDiff, type Gen } from '../helpers/diff.js';

type R = () => number;

const CENTERS: ReadonlyArray<[number, number, number]> = [
  [13.361389, 38.115556, 2], // Sicily, ~200 km spread
  [-73.9857, 40.7484, 0.05], // a dense city block
  [179.9, 0, 1], // the antimeridian
  [-179.95, -10, 0.5],
  [0, 84.9, 3], // near the latitude limit
  [20, -84.5, 5],
  [2.35, 48.85, 20], // a wide area
  [0, 0, 0.001], // metres apart
];

function coord(r: R): [string, string] {
  if (r() < 0.03) {
    return pick(r, [
      ['180', '0'], ['-180', '0'], ['0', '85.05112878'], ['0', '-85.05112878'], ['180', '85.05112878'],
      ['-180', '-85.05112878'], ['0', '0'],
    ] as Array<[string, string]>);
  }
  const [cx, cy, s] = r() < 0.85 ? home : pick(r, CENTERS);
  let x = cx + (r() * 2 - 1) * s;
  let y = cy + (r() * 2 - 1) * s;
  x = Math.max(-180, Math.min(180, x));
  y = Math.max(-85.05112878, Math.min(85.05112878, y));
  return [x.toFixed(7), y.toFixed(7)];
}

const KEYS = ['g1', 'g2', 'missing'];
const UNITS = ['m', 'km', 'ft', 'mi', 'KM', 'M', 'yd'];
const RADII = ['0', '1', '10', '500', '1000', '5000', '20000', '100000', '250000', '1000000', '6000000', '0.5', '-1', 'x'];

/** The cluster the current sequence works around (most points and searches). */
let home: [number, number, number] = CENTERS[0]!;

const FACTORS: Record<string, number> = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34, KM: 1000, M: 1 };

/** A radius / box side in a unit, usually at the scale of the home cluster. */
function size(r: R, unit: string): string {
  if (r() < 0.2) return pick(r, RADII);
  const meters = home[2] * 111000 * (0.05 + r() * 2);
  return (meters / (FACTORS[unit] ?? 1)).toFixed(pick(r, [0, 2, 5]));
}

function member(r: R, n: number): string {
  return `m${Math.floor(r() * n)}`;
}

function opts(r: R, store: 'none' | 'georadius' | 'geosearchstore'): string[] {
  const out: string[] = [];
  if (store === 'none') {
    if (r() < 0.5) out.push('WITHDIST');
    if (r() < 0.3) out.push('WITHCOORD');
    if (r() < 0.3) out.push('WITHHASH');
  }
  if (r() < 0.4) out.push(pick(r, ['ASC', 'DESC', 'asc']));
  if (r() < 0.4) {
    out.push('COUNT', r() < 0.05 ? pick(r, ['0', '-1', 'x']) : pick(r, ['1', '2', '3', '5', '50']));
    if (r() < 0.3) out.push('ANY');
  }
  if (r() < 0.02) out.push('ANY');
  if (store === 'georadius' && r() < 0.3) out.push(pick(r, ['STORE', 'STOREDIST']), pick(r, ['dst', 'g2']));
  if (store === 'geosearchstore' && r() < 0.4) out.push('STOREDIST');
  if (r() < 0.02) out.push(pick(r, ['BOGUS', 'WITHDIST']));
  // shuffle a little: Redis accepts options in any order
  if (out.length > 1 && r() < 0.3) out.reverse();
  return out;
}

function from(r: R): string[] {
  if (r() < 0.5) return ['FROMMEMBER', member(r, 40)];
  return ['FROMLONLAT', ...coord(r)];
}

function by(r: R): string[] {
  const u = pick(r, UNITS);
  if (r() < 0.5) return ['BYRADIUS', size(r, u), u];
  return ['BYBOX', size(r, u), size(r, u), u];
}

function radius(r: R): string[] {
  const u = pick(r, UNITS);
  return [size(r, u), u];
}

const GEOADD: Gen = (r) => {
    const out = ['GEOADD', pick(r, ['g1', 'g1', 'g2'])];
    if (r() < 0.2) out.push(...pick(r, [['NX'], ['XX'], ['CH'], ['NX', 'CH'], ['XX', 'CH'], ['NX', 'XX']]));
    const n = 1 + Math.floor(r() * 6);
    for (let i = 0; i < n; i++) out.push(...coord(r), member(r, 40));
    return out;
};

const GENS: Gen[] = [
  GEOADD,
  GEOADD,
  (r) => ['GEOADD', 'g1', pick(r, ['181', '-180.1', '0', 'x']), pick(r, ['0', '86', '-85.06', 'nan']), 'bad'],
  (r) => ['GEOPOS', pick(r, KEYS), ...Array.from({ length: 1 + Math.floor(r() * 4) }, () => member(r, 45))],
  (r) => ['GEOHASH', pick(r, KEYS), ...Array.from({ length: 1 + Math.floor(r() * 4) }, () => member(r, 45))],
  (r) => ['GEODIST', pick(r, KEYS), member(r, 45), member(r, 45), ...(r() < 0.7 ? [pick(r, UNITS)] : [])],
  (r) => [pick(r, ['GEORADIUS', 'GEORADIUS_RO']), pick(r, KEYS), ...coord(r), ...radius(r), ...opts(r, 'none')],
  (r) => [pick(r, ['GEORADIUSBYMEMBER', 'GEORADIUSBYMEMBER_RO']), pick(r, KEYS), member(r, 40), ...radius(r), ...opts(r, 'none')],
  (r) => ['GEORADIUS', pick(r, KEYS), ...coord(r), ...radius(r), ...opts(r, 'georadius')],
  (r) => ['GEORADIUSBYMEMBER', pick(r, KEYS), member(r, 40), ...radius(r), ...opts(r, 'georadius')],
  (r) => ['GEOSEARCH', pick(r, KEYS), ...from(r), ...by(r), ...opts(r, 'none')],
  (r) => ['GEOSEARCH', pick(r, KEYS), ...(r() < 0.8 ? from(r) : []), ...(r() < 0.8 ? by(r) : []), ...opts(r, 'none')],
  (r) => ['GEOSEARCHSTORE', pick(r, ['dst', 'g2']), pick(r, KEYS), ...from(r), ...by(r), ...opts(r, 'geosearchstore')],
  (r) => ['ZRANGE', pick(r, ['dst', 'g2']), '0', '-1', 'WITHSCORES'],
  (r) => ['OBJECT', 'ENCODING', pick(r, ['dst', 'g1'])],
  (r) => ['ZREM', 'g1', member(r, 40)],
];

/**
 * Scores of STOREDIST results are distances printed with %.17g: the last bit of a distance can
 * differ where glibc's sin/cos/asin are not correctly rounded (~0.1% of calls; ours are), so
 * stored scores are compared to 14 significant digits. Everything else is compared exactly.
 */
function normalize(argv: string[], reply: string): string {
  if (argv[0] !== 'ZRANGE') return reply;
  return reply
    .replace(/\$\d+\r\n(-?\d+\.\d+(?:e[-+]\d+)?)\r\n/g, (_m, n: string) => `$F\r\n${Number(n).toPrecision(14)}\r\n`)
    .replace(/,(-?\d+\.\d+(?:e[-+]\d+)?)\r\n/g, (_m, n: string) => `,${Number(n).toPrecision(14)}\r\n`);
}

describe('differential: geo vs real redis-server', () => {
  const servers = diffServers();

  for (const proto of ['2', '3'] as const) {
    it(`150 random sequences agree byte for byte (RESP${proto})`, async () => {
      let nonEmpty = 0;
      const compared = await runRandomDiff(servers, proto, {
        sequences: 150,
        seed: (seq, p) => seq * 7919 + p * 31,
        begin: (r) => {
          const entries = pick(r, ['0', '128']);
          home = pick(r, CENTERS);
          // Seed the index with a cluster of points around home.
          const seed = ['GEOADD', 'g1'];
          for (let i = 0; i < 30; i++) seed.push(...coord(r), `m${i}`);
          return { reset: [['FLUSHALL'], ['CONFIG', 'SET', 'zset-max-listpack-entries', entries]], setup: [seed] };
        },
        length: (r) => 20 + Math.floor(r() * 40),
        gens: GENS,
        check: ({ argv, x, y, context }) => {
          expect(normalize(argv, x), context).toBe(normalize(argv, y));
          if (argv[0]!.startsWith('GEOSEARCH') || argv[0]!.startsWith('GEORADIUS')) {
            if (/^\*[1-9]|^:[1-9]/.test(y)) nonEmpty++;
          }
        },
        restore: [['CONFIG', 'SET', 'zset-max-listpack-entries', '128']],
      });
      expect(compared).toBeGreaterThan(4000);
      expect(nonEmpty).toBeGreaterThan(250);
    }, 240_000);
  }
});
