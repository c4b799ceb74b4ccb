/*
 * GEO commands (geo.c): a geospatial index is a sorted set whose scores are 52-bit geohashes
 * (src/ds/geohash.ts). GEOADD encodes and hands over to ZADD (so it propagates as ZADD);
 * GEOPOS / GEODIST / GEOHASH decode scores; GEOSEARCH[STORE] and the GEORADIUS family scan
 * the nine cells around the search center and keep the points inside the circle or box.
 *
 * Replies follow Redis byte for byte: distances with exactly 4 decimals (llrint of d*10^4),
 * coordinates in the human long-double form (%.17Lf, trailing zeros trimmed), hashes as the
 * integer scores, results sorted by distance with a stable sort (glibc's qsort is a merge sort).
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { doubleArg, is } from './args.js';
import { lookupRead } from './lookup.js';
import { commands as zsetCommands } from './zsets.js';
import { notZset, storeZset } from './zsets-common.js';
import * as E from '../protocol/errors.js';
import type { RObject } from '../keyspace/object.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../keyspace/notify.js';
import {
  compareElements,
  createZsetFromSorted,
  zsetConvertToListpackIfNeeded,
  zsetRangeByScore,
  zsetScore,
} from '../keyspace/types/zset.js';
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  type GeoShape,
  calculateAreasByShape,
  decodeScore,
  distance,
  distanceIfWithin,
  geohashString,
  isZeroHash,
  align52Bits,
  encodeWGS84,
  GEO_STEP_MAX,
  scoresOfBox,
  unitToMeters,
} from '../ds/geohash.js';
import { pqsort } from '../ds/pqsort.js';
import { formatHumanExact, parseInt64 } from '../util/numbers.js';

/* ---- formatting ------------------------------------------------------------------------------ */

/** C's llrint in the default rounding mode: nearest, ties to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** fixedpoint_d2string(d, 4): exactly four decimals. */
export function formatDistance(d: number): string {
  if (d === 0) return '0.0000';
  const v = rint(d * 10000);
  const neg = v < 0;
  const digits = BigInt(neg ? -v : v).toString().padStart(5, '0');
  return (neg ? '-' : '') + digits.slice(0, -4) + '.' + digits.slice(-4);
}

/** printf("%f"): six decimals, exactly rounded (ties to even on the binary value). */
export function formatFixed6(d: number): string {
  if (d !== d) return d < 0 ? '-nan' : 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  const neg = d < 0 || Object.is(d, -0);
  const a = Math.abs(d);
  // a = m * 2^e exactly; scale by 10^6 and round half to even with integer arithmetic.
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, a);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = bexp - 1075;
  }
  let q: bigint;
  if (e >= 0) q = (m << BigInt(e)) * 1000000n;
  else {
    const num = m * 1000000n;
    const den = 1n << BigInt(-e);
    q = num / den;
    const rem = num - q * den;
    const twice = rem * 2n;
    if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  }
  const s = q.toString().padStart(7, '0');
  return (neg ? '-' : '') + s.slice(0, -6) + '.' + s.slice(-6);
}

/** addReplyDoubleDistance. */
function replyDistance(c: Ctx, d: number): void {
  c.reply.bulk(formatDistance(d));
}

/** addReplyHumanLongDouble: bulk in RESP2, a RESP3 double otherwise. */
function replyCoord(c: Ctx, d: number): void {
  c.reply.doubleText(formatHumanExact(d));
}

/** (long long) of a score, as x86-64 converts it. */
function scoreAsLongLong(score: number): bigint {
  if (score > -9223372036854775808 && score < 9223372036854775808) return BigInt(Math.trunc(score));
  return -9223372036854775808n;
}

/* ---- argument helpers ------------------------------------------------------------------------ */

/** extractLongLatOrReply: [lon, lat] from two arguments, range-checked. */
function longLatArg(c: Ctx, argv: string[], i: number): number[] | null {
  const lon = doubleArg(c, argv[i]);
  if (lon === null) return null;
  const lat = doubleArg(c, argv[i + 1]);
  if (lat === null) return null;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    c.reply.error(`ERR invalid longitude,latitude pair ${formatFixed6(lon)},${formatFixed6(lat)}`);
    return null;
  }
  return [lon, lat];
}

