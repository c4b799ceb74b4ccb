/*
 * Loading the RDB file (`dir`/`dbfilename`) at startup while the server already listens, the
 * way Redis serves clients during a load: the decoder runs in time slices (a few ms of work,
 * then setImmediate), and between slices the event loop answers commands; the engine's
 * `loading` flag makes every command without the `loading` flag fail with -LOADING. Each slice
 * moves the keys it decoded into the keyspace (clients cannot see them before the load ends),
 * a failure empties the keyspace again, so a bad file never leaves a half-loaded dataset.
 *
 * Bulk path: the decoder hands each key straight to the database (its `sink`: no staged object
 * per key), which appends it without indexing it (Db.addLoaded); the keys of a slice are linked
 * into the dict's index in one tight loop at the end of the slice (Dict.indexAppended: the
 * cache misses of consecutive keys overlap), which also finds a key the file holds twice. The
 * RESIZEDB hint, which comes before a database's keys, replaces an empty database's dicts with
 * ones already as wide as the hint asks, so the load never rehashes.
 *
 * INFO persistence shows loading_* progress fields while it runs and the key counts of the
 * last load afterwards; progress is logged about once a second.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from './engine.js';
import { RdbDecoder } from '../persistence/rdb/decoder.js';
import { limitsFromConfig } from '../persistence/rdb/decode-object.js';
import { Dict } from '../ds/dict.js';
import type { RObject } from '../keyspace/object.js';
import type { Db } from '../keyspace/db.js';
import { lruFromSaved } from '../keyspace/evict.js';
import { PredigestSource } from './rdb-predigest-source.js';

/** Wall-clock budget of one loading slice. */
const SLICE_MS = 5;
/** Files from this size on load in parallel (below it the worker's start-up costs more than it saves). */
const PARALLEL_MIN_BYTES = 1 << 20;

export interface LoadProgress {
  startTime: number;
  totalBytes: number;
  rdbUsedMem: number;
  loadedBytes: number;
}

export class RdbLoadState {
  progress: LoadProgress | null = null;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;

