/*
 * The engine: one event loop runs every command.
 *
 * A command arrives from a client's parser (onCommand), goes through the gates of Redis's
 * processCommand in the same order (lookup, arity, protected commands, auth, no-multi, loading,
 * client pause), then call() runs the handler synchronously with a context object, times it,
 * updates the command's statistics and applies the effects the handler recorded. Replies
 * accumulate in each client's ReplyWriter; the first reply of a tick schedules beforeSleep()
 * with setImmediate, which runs the fast expiry cycle and then flushes every pending client's
 * output in one socket write each. serverCron runs `hz` times a second for the slow work
 * (active expiry, client timeouts, ops/sec samples, incremental rehash).
 */

import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.js';
import { Keyspace, type Db, type KeyspaceHooks } from '../keyspace/db.js';
import { ActiveExpire } from '../keyspace/expire-cycle.js';
import { NOTIFY_EXPIRED, NOTIFY_KEYSPACE, NOTIFY_KEYEVENT } from '../keyspace/notify.js';
import { Connection } from '../net/connection.js';
import { Listener } from '../net/listener.js';
import { watchListenConfig } from './listen-config.js';
import * as E from '../protocol/errors.js';
import type { ServerLogger, LogLevel } from '../util/log.js';
import { COMMANDS } from '../commands/table.js';
import { arityAccepts, type CommandSpec } from '../commands/spec.js';
import { Client } from './client.js';
import { CALL_FROM_SCRIPT } from '../commands/context.js';
import { Blocking, type BlockState, type BlockingHost } from './blocking.js';
import { CallContext, type SavedCall } from './call-context.js';
import { Ports } from './ports.js';
import {
  Registry, type Command, F_NO_AUTH, F_NO_MULTI, F_PROTECTED, F_LOADING, F_WRITE, F_MAY_REPLICATE, F_READONLY,
  F_ALLOW_BUSY,
} from './registry.js';
import { Stats } from './stats.js';
import { closeOnOutputLimit, parseOutputLimits, type OutputLimits } from './output-limits.js';
import { PubSub, allowedWhileSubscribed } from './pubsub.js';
import { Multi, queuedInMulti } from './multi.js';
import { ClientPause } from './pause.js';
import { Propagation, PROPAGATE_ALL } from './propagation.js';
import { Introspection } from './introspection.js';
import { Busy } from './busy.js';
import { MaxMemory } from './evict.js';
import type { ReplicationHooks } from './replication-hooks.js';
import type { AofHooks } from './aof-hook.js';
import { RdbLoadState } from './rdb-load.js';
import type { RdbSaver } from './rdb-save.js';
import { MISCONF_ERROR } from './rdb-save.js';
import type { ScriptingHooks } from './scripting-hooks.js';
import type { AclHooks } from './acl-hooks.js';

export const NODIS_VERSION = '0.1.0';
/** Longest stretch the slow expiry cycle holds the event loop (ms). */
const EXPIRE_SLICE_MS = 3;
export const REDIS_VERSION = '7.0.15';

export interface EngineOptions {
  config: Config;
  logger: ServerLogger;
  /** Called when SHUTDOWN (or a signal) finished closing the server. */
  onShutdown?: () => void;
  configFile?: string;
  /** Port from the embedding API, overriding the config; 0 = any free port. */
  port?: number;
}

