/*
 * RDB snapshots on disk: SAVE (synchronous), BGSAVE without fork (persistence/rdb/snapshot.ts
 * walked in time slices of a few ms with setImmediate in between), save points checked from
 * serverCron, the state INFO persistence reports, the MISCONF write gate, DEBUG RELOAD and the
 * save done by SHUTDOWN and FLUSHALL.
 *
 * Files are replaced atomically: the snapshot goes to a temp file in `dir`, which is fsynced,
 * closed and renamed over `dbfilename`, then the directory is fsynced so the rename itself is
 * durable. A failure (ENOSPC, EIO, ...) removes the temp file and leaves the previous file
 * untouched; a failed BGSAVE sets rdb_last_bgsave_status:err, which turns writes away with
 * MISCONF while stop-writes-on-bgsave-error is on and save points exist.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from './engine.js';
import { RdbEncoder, writeKeyspace, type RdbOptions } from '../persistence/rdb/encoder.js';
import { Snapshot } from '../persistence/rdb/snapshot.js';
import { AsyncFileWriter } from '../persistence/rdb/file-writer.js';
import { replaceFileSync, writeAll } from '../util/sync-file.js';
import { RdbDecoder } from '../persistence/rdb/decoder.js';
import { limitsFromConfig } from '../persistence/rdb/decode-object.js';
import { loadRdbFunctions } from './rdb-load.js';

export const MISCONF_ERROR =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
  'Commands that may modify the data set are disabled, because this instance is configured to report ' +
  'errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the ' +
  'Redis logs for details about the RDB error.';

/** DEBUG RELOAD's reply when rdbLoad fails. */
const LOAD_ERROR = 'ERR Error trying to load the RDB dump';

/**
 * Wall-clock budget of one BGSAVE slice. 1 ms (measured with bench/bgsave.mjs, 1M keys under a
 * write load): p99 PING 5-8 ms during the save instead of 10-17 ms with 3 ms slices, for about
 * the same save duration (commands run between slices either way).
 */
const SLICE_MS = 1;
/** Chunks waiting for the disk above which BGSAVE slices pause (the disk is slower than the walk). */
const MAX_QUEUED_BYTES = 8 << 20;
/** CONFIG_BGSAVE_RETRY_DELAY: seconds before a failed BGSAVE is retried by save points. */
const RETRY_DELAY_S = 5;

interface Running {
  snap: Snapshot;
  /** Owns the temp file's descriptor. */
  writer: AsyncFileWriter;
  tmp: string;
  start: number;
  dirtyAtStart: number;
  error: Error | null;
}

/**
 * The RDB options the config asks for (SAVE, BGSAVE, the AOF base's preamble, a replica's full
 * sync): compression, checksum, the eviction policy's LRU/LFU fields, function libraries.
 */
export function rdbOptionsFor(e: Engine): RdbOptions {
  const cfg = e.config;
  const policy = cfg.getStr('maxmemory-policy');
  return {
    compression: cfg.getBool('rdbcompression'),
    checksum: cfg.getBool('rdbchecksum'),
    evictionInfo: policy.endsWith('-lru') ? 'lru' : policy.endsWith('-lfu') ? 'lfu' : 'none',
    lruClock: e.ks.lruClock,
    nowMs: Date.now(),
    lfuDecayTime: cfg.getNum('lfu-decay-time'),
    functions: e.scripting?.rdbFunctionRecords(cfg.getBool('rdbcompression')),
    // the used-mem aux field: INFO's used_memory, as every Redis RDB carries it
    usedMem: e.maxmemory.usedMemory(),
  };
}

export class RdbSaver {
  lastSave = Math.floor(Date.now() / 1000);
  lastBgsaveOk = true;
  lastBgsaveTry = 0;
  lastBgsaveTimeSec = -1;
  saves = 0;
  scheduled = false;
  private running: Running | null = null;
  private waiters: Array<(ok: boolean) => void> = [];

  constructor(private readonly e: Engine) {
    this.lastSave = Math.floor(e.startTime / 1000);
    e.ports.registerDebug('reload', (argv, reply) => {
      const err = this.debugReload(argv.slice(2).map((a) => a.toLowerCase()));
      if (err === null) reply.ok();
      else reply.error(err);
      return true;
    });
  }

  get inProgress(): boolean {
    return this.running !== null;
  }

  private filePath(): string {
    return path.join(this.e.config.getStr('dir') || '.', this.e.config.getStr('dbfilename'));
  }

