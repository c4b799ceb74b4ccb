/*
 * Client-side caching (CLIENT TRACKING): the server remembers which clients may have cached
 * which keys, and tells them when a key changes.
 *
 * Default mode. After a read-only command of a tracking client, the keys the command read
 * (found with its key specs) are recorded in the tracking table, key → set of client ids.
 * When a key is modified (signalModifiedKey), its entry is removed and every client in it is
 * sent one invalidation, so a client hears about a key once per read. Ids, not clients, are
 * stored: a disconnected client simply no longer resolves (Redis does no cleanup either).
 * OPTIN / OPTOUT make recording depend on CLIENT CACHING YES / NO for the next command.
 * The table holds at most `tracking-table-max-keys` keys: beyond that, random keys are evicted
 * (their clients are invalidated as if the keys changed), with an effort that grows while the
 * table stays over the limit.
 *
 * BCAST mode. Nothing is recorded; clients subscribe to key prefixes (the empty prefix matches
 * everything). Every modified key matching a prefix is collected with the client that
 * modified it, and once per event-loop turn each prefix's keys (sorted, as Redis's radix tree
 * returns them) go to its clients in one message, minus, for NOLOOP clients, the keys they
 * changed themselves. A client's prefixes may not overlap each other.
 *
 * Delivery. RESP3 clients get a push `>2 invalidate [keys]`; a REDIRECT target gets it instead
 * (a RESP2 target only when it is in Pub/Sub mode, as a `message` from `__redis__:invalidate`
 * whose payload is the array of keys). FLUSHALL / FLUSHDB send a null payload meaning "all
 * keys". When the redirect target is gone, a RESP3 tracking client is told with a
 * `tracking-redir-broken` push. Pushes ignore CLIENT REPLY OFF. Invalidations aimed at the
 * client whose command is running are queued and written after its reply (and after the
 * whole transaction for EXEC).
 */

import { Dict } from '../ds/dict.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { Client } from './client.js';
import type { CommandSpec } from '../commands/spec.js';
import { commandKeys } from '../commands/command-info.js';
import { writePush } from './pubsub.js';

export const TRACKING_BCAST = 1 << 0;
export const TRACKING_OPTIN = 1 << 1;
export const TRACKING_OPTOUT = 1 << 2;
export const TRACKING_NOLOOP = 1 << 3;
const TRACKING_CACHING = 1 << 4;
export const TRACKING_BROKEN_REDIR = 1 << 5;

/** Per-client tracking state; Client.tracking is null while tracking is off. */
export class ClientTracking {
  /** TRACKING_* option bits (plus the internal CACHING / BROKEN_REDIR bits). */
  flags = 0;
  /** Client id invalidations go to (0 = the client itself). */
  redirect = 0;
  /** BCAST prefixes of this client (null outside BCAST mode). */
  prefixes: Set<string> | null = null;
  /** The last command was CLIENT (CLIENT CACHING keeps its effect through CLIENT commands). */
  lastWasClient = false;
}

export interface TrackingHost {
  readonly clients: ReadonlyMap<number, Client>;
  schedule(c: Client): void;
  /** server.current_client while a command runs (inside call()), else null. */
  readonly currentClient: Client | null;
  /** True when the client is subscribed to something (Redis's CLIENT_PUBSUB). */
  inPubSub(c: Client): boolean;
}

interface BcastState {
  /** Keys modified this event-loop turn → the client that modified them last (null: server). */
  keys: Map<string, Client | null>;
  clients: Set<Client>;
}

export interface TrackingInfo {
  flags: string[];
  redirect: number;
  prefixes: string[];
}

/** A payload: one key, several keys (BCAST), or null for "every key" (flush). */
type Payload = { one: string } | { many: readonly string[] } | { flushNullResp: 2 | 3 };

export class Tracking {
  /** key → ids of the clients that may cache it (null until a client first enables tracking). */
  private table: Dict<Set<number>> | null = null;
  private items = 0;
  /** BCAST prefix → its state. */
  private readonly prefixTable = new Map<string, BcastState>();
  /** tracking_clients: clients with tracking on. */
  clientCount = 0;
  /** tracking-table-max-keys (0 = unlimited). */
  maxKeys = 1_000_000;
  private timeoutCounter = 0;
  /** Invalidations for the running command's own client, written after its reply. */
  private pending: Array<string | null> = [];
  private pendingFor: Client | null = null;

  constructor(private readonly host: TrackingHost) {}

  get totalKeys(): number {
    return this.table === null ? 0 : this.table.size;
  }

  get totalItems(): number {
    return this.items;
  }

  get totalPrefixes(): number {
    return this.prefixTable.size;
  }

