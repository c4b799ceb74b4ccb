/*
 * The replication backlog: the most recent `size` bytes of the replication stream, kept so a
 * replica that lost its link can continue (PSYNC +CONTINUE) from where it stopped instead of
 * taking a whole new snapshot.
 *
 * A fixed-size circular buffer. Offsets are stream offsets (master_repl_offset counts every
 * byte ever fed; the first byte of the stream has offset 1): the backlog holds the bytes with
 * offsets [start, start + histlen), start = end - histlen + ... as Redis reports them:
 * repl_backlog_first_byte_offset = `start`, repl_backlog_histlen = `histlen`.
 * Appending is O(bytes) (at most two copies, around the wrap point); reading from an offset
 * returns at most two slices. Resizing keeps the newest bytes that fit.
 *
 * Redis 7.0 shares its replication buffer blocks between the backlog and the replicas' output
 * and trims whole 16 KB blocks, so its histlen can slightly exceed the configured size; here
 * the replicas' output is separate and the backlog holds exactly min(fed, size) bytes.
 */

export class ReplBacklog {
  private buf: Buffer;
  /** Write position in `buf`. */
  private idx = 0;
  /** Bytes of history held (<= buf.length). */
  histlen = 0;
  /** Stream offset of the first byte held (repl_backlog_first_byte_offset). */
  start: number;

  /** A backlog whose next byte will have stream offset `nextOffset`. */
  constructor(size: number, nextOffset: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1, size));
    this.start = nextOffset;
  }

  get size(): number {
    return this.buf.length;
  }

  /** Stream offset one past the last byte held. */
  get end(): number {
    return this.start + this.histlen;
  }

  append(data: Uint8Array): void {
    const size = this.buf.length;
    let src = data;
    if (src.length > size) {
      // Only the tail fits: the bytes before it are history that falls out at once.
      this.start += src.length - size;
      src = src.subarray(src.length - size);
    }
    const n = src.length;
    const first = Math.min(n, size - this.idx);
    this.buf.set(src.subarray(0, first), this.idx);
    if (first < n) this.buf.set(src.subarray(first), 0);
    this.idx = (this.idx + n) % size;
    const total = this.histlen + n;
    if (total > size) {
      this.start += total - size;
      this.histlen = size;
    } else {
      this.histlen = total;
    }
  }

  /** Whether the bytes from `offset` to the end are all held (offset == end: nothing to send). */
  covers(offset: number): boolean {
    return offset >= this.start && offset <= this.end;
  }

  /** The bytes from stream offset `offset` to the end, as at most two slices (copies). */
  readFrom(offset: number): Buffer[] {
    const skip = offset - this.start;
    const len = this.histlen - skip;
    if (len <= 0) return [];
    const size = this.buf.length;
    // Physical position of the oldest byte held.
    const oldest = (this.idx - this.histlen + size) % size;
    const from = (oldest + skip) % size;
    if (from + len <= size) return [Buffer.from(this.buf.subarray(from, from + len))];
    return [Buffer.from(this.buf.subarray(from)), Buffer.from(this.buf.subarray(0, len - (size - from)))];
  }

  /** Change the capacity, keeping the newest bytes that fit. */
  resize(size: number): void {
    size = Math.max(1, size);
    if (size === this.buf.length) return;
    const keep = Math.min(this.histlen, size);
    const data = Buffer.concat(this.readFrom(this.end - keep));
    this.buf = Buffer.allocUnsafe(size);
    data.copy(this.buf, 0);
    this.idx = keep % size;
    this.start = this.end - keep;
    this.histlen = keep;
  }
}