  /** rdbSave: the whole dataset, synchronously, atomically replacing the file. */
  saveSync(): boolean {
    const file = this.filePath();
    const tmp = path.join(path.dirname(file), `temp-${process.pid}.rdb`);
    try {
      replaceFileSync(file, tmp, (fd) => writeKeyspace(this.e.ks, new RdbEncoder(rdbOptionsFor(this.e)), (chunk) => writeAll(fd, chunk)));
    } catch (err) {
      // rdbSave's three messages: opening the temp file, moving it, writing it.
      const e = err as NodeJS.ErrnoException;
      const where = `(in server root dir ${this.e.config.getStr('dir')})`;
      if (e.syscall === 'open') this.e.log('warning', `Failed opening the temp RDB file ${path.basename(tmp)} ${where} for saving: ${e.message}`);
      else if (e.syscall === 'rename') this.e.log('warning', `Error moving temp DB file ${path.basename(tmp)} on the final destination ${path.basename(file)} ${where}: ${e.message}`);
      else this.e.log('warning', `Write error saving DB on disk(${e.syscall === 'fsync' ? 'fsync' : e.syscall === 'close' ? 'fclose' : 'rdbSaveRio'}): ${e.message}`);
      return false;
    }
    this.e.log('notice', 'DB saved on disk');
    this.e.dirty = 0;
    this.lastSave = Math.floor(Date.now() / 1000);
    this.lastBgsaveOk = true;
    this.saves++;
    return true;
  }

  /** rdbSaveBackground: start a forkless snapshot. Returns an error text or null. */
  bgsave(): string | null {
    if (this.running !== null) return 'ERR Background save already in progress';
    // One keyspace write hook, one "child": never alongside an AOF rewrite (ports.ts schedules).
    if (this.e.aof?.rewriteInProgress() === true) return 'ERR Background append only file rewriting in progress';
    const file = this.filePath();
    const tmp = path.join(path.dirname(file), `temp-bg-${process.pid}.rdb`);
    this.lastBgsaveTry = Math.floor(Date.now() / 1000);
    let fd: number;
    try {
      fd = fs.openSync(tmp, 'w');
    } catch (err) {
      this.lastBgsaveOk = false;
      this.e.log('warning', `Can't save in background: ${(err as Error).message}`);
      return 'ERR';
    }
    const writer = new AsyncFileWriter(fd);
    const snap = new Snapshot(this.e.ks, rdbOptionsFor(this.e), (chunk) => writer.write(chunk));
    const run: Running = { snap, writer, tmp, start: Date.now(), dirtyAtStart: this.e.dirty, error: null };
    this.running = run;
    this.saves++;
    this.e.log('notice', `Background saving started by pid ${process.pid}`);
    setImmediate(this.slice);
    return null;
  }

  private readonly slice = (): void => {
    const run = this.running;
    if (run === null) return;
    const writer = run.writer;
    const done = run.snap.walk(SLICE_MS, () => writer.error === null && writer.queuedBytes < MAX_QUEUED_BYTES);
    if (writer.error !== null) {
      run.error = writer.error;
      this.finish(run, false);
      return;
    }
    if (!done) {
      // A full write queue: wait for the disk a little instead of spinning through ticks.
      if (writer.queuedBytes >= MAX_QUEUED_BYTES) setTimeout(this.slice, 1);
      else setImmediate(this.slice);
      return;
    }
    // Writes, fsync, rename and the directory's fsync finish on libuv's thread pool: flushing
    // tens of MB to disk must not stall the event loop (Redis's fork child does it all
    // outside the serving process).
    writer.commit(run.tmp, this.filePath(), (err) => {
      if (this.running !== run) return; // aborted meanwhile
      if (err !== null) {
        run.error = err;
        this.finish(run, false);
        return;
      }
      this.finish(run, true);
    });
  };

  private finish(run: Running, ok: boolean): void {
    run.snap.detach();
    run.writer.abort(); // closes the descriptor unless commit() has
    if (!ok) {
      try {
        fs.unlinkSync(run.tmp);
      } catch {
        // nothing to clean up
      }
    }
    this.running = null;
    this.lastBgsaveTimeSec = Math.round((Date.now() - run.start) / 1000);
    this.lastBgsaveOk = ok;
    if (ok) {
      this.e.dirty = Math.max(0, this.e.dirty - run.dirtyAtStart);
      this.lastSave = Math.floor(Date.now() / 1000);
      this.e.log('notice', 'Background saving terminated with success');
    } else {
      this.e.log('warning', `Background saving error${run.error ? `: ${run.error.message}` : ''}`);
    }
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn(ok);
  }

  /** killRDBChild: abandon a running BGSAVE (FLUSHALL, SHUTDOWN). */
  abort(): void {
    const run = this.running;
    if (run === null) return;
    run.error = new Error('aborted');
    this.finish(run, false);
    this.lastBgsaveOk = true; // a killed child is not a write error
    this.e.log('warning', 'Background saving terminated by signal');
  }

