/*
 * maxmemory: how much memory the server uses, and freeing it by evicting keys (Redis's
 * evict.c performEvictions and processCommand's OOM gate).
 *
 * used_memory is an account, not a reading of V8's heap (which moves with the garbage
 * collector, not with the data): a fixed baseline for the server's own tables, plus the
 * keyspace's estimate of every key, value and TTL (kept current incrementally, see
 * keyspace/db.ts), plus the client buffers (query buffer, replies not yet written, per-client
 * state), plus the replication backlog. The runtime itself (V8's heap at boot: compiled code,
 * the command table, about 14 MB, and the young generation V8 grows under load) is not
 * counted, as Redis does not count its executable: maxmemory 100mb leaves room for about
 * 100 MB of data, and the process's RSS is that plus the empty server's RSS plus V8's slack
 * (bench/memory-accuracy.mjs measures how well the account tracks RSS).
 * Client buffers are measured when a client's output is flushed (each tick, for the clients
 * that did something), and for every client by the cron and by the eviction gate at most once
 * per (number of clients / 64) ms, so the sum follows them (a client sending a huge command
 * slowly never reaches a flush) without a walk over all clients per command.
 *
 * Eviction: before a command runs (the dispatcher gate) and from a background continuation,
 * while the account is over maxmemory, the policy's victim (keyspace/evict.ts) is deleted, its
 * DEL (UNLINK with lazyfree-lazy-eviction) propagated and `evicted` notified. A run is bounded
 * by maxmemory-eviction-tenacity's time limit (500 us at the default 10); when the limit hits
 * with memory still to free, a continuation keeps evicting in further slices between event
 * loop turns (so I/O goes on) until the account is under the limit or nothing is left to
 * evict. A denyoom command is refused with -OOM only when nothing could be freed (noeviction,
 * or no candidate keys); inside MULTI every command but EXEC/DISCARD/QUIT/RESET is refused so
 * that queueing cannot grow memory without bound.
 *
 * While maxmemory is set, V8 is also asked to keep its heap close to the live data
 * (heap-tuning.ts): a cache that keeps rewriting its budget otherwise holds several times the
 * budget in garbage.
 */

import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import type { Db } from '../keyspace/db.js';
import { EvictionPool, parsePolicy, type EvictionPolicy } from '../keyspace/evict.js';
import { DICT_BASE_BYTES } from '../keyspace/memory.js';
import { NOTIFY_EVICTED } from '../keyspace/notify.js';
import type { Client } from './client.js';
import type { Engine } from './engine.js';
import { tuneHeapForMaxmemory } from './heap-tuning.js';
import { clientMemory } from './memory-report.js';
import { F_DENYOOM, type Command } from './registry.js';

export const EVICT_OK = 0;
export const EVICT_RUNNING = 1;
export const EVICT_FAIL = 2;
export type EvictResult = typeof EVICT_OK | typeof EVICT_RUNNING | typeof EVICT_FAIL;

/** Commands that are never refused inside MULTI for lack of memory. */
const MULTI_OOM_EXEMPT = new Set(['exec', 'discard', 'quit', 'reset']);

/** used_memory_startup beyond the databases' empty dicts: the server's own fixed tables. */
const SERVER_BASE_BYTES = 768 * 1024;

/** evictionTimeLimitUs: how long one eviction run may take, by maxmemory-eviction-tenacity. */
export function evictionTimeLimitUs(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return Math.floor(500 * Math.pow(1.15, tenacity - 10));
  return Number.POSITIVE_INFINITY;
}

export class MaxMemory {
  /** maxmemory in bytes; 0 = no limit. */
  limit = 0;
  policy: EvictionPolicy = parsePolicy('noeviction');
  samples = 5;
  tenacity = 10;
  lazyEviction = false;
  replicaIgnore = true;
  /** used_memory_startup. */
  readonly startup: number;
  /** INFO evicted_keys. */
  evictedKeys = 0;
  /** Microseconds spent over the limit in finished episodes (total_eviction_exceeded_time). */
  totalExceededUs = 0;
  /** performance.now() when the current over-the-limit episode began, or -1. */
  private exceededSince = -1;
  /** used_memory_peak. */
  peak = 0;
  /** pre_command_oom_state: whether the last gate found memory exhausted (for scripts). */
  preCommandOom = false;
  /** Sum of the client memory last measured for each client. */
  private clientsBytes = 0;
  /** The part of clientsBytes measured on replica links (not counted for eviction). */
  private replicaBytes = 0;
  private readonly clientCharge = new Map<Client, { bytes: number; replica: boolean }>();
  readonly pool = new EvictionPool();
  private procRunning = false;

