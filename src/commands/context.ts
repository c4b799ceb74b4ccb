/*
 * The handler context: everything a command handler may touch. The engine implements these
 * interfaces; commands never import the engine, the network layer or persistence (see
 * ARCHITECTURE.md, rule 4). Handlers run synchronously, write their reply through `reply`,
 * mutate the keyspace through `db`, and *record* effects (dirty, modified keys, notifications,
 * propagation form); the engine applies the effects after the handler returns.
 */

import type { Db, Keyspace } from '../keyspace/db.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { CommandSpec } from './spec.js';

/** What a handler may see and change of the calling client. */
export interface ClientView {
  readonly id: number;
  resp: 2 | 3;
  name: string | null;
  libName: string;
  libVer: string;
  /** Index of the selected database. */
  readonly dbIndex: number;
  authenticated: boolean;
  user: string;
  noEvict: boolean;
  noTouch: boolean;
  /** CLIENT REPLY mode. */
  replyMode: 'on' | 'off' | 'skip';
  /** Unix ms when the connection was accepted. */
  readonly createdAt: number;
  /** True for connections from loopback or a unix socket (protected commands). */
  readonly isLocal: boolean;
  /** True while inside MULTI (queueing). */
  readonly inMulti: boolean;
  /** Close the connection once the pending replies are written (QUIT). */
  closeAfterReply(): void;
}

/** Which clients a CLIENT LIST / KILL call selects. */
export interface ClientFilter {
  ids?: number[];
  type?: 'normal' | 'master' | 'replica' | 'pubsub';
  addr?: string;
  laddr?: string;
  user?: string;
  skipMe?: boolean;
  maxAge?: number;
}

export interface ClientsPort {
  /** CLIENT LIST lines (each ends with '\n'). */
  list(filter: ClientFilter): string;
  /** CLIENT INFO line for one client (ends with '\n'). */
  infoLine(id: number): string;
  /** Close matching clients (after the current command); returns how many. */
  kill(filter: ClientFilter, self: number): number;
  exists(id: number): boolean;
  pause(untilMs: number, mode: 'all' | 'write'): void;
  unpause(): void;
  /** CLIENT UNBLOCK; true if the client was blocked and got unblocked. */
  unblock(id: number, withError: boolean): boolean;
  /** Select another database for the calling client. */
  select(client: ClientView, index: number): void;
  /** RESET: back to a fresh connection's state. */
  reset(client: ClientView): void;
}

export interface ShutdownOptions {
  save: 'default' | 'save' | 'nosave';
  now: boolean;
  force: boolean;
  abort: boolean;
}

/** Server services reachable from command handlers. */
export interface ServerPorts {
  /** Command lookup for COMMAND and friends. */
  readonly commands: {
    lookup(argv: readonly string[]): CommandSpec | null;
    /** Top-level commands. */
    all(): readonly CommandSpec[];
    /** The 'container|sub' full name of a command spec. */
    fullName(spec: CommandSpec): string;
  };
  /** Config: raw values for handlers that depend on a directive. */
  configNumber(name: string): number;
  configString(name: string): string;
  configGet(patterns: readonly string[]): Array<[string, string]>;
  configSet(pairs: readonly string[]): string | null;
  configRewrite(): string | null;
  /** CONFIG RESETSTAT. */
  resetStats(): void;
  /** INFO text for the given section names (already lowercased). */
  info(sections: readonly string[]): string;
  /** Check a password for `user` (null = default user); true on success. */
  authenticate(user: string | null, password: string): boolean;
  /** Whether the server requires AUTH at all (requirepass or ACL). */
  readonly authRequired: boolean;
  readonly clients: ClientsPort;
  /** FLUSHALL: every database (the engine records the effects: WATCH, dirty, snapshot hooks). */
  flushAll(async: boolean): void;
  flushDb(db: Db, async: boolean): void;
  /** SWAPDB; returns an error text or null. */
  swapDb(a: number, b: number): string | null;
  /** SHUTDOWN; returns an error text when the shutdown does not happen. */
  shutdown(opts: ShutdownOptions): string | null;
  /** DEBUG subcommands the engine owns (SLEEP, SET-ACTIVE-EXPIRE, ...). */
  debug(argv: readonly string[], reply: ReplyWriter): boolean;
  /** Write a line to the server log at a Redis level. */
  log(level: 'debug' | 'verbose' | 'notice' | 'warning', msg: string): void;
  /** Server role and topology used by HELLO/ROLE. */
  readonly role: 'master' | 'slave';
  readonly runId: string;
  readonly startTime: number;
}

/** Flags describing how the current command was called. */
export const CALL_NONE = 0;
export const CALL_FROM_MULTI = 1;
export const CALL_FROM_SCRIPT = 2;
export const CALL_FROM_AOF = 4;
export const CALL_FROM_MASTER = 8;

export interface Ctx {
  readonly ks: Keyspace;
  /** The selected database. */
  readonly db: Db;
  readonly reply: ReplyWriter;
  readonly client: ClientView;
  readonly server: ServerPorts;
  /** Cached time of this command (unix ms); the same for a whole script or transaction. */
  readonly now: number;
  /** CALL_* flags of the current invocation. */
  readonly callFlags: number;
  /** The command being run. */
  readonly spec: CommandSpec;

  /** Count `n` changes to the dataset (server.dirty). */
  dirty(n?: number): void;
  /** signalModifiedKey: a key's value changed (WATCH, client-side caching). */
  modified(db: Db, key: string): void;
  /** Record a keyspace notification of class `type` (NOTIFY_*), event name and key. */
  notify(type: number, event: string, key: string, dbid: number): void;
  /**
   * Propagate this command to the AOF and replicas as `argv` instead of the original
   * (null: do not propagate). Called for deterministic rewrites (SET EX → SET PXAT ...).
   */
  rewritePropagation(argv: string[] | null): void;
  /** Propagate an additional command (e.g. DEL for an expired key). */
  alsoPropagate(dbid: number, argv: string[]): void;

  /**
   * True when a blocking command may block: not inside MULTI or a script (there it must act
   * like its non-blocking form).
   */
  readonly canBlock: boolean;
  /**
   * Block the client until one of `keys` (in the current db) is signaled ready or the absolute
   * `deadline` (unix ms; 0 = forever) passes. The handler returns without replying; when a key
   * becomes ready the engine runs the same command again (a handler that again finds no data
   * calls this again and the client keeps its place in the queue). On timeout the client gets
   * the null array.
   */
  blockForKeys(keys: string[], deadline: number): void;
  /** A key blocked clients may wait on got data (push, add, rename into place...). */
  signalKeyAsReady(db: Db, key: string): void;
}