  /* ---- CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO ------------------------------- */

  /** The error text when `prefixes` overlap each other or the client's prefixes, else null. */
  checkPrefixCollisions(c: Client, prefixes: readonly string[]): string | null {
    const own = c.tracking?.prefixes ?? null;
    for (let i = 0; i < prefixes.length; i++) {
      const p = prefixes[i] as string;
      if (own !== null) {
        for (const q of [...own].sort(compareBytes)) {
          if (overlap(q, p)) {
            return `ERR Prefix '${cstr(p)}' overlaps with an existing prefix '${cstr(q)}'. ` +
              'Prefixes for a single client must not overlap.';
          }
        }
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        const q = prefixes[j] as string;
        if (overlap(p, q)) {
          return `ERR Prefix '${cstr(p)}' overlaps with another provided prefix '${cstr(q)}'. ` +
            'Prefixes for a single client must not overlap.';
        }
      }
    }
    return null;
  }

  /**
   * CLIENT TRACKING ON: validate the options against each other and the current mode, in
   * Redis's order, then enable. Returns the error text or null.
   */
  enableChecked(c: Client, redirect: number, options: number, prefixes: readonly string[]): string | null {
    if (!(options & TRACKING_BCAST) && prefixes.length) return 'ERR PREFIX option requires BCAST mode to be enabled';
    const st = c.tracking;
    if (st !== null && (st.flags & TRACKING_BCAST) !== (options & TRACKING_BCAST)) {
      return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
    }
    if (options & TRACKING_BCAST && options & (TRACKING_OPTIN | TRACKING_OPTOUT)) {
      return 'ERR OPTIN and OPTOUT are not compatible with BCAST';
    }
    if (options & TRACKING_OPTIN && options & TRACKING_OPTOUT) {
      return "ERR You can't specify both OPTIN mode and OPTOUT mode";
    }
    const cur = st === null ? 0 : st.flags;
    if ((options & TRACKING_OPTIN && cur & TRACKING_OPTOUT) || (options & TRACKING_OPTOUT && cur & TRACKING_OPTIN)) {
      return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
    }
    if (options & TRACKING_BCAST) {
      const err = this.checkPrefixCollisions(c, prefixes);
      if (err !== null) return err;
    }
    this.enable(c, redirect, options, prefixes);
    return null;
  }

  /** enableTracking: options are TRACKING_* bits (validated by the caller). */
  enable(c: Client, redirect: number, options: number, prefixes: readonly string[]): void {
    let st = c.tracking;
    if (st === null) {
      st = new ClientTracking();
      c.tracking = st;
      this.clientCount++;
    }
    // CACHING survives re-enabling; every other option is replaced.
    st.flags &= TRACKING_CACHING;
    st.redirect = redirect;
    if (this.table === null) this.table = new Dict<Set<number>>();
    if (options & TRACKING_BCAST) {
      st.flags |= TRACKING_BCAST;
      if (prefixes.length === 0) this.addPrefix(c, st, '');
      for (const p of prefixes) this.addPrefix(c, st, p);
    }
    st.flags |= options & (TRACKING_OPTIN | TRACKING_OPTOUT | TRACKING_NOLOOP);
  }

  private addPrefix(c: Client, st: ClientTracking, prefix: string): void {
    let bs = this.prefixTable.get(prefix);
    if (bs === undefined) {
      bs = { keys: new Map(), clients: new Set() };
      this.prefixTable.set(prefix, bs);
    }
    if (!bs.clients.has(c)) {
      bs.clients.add(c);
      if (st.prefixes === null) st.prefixes = new Set();
      st.prefixes.add(prefix);
    }
  }

  /** disableTracking (CLIENT TRACKING OFF, RESET, disconnection). */
  disable(c: Client): void {
    const st = c.tracking;
    if (st === null) return;
    if (st.prefixes !== null) {
      for (const p of st.prefixes) {
        const bs = this.prefixTable.get(p);
        if (bs === undefined) continue;
        bs.clients.delete(c);
        if (bs.clients.size === 0) this.prefixTable.delete(p);
      }
    }
    c.tracking = null;
    this.clientCount--;
  }

  /** CLIENT CACHING YES|NO; returns an error text or null. */
  caching(c: Client, yes: boolean): string | null {
    const st = c.tracking;
    if (st === null) {
      return 'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled';
    }
    if (yes) {
      if (!(st.flags & TRACKING_OPTIN)) return 'ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.';
    } else if (!(st.flags & TRACKING_OPTOUT)) {
      return 'ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.';
    }
    st.flags |= TRACKING_CACHING;
    return null;
  }

  getRedir(c: Client): number {
    return c.tracking === null ? -1 : c.tracking.redirect;
  }

