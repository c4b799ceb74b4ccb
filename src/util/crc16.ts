/*
 * CRC16 as used by Redis Cluster to map keys to hash slots: the
 * CRC-16/XMODEM variant (polynomial 0x1021, initial value 0, no reflection,
 * no final xor), table driven, one byte per step. Keys are latin1 strings
 * (one char = one byte).
 */

const TABLE = new Uint16Array(256);
for (let n = 0; n < 256; n++) {
  let c = n << 8;
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1;
  TABLE[n] = c & 0xffff;
}

/** Number of hash slots in a Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

/** CRC16/XMODEM of the bytes s[start..end) of a latin1 string. */
export function crc16(s: string, start = 0, end = s.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) ^ (TABLE[((crc >>> 8) ^ s.charCodeAt(i)) & 0xff] as number)) & 0xffff;
  }
  return crc;
}

/** CRC16/XMODEM of a byte array. */
export function crc16Bytes(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) ^ (TABLE[((crc >>> 8) ^ (buf[i] as number)) & 0xff] as number)) & 0xffff;
  }
  return crc;
}

/**
 * Redis Cluster's keyHashSlot: if the key contains a '{' followed later by
 * a '}' with at least one byte between them, only the bytes between the
 * first '{' and the first '}' after it are hashed; otherwise the whole key.
 * The result is crc16 & 16383.
 */
export function keyHashSlot(key: string): number {
  const len = key.length;
  const s = key.indexOf('{');
  if (s >= 0) {
    const e = key.indexOf('}', s + 1);
    if (e > s + 1) return crc16(key, s + 1, e) & 0x3fff;
  }
  return crc16(key, 0, len) & 0x3fff;
}
