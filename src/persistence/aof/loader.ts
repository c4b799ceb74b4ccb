/*
 * Loading a multi-part AOF: the manifest's base file, then every incremental file, replayed
 * command by command through an executor the server supplies (persistence never sees the
 * engine: the executor runs each command the way a fake AOF client would, with
 * CALL_FROM_AOF semantics: no lazy expiry, no replies, nothing propagated).
 *
 * A base that begins with "REDIS" is an RDB preamble: it is handed to the executor's RDB
 * loader, which reports how many bytes the snapshot used; any bytes after it are commands
 * (the old single-file hybrid format). Without an RDB loader such a base is refused.
 *
 * MULTI ... EXEC blocks are collected and run only when EXEC arrives, so a transaction cut by
 * a crash is never half-applied. Only the last file may end early: with aof-load-truncated
 * yes it is truncated at the end of its last complete command (or before an unfinished MULTI)
 * and loading succeeds with a warning; otherwise loading fails. Corruption anywhere, or a
 * truncated file that is not the last one, fails with the offset in the message.
 *
 * Memory: each file is read whole (simple, and one pass); the dataset being rebuilt dominates.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCommands } from './command-reader.js';
import { type AofManifest, manifestName, parseManifest } from './manifest.js';

export interface AofExecutor {
  /** Run one command (argv[0] any case). Returns an error text when it cannot run at all. */
  execute(argv: string[]): string | null;
  /** Load the RDB snapshot at the start of `buf`; returns the bytes it used. Null: unsupported. */
  loadRdb: ((buf: Buffer) => number) | null;
}

export type LoadLog = (level: 'warning' | 'notice' | 'verbose', msg: string) => void;

export interface LoadResult {
  status: 'ok' | 'not-exist' | 'empty' | 'failed' | 'truncated';
  message?: string;
  /** Total bytes of the loaded files (aof_current_size after the load). */
  bytes: number;
  /** Size of the base file. */
  baseBytes: number;
}

class LoadError extends Error {}

/** Replay one file; returns its size after any truncation. */
function loadFile(
  file: string, exec: AofExecutor, isBase: boolean, isLast: boolean, loadTruncated: boolean, log: LoadLog,
): number {
  const buf = fs.readFileSync(file);
  if (buf.length === 0) return 0;
  let start = 0;
  if (buf.length >= 5 && buf.latin1Slice(0, 5) === 'REDIS') {
    if (!isBase) throw new LoadError(`Bad file format reading the append only file ${path.basename(file)}: an RDB in an incremental file`);
    if (exec.loadRdb === null) {
      throw new LoadError(`The AOF base ${path.basename(file)} has an RDB preamble, but this build cannot load RDB files yet`);
    }
    log('notice', 'Reading RDB base file on AOF loading...');
    start = exec.loadRdb(buf);
    log('notice', 'Reading the remaining AOF tail...');
  }
  let multi: string[][] | null = null;
  const stop = readCommands(buf, start, (argv) => {
    const name = (argv[0] as string).toLowerCase();
    if (multi !== null) {
      if (name === 'exec') {
        const queued = multi;
        multi = null;
        for (const q of queued) {
          const err = exec.execute(q);
          if (err) throw new LoadError(`${err} reading the append only file ${path.basename(file)}`);
        }
      } else if (name === 'discard') {
        multi = null;
      } else {
        multi.push(argv);
      }
      return;
    }
    if (name === 'multi') {
      multi = [];
      return;
    }
    const err = exec.execute(argv);
    if (err) throw new LoadError(`${err} reading the append only file ${path.basename(file)}`);
  });
  // Offset before the MULTI of an unfinished transaction.
  let cut = -1;
  if (stop.kind === 'format') {
    throw new LoadError(`Bad file format reading the append only file ${path.basename(file)} at offset ${stop.offset}: ` +
      'make a backup of your AOF file, then use ./nodis-check-aof --fix <filename.manifest>');
  }
  if (stop.kind === 'truncated') cut = stop.offset;
  if (multi !== null) {
    log('warning', 'Revert incomplete MULTI/EXEC transaction in AOF file');
    cut = beforeMultiOffset(buf, start);
  }
  if (cut === -1) return buf.length;
  if (!isLast) {
    throw new LoadError(`Unexpected end of file reading the append only file ${path.basename(file)} (offset ${cut})`);
  }
  log('warning', `!!! Warning: short read while loading the AOF file ${path.basename(file)}!!!`);
  if (!loadTruncated) {
    throw new LoadError(`Unexpected end of file reading the append only file ${path.basename(file)}. You can: ` +
      '1) Make a backup of your AOF file, then use ./nodis-check-aof --fix <filename.manifest>. ' +
      "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
  }
  log('warning', `AOF ${path.basename(file)} loaded anyway because aof-load-truncated is enabled`);
  fs.truncateSync(file, cut);
  return cut;
}

/** The offset of the MULTI that opened the transaction still open at the end of `buf`. */
export function beforeMultiOffset(buf: Buffer, start: number): number {
  let open = -1;
  let prev = start;
  readCommands(buf, start, (argv, end) => {
    const n = (argv[0] as string).toLowerCase();
    if (n === 'multi') open = prev;
    else if (n === 'exec' || n === 'discard') open = -1;
    prev = end;
  });
  return open === -1 ? prev : open;
}

/** Read `<dir>/<aofName>.manifest`; null when it does not exist. */
export function readManifest(dir: string, aofName: string): AofManifest | null {
  const p = path.join(dir, manifestName(aofName));
  let text: string;
  try {
    text = fs.readFileSync(p, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return parseManifest(text);
}

/** loadAppendOnlyFiles: replay every file the manifest lists. */
export function loadAof(
  dir: string, manifest: AofManifest, exec: AofExecutor, loadTruncated: boolean, log: LoadLog,
): LoadResult {
  const files = manifest.loadOrder;
  if (files.length === 0) return { status: 'not-exist', bytes: 0, baseBytes: 0 };
  let total = 0;
  let baseBytes = 0;
  let anyData = false;
  try {
    for (let i = 0; i < files.length; i++) {
      const f = files[i] as (typeof files)[number];
      const p = path.join(dir, f.name);
      if (!fs.existsSync(p)) {
        throw new LoadError(`The AOF file ${f.name} doesn't exist`);
      }
      const t0 = Date.now();
      const size = loadFile(p, exec, f.type === 'b', i === files.length - 1, loadTruncated, log);
      if (size > 0) anyData = true;
      total += size;
      if (f.type === 'b') baseBytes = size;
      log('notice', `DB loaded from ${f.type === 'b' ? 'base' : 'incr'} file ${f.name}: ${((Date.now() - t0) / 1000).toFixed(3)} seconds`);
    }
  } catch (e) {
    if (e instanceof LoadError) return { status: 'failed', message: e.message, bytes: total, baseBytes };
    throw e;
  }
  return { status: anyData ? 'ok' : 'empty', bytes: total, baseBytes };
}