export class Engine implements KeyspaceHooks, BlockingHost {
  readonly config: Config;
  readonly logger: ServerLogger;
  readonly registry = new Registry(COMMANDS);
  readonly ks: Keyspace;
  readonly stats = new Stats();
  readonly clients = new Map<number, Client>();
  readonly runId = randomBytes(20).toString('hex');
  readonly startTime = Date.now();
  readonly listener: Listener;
  readonly ports: Ports;
  readonly configFile: string;
  private readonly ctx: CallContext;
  readonly blocking: Blocking;
  readonly pubsub = new PubSub(this);
  readonly multi = new Multi(this);
  readonly propagation = new Propagation();
  /** Busy scripts: a call suspended while it yields to the event loop (busy.ts). */
  readonly busy = new Busy();
  /** Slow log, latency monitor, MONITOR, client-side caching. */
  readonly introspection: Introspection;
  /** Memory accounting and eviction (maxmemory). */
  readonly maxmemory: MaxMemory;
  /** The replication layer's INFO hooks (attached by server.ts). */
  replication: ReplicationHooks | null = null;
  /** The append-only file's hooks (attached by server.ts). */
  aof: AofHooks | null = null;
  /** RDB load progress and last-load counts (INFO persistence). */
  readonly rdbLoad = new RdbLoadState();
  /** SAVE / BGSAVE / save points (attached by server.ts). */
  rdb: RdbSaver | null = null;
  /** The scripting layer's hooks: INFO, functions in snapshots (attached by server.ts). */
  scripting: ScriptingHooks | null = null;
  /** The ACL layer's hooks: users and permission checks (attached by server.ts). */
  acl: AclHooks | null = null;
  /** The client whose command's propagation is being emitted (replication's WAIT offsets). */
  propagatingClient: Client | null = null;
  /** Error replies counted when the last call's statistics were updated (failed_calls). */
  private errorMark = 0;
  private callDepth = 0;
  /** The client of the outermost running call (server.current_client; a script's caller). */
  private topClient: Client | null = null;
  /** Clients unblocked this tick whose pending input is parsed in beforeSleep. */
  private unblocked: Client[] = [];
  private readonly activeExpire: ActiveExpire;
  private nextClientId = 1;
  private pending: Client[] = [];
  private sleepScheduled = false;
  /**
   * Wall-clock milliseconds minus performance.now(): commands read the clock once and get both
   * their wall time and their timing start. Kept at most 1 ms ahead of the wall clock and never
   * behind it (see syncWallClock).
   */
  private wallOffset = Date.now() + 1 - performance.now();
  /**
   * While a parser run delivers commands back to back (parserRun), the clock read that ended
   * one top-level call also starts the next command: one read per command instead of two.
   * -1 when no such read may be reused.
   */
  private lastCallEnd = -1;
  private parserRuns = 0;
  private cronTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private readonly onShutdown: (() => void) | undefined;
  private readonly portOverride: number | undefined;

  /* Cached config (updated by onChange hooks). */
  authRequired = false;
  loading = false;
  activeExpireEnabled = true;
  notifyFlags = 0;
  hz = 10;
  outputLimits: OutputLimits = parseOutputLimits('');
  readonly clientPause = new ClientPause(this);
  /** Monotonic count of changes since the last save (server.dirty). */
  dirty = 0;
  cronLoops = 0;

  constructor(opts: EngineOptions) {
    this.config = opts.config;
    this.logger = opts.logger;
    this.onShutdown = opts.onShutdown;
    this.configFile = opts.configFile ?? '';
    this.portOverride = opts.port;
    this.ks = new Keyspace(this.config.getNum('databases'), this);
    this.activeExpire = new ActiveExpire(this.ks.dbs, this.ks.stats);
    this.ports = new Ports(this);
    this.blocking = new Blocking(this);
    this.ctx = new CallContext(this);
    this.introspection = new Introspection(this);
    this.maxmemory = new MaxMemory(this);
    this.listener = new Listener((s, unixPath) => this.accept(s, unixPath));
    this.watchConfig();
  }

  private watchConfig(): void {
    const c = this.config;
    c.watch(['requirepass', 'notify-keyspace-events', 'hz', 'proto-max-bulk-len', 'client-query-buffer-limit',
      'client-output-buffer-limit'], () => {
      this.authRequired = this.acl !== null ? this.acl.authRequired : c.getStr('requirepass') !== '';
      this.activeExpireEnabled = true;
      // The flags themselves: the CONFIG GET text drops 'n' next to 'A', as Redis's does.
      this.notifyFlags = c.getNotifyFlags();
      this.outputLimits = parseOutputLimits(c.getStr('client-output-buffer-limit'));
      this.parserLimits.protoMaxBulkLen = c.getNum('proto-max-bulk-len');
      this.parserLimits.clientQueryBufferLimit = c.getNum('client-query-buffer-limit');
      const hz = c.getNum('hz');
      if (hz !== this.hz) {
        this.hz = hz;
        if (this.cronTimer) this.startCron();
      }
    });
    c.onChange('loglevel', () => {
      this.logger.setLevel(c.getStr('loglevel') as LogLevel);
      return null;
    });
  }

