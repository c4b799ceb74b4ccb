/*
 * Reading the command part of an AOF file: RESP multibulk arrays (`*<n>\r\n` then n times
 * `$<len>\r\n<bytes>\r\n`), optionally interleaved with annotation lines starting with '#'
 * (`#TS:<unix>` from aof-timestamp-enabled), which are skipped.
 *
 * The reader works on a whole file in memory and reports, for every command, the offset just
 * past it. It stops at the first problem and says which kind it is, because the two are
 * treated differently by the loader and by nodis-check-aof:
 *  - 'truncated': the data ends inside a command (a crash during a write). The offset of the
 *    end of the last complete command is where the file may be cut (aof-load-truncated yes,
 *    --fix);
 *  - 'format': bytes that are not a command at all (corruption), reported with their offset.
 * MULTI/EXEC pairing is the caller's business (it needs the offset before an unfinished MULTI).
 *
 * Cost: one pass over the buffer; arguments are latin1 slices (binary safe).
 */

export type ReadStop =
  | { kind: 'eof'; offset: number }
  | { kind: 'truncated'; offset: number }
  | { kind: 'format'; offset: number; message: string };

const CR = 13;
const LF = 10;

/** Index of "\r\n" at or after `from`, or -1. */
function lineEnd(buf: Buffer, from: number): number {
  const i = buf.indexOf(LF, from);
  if (i === -1) return -1;
  return i;
}

function parseIntLine(buf: Buffer, start: number, end: number): number | null {
  // end points at LF; the line is buf[start, end-1) with CR at end-1.
  if (end - 1 <= start || buf[end - 1] !== CR) return null;
  const s = buf.latin1Slice(start, end - 1);
  if (!/^-?\d+$/.test(s)) return null;
  return parseInt(s, 10);
}

/**
 * Walk the commands of `buf` from `offset`; `onCommand(argv, endOffset)` is called for each
 * one and may return false to stop early (reported as eof at that offset).
 */
export function readCommands(
  buf: Buffer, offset: number, onCommand: (argv: string[], end: number) => boolean | void,
): ReadStop {
  let pos = offset;
  const n = buf.length;
  while (pos < n) {
    const c = buf[pos];
    if (c === 0x23) { // '#': annotation
      const e = lineEnd(buf, pos);
      if (e === -1) return { kind: 'truncated', offset: pos };
      pos = e + 1;
      continue;
    }
    if (c !== 0x2a) return { kind: 'format', offset: pos, message: 'Bad file format reading the append only file' };
    const e = lineEnd(buf, pos);
    if (e === -1) return { kind: 'truncated', offset: pos };
    const argc = parseIntLine(buf, pos + 1, e);
    if (argc === null || argc < 1) return { kind: 'format', offset: pos, message: 'Bad file format reading the append only file' };
    let p = e + 1;
    const argv: string[] = [];
    for (let i = 0; i < argc; i++) {
      if (p >= n) return { kind: 'truncated', offset: pos };
      if (buf[p] !== 0x24) return { kind: 'format', offset: p, message: 'Bad file format reading the append only file' };
      const le = lineEnd(buf, p);
      if (le === -1) return { kind: 'truncated', offset: pos };
      const len = parseIntLine(buf, p + 1, le);
      if (len === null || len < 0) return { kind: 'format', offset: p, message: 'Bad file format reading the append only file' };
      const start = le + 1;
      if (start + len + 2 > n) return { kind: 'truncated', offset: pos };
      if (buf[start + len] !== CR || buf[start + len + 1] !== LF) {
        return { kind: 'format', offset: start + len, message: 'Bad file format reading the append only file' };
      }
      argv.push(buf.latin1Slice(start, start + len));
      p = start + len + 2;
    }
    pos = p;
    if (onCommand(argv, pos) === false) return { kind: 'eof', offset: pos };
  }
  return { kind: 'eof', offset: pos };
}

/** A command as RESP multibulk bytes (latin1 string: one char per byte). */
export function respCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}
