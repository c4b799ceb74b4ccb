/*
 * LZF: the small, fast LZ77 variant Redis uses for RDB string compression and for quicklist
 * nodes beyond `list-compress-depth`. The stream is a sequence of chunks, each opened by a
 * control byte:
 *
 *   000LLLLL                       a literal run: the next L+1 bytes (1..32) are copied as is
 *   LLLooooo [X] oooooooo          a back reference: copy (L + 2) bytes starting (o + 1) bytes
 *                                  behind the output position; L = 7 means "7 + the extra byte
 *                                  X", so lengths run 3..264 and distances 1..8192
 *
 * The compressor is a greedy single pass: a hash of the next three input bytes finds the last
 * position where they were seen; when the candidate is within reach and really matches (the
 * table is never cleared between calls, so every candidate is verified byte by byte), the
 * match is extended as far as possible and emitted as a reference, otherwise one literal byte
 * is emitted. O(n) time, a fixed 16K-entry table, no allocation. The output is only accepted
 * when it fits the caller's budget (callers ask for a real gain), so compression never grows
 * data.
 */

const HASH_BITS = 14;
const HASH_SIZE = 1 << HASH_BITS;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3); // 264: 7 + 255 + 2
const MAX_LIT = 1 << 5;

/** Last position + 1 where each 3-byte hash was seen (0 = never). */
const table = new Int32Array(HASH_SIZE);

function hash3(a: number, b: number, c: number): number {
  return Math.imul((a << 16) | (b << 8) | c, 0x9e3779b1) >>> (32 - HASH_BITS);
}

/**
 * Compress `src[0..srcLen)` into `dst`, writing at most `cap` bytes. Returns the compressed
 * length, or 0 when the result would not fit (or the input is empty).
 */
export function lzfCompress(src: Uint8Array, srcLen: number, dst: Uint8Array, cap: number): number {
  if (srcLen === 0 || cap < 2) return 0;
  let ip = 0;
  let ctrl = 0; // where the open literal run's control byte goes
  let op = 1;
  let lit = 0;
  while (ip < srcLen) {
    if (ip + 2 < srcLen) {
      const a = src[ip] as number;
      const b = src[ip + 1] as number;
      const c = src[ip + 2] as number;
      const h = hash3(a, b, c);
      const ref = (table[h] as number) - 1;
      table[h] = ip + 1;
      if (
        ref >= 0 && ref < ip && ip - ref <= MAX_OFF &&
        src[ref] === a && src[ref + 1] === b && src[ref + 2] === c
      ) {
        const maxLen = Math.min(MAX_REF, srcLen - ip);
        let len = 3;
        while (len < maxLen && src[ref + len] === src[ip + len]) len++;
        // Close the open literal run (or take back its unused control byte).
        if (lit > 0) dst[ctrl] = lit - 1;
        else op--;
        const off = ip - ref - 1;
        const code = len - 2;
        if (op + 3 + 1 > cap) return 0;
        if (code < 7) {
          dst[op++] = (code << 5) | (off >> 8);
        } else {
          dst[op++] = (7 << 5) | (off >> 8);
          dst[op++] = code - 7;
        }
        dst[op++] = off & 0xff;
        // Remember the positions inside the match too (cheap, improves later matches).
        const end = ip + len;
        for (let p = ip + 1; p < end && p + 2 < srcLen; p++) {
          table[hash3(src[p] as number, src[p + 1] as number, src[p + 2] as number)] = p + 1;
        }
        ip = end;
        ctrl = op++;
        lit = 0;
        continue;
      }
    }
    if (op >= cap) return 0;
    dst[op++] = src[ip++] as number;
    if (++lit === MAX_LIT) {
      dst[ctrl] = MAX_LIT - 1;
      lit = 0;
      ctrl = op++;
    }
  }
  if (lit > 0) dst[ctrl] = lit - 1;
  else op--;
  return op > cap ? 0 : op;
}

/**
 * Decompress `src[srcStart..srcStart + srcLen)` into `dst` (exactly `dstLen` bytes expected).
 * Returns the number of bytes produced, or -1 on a corrupt stream or when the output would
 * overflow `dstLen`.
 */
export function lzfDecompress(src: Uint8Array, srcLen: number, dst: Uint8Array, dstLen: number, srcStart = 0): number {
  let ip = srcStart;
  let op = 0;
  srcLen += srcStart;
  while (ip < srcLen) {
    const ctrl = src[ip++] as number;
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > dstLen || ip + n > srcLen) return -1;
      for (let k = 0; k < n; k++) dst[op++] = src[ip++] as number;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= srcLen) return -1;
      len += src[ip++] as number;
    }
    if (ip >= srcLen) return -1;
    const ref = op - ((ctrl & 0x1f) << 8) - 1 - (src[ip++] as number);
    len += 2;
    if (ref < 0 || op + len > dstLen) return -1;
    for (let k = 0; k < len; k++) dst[op++] = dst[ref + k] as number;
  }
  return op;
}
