/*
 * Keyspace-notification classes (the letters of `notify-keyspace-events`) as bit flags.
 * Commands record events with one of these classes; the engine decides whether the
 * configured flags let it through and publishes `__keyspace@<db>__:<key>` /
 * `__keyevent@<db>__:<event>`.
 */

export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m
export const NOTIFY_LOADED = 1 << 12; // module only
export const NOTIFY_MODULE = 1 << 13; // d
export const NOTIFY_NEW = 1 << 14; // n
export const NOTIFY_ALL =
  NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET |
  NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE; // A

/** Parse the flags string of `notify-keyspace-events`; -1 on an unknown character. */
export function parseNotifyFlags(s: string): number {
  let flags = 0;
  for (const ch of s) {
    switch (ch) {
      case 'A': flags |= NOTIFY_ALL; break;
      case 'g': flags |= NOTIFY_GENERIC; break;
      case '$': flags |= NOTIFY_STRING; break;
      case 'l': flags |= NOTIFY_LIST; break;
      case 's': flags |= NOTIFY_SET; break;
      case 'h': flags |= NOTIFY_HASH; break;
      case 'z': flags |= NOTIFY_ZSET; break;
      case 'x': flags |= NOTIFY_EXPIRED; break;
      case 'e': flags |= NOTIFY_EVICTED; break;
      case 'K': flags |= NOTIFY_KEYSPACE; break;
      case 'E': flags |= NOTIFY_KEYEVENT; break;
      case 't': flags |= NOTIFY_STREAM; break;
      case 'm': flags |= NOTIFY_KEY_MISS; break;
      case 'd': flags |= NOTIFY_MODULE; break;
      case 'n': flags |= NOTIFY_NEW; break;
      default: return -1;
    }
  }
  return flags;
}

/** The canonical flags string for CONFIG GET (Redis's keyspaceEventsFlagsToString). */
export function notifyFlagsToString(flags: number): string {
  let s = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) s += 'A';
  else {
    if (flags & NOTIFY_GENERIC) s += 'g';
    if (flags & NOTIFY_STRING) s += '$';
    if (flags & NOTIFY_LIST) s += 'l';
    if (flags & NOTIFY_SET) s += 's';
    if (flags & NOTIFY_HASH) s += 'h';
    if (flags & NOTIFY_ZSET) s += 'z';
    if (flags & NOTIFY_EXPIRED) s += 'x';
    if (flags & NOTIFY_EVICTED) s += 'e';
    if (flags & NOTIFY_STREAM) s += 't';
    if (flags & NOTIFY_MODULE) s += 'd';
    if (flags & NOTIFY_NEW) s += 'n';
  }
  if (flags & NOTIFY_KEYSPACE) s += 'K';
  if (flags & NOTIFY_KEYEVENT) s += 'E';
  if (flags & NOTIFY_KEY_MISS) s += 'm';
  return s;
}
