/*
 * The BGSAVE file writer: chunks go to the file through libuv's thread pool (fs.write), one
 * write in flight at a time, in order; the final fsync, the rename over the target and the
 * directory's fsync run there too. A forkless snapshot writes from the serving process, and a
 * synchronous write() can block for tens of ms when the kernel throttles a writer with many
 * dirty pages, an fsync of a big file for hundreds: on the pool, neither stalls the event loop
 * (Redis gets the same from doing all of it in its fork child).
 *
 * Invariants: chunks are written in the order given, each completely (short writes resume);
 * after an error nothing more is written and `error` keeps the first one; the descriptor is
 * closed exactly once, and never while a write is in flight (a closed number could be reused
 * by another open file). `queuedBytes` lets the producer slow down when the disk is slower
 * than the walk, bounding the memory held by pending chunks.
 */

import fs from 'node:fs';
import path from 'node:path';

export class AsyncFileWriter {
  private readonly queue: Buffer[] = [];
  private inFlight = false;
  private closed = false;
  private onIdle: (() => void) | null = null;
  /** First error met (the file is then abandoned). */
  error: Error | null = null;
  /** Bytes handed to write() and not yet on their way to the file. */
  queuedBytes = 0;

  constructor(private readonly fd: number) {}

  write(chunk: Buffer): void {
    if (this.error !== null || this.closed || chunk.length === 0) return;
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (!this.inFlight) this.pump();
  }

  private pump(): void {
    const b = this.queue.shift();
    if (b === undefined || this.error !== null || this.closed) {
      this.inFlight = false;
      const f = this.onIdle;
      this.onIdle = null;
      f?.();
      return;
    }
    this.inFlight = true;
    fs.write(this.fd, b, 0, b.length, null, (err, n) => {
      if (err) {
        this.error ??= err;
        this.queue.length = 0;
        this.queuedBytes = 0;
      } else {
        this.queuedBytes -= n;
        if (n < b.length) this.queue.unshift(b.subarray(n));
      }
      this.pump();
    });
  }

  private whenIdle(fn: () => void): void {
    if (!this.inFlight) fn();
    else this.onIdle = fn;
  }

  /**
   * After the queued chunks: fsync, close, rename `tmp` to `file`, fsync the directory; then
   * `cb` with the first error or null. The caller must not write afterwards.
   */
  commit(tmp: string, file: string, cb: (err: Error | null) => void): void {
    this.whenIdle(() => {
      if (this.closed) return;
      if (this.error !== null) {
        this.close();
        cb(this.error);
        return;
      }
      this.inFlight = true;
      fs.fsync(this.fd, (err) => {
        this.inFlight = false;
        this.close();
        if (this.error !== null) {
          // Aborted meanwhile: the caller has moved on; leave the temp file alone.
          const f = this.onIdle;
          this.onIdle = null;
          f?.();
          return;
        }
        if (err) {
          cb(err);
          return;
        }
        fs.rename(tmp, file, (rerr) => {
          if (rerr) {
            cb(rerr);
            return;
          }
          fs.open(path.dirname(file), 'r', (oerr, dfd) => {
            // Some filesystems refuse fsync on directories; the rename is still done.
            if (oerr) {
              cb(null);
              return;
            }
            fs.fsync(dfd, () => fs.close(dfd, () => cb(null)));
          });
        });
      });
    });
  }

  /** Abandon the file: drop pending chunks; the descriptor closes once no write is in flight. */
  abort(): void {
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.error ??= new Error('aborted');
    this.whenIdle(() => this.close());
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
