/*
 * Reply writer: RESP2 and RESP3 encoding into a per-client output buffer.
 *
 * Every reply a command produces is appended to one reusable `Buffer` (16 KiB); when it fills,
 * the used part is copied out into a list of finished chunks and writing continues at offset 0.
 * Bulk payloads larger than the buffer skip the copy and become chunks of their own. The engine
 * drains the chunks once per event-loop tick (`take()`), so a pipeline of 16 GETs costs one
 * socket write, not sixteen. Strings are latin1 (one char per byte), so `write(s, 'latin1')`
 * copies them without any UTF-8 work.
 *
 * The same calls serve both protocols: `nullBulk()` is `$-1` in RESP2 and `_` in RESP3,
 * `map(n)` is `*2n` in RESP2 and `%n` in RESP3, and so on, exactly as Redis's addReply* family.
 * `suppressed` implements CLIENT REPLY OFF/SKIP: nothing is appended while it is set.
 */

import { writeSafeInt } from '../util/numbers.js';

const DEFAULT_SIZE = 16 * 1024;
const BIG = 4 * 1024;

export type RespVersion = 2 | 3;

export class ReplyWriter {
  resp: RespVersion = 2;
  /** Set by CLIENT REPLY OFF / SKIP; replies are dropped while true. */
  suppressed = false;
  /** Called for every error reply (the text after '-'), for error statistics. */
  onError: ((message: string) => void) | null = null;

  /**
   * Set when the client is being closed (output buffer limits): everything, pushes included,
   * is dropped from then on.
   */
  dead = false;
  /** Called after the writer moved bytes into its chunk list (output-limit checks). */
  onSpill: (() => void) | null = null;

  private buf: Buffer = Buffer.allocUnsafe(DEFAULT_SIZE);
  private pos = 0;
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  /** Payloads above this size bypass the buffer (at most half of it). */
  private big = BIG;
  /** Most bytes the buffer held since the last resetPeak(); the buffer size when a reply did not fit. */
  private peak = 0;

  /** Bytes waiting in this writer (not yet handed to the socket). */
  get pendingBytes(): number {
    return this.chunkBytes + this.pos;
  }

  /** Number of buffered reply chunks besides the open buffer (CLIENT LIST `oll`). */
  get chunkCount(): number {
    return this.chunks.length;
  }

  /** The size of the reusable buffer (CLIENT LIST `rbs`). */
  get bufferSize(): number {
    return this.buf.length;
  }

  /** Bytes in the reusable buffer (CLIENT LIST `obl`). */
  get openBytes(): number {
    return this.pos;
  }

  /** Bytes in the chunk list (what Redis counts as the reply list). */
  get listBytes(): number {
    return this.chunkBytes;
  }

  /** The buffer's peak usage (CLIENT LIST `rbp`). */
  get bufferPeak(): number {
    return Math.max(this.peak, this.pos);
  }

  /** Start a new peak-usage period from the current usage. */
  resetPeak(): void {
    this.peak = this.pos;
  }

  /** Replace the reusable buffer by one of `size` bytes (at least 1 KiB), keeping its content. */
  resize(size: number): void {
    const n = Math.max(1024, Math.max(size, this.pos));
    const b = Buffer.allocUnsafe(n);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
    this.big = Math.min(BIG, n >> 1);
  }

  /** Everything written since the last take(), or null when there is nothing. */
  take(): Buffer[] | null {
    if (this.pos === 0 && this.chunks.length === 0) return null;
    this.spill();
    const out = this.chunks;
    this.chunks = [];
    this.chunkBytes = 0;
    return out;
  }

  /** Drop everything not yet taken (used when a client is being closed). */
  discard(): void {
    this.pos = 0;
    if (this.chunks.length === 0) return;
    this.chunks = [];
    this.chunkBytes = 0;
  }

  private spill(): void {
    if (this.pos === 0) return;
    if (this.pos > this.peak) this.peak = this.pos;
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    this.addChunk(out);
  }

  private addChunk(b: Buffer): void {
    this.chunks.push(b);
    this.chunkBytes += b.length;
    this.onSpill?.();
  }

  private room(n: number): void {
    if (this.pos + n > this.buf.length) {
      // Redis fills its buffer before spilling to the list: count it as full.
      this.peak = this.buf.length;
      this.spill();
    }
  }

  /** Append a latin1 string that is known to fit in the buffer after room(). */
  private put(s: string): void {
    const n = s.length;
    if (n < 32) {
      // Short strings: a JS loop beats the call into C++ that latin1Write makes.
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
      this.pos = p;
      return;
    }
    this.pos += this.buf.latin1Write(s, this.pos);
  }

  /** Append raw protocol text (already encoded). */
  raw(s: string): void {
    if (this.suppressed || this.dead) return;
    if (s.length > this.big) {
      this.peak = this.buf.length;
      this.spill();
      this.addChunk(Buffer.from(s, 'latin1'));
      return;
    }
    this.room(s.length);
    this.put(s);
  }

