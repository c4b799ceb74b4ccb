/*
 * A CRC-64 of a file in shared memory that two threads advance in turns, each when it has
 * nothing better to do: the parallel loader's main thread while it waits for a chunk, its
 * worker while it is far enough ahead of the main thread (engine/rdb-load.ts,
 * predigest-worker.ts). Whichever half of the load is faster then does the summing, and the
 * checksum stays off the slower half's path.
 *
 * The checksum is sequential, so only one thread steps at a time: a step takes a lock with
 * one compare-and-swap, and a thread that finds it taken simply does something else. State,
 * in a SharedArrayBuffer of STATE_BYTES: an Int32 lock (0 free, 1 held), then the CRC and
 * the number of bytes summed as two BigUint64 (read and written under the lock only; the
 * lock's atomic operations order them between the threads). The sum never covers the last
 * 8 bytes of the file (at least its trailer); finish() completes it up to where the trailer
 * really starts.
 */

import { Crc64 } from '../../util/crc64.js';

export const SHARED_CRC_STATE_BYTES = 24;

export class SharedCrc {
  private readonly lock: Int32Array;
  private readonly words: BigUint64Array;
  /** Steps stop here (the file's length minus its trailer). */
  private readonly limit: number;

  constructor(
    state: SharedArrayBuffer,
    private readonly data: Uint8Array,
  ) {
    this.lock = new Int32Array(state, 0, 1);
    this.words = new BigUint64Array(state, 8, 2);
    this.limit = Math.max(0, data.length - 8);
  }

  /** Sum up to `bytes` more, unless the other thread is summing or all is summed; true if it did. */
  tryStep(bytes: number): boolean {
    if (Atomics.compareExchange(this.lock, 0, 0, 1) !== 0) return false;
    try {
      const at = Number(this.words[1]);
      if (at >= this.limit) return false;
      const to = Math.min(this.limit, at + bytes);
      this.words[0] = new Crc64(this.words[0]).update(this.data, at, to).value;
      this.words[1] = BigInt(to);
      return true;
    } finally {
      Atomics.store(this.lock, 0, 0);
    }
  }

  /** The CRC-64 of data[0, end): waits for a step the other thread is taking, sums the rest. */
  finish(end: number): bigint {
    while (Atomics.compareExchange(this.lock, 0, 0, 1) !== 0) Atomics.wait(this.lock, 0, 1, 1);
    try {
      const at = Number(this.words[1]);
      // Bytes after the trailer (ignored, as Redis ignores them) may already be in the sum: redo it.
      const crc = at <= end ? new Crc64(this.words[0]).update(this.data, at, end) : new Crc64().update(this.data, 0, end);
      this.words[1] = BigInt(Number.MAX_SAFE_INTEGER); // nothing more to step
      return crc.value;
    } finally {
      Atomics.store(this.lock, 0, 0);
    }
  }
}
