import { describe, expect, it } from 'vitest';
import { crc64, Crc64 } from '../../src/util/crc64.js';

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et ' +
  'dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ' +
  'ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu ' +
  'fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt ' +
  'mollit anim id est laborum.';

/** Bit-at-a-time reflected CRC-64/Jones, the definition the fast code must match. */
function slowCrc64(crc: bigint, buf: Uint8Array): bigint {
  const poly = 0x95ac9329ac4bc9b5n; // reflected 0xad93d23594c935a9
  for (const b of buf) {
    crc ^= BigInt(b);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc;
}

function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('crc64 (Jones, reflected)', () => {
  it('test vectors from Redis crc64.c', () => {
    expect(crc64(0n, Buffer.from('123456789'))).toBe(0xe9c6d914c4b8d9can);
    // Redis's test includes the C string's terminating NUL (sizeof).
    expect(crc64(0n, Buffer.from(LOREM + '\0'))).toBe(0xc7794709e69683b3n);
  });

  it('empty input leaves the crc unchanged', () => {
    expect(crc64(0n, new Uint8Array(0))).toBe(0n);
    expect(crc64(0x1234n, new Uint8Array(0))).toBe(0x1234n);
  });

  it('matches the bit-by-bit definition for every length 0..200 and odd offsets', () => {
    const data = pseudoRandom(300, 42);
    for (let len = 0; len <= 200; len++) {
      expect(crc64(0n, data.subarray(0, len))).toBe(slowCrc64(0n, data.subarray(0, len)));
      expect(crc64(0n, data, 3, 3 + len)).toBe(slowCrc64(0n, data.subarray(3, 3 + len)));
    }
  });

  it('is incremental: crc(a ++ b) = crc(crc(a), b), also through the Crc64 class', () => {
    const data = pseudoRandom(10_000, 7);
    const whole = crc64(0n, data);
    for (const cut of [0, 1, 7, 8, 9, 4095, 9999, 10_000]) {
      expect(crc64(crc64(0n, data.subarray(0, cut)), data.subarray(cut))).toBe(whole);
      expect(new Crc64().update(data, 0, cut).update(data, cut).value).toBe(whole);
    }
    expect(new Crc64(crc64(0n, data.subarray(0, 100))).update(data, 100).value).toBe(whole);
  });

  it('digestLE gives the 8 little-endian bytes Redis writes', () => {
    const d = new Crc64().update(Buffer.from('123456789')).digestLE();
    expect(d.toString('hex')).toBe('cad9b8c414d9c6e9');
  });

  it('runs at hundreds of MB/s', () => {
    const data = pseudoRandom(16 << 20, 1);
    const c = new Crc64();
    c.update(data.subarray(0, 1 << 20)); // warm up
    const t0 = performance.now();
    new Crc64().update(data);
    const mbps = 16 / ((performance.now() - t0) / 1000);
    // ~800-1200 MB/s measured on an idle core; keep the bar low for shared CI machines.
    expect(mbps).toBeGreaterThan(100);
  });
});
