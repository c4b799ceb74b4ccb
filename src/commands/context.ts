/*
 * The handler context: everything a command handler may touch. The engine implements these
 * interfaces; commands never import the engine, the network layer or persistence (see
 * ARCHITECTURE.md, rule 4). Handlers run synchronously, write their reply through `reply`,
 * mutate the keyspace through `db`, and *record* effects (dirty, modified keys, notifications,
 * propagation form); the engine applies the effects after the handler returns.
 */

import type { Db, Keyspace } from '../keyspace/db.js';
import type { RObject } from '../keyspace/object.js';
import type { HashLimits } from '../keyspace/types/hash.js';
import type { ZsetLimits } from '../keyspace/types/zset.js';
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
  readonly authenticated: boolean;
  /** Mark the client (un)authenticated (its parser's pre-AUTH limits follow). */
  setAuthenticated(ok: boolean): void;
  /** Name of the ACL user the client is authenticated as. */
  readonly user: string;
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
  /** Subscribed to at least one channel, pattern or shard channel (CLIENT_PUBSUB). */
  readonly subscribed: boolean;
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
  /**
   * CLIENT TRACKING ON with already parsed options: checks them against each other and the
   * client's current mode (Redis's order of errors), then enables; returns an error or null.
   */
  trackingOn(client: ClientView, redirect: number, opts: TrackingOptions, prefixes: readonly string[]): string | null;
  trackingOff(client: ClientView): void;
  /** CLIENT CACHING YES|NO; returns an error text or null. */
  trackingCaching(client: ClientView, yes: boolean): string | null;
  /** CLIENT GETREDIR: the redirect id, 0 without redirect, -1 when tracking is off. */
  trackingRedirect(client: ClientView): number;
  trackingInfo(client: ClientView): { flags: string[]; redirect: number; prefixes: string[] };
}

export interface ShutdownOptions {
  save: 'default' | 'save' | 'nosave';
  now: boolean;
  force: boolean;
  abort: boolean;
}

/** Pub/Sub services (the engine's subscription tables). */
export interface PubSubPort {
  /** SUBSCRIBE / SSUBSCRIBE: subscribe and reply one confirmation per channel. */
  subscribe(client: ClientView, channels: readonly string[], sharded: boolean): void;
  /** UNSUBSCRIBE / SUNSUBSCRIBE (null: every channel), replying the confirmations. */
  unsubscribe(client: ClientView, channels: readonly string[] | null, sharded: boolean): void;
  psubscribe(client: ClientView, patterns: readonly string[]): void;
  punsubscribe(client: ClientView, patterns: readonly string[] | null): void;
  /** Deliver a message; returns the number of receivers. */
  publish(channel: string, message: string, sharded: boolean): number;
  /** PUBLISH/SPUBLISH reach replicas (not the AOF) when cluster mode is off. */
  replicatePublish(dbid: number, argv: readonly string[]): void;
  channels(pattern: string | null, sharded: boolean): string[];
  numsub(channel: string, sharded: boolean): number;
  numpat(): number;
}

/** MULTI/EXEC/WATCH services (the engine runs the queued commands). */
export interface TransactionsPort {
  begin(client: ClientView): void;
  /** EXEC inside MULTI: replies for the whole transaction and leaves MULTI. */
  exec(client: ClientView): void;
  discard(client: ClientView): void;
  watch(client: ClientView, db: Db, keys: readonly string[]): void;
  unwatch(client: ClientView): void;
}

/** CLIENT TRACKING options. */
export interface TrackingOptions {
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
}

/** One SLOWLOG GET entry. */
export interface SlowlogEntryView {
  id: number;
  time: number;
  duration: number;
  argv: readonly string[];
  peer: string;
  name: string;
}

/** The engine's introspection services: SLOWLOG, LATENCY, MONITOR, MEMORY. */
export interface IntrospectionPort {
  slowlogGet(count: number): readonly SlowlogEntryView[];
  slowlogLen(): number;
  slowlogReset(): void;
  /** LATENCY LATEST: [event, time of the latest sample, its latency, all-time max]. */
  latencyLatest(): Array<[string, number, number, number]>;
  /** LATENCY HISTORY: [time, latency] oldest first (empty for an unknown event). */
  latencyHistory(event: string): Array<[number, number]>;
  /** LATENCY RESET: events removed (null = all). */
  latencyReset(events: readonly string[] | null): number;
  /** LATENCY GRAPH text, or null when the event has no samples. */
  latencyGraph(event: string): string | null;
  latencyDoctor(): string;
  /**
   * LATENCY HISTOGRAM: [full command name, calls, [µs, cumulative count] pairs] for the named
   * commands (a container also gives its subcommands; unknown names are skipped), or for every
   * command when `names` is null.
   */
  latencyHistogram(names: readonly string[] | null): Array<[string, number, Array<[number, number]>]>;
  /** MONITOR: false when the client is already a monitor (Redis then replies nothing). */
  monitor(client: ClientView): boolean;
  /** MEMORY STATS as [name, value] pairs; db entries carry their own pairs. */
  memoryStats(): Array<[string, number | { double: number } | Array<[string, number]>]>;
  memoryDoctor(): string;
}

