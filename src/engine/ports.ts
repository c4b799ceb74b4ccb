/*
 * The engine's implementation of the service interfaces command handlers see (ServerPorts,
 * ClientsPort). Each method is the engine-side half of a server or connection command.
 */

import type {
  ClientFilter, ClientsPort, ClientView, ServerPorts, ShutdownOptions,
} from '../commands/context.js';
import type { CommandSpec } from '../commands/spec.js';
import type { Db } from '../keyspace/db.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { LogLevel } from '../util/log.js';
import type { Client } from './client.js';
import type { Engine } from './engine.js';
import { buildInfo } from './info.js';
import { pendingOutput } from './output-limits.js';

/** A DEBUG subcommand implemented by the engine; false when the arguments do not fit. */
export type DebugHandler = (argv: readonly string[], reply: ReplyWriter) => boolean;

export class Ports implements ServerPorts, ClientsPort {
  readonly commands: ServerPorts['commands'];
  readonly clients: ClientsPort = this;

  constructor(private readonly e: Engine) {
    this.commands = {
      lookup: (argv) => e.commandLookup(argv),
      all: () => e.registry.commands.map((c) => c.spec),
      fullName: (spec: CommandSpec) => e.registry.ofSpec(spec)?.fullName ?? spec.name,
    };
  }

  get authRequired(): boolean {
    return this.e.authRequired;
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
    const s = this.e.ks.stats;
    s.hits = s.misses = s.expiredKeys = s.expiredStalePerc = s.expiredTimeCapReachedCount = 0;
    s.expireCycleCpuMilliseconds = 0;
  }

  info(sections: readonly string[]): string {
    return buildInfo(this.e, sections);
  }

  authenticate(user: string | null, password: string): boolean {
    const required = this.e.config.getStr('requirepass');
    if (user !== null && user !== 'default') return false;
    if (required === '') return user === null ? false : true;
    return password === required;
  }

  flushAll(_async: boolean): void {
    const removed = this.e.flushAll();
    this.e.dirty += removed + 1;
  }

  flushDb(db: Db, _async: boolean): void {
    const removed = db.flush();
    this.e.dirty += removed + 1;
  }

  swapDb(a: number, b: number): string | null {
    const dbs = this.e.ks.dbs;
    const da = dbs[a];
    const db = dbs[b];
    if (da === undefined || db === undefined) return 'ERR DB index is out of range';
    if (a !== b) {
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
    this.e.log('warning', 'User requested shutdown...');
    if (opts.save === 'save') {
      this.e.log('warning', 'SHUTDOWN SAVE requested, but persistence is not available yet: nothing saved.');
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
      this.e.setDebugActiveExpire(parseInt(argv[2] ?? '', 10) ? true : false);
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
    if (f.type !== undefined && f.type !== 'normal') return false;
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
      // The caller gets its reply first (CLIENT_CLOSE_AFTER_REPLY); others are closed now.
      if (c.id === self) c.closeAfterReply();
      else c.killed = true;
      this.e.schedule(c);
      n++;
    }
    return n;
  }

  exists(id: number): boolean {
    return this.e.clients.has(id);
  }

  pause(untilMs: number, mode: 'all' | 'write'): void {
    this.e.pause(untilMs, mode);
  }

  /**
   * CLIENT UNPAUSE runs inside a command: lift the pause now (so the caller's next commands are
   * not held), but replay the held commands of the other clients after the current command
   * returns, as Redis queues them for its next event-loop turn. Replaying them here would run
   * other clients' handlers nested inside the caller's.
   */
  unpause(): void {
    this.e.pauseMode = null;
    this.e.pauseUntil = 0;
    setImmediate(() => this.e.unpause());
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
    c.user = 'default';
    c.setAuthenticated(!this.e.authRequired);
  }

  /**
   * One CLIENT LIST line with Redis 7.0's fields, in its order, plus 7.2's lib-name and lib-ver
   * at the end (CLIENT SETINFO) and its 'T' flag (CLIENT NO-TOUCH).
   */
  clientInfoLine(c: Client): string {
    const now = Date.now();
    const conn = c.conn;
    let flags = '';
    if (c.inMulti) flags += 'x';
    if (c.blocked !== null) flags += 'b';
    if (c.closeAfter) flags += 'c';
    if (c.killed) flags += 'A';
    if (conn.isUnix) flags += 'U';
    if (c.noEvict) flags += 'e';
    if (c.noTouch) flags += 'T';
    const qbuf = conn.parser.bufferedBytes;
    const omem = pendingOutput(c);
    const cmd = c.lastCmd ? c.lastCmd.fullName : 'NULL';
    return (
      `id=${c.id} addr=${conn.addr} laddr=${conn.laddr} fd=${conn.fd} name=${c.name ?? ''} ` +
      `age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)} ` +
      `flags=${flags || 'N'} db=${c.dbIndex} sub=0 psub=0 ssub=0 multi=-1 ` +
      `qbuf=${qbuf} qbuf-free=${conn.parser.idleBufferCapacity} argv-mem=${c.argvMem} multi-mem=0 ` +
      `rbs=${c.writer.bufferSize} rbp=${c.writer.bufferSize} obl=0 oll=${c.writer.chunkCount} omem=${omem} ` +
      `tot-mem=${qbuf + omem + c.writer.bufferSize + c.argvMem} events=r cmd=${cmd} user=${c.user} ` +
      `redir=-1 resp=${c.resp} lib-name=${c.libName} lib-ver=${c.libVer}`
    );
  }
}
