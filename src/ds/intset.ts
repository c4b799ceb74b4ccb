/*
 * IntSet: a sorted set of signed 64-bit integers in one flat typed array, the compact encoding
 * Redis uses for sets whose members are all integers (OBJECT ENCODING `intset`).
 *
 * Layout: the members sit in ascending order, without duplicates, in an Int16Array, an
 * Int32Array or a BigInt64Array: the narrowest of the three that holds every member (the set's
 * "width": 2, 4 or 8 bytes per member). Adding a value that needs a wider type upgrades the
 * whole array once (16 -> 32 -> 64 bits); the width never shrinks again, even when the wide
 * members are removed, exactly as in Redis (its RDB blob carries the width, and DEBUG / MEMORY
 * figures depend on it).
 *
 * Invariants: 0 <= len <= arr.length; arr[0..len-1] strictly increasing; every member fits the
 * width. A value too wide for the current width cannot be a member, so lookups of such a value
 * answer "absent" without searching, and an insert of such a value always goes to one end (it
 * is either below or above every member): the upgrade copies the old members shifted by one
 * slot when the new value is negative, and appends it otherwise.
 *
 * Complexity: lookup O(log n) by binary search; insert and delete O(n) (the tail moves by one
 * slot with copyWithin, a memmove); random member O(1); upgrade O(n). Redis limits intsets to
 * set-max-intset-entries members (512 by default), which keeps the linear moves short.
 *
 * Why typed arrays: a member costs 2, 4 or 8 bytes with no per-element object, as in Redis,
 * and the typed array doubles as the serialized form (toBlob/fromBlob produce Redis's RDB intset
 * blob: a little-endian header of width and length, then the members little-endian). The array
 * keeps some spare capacity (about 1/8) so that a run of inserts does not reallocate each time.
 *
 * Values cross the API as JS numbers when they are safe integers (|v| <= 2^53 - 1) and as
 * bigints beyond; both forms are accepted on input.
 */

export type IntValue = number | bigint;
type Width = 2 | 4 | 8;
type IntArray = Int16Array | Int32Array | BigInt64Array;

const INT16_MIN = -32768;
const INT16_MAX = 32767;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const SAFE_MAX = Number.MAX_SAFE_INTEGER;
const SAFE_MIN_BIG = BigInt(-SAFE_MAX);
const SAFE_MAX_BIG = BigInt(SAFE_MAX);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A bigint in the safe range becomes a number; anything else is returned unchanged. */
function normalize(v: IntValue): IntValue {
  if (typeof v === 'bigint' && v >= SAFE_MIN_BIG && v <= SAFE_MAX_BIG) return Number(v);
  return v;
}

/** The narrowest width that holds v (v already normalized). */
function widthOf(v: IntValue): Width {
  if (typeof v === 'bigint') return 8;
  if (v < INT32_MIN || v > INT32_MAX) return 8;
  if (v < INT16_MIN || v > INT16_MAX) return 4;
  return 2;
}

function allocate(width: Width, capacity: number): IntArray {
  if (width === 2) return new Int16Array(capacity);
  if (width === 4) return new Int32Array(capacity);
  return new BigInt64Array(capacity);
}

/** Capacity to allocate for n members: n plus about an eighth of spare room. */
function capacityFor(n: number): number {
  return n + (n >> 3) + 2;
}

export class IntSet {
  private width: Width = 2;
  private len = 0;
  private arr: IntArray = new Int16Array(2);

  /** Number of members. */
  get size(): number {
    return this.len;
  }

  /** Bytes per member: 2, 4 or 8 (Redis's intset encoding). */
  get encoding(): Width {
    return this.width;
  }

  /** Size of Redis's serialized intset (intsetBlobLen): 8 header bytes plus the members. */
  get blobLength(): number {
    return 8 + this.len * this.width;
  }

  /** Bytes of the backing array (capacity included), for memory accounting. */
  get allocatedBytes(): number {
    return this.arr.byteLength;
  }

  /**
   * Binary search: the index of v, or -(insertion point) - 1 when absent. v must fit the
   * current width (callers check).
   */
  private search(v: IntValue): number {
    let lo = 0;
    let hi = this.len - 1;
    if (this.width === 8) {
      const a = this.arr as BigInt64Array;
      const b = typeof v === 'bigint' ? v : BigInt(v);
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const m = a[mid] as bigint;
        if (m < b) lo = mid + 1;
        else if (m > b) hi = mid - 1;
        else return mid;
      }
      return -lo - 1;
    }
    const a = this.arr as Int16Array | Int32Array;
    const n = v as number;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = a[mid] as number;
      if (m < n) lo = mid + 1;
      else if (m > n) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  /** Index of v among the members (ascending order), or -1. */
  indexOf(value: IntValue): number {
    const v = normalize(value);
    if (widthOf(v) > this.width || this.len === 0) return -1;
    const i = this.search(v);
    return i < 0 ? -1 : i;
  }

  has(value: IntValue): boolean {
    return this.indexOf(value) >= 0;
  }

  /** Add v; true if it was not a member. */
  add(value: IntValue): boolean {
    const v = normalize(value);
    if (typeof v === 'bigint' && (v < INT64_MIN || v > INT64_MAX)) throw new RangeError('intset value out of int64 range');
    const w = widthOf(v);
    if (w > this.width) {
      this.upgradeAndAdd(v, w);
      return true;
    }
    const found = this.len === 0 ? -1 : this.search(v);
    if (found >= 0) return false;
    const pos = -found - 1;
    if (this.len === this.arr.length) this.resize(capacityFor(this.len + 1));
    const a = this.arr;
    if (pos < this.len) a.copyWithin(pos + 1, pos, this.len);
    if (this.width === 8) (a as BigInt64Array)[pos] = typeof v === 'bigint' ? v : BigInt(v);
    else (a as Int16Array | Int32Array)[pos] = v as number;
    this.len++;
    return true;
  }

