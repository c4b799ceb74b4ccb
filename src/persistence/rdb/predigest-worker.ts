/*
 * The parallel loader's worker thread (started by engine/rdb-predigest-source.ts): waits for
 * the main thread to read the RDB file into the shared buffer it is given (the main thread
 * does that while this thread boots), predigests it (predigest.ts) and posts each chunk to the
 * main thread as a transferred ArrayBuffer (no copy): { chunk, length, srcPos }; then, once
 * the CRC-64 checked out, { done: true } after the last one, or { error } when the file is
 * malformed (a bad checksum included).
 *
 * Flow control: `flags[0]` (shared with the main thread) counts chunks posted and not yet
 * decoded; while `maxInflight` are outstanding the worker is ahead of the main thread and
 * spends that time on the file's CRC-64 (shared-crc.ts: the main thread does the same while
 * it waits for chunks, so whichever half of the load is faster sums it) before it blocks in
 * Atomics.wait; what is left of the checksum is summed after the walk. The main thread sends
 * each decoded chunk's ArrayBuffer back on `recycle`, and the worker writes its next chunk
 * there: fresh 1 MB buffers every time cost page faults on both sides (about a fifth of the
 * worker's time) and external memory for the collector to account.
 */

import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { SharedCrc } from './shared-crc.js';
import { newChunk, Predigester, type PredigestLimits } from './predigest.js';

export interface PredigestWorkerData {
  /** The whole file. */
  contents: SharedArrayBuffer;
  limits: PredigestLimits;
  /** Verify the CRC-64 trailer (rdbchecksum). */
  checksum: boolean;
  /** The shared checksum's state (shared-crc.ts). */
  crcState: SharedArrayBuffer;
  chunkBytes: number;
  /**
   * Int32Array(2) over it: [0] chunks in flight; [1] the file's state: 0 being read, 1 read
   * into `contents`, 2 could not be read (the worker then just stops).
   */
  flags: SharedArrayBuffer;
  maxInflight: number;
  /** Decoded chunks' ArrayBuffers, sent back for reuse. */
  recycle: MessagePort;
}

/** CRC-64 work per step while the worker is ahead (a fraction of a millisecond). */
const CRC_STEP_BYTES = 256 << 10;

const data = workerData as PredigestWorkerData;
const port = parentPort;
if (port !== null) {
  const flags = new Int32Array(data.flags);
  try {
    Atomics.wait(flags, 1, 0);
    if (Atomics.load(flags, 1) !== 1) throw new Error('the RDB file could not be read');
    const buf = Buffer.from(data.contents);
    const crc = data.checksum ? new SharedCrc(data.crcState, buf) : null;
    const chunkSize = data.chunkBytes + (data.chunkBytes >> 2);
    const emit = (out: Buffer, length: number, srcPos: number): Buffer => {
      for (;;) {
        const n = Atomics.load(flags, 0);
        if (n < data.maxInflight) break;
        if (crc === null || !crc.tryStep(CRC_STEP_BYTES)) Atomics.wait(flags, 0, n);
      }
      Atomics.add(flags, 0, 1);
      const ab = out.buffer as ArrayBuffer;
      port.postMessage({ chunk: ab, length, srcPos }, [ab]);
      const back = receiveMessageOnPort(data.recycle)?.message as ArrayBuffer | undefined;
      return back !== undefined && back.byteLength >= chunkSize ? Buffer.from(back) : newChunk(chunkSize);
    };
    new Predigester(buf, data.limits, emit, { checksum: crc, chunkBytes: data.chunkBytes }).run();
    port.postMessage({ done: true });
    data.recycle.close();
  } catch (e) {
    port.postMessage({ error: (e as Error).message });
  }
}