  info(c: Client): TrackingInfo {
    const st = c.tracking;
    if (st === null) return { flags: ['off'], redirect: -1, prefixes: [] };
    const flags = ['on'];
    const f = st.flags;
    if (f & TRACKING_BCAST) flags.push('bcast');
    if (f & TRACKING_OPTIN) {
      flags.push('optin');
      if (f & TRACKING_CACHING) flags.push('caching-yes');
    }
    if (f & TRACKING_OPTOUT) {
      flags.push('optout');
      if (f & TRACKING_CACHING) flags.push('caching-no');
    }
    if (f & TRACKING_NOLOOP) flags.push('noloop');
    if (f & TRACKING_BROKEN_REDIR) flags.push('broken_redirect');
    const prefixes = st.prefixes === null ? [] : [...st.prefixes].sort(compareBytes);
    return { flags, redirect: st.redirect, prefixes };
  }

  /**
   * Called as a client's command is about to be processed: CLIENT CACHING applies to the one
   * command (or transaction) after it, so the flag set by an earlier command is cleared here
   * unless that command was a CLIENT command or the client is inside MULTI.
   */
  beforeCommand(c: Client, name: string): void {
    const st = c.tracking;
    if (st === null) return;
    if (st.flags & TRACKING_CACHING && !c.inMulti && !st.lastWasClient) st.flags &= ~TRACKING_CACHING;
    st.lastWasClient = name.length === 6 && name.toLowerCase() === 'client';
  }

  /* ---- recording reads -------------------------------------------------------------------- */

  /**
   * The client read the keys `spec` declares in `argv` (a read-only command it ran, or, for a
   * script's read-only command, the keys of the caller's EVAL/FCALL, as Redis's call() does).
   */
  rememberCommandKeys(c: Client, spec: CommandSpec, argv: readonly string[]): void {
    const st = c.tracking;
    if (st === null || st.flags & TRACKING_BCAST || this.table === null) return;
    const optin = st.flags & TRACKING_OPTIN;
    const optout = st.flags & TRACKING_OPTOUT;
    const caching = st.flags & TRACKING_CACHING;
    if ((optin && !caching) || (optout && caching)) return;
    const keys: string[] = [];
    for (const r of commandKeys(spec, argv)) {
      const k = argv[r.pos];
      if (k !== undefined) keys.push(k);
    }
    if (keys.length !== 0) this.rememberKeys(c, keys);
  }