  /** Resolves when no BGSAVE is running (tests, DEBUG RELOAD). */
  whenIdle(): Promise<boolean> {
    if (this.running === null) return Promise.resolve(this.lastBgsaveOk);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** serverCron: save points and scheduled BGSAVEs. */
  cron(): void {
    if (this.running !== null || this.e.loading || this.e.aof?.rewriteInProgress() === true) return;
    const now = Math.floor(Date.now() / 1000);
    if (this.scheduled) {
      this.scheduled = false;
      this.bgsave();
      return;
    }
    for (const p of this.e.config.getSaveParams()) {
      if (
        this.e.dirty >= p.changes &&
        BigInt(now - this.lastSave) > p.seconds &&
        (now - this.lastBgsaveTry > RETRY_DELAY_S || this.lastBgsaveOk)
      ) {
        this.e.log('notice', `${p.changes} changes in ${String(p.seconds)} seconds. Saving...`);
        this.bgsave();
        return;
      }
    }
  }

  /** writeCommandsDeniedByDiskError (RDB part). */
  deniesWrites(): boolean {
    return (
      !this.lastBgsaveOk &&
      !this.e.ks.isReplica &&
      this.e.config.getBool('stop-writes-on-bgsave-error') &&
      this.e.config.getSaveParams().length > 0
    );
  }

  /** FLUSHALL: kill a BGSAVE and, with save points, save the emptied dataset. */
  onFlushAll(): void {
    this.abort();
    if (this.e.config.getSaveParams().length > 0) {
      const dirty = this.e.dirty;
      this.saveSync();
      this.e.dirty = dirty;
    }
  }

  /** SHUTDOWN: save when asked or when save points exist; false when saving failed. */
  onShutdown(mode: 'default' | 'save' | 'nosave'): boolean {
    this.abort();
    if (mode === 'nosave') return true;
    if (mode === 'save' || this.e.config.getSaveParams().length > 0) {
      this.e.log('notice', 'Saving the final RDB snapshot before exiting.');
      if (!this.saveSync()) {
        this.e.log('warning', 'Error trying to save the DB, can\'t exit.');
        return false;
      }
    }
    return true;
  }

  /** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load the file back (synchronously). */
  private debugReload(opts: string[]): string | null {
    let save = true;
    let flush = true;
    let merge = false;
    for (const o of opts) {
      if (o === 'merge') merge = true;
      else if (o === 'noflush') flush = false;
      else if (o === 'nosave') save = false;
      else return "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.";
    }
    if (save) {
      this.abort();
      if (!this.saveSync()) return 'ERR';
    }
    let buf: Buffer;
    try {
      buf = fs.readFileSync(this.filePath());
    } catch {
      return LOAD_ERROR;
    }
    const ks = this.e.ks;
    let d: RdbDecoder;
    try {
      d = new RdbDecoder(buf, {
        databases: ks.dbs.length,
        limits: limitsFromConfig((n) => this.e.config.getNum(n)),
        checksum: this.e.config.getBool('rdbchecksum'),
        trackDuplicates: false,
        log: (l, m) => this.e.log(l, m),
      });
      while (!d.step(1e9));
    } catch (err) {
      this.e.log('warning', `Error trying to load the RDB dump: ${(err as Error).message}`);
      return LOAD_ERROR;
    }
    if (flush) {
      for (const db of ks.dbs) db.flush();
      this.e.scripting?.flushFunctions(); // emptyData drops the libraries too
    }
    const fnErr = loadRdbFunctions(this.e, d.functions, merge);
    if (typeof fnErr === 'string') {
      this.e.log('warning', fnErr);
      return LOAD_ERROR;
    }
    let dup: string | null = null;
    d.takeStaged((id, k) => {
      const db = ks.dbs[id];
      if (db === undefined || dup !== null) return;
      if (db.dict.has(k.key)) {
        if (!merge) {
          dup = `RDB has duplicated key '${k.key}' in DB ${id}`;
          return;
        }
        db.delete(k.key);
      }
      db.add(k.key, k.value);
      if (k.expire !== -1) db.setExpire(k.key, k.expire);
    });
    if (dup !== null) {
      this.e.log('warning', dup);
      return LOAD_ERROR;
    }
    this.e.log('notice', 'DB reloaded by DEBUG RELOAD');
    return null;
  }

  /** INFO persistence fields owned by the RDB side. */
  info(): Record<string, string | number> {
    const run = this.running;
    return {
      current_save_keys_processed: run ? run.snap.keysWritten : 0,
      current_save_keys_total: run ? run.snap.keysTotal : 0,
      rdb_bgsave_in_progress: run ? 1 : 0,
      rdb_last_save_time: this.lastSave,
      rdb_last_bgsave_status: this.lastBgsaveOk ? 'ok' : 'err',
      rdb_last_bgsave_time_sec: this.lastBgsaveTimeSec,
      rdb_current_bgsave_time_sec: run ? Math.round((Date.now() - run.start) / 1000) : -1,
      rdb_saves: this.saves,
    };
  }
}

