/*
 * The engine's implementation of the service interfaces command handlers see (ServerPorts,
 * ClientsPort). Each method is the engine-side half of a server or connection command.
 */

import type {
  AclPort, ClientFilter, ClientsPort, ClientView, IntrospectionPort, PubSubPort, ReplicationPort, ScriptingPort, ServerPorts,
  ShutdownOptions,
  TrackingOptions, TransactionsPort,
} from '../commands/context.js';
import type { CommandSpec } from '../commands/spec.js';
import type { Db } from '../keyspace/db.js';
import type { HashLimits } from '../keyspace/types/hash.js';
import type { ZsetLimits } from '../keyspace/types/zset.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { LogLevel } from '../util/log.js';
import { atoi } from '../util/numbers.js';
import type { Client } from './client.js';
import type { Engine } from './engine.js';
import { buildInfo } from './info.js';
import { DETACHED_REPLICATION } from './replication-hooks.js';
import { DETACHED_SCRIPTING } from './scripting-hooks.js';
import { detachedAcl, UNRESTRICTED_SUBJECT } from './acl-hooks.js';
import { TRACKING_BCAST, TRACKING_BROKEN_REDIR } from './tracking.js';
import { makePubSubPort, makeTransactionsPort } from './messaging-ports.js';
import { makeIntrospectionPort, trackingOff, trackingOn } from './introspection-ports.js';
import { clientMemory } from './memory-report.js';
import type { RObject } from '../keyspace/object.js';
import { dumpPayload } from '../persistence/rdb/encoder.js';
import { decodeDumpPayload, verifyDumpPayload } from '../persistence/rdb/decoder.js';
import { limitsFromConfig } from '../persistence/rdb/decode-object.js';

/** A DEBUG subcommand implemented by the engine; false when the arguments do not fit. */
export type DebugHandler = (argv: readonly string[], reply: ReplyWriter) => boolean;

export class Ports implements ServerPorts, ClientsPort {
  readonly commands: ServerPorts['commands'];
  readonly clients: ClientsPort = this;
  readonly pubsub: PubSubPort;
  readonly transactions: TransactionsPort;
  readonly introspection: IntrospectionPort;
  /** Replaced by the replication layer when the server is composed (server.ts). */
  replication: ReplicationPort = DETACHED_REPLICATION;
  /** Replaced by the scripting layer when the server is composed (server.ts). */
  scripting: ScriptingPort = DETACHED_SCRIPTING;
  /** Replaced by the ACL layer when the server is composed (server.ts). */
  acl: AclPort;

  constructor(private readonly e: Engine) {
    this.commands = {
      lookup: (argv) => e.commandLookup(argv),
      all: () => e.registry.commands.map((c) => c.spec),
      fullName: (spec: CommandSpec) => e.registry.ofSpec(spec)?.fullName ?? spec.name,
    };
    this.pubsub = makePubSubPort(e);
    this.transactions = makeTransactionsPort(e);
    this.introspection = makeIntrospectionPort(e);
    this.acl = detachedAcl(() => e.config.getStr('requirepass'));
    this.watchLimits();
  }

  get role(): 'master' | 'slave' {
    return this.e.ks.isReplica ? 'slave' : 'master';
  }

  get runId(): string {
    return this.e.runId;
  }

  get startTime(): number {
    return this.e.startTime;
  }

  configNumber(name: string): number {
    return this.e.config.getNum(name);
  }

  /** The listpack limits commands read on every call, kept current by a CONFIG SET hook. */
  readonly hashLimits: HashLimits = { maxEntries: 0, maxValue: 0 };
  readonly zsetLimits: ZsetLimits = { maxEntries: 0, maxValue: 0 };

  private watchLimits(): void {
    const cfg = this.e.config;
    cfg.watch(['hash-max-listpack-entries', 'hash-max-listpack-value', 'zset-max-listpack-entries',
      'zset-max-listpack-value'], () => {
      this.hashLimits.maxEntries = cfg.getNum('hash-max-listpack-entries');
      this.hashLimits.maxValue = cfg.getNum('hash-max-listpack-value');
      this.zsetLimits.maxEntries = cfg.getNum('zset-max-listpack-entries');
      this.zsetLimits.maxValue = cfg.getNum('zset-max-listpack-value');
    });
  }

