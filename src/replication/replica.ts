/*
 * The replica side of Redis replication (REPLICAOF host port).
 *
 * States (ROLE's words): none (a master) → connect (waiting for the 1 Hz cron, Redis's
 * replicationCron, to try) → connecting / handshake / sync (a SyncAttempt, replica-sync.ts:
 * PING, AUTH, REPLCONF, PSYNC and the payload) → connected (the stream flows). Any failure goes
 * back to connect; REPLICAOF NO ONE goes back to none.
 *
 * Full resync (+FULLRESYNC): the old dataset and function libraries are flushed, the
 * sub-replicas dropped (their history ends here) with the backlog, and the payload is loaded by
 * the startup loader (time-sliced, -LOADING meanwhile, the socket parked and paused); then the
 * master's replid/offset become ours with a new backlog. Partial resync (+CONTINUE [replid]):
 * the dataset stays; a new replid shifts ours into replid2 (valid up to our offset + 1) and the
 * sub-replicas are dropped so that they learn it.
 *
 * The stream. After the sync the socket becomes the "master client" (CLIENT LIST flag M, type
 * master): an ordinary engine Client whose input goes through the normal command path, with its
 * replies switched off and the read-only / OOM / stale / ACL gates not applying to it, and which
 * sees logically expired keys as present (the master's DEL decides). Every command it runs is
 * re-encoded as the canonical multibulk the master sent (a master only sends that form, so the
 * byte count is exact) and counted into the applied offset once it ran, except inside MULTI,
 * where the bytes wait for EXEC, and while the client is paused (Redis's reploff against
 * read_reploff, which counts bytes as they arrive). Applied bytes are fed verbatim to our own
 * backlog and sub-replicas (ReplicationMaster.proxyStream), so a chained replica sees the top
 * master's replid and offsets; commands of our own clients are never streamed while we are a
 * replica. REPLCONF GETACK * answers REPLCONF ACK <offset> with the offset before the GETACK
 * itself, and the cron sends an ACK every second.
 *
 * Failures. When the link drops after a sync, its replid/offset stay ours, so the next attempt
 * asks PSYNC <replid> <offset+1> and continues from the master's backlog. Silence longer than
 * repl-timeout (connecting, handshake, transfer or streaming) drops the link. REPLICAOF NO ONE
 * keeps the data, shifts replid into replid2 and drops the sub-replicas, which then continue
 * with a partial resync against our new history.
 *
 * Not here: the SYNC fallback for masters without PSYNC, repl-diskless-load (the payload is
 * held in memory and loaded as a whole), writable-replica key expiry, failover, PSYNC from the
 * replication info of an RDB loaded at startup.
 */

import * as E from '../protocol/errors.js';
import type { Socket } from 'node:net';
import type { ClientView } from '../commands/context.js';
import { quoteArg } from '../config/text.js';
import { UNRESTRICTED_SUBJECT } from '../engine/acl-hooks.js';
import { Client } from '../engine/client.js';
import type { Engine } from '../engine/engine.js';
import { loadRdbBuffer } from '../engine/rdb-load.js';
import { F_STALE, F_WRITE } from '../engine/registry.js';
import { Connection } from '../net/connection.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import { string2ll } from '../util/numbers.js';
import type { ReplicationMaster } from './master.js';
import { nowSec, respCommand } from './master.js';
import { SyncAttempt, type SyncHost } from './replica-sync.js';

type ReplState = 'none' | 'connect' | 'connecting' | 'handshake' | 'transfer' | 'connected';


/** The engine client fed by the master's stream. */
class MasterClient extends Client {
  constructor(id: number, conn: Connection, engine: Engine, private readonly link: ReplicationReplica) {
    super(id, conn, engine, Date.now());
    this.isMaster = true;
    this.setAuthenticated(true);
    // Like Redis's master client (no user): ACL rules never refuse the master's stream.
    this.aclUser = UNRESTRICTED_SUBJECT;
    // Masters never read replies (REPLCONF ACK is written past the reply buffer).
    this.replyMode = 'off';
  }

  override onCommand(args: string[]): boolean {
    return this.link.masterCommand(this, args);
  }

  override onClose(): void {
    super.onClose();
    this.link.masterClosed(this);
  }
}

