/*
 * The append-only file: writer, rewrite and manifest bookkeeping (Redis 7.0's multi-part AOF).
 *
 * Writing. Every propagated write reaches feed(dbid, argv) in its deterministic form; it is
 * appended to an in-memory buffer as RESP multibulk, preceded by SELECT when the database
 * differs from the last one written to the current incremental file, and by a `#TS:<unix>`
 * annotation when aof-timestamp-enabled is on and the second changed. The engine calls
 * beforeSleep() once per tick *before* any client reply is flushed: the buffer is written
 * with one synchronous write(); with appendfsync always it is fsynced too, so by the time a
 * reply leaves, its write is durable. With everysec an asynchronous fsync runs at most once a
 * second (on libuv's thread pool, off the event loop); with no the kernel decides.
 *
 * Rewriting (BGREWRITEAOF, auto-aof-rewrite-*, CONFIG SET appendonly yes). The rewrite is
 * done synchronously between two commands, which gives the point-in-time view for free:
 *   1. flush the buffer to the current incremental file;
 *   2. write the new base (RDB preamble or commands) to a temp file, fsync, rename to
 *      `<name>.<baseSeq+1>.base.(rdb|aof)`;
 *   3. open a fresh incremental file `<name>.<incrSeq+1>.incr.aof` (when AOF is on);
 *   4. write the new manifest atomically (old base and old incrementals become history),
 *      then delete the history files and rewrite the manifest without them.
 * A crash between any two steps leaves a manifest that names complete files only.
 * The cost is a loop stall proportional to the dataset (no forkless slicing yet).
 *
 * Sizes: aof_current_size is the base plus incrementals; aof_base_size the total right after
 * the last rewrite (or load), which is what auto-aof-rewrite-percentage compares against.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Keyspace } from '../../keyspace/db.js';
import type { RdbOptions } from '../rdb/encoder.js';
import { respCommand } from './command-reader.js';
import { type AofExecutor, type LoadLog, type LoadResult, loadAof, readManifest } from './loader.js';
import {
  AofManifest, baseName, formatManifest, incrName, manifestName, tempManifestName,
} from './manifest.js';
import { writeAll, writeBase } from './rewrite.js';

export interface AofConfig {
  getStr(name: string): string;
  getNum(name: string): number;
  getBool(name: string): boolean;
}

export interface AofHost {
  readonly config: AofConfig;
  readonly ks: Keyspace;
  log(level: 'warning' | 'notice' | 'verbose' | 'debug', msg: string): void;
  /** RDB options for a preamble (eviction info, clocks). */
  rdbOptions(): RdbOptions;
  /** The function libraries' sources (a plain-form base loads them with FUNCTION LOAD). */
  functionCodes?(): string[];
}

const FSYNC_NO = 0;
const FSYNC_ALWAYS = 1;
const FSYNC_EVERYSEC = 2;

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories: best effort, as in Redis.
  }
}

export class AofManager {
  /** aof_state: on, off, or waiting for the first rewrite (never visible: rewrites are synchronous). */
  state: 'on' | 'off' = 'off';
  manifest = new AofManifest();
  private fd = -1;
  private buf: string[] = [];
  private bufLen = 0;
  private selectedDb = -1;
  private lastTs = 0;
  private lastFsync = Date.now();
  private fsyncInFlight = false;
  private unsyncedBytes = 0;
  /** Replaying: feeds are ignored. */
  loading = false;
  currentSize = 0;
  baseSize = 0;
  rewrites = 0;
  rewriteScheduled = false;
  lastRewriteTimeSec = -1;
  lastBgrewriteOk = true;
  lastWriteOk = true;
  consecutiveFailures = 0;
  delayedFsync = 0;

  constructor(private readonly host: AofHost) {}

  private get cfgName(): string {
    return this.host.config.getStr('appendfilename');
  }

  /** Absolute path of the AOF directory (under `dir`, the working directory). */
  get dirPath(): string {
    return path.resolve(this.host.config.getStr('dir'), this.host.config.getStr('appenddirname'));
  }

