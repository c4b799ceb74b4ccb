/*
 * The main thread's side of the parallel RDB load: starts the predigest worker
 * (persistence/rdb/predigest-worker.ts) on a file, queues the chunks it posts, and feeds them
 * to a decoder in predigested mode one at a time (engine/rdb-load.ts drives the slices).
 * While it waits for a chunk, the main thread advances the file's CRC-64, which the worker
 * advances too when it is ahead (shared-crc.ts).
 *
 * The worker script is the compiled predigest-worker.js next to this module's compiled
 * counterpart; when it is not there (the TypeScript sources run directly, as under the test
 * runner) `available()` is false and the loader decodes on one thread.
 */

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { RdbDecoder } from '../persistence/rdb/decoder.js';
import type { PredigestLimits } from '../persistence/rdb/predigest.js';
import type { PredigestWorkerData } from '../persistence/rdb/predigest-worker.js';
import { SHARED_CRC_STATE_BYTES, SharedCrc } from '../persistence/rdb/shared-crc.js';

const WORKER_URL = new URL('../persistence/rdb/predigest-worker.js', import.meta.url);
/** Chunks are handed over at this size; at most MAX_INFLIGHT wait for the main thread. */
const CHUNK_BYTES = 1 << 20;
const MAX_INFLIGHT = 8;
/** The file is read in pieces of this size, the event loop served every READ_SLICE_MS. */
const READ_BYTES = 8 << 20;
const READ_SLICE_MS = 20;
/** Checksum work per step while waiting for a chunk (about a millisecond). */
const CRC_STEP_BYTES = 1 << 20;

interface ChunkMessage {
  chunk?: ArrayBuffer;
  length?: number;
  srcPos?: number;
  done?: boolean;
  error?: string;
}

export class PredigestSource {
  /** Is the compiled worker script there to start? */
  static available(): boolean {
    return fs.existsSync(fileURLToPath(WORKER_URL));
  }

  private readonly worker: Worker;
  /** [0] chunks in flight, [1] file state (see PredigestWorkerData.flags). */
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));
  private readonly queue: ChunkMessage[] = [];
  private wake: (() => void) | null = null;
  /** How far into the file the chunks handed to the decoder reach. */
  srcPos = 0;
  /** The worker's error (a malformed file, an unreadable one), once it reported it. */
  error: string | null = null;

  /** The worker's final message came (the file is valid, its checksum included). */
  private ended = false;
  /** The chunk the decoder reads (sent back to the worker for reuse once it is used up). */
  private current: ArrayBuffer | null = null;
  private readonly recycle: MessagePort;
  /** The file's bytes, shared with the worker, which waits until this thread read them in. */
  private readonly contents: SharedArrayBuffer;
  /** The checksum both threads advance (null: rdbchecksum off). */
  private readonly crc: SharedCrc | null;

  /** Start the worker for an RDB of `size` bytes; readFile() or copyFrom() must follow. */
  constructor(size: number, limits: PredigestLimits, checksum: boolean) {
    const contents = new SharedArrayBuffer(size);
    this.contents = contents;
    const crcState = new SharedArrayBuffer(SHARED_CRC_STATE_BYTES);
    this.crc = checksum ? new SharedCrc(crcState, new Uint8Array(contents)) : null;
    const { port1, port2 } = new MessageChannel();
    this.recycle = port1;
    const workerData: PredigestWorkerData = {
      contents,
      limits: { hash: { ...limits.hash }, zset: { ...limits.zset } },
      checksum,
      crcState,
      chunkBytes: CHUNK_BYTES,
      flags: this.flags.buffer as SharedArrayBuffer,
      maxInflight: MAX_INFLIGHT,
      recycle: port2,
    };
    this.worker = new Worker(WORKER_URL, { workerData, transferList: [port2] });
    this.worker.on('message', (m: ChunkMessage) => this.arrive(m));
    this.worker.on('error', (e: Error) => this.arrive({ error: e.message }));
    this.worker.on('exit', (code) => {
      if (code !== 0) this.arrive({ error: `predigest worker exited with code ${code}` });
    });
  }

  /** Read the file into the shared buffer (while the worker starts up), then let the worker begin. */
  async readFile(file: string): Promise<void> {
    const buf = new Uint8Array(this.contents);
    let state = 1;
    try {
      const fd = fs.openSync(file, 'r');
      try {
        let t0 = Date.now();
        for (let at = 0; at < buf.length; ) {
          const n = fs.readSync(fd, buf, at, Math.min(buf.length - at, READ_BYTES), at);
          if (n === 0) throw new Error('Unexpected EOF reading RDB file');
          at += n;
          // A big file takes a while: serve the event loop (-LOADING replies) in between.
          if (Date.now() - t0 >= READ_SLICE_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            t0 = Date.now();
          }
        }
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      state = 2;
      this.error = (e as Error).message;
    }
    this.begin(state);
  }

  /** Copy an RDB held in memory (a replica's sync payload) into the shared buffer, then let the worker begin. */
  copyFrom(rdb: Buffer): void {
    rdb.copy(new Uint8Array(this.contents));
    this.begin(1);
  }

  /** The file's bytes are in (state 1) or could not be read (2): tell the worker. */
  private begin(state: number): void {
    Atomics.store(this.flags, 1, state);
    Atomics.notify(this.flags, 1);
  }

  /**
   * Waiting for a chunk: advance the file's checksum by a step instead (unless the worker is
   * at it, or it is done); true if a step was taken.
   */
  checksumStep(): boolean {
    const fileRead = Atomics.load(this.flags, 1) === 1;
    return fileRead && this.error === null && !this.ended && this.crc !== null && this.crc.tryStep(CRC_STEP_BYTES);
  }

  private arrive(m: ChunkMessage): void {
    if (m.error !== undefined && this.error === null) this.error = m.error;
    if (m.done === true) this.ended = true;
    if (m.chunk !== undefined) this.queue.push(m);
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /**
   * The next queued chunk, or null when none has arrived yet (or the worker failed). The chunk
   * taken before is then used up: its memory goes back to the worker (nothing decoded keeps a
   * view of it: every string is a copy).
   */
  take(): Buffer | null {
    if (this.error !== null) return null;
    const m = this.queue.shift();
    if (m === undefined) return null;
    if (this.current !== null) this.recycle.postMessage(this.current, [this.current]);
    this.current = m.chunk as ArrayBuffer;
    this.srcPos = m.srcPos ?? this.srcPos;
    // One chunk fewer waits: the worker may post another.
    Atomics.sub(this.flags, 0, 1);
    Atomics.notify(this.flags, 0);
    return Buffer.from(m.chunk as ArrayBuffer, 0, m.length);
  }

  /** Feed `d` the next queued chunk; false when there is none yet. */
  next(d: RdbDecoder): boolean {
    const b = this.take();
    if (b === null) return false;
    d.feed(b);
    return true;
  }

  /** Resolves when a chunk, the final message or an error arrives. */
  wait(): Promise<void> {
    if (this.queue.length > 0 || this.error !== null || this.ended) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }

  /**
   * After the decoder met the end of the stream: wait for the worker's final message, which
   * it sends once the CRC-64 checked out (it reports a mismatch as an error instead).
   */
  async finish(): Promise<void> {
    while (!this.ended) {
      if (this.error !== null) throw new Error(this.error);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  close(): void {
    this.recycle.close();
    void this.worker.terminate();
  }
}