  log(level: LogLevel, msg: string): void {
    this.logger.log(level, msg);
  }

  /* ---- lifecycle ------------------------------------------------------------------------ */

  async start(): Promise<number> {
    const c = this.config;
    await this.listener.listen({
      port: this.portOverride ?? c.getNum('port'),
      anyPort: this.portOverride === 0,
      bind: c.getStr('bind').split(' ').filter((s) => s !== ''),
      backlog: c.getNum('tcp-backlog'),
      unixSocket: c.getStr('unixsocket'),
      unixSocketPerm: parseInt(c.getStr('unixsocketperm') || '0', 8) || 0,
    });
    watchListenConfig(this);
    this.startCron();
    this.log(
      'notice',
      `nodis ${NODIS_VERSION} (Redis ${REDIS_VERSION} compatible) started, pid=${process.pid}, ` +
        `port=${this.listener.port}, config=${this.configFile || '(none)'}`,
    );
    this.log('notice', 'Ready to accept connections');
    return this.listener.port;
  }

  private startCron(): void {
    if (this.cronTimer) clearInterval(this.cronTimer);
    this.cronTimer = setInterval(() => this.serverCron(), Math.max(1, Math.floor(1000 / this.hz)));
    this.cronTimer.unref?.();
  }

  /** Stop listening, close every client, stop timers. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (this.cronTimer) clearInterval(this.cronTimer);
      this.cronTimer = null;
      this.aof?.beforeSleep();
      this.flushPending();
      this.aof?.shutdown();
      for (const c of [...this.clients.values()]) c.conn.destroy();
      await this.listener.close();
      this.logger.flush();
      this.onShutdown?.();
    })();
    return this.closing;
  }

  /* ---- connections ---------------------------------------------------------------------- */

  private accept(socket: Socket, unixPath: string | null): void {
    const conn = new Connection(socket, this.parserLimits, unixPath, this.stats);
    this.stats.totalConnections++;
    const maxclients = this.config.getNum('maxclients');
    if (this.clients.size >= maxclients) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    if (!conn.isLoopback && this.protectedModeDenies()) {
      this.stats.rejectedConnections++;
      socket.end(`-${PROTECTED_MODE_MESSAGE}\r\n`);
      return;
    }
    const keepalive = this.config.getNum('tcp-keepalive');
    if (keepalive > 0 && !conn.isUnix) socket.setKeepAlive(true, keepalive * 1000);
    const client = new Client(this.nextClientId++, conn, this, Date.now());
    this.clients.set(client.id, client);
    conn.start(client);
  }

  private protectedModeDenies(): boolean {
    const c = this.config;
    if (!c.getBool('protected-mode') || this.authRequired) return false;
    const binds = c.getStr('bind').split(' ').filter((s) => s !== '');
    return binds.length === 0 || binds.every((b) => b === '*' || b === '-::*' || b === '::*');
  }

  /** Parser limits, shared by every connection's parser and kept current by config hooks. */
  readonly parserLimits = { protoMaxBulkLen: 512 * 1024 * 1024, clientQueryBufferLimit: 1024 * 1024 * 1024 };

  /**
   * Close `c` from a command: after its reply when it is the client being answered
   * (CLIENT_CLOSE_AFTER_REPLY), else at the end of this tick (freeClientAsync).
   */
  closeSoon(c: Client, afterReply: boolean): void {
    if (afterReply) c.closeAfterReply();
    else c.killed = true;
    this.schedule(c);
  }

  freeClient(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    this.blocking.drop(c);
    this.pubsub.dropClient(c);
    this.multi.dropClient(c);
    this.introspection.forgetClient(c);
    this.maxmemory.clientFreed(c);
    this.clients.delete(c.id);
    c.writer.discard();
  }

  protocolError(c: Client, message: string): void {
    this.log('verbose', `Protocol error (${message}) from client: id=${c.id} addr=${c.conn.addr}`);
    c.writer.suppressed = false;
    c.writer.error(`ERR ${message}`);
    c.closeAfter = true;
    this.schedule(c);
  }

  queryBufferLimit(c: Client): void {
    this.log('warning', `Closing client that reached max query buffer length: id=${c.id} addr=${c.conn.addr}`);
    this.stats.clientQbufLimitDisconnections++;
    c.conn.destroy();
  }

