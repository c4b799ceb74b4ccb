/*
 * The main thread's side of the parallel RDB load: starts the predigest worker
 * (persistence/rdb/predigest-worker.ts) on a file, queues the chunks it posts, and feeds them
 * to a decoder in predigested mode one at a time (engine/rdb-load.ts drives the slices).
 *
 * The CRC-64 is this side's job, not the worker's: the worker reads the file into shared
 * memory, and the main thread sums it piece by piece whenever it has no chunk to decode (the
 * worker is the slower half of the load, so this time would otherwise be spent waiting), then
 * finishes and compares it once the worker reports the trailer (finish()).
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
import { Crc64 } from '../util/crc64.js';

const WORKER_URL = new URL('../persistence/rdb/predigest-worker.js', import.meta.url);
/** Chunks are handed over at this size; at most MAX_INFLIGHT wait for the main thread. */
const CHUNK_BYTES = 1 << 20;
const MAX_INFLIGHT = 8;
/** CRC-64 work per step (about a millisecond). */
const CRC_STEP_BYTES = 1 << 20;

interface ChunkMessage {
  chunk?: ArrayBuffer;
  length?: number;
  srcPos?: number;
  done?: boolean;
  checksumExpected?: bigint;
  checksumEnd?: number;
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

  /** The file's bytes (shared with the worker, which reads them in before its first chunk). */
  private readonly contents: Buffer;
  private readonly crc: Crc64 | null;
  /** contents[0, crcAt) are summed. */
  private crcAt = 0;
  /** The worker's final message, once it came. */
  private end: ChunkMessage | null = null;
  /** The chunk the decoder reads (sent back to the worker for reuse once it is used up). */
  private current: ArrayBuffer | null = null;
  private readonly recycle: MessagePort;

  constructor(file: string, size: number, limits: PredigestLimits, checksum: boolean) {
    const contents = new SharedArrayBuffer(size);
    this.contents = Buffer.from(contents);
    this.crc = checksum ? new Crc64() : null;
    const { port1, port2 } = new MessageChannel();
    this.recycle = port1;
    const workerData: PredigestWorkerData = {
      contents,
      limits: { hash: { ...limits.hash }, zset: { ...limits.zset } },
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
    // Read the file while the worker starts up, then let it begin.
    let state = 1;
    try {
      const fd = fs.openSync(file, 'r');
      try {
        for (let at = 0; at < size; ) {
          const n = fs.readSync(fd, this.contents, at, size - at, at);
          if (n === 0) throw new Error('Unexpected EOF reading RDB file');
          at += n;
        }
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      state = 2;
      this.error = (e as Error).message;
    }
    Atomics.store(this.flags, 1, state);
    Atomics.notify(this.flags, 1);
  }

  private arrive(m: ChunkMessage): void {
    if (m.error !== undefined && this.error === null) this.error = m.error;
    if (m.done === true) this.end = m;
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
    if (this.queue.length > 0 || this.error !== null || this.end !== null) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }

  /**
   * Sum the next CRC_STEP_BYTES of the file into the CRC (only once the first chunk came: the
   * file is read by then); false when there is nothing left to do.
   */
  checksumStep(): boolean {
    // (the last 8 bytes are at least the trailer itself, which the sum never covers)
    const limit = this.contents.length - 8;
    if (this.crc === null || this.srcPos === 0 || this.crcAt >= limit) return false;
    const to = Math.min(limit, this.crcAt + CRC_STEP_BYTES);
    this.crc.update(this.contents, this.crcAt, to);
    this.crcAt = to;
    return true;
  }

  /**
   * After the decoder met the end of the stream: wait for the worker's final message, then
   * check the CRC-64 (unless rdbchecksum is off or the file carries none). Throws on a
   * mismatch (the one-thread reload then reports it with Redis's wording).
   */
  async finish(): Promise<void> {
    while (this.end === null) {
      if (this.error !== null) throw new Error(this.error);
      await this.wait();
    }
    const expected = this.end.checksumExpected ?? 0n;
    if (this.crc === null || expected === 0n) return;
    const to = this.end.checksumEnd ?? 0;
    // Bytes after the trailer (ignored, as Redis ignores them) may already be in the sum: redo it.
    const crc = this.crcAt <= to ? this.crc : new Crc64();
    // The rest in steps, the event loop served in between.
    for (let at = this.crcAt <= to ? this.crcAt : 0; at < to; ) {
      const next = Math.min(to, at + CRC_STEP_BYTES);
      crc.update(this.contents, at, next);
      at = next;
      if (at < to) await new Promise((resolve) => setImmediate(resolve));
    }
    if (crc.value !== expected) throw new Error('Wrong RDB checksum');
  }

  close(): void {
    this.recycle.close();
    void this.worker.terminate();
  }
}