  /** trackingRememberKeys: the client read `keys` (default mode; rememberCommandKeys checked it). */
  private rememberKeys(c: Client, keys: readonly string[]): void {
    const table = this.table as Dict<Set<number>>;
    for (const key of keys) {
      let ids = table.get(key);
      if (ids === undefined) {
        ids = new Set();
        table.set(key, ids);
      }
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.items++;
      }
    }
  }

  /* ---- invalidation --------------------------------------------------------------------- */

  /**
   * trackingInvalidateKey: `key` changed (by `modifier`: undefined for the client running the
   * current command, null when the server itself changed it: expiry, eviction). With `bcast`,
   * also collect it for the BCAST prefixes it matches.
   */
  invalidateKey(key: string, modifier: Client | null | undefined, bcast = true): void {
    const table = this.table;
    if (table === null) return;
    if (bcast && this.prefixTable.size > 0) {
      this.rememberForBroadcast(key, modifier === undefined ? this.host.currentClient : modifier);
    }
    const ids = table.get(key);
    if (ids === undefined) return;
    const current = this.host.currentClient;
    for (const id of ids) {
      const target = this.host.clients.get(id);
      if (target === undefined || target.tracking === null || target.tracking.flags & TRACKING_BCAST) continue;
      if (target === current) {
        if (target.tracking.flags & TRACKING_NOLOOP) continue;
        // Written after the running command's reply.
        this.queuePending(target, key);
      } else {
        this.send(target, { one: key });
      }
    }
    this.items -= ids.size;
    table.delete(key);
  }

  private queuePending(c: Client, key: string | null): void {
    if (this.pendingFor !== c) {
      this.pending = [];
      this.pendingFor = c;
    }
    this.pending.push(key);
  }

  /** trackingHandlePendingKeyInvalidations: after a top-level call returned. */
  flushPending(): void {
    const c = this.pendingFor;
    if (c === null) return;
    const list = this.pending;
    this.pending = [];
    this.pendingFor = null;
    if (c.closed) return;
    for (const key of list) {
      if (key === null) this.send(c, { flushNullResp: c.resp });
      else this.send(c, { one: key });
    }
  }

  get hasPending(): boolean {
    return this.pendingFor !== null;
  }

  private rememberForBroadcast(key: string, modifier: Client | null): void {
    for (const [prefix, bs] of this.prefixTable) {
      if (prefix.length > key.length) continue;
      if (prefix.length !== 0 && !key.startsWith(prefix)) continue;
      bs.keys.set(key, modifier);
      // Make sure the end-of-loop broadcast runs even when no client command did the change
      // (active expiry in the cron).
      for (const c of bs.clients) {
        this.host.schedule(c);
        break;
      }
    }
  }

  /** trackingInvalidateKeysOnFlush: every tracking client gets "all keys"; the table empties. */
  invalidateOnFlush(): void {
    if (this.clientCount > 0) {
      const current = this.host.currentClient;
      for (const c of this.host.clients.values()) {
        if (c.tracking === null) continue;
        if (c === current) this.queuePending(c, null);
        else this.send(c, { flushNullResp: c.resp });
      }
    }
    if (this.table !== null) {
      this.table = new Dict<Set<number>>();
      this.items = 0;
    }
  }

  /**
   * trackingLimitUsedSlots: evict random keys while the table is over tracking-table-max-keys,
   * trying a little harder each time it is still over the limit afterwards.
   */
  limitUsedSlots(): void {
    const table = this.table;
    if (table === null || this.maxKeys === 0) return;
    if (table.size <= this.maxKeys) {
      this.timeoutCounter = 0;
      return;
    }
    let effort = 100 * (this.timeoutCounter + 1);
    while (effort-- > 0) {
      const key = table.randomKey();
      if (key === undefined) break;
      this.invalidateKey(key, null, false);
      if (table.size <= this.maxKeys) {
        this.timeoutCounter = 0;
        return;
      }
    }
    this.timeoutCounter++;
  }

  /** trackingBroadcastInvalidationMessages: once per event-loop turn. */
  broadcast(): void {
    if (this.table === null || this.clientCount === 0 || this.prefixTable.size === 0) return;
    const prefixes = [...this.prefixTable.keys()].sort(compareBytes);
    for (const prefix of prefixes) {
      const bs = this.prefixTable.get(prefix) as BcastState;
      if (bs.keys.size === 0) continue;
      const keys = [...bs.keys.keys()].sort(compareBytes);
      for (const c of bs.clients) {
        if (c.tracking !== null && c.tracking.flags & TRACKING_NOLOOP) {
          const own = keys.filter((k) => bs.keys.get(k) !== c);
          if (own.length) this.send(c, { many: own });
        } else {
          this.send(c, { many: keys });
        }
      }
      bs.keys = new Map();
    }
  }

  /* ---- delivery --------------------------------------------------------------------------- */

  /** sendTrackingMessage: to the client, or to its redirect target. */
  private send(c: Client, payload: Payload): void {
    let target = c;
    let redirected = false;
    const st = c.tracking;
    if (st !== null && st.redirect !== 0) {
      const r = this.host.clients.get(st.redirect);
      if (r === undefined || r.closed) {
        st.flags |= TRACKING_BROKEN_REDIR;
        if (c.resp > 2) {
          const redirect = st.redirect;
          this.push(c, (w) => {
            w.push(2);
            w.bulk('tracking-redir-broken');
            w.integer(redirect);
          });
        }
        return;
      }
      target = r;
      redirected = true;
    }
    if (target.resp > 2) {
      this.push(target, (w) => {
        w.push(2);
        w.bulk('invalidate');
        writePayload(w, payload);
      });
    } else if (redirected && this.host.inPubSub(target)) {
      this.push(target, (w) => {
        w.raw('*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n');
        writePayload(w, payload);
      });
    }
    // Otherwise: a RESP2 connection cannot receive pushes; nothing is sent.
  }

  private push(c: Client, write: (w: ReplyWriter) => void): void {
    if (c.closed) return;
    writePush(c, write);
    this.host.schedule(c);
  }
}

function writePayload(w: ReplyWriter, p: Payload): void {
  if ('one' in p) {
    w.array(1);
    w.bulk(p.one);
  } else if ('many' in p) {
    w.array(p.many.length);
    for (const k of p.many) w.bulk(k);
  } else {
    // The null of the tracking client's protocol, whatever the receiver's.
    w.raw(p.flushNullResp === 2 ? '$-1\r\n' : '_\r\n');
  }
}

/** Two prefixes overlap when one starts the other. */
function overlap(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) === b.slice(0, n);
}

/** memcmp order of latin1 strings (what a radix tree iterates in). */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A C string's view of a binary argument: it ends at the first NUL byte (%s formatting). */
function cstr(s: string): string {
  const i = s.indexOf('\0');
  return i === -1 ? s : s.slice(0, i);
}
