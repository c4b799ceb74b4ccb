/**
 * RESP request parser: turns the bytes a client sends into commands (arrays of latin1 strings).
 *
 * Two request forms exist, chosen by the first byte of each request:
 *  - multibulk: `*<count>\r\n` followed by <count> times `$<len>\r\n<len bytes>\r\n`;
 *  - inline: any other line, ended by `\n` (a `\r` before it is dropped), split into words with
 *    the quoting rules of redis-cli / sdssplitargs (double quotes with escapes, single quotes).
 *
 * The state is kept between chunks exactly where Redis 7.0 keeps it: the offset of the next
 * unparsed byte, the number of bulks still expected by the current multibulk, the announced
 * length of the bulk being read, and the arguments completed so far. Nothing is ever parsed twice:
 * a length line or an inline line that is still incomplete remembers how far the search for its
 * terminator got (`scanOff`), so feeding one byte at a time costs O(1) per byte.
 *
 * Buffering: when every byte has been consumed, the next chunk is parsed in place (no copy). When a
 * request straddles chunks, its tail is copied into a private growable buffer before feed()
 * returns, and later chunks are appended there (compacted in place when mostly empty, doubled
 * otherwise), so appends are amortised O(1) even when a paused client keeps sending, and no
 * reference to the caller's chunk outlives feed(). A bulk of 32 KiB or more whose bytes have not all arrived
 * switches to "big bulk" mode: it gets a buffer of its own that grows geometrically with the bytes
 * actually received (never sized from the announced length alone, which may be hostile), and is
 * turned into one string when its last byte arrives. The argument vector of a multibulk is sized
 * from the announced count only up to PRESIZE_MAX (1024) bulks, and grows as bulks arrive above.
 *
 * Fast path: a multibulk that is wholly in the buffer, with canonical length lines and no big
 * bulk, is parsed in one pass with locals (parseWhole) and consumed at once; anything else (a
 * request cut by a read, a big bulk, a malformed line) falls to the resumable loop, which also
 * reports every protocol error. The fast path consumes nothing when it declines.
 *
 * Quirks kept on purpose because Redis has them: the two bytes after a length line's `\r` and after
 * a bulk's data are skipped without being checked; a NUL byte stops the search for a line
 * terminator (Redis uses strchr), so such a request waits until the 64 KiB limit rejects it.
 */

import { constants as bufferConstants } from 'node:buffer';
import { argString } from './arg-strings.js';

export interface RequestSink {
  /** One complete command. Return false to pause: the parser stops and keeps the rest buffered. */
  onCommand(args: string[]): boolean;
  /** Protocol error; message like "Protocol error: invalid bulk length". Parsing stops for good. */
  onProtocolError(message: string): void;
  /** The unparsed input exceeded client-query-buffer-limit. Parsing stops for good. */
  onQueryBufferLimit(): void;
  /**
   * A run of onCommand calls begins (true) or ends (false): between them the parser does nothing
   * but parse, so the sink may treat the commands of one run as following each other at once.
   */
  onRun?(active: boolean): void;
}

export interface ParserLimits {
  /** proto-max-bulk-len (default 512 MB). */
  protoMaxBulkLen: number;
  /** client-query-buffer-limit (default 1 GB). */
  clientQueryBufferLimit: number;
}

/** Longest line (inline request or length line) without a terminator: PROTO_INLINE_MAX_SIZE. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Bulks at least this long that have not fully arrived are collected chunk by chunk. */
export const PROTO_MBULK_BIG_ARG = 32 * 1024;
/** Limits enforced before the client has authenticated (when a password is required). */
export const UNAUTH_MAX_MULTIBULK = 10;
export const UNAUTH_MAX_BULK = 16384;

