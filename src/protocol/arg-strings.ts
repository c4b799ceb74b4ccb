/*
 * Request arguments as strings (the request parser's hot path: every argument of every request
 * goes through here). Command names come from a cache keyed by their bytes.
 */

import { latin1String } from '../util/latin1-string.js';

/**
 * Command names repeat on nearly every request. The first bulk of a multibulk, when short, is
 * looked up by its bytes in a small direct-mapped cache shared by all parsers: a hit reuses the
 * string (no allocation, and V8 has already hashed it for the command table's Map), a miss costs
 * one short hash loop on top of the slice it replaces.
 */
const NAME_CACHE_MAX = 24;
const nameCache: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);

function commandName(buf: Buffer, pos: number, len: number): string {
  let h = len;
  for (let i = 0; i < len; i++) h = (Math.imul(h, 31) + buf[pos + i]!) | 0;
  const slot = (h ^ (h >>> 8)) & 255;
  const cached = nameCache[slot];
  if (cached !== undefined && cached.length === len) {
    let i = 0;
    while (i < len && cached.charCodeAt(i) === buf[pos + i]) i++;
    if (i === len) return cached;
  }
  const fresh = latin1String(buf, pos, len);
  nameCache[slot] = fresh;
  return fresh;
}

/** Bulk bytes buf[pos, pos + len) as an argument; `first`: the command name. */
export function argString(buf: Buffer, pos: number, len: number, first: boolean): string {
  return first && len <= NAME_CACHE_MAX ? commandName(buf, pos, len) : latin1String(buf, pos, len);
}