  constructor(private readonly e: Engine) {
    this.startup = SERVER_BASE_BYTES + e.ks.dbs.length * 2 * DICT_BASE_BYTES;
    const c = e.config;
    c.watch(['maxmemory-policy', 'maxmemory-samples', 'maxmemory-eviction-tenacity', 'lfu-log-factor',
      'lfu-decay-time', 'lazyfree-lazy-eviction', 'replica-ignore-maxmemory'], () => this.readConfig(c));
    c.onChange('maxmemory', () => {
      this.readConfig(c);
      this.updateMaxmemory();
      return null;
    });
  }

  private readConfig(c: Config): null {
    this.limit = c.getNum('maxmemory');
    tuneHeapForMaxmemory(this.limit > 0);
    const policy = c.getStr('maxmemory-policy');
    if (policy !== this.policy.name) {
      this.policy = parsePolicy(policy);
      this.pool.clear();
    }
    this.samples = c.getNum('maxmemory-samples');
    this.tenacity = c.getNum('maxmemory-eviction-tenacity');
    this.lazyEviction = c.getBool('lazyfree-lazy-eviction');
    this.replicaIgnore = c.getBool('replica-ignore-maxmemory');
    const ks = this.e.ks;
    ks.lfu = this.policy.lfu;
    ks.lfuLogFactor = c.getNum('lfu-log-factor');
    ks.lfuDecayTime = c.getNum('lfu-decay-time');
    return null;
  }

  /** updateMaxmemory (CONFIG SET maxmemory): warn when already over, and start evicting. */
  private updateMaxmemory(): void {
    if (this.limit === 0) return;
    const used = this.usedMemory() - this.notCounted();
    if (this.limit < used) {
      this.e.log('warning', `WARNING: the new maxmemory value set via CONFIG SET (${this.limit}) is smaller than ` +
        `the current memory usage (${used}). This will result in key eviction and/or the inability to accept ` +
        'new write commands depending on the maxmemory-policy.');
    }
    this.startProc();
  }

  /* ---- the account ------------------------------------------------------------------------ */

  /** used_memory: baseline + dataset + client buffers + replication backlog. */
  usedMemory(): number {
    const used = this.startup + this.e.ks.datasetBytes() + this.clientsBytes + (this.e.replication?.backlogMemory ?? 0);
    if (used > this.peak) this.peak = used;
    return used;
  }

  /** Client buffers as last measured (mem_clients_normal + replicas). */
  get clientBytes(): number {
    return this.clientsBytes;
  }

  /**
   * freeMemoryGetNotCountedMemory: memory that eviction must not try to win back, because
   * evicting makes it grow (the replicas' output buffers carry the DELs).
   */
  notCounted(): number {
    return this.replicaBytes;
  }

  /**
   * Measure a client's buffers. Right after a flush, `written` (what was just handed to the
   * socket) is not counted: the socket reports it as pending until libuv's write callback in
   * the next loop turn even when the kernel took it all; what remains pending by the next
   * measurement is a real backlog (a slow reader) and counts then.
   */
  measureClient(c: Client, written: readonly Buffer[] | null = null): void {
    let inFlight = 0;
    if (written !== null) for (const b of written) inFlight += b.length;
    const bytes = clientMemory(this.e, c, inFlight).total;
    const replica = c.replica !== null;
    const was = this.clientCharge.get(c);
    if (was === undefined) {
      this.clientCharge.set(c, { bytes, replica });
    } else {
      if (was.bytes === bytes && was.replica === replica) return;
      this.clientsBytes -= was.bytes;
      if (was.replica) this.replicaBytes -= was.bytes;
      was.bytes = bytes;
      was.replica = replica;
    }
    this.clientsBytes += bytes;
    if (replica) this.replicaBytes += bytes;
  }

  clientFreed(c: Client): void {
    const was = this.clientCharge.get(c);
    if (was === undefined) return;
    this.clientsBytes -= was.bytes;
    if (was.replica) this.replicaBytes -= was.bytes;
    this.clientCharge.delete(c);
  }

  /** serverCron: re-measure every client, settle the dataset, keep the peak. */
  cron(): void {
    this.measureAllClients();
    this.usedMemory();
  }

  private lastSweep = 0;

  private measureAllClients(): void {
    for (const c of this.e.clients.values()) this.measureClient(c);
    this.lastSweep = performance.now();
  }

  /** Re-measure every client when the last sweep is old enough for the number of clients. */
  private refreshClients(): void {
    const clients = this.e.clients.size;
    if (performance.now() - this.lastSweep >= (clients > 64 ? clients / 64 : 1)) this.measureAllClients();
  }

  /* ---- eviction ----------------------------------------------------------------------------- */

  /** isSafeToPerformEvictions. */
  private safeToEvict(): boolean {
    const e = this.e;
    if (e.loading) return false;
    if (e.ks.isReplica && this.replicaIgnore) return false;
    if (e.clientPause.mode !== null) return false;
    return true;
  }

