/*
 * Argument parsing shared by command handlers, with Redis's exact error replies
 * (getLongLongFromObjectOrReply, getDoubleFromObjectOrReply, getRangeLongFromObjectOrReply...).
 * Each `...OrReply` function writes the error to the reply and returns null on failure, so a
 * handler can write `const n = intArg(c, argv[2]); if (n === null) return;`.
 */

import type { Ctx } from './context.js';
import * as E from '../protocol/errors.js';
import { string2l, parseInt64, string2d, string2ld } from '../util/numbers.js';

/**
 * A 64-bit integer argument as a JS number. Values beyond 2^53 (still valid int64 for Redis) are
 * rounded to the nearest double: use this only where magnitude matters (counts, offsets,
 * timeouts); arithmetic on user values (INCRBY) uses int64Arg.
 */
export function intArg(c: Ctx, s: string | undefined, err: string = E.NOT_INTEGER): number | null {
  const v = s === undefined ? null : string2l(s);
  if (v === null) {
    const big = s === undefined ? null : parseInt64(s);
    if (big !== null && typeof big === 'bigint') return Number(big);
    c.reply.error(err);
    return null;
  }
  return v;
}

/** A full-range signed 64-bit integer argument (number when safe, bigint beyond). */
export function int64Arg(c: Ctx, s: string | undefined, err: string = E.NOT_INTEGER): number | bigint | null {
  const v = s === undefined ? null : parseInt64(s);
  if (v === null) c.reply.error(err);
  return v;
}

/** An integer within [min, max], else `ERR value is out of range, must be ...` style errors. */
export function rangeIntArg(c: Ctx, s: string | undefined, min: number, max: number, msg?: string): number | null {
  const v = s === undefined ? null : string2l(s);
  if (v === null || v < min || v > max) {
    c.reply.error(msg ?? (v === null ? E.NOT_INTEGER : `ERR value is out of range, must be positive`));
    return null;
  }
  return v;
}

/** A double argument (getDoubleFromObjectOrReply). */
export function doubleArg(c: Ctx, s: string | undefined, err: string = E.NOT_FLOAT): number | null {
  const v = s === undefined ? null : string2d(s);
  if (v === null) c.reply.error(err);
  return v;
}

/** Case-insensitive compare of an argument with an uppercase/lowercase keyword. */
export function is(arg: string | undefined, keyword: string): boolean {
  return arg !== undefined && arg.length === keyword.length && arg.toLowerCase() === keyword.toLowerCase();
}

/**
 * A blocking command's timeout (getTimeoutFromObjectOrReply): seconds as a (long) double, or
 * milliseconds as an integer with `unit` 'ms'. Returns the absolute unix-ms deadline, 0 for
 * "block forever", or null after replying the error.
 */
export function timeoutArg(c: Ctx, s: string | undefined, unit: 's' | 'ms' = 's'): number | null {
  let ms: number;
  if (unit === 's') {
    const v = s === undefined ? null : string2ld(s);
    if (v === null || !Number.isFinite(v)) {
      c.reply.error('ERR timeout is not a float or out of range');
      return null;
    }
    ms = Math.ceil(v * 1000);
  } else {
    const v = s === undefined ? null : parseInt64(s);
    if (v === null) {
      c.reply.error('ERR timeout is not an integer or out of range');
      return null;
    }
    ms = Number(v);
  }
  if (ms < 0) {
    c.reply.error('ERR timeout is negative');
    return null;
  }
  return ms > 0 ? ms + Date.now() : 0;
}