const INT_MAX = 2147483647;
/** A V8 string cannot be longer than this; bigger bulks cannot become arguments. */
const MAX_ARG_LEN = bufferConstants.MAX_STRING_LENGTH;
const MAX_BUFFER = bufferConstants.MAX_LENGTH;
const MIN_CAPACITY = 16 * 1024;
/** First allocation for a big bulk (capped by its length); it then doubles as bytes arrive. */
const BIG_INITIAL = 256 * 1024;
/** An idle private buffer up to this size is kept for reuse. */
const SPARE_MAX = 256 * 1024;
/**
 * Big bulks of up to BIG_INITIAL bytes are collected in buffers of exactly that size taken from
 * a pool shared by all parsers. Allocating one per bulk made every such bulk a short-lived
 * ArrayBuffer whose backing store V8 frees while sweeping array buffers inside a GC pause: a
 * write flood of 16 B-64 KB values measured scavenges of up to 15 ms, half of them in that sweep
 * (bench/maxmemory-flood.mjs with --trace-gc-nvp).
 *
 * At most BIG_POOL_MAX pool-sized buffers exist at a time (idle in the pool or held by a parser,
 * 1 MiB in all): when they are all out, a bulk gets a buffer of exactly its length + 2, as
 * without the pool, so many clients sending 32 KiB bulks at once do not each hold 256 KiB.
 * A parser gives its pooled buffer back when the bulk completes or when it is closed (its
 * connection closes it on disconnect), so the quota is never lost.
 */
const BIG_POOL_MAX = 4;
const bigPool: Buffer[] = [];
/** Pool-sized buffers alive: idle in bigPool or held by a parser. Never above BIG_POOL_MAX. */
let bigLive = 0;

/** A pool-sized buffer (idle or new), or null when BIG_POOL_MAX of them are alive already. */
function takePooled(): Buffer | null {
  const idle = bigPool.pop();
  if (idle !== undefined) return idle;
  if (bigLive >= BIG_POOL_MAX) return null;
  bigLive++;
  return Buffer.allocUnsafe(BIG_INITIAL);
}
const EMPTY = Buffer.alloc(0);
/** Placeholder between commands; never written to (each multibulk gets a fresh array). */
const NO_ARGS: string[] = [];
/** Multibulks of up to this many bulks get their args array at its final size at once. */
const PRESIZE_MAX = 1024;

/**
 * Redis's string2ll, restricted to what length lines need: returns the value, or NaN when the
 * bytes [p, e) are not a canonical signed 64-bit decimal (empty, leading zero, '+', junk,
 * 21+ chars, out of range). Values beyond 2^53 are approximate, which no comparison here minds.
 */
function parseLength(buf: Buffer, p: number, e: number): number {
  const len = e - p;
  if (len <= 0 || len >= 21) return NaN;
  let c = buf[p]!;
  if (len === 1) return c >= 48 && c <= 57 ? c - 48 : NaN;
  let negative = false;
  if (c === 45) {
    negative = true;
    p++;
    c = buf[p]!;
  }
  if (c < 49 || c > 57) return NaN;
  const digitsStart = p;
  let v = c - 48;
  for (p++; p < e; p++) {
    c = buf[p]!;
    if (c < 48 || c > 57) return NaN;
    v = v * 10 + (c - 48);
  }
  const digits = e - digitsStart;
  if (digits > 19) return NaN;
  if (digits === 19 && !fitsInt64(buf, digitsStart, negative)) return NaN;
  return negative ? -v : v;
}

const INT64_MAX_DIGITS = '9223372036854775807';

/** Exact range check for a 19-digit magnitude (|LLONG_MIN| is one more than LLONG_MAX). */
function fitsInt64(buf: Buffer, p: number, negative: boolean): boolean {
  for (let k = 0; k < 19; k++) {
    let limit = INT64_MAX_DIGITS.charCodeAt(k);
    if (k === 18 && negative) limit++;
    const c = buf[p + k]!;
    if (c !== limit) return c < limit;
  }
  return true;
}

/** Copies src[0, n) to dst at `at`; tiny copies (bytes trickling in) skip the native call. */
function copyBytes(src: Buffer, n: number, dst: Buffer, at: number): void {
  if (n <= 16) {
    for (let i = 0; i < n; i++) dst[at + i] = src[i]!;
  } else {
    src.copy(dst, at, 0, n);
  }
}

/** C isspace() in the C locale. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Splits the inline line [p, e) into words the way sdssplitargs does. The line holds no NUL and
 * no '\n'. Returns null for unbalanced quotes (or a closing quote not followed by a space).
 */