  /** The loading_* INFO fields (only while loading). */
  infoFields(): Array<[string, string | number]> {
    const p = this.progress;
    if (p === null) return [];
    let perc = 0;
    let remaining = 0;
    if (p.totalBytes) {
      perc = (p.loadedBytes / p.totalBytes) * 100;
      remaining = p.totalBytes - p.loadedBytes;
    } else if (p.rdbUsedMem) {
      perc = Math.min(99.99, (p.loadedBytes / p.rdbUsedMem) * 100);
      remaining = Math.max(1, p.rdbUsedMem - p.loadedBytes);
    }
    const elapsed = Math.floor(Date.now() / 1000) - p.startTime;
    const eta = elapsed === 0 ? 1 : Math.floor((elapsed * remaining) / (p.loadedBytes + 1));
    return [
      ['loading_start_time', p.startTime],
      ['loading_total_bytes', p.totalBytes],
      ['loading_rdb_used_mem', p.rdbUsedMem],
      ['loading_loaded_bytes', p.loadedBytes],
      ['loading_loaded_perc', perc.toFixed(2)],
      ['loading_eta_seconds', eta],
    ];
  }
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * rdbFunctionLoad for the libraries a decoded file carried (from index `from` on), into the
 * current registry; `replace` is RDBFLAGS_ALLOW_DUP (DEBUG RELOAD MERGE). Returns how many
 * were applied, or Redis's log text of the first failure.
 */
export function loadRdbFunctions(engine: Engine, codes: readonly string[], replace: boolean, from = 0): number | string {
  const sc = engine.scripting;
  for (let i = from; i < codes.length; i++) {
    if (sc === null) return 'Failed loading library, scripting is not available';
    const err = sc.loadLibrary(codes[i] as string, replace);
    if (err !== null) return `Failed loading library, ${err}`;
  }
  return codes.length;
}

/**
 * Load `buf` (a whole RDB file) into the engine's keyspace in time slices. Resolves with the
 * file's AUX fields (a replica reads repl-stream-db there); rejects (after emptying the
 * keyspace) on a bad file.
 */
export function loadRdbSliced(engine: Engine, state: RdbLoadState, buf: Buffer): Promise<ReadonlyMap<string, string>> {
  return runLoad(engine, state, buf, null);
}

/**
 * The load itself: from `buf` on this thread, or (`source` set, `buf` its first chunk) from
 * the chunks of the predigest worker.
 */
async function runLoad(engine: Engine, state: RdbLoadState, buf: Buffer, source: PredigestSource | null, totalBytes = buf.length): Promise<ReadonlyMap<string, string>> {
  const ks = engine.ks;
  const isReplica = ks.isReplica;
  let loaded = 0;
  /** Each key straight into its database (the bulk path: no staging). */
  const sink = (dbid: number, key: string, value: RObject, expire: number, idle: number, freq: number): void => {
    const db = ks.dbs[dbid];
    if (db === undefined) return;
    if (idle >= 0 || freq >= 0) {
      const lru = lruFromSaved(ks.lfu, freq, idle, ks.lruClock, Date.now());
      if (lru !== undefined) value.lru = lru;
    }
    db.addLoaded(key, value, expire);
    touched.add(db);
    loaded++;
  };
  /** The databases keys were appended to since the last indexing. */
  const touched = new Set<Db>();
  /** Link the keys appended in this slice; a key seen twice fails the load (as Redis does). */
  const index = (): void => {
    for (const db of touched) {
      const dup = db.indexLoaded();
      if (dup !== null) throw new Error(`RDB has duplicated key '${dup}' in DB ${db.id}`);
    }
    touched.clear();
  };
  const d = new RdbDecoder(buf, {
    sink,
    onResize: (dbid, size, expires) => {
      const db = ks.dbs[dbid];
      if (db === undefined || db.dict.size !== 0 || db.expires.size !== 0) return;
      // RESIZEDB: dicts presized for their final size, so the load never rehashes. The hint is
      // only trusted up to what the file can hold (a key takes at least 3 bytes), so a corrupt
      // one cannot allocate hundreds of MB of buckets before the first key is read.
      const most = Math.floor(totalBytes / 3);
      db.dict = new Dict<RObject>({ expectedSize: Math.min(size, most) });
      db.expires = new Dict<number>({ expectedSize: Math.min(expires, most) });
    },
    databases: ks.dbs.length,
    limits: limitsFromConfig((n) => engine.config.getNum(n)),
    checksum: engine.config.getBool('rdbchecksum'),
    dropExpiredAt: isReplica ? undefined : Date.now(),
    trackDuplicates: false,
    predigested: source !== null,
    log: (level, msg) => engine.log(level, msg),
  });
  state.progress = { startTime: Math.floor(Date.now() / 1000), totalBytes, rdbUsedMem: 0, loadedBytes: 0 };
  engine.loading = true;
  let lastLog = Date.now();
  let announced = false;
  let functionsLoaded = 0;
  try {
    for (;;) {
      const t0 = Date.now();
      let done = false;
      while (!done && Date.now() - t0 < SLICE_MS) {
        if (source !== null && d.needsInput() && !source.next(d)) break;
        done = d.step(256);
        if (d.functions.length > functionsLoaded) {
          const n = loadRdbFunctions(engine, d.functions, false, functionsLoaded);
          if (typeof n === 'string') throw new Error(n);
          functionsLoaded = n;
        }
      }
      index();
      if (source?.error != null) throw new Error(source.error);
      if (!announced && d.aux.has('redis-ver')) {
        announced = true;
        engine.log('notice', `Loading RDB produced by version ${d.aux.get('redis-ver') ?? ''}`);
        const ctime = Number(d.aux.get('ctime'));
        if (Number.isFinite(ctime)) engine.log('notice', `RDB age ${Math.floor(Date.now() / 1000) - ctime} seconds`);
        const mem = Number(d.aux.get('used-mem'));
        if (Number.isFinite(mem)) {
          state.progress.rdbUsedMem = mem;
          engine.log('notice', `RDB memory usage when created ${(mem / 1048576).toFixed(2)} Mb`);
        }
      }
      const at = source === null ? d.loadedBytes : source.srcPos;
      state.progress.loadedBytes = at;
      if (done) {
        await source?.finish();
        break;
      }
      if (Date.now() - lastLog >= 1000) {
        lastLog = Date.now();
        engine.log('notice', `Loading RDB: ${((at / totalBytes) * 100).toFixed(2)}% (${loaded} keys)`);
      }
      if (source !== null && d.needsInput()) {
        // Waiting for the worker: take a step of the file's checksum meanwhile, else sleep till a chunk comes.
        await (source.checksumStep() ? yieldToLoop() : source.wait());
      } else {
        await yieldToLoop();
      }
    }
  } catch (e) {
    touched.clear(); // (keys appended and not indexed go with the dicts flush() replaces)
    for (const db of ks.dbs) db.flush();
    if (d.functions.length > 0) engine.scripting?.flushFunctions();
    throw e;
  } finally {
    engine.loading = false;
    state.progress = null;
  }
  state.lastLoadKeysLoaded = loaded;
  state.lastLoadKeysExpired = d.expiredSkipped;
  engine.log('notice', `Done loading RDB, keys loaded: ${loaded}, keys expired: ${d.expiredSkipped}.`);
  ks.setTime(Date.now());
  engine.dirty = 0;
  return d.aux;
}

/**
 * The parallel load of an RDB (a file, or one held in memory): the predigest worker
 * predigests it while this thread decodes the chunks. Any failure (a malformed file, the
 * worker dying) empties the keyspace again and throws; the caller then loads it on one thread,
 * whose error (if any) names the file offset as always. Resolves with the file's AUX fields.
 */
async function loadRdbParallel(engine: Engine, state: RdbLoadState, from: string | Buffer, size: number): Promise<ReadonlyMap<string, string>> {
  const limits = limitsFromConfig((n) => engine.config.getNum(n));
  engine.log('verbose', 'Loading RDB in parallel: a worker thread predigests the file');
  const source = new PredigestSource(size, limits, engine.config.getBool('rdbchecksum'));
  try {
    if (typeof from === 'string') await source.readFile(from);
    else source.copyFrom(from);
    let first = source.take();
    while (first === null) {
      if (source.error !== null) throw new Error(source.error);
      await source.wait();
      first = source.take();
    }
    return await runLoad(engine, state, first, source, size);
  } finally {
    source.close();
  }
}

/**
 * The parallel load when the RDB (a file, or one held in memory) is big enough for the worker
 * and the worker is there: its AUX fields, or null when it was not tried or failed (logged;
 * the caller then loads on one thread, which reports any error).
 */
async function tryParallel(engine: Engine, state: RdbLoadState, from: string | Buffer, size: number): Promise<ReadonlyMap<string, string> | null> {
  if (size < PARALLEL_MIN_BYTES || !PredigestSource.available()) return null;
  try {
    return await loadRdbParallel(engine, state, from, size);
  } catch (e) {
    engine.log('verbose', `Parallel RDB load stopped (${(e as Error).message}); loading on one thread`);
    return null;
  }
}

/**
 * Load an RDB held in memory (a replica's sync payload) like loadRdbSliced, in parallel when
 * it is big enough. Resolves with the file's AUX fields.
 */
export async function loadRdbBuffer(engine: Engine, state: RdbLoadState, rdb: Buffer): Promise<ReadonlyMap<string, string>> {
  return (await tryParallel(engine, state, rdb, rdb.length)) ?? loadRdbSliced(engine, state, rdb);
}

/** The RDB file a start loads: `dir`/`dbfilename`. */
export function startupRdbPath(engine: Engine): string {
  return path.join(engine.config.getStr('dir') || '.', engine.config.getStr('dbfilename'));
}

/**
 * Startup: load `dir`/`dbfilename` when it exists. Returns false when there is no file.
 * Throws (with Redis's wording in the log) on a file that cannot be loaded.
 */
export async function loadRdbAtStartup(engine: Engine, state: RdbLoadState): Promise<boolean> {
  const file = startupRdbPath(engine);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    engine.log('warning', `Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
    throw e;
  }
  const t0 = Date.now();
  // After a failed parallel attempt, one thread reads the file again and reports any error it
  // finds with its offset (the predigested stream's offsets are not the file's).
  if ((await tryParallel(engine, state, file, size)) === null) {
    try {
      await loadRdbSliced(engine, state, fs.readFileSync(file));
    } catch (e) {
      engine.log('warning', `Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
      throw e;
    }
  }
  engine.log('notice', `DB loaded from disk: ${((Date.now() - t0) / 1000).toFixed(3)} seconds`);
  return true;
}