/** extractUnitOrReply. */
function unitArg(c: Ctx, s: string): number {
  const m = unitToMeters(s);
  if (m < 0) c.reply.error('ERR unsupported unit provided. please use M, KM, FT, MI');
  return m;
}

/** extractDistanceOrReply: radius and unit into the shape. */
function radiusArg(c: Ctx, argv: string[], i: number, shape: GeoShape): boolean {
  const d = doubleArg(c, argv[i], 'ERR need numeric radius');
  if (d === null) return false;
  if (d < 0) {
    c.reply.error('ERR radius cannot be negative');
    return false;
  }
  shape.radius = d;
  const conv = unitArg(c, argv[i + 1] as string);
  if (conv < 0) return false;
  shape.conversion = conv;
  return true;
}

/** extractBoxOrReply: width, height and unit into the shape. */
function boxArg(c: Ctx, argv: string[], i: number, shape: GeoShape): boolean {
  const w = doubleArg(c, argv[i], 'ERR need numeric width');
  if (w === null) return false;
  const h = doubleArg(c, argv[i + 1], 'ERR need numeric height');
  if (h === null) return false;
  if (h < 0 || w < 0) {
    c.reply.error('ERR height or width cannot be negative');
    return false;
  }
  shape.width = w;
  shape.height = h;
  const conv = unitArg(c, argv[i + 2] as string);
  if (conv < 0) return false;
  shape.conversion = conv;
  return true;
}

/** longLatFromMember: the decoded position of a member, or null when it is missing. */
function memberPosition(zobj: RObject, member: string): number[] | null {
  const score = zsetScore(zobj, member);
  if (score === null) return null;
  const xy = [0, 0];
  decodeScore(score, xy);
  return xy;
}

/* ---- GEOADD ---------------------------------------------------------------------------------- */

const zaddHandler = zsetCommands.find((s) => s.name === 'zadd')?.handler;

function geoaddCommand(c: Ctx, argv: string[]): void {
  let xx = false;
  let nx = false;
  let longidx = 2;
  while (longidx < argv.length) {
    const opt = argv[longidx];
    if (is(opt, 'nx')) nx = true;
    else if (is(opt, 'xx')) xx = true;
    else if (!is(opt, 'ch')) break;
    longidx++;
  }
  if ((argv.length - longidx) % 3 !== 0 || (xx && nx)) {
    c.reply.error(E.SYNTAX);
    return;
  }
  const elements = (argv.length - longidx) / 3;
  const zargv: string[] = ['zadd', ...argv.slice(1, longidx)];
  for (let i = 0; i < elements; i++) {
    const xy = longLatArg(c, argv, longidx + i * 3);
    if (xy === null) return;
    const h = encodeWGS84(xy[0] as number, xy[1] as number, GEO_STEP_MAX);
    const bits = h === null ? 0n : align52Bits(h);
    zargv.push(bits.toString(), argv[longidx + i * 3 + 2] as string);
  }
  // Redis rewrites the command into ZADD and runs it: it propagates as that ZADD.
  c.rewritePropagation(zargv);
  if (zaddHandler === undefined) throw new Error('ZADD handler missing');
  zaddHandler(c, zargv);
}

/* ---- GEORADIUS / GEOSEARCH ------------------------------------------------------------------- */

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

interface GeoPoint {
  lon: number;
  lat: number;
  dist: number;
  score: number;
  member: string;
}

/**
 * membersOfAllNeighbors + geoGetPointsInRange: the points of the nine cells inside the shape,
 * in scan order; with a limit (ANY) the scan stops once that many were found.
 */