export function splitInlineArgs(buf: Buffer, p: number, e: number): string[] | null {
  const out: string[] = [];
  let tmp: Buffer | null = null;
  for (;;) {
    while (p < e && isSpace(buf[p]!)) p++;
    if (p >= e) return out;
    // Fast path: a word without quotes ends at ' ', '\t', '\r' or the end of the line.
    let q = p;
    let c = 0;
    while (q < e) {
      c = buf[q]!;
      if (c === 32 || c === 9 || c === 13 || c === 34 || c === 39) break;
      q++;
    }
    if (q >= e || (c !== 34 && c !== 39)) {
      out.push(buf.latin1Slice(p, q));
      p = q < e ? q + 1 : q;
      continue;
    }
    // Slow path: the word contains a quote; decode it byte by byte into a scratch buffer that is
    // long enough for any word of the rest of the line.
    if (tmp === null) tmp = Buffer.allocUnsafe(e - p);
    let n = buf.copy(tmp, 0, p, q);
    p = q;
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const ch = p < e ? buf[p]! : 0;
      if (inDouble) {
        let h1: number;
        let h2: number;
        if (
          ch === 92 && p + 3 < e && buf[p + 1] === 120 &&
          (h1 = hexValue(buf[p + 2]!)) >= 0 && (h2 = hexValue(buf[p + 3]!)) >= 0
        ) {
          tmp[n++] = h1 * 16 + h2;
          p += 3;
        } else if (ch === 92 && p + 1 < e) {
          p++;
          const x = buf[p]!;
          tmp[n++] = x === 110 ? 10 : x === 114 ? 13 : x === 116 ? 9 : x === 98 ? 8 : x === 97 ? 7 : x;
        } else if (ch === 34) {
          if (p + 1 < e && !isSpace(buf[p + 1]!)) return null;
          p++;
          break;
        } else if (p >= e) {
          return null;
        } else {
          tmp[n++] = ch;
        }
      } else if (inSingle) {
        if (ch === 92 && p + 1 < e && buf[p + 1] === 39) {
          p++;
          tmp[n++] = 39;
        } else if (ch === 39) {
          if (p + 1 < e && !isSpace(buf[p + 1]!)) return null;
          p++;
          break;
        } else if (p >= e) {
          return null;
        } else {
          tmp[n++] = ch;
        }
      } else if (p >= e) {
        break;
      } else if (ch === 32 || ch === 13 || ch === 9) {
        p++;
        break;
      } else if (ch === 34) {
        inDouble = true;
      } else if (ch === 39) {
        inSingle = true;
      } else {
        tmp[n++] = ch;
      }
      p++;
    }
    out.push(tmp.latin1Slice(0, n));
  }
}

export class RequestParser {
  /** Set by the engine: true while the client must still AUTH (tighter length limits apply). */
  authRequired = false;
  /**
   * Set for the connection to our master: proto-max-bulk-len and the query-buffer limit do not
   * apply, and an inline request other than an empty line is a protocol error.
   */
  isMaster = false;

  private readonly sink: RequestSink;
  private readonly limits: ParserLimits;

  /** Unparsed bytes are buf[start, end). `owned`: buf is our private buffer (writable past end). */
  private buf: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  private owned = false;
  /** A private buffer kept while the adopted chunks are consumed, to avoid reallocating. */
  private spare: Buffer | null = null;
  /** How far past `start` the search for the current line's terminator already got. */
  private scanOff = 0;

  /** Bulks still expected by the multibulk in progress (0: between requests). */
  private mbLeft = 0;
  /** Bulks in the multibulk being read (its args array is filled by index). */
  private mbCount = 0;
  /** Announced length of the bulk being read, -1 while its length line is still unread. */
  private bulkLen = -1;
  /** Arguments of the multibulk in progress (a fresh array per command, handed to the sink). */
  private args: string[] = NO_ARGS;
  private argBytes = 0;
  private lastBytes = 0;
  /** Where the request parseWhole() returned ends. */
  private wholeEnd = 0;

  /**
   * Big-bulk mode: a buffer of its own for the bulk being read (grown geometrically up to the
   * bulk's length + 2, never sized from the announced length alone) and how many bytes it holds.
   */
  private big: Buffer | null = null;
  /** `big` came from the pool (takePooled) and goes back to it. */
  private bigPooled = false;
  private bigHave = 0;

