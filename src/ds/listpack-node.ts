/*
 * The packed entry encoding of a quicklist node: a run of list elements stored back to back in
 * ONE latin1 JS string (one char per byte), readable from either end.
 *
 * Why one string: a list element kept as its own JS string costs a 16-byte header rounded up
 * to 8 bytes plus an 8-byte array slot, about 32 bytes for a short value; packed, it costs its
 * bytes plus two length bytes, and the whole node pays one header. That is what Redis's
 * listpack buys in C, and what makes a list of ten short items cost about as much as it does
 * in Redis.
 *
 * Entry layout (each "byte" is one char 0..255):
 *
 *   <header> <payload bytes> <trailer>
 *
 *   length L          header                      trailer
 *   L < 128           L                           L
 *   L < 16384         0x80|L>>8, L&255            L&255, 0x80|L>>8
 *   otherwise         0xC0, L as 4 bytes (BE)     L as 4 bytes (BE), 0xC0
 *
 * The header's first byte says how long the header is and the trailer's last byte how long
 * the trailer is, so a reader walks forward from any header or backward from any entry end:
 * LPOP and RPOP touch O(1) bytes, a seek to the k-th entry walks from the nearer end (Redis's
 * listpack keeps a back-length for the same reason). Overhead: 2 bytes per entry under 128
 * bytes, 4 under 16 KB, 10 beyond. A node string holds entries only (no count or total: the
 * quicklist node keeps the count, and the string's length is the byte size).
 *
 * Values are stored as their bytes (no integer re-encoding): Redis's listpack turns canonical
 * integers into binary and back, which is invisible to clients; equality is plain byte
 * equality either way.
 *
 * Reading functions return positions (char offsets); `P.start` / `P.len` of the module-level
 * cursor receive the payload bounds of the entry just read, so walking a node allocates
 * nothing but the values actually returned.
 */

/** One-char strings for every byte value. */
export const CHR: readonly string[] = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));

/** Payload bounds of the entry most recently read by readForward/readBackward. */
export const P = { start: 0, len: 0 };

/** Bytes an element of `len` bytes occupies in a packed node. */
export function entrySize(len: number): number {
  return len < 0x80 ? len + 2 : len < 0x4000 ? len + 4 : len + 10;
}

function be32(n: number): string {
  return (
    (CHR[(n >>> 24) & 0xff] as string) + (CHR[(n >>> 16) & 0xff] as string) +
    (CHR[(n >>> 8) & 0xff] as string) + (CHR[n & 0xff] as string)
  );
}

function read32(d: string, p: number): number {
  return (
    d.charCodeAt(p) * 0x1000000 + (d.charCodeAt(p + 1) << 16) + (d.charCodeAt(p + 2) << 8) + d.charCodeAt(p + 3)
  );
}

/** The encoded entry for `v` (header + payload + trailer). */
export function encodeEntry(v: string): string {
  const n = v.length;
  if (n < 0x80) {
    const c = CHR[n] as string;
    return c + v + c;
  }
  if (n < 0x4000) {
    const hi = CHR[0x80 | (n >> 8)] as string;
    const lo = CHR[n & 0xff] as string;
    return hi + lo + v + lo + hi;
  }
  const len = be32(n);
  return '\xc0' + len + v + len + '\xc0';
}

/** Concatenate the encoded entries of `values` into one flat packed string. */
export function packValues(values: readonly string[], from = 0, to = values.length): string {
  const parts: string[] = [];
  for (let i = from; i < to; i++) parts.push(encodeEntry(values[i] as string));
  return parts.join('');
}

/**
 * Read the entry whose header starts at `p`: sets P.start / P.len, returns the position just
 * after the entry (the next header).
 */
export function readForward(d: string, p: number): number {
  const h = d.charCodeAt(p);
  if (h < 0x80) {
    P.start = p + 1;
    P.len = h;
    return p + h + 2;
  }
  if (h < 0xc0) {
    const len = ((h & 0x3f) << 8) | d.charCodeAt(p + 1);
    P.start = p + 2;
    P.len = len;
    return p + len + 4;
  }
  const len = read32(d, p + 1);
  P.start = p + 5;
  P.len = len;
  return p + len + 10;
}

