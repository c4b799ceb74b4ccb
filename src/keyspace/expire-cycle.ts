/*
 * Active expiry: reclaiming keys whose TTL passed but that nobody reads again.
 *
 * Lazy expiry (db.ts) only deletes keys that are looked up; this cycle finds the rest. It follows
 * Redis's activeExpireCycle: a SLOW cycle runs from serverCron at `hz` times per second with a
 * budget of 25% of each cron period (plus 2% per extra `active-expire-effort` step); a FAST
 * cycle runs before the loop sleeps, at most once every two fast durations (1 ms budget), and
 * only when the previous cycle ran out of time or left more than the acceptable share (10%) of
 * stale keys. Within a cycle each database is worked in rounds of `keysPerLoop` (20) entries of
 * its expires dict; a database keeps getting rounds while more than the acceptable share of a
 * round was expired, so a database full of dead keys is drained at the CPU budget's pace while
 * one with few dead keys costs a single round.
 *
 * Unlike Redis, which samples hash buckets, each round continues a SCAN cursor over the expires
 * dict (ds/dict.ts), so repeated rounds sweep every volatile key rather than resampling the
 * same ones; the cursor is kept per database between cycles. Keys are collected first and
 * deleted after each scan step, through Db.expireIfNeeded, so the engine's hooks propagate and
 * notify each one exactly as lazy expiry does. The time check uses performance.now() every
 * round: a round is at most `keysPerLoop` deletions, which bounds the overshoot to
 * microseconds.
 *
 * nodis departs from Redis in one respect: the slow cycle's 25% budget is spent in slices of a
 * few milliseconds with the event loop serving clients in between (runSlowSliced), so a
 * database full of dead keys costs clients a few ms of latency at a time, not 25 ms.
 */

import { performance } from 'node:perf_hooks';
import type { Db, KeyspaceStats } from './db.js';

const KEYS_PER_LOOP = 20;
const FAST_DURATION_US = 1000;
const SLOW_TIME_PERC = 25;
const ACCEPTABLE_STALE = 10;
const DBS_PER_CALL = 16;

export type ExpireCycleType = 'slow' | 'fast';

export class ActiveExpire {
  private currentDb = 0;
  private timelimitExit = false;
  private lastFastCycle = 0;
  private readonly batch: string[] = [];

  constructor(
    private readonly dbs: readonly Db[],
    private readonly stats: KeyspaceStats,
  ) {}

  /**
   * Run one cycle. `hz` is the cron frequency, `effort` is `active-expire-effort` (1..10),
   * `nowMs` the cached command time used to judge expiry.
   */
  run(type: ExpireCycleType, hz: number, effort: number, nowMs: number, sliceMs = Infinity): boolean {
    const e = Math.max(0, Math.min(9, effort - 1));
    const keysPerLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * e;
    const fastDurationUs = FAST_DURATION_US + (FAST_DURATION_US / 4) * e;
    const acceptableStale = ACCEPTABLE_STALE - e;

    const start = performance.now();
    if (type === 'fast') {
      if (!this.timelimitExit && this.stats.expiredStalePerc < acceptableStale) return false;
      if (start * 1000 < this.lastFastCycle + fastDurationUs * 2) return false;
      this.lastFastCycle = start * 1000;
    }
    const limitMs = Math.min(sliceMs, type === 'fast' ? fastDurationUs / 1000 : this.slowBudgetMs(hz, effort));
    this.timelimitExit = false;

    let totalSampled = 0;
    let totalExpired = 0;
    const dbs = this.dbs;
    const n = Math.min(DBS_PER_CALL, dbs.length);
    for (let j = 0; j < n && !this.timelimitExit; j++) {
      const db = dbs[this.currentDb % dbs.length];
      this.currentDb++;
      if (db === undefined) continue;
      let expired: number;
      let sampled: number;
      do {
        if (db.expires.size === 0) {
          db.avgTtl = 0;
          break;
        }
        [sampled, expired] = this.round(db, keysPerLoop, nowMs);
        totalSampled += sampled;
        totalExpired += expired;
        if (performance.now() - start > limitMs) {
          this.timelimitExit = true;
          break;
        }
      } while (sampled === 0 ? false : (expired * 100) / sampled > acceptableStale);
    }
    const elapsed = performance.now() - start;
    this.stats.expireCycleCpuMilliseconds += elapsed;
    const current = totalSampled ? (totalExpired * 100) / totalSampled : 0;
    this.stats.expiredStalePerc = current * 0.05 + this.stats.expiredStalePerc * 0.95;
    return this.timelimitExit;
  }

  /** The slow cycle's CPU budget per cron period, in ms (25% of 1000/hz at effort 1). */
  slowBudgetMs(hz: number, effort: number): number {
    const e = Math.max(0, Math.min(9, effort - 1));
    return ((SLOW_TIME_PERC + 2 * e) * 10) / Math.max(1, hz);
  }

  /**
   * The slow cycle, cut into slices of at most `sliceMs`: each slice that runs out of time
   * asks `defer` to run the next one after the event loop has served pending I/O, until the
   * period's budget is spent. Same reclaim rate as one long cycle, without the long stall.
   */
  runSlowSliced(hz: number, effort: number, sliceMs: number, now: () => number, defer: (fn: () => void) => void): void {
    const budget = this.slowBudgetMs(hz, effort);
    let spent = 0;
    const step = (): void => {
      const t = performance.now();
      const timedOut = this.run('slow', hz, effort, now(), Math.min(sliceMs, budget - spent));
      spent += performance.now() - t;
      if (!timedOut) return;
      if (spent < budget) defer(step);
      else this.stats.expiredTimeCapReachedCount++;
    };
    step();
  }

  /** One round over up to `count` volatile keys of `db`; returns [sampled, expired]. */
  private round(db: Db, count: number, nowMs: number): [number, number] {
    const batch = this.batch;
    batch.length = 0;
    let ttlSum = 0;
    let ttlSamples = 0;
    const cursor = db.expires.scan(db.expireCursor, count, (key, when) => {
      if (when < nowMs) batch.push(key);
      else {
        ttlSum += when - nowMs;
        ttlSamples++;
      }
    });
    db.expireCursor = cursor;
    const sampled = batch.length + ttlSamples;
    let expired = 0;
    for (const key of batch) if (db.expireIfNeeded(key)) expired++;
    batch.length = 0;
    if (ttlSamples) {
      const avg = ttlSum / ttlSamples;
      db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
    }
    return [sampled, expired];
  }
}