  /** Bytes over the limit (after what is not counted), or 0. */
  private overBy(): number {
    if (this.limit === 0) return 0;
    const reported = this.usedMemory();
    if (reported <= this.limit) return 0;
    const used = reported - this.notCounted();
    return used > this.limit ? used - this.limit : 0;
  }

  /**
   * performEvictions: evict until under the limit or out of time (then a continuation is
   * scheduled). EVICT_FAIL: over the limit and nothing (more) can be evicted.
   */
  performEvictions(): EvictResult {
    if (!this.safeToEvict()) return EVICT_OK;
    const toFree = this.overBy();
    let result: EvictResult;
    if (toFree === 0) result = EVICT_OK;
    else if (this.policy.none) result = EVICT_FAIL;
    else result = this.evict(toFree);
    // update_metrics
    if (result === EVICT_OK) {
      if (this.exceededSince >= 0) {
        this.totalExceededUs += Math.round((performance.now() - this.exceededSince) * 1000);
        this.exceededSince = -1;
      }
    } else if (this.exceededSince < 0) {
      this.exceededSince = performance.now();
    }
    return result;
  }

  private evict(toFree: number): EvictResult {
    const e = this.e;
    const ks = e.ks;
    const latency = e.introspection.latency;
    const limitMs = evictionTimeLimitUs(this.tenacity) / 1000;
    const t0 = performance.now();
    const del = this.lazyEviction ? 'UNLINK' : 'DEL';
    let freed = 0;
    let keys = 0;
    let result: EvictResult = EVICT_FAIL;
    for (;;) {
      if (freed >= toFree) {
        result = this.procRunning ? EVICT_RUNNING : EVICT_OK;
        break;
      }
      const v = this.pool.pick(ks, this.policy, this.samples);
      if (v === null) break; // nothing left to evict: EVICT_FAIL
      const db: Db = v.db;
      const key = v.key;
      const before = db.memBytes;
      const d0 = performance.now();
      db.remove(key);
      latency.addSampleIfNeeded('eviction-del', Math.floor(performance.now() - d0));
      freed += before - db.memBytes;
      this.evictedKeys++;
      e.signalModifiedKey(db, key, null);
      e.notify(NOTIFY_EVICTED, 'evicted', key, db.id);
      e.propagate(db.id, [del, key]);
      if (++keys % 16 === 0 && performance.now() - t0 > limitMs) {
        // Out of time with memory still to free: continue in the background.
        this.startProc();
        result = EVICT_RUNNING;
        break;
      }
    }
    latency.addSampleIfNeeded('eviction-cycle', Math.floor(performance.now() - t0));
    return result;
  }

  /** startEvictionTimeProc: keep evicting in slices between event loop turns. */
  startProc(): void {
    if (this.procRunning) return;
    this.procRunning = true;
    setImmediate(this.proc);
  }

  private readonly proc = (): void => {
    this.e.ks.setTime(Date.now());
    this.refreshClients();
    const before = this.evictedKeys;
    const r = this.performEvictions();
    if (this.e.introspection.tracking.hasPending) this.e.introspection.tracking.flushPending();
    // Like Redis, whose beforeSleep writes replies before the next commands are read: the
    // invalidations and keyspace events of this slice leave before another gate measures
    // the clients' buffers (else they would count as memory to free, and free more).
    if (this.evictedKeys !== before) this.e.flushPending();
    if (r === EVICT_RUNNING) {
      setImmediate(this.proc);
      return;
    }
    this.procRunning = false;
  };

  /** Whether the background continuation is running (tests). */
  get evicting(): boolean {
    return this.procRunning;
  }

  /**
   * The dispatcher gate (processCommand, with maxmemory set): evict as needed, then decide
   * whether this command must be refused with -OOM. `flags` are the command's flags (EXEC's
   * include its queued commands').
   */
  rejectsCommand(c: Client, cmd: Command, flags: number): boolean {
    this.refreshClients();
    const oom = this.performEvictions() === EVICT_FAIL;
    const tracking = this.e.introspection.tracking;
    if (tracking.hasPending) tracking.flushPending();
    let reject = (flags & F_DENYOOM) !== 0;
    if (c.mstate !== null && !(cmd.parent === null && MULTI_OOM_EXEMPT.has(cmd.spec.name))) reject = true;
    this.preCommandOom = oom;
    return oom && reject;
  }

  /* ---- INFO --------------------------------------------------------------------------------- */

  /** current_eviction_exceeded_time in microseconds. */
  get currentExceededUs(): number {
    return this.exceededSince >= 0 ? Math.round((performance.now() - this.exceededSince) * 1000) : 0;
  }

  resetStats(): void {
    this.evictedKeys = 0;
    this.totalExceededUs = 0;
    this.exceededSince = -1;
  }
}