/**
 * Replication, master side (SYNC/PSYNC, REPLCONF, WAIT, ROLE); implemented by src/replication/.
 * Methods taking a `reply` write the command's reply themselves.
 */
export interface ReplicationPort {
  /** SYNC / PSYNC <replid> <offset>: attach the client as a replica (full or partial resync). */
  sync(client: ClientView, argv: readonly string[], reply: ReplyWriter): void;
  /** The client is attached as a replica. */
  isReplica(client: ClientView): boolean;
  /** REPLCONF listening-port / ip-address / capa / rdb-only: remember a replica's settings. */
  setListeningPort(client: ClientView, port: number): void;
  setAnnouncedIp(client: ClientView, ip: string): void;
  addCapability(client: ClientView, capa: string): void;
  setRdbOnly(client: ClientView, on: boolean): void;
  /** REPLCONF rdb-filter-only: whether the snapshot leaves the keys out. */
  setExcludeData(client: ClientView, on: boolean): void;
  /** REPLCONF ACK <offset>: the replica processed the stream up to `offset`. */
  ack(client: ClientView, offset: number): void;
  /**
   * WAIT: reply the number of replicas that acknowledged the client's last write when there are
   * enough (or the client may not block), else block it until they are or `deadline` (unix ms,
   * 0 = never) passes.
   */
  wait(client: ClientView, numReplicas: number, deadline: number, canBlock: boolean, reply: ReplyWriter): void;
  /** ROLE as a master: the replication offset and [ip, port, acked offset] per online replica. */
  role(): { offset: number; replicas: Array<[string, number, number]> };
  /** ROLE as a replica (null on a master): master address, link state, applied offset. */
  replicaRole(): { host: string; port: number; state: string; offset: number } | null;
  /** REPLICAOF host port / REPLICAOF NO ONE: writes the reply (or the error). */
  replicaof(client: ClientView, host: string, port: string, reply: ReplyWriter): void;
}

/** One library as FUNCTION LIST shows it. */
export interface FunctionLibraryView {
  name: string;
  engine: string;
  code: string;
  functions: Array<{ name: string; description: string | null; flags: string[] }>;
}

/** FUNCTION STATS: the running function (if any) and the per-engine counts. */
export interface FunctionStatsView {
  running: { name: string; command: readonly string[]; durationMs: number } | null;
  engines: Array<{ name: string; libraries: number; functions: number }>;
}

/** Lua scripts and functions (implemented by src/scripting/). */
export interface ScriptingPort {
  /** EVAL / EVALSHA (sha) and their _RO forms: runs the script and writes the reply. */
  eval(c: Ctx, argv: string[], sha: boolean, ro: boolean): void;
  /** FCALL / FCALL_RO: runs the function and writes the reply. */
  fcall(c: Ctx, argv: string[], ro: boolean): void;
  /** SCRIPT LOAD: the script's SHA1, or the error reply text. */
  scriptLoad(body: string): { sha: string } | { error: string };
  scriptExists(sha: string): boolean;
  scriptFlush(async: boolean): void;
  /** SCRIPT KILL (isEval) / FUNCTION KILL: null when the script will stop, else the error reply. */
  kill(isEval: boolean): string | null;
  /** FUNCTION LOAD (obey: from the AOF or a master, no time limit): library name or error text. */
  functionLoad(code: string, replace: boolean, obey: boolean): { name: string } | { error: string };
  /** FUNCTION DELETE: false when there is no such library. */
  functionDelete(name: string): boolean;
  functionFlush(async: boolean): void;
  /** FUNCTION LIST, optionally only libraries whose name matches a glob pattern. */
  functionList(pattern: string | null): FunctionLibraryView[];
  /** FUNCTION DUMP payload (latin1). */
  functionDump(): string;
  /** FUNCTION RESTORE: null or the error reply text. */
  functionRestore(payload: string, policy: 'flush' | 'append' | 'replace'): string | null;
  /** FUNCTION STATS, or the error reply while an EVAL script is busy. */
  functionStats(): FunctionStatsView | { error: string };
}