  configString(name: string): string {
    return this.e.config.getStr(name);
  }

  configGet(patterns: readonly string[]): Array<[string, string]> {
    return this.e.config.configGet([...patterns]);
  }

  configSet(pairs: readonly string[]): string | null {
    return this.e.config.configSet([...pairs]);
  }

  configRewrite(): string | null {
    const err = this.e.config.rewrite();
    if (err === null) this.e.log('warning', 'CONFIG REWRITE executed with success.');
    else this.e.log('warning', `CONFIG REWRITE failed: ${err}`);
    return err;
  }

  resetStats(): void {
    this.e.stats.reset();
    this.e.registry.resetStats();
    this.e.maxmemory.resetStats();
    const s = this.e.ks.stats;
    s.hits = s.misses = s.expiredKeys = s.expiredStalePerc = s.expiredTimeCapReachedCount = 0;
    s.expireCycleCpuMilliseconds = 0;
    s.lazyfreedObjects = 0;
  }

  info(sections: readonly string[]): string {
    return buildInfo(this.e, sections);
  }

  flushAll(async: boolean): void {
    for (const db of this.e.ks.dbs) this.e.multi.touchAllWatchedKeysInDb(db, null);
    this.e.introspection.tracking.invalidateOnFlush();
    const removed = this.e.flushAll();
    if (async) this.e.ks.stats.lazyfreedObjects += removed;
    this.e.dirty += removed;
    this.e.rdb?.onFlushAll();
    this.e.dirty++;
    for (const db of this.e.ks.dbs) this.e.blocking.signalAllWaited(db);
  }

  bgrewriteaof(callFlags: number): { status: string } | { error: string } {
    return this.e.aof?.bgrewrite(callFlags) ?? { error: 'ERR append only file support is not attached' };
  }

  save(): string | null {
    const r = this.e.rdb;
    if (r === null) return 'ERR';
    if (r.inProgress) return 'ERR Background save already in progress';
    return r.saveSync() ? null : 'ERR';
  }

  bgsave(schedule: boolean): { status: string } | { error: string } {
    const r = this.e.rdb;
    if (r === null) return { error: 'ERR' };
    if (r.inProgress) return { error: 'ERR Background save already in progress' };
    const aofBusy = this.e.aof?.infoFields().some(([k, v]) => k === 'aof_rewrite_in_progress' && v === 1) ?? false;
    if (aofBusy) {
      if (!schedule) {
        return { error: 'ERR Another child process is active (AOF?): can\'t BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.' };
      }
      r.scheduled = true;
      return { status: 'Background saving scheduled' };
    }
    const err = r.bgsave();
    return err === null ? { status: 'Background saving started' } : { error: err };
  }

  wakeBlocked(dbIndex: number, key: string): void {
    const e = this.e;
    const db = e.ks.dbs[dbIndex];
    if (db === undefined) return;
    e.blocking.signalKeyAsReady(db, key);
    if (e.blocking.pendingReady && e.busy.suspended === null) e.blocking.handleReady();
  }

  dumpValue(o: RObject): Buffer {
    return dumpPayload(o, this.e.config.getBool('rdbcompression'));
  }

  restoreValue(payload: Buffer): RObject | null | 'version-or-checksum' {
    if (!verifyDumpPayload(payload)) return 'version-or-checksum';
    try {
      return decodeDumpPayload(payload, limitsFromConfig((n) => this.e.config.getNum(n)));
    } catch {
      return null;
    }
  }

  lastsave(): number {
    return this.e.rdb?.lastSave ?? Math.floor(this.e.startTime / 1000);
  }

  flushDb(db: Db, async: boolean): void {
    this.e.multi.touchAllWatchedKeysInDb(db, null);
    this.e.introspection.tracking.invalidateOnFlush();
    const removed = db.flush();
    if (async) this.e.ks.stats.lazyfreedObjects += removed;
    this.e.dirty += removed + 1;
    this.e.blocking.signalAllWaited(db);
  }

  swapDb(a: number, b: number): string | null {
    const dbs = this.e.ks.dbs;
    const da = dbs[a];
    const db = dbs[b];
    if (da === undefined || db === undefined) return 'ERR DB index is out of range';
    if (a !== b) {
      this.e.multi.touchAllWatchedKeysInDb(da, db);
      this.e.multi.touchAllWatchedKeysInDb(db, da);
      da.swapWith(db);
      // Clients blocked in either database now see the other one's data.
      this.e.blocking.signalAllWaited(da);
      this.e.blocking.signalAllWaited(db);
    }
    this.e.dirty++;
    return null;
  }