  /** Queue a client for the end-of-tick flush. */
  schedule(c: Client): void {
    if (!c.pendingWrite) {
      c.pendingWrite = true;
      this.pending.push(c);
    }
    if (!this.sleepScheduled) {
      this.sleepScheduled = true;
      setImmediate(this.beforeSleep);
    }
  }

  /* ---- dispatch ------------------------------------------------------------------------- */

  /** Returns false to make the parser stop consuming this client's input (pause/block). */
  processCommand(c: Client, argv: string[]): boolean {
    if (c.closed || c.closeAfter || c.killed) return false;
    // One clock read serves as the command's wall time and as the start of its timing.
    const t0 = this.lastCallEnd >= 0 ? this.lastCallEnd : performance.now();
    const now = Math.floor(this.wallOffset + t0);
    c.lastInteraction = now;
    this.schedule(c);
    if (c.tracking !== null) this.introspection.tracking.beforeCommand(c, argv[0] ?? '');
    const cmd = this.registry.lookup(argv);
    if (cmd === undefined || cmd.spec.handler === undefined && cmd.subcommands === null) {
      const base = this.registry.base(argv[0] ?? '');
      this.reject(c, null, base && base.subcommands
        ? E.unknownSubcommand(argv[1] ?? '', argv[0] ?? '')
        : E.unknownCommand(argv[0] ?? '', argv.slice(1)));
      return true;
    }
    if (!arityAccepts(cmd.spec, argv.length)) {
      this.reject(c, cmd, E.wrongArity(cmd.fullName));
      return true;
    }
    let flags = cmd.flagBits;
    if (cmd.dynamicFlags !== null) flags = cmd.dynamicFlags(argv, flags);
    if (c.mstate !== null && cmd.spec.name === 'exec') flags = this.multi.execFlags(c, flags);
    if (flags & F_PROTECTED) {
      const mode = this.config.getStr('enable-debug-command');
      if (mode === 'no' || (mode === 'local' && !c.isLocal)) {
        this.reject(c, cmd,
          'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", ' +
          'you can run it from a local connection, otherwise you need to set this option in the ' +
          'configuration file, and then restart the server.');
        return true;
      }
    }
    if (!c.authenticated && this.authRequired && !(flags & F_NO_AUTH)) {
      this.reject(c, cmd, E.NOAUTH);
      return true;
    }
    if (c.inMulti && flags & F_NO_MULTI) {
      this.reject(c, cmd, 'ERR Command not allowed inside a transaction');
      return true;
    }
    if (!c.aclUser.unrestricted && this.acl !== null) {
      const denied = this.acl.denied(c, cmd, argv, c.mstate !== null ? 'multi' : 'toplevel');
      if (denied !== null) {
        this.reject(c, cmd, denied);
        return true;
      }
    }
    if (this.maxmemory.limit !== 0 && !this.busy.active && !c.isMaster && this.maxmemory.rejectsCommand(c, cmd, flags)) {
      this.reject(c, cmd, E.OOM);
      return true;
    }
    if (this.rdb?.deniesWrites() && (flags & F_WRITE || cmd.spec.name === 'ping')) {
      this.reject(c, cmd, MISCONF_ERROR);
      return true;
    }
    if (flags & F_WRITE && this.rejectOnReplica(c, cmd, flags, 0)) return true;
    if (c.pubsub !== null && c.resp === 2 && !allowedWhileSubscribed(cmd)) {
      this.reject(c, cmd, `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / ` +
        '(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context');
      return true;
    }
    if (this.ks.isReplica && this.rejectOnReplica(c, cmd, flags, 1)) return true;
    if (this.loading && !(flags & F_LOADING)) {
      this.reject(c, cmd, 'LOADING Redis is loading the dataset in memory');
      return true;
    }
    if (this.busy.active && !(flags & F_ALLOW_BUSY)) {
      this.reject(c, cmd, this.busy.error());
      return true;
    }
    if (this.introspection.tracking.clientCount !== 0) this.introspection.tracking.limitUsedSlots();
    if (c.monitor && flags & (F_WRITE | F_READONLY | F_MAY_REPLICATE)) {
      this.reject(c, cmd, "ERR Replica can't interact with the keyspace");
      return true;
    }
    if (this.clientPause.hold(c, argv, flags, now)) return false;
    if (c.mstate !== null && queuedInMulti(cmd)) {
      this.queueInMulti(c, cmd, argv, flags);
      return true;
    }
    this.call(c, cmd, argv, now, 0, t0);
    if (this.blocking.pendingReady && this.busy.suspended === null) this.blocking.handleReady();
    if (c.closeAfter || c.killed || c.blocked !== null) return false;
    return true;
  }