  rawBuffer(b: Buffer): void {
    if (this.suppressed || this.dead) return;
    if (b.length > this.big) {
      this.peak = this.buf.length;
      this.spill();
      this.addChunk(Buffer.from(b));
      return;
    }
    this.room(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  ok(): void {
    this.raw('+OK\r\n');
  }

  simple(s: string): void {
    this.raw('+' + s + '\r\n');
  }

  /**
   * An error reply. `message` is the whole text after '-', e.g. "ERR syntax error" or
   * "WRONGTYPE Operation against a key holding the wrong kind of value". Newlines are replaced
   * by spaces as Redis does, so the reply stays one line.
   */
  error(message: string): void {
    let m = message;
    if (m.indexOf('\r') !== -1 || m.indexOf('\n') !== -1) m = m.replace(/[\r\n]/g, ' ');
    this.onError?.(m);
    this.raw('-' + m + '\r\n');
  }

  /** `:n\r\n`; a safe integer's digits go straight into the buffer (util/numbers.ts writeSafeInt). */
  integer(n: number | bigint): void {
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
      this.raw(':' + n + '\r\n');
      return;
    }
    if (this.suppressed || this.dead) return;
    this.room(20); // ':', '-', at most 16 digits, CRLF
    const buf = this.buf;
    buf[this.pos] = 58;
    let p = writeSafeInt(buf, this.pos + 1, n);
    buf[p++] = 13;
    buf[p++] = 10;
    this.pos = p;
  }

  /** Bulk string (latin1) or a Buffer; null gives the null reply of the protocol. */
  bulk(s: string | Buffer | null | undefined): void {
    if (s === null || s === undefined) {
      this.nullBulk();
      return;
    }
    if (typeof s !== 'string') {
      this.raw('$' + s.length + '\r\n');
      this.rawBuffer(s);
      this.raw('\r\n');
      return;
    }
    if (this.suppressed || this.dead) return;
    const len = s.length;
    if (len > this.big) {
      this.raw('$' + len + '\r\n');
      this.raw(s);
      this.raw('\r\n');
      return;
    }
    this.room(len + 16);
    this.put('$' + len + '\r\n');
    this.put(s);
    this.buf[this.pos++] = 13;
    this.buf[this.pos++] = 10;
  }

  /** Null bulk string: `$-1` (RESP2) or `_` (RESP3). */
  nullBulk(): void {
    this.raw(this.resp === 2 ? '$-1\r\n' : '_\r\n');
  }

  /** Null array: `*-1` (RESP2) or `_` (RESP3). */
  nullArray(): void {
    this.raw(this.resp === 2 ? '*-1\r\n' : '_\r\n');
  }

  array(n: number): void {
    this.raw('*' + n + '\r\n');
  }

  /** A map of n pairs: `*2n` (RESP2) or `%n` (RESP3). */
  map(n: number): void {
    this.raw(this.resp === 2 ? '*' + n * 2 + '\r\n' : '%' + n + '\r\n');
  }

  /** A set of n elements: `*n` (RESP2) or `~n` (RESP3). */
  set(n: number): void {
    this.raw(this.resp === 2 ? '*' + n + '\r\n' : '~' + n + '\r\n');
  }

  /** A push message of n elements: `*n` (RESP2) or `>n` (RESP3). */
  push(n: number): void {
    this.raw(this.resp === 2 ? '*' + n + '\r\n' : '>' + n + '\r\n');
  }

  /** Boolean: `:1`/`:0` (RESP2) or `#t`/`#f` (RESP3). */
  bool(b: boolean): void {
    if (this.resp === 2) this.raw(b ? ':1\r\n' : ':0\r\n');
    else this.raw(b ? '#t\r\n' : '#f\r\n');
  }

  /** Double formatted by the caller-provided text (Redis uses %.17g): bulk in RESP2, `,` in RESP3. */
  doubleText(text: string): void {
    if (this.resp === 2) this.bulk(text);
    else this.raw(',' + text + '\r\n');
  }

  bigNumber(digits: string): void {
    if (this.resp === 2) this.bulk(digits);
    else this.raw('(' + digits + '\r\n');
  }

  /** Verbatim string with a three-letter format (`txt`, `mkd`): plain bulk in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (this.resp === 2) {
      this.bulk(s);
      return;
    }
    this.raw('=' + (s.length + 4) + '\r\n' + format + ':');
    this.raw(s);
    this.raw('\r\n');
  }

  /** RESP3 null (`_`), RESP2 null bulk. */
  null(): void {
    this.nullBulk();
  }

  /** An array of bulk strings. */
  bulkArray(items: readonly (string | Buffer | null)[]): void {
    this.array(items.length);
    for (const s of items) this.bulk(s);
  }
}
