/*
 * Blocking operations on keys (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK, ...).
 *
 * A blocking handler that finds no data calls ctx.blockForKeys(keys, deadline): the client is
 * queued on each key (per database, first come first served), its input is paused, and a timer
 * is armed for the deadline. Any write that may give such a key data calls
 * ctx.signalKeyAsReady(db, key); after the current top-level command (so after a whole
 * transaction or script) the engine walks the ready keys and, for each client queued there in
 * blocking order, re-runs the client's command. A handler that now finds data replies and
 * propagates its non-blocking form (BLPOP → LPOP) itself; one that still finds nothing calls
 * blockForKeys again, which leaves the client queued where it was. Re-running the command rather
 * than serving each type with special code keeps one mechanism for every blocking command.
 *
 * Timeouts reply with the null array (as Redis's replyToBlockedClientTimedOut), CLIENT UNBLOCK
 * replies the same or `-UNBLOCKED ...`, and a disconnected client is dropped from every queue.
 */

import type { Db } from '../keyspace/db.js';
import type { Client } from './client.js';
import type { Command } from './registry.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

export interface BlockState {
  db: Db;
  keys: string[];
  /** Absolute unix ms deadline; 0 = forever. */
  deadline: number;
  argv: string[];
  cmd: Command;
  timer: NodeJS.Timeout | null;
}

export interface BlockingHost {
  /** Re-run a blocked client's command; true if the handler blocked again (no data yet). */
  rerun(c: Client, state: BlockState): boolean;
  /** The client stopped being blocked: resume its input. */
  resumed(c: Client): void;
  /** Queue a client for the end-of-tick flush. */
  schedule(c: Client): void;
}

export class Blocking {
  /** db → key → clients blocked on it, in blocking order (a Set keeps insertion order). */
  private readonly waiting = new Map<Db, Map<string, Set<Client>>>();
  private ready: Array<{ db: Db; key: string }> = [];
  private readonly readySet = new Map<Db, Set<string>>();
  /** Number of clients currently blocked on keys (INFO blocked_clients). */
  count = 0;

  constructor(private readonly host: BlockingHost) {}

  /** Block `c` on `keys` (called from a handler). A re-run that blocks again keeps its place. */
  block(c: Client, db: Db, keys: string[], deadline: number, argv: string[], cmd: Command): void {
    if (c.blocked !== null) return; // re-run found no data: stay queued as before
    const state: BlockState = { db, keys, deadline, argv, cmd, timer: null };
    c.blocked = state;
    this.count++;
    let byKey = this.waiting.get(db);
    if (!byKey) {
      byKey = new Map();
      this.waiting.set(db, byKey);
    }
    for (const k of keys) {
      let set = byKey.get(k);
      if (!set) {
        set = new Set();
        byKey.set(k, set);
      }
      set.add(c);
    }
    if (deadline > 0) {
      this.arm(c, state);
    }
  }

  get pendingReady(): boolean {
    return this.ready.length !== 0;
  }

  /** Is anyone blocked on `key` in `db`? (cheap check for signalKeyAsReady) */
  hasWaiters(db: Db, key: string): boolean {
    if (this.count === 0) return false; // the common case: no lookup on every write
    return this.waiting.get(db)?.has(key) ?? false;
  }

  signalKeyAsReady(db: Db, key: string): void {
    if (!this.hasWaiters(db, key)) return;
    let set = this.readySet.get(db);
    if (!set) {
      set = new Set();
      this.readySet.set(db, set);
    }
    if (set.has(key)) return;
    set.add(key);
    this.ready.push({ db, key });
  }

  /** Serve clients blocked on keys that became ready (handleClientsBlockedOnKeys). */
  handleReady(): void {
    while (this.ready.length) {
      const list = this.ready;
      this.ready = [];
      this.readySet.clear();
      for (const { db, key } of list) {
        const set = this.waiting.get(db)?.get(key);
        if (!set) continue;
        for (const c of [...set]) {
          const state = c.blocked;
          if (state === null || !set.has(c)) continue;
          if (!this.host.rerun(c, state) && c.blocked === state) this.unblock(c);
        }
      }
    }
  }

  /** Remove `c` from every queue and resume its input. */
  unblock(c: Client): void {
    const state = c.blocked;
    if (state === null) return;
    c.blocked = null;
    this.count--;
    if (state.timer) clearTimeout(state.timer);
    const byKey = this.waiting.get(state.db);
    if (byKey) {
      for (const k of state.keys) {
        const set = byKey.get(k);
        if (!set) continue;
        set.delete(c);
        if (set.size === 0) byKey.delete(k);
      }
    }
    this.host.resumed(c);
  }

  /** Node fires timers over 2^31-1 ms at once, so long deadlines are reached in steps. */
  private arm(c: Client, state: BlockState): void {
    const wait = Math.max(0, state.deadline - Date.now());
    state.timer = setTimeout(() => {
      if (c.blocked !== state) return;
      if (Date.now() < state.deadline) this.arm(c, state);
      else this.timeout(c);
    }, Math.min(wait, MAX_TIMER_MS));
  }

  private timeout(c: Client): void {
    if (c.blocked === null) return;
    c.writer.resp = c.resp;
    c.writer.nullArray();
    this.host.schedule(c);
    this.unblock(c);
  }

  /** CLIENT UNBLOCK: true if `c` was blocked. */
  unblockByRequest(c: Client, withError: boolean): boolean {
    if (c.blocked === null) return false;
    c.writer.resp = c.resp;
    if (withError) c.writer.error('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    else c.writer.nullArray();
    this.host.schedule(c);
    this.unblock(c);
    return true;
  }

  /** A client disconnected: forget it without resuming anything. */
  drop(c: Client): void {
    const state = c.blocked;
    if (state === null) return;
    if (state.timer) clearTimeout(state.timer);
    c.blocked = null;
    this.count--;
    const byKey = this.waiting.get(state.db);
    if (!byKey) return;
    for (const k of state.keys) {
      const set = byKey.get(k);
      if (!set) continue;
      set.delete(c);
      if (set.size === 0) byKey.delete(k);
    }
  }

  /** SWAPDB / FLUSH moved the data under blocked clients: every waited key may be ready now. */
  signalAllWaited(db: Db): void {
    const byKey = this.waiting.get(db);
    if (!byKey) return;
    for (const k of byKey.keys()) this.signalKeyAsReady(db, k);
  }
}
