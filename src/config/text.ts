// Text primitives of the configuration language, following the rules Redis
// applies to redis.conf lines and CONFIG SET values: argument splitting with
// quotes and escapes, the single-separator split used for multi-argument
// CONFIG SET values, quoting of values written back by CONFIG REWRITE, and
// the C library number conversions (strtoll, memory units) the directives use.
//
// All strings are latin1 (one char = one byte), so byte-level rules such as
// "isprint" or "\xHH" escapes carry over unchanged.

/** C isspace() in the "C" locale: space, \t, \n, \v, \f, \r. */
export function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Split a line into arguments the way redis.conf lines (and redis-cli input)
 * are split: blanks separate arguments; "double quotes" allow \n \r \t \b \a
 * \xHH and backslash-anything escapes; 'single quotes' only allow \' ; a
 * closing quote must be followed by a blank or the end of the line.
 * Returns null on unbalanced quotes (Redis then reports the line).
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && isCSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let cur = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const c = i < n ? line.charCodeAt(i) : 0;
      if (inDouble) {
        if (c === 92 /* \ */ && i + 1 < n) {
          const e = line.charCodeAt(i + 1);
          if (e === 120 /* x */ && i + 3 < n) {
            const h = hexValue(line.charCodeAt(i + 2));
            const l = hexValue(line.charCodeAt(i + 3));
            if (h >= 0 && l >= 0) {
              cur += String.fromCharCode(h * 16 + l);
              i += 4;
              continue;
            }
          }
          switch (e) {
            case 110: cur += '\n'; break;
            case 114: cur += '\r'; break;
            case 116: cur += '\t'; break;
            case 98: cur += '\b'; break;
            case 97: cur += '\x07'; break;
            default: cur += line[i + 1]; break;
          }
          i += 2;
        } else if (c === 34 /* " */) {
          if (i + 1 < n && !isCSpace(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        } else if (i >= n) {
          return null;
        } else {
          cur += line[i];
          i++;
        }
      } else if (inSingle) {
        if (c === 92 && i + 1 < n && line.charCodeAt(i + 1) === 39) {
          cur += "'";
          i += 2;
        } else if (c === 39 /* ' */) {
          if (i + 1 < n && !isCSpace(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        } else if (i >= n) {
          return null;
        } else {
          cur += line[i];
          i++;
        }
      } else {
        if (i >= n || c === 32 || c === 10 || c === 13 || c === 9) {
          if (i < n) i++;
          break;
        }
        if (c === 34) inDouble = true;
        else if (c === 39) inSingle = true;
        else cur += line[i];
        i++;
      }
    }
    out.push(cur);
  }
}

/**
 * Split on every occurrence of a one-character separator, keeping empty
 * fields; an empty input gives no fields at all. This is how CONFIG SET
 * splits the value of a multi-argument directive ("save", "bind"...).
 */
export function splitOn(s: string, sep: string): string[] {
  if (s.length === 0) return [];
  return s.split(sep);
}

/** Strip any of the characters in `set` from both ends. */
export function trimChars(s: string, set: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && set.includes(s[a] as string)) a++;
  while (b > a && set.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

/**
 * Quote a value so splitArgs reads it back unchanged: wrapped in double
 * quotes, with \\ \" \n \r \t \a \b escapes and \xHH for bytes outside
 * printable ASCII.
 */
export function quoteArg(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 92: out += '\\\\'; break;
      case 34: out += '\\"'; break;
      case 10: out += '\\n'; break;
      case 13: out += '\\r'; break;
      case 9: out += '\\t'; break;
      case 7: out += '\\a'; break;
      case 8: out += '\\b'; break;
      default:
        if (c >= 32 && c <= 126) out += s[i];
        else out += '\\x' + c.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}

const U64 = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

/**
 * C strtoll(s, &end, 10) followed by the usual "*end must be NUL" check:
 * leading blanks and a sign are allowed, out-of-range values clamp, and an
 * empty (or all-blank) string is a valid 0. Null when characters remain.
 */
export function strtollStrict(s: string): bigint | null {
  let i = 0;
  const n = s.length;
  while (i < n && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (i < n && (s[i] === '+' || s[i] === '-')) {
    neg = s[i] === '-';
    i++;
  }
  const start = i;
  while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  // Without digits nothing is consumed: only the empty string ends there.
  if (i === start) return n === 0 ? 0n : null;
  if (i !== n) return null;
  let v = BigInt(s.slice(start, i));
  if (neg) v = -v;
  if (v > I64_MAX) v = I64_MAX;
  if (v < I64_MIN) v = I64_MIN;
  return v;
}

/**
 * Redis's memtoull: digits followed by an optional unit b, k (1000), kb
 * (1024), m, mb, g, gb, case-insensitive. A leading '-' is an error; a value
 * too big for 64 bits saturates and the multiplication wraps, as in C.
 * Returns null when the text is not a memory value.
 */
export function parseMemory(s: string): bigint | null {
  if (s.charCodeAt(0) === 45) return null;
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const unit = s.slice(i).toLowerCase();
  let mul: bigint;
  switch (unit) {
    case '': case 'b': mul = 1n; break;
    case 'k': mul = 1000n; break;
    case 'kb': mul = 1024n; break;
    case 'm': mul = 1000_000n; break;
    case 'mb': mul = 1024n * 1024n; break;
    case 'g': mul = 1000_000_000n; break;
    case 'gb': mul = 1024n * 1024n * 1024n; break;
    default: return null;
  }
  if (i >= 128) return null;
  let v = i === 0 ? 0n : BigInt(s.slice(0, i));
  if (v > U64) v = U64;
  return (v * mul) & U64;
}

/**
 * Memory value as CONFIG REWRITE writes it: the largest of gb / mb / kb
 * that divides it exactly, or plain bytes.
 */
export function formatMemoryUnits(bytes: bigint): string {
  const gb = 1024n * 1024n * 1024n;
  const mb = 1024n * 1024n;
  const kb = 1024n;
  if (bytes !== 0n && bytes % gb === 0n) return `${bytes / gb}gb`;
  if (bytes !== 0n && bytes % mb === 0n) return `${bytes / mb}mb`;
  if (bytes !== 0n && bytes % kb === 0n) return `${bytes / kb}kb`;
  return `${bytes}`;
}

/** printf("%f") then trailing zeros (and a bare dot) removed: 99.9, 50. */
export function formatPercentile(d: number): string {
  let s = d.toFixed(6);
  if (s.includes('.')) {
    s = s.replace(/0+$/, '');
    if (s.endsWith('.')) s = s.slice(0, -1);
  }
  return s;
}

/** strerror() text for the errno codes file operations report. */
export function strerror(code: string | undefined): string {
  switch (code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EPERM': return 'Operation not permitted';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTDIR': return 'Not a directory';
    case 'ENAMETOOLONG': return 'File name too long';
    case 'ELOOP': return 'Too many levels of symbolic links';
    case 'EROFS': return 'Read-only file system';
    case 'ENOSPC': return 'No space left on device';
    case 'EMFILE': return 'Too many open files';
    case 'EEXIST': return 'File exists';
    case 'EBUSY': return 'Device or resource busy';
    case 'EINVAL': return 'Invalid argument';
    case 'EIO': return 'Input/output error';
    case 'EXDEV': return 'Invalid cross-device link';
    case 'EDQUOT': return 'Disk quota exceeded';
    default: return code ?? 'Unknown error';
  }
}

/** strerror() for a caught Node fs error. */
export function errnoText(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return strerror(typeof code === 'string' ? code : undefined);
}