export class ReplicationReplica {
  host: string | null = null;
  port = 0;
  private mode: 'none' | 'connect' | 'attempt' | 'loading' | 'connected' = 'none';
  /** The synchronization attempt in progress (mode attempt). */
  private attempt: SyncAttempt | null = null;
  /** The socket parked while the payload loads (mode loading). */
  private loadingSock: Socket | null = null;
  master: MasterClient | null = null;
  /** Our replid/offset describe a history the master may continue (Redis's cached master). */
  private canPsync = false;
  /** The database the master client had selected when the link dropped. */
  private cachedDb = 0;
  /** Bumped on every new attempt, so a late callback of an old link does nothing. */
  private gen = 0;
  /* Full sync in progress. */
  private fullId = '';
  private fullOffset = 0;
  /** The payload's size (0: EOF-marked) and length, for INFO while it loads. */
  private loadedSize = 0;
  private loadedRead = 0;
  /** Unix seconds of the last byte received on the stream (stamped by a 'data' listener). */
  private lastIo = 0;
  /** Unix seconds when the link went down (0: never up since REPLICAOF). */
  private downSince = 0;
  /**
   * Our offset when the stream started: slave_read_repl_offset (stream bytes received, processed
   * or not) is this plus the master connection's bytesIn.
   */
  private readBase = 0;
  /** Bytes of the running MULTI block the master client queued, not applied yet. */
  private held: Buffer[] = [];
  /** A command the master client could not run yet (CLIENT PAUSE): counted when it ran. */
  private deferred: Buffer | null = null;
  /**
   * The master connection's byte counters: input is INFO total_net_repl_input_bytes (not client
   * input); output is the server's.
   */
  readonly counters: { netInputBytes: number; netOutputBytes: number };
  private cronTimer: NodeJS.Timeout | null = null;

  constructor(private readonly e: Engine, private readonly m: ReplicationMaster) {
    const stats = e.stats;
    this.counters = {
      netInputBytes: 0,
      get netOutputBytes(): number {
        return stats.netOutputBytes;
      },
      set netOutputBytes(v: number) {
        stats.netOutputBytes = v;
      },
    };
  }

  /**
   * Plug in: the 1 Hz cron, and the `replicaof` directive, which makes the server a replica
   * from the start (the local RDB then keeps its expired keys, as on any replica).
   */
  attach(): this {
    this.cronTimer = setInterval(() => this.cron(), 1000);
    this.cronTimer.unref?.();
    const cfg = this.e.config;
    const ks = this.e.ks;
    ks.replicaWritable = !cfg.getBool('replica-read-only');
    cfg.onChange('replica-read-only', () => {
      ks.replicaWritable = !cfg.getBool('replica-read-only');
      return null;
    });
    const r = cfg.getReplicaOf();
    if (r !== null) {
      this.host = r.host;
      this.port = r.port;
      this.e.ks.isReplica = true;
      this.e.logger.setRole('S');
    }
    return this;
  }

  /** After startup (dataset loaded, listening): connect to the configured master, if any. */
  startFromConfig(): void {
    if (this.host === null || this.mode !== 'none') return;
    this.mode = 'connect';
    this.e.log('notice', `Connecting to MASTER ${this.host}:${this.port}`);
    this.connect();
  }

  detach(): void {
    if (this.cronTimer) clearInterval(this.cronTimer);
    this.cronTimer = null;
    this.dropLink();
  }

  get linkUp(): boolean {
    return this.mode === 'connected';
  }

  /** Redis's repl_state, as ROLE names it (handshake for any step between connect and PSYNC's reply). */
  get state(): ReplState {
    switch (this.mode) {
      case 'attempt':
        return this.attempt?.phase ?? 'connect';
      case 'loading':
        return 'transfer';
      default:
        return this.mode;
    }
  }

  /* ---- REPLICAOF ----------------------------------------------------------------------------- */

  replicaof(view: ClientView, host: string, portText: string, reply: ReplyWriter): void {
    const c = view as Client;
    if (this.e.config.getBool('cluster-enabled')) {
      reply.error('ERR REPLICAOF not allowed in cluster mode.');
      return;
    }
    if (host.toLowerCase() === 'no' && portText.toLowerCase() === 'one') {
      if (this.host !== null) {
        this.unsetMaster();
        this.e.log('notice', `MASTER MODE enabled (user request from '${this.e.ports.clientInfoLine(c)}')`);
      }
      reply.ok();
      return;
    }
    if (c.replica !== null) {
      reply.error('ERR Command is not valid when client is a replica.');
      return;
    }
    const parsed = string2ll(portText);
    const port = parsed === null ? -1 : Number(parsed);
    if (parsed === null || port < 0 || port > 65535) {
      reply.error('ERR Invalid master port');
      return;
    }
    if (this.host !== null && this.host.toLowerCase() === host.toLowerCase() && this.port === port) {
      this.e.log('notice', 'REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.');
      reply.simple('OK Already connected to specified master');
      return;
    }
    this.setMaster(host, port);
    this.e.log('notice', `REPLICAOF ${host}:${port} enabled (user request from '${this.e.ports.clientInfoLine(c)}')`);
    reply.ok();
  }