  /** Replication gates: NOREPLICAS / READONLY (stage 0), MASTERDOWN (stage 1); src/replication/. */
  private rejectOnReplica(c: Client, cmd: Command, flags: number, stage: 0 | 1): boolean {
    const err = this.replication?.replicaGate(c, flags, stage) ?? null;
    if (err !== null) this.reject(c, cmd, err);
    return err !== null;
  }

  /** KeyspaceHooks: is the running command our master's (replica.ts)? */
  masterCall(): boolean {
    return this.currentClient?.isMaster === true;
  }

  /** A fresh client id (clients the server creates itself: the replica's master link). */
  newClientId(): number {
    return this.nextClientId++;
  }

  /** A client's parser starts (true) or ends (false) a run of back-to-back commands. */
  parserRun(active: boolean): void {
    this.parserRuns += active ? 1 : -1;
    this.lastCallEnd = -1;
  }

  /** rejectCommand: an error reply for a command that did not run. */
  private reject(c: Client, cmd: Command | null, message: string): void {
    if (cmd) cmd.rejectedCalls++;
    this.stats.rejectedCalls++;
    if (c.mstate !== null) {
      // flagTransaction; a rejected EXEC aborts the transaction with the reason.
      this.multi.flag(c);
      if (cmd !== null && cmd.parent === null && cmd.spec.name === 'exec') message = this.multi.abort(c, message);
    }
    const w = c.writer;
    const saved = w.suppressed;
    w.suppressed = c.replyMode === 'off' || c.skipNext;
    w.error(message);
    w.suppressed = saved;
    this.errorMark = this.stats.errorReplies;
    this.afterReplyMode(c);
  }

  /** MULTI: store the command for EXEC and reply +QUEUED. */
  private queueInMulti(c: Client, cmd: Command, argv: string[], flags: number): void {
    this.multi.queue(c, cmd, argv, flags);
    c.lastCmd = cmd;
    const w = c.writer;
    w.resp = c.resp;
    const saved = w.suppressed;
    w.suppressed = c.replyMode === 'off' || c.skipNext;
    w.simple('QUEUED');
    w.suppressed = saved;
    this.afterReplyMode(c);
  }

  /**
   * Run a command: the handler, statistics and effects. Nested calls (EXEC, scripts) keep the
   * outer call's cached time and restore the shared context afterwards. Returns true when the
   * handler blocked the client (blockForKeys).
   */
  call(c: Client, cmd: Command, argv: string[], now: number, flags = 0, start = -1): boolean {
    const handler = cmd.spec.handler;
    if (handler === undefined) return false;
    const ctx = this.ctx;
    const outer = this.callDepth > 0 ? ctx.save() : null;
    if (this.callDepth++ === 0) this.ks.setTime(now);
    if (outer === null) this.topClient = c;
    const w = c.writer;
    const suppressedBefore = w.suppressed;
    w.resp = c.resp;
    w.suppressed = c.replyMode === 'off' || c.skipNext;
    if (outer === null) this.errorMark = this.stats.errorReplies;
    const dirtyBefore = this.dirty;
    const dbIndex = c.dbIndex;
    ctx.begin(c, cmd, argv, flags);
    const rerun = c.blocked !== null;
    const t0 = start < 0 ? performance.now() : start;
    try {
      handler(ctx, argv);
    } catch (e) {
      this.log('warning', `Error while executing '${cmd.fullName}': ${(e as Error).stack ?? e}`);
      w.error(`ERR internal error: ${(e as Error).message}`);
    }
    if (this.busy.suspendRequested) return this.suspendCall(c, cmd, argv, flags, t0, dirtyBefore, dbIndex, rerun);
    return this.endCall(c, cmd, argv, flags, t0, dirtyBefore, dbIndex, rerun, outer, suppressedBefore, ctx.end(), ctx.blockedAgain);
  }

