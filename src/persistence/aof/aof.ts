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
 * Rewriting (BGREWRITEAOF, auto-aof-rewrite-*, CONFIG SET appendonly yes) runs in the
 * background without fork, the multi-part layout making the hand-over simple:
 *   1. start: flush and fsync the buffer, open a fresh incremental file
 *      `<name>.<incrSeq+1>.incr.aof` and publish a manifest naming it (old base + old incrs +
 *      new incr: complete and loadable at every instant); every write from now on goes there.
 *      While appendonly is turning on (state 'wait') the old manifest is stale, so the new
 *      writes go to `temp-<name>.incr` instead, named in no manifest;
 *   2. a forkless snapshot (persistence/rdb/snapshot.ts) fixes the dataset as of that instant
 *      and is walked in ~1 ms slices between event-loop ticks; keys about to change are
 *      serialized first, so the base holds exactly the dataset at the start. The chunks go to
 *      `temp-rewriteaof-bg-<pid>.aof` through the thread-pool writer (rdb/file-writer.ts),
 *      which then fsyncs it and renames it to `<name>.<baseSeq+1>.base.(rdb|aof)`;
 *   3. done: a new manifest (new base + the incr opened at the start, the temp incr renamed
 *      into place in state 'wait'; the old base and incrs become history) is written
 *      atomically, then the history files are unlinked off the loop and dropped from it.
 * So the loaded result is the dataset at the start plus the new incr's commands. A crash at
 * any point leaves a manifest naming complete files only. Like Redis's single fork child,
 * a rewrite and a BGSAVE never run together (one keyspace write hook): the other waits
 * (scheduled). The base created at startup (appendonly yes, no AOF yet) is synchronous.
 *
 * Sizes: aof_current_size is the base plus incrementals; aof_base_size the total right after
 * the last rewrite (or load), which is what auto-aof-rewrite-percentage compares against.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Keyspace } from '../../keyspace/db.js';
import type { KeyspaceEncoder, RdbOptions } from '../rdb/encoder.js';
import { respCommand } from './command-reader.js';
import { Snapshot } from '../rdb/snapshot.js';
import { AsyncFileWriter } from '../rdb/file-writer.js';
import { replaceFileSync, writeAll } from '../../util/sync-file.js';
import { type AofExecutor, type LoadLog, type LoadResult, loadAof, readManifest } from './loader.js';
import {
  type AofFileInfo, AofManifest, baseName, formatManifest, manifestName, tempManifestName,
} from './manifest.js';
import { baseEncoder, writeBase } from './rewrite.js';

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
  /** A BGSAVE runs (the rewrite then waits, as behind Redis's other fork child). */
  otherChildActive?(): boolean;
}

/** Wall-clock budget of one rewrite slice (as BGSAVE's). */
const SLICE_MS = 1;
/** Chunks waiting for the disk above which slices pause. */
const MAX_QUEUED_BYTES = 8 << 20;

interface RewriteRun {
  snap: Snapshot;
  writer: AsyncFileWriter;
  tmp: string;
  start: number;
  /** Name and seq of the base being written. */
  baseName: string;
  baseSeq: number;
  /** The state at the start: 'on' appends to a new incr, 'wait' to the temp incr, 'off' to none. */
  mode: 'on' | 'off' | 'wait';
  /** Seq of the incr file opened at the start (mode 'on'), else -1. */
  incrSeq: number;
}

const FSYNC_NO = 0;
const FSYNC_ALWAYS = 1;
const FSYNC_EVERYSEC = 2;

export class AofManager {
  /** aof_state: on, off, or 'wait' (turned on, waiting for the first rewrite to finish). */
  state: 'on' | 'off' | 'wait' = 'off';
  manifest = new AofManifest();
  private fd = -1;
  private buf: string[] = [];
  private bufLen = 0;
  private selectedDb = -1;
  private lastTs = 0;
  private lastFsync = Date.now();
  private fsyncInFlight = false;
  private unsyncedBytes = 0;
  /** Bytes in the incremental file being appended to. */
  private incrSize = 0;
  private run: RewriteRun | null = null;
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

  /** Whether feed() appends anything now (AOF on or turning on, not replaying a file). */
  get accepting(): boolean {
    return this.state !== 'off' && !this.host.ks.replaying;
  }

  feed(dbid: number, argv: readonly string[]): void {
    if (!this.accepting) return;
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
      this.incrSize += data.length;
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
    if (this.state !== 'off' && this.fd !== -1 && this.fsyncMode === FSYNC_EVERYSEC && this.unsyncedBytes !== 0) {
      this.fsyncBackground();
    }
    if (this.run !== null || this.host.otherChildActive?.() === true) return;
    if (this.rewriteScheduled) {
      this.rewriteBackground();
      return;
    }
    const perc = this.host.config.getNum('auto-aof-rewrite-percentage');
    if (this.state === 'on' && perc > 0 && this.currentSize > this.host.config.getNum('auto-aof-rewrite-min-size')) {
      const base = this.baseSize > 0 ? this.baseSize : 1;
      const growth = Math.floor((this.currentSize * 100) / base) - 100;
      if (growth >= perc) {
        this.host.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
        this.rewriteBackground();
      }
    }
  }