  private pausedFlag = false;
  private dead = false;
  private draining = false;

  constructor(sink: RequestSink, limits: ParserLimits) {
    this.sink = sink;
    this.limits = limits;
  }

  /** Unparsed bytes held (CLIENT LIST qbuf); includes the received part of a big bulk. */
  get bufferedBytes(): number {
    return this.bigHave + (this.end - this.start);
  }

  /**
   * Free room in the private buffer as Redis shows it (CLIENT LIST qbuf-free), best effort: for
   * a big bulk, the room left up to its end (Redis sizes that buffer to the bulk exactly).
   */
  get idleBufferCapacity(): number {
    if (this.big !== null) return Math.min(this.big.length, this.bulkLen + 2) - this.bigHave;
    return this.freeHeld();
  }

  /**
   * Free room in the buffers this parser actually holds (memory accounting): with
   * bufferedBytes, the bytes it keeps allocated. A pooled big-bulk buffer counts in full.
   */
  get heldFreeCapacity(): number {
    if (this.big !== null) return this.big.length - this.bigHave;
    return this.freeHeld();
  }

  private freeHeld(): number {
    if (this.owned) return this.buf.length - (this.end - this.start);
    return this.spare !== null ? this.spare.length : 0;
  }

  /** Bytes of the arguments already parsed of the command still in progress (memory accounting). */
  get partialArgBytes(): number {
    return this.argBytes;
  }

  /** Total length of the arguments of the last command delivered (CLIENT LIST argv-mem). */
  get lastCommandBytes(): number {
    return this.lastBytes;
  }

  /** True after onCommand returned false or pause() was called, until resume(). */
  get paused(): boolean {
    return this.pausedFlag;
  }

  /** True after a protocol error, the query-buffer limit, or close(). */
  get closed(): boolean {
    return this.dead;
  }

  /** Stop delivering commands (bytes keep being buffered) until resume(). */
  pause(): void {
    this.pausedFlag = true;
  }

  /** Clear the pause and deliver what is buffered, synchronously. */
  resume(): void {
    this.pausedFlag = false;
    this.drain();
  }

  /** Stop for good and drop every buffer (QUIT, client killed). */
  close(): void {
    this.dead = true;
    this.release();
  }

  /** Drop the spare buffer, and the private buffer if nothing is pending (idle-client cron). */
  trimIdle(): void {
    this.spare = null;
    if (this.start === this.end) {
      this.buf = EMPTY;
      this.start = this.end = 0;
      this.owned = false;
    }
  }

  /**
   * Append received bytes, then deliver every complete command (unless paused). The parser keeps
   * no reference to `chunk` once feed() returns (a partial tail is copied), so the caller may
   * reuse its memory.
   */
  feed(chunk: Buffer): void {
    if (this.dead) return;
    const n = chunk.length;
    if (n !== 0) {
      const pending = this.bufferedBytes + n;
      if (!this.isMaster && pending > this.limits.clientQueryBufferLimit) {
        this.failLimit();
        return;
      }
      if (this.big !== null && this.bigHave < this.bulkLen + 2) {
        this.feedBigBulk(chunk);
      } else if (!this.append(chunk)) {
        this.failLimit();
        return;
      }
    }
    this.drain();
    if (!this.owned && this.buf !== EMPTY) {
      if (this.end > this.start) this.ownTail();
      else this.releaseConsumed();
    }
  }

  /** Deliver as many complete commands as possible, unless paused or closed. Re-entrant safe. */
  drain(): void {
    if (this.draining || this.pausedFlag || this.dead) return;
    this.draining = true;
    const sink = this.sink;
    sink.onRun?.(true);
    try {
      this.run();
    } finally {
      this.draining = false;
      sink.onRun?.(false);
    }
  }

  private failLimit(): void {
    this.dead = true;
    this.sink.onQueryBufferLimit();
    this.release();
  }

  private fail(message: string): void {
    this.dead = true;
    this.sink.onProtocolError('Protocol error: ' + message);
    this.release();
  }