  /** Remove v; true if it was a member. */
  remove(value: IntValue): boolean {
    const i = this.indexOf(value);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  /** Remove the member at index i (0 <= i < size). */
  removeAt(i: number): void {
    const a = this.arr;
    if (i < this.len - 1) a.copyWithin(i, i + 1, this.len);
    this.len--;
    // Give memory back when the array is mostly empty.
    if (this.arr.length > 16 && this.len <= this.arr.length >> 1) this.resize(capacityFor(this.len));
  }

  /** Member at index i (0 <= i < size) as a number, or a bigint beyond 2^53. */
  get(i: number): IntValue {
    const m = this.arr[i] as number | bigint;
    if (typeof m === 'number') return m;
    return m >= SAFE_MIN_BIG && m <= SAFE_MAX_BIG ? Number(m) : m;
  }

  /** Member at index i as decimal text (what clients see). */
  getString(i: number): string {
    return String(this.arr[i]);
  }

  /** Index of a uniformly chosen member, or -1 when empty. */
  randomIndex(random: () => number = Math.random): number {
    return this.len === 0 ? -1 : Math.floor(random() * this.len);
  }

  /** Smallest and largest members (size must be > 0). */
  min(): IntValue {
    return this.get(0);
  }

  max(): IntValue {
    return this.get(this.len - 1);
  }

  /** Visit the members in ascending order as decimal strings. */
  forEachString(fn: (member: string) => void): void {
    const a = this.arr;
    for (let i = 0; i < this.len; i++) fn(String(a[i]));
  }

  /** The members in ascending order as decimal strings. */
  toStrings(): string[] {
    const out = new Array<string>(this.len);
    const a = this.arr;
    for (let i = 0; i < this.len; i++) out[i] = String(a[i]);
    return out;
  }

  /** An independent copy with the same width. */
  clone(): IntSet {
    const c = new IntSet();
    c.width = this.width;
    c.len = this.len;
    c.arr = this.arr.slice(0, Math.max(this.len, 2)) as IntArray;
    return c;
  }

  /**
   * Redis's serialized intset: uint32 width, uint32 length, then the members, all
   * little-endian (the RDB "intset" string payload).
   */
  toBlob(): Buffer {
    const out = Buffer.allocUnsafe(this.blobLength);
    out.writeUInt32LE(this.width, 0);
    out.writeUInt32LE(this.len, 4);
    const a = this.arr;
    let off = 8;
    for (let i = 0; i < this.len; i++) {
      if (this.width === 2) out.writeInt16LE(a[i] as number, off);
      else if (this.width === 4) out.writeInt32LE(a[i] as number, off);
      else out.writeBigInt64LE(a[i] as bigint, off);
      off += this.width;
    }
    return out;
  }

  /**
   * Parse a serialized intset (intsetValidateIntegrity with the deep check): the width must be
   * 2, 4 or 8, the length must match the byte count, and the members must be strictly
   * ascending. Returns null when the blob is invalid. An empty intset is valid here; callers
   * that forbid it (the RDB loader) check size.
   */
  static fromBlob(blob: Uint8Array): IntSet | null {
    if (blob.length < 8) return null;
    const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
    const width = buf.readUInt32LE(0);
    if (width !== 2 && width !== 4 && width !== 8) return null;
    const len = buf.readUInt32LE(4);
    if (8 + len * width !== buf.length) return null;
    const s = new IntSet();
    s.width = width;
    s.arr = allocate(width, Math.max(len, 2));
    let off = 8;
    for (let i = 0; i < len; i++) {
      if (width === 8) {
        const v = buf.readBigInt64LE(off);
        if (i > 0 && v <= (s.arr[i - 1] as bigint)) return null;
        (s.arr as BigInt64Array)[i] = v;
      } else {
        const v = width === 2 ? buf.readInt16LE(off) : buf.readInt32LE(off);
        if (i > 0 && v <= (s.arr[i - 1] as number)) return null;
        (s.arr as Int16Array | Int32Array)[i] = v;
      }
      off += width;
    }
    s.len = len;
    return s;
  }

  /** Build from values in any order (duplicates ignored). */
  static from(values: Iterable<IntValue>): IntSet {
    const s = new IntSet();
    for (const v of values) s.add(v);
    return s;
  }

  /* ---- internals ---------------------------------------------------------------------- */

  private resize(capacity: number): void {
    const next = allocate(this.width, Math.max(capacity, 2));
    if (this.len > 0) (next as Int16Array).set((this.arr as Int16Array).subarray(0, this.len));
    this.arr = next;
  }

  /** Widen every member to `w` and insert v, which lies outside the old range. */
  private upgradeAndAdd(v: IntValue, w: Width): void {
    const old = this.arr;
    const n = this.len;
    const next = allocate(w, capacityFor(n + 1));
    // A value too wide for the old width is below every member when negative, above when not.
    const negative = typeof v === 'bigint' ? v < 0n : v < 0;
    const shift = negative ? 1 : 0;
    if (w === 8) {
      const dst = next as BigInt64Array;
      for (let i = 0; i < n; i++) dst[i + shift] = BigInt(old[i] as number);
      dst[negative ? 0 : n] = typeof v === 'bigint' ? v : BigInt(v);
    } else {
      const dst = next as Int32Array;
      for (let i = 0; i < n; i++) dst[i + shift] = old[i] as number;
      dst[negative ? 0 : n] = v as number;
    }
    this.arr = next;
    this.width = w;
    this.len = n + 1;
  }
}