  shutdown(opts: ShutdownOptions): string | null {
    if (opts.abort) return 'ERR No shutdown in progress.';
    // While a script is busy only SHUTDOWN NOSAVE may stop the server.
    if (this.e.busy.active && opts.save !== 'nosave') return this.e.busy.error();
    this.e.log('warning', 'User requested shutdown...');
    if (this.e.rdb !== null && !this.e.rdb.onShutdown(opts.save) && !opts.force) {
      return 'ERR Errors trying to SHUTDOWN. Check logs.';
    }
    this.e.log('warning', 'Redis is now ready to exit, bye bye...');
    void this.e.close();
    return null;
  }

  /**
   * DEBUG subcommands that need engine state. Engine subsystems add theirs with
   * registerDebug(); a handler returns false when the arguments do not fit it (the command
   * then answers with Redis's unknown-subcommand error).
   */
  private readonly debugHandlers = new Map<string, DebugHandler>([
    ['set-active-expire', (argv, reply) => {
      if (argv.length !== 3) return false;
      // atoi semantics: anything not starting with a non-zero number disables it.
      this.e.setDebugActiveExpire(atoi(argv[2] ?? '') !== 0);
      reply.ok();
      return true;
    }],
    ['change-repl-id', (argv, reply) => {
      if (argv.length !== 2) return false;
      this.e.log('warning', 'Changing replication IDs after receiving DEBUG change-repl-id');
      reply.ok();
      return true;
    }],
  ]);

  /** Add (or replace) the handler of DEBUG <name> (lowercase). */
  registerDebug(name: string, handler: DebugHandler): void {
    this.debugHandlers.set(name.toLowerCase(), handler);
  }

  debug(argv: readonly string[], reply: ReplyWriter): boolean {
    const handler = this.debugHandlers.get((argv[1] ?? '').toLowerCase());
    return handler !== undefined && handler(argv, reply);
  }

  log(level: LogLevel, msg: string): void {
    this.e.log(level, msg);
  }

  /* ---- ClientsPort ------------------------------------------------------------------------ */

  private matches(c: Client, f: ClientFilter, self: number): boolean {
    if (f.ids && !f.ids.includes(c.id)) return false;
    if (f.type !== undefined && f.type !== (c.isMaster ? 'master' : this.e.clientType(c))) return false;
    if (f.addr !== undefined && c.conn.addr !== f.addr) return false;
    if (f.laddr !== undefined && c.conn.laddr !== f.laddr) return false;
    if (f.user !== undefined && c.user !== f.user) return false;
    if (f.skipMe && c.id === self) return false;
    if (f.maxAge !== undefined && (Date.now() - c.createdAt) / 1000 < f.maxAge) return false;
    return true;
  }

  list(filter: ClientFilter): string {
    let out = '';
    for (const c of this.e.clients.values()) {
      if (this.matches(c, filter, -1)) out += this.clientInfoLine(c) + '\n';
    }
    return out;
  }

  infoLine(id: number): string {
    const c = this.e.clients.get(id);
    return c ? this.clientInfoLine(c) + '\n' : '';
  }

  kill(filter: ClientFilter, self: number): number {
    let n = 0;
    for (const c of this.e.clients.values()) {
      if (!this.matches(c, filter, self)) continue;
      // The caller gets its reply first; others are closed now.
      this.e.closeSoon(c, c.id === self);
      n++;
    }
    return n;
  }

  exists(id: number): boolean {
    return this.e.clients.has(id);
  }

  pause(untilMs: number, mode: 'all' | 'write'): void {
    this.e.clientPause.pause(untilMs, mode);
  }

  /**
   * CLIENT UNPAUSE runs inside a command: lift the pause now (so the caller's next commands are
   * not held), but replay the held commands of the other clients after the current command
   * returns, as Redis queues them for its next event-loop turn. Replaying them here would run
   * other clients' handlers nested inside the caller's.
   */
  unpause(): void {
    this.e.clientPause.lift();
    setImmediate(() => this.e.clientPause.release());
  }