  /** replicationSetMaster. */
  private setMaster(host: string, port: number): void {
    const wasMaster = this.host === null;
    this.dropLink();
    this.unblockAll();
    this.host = host;
    this.port = port;
    this.e.ks.isReplica = true;
    this.e.logger.setRole('S');
    // A former master can continue its own history with the new master (cached master using
    // myself); a replica switching masters continues the history it has.
    if (wasMaster) this.canPsync = true;
    this.syncConfig(`${quoteArg(host)} ${port}`);
    this.mode = 'connect';
    this.e.log('notice', `Connecting to MASTER ${host}:${port}`);
    this.connect();
  }

  /** The `replicaof` directive follows the live state (CONFIG GET / CONFIG REWRITE), as in Redis. */
  private syncConfig(args: string): void {
    try {
      this.e.config.loadText(`replicaof ${args}`);
    } catch (err) {
      this.e.log('warning', `Unable to record replicaof ${args} in the configuration: ${(err as Error).message}`);
    }
  }

  /** disconnectAllBlockedClients: what they wait for may never come from a master's stream. */
  private unblockAll(): void {
    for (const c of this.e.clients.values()) {
      if (c.blocked === null || c.closed) continue;
      c.writer.resp = c.resp;
      c.writer.error('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)');
      this.e.blocking.unblock(c);
      c.closeAfter = true;
      this.e.schedule(c);
    }
  }

  /** replicationUnsetMaster: become a master, keeping the data and the history as replid2. */
  private unsetMaster(): void {
    if (this.host === null) return;
    this.host = null;
    this.dropLink();
    this.canPsync = false;
    this.e.ks.isReplica = false;
    this.e.logger.setRole('M');
    this.syncConfig('no one');
    this.m.becameMaster();
    this.mode = 'none';
    this.downSince = 0;
  }

  /* ---- the link ------------------------------------------------------------------------------ */

  /**
   * Close the attempt / master client without the "link lost" bookkeeping of a drop (the master
   * client's own close, masterClosed, adds it).
   */
  private dropLink(): void {
    this.gen++;
    const mc = this.master;
    this.master = null;
    if (mc !== null) {
      this.cachedDb = mc.dbIndex;
      mc.conn.destroy();
    }
    this.attempt?.abort();
    this.attempt = null;
    this.loadingSock?.destroy();
    this.loadingSock = null;
    this.held = [];
    this.deferred = null;
  }

