/*
 * A connected client: the engine's view of one connection. It receives parsed commands from
 * the connection, keeps the per-client state Redis keeps (selected db, protocol, name, auth,
 * reply mode, flags), and owns the reply buffer that the engine flushes once per tick.
 */

import type { ClientView } from '../commands/context.js';
import type { Connection, ConnectionSink } from '../net/connection.js';
import { ReplyWriter } from '../protocol/reply-writer.js';
import type { Engine } from './engine.js';
import type { Command } from './registry.js';
import type { BlockState } from './blocking.js';
import type { ClientSubscriptions } from './pubsub.js';
import type { MultiState, WatchedKey } from './multi.js';
import type { ClientTracking } from './tracking.js';
import type { ReplicaClientState } from './replication-hooks.js';
import { closeOnOutputLimit } from './output-limits.js';
import { UNRESTRICTED_SUBJECT, type AclSubject } from './acl-hooks.js';

export class Client implements ClientView, ConnectionSink {
  readonly writer = new ReplyWriter();
  resp: 2 | 3 = 2;
  name: string | null = null;
  libName = '';
  libVer = '';
  dbIndex = 0;
  authenticated: boolean;
  /** The ACL user (the engine's default user until AUTH / HELLO AUTH). */
  aclUser: AclSubject;
  noEvict = false;
  noTouch = false;
  replyMode: 'on' | 'off' | 'skip' = 'on';
  /** CLIENT REPLY SKIP applies to the command after the one that set it. */
  skipNext = false;
  readonly createdAt: number;
  lastInteraction: number;
  inMulti = false;
  /** Set when the connection must close once the pending output is written. */
  closeAfter = false;
  /** Set when the engine killed the client (closed at the end of the command). */
  killed = false;
  /** Waiting in the engine's pending-write set. */
  pendingWrite = false;
  /** The last command run (CLIENT LIST cmd=). */
  lastCmd: Command | null = null;
  /** Size in bytes of the last command's arguments (CLIENT LIST argv-mem). */
  argvMem = 0;
  /** When the soft output limit was first exceeded (0 = not exceeded). */
  obufSoftLimitSince = 0;
  /** The command being executed is paused (CLIENT PAUSE): stop consuming input. */
  paused = false;
  /** The command that found the server paused; it runs first when the pause ends. */
  pausedArgv: string[] | null = null;
  closed = false;
  /** Set while blocked on keys (BLPOP & co). */
  blocked: BlockState | null = null;
  /** Pub/Sub subscriptions; null when there are none (not in pub/sub mode). */
  pubsub: ClientSubscriptions | null = null;
  /** MULTI state while queueing (null otherwise). */
  mstate: MultiState | null = null;
  /** WATCHed keys. */
  watchedKeys: WatchedKey[] = [];
  /** CLIENT_DIRTY_CAS: a watched key changed, EXEC will fail. */
  dirtyCas = false;
  /** Client-side caching state (CLIENT TRACKING); null while tracking is off. */
  tracking: ClientTracking | null = null;
  /** In MONITOR mode. */
  monitor = false;
  /** Set by the replication layer once the client attached with SYNC/PSYNC (flag S). */
  replica: ReplicaClientState | null = null;
  /** The replica's link to its master (CLIENT LIST flag M, type master; src/replication/replica.ts). */
  isMaster = false;

  constructor(
    readonly id: number,
    readonly conn: Connection,
    private readonly engine: Engine,
    now: number,
  ) {
    this.createdAt = now;
    this.lastInteraction = now;
    this.aclUser = engine.acl?.defaultUser ?? UNRESTRICTED_SUBJECT;
    this.authenticated = !engine.authRequired;
    conn.parser.authRequired = !this.authenticated;
    this.writer.onError = (msg) => engine.countError(msg);
    this.writer.onSpill = () => {
      closeOnOutputLimit(engine.introspection.outputLimitHost, this);
    };
  }

  get subscribed(): boolean {
    return this.pubsub !== null;
  }

  get user(): string {
    return this.aclUser.name;
  }

  get isLocal(): boolean {
    return this.conn.isLoopback;
  }

  setAuthenticated(ok: boolean): void {
    this.authenticated = ok;
    this.conn.parser.authRequired = !ok;
  }

  closeAfterReply(): void {
    this.closeAfter = true;
  }

  onCommand(args: string[]): boolean {
    return this.engine.processCommand(this, args);
  }

  onProtocolError(message: string): void {
    this.engine.protocolError(this, message);
  }

  onRun(active: boolean): void {
    this.engine.parserRun(active);
  }

  onQueryBufferLimit(): void {
    this.engine.queryBufferLimit(this);
  }

  onClose(): void {
    this.engine.freeClient(this);
  }
}