/**
 * Read the entry that ends (trailer included) just before `end`: sets P.start / P.len,
 * returns the position of that entry's header.
 */
export function readBackward(d: string, end: number): number {
  const t = d.charCodeAt(end - 1);
  if (t < 0x80) {
    P.start = end - 1 - t;
    P.len = t;
    return end - 2 - t;
  }
  if (t < 0xc0) {
    const len = ((t & 0x3f) << 8) | d.charCodeAt(end - 2);
    P.start = end - 2 - len;
    P.len = len;
    return end - 4 - len;
  }
  const len = read32(d, end - 5);
  P.start = end - 5 - len;
  P.len = len;
  return end - 10 - len;
}

/** Position just after the entry whose header is at `p`. */
export function skipForward(d: string, p: number): number {
  const h = d.charCodeAt(p);
  if (h < 0x80) return p + h + 2;
  if (h < 0xc0) return p + (((h & 0x3f) << 8) | d.charCodeAt(p + 1)) + 4;
  return p + read32(d, p + 1) + 10;
}

/** Header position of the entry ending just before `end`. */
export function skipBackward(d: string, end: number): number {
  const t = d.charCodeAt(end - 1);
  if (t < 0x80) return end - 2 - t;
  if (t < 0xc0) return end - 4 - (((t & 0x3f) << 8) | d.charCodeAt(end - 2));
  return end - 10 - read32(d, end - 5);
}

/**
 * Header position of entry `k` (0-based) of a node holding `count` entries; `k === count`
 * gives the end of the string. Walks from the nearer end.
 */
export function entryPosition(d: string, count: number, k: number): number {
  if (k <= count >> 1) {
    let p = 0;
    for (let i = 0; i < k; i++) p = skipForward(d, p);
    return p;
  }
  let p = d.length;
  for (let i = count; i > k; i--) p = skipBackward(d, p);
  return p;
}

/** The value of the entry whose header is at `p`. */
export function valueAt(d: string, p: number): string {
  readForward(d, p);
  return d.slice(P.start, P.start + P.len);
}

/** Does the entry whose header is at `p` hold exactly `s`? (no allocation) */
export function entryEquals(d: string, p: number, s: string): boolean {
  readForward(d, p);
  return P.len === s.length && d.startsWith(s, P.start);
}

/** All values of a packed string, in order. */
export function unpackValues(d: string, out: string[] = []): string[] {
  let p = 0;
  const n = d.length;
  while (p < n) {
    p = readForward(d, p);
    out.push(d.slice(P.start, P.start + P.len));
  }
  return out;
}

/**
 * Force a (possibly lazily concatenated) string into one flat string, and return it. Reading a
 * char makes V8 flatten a cons string in place; the wrapper object stays until the garbage
 * collector short-circuits it (not always done in the old generation), so this is for big
 * strings, where one leftover wrapper does not matter. Small results are built flat with join.
 */
export function flatten(s: string): string {
  if (s.length !== 0 && s.charCodeAt(0) < 0) return '';
  return s;
}

const PARTS2: string[] = ['', ''];
const PARTS3: string[] = ['', '', ''];

/** a + b as one flat string (Array.prototype.join builds a sequential string, no cons). */
export function join2(a: string, b: string): string {
  PARTS2[0] = a;
  PARTS2[1] = b;
  const s = PARTS2.join('');
  PARTS2[0] = PARTS2[1] = '';
  return s;
}

/** a + b + c as one flat string. */
export function join3(a: string, b: string, c: string): string {
  PARTS3[0] = a;
  PARTS3[1] = b;
  PARTS3[2] = c;
  const s = PARTS3.join('');
  PARTS3[0] = PARTS3[1] = PARTS3[2] = '';
  return s;
}

/** encodeEntry(v) as one flat string (a node of its own). */
export function encodeEntryFlat(v: string): string {
  const n = v.length;
  if (n < 0x80) {
    const c = CHR[n] as string;
    return join3(c, v, c);
  }
  return join2(encodeEntry(v), '');
}