/** One selector of ACL GETUSER: command rules, key rules, channel rules. */
export interface AclSelectorView {
  commands: string;
  keys: string;
  channels: string;
}

/** ACL GETUSER. */
export interface AclUserView {
  flags: string[];
  passwords: string[];
  root: AclSelectorView;
  selectors: AclSelectorView[];
}

/** One ACL LOG entry. */
export interface AclLogEntryView {
  count: number;
  reason: string;
  context: string;
  object: string;
  username: string;
  ageSeconds: number;
  clientInfo: string;
}

/** ACL users and permissions (implemented by src/acl/). Error results are reply texts. */
export interface AclPort {
  /**
   * AUTH / HELLO AUTH: authenticate the client as `user`; failures go to the ACL LOG with
   * `command` (the command name as sent) as the object.
   */
  authenticate(client: ClientView, user: string, password: string, command: string): boolean;
  /** The default user has `nopass` (AUTH <password> is then an error). */
  readonly defaultUserNopass: boolean;
  setUser(name: string, rules: readonly string[]): string | null;
  /** ACL DELUSER: number deleted, or an error text. */
  delUsers(names: readonly string[]): number | { error: string };
  getUser(name: string): AclUserView | null;
  userExists(name: string): boolean;
  /** User names in Redis's (byte) order. */
  userNames(): string[];
  /** ACL LIST lines. */
  list(): string[];
  categories(): readonly string[];
  /** Full names of the commands in a category, or null for an unknown category. */
  categoryCommands(category: string): string[] | null;
  log(count: number): AclLogEntryView[];
  logReset(): void;
  /** ACL DRYRUN: null when allowed, { denied } with the reason text, or { error }. */
  dryRun(user: string, argv: readonly string[]): null | { denied: string } | { error: string };
  /**
   * ACLUserCheckCmdWithUnrestrictedKeyAccess: may the client's user run this command with
   * read access to every key (SORT's BY and GET patterns)?
   */
  fullKeyReadAccess(client: ClientView, argv: readonly string[]): boolean;
  /** ACL LOAD / ACL SAVE: null or the error text. */
  load(): string | null;
  save(): string | null;
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
  /**
   * hash-max-listpack-entries / -value and zset-max-listpack-entries / -value as they are now
   * (read on every HSET / ZADD: kept as plain fields, refreshed when the config changes).
   */
  readonly hashLimits: HashLimits;
  readonly zsetLimits: ZsetLimits;
  configString(name: string): string;
  configGet(patterns: readonly string[]): Array<[string, string]>;
  configSet(pairs: readonly string[]): string | null;
  configRewrite(): string | null;
  /** CONFIG RESETSTAT. */
  resetStats(): void;
  /** INFO text for the given section names (already lowercased). */
  info(sections: readonly string[]): string;
  readonly clients: ClientsPort;
  readonly pubsub: PubSubPort;
  readonly transactions: TransactionsPort;
  readonly introspection: IntrospectionPort;
  readonly replication: ReplicationPort;
  readonly scripting: ScriptingPort;
  readonly acl: AclPort;
  /** FLUSHALL: every database (the engine records the effects: WATCH, dirty, snapshot hooks). */
  flushAll(async: boolean): void;
  /** BGREWRITEAOF (callFlags: a transaction or script only schedules it). */
  bgrewriteaof(callFlags: number): { status: string } | { error: string };
  flushDb(db: Db, async: boolean): void;
  /** SAVE: an error text, or null when the file was written. */
  save(): string | null;
  /** BGSAVE [SCHEDULE]. */
  bgsave(schedule: boolean): { status: string } | { error: string };
  /** LASTSAVE: unix seconds of the last successful save. */
  lastsave(): number;
  /** DUMP: the value's payload in Redis's DUMP format (RDB value, RDB version, CRC-64). */
  dumpValue(o: RObject): Buffer;
  /**
   * RESTORE: the value of a DUMP payload; 'version-or-checksum' when its footer is wrong,
   * null when the data is bad.
   */
  restoreValue(payload: Buffer): RObject | null | 'version-or-checksum';
  /**
   * Signal `key` of database `dbIndex` as ready from outside a command (asynchronous work a
   * blocked command waits for is done, e.g. MIGRATE's transfer): the clients blocked on it
   * with blockForKeys run their command again.
   */
  wakeBlocked(dbIndex: number, key: string): void;
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
