/*
 * Geohash: the 52-bit cell codes Redis stores as sorted-set scores for the GEO commands.
 *
 * Encoding. A coordinate is scaled into a range (longitude -180..180, latitude
 * -85.05112878..85.05112878, the Web-Mercator limits Redis uses), multiplied by 2^step and
 * truncated to an integer; the latitude integer's bits land on the even positions and the
 * longitude's on the odd positions of the code (bit interleaving, a Morton/Z-order curve). At
 * step 26 the code has 52 bits and fits a double exactly, which is why a sorted set can hold
 * it as a score. Nearby points share a prefix, so a cell of a coarser step is one contiguous
 * score interval [bits << (52 - 2*step), (bits + 1) << (52 - 2*step)).
 *
 * Decoding takes the cell's bounds back out and answers the cell's center (clamped to the
 * ranges). Because the code is truncated, decoding does not give back the exact input: GEOPOS
 * shows the center of a ~0.6 m cell, exactly as Redis does.
 *
 * Radius and box queries. The search radius (for a box, half its diagonal) picks a step whose
 * cells are at least about as big as the radius (estimateStepsByRadius), one step coarser when
 * a neighbouring cell would not reach the search area's bounding box. The query then scans the
 * center cell and its eight neighbours (calculateAreasByShape), dropping neighbours that lie
 * entirely outside the bounding box, and filters every candidate by its exact distance
 * (haversine on a sphere of radius 6372797.560856 m). That is O(N + log M) with N the points
 * in the nine cells.
 *
 * Cell codes of the query run on BigInt (a code at step 26 can carry a 53rd/54th bit at the
 * +180 / max-latitude edges, and neighbour moves need wrapping 64-bit arithmetic); the hot
 * path, decoding every candidate score, splits the score into two 32-bit halves instead.
 * Every floating-point formula keeps Redis's operation order. Distances that are shown or
 * stored use correctly rounded sin/cos/asin (src/util/cr-math.ts): glibc's results are
 * correctly rounded in ~99.9% of cases, V8's Math functions only in ~95%, so they agree
 * with Redis bit for bit in all but rare cases. Filtering candidates uses the fast Math
 * version: it can only decide differently for a point within one ulp of the radius.
 */

import { crAsin, crCos, crSin } from '../util/cr-math.js';

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

/** Earth's quadratic mean radius (WGS-84), as Redis uses it. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

export interface GeoRange {
  min: number;
  max: number;
}

/** A cell code: `bits` holds 2*step meaningful bits. step 0 with bits 0 is "no cell". */
export interface HashBits {
  bits: bigint;
  step: number;
}

export interface GeoArea {
  hash: HashBits;
  longitude: GeoRange;
  latitude: GeoRange;
}

export interface Neighbors {
  north: HashBits;
  east: HashBits;
  west: HashBits;
  south: HashBits;
  northEast: HashBits;
  southEast: HashBits;
  northWest: HashBits;
  southWest: HashBits;
}