  private get fsyncMode(): number {
    const v = this.host.config.getStr('appendfsync');
    return v === 'always' ? FSYNC_ALWAYS : v === 'everysec' ? FSYNC_EVERYSEC : FSYNC_NO;
  }

  /* ---- writing ------------------------------------------------------------------------- */

  feed(dbid: number, argv: readonly string[]): void {
    if (this.state !== 'on' || this.loading) return;
    if (this.host.config.getBool('aof-timestamp-enabled')) {
      const ts = Math.floor(Date.now() / 1000);
      if (ts > this.lastTs) {
        this.lastTs = ts;
        this.push(`#TS:${ts}\r\n`);
      }
    }
    if (dbid !== this.selectedDb) {
      this.selectedDb = dbid;
      this.push(respCommand(['SELECT', String(dbid)]));
    }
    this.push(respCommand(argv));
  }

  private push(s: string): void {
    this.buf.push(s);
    this.bufLen += s.length;
  }

  get bufferedBytes(): number {
    return this.bufLen;
  }

  /** flushAppendOnlyFile: write the buffer; fsync per appendfsync. `force` fsyncs always. */
  flush(force = false): void {
    if (this.fd === -1) {
      this.buf = [];
      this.bufLen = 0;
      return;
    }
    if (this.bufLen !== 0) {
      const data = Buffer.from(this.buf.length === 1 ? (this.buf[0] as string) : this.buf.join(''), 'latin1');
      this.buf = [];
      this.bufLen = 0;
      try {
        writeAll(this.fd, data);
        this.lastWriteOk = true;
      } catch (e) {
        // Redis keeps the data and retries; a failed write here is logged and reported in INFO.
        this.lastWriteOk = false;
        this.host.log('warning', `Error writing to the AOF file: ${(e as Error).message}`);
        return;
      }
      this.currentSize += data.length;
      this.unsyncedBytes += data.length;
    }
    const mode = this.fsyncMode;
    if (this.unsyncedBytes === 0) return;
    if (force || mode === FSYNC_ALWAYS) {
      fs.fsyncSync(this.fd);
      this.unsyncedBytes = 0;
      this.lastFsync = Date.now();
    } else if (mode === FSYNC_EVERYSEC) {
      this.fsyncBackground();
    }
  }

  private fsyncBackground(): void {
    const now = Date.now();
    if (this.fsyncInFlight) {
      this.delayedFsync++;
      return;
    }
    if (now - this.lastFsync < 1000) return;
    this.fsyncInFlight = true;
    this.lastFsync = now;
    this.unsyncedBytes = 0;
    const fd = this.fd;
    fs.fsync(fd, () => {
      this.fsyncInFlight = false;
    });
  }

  /** The end of a tick, before replies are flushed. */
  beforeSleep(): void {
    if (this.bufLen !== 0) this.flush();
  }

  /** serverCron: everysec fsync of data written in quiet periods, auto rewrite. */
  cron(): void {
    if (this.state === 'on' && this.fd !== -1 && this.fsyncMode === FSYNC_EVERYSEC && this.unsyncedBytes !== 0) {
      this.fsyncBackground();
    }
    if (this.rewriteScheduled) {
      this.rewriteScheduled = false;
      this.rewrite();
      return;
    }
    const perc = this.host.config.getNum('auto-aof-rewrite-percentage');
    if (this.state === 'on' && perc > 0 && this.currentSize > this.host.config.getNum('auto-aof-rewrite-min-size')) {
      const base = this.baseSize > 0 ? this.baseSize : 1;
      const growth = Math.floor((this.currentSize * 100) / base) - 100;
      if (growth >= perc) {
        this.host.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
        this.rewrite();
      }
    }
  }

  /* ---- files --------------------------------------------------------------------------- */

  private persistManifest(m: AofManifest): void {
    const dir = this.dirPath;
    const tmp = path.join(dir, tempManifestName(this.cfgName));
    const fd = fs.openSync(tmp, 'w');
    try {
      writeAll(fd, Buffer.from(formatManifest(m), 'latin1'));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(dir, manifestName(this.cfgName)));
    fsyncDir(dir);
  }