  /** The tail of call(): statistics and effects of a handler that returned. */
  private endCall(
    c: Client, cmd: Command, argv: string[], flags: number, t0: number, dirtyBefore: number, dbIndex: number,
    rerun: boolean, outer: SavedCall | null, suppressedBefore: boolean, propagateAs: string[] | null | undefined,
    blocked: boolean,
  ): boolean {
    const ctx = this.ctx;
    const w = c.writer;
    const tEnd = performance.now();
    const us = (tEnd - t0) * 1000;
    if (this.dirty !== dirtyBefore && propagateAs !== null) this.propagate(dbIndex, propagateAs ?? argv);
    if (!blocked) {
      cmd.calls++;
      cmd.usec += us;
      this.stats.totalCommands++;
      // Errors since the last statistics update: a nested command's errors are its own, not EXEC's.
      if (this.stats.errorReplies > this.errorMark) cmd.failedCalls++;
      this.errorMark = this.stats.errorReplies;
    }
    this.introspection.afterCall(c, cmd, argv, us, blocked, rerun, flags);
    if (outer !== null && flags & CALL_FROM_SCRIPT && cmd.flagBits & F_READONLY && outer.client.tracking !== null) {
      this.introspection.tracking.rememberCommandKeys(outer.client, outer.spec, outer.argv);
    }
    c.lastCmd = cmd;
    this.callDepth--;
    if (outer !== null) {
      ctx.restore(outer);
      w.suppressed = suppressedBefore;
    } else {
      if (this.parserRuns !== 0) this.lastCallEnd = tEnd;
      w.suppressed = false;
      this.afterReplyMode(c);
      if (this.propagation.hasPending) {
        this.propagatingClient = c;
        this.propagation.flush(cmd);
        this.propagatingClient = null;
      }
      if (this.introspection.tracking.hasPending) this.introspection.tracking.flushPending();
    }
    return blocked;
  }

  /* ---- busy scripts (busy.ts) ------------------------------------------------------------ */

  /** Whether the running call could be suspended: an outermost call from a client. */
  canSuspend(): boolean {
    return this.callDepth === 1 && this.ctx.callFlags === 0 && this.busy.suspended === null && this.closing === null;
  }

  /** A handler asks to finish its call later; false when the call cannot be suspended. */
  requestSuspend(): boolean {
    if (!this.canSuspend()) return false;
    this.busy.suspendRequested = true;
    return true;
  }

  /** True once close() began (a suspended script stops there). */
  get isClosing(): boolean {
    return this.closing !== null;
  }

  private suspendCall(
    c: Client, cmd: Command, argv: string[], flags: number, t0: number, dirtyBefore: number, dbIndex: number,
    rerun: boolean,
  ): boolean {
    this.busy.suspendRequested = false;
    this.busy.suspended = {
      c, cmd, argv, flags, t0, dirtyBefore, dbIndex, rerun, propagateAs: this.ctx.end(), now: this.ks.now,
    };
    c.conn.parser.pause();
    return false;
  }

  /** Run `fn` inside the suspended call (its cached time and call depth). */
  resumeSuspended(fn: () => void): void {
    const s = this.busy.suspended;
    if (s === null) return;
    this.ks.setTime(s.now);
    fn();
  }

  /** Finish the suspended call, whose reply is written: statistics, effects, the next commands. */
  finishSuspended(): void {
    const s = this.busy.suspended;
    if (s === null) return;
    this.busy.suspended = null;
    this.endCall(s.c, s.cmd, s.argv, s.flags, s.t0, s.dirtyBefore, s.dbIndex, s.rerun, null, false, s.propagateAs, false);
    if (!s.c.closed) this.resumed(s.c);
    if (this.blocking.pendingReady) this.blocking.handleReady();
    this.busy.release();
  }

  /* ---- blocking (BlockingHost) ---------------------------------------------------------- */

  rerun(c: Client, state: BlockState): boolean {
    this.schedule(c);
    return this.call(c, state.cmd, state.argv, Date.now());
  }

  resumed(c: Client): void {
    this.unblocked.push(c);
    this.schedule(c);
  }

  private afterReplyMode(c: Client): void {
    if (c.skipNext) c.skipNext = false;
    if (c.replyMode === 'skip') {
      c.skipNext = true;
      c.replyMode = 'on';
    }
  }

