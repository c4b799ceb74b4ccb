/*
 * Transactions: MULTI/EXEC queueing and WATCH (optimistic locking), Redis 7.0 semantics.
 *
 * MULTI puts the client in a queueing state: the dispatcher stores each later command (after
 * every gate has accepted it) instead of running it and replies +QUEUED; a command the gates
 * reject while queueing (unknown, wrong arity, not allowed...) flags the transaction, and EXEC
 * then answers -EXECABORT and runs nothing. EXEC runs the queue through the engine's call()
 * with CALL_FROM_MULTI: nested calls keep the transaction's cached time, blocking commands act
 * non-blocking, and a command failing at run time does not undo the others.
 *
 * WATCH records (db, key) pairs in a per-database map key → watchers, mirrored by a per-client
 * list. Every modification of a key (signalModifiedKey, including deletion by expiry) marks
 * the watchers "dirty CAS" and drops their watches; FLUSHDB/FLUSHALL/SWAPDB mark the watchers
 * of every key they change. A key watched while already logically expired is flagged: its
 * deletion is not a change, and EXEC only fails on watched keys that expired after WATCH
 * (isWatchedKeyExpired). EXEC with a dirty CAS flag replies the null array.
 *
 * Costs: WATCH O(1) per key (plus the watchers of that key, to skip duplicates), a key
 * modification O(1) when nobody watches anything, EXEC O(queued commands + watched keys).
 */

import type { AclHooks } from './acl-hooks.js';
import { CALL_FROM_MULTI } from '../commands/context.js';
import type { Db, Keyspace } from '../keyspace/db.js';
import type { Client } from './client.js';
import { type Command, F_DENYOOM, F_LOADING, F_MAY_REPLICATE, F_READONLY, F_STALE, F_WRITE } from './registry.js';

export const EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';

export interface QueuedCommand {
  cmd: Command;
  argv: string[];
}

/** A client's MULTI state (Client.mstate, null outside MULTI). */
export class MultiState {
  readonly commands: QueuedCommand[] = [];
  /** CLIENT_DIRTY_EXEC: a command was rejected while queueing. */
  dirtyExec = false;
  /** OR of the queued commands' flag bits, and OR of their complements. */
  flags = 0;
  invFlags = 0;
  /** Bytes of queued arguments plus one pointer per argument (CLIENT LIST multi-mem). */
  argvLenSums = 0;
  /** Capacity of Redis's queue array (grows 2, 4, 8 ...), for the memory estimate. */
  allocCount = 0;
}

/** One WATCHed key of one client. */
export interface WatchedKey {
  readonly key: string;
  readonly db: Db;
  readonly client: Client;
  /** The key was already logically expired when WATCH ran. */
  expired: boolean;
}

export interface MultiHost {
  readonly ks: Keyspace;
  /** Run one command (nested calls keep the outer cached time). */
  call(c: Client, cmd: Command, argv: string[], now: number, flags: number): boolean;
  /** ACL checks of queued commands at EXEC (rules may have changed since they were queued). */
  readonly acl: AclHooks | null;
}

/** Flag bits of queued commands that decide EXEC's gates (write, OOM, pause...). */
const EXEC_INHERITED = F_WRITE | F_READONLY | F_DENYOOM | F_MAY_REPLICATE;
/** Flag bits EXEC keeps only if every queued command has them. */
const EXEC_ALL_MUST_HAVE = F_LOADING | F_STALE;

/** Commands that run at once inside MULTI instead of being queued. */
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Is `cmd` queued when sent inside MULTI? */
export function queuedInMulti(cmd: Command): boolean {
  return cmd.parent !== null || !NOT_QUEUED.has(cmd.spec.name);
}

/* Sizes Redis uses in multiStateMemOverhead (64-bit build). */
const POINTER = 8;
const MULTI_CMD_SIZE = 24;
const WATCHED_KEY_SIZE = 24 + 32; // list node + watchedKey

export class Multi {
  /** db → key → watchers, in WATCH order (db->watched_keys). */
  private readonly watched = new Map<Db, Map<string, WatchedKey[]>>();
  private watchedCount = 0;

  constructor(private readonly host: MultiHost) {}

  /* ---- MULTI / queueing / DISCARD ------------------------------------------------------ */

  begin(c: Client): void {
    c.mstate = new MultiState();
    c.inMulti = true;
  }

  queue(c: Client, cmd: Command, argv: string[], flags = cmd.flagBits): void {
    const ms = c.mstate;
    // An aborted transaction keeps nothing (the client may pipeline on regardless).
    if (ms === null || ms.dirtyExec || c.dirtyCas) return;
    if (ms.commands.length === ms.allocCount) ms.allocCount = ms.allocCount === 0 ? 2 : ms.allocCount * 2;
    ms.commands.push({ cmd, argv });
    ms.flags |= flags;
    ms.invFlags |= ~flags;
    let len = 0;
    for (const a of argv) len += a.length;
    ms.argvLenSums += len + POINTER * argv.length;
  }

  /** flagTransaction: an error while queueing makes EXEC fail. */
  flag(c: Client): void {
    if (c.mstate !== null) c.mstate.dirtyExec = true;
  }

  /** discardTransaction: leave MULTI, clear both dirty flags and every WATCH. */
  discard(c: Client): void {
    c.mstate = null;
    c.inMulti = false;
    c.dirtyCas = false;
    this.unwatchAll(c);
  }

