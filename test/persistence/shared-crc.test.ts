// The parallel loader's shared checksum (shared-crc.ts): two holders of the same state (as
// the main thread and the worker hold it) advance it in turns, never at once, and finish()
// gives the CRC-64 of exactly the range asked for, whoever summed which part.
import { describe, expect, it } from 'vitest';
import { SHARED_CRC_STATE_BYTES, SharedCrc } from '../../src/persistence/rdb/shared-crc.js';
import { crc64 } from '../../src/util/crc64.js';
import { rng } from '../helpers/random.js';

function data(n: number): Uint8Array {
  const r = rng(n);
  const d = new Uint8Array(new SharedArrayBuffer(n));
  for (let i = 0; i < n; i++) d[i] = Math.floor(r() * 256);
  return d;
}

describe('SharedCrc', () => {
  it('two holders stepping in any order sum the file; finish() completes up to the trailer', () => {
    const d = data(100_000);
    const r = rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const state = new SharedArrayBuffer(SHARED_CRC_STATE_BYTES);
      const a = new SharedCrc(state, d);
      const b = new SharedCrc(state, d);
      const steps = Math.floor(r() * 40);
      for (let i = 0; i < steps; i++) (r() < 0.5 ? a : b).tryStep(1 + Math.floor(r() * 5000));
      const end = d.length - 8 - Math.floor(r() * 3); // where the trailer starts
      expect((r() < 0.5 ? a : b).finish(end)).toBe(crc64(0n, d, 0, end));
    }
  });

  it('steps stop short of the last 8 bytes, and after finish()', () => {
    const d = data(1000);
    const state = new SharedArrayBuffer(SHARED_CRC_STATE_BYTES);
    const a = new SharedCrc(state, d);
    let steps = 0;
    while (a.tryStep(100)) steps++;
    expect(steps).toBe(10); // 992 bytes in steps of 100
    expect(a.finish(992)).toBe(crc64(0n, d, 0, 992));
    expect(new SharedCrc(state, d).tryStep(100)).toBe(false);
  });

  it('a sum past the trailer\'s start (bytes after it) is redone from the start', () => {
    const d = data(1000);
    const state = new SharedArrayBuffer(SHARED_CRC_STATE_BYTES);
    const a = new SharedCrc(state, d);
    while (a.tryStep(300));
    expect(a.finish(500)).toBe(crc64(0n, d, 0, 500));
  });

  it('a holder finds the lock taken and does not step', () => {
    const d = data(1000);
    const state = new SharedArrayBuffer(SHARED_CRC_STATE_BYTES);
    const lock = new Int32Array(state, 0, 1);
    lock[0] = 1; // the other thread is in a step
    expect(new SharedCrc(state, d).tryStep(100)).toBe(false);
    lock[0] = 0;
    expect(new SharedCrc(state, d).tryStep(100)).toBe(true);
  });
});