  /* ---- files --------------------------------------------------------------------------- */

  private persistManifest(m: AofManifest): void {
    const dir = this.dirPath;
    replaceFileSync(path.join(dir, manifestName(this.cfgName)), path.join(dir, tempManifestName(this.cfgName)), (fd) =>
      writeAll(fd, Buffer.from(formatManifest(m), 'latin1')));
  }

  /** A new, empty incremental file, added to manifest `m`, which is then persisted. */
  private addIncr(m: AofManifest): AofFileInfo {
    const inc = m.nextIncr(this.cfgName);
    fs.closeSync(fs.openSync(path.join(this.dirPath, inc.name), 'a'));
    m.incrs.push(inc);
    this.persistManifest(m);
    return inc;
  }

  /** The encoder of a new base file: an RDB preamble, or the command form, per the config. */
  private baseEncoder(preamble: boolean): KeyspaceEncoder {
    return baseEncoder({
      rdbPreamble: preamble,
      timestamp: this.host.config.getBool('aof-timestamp-enabled'),
      rdb: this.host.rdbOptions(),
      functionCodes: this.host.functionCodes?.(),
    });
  }

  private openIncr(name: string): void {
    this.closeFd();
    this.fd = fs.openSync(path.join(this.dirPath, name), 'a');
    this.incrSize = fs.fstatSync(this.fd).size;
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

  /** Drop `names` (history files now unlinked) from the manifest and persist it. */
  private forgetHistory(names: readonly string[]): void {
    const m = this.manifest;
    const before = m.history.length;
    m.history = m.history.filter((h) => !names.includes(h.name));
    if (m.history.length !== before) this.persistManifest(m);
  }

  private deleteHistory(): void {
    const names = this.manifest.history.map((h) => h.name);
    for (const name of names) {
      try {
        fs.unlinkSync(path.join(this.dirPath, name));
        this.host.log('notice', `Removing the history file ${name} in the background`);
      } catch {
        /* already gone */
      }
    }
    this.forgetHistory(names);
  }

  /** deleteHistory with the unlinks off the loop (the manifest may change meanwhile). */
  private deleteHistoryAsync(): void {
    const names = this.manifest.history.map((h) => h.name);
    let left = names.length;
    for (const name of names) {
      fs.unlink(path.join(this.dirPath, name), () => {
        this.host.log('notice', `Removing the history file ${name} in the background`);
        if (--left !== 0) return;
        try {
          this.forgetHistory(names);
        } catch (e) {
          this.host.log('warning', `Error writing the AOF manifest: ${(e as Error).message}`);
        }
      });
    }
  }

  get rewriteInProgress(): boolean {
    return this.run !== null;
  }

  private get tempIncrName(): string {
    return `temp-${this.cfgName}.incr`;
  }

  /** The new base while a rewrite writes it (renamed into place when complete). */
  private get rewriteTmpPath(): string {
    return path.join(this.dirPath, `temp-rewriteaof-bg-${process.pid}.aof`);
  }

  /**
   * rewriteAppendOnlyFileBackground: open the new incremental file, start the sliced
   * snapshot of the new base (see the header). Returns an error text or null.
   */
  rewriteBackground(): string | null {
    if (this.run !== null) return 'Background append only file rewriting already in progress';
    const dir = this.dirPath;
    const cfg = this.host.config;
    const tmp = this.rewriteTmpPath;
    try {
      fs.mkdirSync(dir, { recursive: true });
      this.flush(true);
      let incrSeq = -1;
      if (this.state === 'on') {
        const m = this.manifest.clone();
        const inc = this.addIncr(m);
        this.manifest = m;
        this.openIncr(inc.name);
        incrSeq = inc.seq;
        this.host.log('notice', `Creating AOF incr file ${inc.name} on background rewrite`);
      } else if (this.state === 'wait') {
        fs.closeSync(fs.openSync(path.join(dir, this.tempIncrName), 'w'));
        this.openIncr(this.tempIncrName);
      }
      const preamble = cfg.getBool('aof-use-rdb-preamble');
      const fd = fs.openSync(tmp, 'w');
      const writer = new AsyncFileWriter(fd);
      const enc = this.baseEncoder(preamble);
      const snap = new Snapshot(this.host.ks, enc, (chunk) => writer.write(chunk));
      const baseSeq = this.manifest.currBaseSeq + 1;
      this.run = { snap, writer, tmp, start: Date.now(), baseName: baseName(this.cfgName, baseSeq, preamble), baseSeq, mode: this.state, incrSeq };
      this.rewrites++;
      this.rewriteScheduled = false;
      this.host.log('notice', `Background append only file rewriting started by pid ${process.pid}`);
      setImmediate(this.slice);
      return null;
    } catch (e) {
      this.lastBgrewriteOk = false;
      const msg = (e as Error).message;
      this.host.log('warning', `Can't rewrite append only file in background: ${msg}`);
      return msg;
    }
  }

  private readonly slice = (): void => {
    const run = this.run;
    if (run === null) return;
    const writer = run.writer;
    const done = run.snap.walk(SLICE_MS, () => writer.error === null && writer.queuedBytes < MAX_QUEUED_BYTES);
    if (writer.error !== null) {
      this.rewriteFailed(run, writer.error.message);
      return;
    }
    if (!done) {
      if (writer.queuedBytes >= MAX_QUEUED_BYTES) setTimeout(this.slice, 1);
      else setImmediate(this.slice);
      return;
    }
    // fsync, rename to the new base's name and the directory's fsync, all off the loop.
    writer.commit(run.tmp, path.join(this.dirPath, run.baseName), (err) => {
      if (this.run !== run) return; // aborted meanwhile
      if (err !== null) this.rewriteFailed(run, err.message);
      else this.rewriteDone(run);
    });
  };

  /** backgroundRewriteDoneHandler on success: publish the manifest, drop the history. */
  private rewriteDone(run: RewriteRun): void {
    const dir = this.dirPath;
    const m = this.manifest.clone();
    try {
      // The incrs before the one opened at the start are covered by the base; with AOF off
      // or turning on (none of them being appended to) all of them are.
      m.installBase({ name: run.baseName, seq: run.baseSeq, type: 'b' }, run.mode === 'on' ? run.incrSeq : Infinity);
      if (run.mode === 'wait') {
        // Turning on: the temp incr, which holds every write since the start, takes its name.
        const inc = m.nextIncr(this.cfgName);
        fs.renameSync(path.join(dir, this.tempIncrName), path.join(dir, inc.name));
        m.incrs = [inc];
      }
      this.persistManifest(m);
    } catch (e) {
      try {
        fs.unlinkSync(path.join(dir, run.baseName));
      } catch {
        /* nothing to clean */
      }
      this.rewriteFailed(run, (e as Error).message);
      return;
    }
    this.manifest = m;
    this.run = null;
    if (this.state === 'wait') this.state = 'on';
    if (this.state === 'on') {
      let baseBytes = 0;
      try {
        baseBytes = fs.statSync(path.join(dir, run.baseName)).size;
      } catch {
        /* counted as empty */
      }
      this.currentSize = baseBytes + this.incrSize;
      this.baseSize = this.currentSize;
    }
    this.lastBgrewriteOk = true;
    this.consecutiveFailures = 0;
    this.lastRewriteTimeSec = Math.floor((Date.now() - run.start) / 1000);
    this.host.log('notice', 'Background AOF rewrite finished successfully');
    this.deleteHistoryAsync();
  }

  /** End a run: stop the snapshot, drop the temp files (and the temp incr while turning on). */
  private endRun(run: RewriteRun): void {
    run.snap.detach();
    run.writer.abort();
    try {
      fs.unlinkSync(run.tmp);
    } catch {
      /* renamed or never written */
    }
    this.run = null;
    this.lastRewriteTimeSec = Math.floor((Date.now() - run.start) / 1000);
    if (this.state === 'wait') {
      this.closeFd();
      this.buf = [];
      this.bufLen = 0;
      try {
        fs.unlinkSync(path.join(this.dirPath, this.tempIncrName));
      } catch {
        /* already gone */
      }
    }
  }

  private rewriteFailed(run: RewriteRun, msg: string): void {
    this.endRun(run);
    this.lastBgrewriteOk = false;
    this.consecutiveFailures++;
    this.host.log('warning', `Background AOF rewrite terminated with error: ${msg}`);
    // Still turning on: try again from serverCron.
    if (this.state === 'wait') this.rewriteScheduled = true;
  }

  /** killAppendOnlyChild: abandon a running rewrite (not an error). */
  abortRewrite(): void {
    const run = this.run;
    if (run === null) return;
    this.endRun(run);
    this.host.log('warning', 'Background AOF rewrite terminated by signal');
  }

  /**
   * rewriteAppendOnlyFile, synchronously: new base from the current dataset, new incremental
   * file (when on), manifest, history cleanup (the base created at startup). Returns an error
   * text or null.
   */
  rewriteSync(): string | null {
    const t0 = Date.now();
    const dir = this.dirPath;
    try {
      fs.mkdirSync(dir, { recursive: true });
      this.flush(true);
      const cfg = this.host.config;
      const preamble = cfg.getBool('aof-use-rdb-preamble');
      const m = this.manifest.clone();
      const tmp = this.rewriteTmpPath;
      const fd = fs.openSync(tmp, 'w');
      let size: number;
      try {
        size = writeBase(fd, this.host.ks, this.baseEncoder(preamble));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      const seq = m.currBaseSeq + 1;
      const newBase = { name: baseName(this.cfgName, seq, preamble), seq, type: 'b' as const };
      fs.renameSync(tmp, path.join(dir, newBase.name));
      m.installBase(newBase);
      if (this.state === 'on') {
        this.openIncr(this.addIncr(m).name);
      } else {
        this.persistManifest(m);
      }
      this.manifest = m;
      this.deleteHistory();
      this.currentSize = size;
      this.baseSize = size; // the startup base is not counted in aof_rewrites (as in Redis)
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
        fs.unlinkSync(this.rewriteTmpPath);
      } catch {
        /* nothing to clean */
      }
      return msg;
    }
  }

  /* ---- on / off ------------------------------------------------------------------------ */

  /**
   * startAppendOnly (CONFIG SET appendonly yes): state 'wait' and a background rewrite (or a
   * scheduled one behind a BGSAVE); appending to the new incr becomes official when it ends.
   */
  start(): string | null {
    if (this.state !== 'off') return null;
    this.state = 'wait';
    if (this.host.otherChildActive?.() === true) {
      this.rewriteScheduled = true;
      this.host.log('warning', 'AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.');
      return null;
    }
    return this.startResult(this.rewriteBackground());
  }

  /** The base created at startup (appendonly yes, no AOF on disk), synchronously. */
  startSync(): string | null {
    if (this.state !== 'off') return null;
    this.state = 'on';
    return this.startResult(this.rewriteSync());
  }

  /** After start()'s or startSync()'s rewrite: back to off on an error, and its reply text. */
  private startResult(err: string | null): string | null {
    if (err === null) return null;
    this.state = 'off';
    this.closeFd();
    return `Background append only file rewriting error: ${err}`;
  }

  /** stopAppendOnly: kill a rewrite, flush, fsync, close. */
  stop(): void {
    if (this.state === 'off') return;
    this.abortRewrite();
    this.flush(true);
    this.closeFd();
    this.state = 'off';
    this.rewriteScheduled = false;
  }

  /** Close at shutdown: kill a rewrite, write and fsync what is buffered, drop the history. */
  shutdown(): void {
    this.abortRewrite();
    if (this.state === 'on') this.flush(true);
    this.closeFd();
    try {
      this.deleteHistory(); // a finished rewrite's history whose background unlinks are pending
    } catch (e) {
      this.host.log('warning', `Error writing the AOF manifest: ${(e as Error).message}`);
    }
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
    // Replaying: no key counts as expired (also inside DEBUG LOADAOF), and feeds are ignored.
    const ks = this.host.ks;
    ks.replaying = true;
    try {
      const r = loadAof(this.dirPath, this.manifest, exec, this.host.config.getBool('aof-load-truncated'), log);
      if (r.status !== 'failed') {
        this.currentSize = r.bytes;
        this.baseSize = r.bytes;
      }
      return r;
    } finally {
      ks.replaying = false;
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
    this.openIncr((m.incrs[m.incrs.length - 1] ?? this.addIncr(m)).name);
    this.state = 'on';
  }

  /** INFO persistence aof_* fields after aof_enabled. */
  infoFields(): Array<[string, string | number]> {
    return [
      ['aof_enabled', this.state !== 'off' ? 1 : 0],
      ['aof_rewrite_in_progress', this.run !== null ? 1 : 0],
      ['aof_rewrite_scheduled', this.rewriteScheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteTimeSec],
      ['aof_current_rewrite_time_sec', this.run !== null ? Math.floor((Date.now() - this.run.start) / 1000) : -1],
      ['aof_last_bgrewrite_status', this.lastBgrewriteOk ? 'ok' : 'err'],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.consecutiveFailures],
      ['aof_last_write_status', this.lastWriteOk ? 'ok' : 'err'],
      ['aof_last_cow_size', 0],
    ];
  }

  /** The aof_* block INFO shows after module_fork_last_cow_size when AOF is on. */
  infoOnFields(): Array<[string, string | number]> {
    if (this.state === 'off') return [];
    return [
      ['aof_current_size', this.currentSize],
      ['aof_base_size', this.baseSize],
      ['aof_pending_rewrite', this.rewriteScheduled ? 1 : 0],
      ['aof_buffer_length', this.bufLen],
      ['aof_pending_bio_fsync', this.fsyncInFlight ? 1 : 0],
      ['aof_delayed_fsync', this.delayedFsync],
    ];
  }
}
