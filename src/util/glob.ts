/*
 * Glob-style matching with the exact semantics of Redis 7.0's stringmatchlen
 * (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET, ACL key/channel patterns...).
 *
 * Syntax: '*' any run of bytes, '?' one byte, '[...]' one byte from a set
 * ('^' right after '[' negates; 'a-z' ranges, reversed ranges like 'z-a'
 * are swapped; '\x' inside a set is a literal x), '\x' outside a set is a
 * literal x. Redis quirks kept on purpose:
 *   - an unterminated '[' set runs to the end of the pattern ("[abc" matches
 *     one of a, b, c; "[" alone never matches; "[^" matches any byte);
 *   - '-' right before the closing ']' forms a range with ']' ("[a-]" is the
 *     range ']'..'a');
 *   - range bounds compare as C `char`, which is signed on x86-64 Linux: bytes
 *     0x80..0xff sort below 0x00 inside ranges (plain set members and literal
 *     bytes compare by equality, so signedness does not matter there);
 *   - case folding (nocase) is glibc's C-locale tolower: ASCII letters only,
 *     except that inside a range it is applied to the signed values, which
 *     maps bytes 0x80..0xfe back to 128..254 while 0xff stays -1 (EOF); an
 *     escaped byte inside a set is always compared case-sensitively;
 *   - an empty subject matches only the empty pattern (not even "*"); callers
 *     such as KEYS special-case the pattern "*" themselves.
 *
 * Algorithm: Redis recurses at every '*' and, once the rest of the pattern
 * has failed to match at every remaining position, gives up on all earlier
 * stars too (a longer match for an earlier star could only start the rest
 * later, which already failed). That is equivalent to the classic iterative
 * matcher that remembers only the most recent star and, on a mismatch,
 * retries it one byte further: O(pattern * subject) worst case, no
 * recursion (so no stack limit on patterns with many stars), no allocation.
 * Strings are latin1 (one char = one byte).
 */

const STAR = 42; // *
const QMARK = 63; // ?
const LBRACKET = 91; // [
const RBRACKET = 93; // ]
const BACKSLASH = 92; // \
const CARET = 94; // ^
const DASH = 45; // -

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/**
 * glibc's tolower() in the C locale applied to a (possibly negative) C
 * `char` value: ASCII capitals fold; -128..-2 come back as c + 256 (the
 * table is indexed by the unsigned byte); -1 is EOF and stays -1.
 */
function cTolower(c: number): number {
  if (c < -1) return c + 256;
  return lower(c);
}

/** C `char` value of a byte on x86-64 (signed). */
function signedChar(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/**
 * Redis's stringmatchlen(pattern, string, nocase): does `str` match the
 * glob `pattern`? Both are latin1 strings (binary-safe).
 */
export function stringMatch(pattern: string, str: string, nocase = false): boolean {
  const plen = pattern.length;
  const slen = str.length;
  let p = 0;
  let s = 0;
  // Pattern index just after the most recent '*' group, and the subject
  // index where that star's current attempt begins; -1: no star seen yet.
  let starP = -1;
  let starS = 0;

  for (;;) {
    let failed = false;
    while (p < plen && s < slen) {
      const pc = pattern.charCodeAt(p);
      if (pc === STAR) {
        while (p + 1 < plen && pattern.charCodeAt(p + 1) === STAR) p++;
        if (p === plen - 1) return true; // trailing star swallows the rest
        starP = p + 1;
        starS = s;
        p = starP;
        continue;
      }
      const sc = str.charCodeAt(s);
      if (pc === QMARK) {
        // any byte
      } else if (pc === LBRACKET) {
        p++;
        const not = p < plen && pattern.charCodeAt(p) === CARET;
        if (not) p++;
        let match = false;
        for (;;) {
          if (p + 1 < plen && pattern.charCodeAt(p) === BACKSLASH) {
            p++;
            if (pattern.charCodeAt(p) === sc) match = true;
          } else if (p < plen && pattern.charCodeAt(p) === RBRACKET) {
            break;
          } else if (p >= plen) {
            p--; // unterminated set: stop on the last pattern byte
            break;
          } else if (p + 2 < plen && pattern.charCodeAt(p + 1) === DASH) {
            let start = signedChar(pattern.charCodeAt(p));
            let end = signedChar(pattern.charCodeAt(p + 2));
            let c = signedChar(sc);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = cTolower(start);
              end = cTolower(end);
              c = cTolower(c);
            }
            p += 2;
            if (c >= start && c <= end) match = true;
          } else {
            const b = pattern.charCodeAt(p);
            if (nocase ? lower(b) === lower(sc) : b === sc) match = true;
          }
          p++;
        }
        if (not) match = !match;
        if (!match) {
          failed = true;
          break;
        }
      } else {
        let b = pc;
        if (pc === BACKSLASH && p + 1 < plen) {
          p++;
          b = pattern.charCodeAt(p);
        }
        if (nocase ? lower(b) !== lower(sc) : b !== sc) {
          failed = true;
          break;
        }
      }
      p++;
      s++;
      if (s === slen) {
        while (p < plen && pattern.charCodeAt(p) === STAR) p++;
        break;
      }
    }
    if (!failed && p === plen && s === slen) return true;
    // Retry the most recent star one byte further along, if any byte is left.
    if (starP < 0) return false;
    starS++;
    if (starS >= slen) return false;
    p = starP;
    s = starS;
  }
}