  /** connectWithMaster: start a synchronization attempt (replica-sync.ts). */
  private connect(): void {
    if (this.host === null || this.e.isClosing) return;
    const gen = ++this.gen;
    this.mode = 'attempt';
    const e = this.e;
    const host: SyncHost = {
      config: e.config,
      log: (level, msg) => e.log(level, msg),
      get listeningPort() {
        return e.listener.port;
      },
      psyncArgs: () => (this.canPsync ? [this.m.replId, String(this.m.offset + 1)] : ['?', '-1']),
      fullResync: (id, offset) => {
        if (gen !== this.gen) return;
        this.fullId = id;
        this.fullOffset = offset;
        this.canPsync = false;
      },
      continued: (newId, sock, rest) => {
        if (gen !== this.gen) {
          sock.destroy();
          return;
        }
        this.attempt = null;
        if (newId.length === 40 && newId !== this.m.replId) {
          this.m.shiftReplId(newId);
          e.log('notice', `Master replication ID changed to ${newId}`);
          this.m.disconnectReplicas();
        }
        this.m.ensureBacklog();
        e.log('notice', 'MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
        this.goOnline(sock, rest, this.cachedDb);
      },
      payload: (rdb, sock, rest) => {
        if (gen !== this.gen) {
          sock.destroy();
          return;
        }
        this.loadedSize = this.attempt?.transferSize ?? 0;
        this.loadedRead = this.attempt?.transferRead ?? 0;
        this.attempt = null;
        this.load(gen, rdb, sock, rest);
      },
      failed: (msg) => {
        if (gen !== this.gen) return;
        if (msg !== null) e.log('warning', msg);
        this.attempt = null;
        this.mode = 'connect';
      },
    };
    this.attempt = new SyncAttempt(this.host, this.port, host);
  }

  /** A sync attempt or load failed: close what is left; the cron retries. */
  private linkFailed(msg: string): void {
    this.e.log('warning', msg);
    this.dropLink();
    if (this.host !== null) this.mode = 'connect';
  }

  /** The payload is complete: replace the dataset, then start the stream. */
  private load(gen: number, rdb: Buffer, sock: Socket, rest: Buffer): void {
    this.mode = 'loading';
    this.loadingSock = sock;
    // Errors on the parked socket end the sync (an 'error' event needs a listener).
    sock.on('error', () => {});
    const lost = (): void => {
      if (gen === this.gen && this.loadingSock === sock) this.linkFailed('I/O error while loading: connection with MASTER lost');
    };
    sock.once('close', lost);
    this.e.log('notice', 'MASTER <-> REPLICA sync: Flushing old data');
    // The sub-replicas' history ends here; the old backlog cannot serve the new master's.
    this.m.disconnectReplicas();
    this.m.dropBacklog();
    const e = this.e;
    // emptyData: WATCH and client-side caching see the flush; the libraries go too.
    for (const db of e.ks.dbs) e.multi.touchAllWatchedKeysInDb(db, null);
    e.introspection.tracking.invalidateOnFlush();
    e.flushAll();
    e.scripting?.flushFunctions();
    this.e.log('notice', 'MASTER <-> REPLICA sync: Loading DB in memory');
    loadRdbBuffer(this.e, this.e.rdbLoad, rdb).then(
      (aux) => {
        if (gen !== this.gen || this.loadingSock !== sock) return;
        this.loadingSock = null;
        sock.off('close', lost);
        this.m.resetHistory(this.fullId, this.fullOffset);
        this.e.log('notice', 'MASTER <-> REPLICA sync: Finished with success');
        // restartAOFAfterSYNC: the file held the old dataset; a rewrite bases it on the new one.
        if (e.config.getBool('appendonly')) {
          const err = e.aof?.restartAfterSync() ?? null;
          if (err !== null) e.log('warning', `AOF rewrite after the sync: ${err}`);
        }
        this.goOnline(sock, rest, Number(aux.get('repl-stream-db')) || 0);
      },
      (err: unknown) => {
        if (gen !== this.gen) return;
        this.linkFailed(`Failed trying to load the MASTER synchronization DB from socket: ${(err as Error).message}`);
      },
    );
  }

  /** Turn the socket into the master client and process what already arrived. */
  private goOnline(sock: Socket, rest: Buffer, dbIndex: number): void {
    const e = this.e;
    const conn = new Connection(sock, { protoMaxBulkLen: Infinity, clientQueryBufferLimit: Infinity }, null, this.counters);
    const mc = new MasterClient(e.newClientId(), conn, e, this);
    mc.dbIndex = dbIndex < e.ks.dbs.length ? dbIndex : 0;
    e.clients.set(mc.id, mc);
    this.master = mc;
    this.held = [];
    this.deferred = null;
    this.readBase = this.m.offset;
    this.mode = 'connected';
    this.canPsync = true;
    this.downSince = 0;
    this.lastIo = nowSec();
    // 'data' events, not the shared read buffer: the socket was paused in stream mode (handover,
    // loading), and what it buffered meanwhile comes out as 'data' on resume.
    sock.on('data', () => {
      this.lastIo = nowSec();
    });
    conn.start(mc, false);
    // Acknowledge at once: a diskless master starts the stream on the first ACK.
    this.sendAck();
    if (rest.length) conn.feed(rest);
    sock.resume();
  }

  /* ---- the stream ---------------------------------------------------------------------------- */

  /** One command from the master: run it, then count its bytes as applied (unless in MULTI). */
  masterCommand(mc: MasterClient, args: string[]): boolean {
    if (this.deferred !== null && !mc.paused) this.commitDeferred();
    const bytes = respCommand(args);
    const a0 = (args[0] ?? '').toLowerCase();
    if (a0 === 'replconf' && (args[1] ?? '').toLowerCase() === 'getack' && !mc.inMulti) {
      // Acknowledge what was applied before this very command (as Redis does).
      this.sendAck();
      this.apply(bytes);
      return true;
    }
    if (this.e.busy.suspended !== null) {
      // A busy script holds the dataset: the master's stream waits for it (it is never -BUSY).
      this.e.busy.gate(() => {
        if (this.master === mc && !mc.closed && this.masterCommand(mc, args)) mc.conn.parser.resume();
      })();
      return false;
    }
    const more = this.e.processCommand(mc, args);
    if (mc.paused) {
      this.deferred = bytes;
      return more;
    }
    if (mc.inMulti) this.held.push(bytes);
    else this.apply(bytes);
    return more;
  }

  private commitDeferred(): void {
    const b = this.deferred;
    this.deferred = null;
    if (b === null || this.master === null) return;
    if (this.master.inMulti) this.held.push(b);
    else this.apply(b);
  }

  /** Count bytes (with any held MULTI block) as applied and proxy them to sub-replicas. */
  private apply(bytes: Buffer): void {
    if (this.held.length) {
      for (const h of this.held) this.m.proxyStream(h);
      this.held = [];
    }
    this.m.proxyStream(bytes);
  }

  /** REPLCONF ACK <offset>, written past the (disabled) reply buffer. */
  private sendAck(): void {
    const mc = this.master;
    if (mc === null || mc.closed) return;
    mc.conn.write([respCommand(['REPLCONF', 'ACK', String(this.m.offset)])]);
  }

  /** The master client went away (link error, CLIENT KILL, timeout). */
  masterClosed(mc: MasterClient): void {
    if (this.master !== mc) return;
    this.dropLink();
    if (this.host === null) return;
    this.e.log('notice', 'Connection with master lost.');
    this.e.log('notice', 'Caching the disconnected master state.');
    this.canPsync = true;
    this.mode = 'connect';
    this.downSince = nowSec();
  }

  /* ---- cron ---------------------------------------------------------------------------------- */

  private cron(): void {
    if (this.host === null || this.e.isClosing) return;
    const now = nowSec();
    const timeout = this.e.config.getNum('repl-timeout');
    const a = this.attempt;
    if (this.mode === 'attempt' && a !== null && now - a.lastIo > timeout) {
      this.linkFailed(a.phase !== 'transfer' ? 'Timeout connecting to the MASTER...'
        : "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' " +
          'parameter in redis.conf to a larger value.');
    } else if (this.mode === 'connected' && now - this.lastIo > timeout) {
      this.e.log('warning', 'MASTER timeout: no data nor PING received...');
      this.master?.conn.destroy();
    }
    if (this.mode === 'connect') {
      this.e.log('notice', `Connecting to MASTER ${this.host}:${this.port}`);
      this.connect();
    }
    if (this.mode === 'connected') {
      if (this.deferred !== null && this.master !== null && !this.master.paused) this.commitDeferred();
      this.sendAck();
    }
  }

  /* ---- engine gates, INFO, ROLE -------------------------------------------------------------- */

  /** processCommand's replica gates: READONLY (stage 0) and MASTERDOWN (stage 1). */
  gate(c: Client, flags: number, stage: 0 | 1): string | null {
    if (c.isMaster) return null;
    const cfg = this.e.config;
    if (stage === 0) return flags & F_WRITE && cfg.getBool('replica-read-only') ? E.READONLY_REPLICA : null;
    if (this.mode !== 'connected' && !cfg.getBool('replica-serve-stale-data') && !(flags & F_STALE)) return E.MASTERDOWN;
    return null;
  }

  /** ROLE's state word. */
  roleState(): string {
    const s = this.state;
    return s === 'transfer' ? 'sync' : s;
  }

  /** The replica-only fields of INFO replication, after role:slave. */
  infoFields(): Array<[string, string | number]> {
    const now = nowSec();
    const f: Array<[string, string | number]> = [
      ['master_host', this.host ?? ''],
      ['master_port', this.port],
      ['master_link_status', this.state === 'connected' ? 'up' : 'down'],
      ['master_last_io_seconds_ago', this.master !== null ? now - this.lastIo : -1],
      ['master_sync_in_progress', this.state === 'transfer' ? 1 : 0],
      ['slave_read_repl_offset',
        this.master !== null ? this.readBase + this.master.conn.bytesIn : this.canPsync ? this.m.offset : 1],
      ['slave_repl_offset', this.master !== null || this.canPsync ? this.m.offset : 1],
    ];
    if (this.state === 'transfer') {
      const a = this.attempt;
      const size = a !== null ? a.transferSize : this.loadedSize;
      const read = a !== null ? a.transferRead : this.loadedRead;
      const lastIo = a !== null ? a.lastIo : now;
      f.push(
        ['master_sync_total_bytes', size],
        ['master_sync_read_bytes', read],
        ['master_sync_left_bytes', size - read],
        ['master_sync_perc', (size ? (read / size) * 100 : 0).toFixed(2)],
        ['master_sync_last_io_seconds_ago', now - lastIo],
      );
    }
    if (this.mode !== 'connected') {
      f.push(['master_link_down_since_seconds', this.downSince ? now - this.downSince : -1]);
    }
    const cfg = this.e.config;
    f.push(
      ['slave_priority', cfg.getNum('replica-priority')],
      ['slave_read_only', cfg.getBool('replica-read-only') ? 1 : 0],
      ['replica_announced', cfg.getBool('replica-announced') ? 1 : 0],
    );
    return f;
  }
}
