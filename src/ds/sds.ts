/*
 * A growable byte string, the counterpart of Redis's SDS for values mutated in place.
 *
 * Most string values live as immutable latin1 JS strings (compact, cheap to compare and to
 * write to a socket). Commands that edit a value byte by byte (SETRANGE, APPEND, SETBIT,
 * BITFIELD) would copy the whole value on every call with immutable strings, which is
 * quadratic for a loop of APPENDs and ruinous for a 512 MB bitmap. They convert the value once
 * into an Sds: a Buffer with spare capacity plus a length. Growth doubles the capacity up to
 * 1 MB and then adds 1 MB at a time (Redis's sdsMakeRoomFor policy), so n appends cost O(n)
 * amortised copies, and in-place writes cost O(1).
 */

const MAX_PREALLOC = 1024 * 1024;

export class Sds {
  buf: Buffer;
  len: number;

  constructor(initial: string | Buffer = '', capacity = 0) {
    const n = initial.length;
    this.buf = Buffer.alloc(Math.max(n, capacity));
    if (typeof initial === 'string') this.buf.write(initial, 0, 'latin1');
    else initial.copy(this.buf);
    this.len = n;
  }

  /** Make room for at least `needed` bytes in total, keeping the content. New bytes are zero. */
  reserve(needed: number): void {
    if (needed <= this.buf.length) return;
    const cap = needed < MAX_PREALLOC ? needed * 2 : needed + MAX_PREALLOC;
    const nb = Buffer.alloc(cap);
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
  }

  /** Extend the length to n bytes (zero-filled), if shorter. */
  growZero(n: number): void {
    if (n <= this.len) return;
    this.reserve(n);
    this.buf.fill(0, this.len, n);
    this.len = n;
  }

  append(s: string): void {
    this.reserve(this.len + s.length);
    this.buf.write(s, this.len, 'latin1');
    this.len += s.length;
  }

  /** Overwrite bytes from `offset` with `s`, growing with zeros as needed. */
  writeAt(offset: number, s: string): void {
    this.growZero(offset + s.length);
    this.buf.write(s, offset, 'latin1');
  }

  /** The content as a view (no copy); valid until the next mutation. */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  toString(): string {
    return this.buf.latin1Slice(0, this.len);
  }

  /** Bytes of memory held (capacity), for memory accounting. */
  get allocated(): number {
    return this.buf.length;
  }
}
