// Geohash encoding, decoding, distances and search areas, against values real Redis 7.0
// produces (GEOADD scores, GEOPOS/GEOHASH/GEODIST replies).
import { describe, expect, it } from 'vitest';
import {
  GEO_STEP_MAX,
  align52Bits,
  calculateAreasByShape,
  decodeScore,
  distance,
  distanceIfWithin,
  encodeWGS84,
  estimateStepsByRadius,
  geohashString,
  isZeroHash,
  neighbors,
  scoreOf,
  scoresOfBox,
  unitToMeters,
  type GeoShape,
} from '../../src/ds/geohash.js';
import { formatHumanExact } from '../../src/util/numbers.js';

describe('geohash', () => {
  it('encodes points to the scores Redis stores', () => {
    expect(scoreOf(13.361389, 38.115556)).toBe(3479099956230698);
    expect(scoreOf(15.087269, 37.502669)).toBe(3479447370796909);
    expect(scoreOf(0, 0)).toBe(3377699720527872);
    expect(scoreOf(-180, -85.05112878)).toBe(0);
    expect(scoreOf(179.9999999, 0)).toBe(4128299658422954);
    // The +180 / max-latitude corner carries bits 52 and 53.
    expect(scoreOf(180, 85.05112878)).toBe(13510798882111488);
    expect(scoreOf(181, 0)).toBeNull();
    expect(scoreOf(0, 85.06)).toBeNull();
  });

  it('decodes scores to cell centers, clamped to the ranges', () => {
    const xy = [0, 0];
    decodeScore(3479099956230698, xy);
    expect(formatHumanExact(xy[0]!)).toBe('13.36138933897018433');
    expect(formatHumanExact(xy[1]!)).toBe('38.11555639549629859');
    decodeScore(13510798882111488, xy);
    expect(formatHumanExact(xy[0]!)).toBe('180');
    expect(formatHumanExact(xy[1]!)).toBe('85.0511287799999991');
    decodeScore(0, xy);
    expect(formatHumanExact(xy[0]!)).toBe('-179.99999731779098511');
    expect(formatHumanExact(xy[1]!)).toBe('-85.05112751263942528');
  });

  it('builds the standard 11-character geohash strings', () => {
    const xy = [0, 0];
    const cases: Array<[number, string]> = [
      [3479099956230698, 'sqc8b49rny0'],
      [3479447370796909, 'sqdtr74hyu0'],
      [13510798882111488, 'bp05b5048p0'],
      [0, '00bh0hbj200'],
      [3377699720527872, 's0000000000'],
      [4128299658422954, 'xbpbpbpbpb0'],
    ];
    for (const [score, hash] of cases) {
      decodeScore(score, xy);
      expect(geohashString(xy[0]!, xy[1]!)).toBe(hash);
    }
  });

  it('measures haversine distances on Redis’s sphere', () => {
    const a = [0, 0];
    const b = [0, 0];
    decodeScore(3479099956230698, a);
    decodeScore(3479447370796909, b);
    expect(distance(a[0]!, a[1]!, b[0]!, b[1]!).toFixed(4)).toBe('166274.1516');
    // Same longitude: the meridian shortcut.
    expect(distance(10, 0, 10, 1)).toBeCloseTo(111226.29, 1);
    expect(distance(10, 5, 10, 5)).toBe(0);
  });

  it('estimates steps by radius', () => {
    expect(estimateStepsByRadius(0, 0)).toBe(26);
    expect(estimateStepsByRadius(1, 0)).toBe(24);
    expect(estimateStepsByRadius(200000, 0)).toBe(6);
    expect(estimateStepsByRadius(200000, 70)).toBe(5);
    expect(estimateStepsByRadius(200000, 85)).toBe(4);
    expect(estimateStepsByRadius(1e9, 0)).toBe(1);
  });

  it('finds neighbours that wrap around the edges', () => {
    const h = encodeWGS84(-180, 0, 3)!;
    const n = neighbors(h);
    // West of the first column is the last column.
    const w = encodeWGS84(179.9, 0, 3)!;
    expect(n.west.bits).toBe(w.bits);
    expect(n.east.bits).toBe(encodeWGS84(-180 + 45, 0, 3)!.bits);
    expect(align52Bits(encodeWGS84(0, 0, GEO_STEP_MAX)!)).toBe(3377699720527872n);
  });

  it('covers a search with nine cells and prunes the useless ones', () => {
    const shape: GeoShape = { circular: true, xy: [15, 37], conversion: 1000, radius: 200, width: 0, height: 0 };
    const cells = calculateAreasByShape(shape);
    expect(cells).toHaveLength(9);
    expect(cells[0]!.step).toBe(6);
    const [min, max] = scoresOfBox(cells[0]!);
    expect(max - min).toBe(2 ** 40);
    // Every point inside the radius lies in one of the non-zero cells.
    for (let i = 0; i < 200; i++) {
      const lon = 15 + (Math.random() * 2 - 1) * 2;
      const lat = 37 + (Math.random() * 2 - 1) * 2;
      const score = scoreOf(lon, lat)!;
      const xy = [0, 0];
      decodeScore(score, xy);
      if (distanceIfWithin(shape, xy[0]!, xy[1]!) < 0) continue;
      const inCell = cells.some((c) => {
        if (isZeroHash(c)) return false;
        const [lo, hi] = scoresOfBox(c);
        return score >= lo && score < hi;
      });
      expect(inCell).toBe(true);
    }
  });

  it('converts units', () => {
    expect(unitToMeters('KM')).toBe(1000);
    expect(unitToMeters('mi')).toBe(1609.34);
    expect(unitToMeters('Ft')).toBe(0.3048);
    expect(unitToMeters('m')).toBe(1);
    expect(unitToMeters('yd')).toBe(-1);
  });
});
