/*
 * Command names as strings, from a cache keyed by their bytes (the request parser's hot path:
 * every request's first argument goes through here).
 */

import { shortString, SHORT_MAX } from '../util/short-string.js';

/**
 * Command names repeat on nearly every request. The first bulk of a multibulk, when short, is
 * looked up by its bytes in a small direct-mapped cache shared by all parsers: a hit reuses the
 * string (no allocation, and V8 has already hashed it for the command table's Map), a miss costs
 * one short hash loop on top of the slice it replaces.
 */
export const NAME_CACHE_MAX = 24;
const nameCache: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);

export function commandName(buf: Buffer, pos: number, len: number): string {
  let h = len;
  for (let i = 0; i < len; i++) h = (Math.imul(h, 31) + buf[pos + i]!) | 0;
  const slot = (h ^ (h >>> 8)) & 255;
  const cached = nameCache[slot];
  if (cached !== undefined && cached.length === len) {
    let i = 0;
    while (i < len && cached.charCodeAt(i) === buf[pos + i]) i++;
    if (i === len) return cached;
  }
  const fresh = len <= SHORT_MAX ? shortString(buf, pos, len) : buf.latin1Slice(pos, pos + len);
  nameCache[slot] = fresh;
  return fresh;
}