  unblock(id: number, withError: boolean): boolean {
    const c = this.e.clients.get(id);
    return c !== undefined && this.e.blocking.unblockByRequest(c, withError);
  }

  select(client: ClientView, index: number): void {
    (client as Client).dbIndex = index;
  }

  reset(client: ClientView): void {
    const c = client as Client;
    c.dbIndex = 0;
    c.resp = 2;
    c.name = null;
    c.replyMode = 'on';
    c.skipNext = false;
    c.noEvict = false;
    c.noTouch = false;
    c.aclUser = this.e.acl?.defaultUser ?? UNRESTRICTED_SUBJECT;
    c.setAuthenticated(!this.e.authRequired);
    this.e.multi.dropClient(c);
    this.e.pubsub.dropClient(c);
    this.e.introspection.forgetClient(c);
  }

  trackingOn(client: ClientView, redirect: number, opts: TrackingOptions, prefixes: readonly string[]): string | null {
    return trackingOn(this.e, client, redirect, opts, prefixes);
  }

  trackingOff(client: ClientView): void {
    trackingOff(this.e, client);
  }

  trackingCaching(client: ClientView, yes: boolean): string | null {
    return this.e.introspection.tracking.caching(client as Client, yes);
  }

  trackingRedirect(client: ClientView): number {
    return this.e.introspection.tracking.getRedir(client as Client);
  }

  trackingInfo(client: ClientView): { flags: string[]; redirect: number; prefixes: string[] } {
    return this.e.introspection.tracking.info(client as Client);
  }

  /**
   * One CLIENT LIST line with Redis 7.0's fields, in its order, plus 7.2's lib-name and lib-ver
   * at the end (CLIENT SETINFO) and its 'T' flag (CLIENT NO-TOUCH).
   */
  clientInfoLine(c: Client): string {
    const now = Date.now();
    const conn = c.conn;
    let flags = c.replica !== null ? 'S' : c.isMaster ? 'M' : '';
    if (c.monitor) flags += 'O';
    if (c.pubsub !== null) flags += 'P';
    if (c.inMulti) flags += 'x';
    if (c.blocked !== null) flags += 'b';
    const tracking = c.tracking;
    if (tracking !== null) {
      flags += 't';
      const info = tracking.flags;
      if (info & TRACKING_BROKEN_REDIR) flags += 'R';
      if (info & TRACKING_BCAST) flags += 'B';
    }
    if (c.dirtyCas) flags += 'd';
    if (c.closeAfter) flags += 'c';
    if (c.killed) flags += 'A';
    if (conn.isUnix) flags += 'U';
    if (c.noEvict) flags += 'e';
    if (c.noTouch) flags += 'T';
    const qbuf = conn.parser.bufferedBytes;
    const w = c.writer;
    const mem = clientMemory(this.e, c);
    const omem = mem.output;
    const pendingSocket = conn.pendingBytes > 0;
    const cmd = c.lastCmd ? c.lastCmd.fullName : 'NULL';
    const subs = c.pubsub;
    const ms = c.mstate;
    return (
      `id=${c.id} addr=${conn.addr} laddr=${conn.laddr} fd=${conn.fd} name=${c.name ?? ''} ` +
      `age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.max(0, Math.floor((now - c.lastInteraction) / 1000))} ` +
      `flags=${flags || 'N'} db=${c.dbIndex} sub=${subs ? subs.channels.size : 0} ` +
      `psub=${subs ? subs.patterns.size : 0} ssub=${subs ? subs.shard.size : 0} multi=${ms ? ms.commands.length : -1} ` +
      `qbuf=${qbuf} qbuf-free=${conn.parser.idleBufferCapacity} argv-mem=${c.argvMem} multi-mem=${ms ? ms.argvLenSums : 0} ` +
      `rbs=${w.bufferSize} rbp=${w.bufferPeak} obl=${w.openBytes} oll=${w.chunkCount + (pendingSocket ? 1 : 0)} ` +
      `omem=${omem} tot-mem=${mem.total} events=${pendingSocket ? 'rw' : 'r'} cmd=${cmd} user=${c.user} ` +
      `redir=${tracking !== null ? tracking.redirect : -1} resp=${c.resp} lib-name=${c.libName} lib-ver=${c.libVer}`
    );
  }
}
