/*
 * Loading the RDB file (`dir`/`dbfilename`) at startup while the server already listens, the
 * way Redis serves clients during a load: the decoder runs in time slices (a few ms of work,
 * then setImmediate), and between slices the event loop answers commands; the engine's
 * `loading` flag makes every command without the `loading` flag fail with -LOADING. Each slice
 * moves the keys it decoded into the keyspace (clients cannot see them before the load ends),
 * a failure empties the keyspace again, so a bad file never leaves a half-loaded dataset.
 *
 * INFO persistence shows loading_* progress fields while it runs and the key counts of the
 * last load afterwards; progress is logged about once a second.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from './engine.js';
import { RdbDecoder, type StagedKey } from '../persistence/rdb/decoder.js';
import { limitsFromConfig } from '../persistence/rdb/decode-object.js';

/** Wall-clock budget of one loading slice. */
const SLICE_MS = 5;
const LRU_CLOCK_MAX = (1 << 24) - 1;

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

/** objectSetLRUOrLFU for a loaded key's IDLE / FREQ. */
function lruFor(engine: Engine, policy: string, k: StagedKey): number | undefined {
  if (k.freq < 0 && k.idle < 0) return undefined;
  if (k.freq >= 0 && policy.endsWith('-lfu')) return ((Math.floor(Date.now() / 60000) & 65535) * 256) | k.freq;
  if (k.idle >= 0 && policy.endsWith('-lru')) {
    const abs = engine.ks.lruClock - k.idle;
    return abs < 0 ? LRU_CLOCK_MAX - abs : abs;
  }
  return undefined;
}

/**
 * Load `buf` (a whole RDB file) into the engine's keyspace in time slices. Resolves with the
 * number of keys loaded; rejects (after emptying the keyspace) on a bad file.
 */
export async function loadRdbSliced(engine: Engine, state: RdbLoadState, buf: Buffer): Promise<number> {
  const ks = engine.ks;
  const isReplica = ks.isReplica;
  const d = new RdbDecoder(buf, {
    databases: ks.dbs.length,
    limits: limitsFromConfig((n) => engine.config.getNum(n)),
    checksum: engine.config.getBool('rdbchecksum'),
    dropExpiredAt: isReplica ? undefined : Date.now(),
    trackDuplicates: false,
    log: (level, msg) => engine.log(level, msg),
  });
  state.progress = { startTime: Math.floor(Date.now() / 1000), totalBytes: buf.length, rdbUsedMem: 0, loadedBytes: 0 };
  engine.loading = true;
  const policy = engine.config.getStr('maxmemory-policy');
  let loaded = 0;
  let lastLog = Date.now();
  let announced = false;
  try {
    for (;;) {
      const t0 = Date.now();
      let done = false;
      while (!done && Date.now() - t0 < SLICE_MS) {
        done = d.step(256);
        d.takeStaged((dbid, k) => {
          const db = ks.dbs[dbid];
          if (db === undefined) return;
          if (db.dict.has(k.key)) throw new Error(`RDB has duplicated key '${k.key}' in DB ${dbid}`);
          const lru = lruFor(engine, policy, k);
          if (lru !== undefined) k.value.lru = lru;
          db.add(k.key, k.value);
          if (k.expire !== -1) db.setExpire(k.key, k.expire);
          loaded++;
        });
      }
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
      state.progress.loadedBytes = d.loadedBytes;
      if (done) break;
      if (Date.now() - lastLog >= 1000) {
        lastLog = Date.now();
        engine.log('notice', `Loading RDB: ${((d.loadedBytes / buf.length) * 100).toFixed(2)}% (${loaded} keys)`);
      }
      await yieldToLoop();
    }
  } catch (e) {
    for (const db of ks.dbs) db.flush();
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
  return loaded;
}

/**
 * Startup: load `dir`/`dbfilename` when it exists. Returns false when there is no file.
 * Throws (with Redis's wording in the log) on a file that cannot be loaded.
 */
export async function loadRdbAtStartup(engine: Engine, state: RdbLoadState): Promise<boolean> {
  const file = path.join(engine.config.getStr('dir') || '.', engine.config.getStr('dbfilename'));
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    engine.log('warning', `Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
    throw e;
  }
  const t0 = Date.now();
  try {
    await loadRdbSliced(engine, state, buf);
  } catch (e) {
    engine.log('warning', `Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
    throw e;
  }
  engine.log('notice', `DB loaded from disk: ${((Date.now() - t0) / 1000).toFixed(3)} seconds`);
  return true;
}