function collectPoints(zobj: RObject, shape: GeoShape, limit: number): GeoPoint[] {
  const cells = calculateAreasByShape(shape);
  const out: GeoPoint[] = [];
  const xy = [0, 0];
  let lastProcessed = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (isZeroHash(cell)) continue;
    if (lastProcessed !== 0) {
      const prev = cells[lastProcessed]!;
      if (cell.bits === prev.bits && cell.step === prev.step) continue;
    }
    if (out.length > 0 && limit > 0 && out.length >= limit) break;
    const [min, max] = scoresOfBox(cell);
    let full = false;
    zsetRangeByScore(zobj, { min, max, minex: false, maxex: true }, 0, -1, false, (member, score) => {
      if (full) return;
      decodeScore(score, xy);
      const d = distanceIfWithin(shape, xy[0] as number, xy[1] as number);
      if (d >= 0) out.push({ lon: xy[0] as number, lat: xy[1] as number, dist: d, score, member });
      if (out.length > 0 && limit > 0 && out.length >= limit) full = true;
    }, true);
    lastProcessed = i;
  }
  return out;
}

/** georadiusGeneric: every variant of the radius / box search. */
function georadiusGeneric(c: Ctx, argv: string[], srcKeyIndex: number, flags: number): void {
  const db = c.db;
  let storekey: string | null = null;
  let storedist = false;
  const zobj = lookupRead(c, db, argv[srcKeyIndex] as string);
  if (notZset(c, zobj)) return;

  let baseArgs: number;
  const shape: GeoShape = { circular: true, xy: [0, 0], conversion: 0, radius: 0, width: 0, height: 0 };
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    const xy = longLatArg(c, argv, 2);
    if (xy === null) return;
    shape.xy = xy;
    if (!radiusArg(c, argv, baseArgs - 2, shape)) return;
  } else if ((flags & RADIUS_MEMBER) && zobj === null) {
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    const xy = memberPosition(zobj as RObject, argv[2] as string);
    if (xy === null) {
      c.reply.error('ERR could not decode requested zset member');
      return;
    }
    shape.xy = xy;
    if (!radiusArg(c, argv, baseArgs - 2, shape)) return;
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storekey = argv[1] as string;
    }
  }

  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const arg = argv[baseArgs + i] as string;
    if (is(arg, 'withdist')) withdist = true;
    else if (is(arg, 'withhash')) withhash = true;
    else if (is(arg, 'withcoord')) withcoords = true;
    else if (is(arg, 'any')) any = true;
    else if (is(arg, 'asc')) sort = SORT_ASC;
    else if (is(arg, 'desc')) sort = SORT_DESC;
    else if (is(arg, 'count') && i + 1 < remaining) {
      const v = parseInt64(argv[baseArgs + i + 1] as string);
      if (v === null) {
        c.reply.error(E.NOT_INTEGER);
        return;
      }
      if (v <= 0) {
        c.reply.error('ERR COUNT must be > 0');
        return;
      }
      count = Number(v);
      i++;
    } else if (is(arg, 'store') && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
      storekey = argv[baseArgs + i + 1] as string;
      storedist = false;
      i++;
    } else if (is(arg, 'storedist') && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
      storekey = argv[baseArgs + i + 1] as string;
      storedist = true;
      i++;
    } else if (is(arg, 'storedist') && (flags & GEOSEARCH) && (flags & GEOSEARCHSTORE)) {
      storedist = true;
    } else if (is(arg, 'frommember') && i + 1 < remaining && (flags & GEOSEARCH) && !fromloc) {
      if (zobj !== null) {
        const xy = memberPosition(zobj, argv[baseArgs + i + 1] as string);
        if (xy === null) {
          c.reply.error('ERR could not decode requested zset member');
          return;
        }
        shape.xy = xy;
      }
      frommember = true;
      i++;
    } else if (is(arg, 'fromlonlat') && i + 2 < remaining && (flags & GEOSEARCH) && !frommember) {
      const xy = longLatArg(c, argv, baseArgs + i + 1);
      if (xy === null) return;
      shape.xy = xy;
      fromloc = true;
      i += 2;
    } else if (is(arg, 'byradius') && i + 2 < remaining && (flags & GEOSEARCH) && !bybox) {
      if (!radiusArg(c, argv, baseArgs + i + 1, shape)) return;
      shape.circular = true;
      byradius = true;
      i += 2;
    } else if (is(arg, 'bybox') && i + 3 < remaining && (flags & GEOSEARCH) && !byradius) {
      if (!boxArg(c, argv, baseArgs + i + 1, shape)) return;
      shape.circular = false;
      bybox = true;
      i += 3;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }

  if (storekey !== null && (withdist || withhash || withcoords)) {
    const what = flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    c.reply.error(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
    return;
  }
  if ((flags & GEOSEARCH) && !(frommember || fromloc)) {
    c.reply.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`);
    return;
  }
  if ((flags & GEOSEARCH) && !(byradius || bybox)) {
    c.reply.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
    return;
  }
  if (any && count === 0) {
    c.reply.error('ERR the ANY argument requires COUNT argument');
    return;
  }

  if (zobj === null) {
    if (storekey !== null) {
      if (db.delete(storekey)) {
        c.modified(db, storekey);
        c.notify(NOTIFY_GENERIC, 'del', storekey, db.id);
        c.dirty();
      }
      c.reply.integer(0);
    } else {
      c.reply.array(0);
    }
    return;
  }

  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;

  const ga = collectPoints(zobj, shape, any ? count : 0);
  if (ga.length === 0 && storekey === null) {
    c.reply.array(0);
    return;
  }
  const returned = count === 0 || ga.length < count ? ga.length : count;
  if (sort !== SORT_NONE) {
    const asc = (a: GeoPoint, b: GeoPoint): number => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
    const cmp = sort === SORT_ASC ? asc : (a: GeoPoint, b: GeoPoint): number => -asc(a, b);
    // A full sort is glibc's qsort, a stable merge sort (as Array.prototype.sort).
    if (returned === ga.length) ga.sort(cmp);
    else pqsort(ga, cmp, 0, returned - 1);
  }
  // Candidates were measured with the fast formula; what is shown or stored gets the exact one.
  if (withdist || storedist) {
    const cx = shape.xy[0] as number;
    const cy = shape.xy[1] as number;
    for (let i = 0; i < returned; i++) {
      const gp = ga[i]!;
      gp.dist = distance(cx, cy, gp.lon, gp.lat);
    }
  }

  if (storekey === null) {
    const optionLength = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
    const r = c.reply;
    r.array(returned);
    for (let i = 0; i < returned; i++) {
      const gp = ga[i]!;
      const dist = gp.dist / shape.conversion;
      if (optionLength > 0) r.array(optionLength + 1);
      r.bulk(gp.member);
      if (withdist) replyDistance(c, dist);
      if (withhash) r.integer(scoreAsLongLong(gp.score));
      if (withcoords) {
        r.array(2);
        replyCoord(c, gp.lon);
        replyCoord(c, gp.lat);
      }
    }
    return;
  }

  if (returned > 0) {
    const pairs: Array<[number, string]> = [];
    const seen = new Set<string>();
    let maxelelen = 0;
    let totelelen = 0;
    for (let i = 0; i < returned; i++) {
      const gp = ga[i]!;
      if (seen.has(gp.member)) continue;
      seen.add(gp.member);
      const score = storedist ? gp.dist / shape.conversion : gp.score;
      const len = gp.member.length;
      if (len > maxelelen) maxelelen = len;
      totelelen += len;
      pairs.push([score, gp.member]);
    }
    pairs.sort((a, b) => compareElements(a[0], a[1], b[0], b[1]));
    const o = createZsetFromSorted(pairs.map((p) => p[1]), pairs.map((p) => p[0]));
    zsetConvertToListpackIfNeeded(o, maxelelen, totelelen, c.server.zsetLimits);
    storeZset(c, storekey, o);
    c.notify(NOTIFY_ZSET, flags & GEOSEARCH ? 'geosearchstore' : 'georadiusstore', storekey, db.id);
    c.dirty(returned);
  } else if (db.delete(storekey)) {
    c.modified(db, storekey);
    c.notify(NOTIFY_GENERIC, 'del', storekey, db.id);
    c.dirty();
  }
  c.reply.integer(returned);
}

function georadiusCommand(c: Ctx, argv: string[]): void {
  georadiusGeneric(c, argv, 1, RADIUS_COORDS);
}

function georadiusbymemberCommand(c: Ctx, argv: string[]): void {
  georadiusGeneric(c, argv, 1, RADIUS_MEMBER);
}

function georadiusroCommand(c: Ctx, argv: string[]): void {
  georadiusGeneric(c, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE);
}

function georadiusbymemberroCommand(c: Ctx, argv: string[]): void {
  georadiusGeneric(c, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE);
}

function geosearchCommand(c: Ctx, argv: string[]): void {
  georadiusGeneric(c, argv, 1, GEOSEARCH);
}

function geosearchstoreCommand(c: Ctx, argv: string[]): void {
  georadiusGeneric(c, argv, 2, GEOSEARCH | GEOSEARCHSTORE);
}

/** georadiusGetKeys: the source key and the last STORE/STOREDIST key. */
function georadiusKeys(argv: readonly string[]): number[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    if ((is(argv[i], 'store') || is(argv[i], 'storedist')) && i + 1 < argv.length) {
      stored = i + 1;
      i++;
    }
  }
  return stored === -1 ? [1] : [1, stored];
}

/* ---- GEOHASH / GEOPOS / GEODIST -------------------------------------------------------------- */

/** GEOHASH (`pos` false) and GEOPOS (`pos` true): one reply per member, null when missing. */
function geoMembersReply(c: Ctx, argv: string[], pos: boolean): void {
  const zobj = lookupRead(c, c.db, argv[1] as string);
  if (notZset(c, zobj)) return;
  const r = c.reply;
  r.array(argv.length - 2);
  const xy = [0, 0];
  for (let j = 2; j < argv.length; j++) {
    const score = zobj === null ? null : zsetScore(zobj, argv[j] as string);
    if (score === null) {
      if (pos) r.nullArray();
      else r.nullBulk();
      continue;
    }
    decodeScore(score, xy);
    if (pos) {
      r.array(2);
      replyCoord(c, xy[0] as number);
      replyCoord(c, xy[1] as number);
    } else {
      r.bulk(geohashString(xy[0] as number, xy[1] as number));
    }
  }
}

function geodistCommand(c: Ctx, argv: string[]): void {
  let toMeter = 1;
  if (argv.length === 5) {
    toMeter = unitArg(c, argv[4] as string);
    if (toMeter < 0) return;
  } else if (argv.length > 5) {
    c.reply.error(E.SYNTAX);
    return;
  }
  const zobj = lookupRead(c, c.db, argv[1] as string);
  if (zobj === null) {
    c.reply.nullBulk();
    return;
  }
  if (notZset(c, zobj)) return;
  const s1 = zsetScore(zobj, argv[2] as string);
  const s2 = s1 === null ? null : zsetScore(zobj, argv[3] as string);
  if (s1 === null || s2 === null) {
    c.reply.nullBulk();
    return;
  }
  const a = [0, 0];
  const b = [0, 0];
  decodeScore(s1, a);
  decodeScore(s2, b);
  replyDistance(c, distance(a[0] as number, a[1] as number, b[0] as number, b[1] as number) / toMeter);
}

/* ---- metadata -------------------------------------------------------------------------------- */

export const commands: CommandSpec[] = [
  {
    name: 'geoadd',
    arity: -5,
    flags: ['write','denyoom'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RW','update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }],
    group: 'geo',
    since: '3.2.0',
    summary: "Add one or more geospatial items in the geospatial index represented using a sorted set",
    complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    history: [["6.2.0","Added the `CH`, `NX` and `XX` options."]],
    args: [{"name":"key","type":"key","key_spec_index":0},{"name":"condition","type":"oneof","optional":true,"since":"6.2.0","arguments":[{"name":"nx","type":"pure-token","token":"NX"},{"name":"xx","type":"pure-token","token":"XX"}]},{"name":"change","type":"pure-token","token":"CH","optional":true,"since":"6.2.0"},{"name":"longitude_latitude_member","type":"block","multiple":true,"arguments":[{"name":"longitude","type":"double"},{"name":"latitude","type":"double"},{"name":"member","type":"string"}]}],
    handler: geoaddCommand,
  },
  {
    name: 'geodist',
    arity: -4,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO','access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }],
    group: 'geo',
    since: '3.2.0',
    summary: "Returns the distance between two members of a geospatial index",
    complexity: "O(log(N))",
    args: [{"name":"key","type":"key","key_spec_index":0},{"name":"member1","type":"string"},{"name":"member2","type":"string"},{"name":"unit","type":"oneof","optional":true,"arguments":[{"name":"m","type":"pure-token","token":"m"},{"name":"km","type":"pure-token","token":"km"},{"name":"ft","type":"pure-token","token":"ft"},{"name":"mi","type":"pure-token","token":"mi"}]}],
    handler: geodistCommand,
  },
  {
    name: 'geohash',
    arity: -2,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO','access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }],
    group: 'geo',
    since: '3.2.0',
    summary: "Returns members of a geospatial index as standard geohash strings",
    complexity: "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
    args: [{"name":"key","type":"key","key_spec_index":0},{"name":"member","type":"string","multiple":true}],
    handler: (c, argv) => geoMembersReply(c, argv, false),
  },
  {
    name: 'geopos',
    arity: -2,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO','access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }],
    group: 'geo',
    since: '3.2.0',
    summary: "Returns longitude and latitude of members of a geospatial index",
    complexity: "O(N) where N is the number of members requested.",
    args: [{"name":"key","type":"key","key_spec_index":0},{"name":"member","type":"string","multiple":true}],
    handler: (c, argv) => geoMembersReply(c, argv, true),
  },
  {
    name: 'georadius',
    arity: -6,
    flags: ['write','denyoom'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO','access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }, { flags: ['OW','update'], begin: { keyword: 'STORE', startfrom: 6 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }, { flags: ['OW','update'], begin: { keyword: 'STOREDIST', startfrom: 6 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }],
    group: 'geo',
    since: '3.2.0',
    summary: "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point",
    complexity: "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument",
    history: [["6.2.0","Added the `ANY` option for `COUNT`."],["7.0.0","Added support for uppercase unit names."]],
    args: [{"name":"key","type":"key","key_spec_index":0},{"name":"longitude","type":"double"},{"name":"latitude","type":"double"},{"name":"radius","type":"double"},{"name":"unit","type":"oneof","arguments":[{"name":"m","type":"pure-token","token":"m"},{"name":"km","type":"pure-token","token":"km"},{"name":"ft","type":"pure-token","token":"ft"},{"name":"mi","type":"pure-token","token":"mi"}]},{"name":"withcoord","type":"pure-token","token":"WITHCOORD","optional":true},{"name":"withdist","type":"pure-token","token":"WITHDIST","optional":true},{"name":"withhash","type":"pure-token","token":"WITHHASH","optional":true},{"name":"count","type":"block","optional":true,"arguments":[{"name":"count","type":"integer","token":"COUNT"},{"name":"any","type":"pure-token","token":"ANY","optional":true,"since":"6.2.0"}]},{"name":"order","type":"oneof","optional":true,"arguments":[{"name":"asc","type":"pure-token","token":"ASC"},{"name":"desc","type":"pure-token","token":"DESC"}]},{"name":"key","type":"key","token":"STORE","optional":true,"key_spec_index":1},{"name":"key","type":"key","token":"STOREDIST","optional":true,"key_spec_index":2}],
    getKeys: georadiusKeys,
    handler: georadiusCommand,
  },
  {
    name: 'georadius_ro',
    arity: -6,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO','access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }],
    group: 'geo',
    since: '3.2.10',
    summary: "A read-only variant for GEORADIUS",
    complexity: "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: "`GEOSEARCH` with the `BYRADIUS` argument",
    history: [["6.2.0","Added the `ANY` option for `COUNT`."]],
    args: [{"name":"key","type":"key","key_spec_index":0},{"name":"longitude","type":"double"},{"name":"latitude","type":"double"},{"name":"radius","type":"double"},{"name":"unit","type":"oneof","arguments":[{"name":"m","type":"pure-token","token":"m"},{"name":"km","type":"pure-token","token":"km"},{"name":"ft","type":"pure-token","token":"ft"},{"name":"mi","type":"pure-token","token":"mi"}]},{"name":"withcoord","type":"pure-token","token":"WITHCOORD","optional":true},{"name":"withdist","type":"pure-token","token":"WITHDIST","optional":true},{"name":"withhash","type":"pure-token","token":"WITHHASH","optional":true},{"name":"count","type":"block","optional":true,"arguments":[{"name":"count","type":"integer","token":"COUNT"},{"name":"any","type":"pure-token","token":"ANY","optional":true,"since":"6.2.0"}]},{"name":"order","type":"oneof","optional":true,"arguments":[{"name":"asc","type":"pure-token","token":"ASC"},{"name":"desc","type":"pure-token","token":"DESC"}]}],
    handler: georadiusroCommand,
  },
  {
    name: 'georadiusbymember',
    arity: -5,
    flags: ['write','denyoom'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO','access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }, { flags: ['OW','update'], begin: { keyword: 'STORE', startfrom: 5 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }, { flags: ['OW','update'], begin: { keyword: 'STOREDIST', startfrom: 5 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }],
    group: 'geo',
    since: '3.2.0',
    summary: "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member",
    complexity: "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments",
    history: [["7.0.0","Added support for uppercase unit names."]],
    args: [{"name":"key","type":"key","key_spec_index":0},{"name":"member","type":"string"},{"name":"radius","type":"double"},{"name":"unit","type":"oneof","arguments":[{"name":"m","type":"pure-token","token":"m"},{"name":"km","type":"pure-token","token":"km"},{"name":"ft","type":"pure-token","token":"ft"},{"name":"mi","type":"pure-token","token":"mi"}]},{"name":"withcoord","type":"pure-token","token":"WITHCOORD","optional":true},{"name":"withdist","type":"pure-token","token":"WITHDIST","optional":true},{"name":"withhash","type":"pure-token","token":"WITHHASH","optional":true},{"name":"count","type":"block","optional":true,"arguments":[{"name":"count","type":"integer","token":"COUNT"},{"name":"any","type":"pure-token","token":"ANY","optional":true}]},{"name":"order","type":"oneof","optional":true,"arguments":[{"name":"asc","type":"pure-token","token":"ASC"},{"name":"desc","type":"pure-token","token":"DESC"}]},{"name":"key","type":"key","token":"STORE","optional":true,"key_spec_index":1},{"name":"key","type":"key","token":"STOREDIST","optional":true,"key_spec_index":2}],
    getKeys: georadiusKeys,
    handler: georadiusbymemberCommand,
  },
  {
    name: 'georadiusbymember_ro',
    arity: -5,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO','access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }],
    group: 'geo',
    since: '3.2.10',
    summary: "A read-only variant for GEORADIUSBYMEMBER",
    complexity: "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments",
    args: [{"name":"key","type":"key","key_spec_index":0},{"name":"member","type":"string"},{"name":"radius","type":"double"},{"name":"unit","type":"oneof","arguments":[{"name":"m","type":"pure-token","token":"m"},{"name":"km","type":"pure-token","token":"km"},{"name":"ft","type":"pure-token","token":"ft"},{"name":"mi","type":"pure-token","token":"mi"}]},{"name":"withcoord","type":"pure-token","token":"WITHCOORD","optional":true},{"name":"withdist","type":"pure-token","token":"WITHDIST","optional":true},{"name":"withhash","type":"pure-token","token":"WITHHASH","optional":true},{"name":"count","type":"block","optional":true,"arguments":[{"name":"count","type":"integer","token":"COUNT"},{"name":"any","type":"pure-token","token":"ANY","optional":true}]},{"name":"order","type":"oneof","optional":true,"arguments":[{"name":"asc","type":"pure-token","token":"ASC"},{"name":"desc","type":"pure-token","token":"DESC"}]}],
    handler: georadiusbymemberroCommand,
  },
  {
    name: 'geosearch',
    arity: -7,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [{ flags: ['RO','access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }],
    group: 'geo',
    since: '6.2.0',
    summary: "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.",
    complexity: "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
    history: [["7.0.0","Added support for uppercase unit names."]],
    args: [{"name":"key","type":"key","key_spec_index":0},{"name":"from","type":"oneof","arguments":[{"name":"member","type":"string","token":"FROMMEMBER"},{"name":"longitude_latitude","type":"block","token":"FROMLONLAT","arguments":[{"name":"longitude","type":"double"},{"name":"latitude","type":"double"}]}]},{"name":"by","type":"oneof","arguments":[{"name":"circle","type":"block","arguments":[{"name":"radius","type":"double","token":"BYRADIUS"},{"name":"unit","type":"oneof","arguments":[{"name":"m","type":"pure-token","token":"m"},{"name":"km","type":"pure-token","token":"km"},{"name":"ft","type":"pure-token","token":"ft"},{"name":"mi","type":"pure-token","token":"mi"}]}]},{"name":"box","type":"block","arguments":[{"name":"width","type":"double","token":"BYBOX"},{"name":"height","type":"double"},{"name":"unit","type":"oneof","arguments":[{"name":"m","type":"pure-token","token":"m"},{"name":"km","type":"pure-token","token":"km"},{"name":"ft","type":"pure-token","token":"ft"},{"name":"mi","type":"pure-token","token":"mi"}]}]}]},{"name":"order","type":"oneof","optional":true,"arguments":[{"name":"asc","type":"pure-token","token":"ASC"},{"name":"desc","type":"pure-token","token":"DESC"}]},{"name":"count","type":"block","optional":true,"arguments":[{"name":"count","type":"integer","token":"COUNT"},{"name":"any","type":"pure-token","token":"ANY","optional":true}]},{"name":"withcoord","type":"pure-token","token":"WITHCOORD","optional":true},{"name":"withdist","type":"pure-token","token":"WITHDIST","optional":true},{"name":"withhash","type":"pure-token","token":"WITHHASH","optional":true}],
    handler: geosearchCommand,
  },
  {
    name: 'geosearchstore',
    arity: -8,
    flags: ['write','denyoom'],
    acl: ['geo'],
    keySpecs: [{ flags: ['OW','update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }, { flags: ['RO','access'], begin: { index: 2 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } }],
    group: 'geo',
    since: '6.2.0',
    summary: "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.",
    complexity: "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
    history: [["7.0.0","Added support for uppercase unit names."]],
    args: [{"name":"destination","type":"key","key_spec_index":0},{"name":"source","type":"key","key_spec_index":1},{"name":"from","type":"oneof","arguments":[{"name":"member","type":"string","token":"FROMMEMBER"},{"name":"longitude_latitude","type":"block","token":"FROMLONLAT","arguments":[{"name":"longitude","type":"double"},{"name":"latitude","type":"double"}]}]},{"name":"by","type":"oneof","arguments":[{"name":"circle","type":"block","arguments":[{"name":"radius","type":"double","token":"BYRADIUS"},{"name":"unit","type":"oneof","arguments":[{"name":"m","type":"pure-token","token":"m"},{"name":"km","type":"pure-token","token":"km"},{"name":"ft","type":"pure-token","token":"ft"},{"name":"mi","type":"pure-token","token":"mi"}]}]},{"name":"box","type":"block","arguments":[{"name":"width","type":"double","token":"BYBOX"},{"name":"height","type":"double"},{"name":"unit","type":"oneof","arguments":[{"name":"m","type":"pure-token","token":"m"},{"name":"km","type":"pure-token","token":"km"},{"name":"ft","type":"pure-token","token":"ft"},{"name":"mi","type":"pure-token","token":"mi"}]}]}]},{"name":"order","type":"oneof","optional":true,"arguments":[{"name":"asc","type":"pure-token","token":"ASC"},{"name":"desc","type":"pure-token","token":"DESC"}]},{"name":"count","type":"block","optional":true,"arguments":[{"name":"count","type":"integer","token":"COUNT"},{"name":"any","type":"pure-token","token":"ANY","optional":true}]},{"name":"storedist","type":"pure-token","token":"STOREDIST","optional":true}],
    handler: geosearchstoreCommand,
  },
];