  private release(): void {
    this.buf = EMPTY;
    this.start = this.end = 0;
    this.owned = false;
    this.spare = null;
    if (this.bigPooled) bigPool.push(this.big!);
    this.big = null;
    this.bigPooled = false;
    this.bigHave = 0;
    this.args = NO_ARGS;
    this.mbLeft = 0;
    this.bulkLen = -1;
    this.scanOff = 0;
  }

  /** Joins the chunk to the pending bytes. Returns false if no Buffer can be that big. */
  private append(chunk: Buffer): boolean {
    const n = chunk.length;
    const pending = this.end - this.start;
    if (pending === 0) {
      if (this.owned && this.buf.length <= SPARE_MAX) this.spare = this.buf;
      this.buf = chunk;
      this.start = 0;
      this.end = n;
      this.owned = false;
      return true;
    }
    let buf = this.buf;
    if (this.owned && this.end + n <= buf.length) {
      copyBytes(chunk, n, buf, this.end);
      this.end += n;
      return true;
    }
    const need = pending + n;
    if (this.owned && need <= buf.length >>> 1) {
      buf.copyWithin(0, this.start, this.end);
    } else {
      if (need > MAX_BUFFER) return false;
      const spare = this.spare;
      if (spare !== null && spare.length >= need && spare !== buf) {
        this.spare = null;
        if (this.owned && buf.length <= SPARE_MAX) this.spare = buf;
        buf.copy(spare, 0, this.start, this.end);
        buf = spare;
      } else {
        const fresh = Buffer.allocUnsafe(Math.min(Math.max(MIN_CAPACITY, need * 2), MAX_BUFFER));
        buf.copy(fresh, 0, this.start, this.end);
        buf = fresh;
      }
    }
    chunk.copy(buf, pending);
    this.buf = buf;
    this.start = 0;
    this.end = need;
    this.owned = true;
    return true;
  }