export const LONG_RANGE: GeoRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
export const LAT_RANGE: GeoRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** The standard geohash ranges (GEOHASH's strings). */
export const STD_LAT_RANGE: GeoRange = { min: -90, max: 90 };

const U64 = (1n << 64n) - 1n;
const TWO32 = 4294967296;

export function degRad(ang: number): number {
  return ang * D_R;
}

export function radDeg(ang: number): number {
  return ang / D_R;
}

/** Spread the low 16 bits of v onto the even bit positions of a 32-bit word. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/** Gather the even bits of a 32-bit word into its low 16 bits. */
function compact16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** Interleave two 32-bit integers: x on the even bits, y on the odd bits (64-bit result). */
function interleave(x: number, y: number): bigint {
  const lo = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const hi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Split a 64-bit code given as two 32-bit halves into [even bits, odd bits]. */
function deinterleaveHalves(hi: number, lo: number, out: Uint32Array): void {
  out[0] = ((compact16(hi) << 16) | compact16(lo)) >>> 0;
  out[1] = ((compact16(hi >>> 1) << 16) | compact16(lo >>> 1)) >>> 0;
}

const scratch = new Uint32Array(2);

function deinterleaveBig(bits: bigint): void {
  const b = bits & U64;
  deinterleaveHalves(Number(b >> 32n), Number(b & 0xffffffffn), scratch);
}

/** C's truncating double → uint32 conversion for values known to be in range. */
function toU32(d: number): number {
  return Math.trunc(d) >>> 0;
}

/**
 * geohashEncode: the cell of (longitude, latitude) at `step` (1..32) in the given ranges, or
 * null when the point is outside Redis's limits or the ranges.
 */
export function encode(longRange: GeoRange, latRange: GeoRange, longitude: number, latitude: number, step: number): HashBits | null {
  if (step > 32 || step === 0) return null;
  if (latRange.min === 0 && latRange.max === 0) return null;
  if (longRange.min === 0 && longRange.max === 0) return null;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return null;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  const scale = 2 ** step;
  latOffset *= scale;
  longOffset *= scale;
  return { bits: interleave(toU32(latOffset), toU32(longOffset)), step };
}

/** geohashEncodeWGS84: encode in Redis's ranges. */
export function encodeWGS84(longitude: number, latitude: number, step: number): HashBits | null {
  return encode(LONG_RANGE, LAT_RANGE, longitude, latitude, step);
}

/** geohashAlign52Bits: the code shifted to the 52-bit score scale. */
export function align52Bits(hash: HashBits): bigint {
  return (hash.bits << BigInt(52 - hash.step * 2)) & U64;
}

/** The sorted-set score of a point (GEOADD): its step-26 code, as ZADD would parse it. */
export function scoreOf(longitude: number, latitude: number): number | null {
  const h = encodeWGS84(longitude, latitude, GEO_STEP_MAX);
  return h === null ? null : Number(align52Bits(h));
}

function isZero(h: HashBits): boolean {
  return h.bits === 0n && h.step === 0;
}

function areaFrom(longRange: GeoRange, latRange: GeoRange, hash: HashBits, ilato: number, ilono: number): GeoArea {
  const step = hash.step;
  const div = 2 ** step;
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  return {
    hash,
    latitude: {
      min: latRange.min + (ilato / div) * latScale,
      max: latRange.min + (((ilato + 1) >>> 0) / div) * latScale,
    },
    longitude: {
      min: longRange.min + (ilono / div) * longScale,
      max: longRange.min + (((ilono + 1) >>> 0) / div) * longScale,
    },
  };
}

/** geohashDecode: the bounds of a cell, or null for the zero cell. */
export function decode(longRange: GeoRange, latRange: GeoRange, hash: HashBits): GeoArea | null {
  if (isZero(hash)) return null;
  deinterleaveBig(hash.bits);
  return areaFrom(longRange, latRange, hash, scratch[0] as number, scratch[1] as number);
}

function clampCenter(lonMin: number, lonMax: number, latMin: number, latMax: number, xy: number[]): void {
  let x = (lonMin + lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (latMin + latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  xy[0] = x;
  xy[1] = y;
}

/**
 * C's (uint64_t) conversion of a score as x86-64 code performs it, as [hi, lo] 32-bit halves:
 * in-range values truncate, negative ones wrap (two's complement), out-of-range ones give
 * the "integer indefinite" pattern.
 */
function scoreToU64Halves(score: number, out: number[]): void {
  if (score >= 0 && score < 18446744073709551616) {
    const t = Math.trunc(score);
    const hi = Math.floor(t / TWO32);
    out[0] = hi >>> 0;
    out[1] = (t - hi * TWO32) >>> 0;
    return;
  }
  if (score < 0 && score > -9223372036854775808) {
    const b = BigInt(Math.trunc(score)) & U64;
    out[0] = Number(b >> 32n);
    out[1] = Number(b & 0xffffffffn);
    return;
  }
  if (score >= 18446744073709551616) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  out[0] = 0x80000000;
  out[1] = 0;
}

const halves = [0, 0];
const dscratch = new Uint32Array(2);

/**
 * decodeGeohash (geo.c): the longitude/latitude a score stands for, written to xy (the
 * center of its step-26 cell). Always succeeds for a step-26 code.
 */
export function decodeScore(score: number, xy: number[]): boolean {
  scoreToU64Halves(score, halves);
  deinterleaveHalves(halves[0] as number, halves[1] as number, dscratch);
  const ilato = dscratch[0] as number;
  const ilono = dscratch[1] as number;
  const div = 67108864; // 2^26
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const longScale = GEO_LONG_MAX - GEO_LONG_MIN;
  clampCenter(
    GEO_LONG_MIN + (ilono / div) * longScale,
    GEO_LONG_MIN + (((ilono + 1) >>> 0) / div) * longScale,
    GEO_LAT_MIN + (ilato / div) * latScale,
    GEO_LAT_MIN + (((ilato + 1) >>> 0) / div) * latScale,
    xy,
  );
  return true;
}

function moveX(hash: HashBits, d: number): HashBits {
  if (d === 0) return hash;
  let x = hash.bits & 0xaaaaaaaaaaaaaaaan;
  const y = hash.bits & 0x5555555555555555n;
  const shift = BigInt(64 - hash.step * 2);
  const zz = 0x5555555555555555n >> shift;
  if (d > 0) {
    x = x + (zz + 1n);
  } else {
    x = x | zz;
    x = x - (zz + 1n);
  }
  x &= 0xaaaaaaaaaaaaaaaan >> shift;
  return { bits: x | y, step: hash.step };
}

function moveY(hash: HashBits, d: number): HashBits {
  if (d === 0) return hash;
  const x = hash.bits & 0xaaaaaaaaaaaaaaaan;
  let y = hash.bits & 0x5555555555555555n;
  const shift = BigInt(64 - hash.step * 2);
  const zz = 0xaaaaaaaaaaaaaaaan >> shift;
  if (d > 0) {
    y = y + (zz + 1n);
  } else {
    y = y | zz;
    y = y - (zz + 1n);
  }
  y &= 0x5555555555555555n >> shift;
  return { bits: x | y, step: hash.step };
}

/** geohashNeighbors: the eight cells around `hash` at the same step (wrapping at the edges). */
export function neighbors(hash: HashBits): Neighbors {
  return {
    east: moveY(moveX(hash, 1), 0),
    west: moveY(moveX(hash, -1), 0),
    south: moveY(moveX(hash, 0), -1),
    north: moveY(moveX(hash, 0), 1),
    northWest: moveY(moveX(hash, -1), 1),
    northEast: moveY(moveX(hash, 1), 1),
    southEast: moveY(moveX(hash, 1), -1),
    southWest: moveY(moveX(hash, -1), -1),
  };
}

/** geohashEstimateStepsByRadius: the step whose cells roughly cover a radius at a latitude. */
export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** A search area: a circle (radius) or an axis-aligned box (width × height) around xy. */
export interface GeoShape {
  circular: boolean;
  /** Center: [longitude, latitude]. */
  xy: number[];
  /** Meters per unit of the radius / width / height. */
  conversion: number;
  radius: number;
  width: number;
  height: number;
}

/** geohashBoundingBox: [minLon, minLat, maxLon, maxLat] around the shape. */
export function boundingBox(shape: GeoShape): number[] {
  const longitude = shape.xy[0] as number;
  const latitude = shape.xy[1] as number;
  const height = shape.conversion * (shape.circular ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.circular ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(latitude - latDelta)));
  const southern = latitude < 0;
  return [
    southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

const ZERO: HashBits = { bits: 0n, step: 0 };

/**
 * geohashCalculateAreasByShapeWGS84: the nine cells to scan for a shape, in Redis's order
 * (center, N, S, E, W, NE, NW, SE, SW); useless neighbours are the zero cell.
 */
export function calculateAreasByShape(shape: GeoShape): HashBits[] {
  const b = boundingBox(shape);
  const minLon = b[0] as number;
  const minLat = b[1] as number;
  const maxLon = b[2] as number;
  const maxLat = b[3] as number;
  const longitude = shape.xy[0] as number;
  const latitude = shape.xy[1] as number;
  let radiusMeters = shape.circular
    ? shape.radius
    : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;
  let steps = estimateStepsByRadius(radiusMeters, latitude);
  let hash = encode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps) ?? { bits: 0n, step: steps };
  let n = neighbors(hash);
  let area = decode(LONG_RANGE, LAT_RANGE, hash);

  let decreaseStep = false;
  {
    const north = decode(LONG_RANGE, LAT_RANGE, n.north);
    const south = decode(LONG_RANGE, LAT_RANGE, n.south);
    const east = decode(LONG_RANGE, LAT_RANGE, n.east);
    const west = decode(LONG_RANGE, LAT_RANGE, n.west);
    if (north !== null && north.latitude.max < maxLat) decreaseStep = true;
    if (south !== null && south.latitude.min > minLat) decreaseStep = true;
    if (east !== null && east.longitude.max < maxLon) decreaseStep = true;
    if (west !== null && west.longitude.min > minLon) decreaseStep = true;
  }
  if (steps > 1 && decreaseStep) {
    steps--;
    hash = encode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps) ?? { bits: 0n, step: steps };
    n = neighbors(hash);
    area = decode(LONG_RANGE, LAT_RANGE, hash);
  }
  if (steps >= 2 && area !== null) {
    if (area.latitude.min < minLat) {
      n.south = ZERO;
      n.southWest = ZERO;
      n.southEast = ZERO;
    }
    if (area.latitude.max > maxLat) {
      n.north = ZERO;
      n.northEast = ZERO;
      n.northWest = ZERO;
    }
    if (area.longitude.min < minLon) {
      n.west = ZERO;
      n.southWest = ZERO;
      n.northWest = ZERO;
    }
    if (area.longitude.max > maxLon) {
      n.east = ZERO;
      n.southEast = ZERO;
      n.northEast = ZERO;
    }
  }
  return [hash, n.north, n.south, n.east, n.west, n.northEast, n.northWest, n.southEast, n.southWest];
}

/** True for the "no cell" code (a neighbour excluded from the scan). */
export function isZeroHash(h: HashBits): boolean {
  return isZero(h);
}

/** scoresOfGeoHashBox: the score interval [min, max) covering a cell. */
export function scoresOfBox(hash: HashBits): [number, number] {
  const min = align52Bits(hash);
  const max = align52Bits({ bits: hash.bits + 1n, step: hash.step });
  return [Number(min), Number(max)];
}

/** geohashGetLatDistance: meters between two latitudes along a meridian. */
export function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/**
 * geohashGetDistance: haversine great-circle distance in meters, with correctly rounded
 * sin/cos/asin (matches glibc's result bit for bit in all but rare cases; ~6 µs).
 */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = crSin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = crSin((lat2r - lat1r) / 2);
  const a = u * u + crCos(lat1r) * crCos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * crAsin(Math.sqrt(a));
}

/**
 * The same formula with V8's Math functions: may differ from `distance` in the last bit
 * (a few % of calls) but is ~40x faster. Searches filter and sort every candidate with it and
 * recompute `distance` only for the results they print or store.
 */
export function distanceFast(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/**
 * geoWithinShape: whether the point (lon, lat) is inside the shape; returns its distance from
 * the center in meters, or -1 when outside.
 */
export function distanceIfWithin(shape: GeoShape, lon: number, lat: number): number {
  const cx = shape.xy[0] as number;
  const cy = shape.xy[1] as number;
  if (shape.circular) {
    const d = distanceFast(cx, cy, lon, lat);
    return d > shape.radius * shape.conversion ? -1 : d;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  if (latDistance(lat, cy) > heightM / 2) return -1;
  if (distanceFast(lon, lat, cx, lat) > widthM / 2) return -1;
  return distanceFast(cx, cy, lon, lat);
}

const ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH's 11-character string: the point re-encoded in the standard -90..90 latitude range
 * at step 26; the 11th character has no bits left and is always '0'.
 */
export function geohashString(lon: number, lat: number): string {
  const h = encode(LONG_RANGE, STD_LAT_RANGE, lon, lat, 26);
  const bits = h === null ? 0n : h.bits;
  let s = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    s += ALPHABET[idx];
  }
  return s;
}

/** Meters per unit for m / km / ft / mi (case-insensitive), or -1 for anything else. */
export function unitToMeters(unit: string): number {
  const u = unit.toLowerCase();
  if (u === 'm') return 1;
  if (u === 'km') return 1000;
  if (u === 'ft') return 0.3048;
  if (u === 'mi') return 1609.34;
  return -1;
}
