/*
 * nodis-check-aof: verify (and with --fix, truncate) an AOF, reporting like redis-check-aof.
 *
 * Input is a manifest (multi-part AOF: every file it lists is checked, base first, and only
 * the last one may be fixed), or a single file (old-style AOF, possibly with an RDB preamble).
 * Each AOF part is walked with the same reader the loader uses; the report gives the size,
 * the offset up to which the file is valid, that offset's line number and the difference.
 * MULTI without EXEC at the end counts as an invalid tail (cut before the MULTI). An RDB base
 * is checked by decoding it completely (checksum included).
 *
 * The checker writes its report through `out` and returns the exit status, so the logic is
 * testable without a process.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeRdb } from '../rdb/decoder.js';
import { readCommands } from './command-reader.js';
import { beforeMultiOffset } from './loader.js';
import { parseManifest } from './manifest.js';

export interface CheckOptions {
  fix: boolean;
  out: (line: string) => void;
  /** Asked before truncating (redis-check-aof's "Continue? [y/N]"). */
  confirm: (question: string) => boolean;
}

interface Analysis {
  size: number;
  okUpTo: number;
  line: number;
  message: string | null;
}

function countLines(buf: Buffer, end: number): number {
  let n = 1;
  for (let i = buf.indexOf(10, 0); i !== -1 && i < end; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

function hex16(n: number): string {
  return n.toString(16).padStart(16, ' ');
}

function analyze(buf: Buffer, start: number): Analysis {
  const stop = readCommands(buf, start, () => undefined);
  if (stop.kind === 'format') {
    return { size: buf.length, okUpTo: lastGood(buf, start, stop.offset), line: countLines(buf, stop.offset), message: `0x${hex16(stop.offset)}: ${stop.message}` };
  }
  if (stop.kind === 'truncated') {
    return { size: buf.length, okUpTo: stop.offset, line: countLines(buf, buf.length), message: `0x${hex16(buf.length)}: Unexpected end of file` };
  }
  const cut = beforeMultiOffset(buf, start);
  if (cut < buf.length) {
    return { size: buf.length, okUpTo: cut, line: countLines(buf, buf.length), message: 'Reached EOF before reading EXEC for MULTI' };
  }
  return { size: buf.length, okUpTo: buf.length, line: countLines(buf, buf.length), message: null };
}

/** End of the last complete command before `bad`. */
function lastGood(buf: Buffer, start: number, bad: number): number {
  let ok = start;
  readCommands(buf.subarray(0, bad), start, (_argv, end) => {
    ok = end;
  });
  return ok;
}

/** Check one file; returns true when valid (or fixed). */
function checkFile(file: string, name: string, label: string, isLast: boolean, opts: CheckOptions): boolean {
  const out = opts.out;
  const buf = fs.readFileSync(file);
  let start = 0;
  if (buf.length >= 5 && buf.latin1Slice(0, 5) === 'REDIS') {
    out(`[offset 0] Checking RDB file ${name}`);
    try {
      const d = decodeRdb(buf);
      for (const [k, v] of d.aux) out(`AUX FIELD ${k} = '${v}'`);
      out(`[offset ${d.loadedBytes}] \\o/ RDB looks OK! \\o/`);
      out(`[info] ${d.keys} keys read`);
      start = d.loadedBytes;
    } catch (e) {
      out(`RDB preamble of AOF file is not sane, aborting: ${(e as Error).message}`);
      return false;
    }
    out('RDB preamble is OK, proceeding with AOF tail...');
  }
  const a = analyze(buf, start);
  if (a.message !== null) out(a.message);
  const diff = a.size - a.okUpTo;
  out(`AOF analyzed: filename=${name}, size=${a.size}, ok_up_to=${a.okUpTo}, ok_up_to_line=${a.line}, diff=${diff}`);
  if (diff === 0) {
    out(`${label}${name} is valid`);
    return true;
  }
  if (!opts.fix) {
    out(`AOF ${name} is not valid. Use the --fix option to try fixing it.`);
    return false;
  }
  if (!isLast) {
    out(`Failed to truncate AOF ${name} because it is not the last file`);
    return false;
  }
  out(`This will shrink the AOF ${name} from ${a.size} bytes, with ${diff} bytes, to ${a.okUpTo} bytes`);
  if (!opts.confirm('Continue? [y/N]: ')) {
    out('Aborting...');
    return false;
  }
  fs.truncateSync(file, a.okUpTo);
  out(`Successfully truncated AOF ${name}`);
  return true;
}

/** Returns the process exit status. */
export function checkAof(target: string, opts: CheckOptions): number {
  const out = opts.out;
  let file = target;
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    const m = fs.readdirSync(target).find((f) => f.endsWith('.manifest'));
    if (m === undefined) {
      out(`Cannot find a manifest file in ${target}`);
      return 1;
    }
    file = path.join(target, m);
  }
  if (!fs.existsSync(file)) {
    out(`Cannot open file ${file}`);
    return 1;
  }
  if (file.endsWith('.manifest')) {
    out('Start checking Multi Part AOF');
    let m;
    try {
      m = parseManifest(fs.readFileSync(file, 'latin1'));
    } catch (e) {
      out(`Invalid AOF manifest file format: ${(e as Error).message}`);
      return 1;
    }
    const dir = path.dirname(file);
    const files = m.loadOrder;
    for (let i = 0; i < files.length; i++) {
      const f = files[i] as (typeof files)[number];
      const p = path.join(dir, f.name);
      if (!fs.existsSync(p)) {
        out(`AOF file ${f.name} doesn't exist`);
        return 1;
      }
      if (f.type === 'b') {
        const isRdb = fs.readFileSync(p).latin1Slice(0, 5) === 'REDIS';
        out(`Start to check BASE AOF (${isRdb ? 'RDB' : 'AOF'} format).`);
      } else if (i === 0 || files[i - 1]?.type === 'b') {
        out('Start to check INCR files.');
      }
      if (!checkFile(p, f.name, f.type === 'b' ? 'BASE AOF ' : 'INCR AOF ', i === files.length - 1, opts)) return 1;
    }
    out('All AOF files and manifest are valid');
    return 0;
  }
  out('Start checking Old-Style AOF');
  return checkFile(file, file, 'AOF ', true, opts) ? 0 : 1;
}