  /** The flags EXEC's gates see: its own plus what the queued commands need. */
  execFlags(c: Client, base: number): number {
    const ms = c.mstate;
    if (ms === null) return base;
    return (base | (ms.flags & EXEC_INHERITED)) & ~(ms.invFlags & EXEC_ALL_MUST_HAVE);
  }

  /* ---- EXEC ------------------------------------------------------------------------------ */

  /** EXEC (the client is in MULTI): write the whole reply and leave MULTI. */
  exec(c: Client): void {
    const ms = c.mstate;
    if (ms === null) return;
    const w = c.writer;
    if (this.isWatchedKeyExpired(c)) c.dirtyCas = true;
    if (ms.dirtyExec || c.dirtyCas) {
      if (ms.dirtyExec) w.error(EXECABORT);
      else w.nullArray();
      this.discard(c);
      return;
    }
    this.unwatchAll(c);
    w.array(ms.commands.length);
    const now = this.host.ks.now;
    for (const q of ms.commands) {
      const denied = c.aclUser.unrestricted ? null : this.host.acl?.denied(c, q.cmd, q.argv, 'exec') ?? null;
      if (denied !== null) w.error(denied);
      else this.host.call(c, q.cmd, q.argv, now, CALL_FROM_MULTI);
    }
    this.discard(c);
  }

  /** execCommandAbort: EXEC itself was rejected by a gate. */
  abort(c: Client, error: string): string {
    this.discard(c);
    return `EXECABORT Transaction discarded because of: ${error.startsWith('-') ? error.slice(1) : error}`;
  }

  /* ---- WATCH --------------------------------------------------------------------------- */

  watch(c: Client, db: Db, keys: readonly string[]): void {
    if (c.dirtyCas) return; // no point: EXEC will fail anyway
    for (const key of keys) {
      let byKey = this.watched.get(db);
      if (byKey === undefined) {
        byKey = new Map();
        this.watched.set(db, byKey);
      }
      let list = byKey.get(key);
      if (list === undefined) {
        list = [];
        byKey.set(key, list);
      } else if (list.some((wk) => wk.client === c)) {
        continue;
      }
      const wk: WatchedKey = { key, db, client: c, expired: db.isExpired(key) };
      list.push(wk);
      c.watchedKeys.push(wk);
      this.watchedCount++;
    }
  }

  /** unwatchAllKeys (the dirty flag is the caller's business). */
  unwatchAll(c: Client): void {
    const mine = c.watchedKeys;
    if (mine.length === 0) return;
    c.watchedKeys = [];
    for (const wk of mine) {
      const byKey = this.watched.get(wk.db);
      const list = byKey?.get(wk.key);
      if (byKey === undefined || list === undefined) continue;
      const i = list.indexOf(wk);
      if (i !== -1) {
        list.splice(i, 1);
        this.watchedCount--;
      }
      if (list.length === 0) {
        byKey.delete(wk.key);
        if (byKey.size === 0) this.watched.delete(wk.db);
      }
    }
  }

  /** UNWATCH. */
  unwatch(c: Client): void {
    this.unwatchAll(c);
    c.dirtyCas = false;
  }

  /** A watched key that expired since WATCH makes EXEC fail (7.0). */
  private isWatchedKeyExpired(c: Client): boolean {
    for (const wk of c.watchedKeys) {
      if (!wk.expired && wk.db.isExpired(wk.key)) return true;
    }
    return false;
  }

  /** touchWatchedKey: `key` in `db` was modified (or deleted, or expired). */
  touchWatchedKey(db: Db, key: string): void {
    if (this.watchedCount === 0) return;
    const list = this.watched.get(db)?.get(key);
    if (list === undefined) return;
    for (const wk of [...list]) {
      if (wk.expired) {
        // A stale key being deleted is no logical change; from now on it is a plain missing key.
        if (!db.dict.has(key)) {
          wk.expired = false;
          continue;
        }
        break; // as Redis 7.0: the remaining watchers of this key are left alone
      }
      wk.client.dirtyCas = true;
      this.unwatchAll(wk.client);
    }
  }

  /**
   * touchAllWatchedKeysInDb: FLUSHDB/FLUSHALL (replacedWith null) or SWAPDB is about to
   * replace `emptied`'s contents. Watchers of keys that exist on either side are dirtied,
   * except where the change is only between "missing" and "expired".
   */
  touchAllWatchedKeysInDb(emptied: Db, replacedWith: Db | null): void {
    const byKey = this.watched.get(emptied);
    if (byKey === undefined) return;
    for (const [key, list] of byKey) {
      const inEmptied = emptied.dict.has(key);
      const inReplaced = replacedWith !== null && replacedWith.dict.has(key);
      if (!inEmptied && !inReplaced) continue;
      for (const wk of list) {
        if (wk.expired) {
          if (!inReplaced) {
            wk.expired = false;
            continue;
          }
          if (replacedWith !== null && replacedWith.isExpired(key)) continue;
        } else if (!inEmptied && replacedWith !== null && replacedWith.isExpired(key)) {
          wk.expired = true;
          continue;
        }
        wk.client.dirtyCas = true;
      }
    }
  }

  /* ---- clients --------------------------------------------------------------------------- */

  /** Disconnection / RESET. */
  dropClient(c: Client): void {
    this.discard(c);
  }

  /** multiStateMemOverhead: queued arguments, watched keys and the queue array. */
  memOverhead(c: Client): number {
    const ms = c.mstate;
    let mem = c.watchedKeys.length * WATCHED_KEY_SIZE;
    if (ms !== null) mem += ms.argvLenSums + ms.allocCount * MULTI_CMD_SIZE;
    return mem;
  }
}