  /** Count an error reply in errorstats (by its first word). */
  countError(message: string): void {
    this.stats.countError(message);
  }

  /**
   * Count an error reply that belongs to a command that did not run (a script's rejected
   * redis.call): errorstats, without making the running command a failed call.
   */
  countRejectedError(message: string): void {
    this.stats.countError(message);
    this.errorMark = this.stats.errorReplies;
  }

  /* ---- effects (called through CallContext) --------------------------------------------- */

  /** KeyspaceHooks: a key expired (lazily or actively). */
  expired(db: Db, key: string): void {
    this.propagate(db.id, ['DEL', key]);
    this.notify(NOTIFY_EXPIRED, 'expired', key, db.id);
    this.signalModifiedKey(db, key, null);
  }

  /** KeyspaceHooks: while clients are paused no key is expired, actively or lazily. */
  expiryPaused(): boolean {
    return this.clientPause.expiryPaused();
  }

  /** A key's value changed: WATCH and client-side caching hook in here. */
  signalModifiedKey(db: Db, key: string, by?: Client | null): void {
    this.ks.noteModified(db, key);
    this.multi.touchWatchedKey(db, key);
    this.introspection.tracking.invalidateKey(key, by);
    // A blocked client re-checks any key that changed: deletion or a type change must reach
    // XREADGROUP (-UNBLOCKED), and a re-run that finds nothing simply stays blocked.
    this.blocking.signalKeyAsReady(db, key);
  }

  /** server.current_client: the client whose command is running (inside call()), else null. */
  get currentClient(): Client | null {
    return this.callDepth > 0 ? this.topClient : null;
  }

  /**
   * notifyKeyspaceEvent: publish `__keyspace@db__:key` / `__keyevent@db__:event` when the
   * class is enabled in notify-keyspace-events.
   */
  notify(type: number, event: string, key: string, dbid: number): void {
    const flags = this.notifyFlags;
    if (!(flags & type)) return;
    if (flags & NOTIFY_KEYSPACE) this.publish(`__keyspace@${dbid}__:${key}`, event);
    if (flags & NOTIFY_KEYEVENT) this.publish(`__keyevent@${dbid}__:${event}`, key);
  }

  /** Deliver a pub/sub message; returns receivers. */
  publish(channel: string, message: string): number {
    return this.pubsub.publish(channel, message, false);
  }

  /**
   * Feed a command to the AOF and replicas: collected while a call runs and emitted (wrapped
   * in MULTI/EXEC when there are several) when the outermost call returns.
   */
  propagate(dbid: number, argv: string[], target = PROPAGATE_ALL): void {
    this.propagation.add(dbid, argv, target, this.callDepth > 0);
  }

  /* ---- the end of a tick ---------------------------------------------------------------- */

  private readonly beforeSleep = (): void => {
    this.sleepScheduled = false;
    this.syncWallClock();
    if (this.unblocked.length) {
      const list = this.unblocked;
      this.unblocked = [];
      for (const c of list) if (!c.closed && c.blocked === null && !c.paused) c.conn.parser.resume();
    }
    if (this.activeExpireEnabled && !this.ks.isReplica && this.busy.suspended === null && !this.expiryPaused()) {
      this.ks.setTime(Date.now());
      const t0 = performance.now();
      this.activeExpire.run('fast', this.hz, this.config.getNum('active-expire-effort'), this.ks.now);
      this.introspection.latency.addSampleIfNeeded('expire-cycle', Math.floor(performance.now() - t0));
    }
    this.introspection.tracking.broadcast();
    this.aof?.beforeSleep();
    this.flushPending();
  };

  /**
   * Follow the wall clock (NTP, steps), once per tick. Date.now() truncates, so Date.now() + 1 is
   * up to 1 ms ahead of the true time, never behind: a command's time is then never earlier than
   * what a client read from its clock before sending it (a PXAT set from the client's clock
   * gives a PTTL of at most the interval, as in Redis). The offset only moves forward, so
   * command times do not jitter backwards, unless it ran more than 1 ms ahead (clock stepped back).
   */
  private syncWallClock(): void {
    const fresh = Date.now() + 1 - performance.now();
    if (fresh > this.wallOffset || this.wallOffset - fresh > 1) this.wallOffset = fresh;
  }