  private openIncr(name: string): void {
    this.closeFd();
    this.fd = fs.openSync(path.join(this.dirPath, name), 'a');
    this.selectedDb = -1;
    this.lastTs = 0;
  }

  private closeFd(): void {
    if (this.fd !== -1) {
      try {
        fs.fsyncSync(this.fd);
      } catch {
        /* best effort */
      }
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }

  private deleteHistory(): void {
    const m = this.manifest;
    if (m.history.length === 0) return;
    for (const h of m.history) {
      try {
        fs.unlinkSync(path.join(this.dirPath, h.name));
        this.host.log('notice', `Removing the history file ${h.name} in the background`);
      } catch {
        /* already gone */
      }
    }
    m.history = [];
    this.persistManifest(m);
  }

  /**
   * rewriteAppendOnlyFile: new base from the current dataset, new incremental file (when on),
   * manifest, history cleanup. Returns an error text or null.
   */
  rewrite(): string | null {
    const t0 = Date.now();
    const dir = this.dirPath;
    try {
      fs.mkdirSync(dir, { recursive: true });
      this.flush(true);
      const cfg = this.host.config;
      const preamble = cfg.getBool('aof-use-rdb-preamble');
      const m = this.manifest.clone();
      const tmpName = `temp-rewriteaof-bg-${process.pid}.aof`;
      const tmp = path.join(dir, tmpName);
      const fd = fs.openSync(tmp, 'w');
      let size: number;
      try {
        size = writeBase(fd, this.host.ks, {
          rdbPreamble: preamble,
          timestamp: cfg.getBool('aof-timestamp-enabled'),
          rdb: this.host.rdbOptions(),
          functionCodes: this.host.functionCodes?.(),
        });
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      if (m.base) m.history.push({ ...m.base, type: 'h' });
      const newBase = { name: baseName(this.cfgName, ++m.currBaseSeq, preamble), seq: m.currBaseSeq, type: 'b' as const };
      fs.renameSync(tmp, path.join(dir, newBase.name));
      m.base = newBase;
      for (const i of m.incrs) m.history.push({ ...i, type: 'h' });
      m.incrs = [];
      if (this.state === 'on') {
        const inc = { name: incrName(this.cfgName, ++m.currIncrSeq), seq: m.currIncrSeq, type: 'i' as const };
        fs.closeSync(fs.openSync(path.join(dir, inc.name), 'a'));
        m.incrs.push(inc);
        this.persistManifest(m);
        this.openIncr(inc.name);
      } else {
        this.persistManifest(m);
      }
      this.manifest = m;
      this.deleteHistory();
      this.currentSize = size;
      this.baseSize = size;
      this.rewrites++;
      this.lastBgrewriteOk = true;
      this.consecutiveFailures = 0;
      this.lastRewriteTimeSec = Math.floor((Date.now() - t0) / 1000);
      this.host.log('notice', 'Background AOF rewrite finished successfully');
      return null;
    } catch (e) {
      this.lastBgrewriteOk = false;
      this.consecutiveFailures++;
      const msg = (e as Error).message;
      this.host.log('warning', `Background AOF rewrite failed: ${msg}`);
      try {
        fs.unlinkSync(path.join(dir, `temp-rewriteaof-bg-${process.pid}.aof`));
      } catch {
        /* nothing to clean */
      }
      return msg;
    }
  }

  /* ---- on / off ------------------------------------------------------------------------ */

  /** startAppendOnly: rewrite to create the base, then append to the new incremental file. */
  start(): string | null {
    if (this.state === 'on') return null;
    this.state = 'on';
    const err = this.rewrite();
    if (err !== null) {
      this.state = 'off';
      this.closeFd();
      return `Background append only file rewriting error: ${err}`;
    }
    return null;
  }

  /** stopAppendOnly: flush, fsync, close. */
  stop(): void {
    if (this.state === 'off') return;
    this.flush(true);
    this.closeFd();
    this.state = 'off';
  }

  /** Close at shutdown: write and fsync what is buffered. */
  shutdown(): void {
    if (this.state === 'on') this.flush(true);
    this.closeFd();
  }

  /* ---- startup ------------------------------------------------------------------------- */

  /**
   * With appendonly yes at startup: upgrade an old single-file AOF, load the AOF, open the
   * last incremental file for appending. Returns the load result ('not-exist' when there is
   * no AOF: the caller then loads the RDB and calls start()).
   */
  loadAtStartup(exec: AofExecutor, log: LoadLog): LoadResult {
    const dir = this.dirPath;
    let m = readManifest(dir, this.cfgName);
    if (m === null) {
      const old = path.resolve(this.host.config.getStr('dir'), this.cfgName);
      if (fs.existsSync(old) && fs.statSync(old).isFile()) {
        log('notice', `Creating AOF base file ${this.cfgName} on server start`);
        fs.mkdirSync(dir, { recursive: true });
        m = new AofManifest();
        m.base = { name: this.cfgName, seq: 1, type: 'b' };
        m.currBaseSeq = 1;
        fs.renameSync(old, path.join(dir, this.cfgName));
        this.persistManifest(m);
        log('notice', `Successfully migrated an old-style AOF into the AOF directory ${path.basename(dir)}`);
      } else {
        return { status: 'not-exist', bytes: 0, baseBytes: 0 };
      }
    }
    this.manifest = m;
    this.deleteHistory();
    const r = this.load(exec, log);
    if (r.status === 'failed') return r;
    this.openForAppend();
    return r;
  }

  /** Replay the manifest's files (DEBUG LOADAOF uses it after emptying the dataset). */
  load(exec: AofExecutor, log: LoadLog): LoadResult {
    this.loading = true;
    try {
      const r = loadAof(this.dirPath, this.manifest, exec, this.host.config.getBool('aof-load-truncated'), log);
      if (r.status !== 'failed') {
        this.currentSize = r.bytes;
        this.baseSize = r.bytes;
      }
      return r;
    } finally {
      this.loading = false;
    }
  }

  /** Re-read the manifest from disk (DEBUG LOADAOF). */
  reloadManifest(): void {
    const m = readManifest(this.dirPath, this.cfgName);
    if (m !== null) this.manifest = m;
  }

  /** Open the last incremental file (a new one when there is none) and turn appending on. */
  private openForAppend(): void {
    const m = this.manifest;
    let last = m.incrs[m.incrs.length - 1];
    if (last === undefined) {
      last = { name: incrName(this.cfgName, ++m.currIncrSeq), seq: m.currIncrSeq, type: 'i' };
      fs.closeSync(fs.openSync(path.join(this.dirPath, last.name), 'a'));
      m.incrs.push(last);
      this.persistManifest(m);
    }
    this.openIncr(last.name);
    this.state = 'on';
  }

  /** INFO persistence aof_* fields after aof_enabled. */
  infoFields(): Array<[string, string | number]> {
    return [
      ['aof_enabled', this.state === 'on' ? 1 : 0],
      ['aof_rewrite_in_progress', 0],
      ['aof_rewrite_scheduled', this.rewriteScheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteTimeSec],
      ['aof_current_rewrite_time_sec', -1],
      ['aof_last_bgrewrite_status', this.lastBgrewriteOk ? 'ok' : 'err'],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.consecutiveFailures],
      ['aof_last_write_status', this.lastWriteOk ? 'ok' : 'err'],
      ['aof_last_cow_size', 0],
    ];
  }

  /** The aof_* block INFO shows after module_fork_last_cow_size when AOF is on. */
  infoOnFields(): Array<[string, string | number]> {
    if (this.state !== 'on') return [];
    return [
      ['aof_current_size', this.currentSize],
      ['aof_base_size', this.baseSize],
      ['aof_pending_rewrite', 0],
      ['aof_buffer_length', this.bufLen],
      ['aof_pending_bio_fsync', this.fsyncInFlight ? 1 : 0],
      ['aof_delayed_fsync', this.delayedFsync],
    ];
  }
}