  /** Moves the pending bytes of an adopted chunk into a private buffer. */
  private ownTail(): void {
    const pending = this.end - this.start;
    let dst = this.spare;
    if (dst !== null && dst.length >= pending) this.spare = null;
    else dst = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, pending * 2));
    this.buf.copy(dst, 0, this.start, this.end);
    this.buf = dst;
    this.start = 0;
    this.end = pending;
    this.owned = true;
  }

  /** Nothing pending: let go of the (possibly adopted) buffer, keeping a small private one. */
  private releaseConsumed(): void {
    if (this.owned && this.buf.length <= SPARE_MAX) this.spare = this.buf;
    this.buf = EMPTY;
    this.start = this.end = 0;
    this.owned = false;
  }

  /** The parse loop (see the file comment for the state it keeps between calls). */
  private run(): void {
    const sink = this.sink;
    for (;;) {
      if (this.pausedFlag || this.dead) return;
      let args: string[];
      if (this.big !== null) {
        if (!this.finishBigBulk()) return;
        args = this.args;
      } else if (this.mbLeft === 0) {
        // Between requests: inline line or multibulk count line.
        const buf = this.buf;
        const pos = this.start;
        const end = this.end;
        if (pos >= end) {
          this.releaseConsumed();
          return;
        }
        if (buf[pos] !== 42) {
          const args = this.parseInline();
          if (args === null) return;
          if (args.length === 0) continue;
          if (sink.onCommand(args) === false) this.pausedFlag = true;
          continue;
        }
        if (!this.authRequired) {
          const whole = this.parseWhole(buf, pos, end);
          if (whole !== null) {
            this.start = this.wholeEnd;
            this.scanOff = 0;
            if (sink.onCommand(whole) === false) this.pausedFlag = true;
            continue;
          }
        }
        let i = pos + this.scanOff;
        let c = 0;
        while (i < end) {
          c = buf[i]!;
          if (c === 13 || c === 0) break;
          i++;
        }
        if (i >= end || c === 0) {
          this.scanOff = i - pos;
          if (end - pos > PROTO_INLINE_MAX_SIZE) this.fail('too big mbulk count string');
          return;
        }
        if (i > end - 2) {
          this.scanOff = i - pos;
          return;
        }
        const count = parseLength(buf, pos + 1, i);
        if (count !== count || count > INT_MAX) {
          this.fail('invalid multibulk length');
          return;
        }
        if (count > UNAUTH_MAX_MULTIBULK && this.authRequired) {
          this.fail('unauthenticated multibulk length');
          return;
        }
        this.start = i + 2;
        this.scanOff = 0;
        if (count <= 0) continue;
        this.mbLeft = count;
        this.mbCount = count;
        // Sized up front when the count is modest: filled by index, no growth on the way.
        args = count <= PRESIZE_MAX ? new Array<string>(count) : [];
        this.argBytes = 0;
      } else {
        args = this.args;
      }

      // Read bulks until the multibulk is complete or the input runs out.
      const buf = this.buf;
      const end = this.end;
      const count = this.mbCount;
      let pos = this.start;
      let left = this.mbLeft;
      let bulkLen = this.bulkLen;
      let argBytes = this.argBytes;
      while (left > 0) {
        if (bulkLen < 0) {
          let i = pos + this.scanOff;
          let c = 0;
          while (i < end) {
            c = buf[i]!;
            if (c === 13 || c === 0) break;
            i++;
          }
          if (i >= end || c === 0 || i > end - 2) {
            this.start = pos;
            this.args = args;
            this.mbLeft = left;
            this.bulkLen = -1;
            this.argBytes = argBytes;
            this.scanOff = i - pos;
            if (i >= end || c === 0) {
              if (end - pos > PROTO_INLINE_MAX_SIZE) this.fail('too big bulk count string');
            }
            return;
          }
          const first = buf[pos]!;
          if (first !== 36) {
            const shown = first === 13 || first === 10 ? ' ' : String.fromCharCode(first);
            this.fail(`expected '$', got '${shown}'`);
            return;
          }
          const len = parseLength(buf, pos + 1, i);
          if (len !== len || len < 0 || (!this.isMaster && len > this.limits.protoMaxBulkLen)) {
            this.fail('invalid bulk length');
            return;
          }
          if (len > UNAUTH_MAX_BULK && this.authRequired) {
            this.fail('unauthenticated bulk length');
            return;
          }
          if (len > MAX_ARG_LEN) {
            // Not a Redis limit: a JS string cannot hold it (only reachable when
            // proto-max-bulk-len is raised, or for a master link).
            this.fail('invalid bulk length');
            return;
          }
          pos = i + 2;
          this.scanOff = 0;
          bulkLen = len;
          if (len >= PROTO_MBULK_BIG_ARG && end - pos < len + 2) {
            this.args = args;
            this.mbLeft = left;
            this.argBytes = argBytes;
            this.enterBigBulk(pos, len);
            return;
          }
        }
        if (end - pos < bulkLen + 2) {
          this.start = pos;
          this.args = args;
          this.mbLeft = left;
          this.bulkLen = bulkLen;
          this.argBytes = argBytes;
          return;
        }
        args[count - left] = argString(buf, pos, bulkLen, left === count);
        argBytes += bulkLen;
        pos += bulkLen + 2;
        bulkLen = -1;
        left--;
      }
      this.start = pos;
      this.mbLeft = 0;
      this.bulkLen = -1;
      this.lastBytes = argBytes;
      this.argBytes = 0;
      if (this.args !== NO_ARGS) this.args = NO_ARGS;
      if (sink.onCommand(args) === false) this.pausedFlag = true;
    }
  }

  /**
   * The common case in one pass: a multibulk of at most PRESIZE_MAX bulks, each shorter than
   * PROTO_MBULK_BIG_ARG, with canonical length lines, all of it already in the buffer. Read with
   * locals only (the general loop keeps its state in fields so that it can stop anywhere and
   * resume with the next chunk). Returns the arguments, with wholeEnd set past the request, or
   * null having consumed nothing: anything else (a request cut by the chunk's end, a big bulk,
   * a malformed line) is left to the general loop, which reports the errors. Each digit loop
   * stops at a bound, so a hostile digit run costs this path a few bytes, not a rescan.
   */
  private parseWhole(buf: Buffer, pos: number, end: number): string[] | null {
    let p = pos + 1;
    if (p >= end) return null;
    let c = buf[p]!;
    if (c < 49 || c > 57) return null;
    let count = c - 48;
    for (;;) {
      if (++p >= end) return null;
      c = buf[p]!;
      if (c < 48 || c > 57) break;
      count = count * 10 + (c - 48);
      if (count > PRESIZE_MAX) return null;
    }
    if (c !== 13 || p + 1 >= end || buf[p + 1] !== 10) return null;
    p += 2;
    const args = new Array<string>(count);
    let bytes = 0;
    for (let k = 0; k < count; k++) {
      if (p + 3 >= end || buf[p] !== 36) return null;
      c = buf[++p]!;
      let len = c - 48;
      if (len < 0 || len > 9) return null;
      if (len !== 0) {
        for (;;) {
          if (++p >= end) return null;
          c = buf[p]!;
          if (c < 48 || c > 57) break;
          len = len * 10 + (c - 48);
          if (len >= PROTO_MBULK_BIG_ARG) return null;
        }
      } else {
        c = buf[++p]!;
      }
      if (c !== 13 || p + 1 >= end || buf[p + 1] !== 10) return null;
      p += 2;
      if (end - p < len + 2) return null;
      args[k] = argString(buf, p, len, k === 0);
      bytes += len;
      p += len + 2;
    }
    this.wholeEnd = p;
    this.lastBytes = bytes;
    return args;
  }

  /**
   * Parses one inline request at `start`. Returns its words (possibly none: an empty line), or
   * null when the line is incomplete or a protocol error was reported.
   */
  private parseInline(): string[] | null {
    const buf = this.buf;
    const pos = this.start;
    const end = this.end;
    let i = pos + this.scanOff;
    let c = 0;
    while (i < end) {
      c = buf[i]!;
      if (c === 10 || c === 0) break;
      i++;
    }
    if (i >= end || c === 0) {
      this.scanOff = i - pos;
      if (end - pos > PROTO_INLINE_MAX_SIZE) this.fail('too big inline request');
      return null;
    }
    let lineEnd = i;
    if (lineEnd > pos && buf[lineEnd - 1] === 13) lineEnd--;
    const args = splitInlineArgs(buf, pos, lineEnd);
    if (args === null) {
      this.fail('unbalanced quotes in request');
      return null;
    }
    if (this.isMaster && lineEnd > pos) {
      this.fail('Master using the inline protocol. Desync?');
      return null;
    }
    this.start = i + 1;
    this.scanOff = 0;
    if (args.length !== 0) {
      let bytes = 0;
      for (const a of args) bytes += a.length;
      this.lastBytes = bytes;
    }
    return args;
  }

  /** The bulk announced at `pos` has not fully arrived: give it a buffer of its own. */
  private enterBigBulk(pos: number, len: number): void {
    const have = this.end - pos;
    const need = len + 2;
    const pooled = need <= BIG_INITIAL ? takePooled() : null;
    const big = pooled ?? Buffer.allocUnsafe(need <= BIG_INITIAL ? need : Math.min(need, Math.max(BIG_INITIAL, have * 2)));
    this.buf.copy(big, 0, pos, this.end);
    this.big = big;
    this.bigPooled = pooled !== null;
    this.bigHave = have;
    this.bulkLen = len;
    this.releaseConsumed();
  }

  /** Copies into the big bulk what belongs to it; the rest of the chunk is buffered as usual. */
  private feedBigBulk(chunk: Buffer): void {
    let big = this.big!;
    const need = this.bulkLen + 2;
    const have = this.bigHave;
    const take = Math.min(chunk.length, need - have);
    if (have + take > big.length) {
      const grown = Buffer.allocUnsafe(Math.min(need, Math.max(big.length * 2, have + take)));
      big.copy(grown, 0, 0, have);
      big = this.big = grown;
    }
    copyBytes(chunk, take, big, have);
    this.bigHave = have + take;
    if (take < chunk.length) this.append(chunk.subarray(take));
  }

  /** Completes the big bulk if all its bytes are there; false while more are needed. */
  private finishBigBulk(): boolean {
    const len = this.bulkLen;
    if (this.bigHave < len + 2) return false;
    const big = this.big!;
    this.args[this.mbCount - this.mbLeft] = big.latin1Slice(0, len);
    if (this.bigPooled) bigPool.push(big);
    this.bigPooled = false;
    this.argBytes += len;
    this.mbLeft--;
    this.bulkLen = -1;
    this.big = null;
    this.bigHave = 0;
    return true;
  }
}