  /** Write every pending client's output (the end of beforeSleep; also after background eviction). */
  flushPending(): void {
    const list = this.pending;
    if (list.length === 0) return;
    this.pending = [];
    for (const c of list) {
      c.pendingWrite = false;
      if (c.closed) continue;
      const chunks = c.writer.take();
      if (chunks) c.conn.write(chunks);
      if (c.killed) {
        c.conn.destroy();
        continue;
      }
      if (c.closeAfter) {
        c.conn.closeAfterWrite();
        continue;
      }
      if (closeOnOutputLimit(this.introspection.outputLimitHost, c)) c.conn.destroy();
      else this.maxmemory.measureClient(c, chunks);
    }
  }

  /** getClientType: the class CLIENT LIST/KILL TYPE and output limits use. */
  clientType(c: Client): 'normal' | 'pubsub' | 'replica' {
    if (c.replica !== null) return 'replica';
    return c.pubsub !== null ? 'pubsub' : 'normal';
  }

  /* ---- serverCron ------------------------------------------------------------------------- */

  private serverCron(): void {
    if (this.introspection.cronPaused || this.busy.suspended !== null) return;
    const now = Date.now();
    this.ks.setTime(now);
    this.cronLoops++;
    this.stats.sampleOps(now);
    if (this.activeExpireEnabled && !this.ks.isReplica) {
      // Each slice (skipped while clients are paused) is a stall of its own: the latency monitor sees it as an expire-cycle event.
      const slice = (fn: () => void): void => {
        if (this.expiryPaused()) return;
        const t0 = performance.now();
        fn();
        this.introspection.latency.addSampleIfNeeded('expire-cycle', Math.floor(performance.now() - t0));
      };
      slice(() => this.activeExpire.runSlowSliced(this.hz, this.config.getNum('active-expire-effort'), EXPIRE_SLICE_MS, () => {
        this.ks.setTime(Date.now());
        return this.ks.now;
      }, (fn) => setImmediate(this.busy.gate(() => slice(fn)))));
    }
    // Not while loading: a dict presized for the file would be shrunk back before it fills.
    if (!this.loading) {
      for (const db of this.ks.dbs) {
        db.dict.rehashStep(1000);
        db.expires.rehashStep(1000);
      }
    }
    this.clientsCron(now);
    this.introspection.cron(now);
    this.clientPause.cron(now);
    this.maxmemory.cron();
    this.aof?.cron();
    this.rdb?.cron();
  }

  private clientsCron(now: number): void {
    const timeout = this.config.getNum('timeout');
    if (timeout <= 0) return;
    for (const c of this.clients.values()) {
      if (c.paused || c.replica !== null || c.isMaster) continue;
      if (now - c.lastInteraction > timeout * 1000) {
        this.log('verbose', 'Closing idle client');
        c.conn.destroy();
      }
    }
  }

  /* ---- services used by ports ------------------------------------------------------------ */

  flushAll(): number {
    let removed = 0;
    for (const db of this.ks.dbs) removed += db.flush();
    return removed;
  }

  commandLookup(argv: readonly string[]): CommandSpec | null {
    return this.registry.lookup(argv)?.spec ?? null;
  }

  setDebugActiveExpire(on: boolean): void {
    this.activeExpireEnabled = on;
  }
}

const PROTECTED_MODE_MESSAGE =
  'DENIED Redis is running in protected mode because protected mode is enabled and no password ' +
  'is set for the default user. In this mode connections are only accepted from the loopback ' +
  'interface. If you want to connect from external computers to Redis you may adopt one of the ' +
  'following solutions: 1) Just disable protected mode sending the command \'CONFIG SET ' +
  'protected-mode no\' from the loopback interface by connecting to Redis from the same host ' +
  'the server is running, however MAKE SURE Redis is not publicly accessible from internet if ' +
  'you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just ' +
  'disable the protected mode by editing the Redis configuration file, and setting the ' +
  'protected mode option to \'no\', and then restarting the server. 3) If you started the ' +
  'server manually just for testing, restart it with the \'--protected-mode no\' option. 4) ' +
  'Set up an authentication password for the default user. NOTE: You only need to do one of ' +
  'the above things in order for the server to start accepting connections from the outside.';
