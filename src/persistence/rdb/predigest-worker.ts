/*
 * The parallel loader's worker thread (started by engine/rdb-predigest-source.ts): waits for
 * the main thread to read the RDB file into the shared buffer it is given (the main thread
 * does that while this thread boots, and later computes the CRC-64 from it), predigests it (predigest.ts) and posts each chunk to the main thread as a transferred
 * ArrayBuffer (no copy): { chunk, length, srcPos }, then { done, checksumExpected,
 * checksumEnd } after the last one, or { error } when the file is malformed or unreadable.
 *
 * Flow control: `inflight` (shared with the main thread) counts chunks posted and not yet
 * decoded; the worker blocks in Atomics.wait while `maxInflight` are outstanding, so a slow
 * main thread bounds the memory of the chunks waiting for it. The main thread sends each
 * decoded chunk's ArrayBuffer back on `recycle`, and the worker writes its next chunk there:
 * fresh 1 MB buffers every time cost page faults on both sides (about a fifth of the worker's
 * time) and external memory for the collector to account.
 */

import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { newChunk, Predigester, type PredigestLimits } from './predigest.js';

export interface PredigestWorkerData {
  /** The whole file. */
  contents: SharedArrayBuffer;
  limits: PredigestLimits;
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

const data = workerData as PredigestWorkerData;
const port = parentPort;
if (port !== null) {
  const inflight = new Int32Array(data.flags);
  try {
    Atomics.wait(inflight, 1, 0);
    if (Atomics.load(inflight, 1) !== 1) throw new Error('the RDB file could not be read');
    const buf = Buffer.from(data.contents);
    const chunkSize = data.chunkBytes + (data.chunkBytes >> 2);
    const emit = (out: Buffer, length: number, srcPos: number): Buffer => {
      for (;;) {
        const n = Atomics.load(inflight, 0);
        if (n < data.maxInflight) break;
        Atomics.wait(inflight, 0, n);
      }
      Atomics.add(inflight, 0, 1);
      const ab = out.buffer as ArrayBuffer;
      port.postMessage({ chunk: ab, length, srcPos }, [ab]);
      const back = receiveMessageOnPort(data.recycle)?.message as ArrayBuffer | undefined;
      return back !== undefined && back.byteLength >= chunkSize ? Buffer.from(back) : newChunk(chunkSize);
    };
    const p = new Predigester(buf, data.limits, emit, { checksum: false, chunkBytes: data.chunkBytes });
    p.run();
    port.postMessage({ done: true, checksumExpected: p.checksumExpected, checksumEnd: p.checksumEnd });
    data.recycle.close();
  } catch (e) {
    port.postMessage({ error: (e as Error).message });
  }
}
