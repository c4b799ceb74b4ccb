/*
 * The master side of Redis replication.
 *
 * The stream. Every write the engine propagates to replicas (Propagation sink PROPAGATE_REPL)
 * becomes a RESP multibulk command in the replication stream, preceded by a SELECT whenever
 * its database differs from the stream's selected one (replicationFeedSlaves). The stream's
 * bytes are counted by master_repl_offset, appended to the backlog and written to every
 * attached replica's output. Nothing is fed while there is neither a replica nor a backlog;
 * the backlog is created with the first replica (with a fresh replication ID) and freed, with
 * a new ID, after repl-backlog-ttl seconds without replicas.
 *
 * Synchronization (SYNC / PSYNC <replid> <offset>).
 * - PSYNC whose replid matches ours (or our previous one, up to the offset where it ended) and
 *   whose offset is still in the backlog: `+CONTINUE [<replid>]` and the backlog from that
 *   offset, then the live stream.
 * - Otherwise a full resync: `+FULLRESYNC <replid> <offset>` (not for old-style SYNC), then
 *   `$<len>\r\n` and an RDB snapshot of the dataset at this very moment, then the live stream,
 *   whose first command carries a SELECT (the stream's selected db is forgotten). The snapshot
 *   is forkless and time-sliced (sync-snapshot.ts): its cut is taken at `offset`, the walk
 *   runs in 1 ms slices while the loop serves clients, and the stream produced meanwhile is
 *   held for the replica (state wait_bgsave, then send_bulk); a newline goes to the replica
 *   every second of the walk as a keepalive. The RDB goes straight to the socket; the stream
 *   goes through the client's reply buffer (output-limit class `replica`), flushed once per
 *   tick like every reply.
 *
 * Acknowledgements. Replicas send REPLCONF ACK <offset> (every second, and when the stream
 * carries REPLCONF GETACK *). WAIT n timeout compares the acked offsets with the offset right
 * after the caller's last propagated write (Redis's c->woff), and blocks until enough replicas
 * reach it or the timeout passes; a blocked WAIT makes the master send GETACK at the end of the
 * tick. A 1 Hz cron sends PING into the stream every repl-ping-replica-period seconds, drops
 * replicas whose last ACK is older than repl-timeout, and frees an idle backlog.
 *
 * On a replica (replica.ts) this class keeps serving sub-replicas, but the stream it feeds them
 * is the master's, proxied verbatim (proxyStream): our own clients' writes are not streamed,
 * and replid / offset / backlog follow the master's history.
 *
 * Not here: diskless EOF-marked transfers (every replica gets the length-prefixed form, which
 * all replicas accept), min-replicas-to-write enforcement, and functions in the snapshot.
 */

import { randomBytes } from 'node:crypto';
import type { ClientView, ReplicationPort } from '../commands/context.js';
import type { Client } from '../engine/client.js';
import type { Engine } from '../engine/engine.js';
import type { BlockState } from '../engine/blocking.js';
import { PROPAGATE_REPL } from '../engine/propagation.js';
import { rdbOptionsFor } from '../engine/rdb-save.js';
import type { ReplicationHooks, ReplicaClientState } from '../engine/replication-hooks.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import * as E from '../protocol/errors.js';
import { RdbEncoder, type RdbOptions } from '../persistence/rdb/encoder.js';
import { parseInt64 } from '../util/numbers.js';
import { ReplBacklog } from './backlog.js';
import { ReplicationReplica } from './replica.js';
import { SyncSnapshot } from './sync-snapshot.js';

const CAPA_EOF = 1;
const CAPA_PSYNC2 = 2;
/** The smallest backlog Redis allocates (CONFIG_REPL_BACKLOG_MIN_SIZE). */
const BACKLOG_MIN_SIZE = 16 * 1024;
const ZERO_ID = '0'.repeat(40);

/** Per-connection replication settings and, once attached, the replica's state. */
export class ReplicaLink implements ReplicaClientState {
  readonly isReplica = true as const;
  listeningPort = 0;
  announcedIp: string | null = null;
  capa = 0;
  rdbOnly = false;
  /** REPLCONF rdb-filter-only: the snapshot leaves the keys out. */
  excludeData = false;
  /** Attached with the old SYNC: no +FULLRESYNC line, no ACKs expected. */
  prePsync = false;
  /** wait_bgsave (not synced yet), send_bulk (the snapshot is being written) or online. */
  state: 'wait_bgsave' | 'send_bulk' | 'online' = 'wait_bgsave';
  /** The full sync's snapshot while it is being taken (wait_bgsave). */
  snapshot: SyncSnapshot | null = null;
  /** Stream bytes produced while the snapshot is taken and written (sent once it is). */
  pending: Buffer[] = [];
  pendingBytes = 0;

  get online(): boolean {
    return this.state === 'online';
  }
  ackOffset = 0;
  /** Unix seconds of the last ACK (or of the sync). */
  ackTime = 0;
}

interface Waiter {
  client: Client;
  offset: number;
  numReplicas: number;
  state: BlockState;
  timer: NodeJS.Timeout | null;
}

/** The unix time in seconds (the replication timers' clock, here and on the replica side). */
export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/** A command as a RESP multibulk request. */
export function respCommand(argv: readonly string[]): Buffer {
  let size = 1 + String(argv.length).length + 2;
  for (const a of argv) size += 1 + String(a.length).length + 2 + a.length + 2;
  const b = Buffer.allocUnsafe(size);
  let p = b.latin1Write(`*${argv.length}\r\n`, 0);
  for (const a of argv) {
    p += b.latin1Write(`$${a.length}\r\n`, p);
    p += b.latin1Write(a, p);
    b[p++] = 13;
    b[p++] = 10;
  }
  return b;
}

export class ReplicationMaster implements ReplicationPort, ReplicationHooks {
  replId = randomBytes(20).toString('hex');
  replId2 = ZERO_ID;
  secondReplOffset = -1;
  /** master_repl_offset: bytes of replication stream produced so far. */
  offset = 0;
  backlog: ReplBacklog | null = null;
  /** Attached replicas, in attach order. */
  readonly replicas: Client[] = [];
  syncFull = 0;
  syncPartialOk = 0;
  syncPartialErr = 0;
  /** The database the stream has selected (-1: the next command must carry a SELECT). */
  private selDb = -1;
  private readonly links = new WeakMap<Client, ReplicaLink>();
  /** Offset right after each client's last propagated write (WAIT). */
  private readonly woff = new WeakMap<Client, number>();
  private waiters: Waiter[] = [];
  private getAckScheduled = false;
  private noReplicasSince = nowSec();
  private cronLoops = 0;
  private cronTimer: NodeJS.Timeout | null = null;
  private removeSink: (() => void) | null = null;
  private minReplicasToWrite = 0;
  private minReplicasMaxLag = 0;
  /** The replica side: REPLICAOF, the link to our own master. */
  readonly replica: ReplicationReplica;

  constructor(private readonly e: Engine) {
    this.replica = new ReplicationReplica(e, this);
  }

  /** Plug into the engine: stream sink, command port, INFO hooks, DEBUG, config, cron. */
  attach(): this {
    const e = this.e;
    this.removeSink = e.propagation.addSink(PROPAGATE_REPL, (dbid, argv) => this.feed(dbid, argv), () => this.feeding);
    e.ports.replication = this;
    e.replication = this;
    e.ports.registerDebug('change-repl-id', (argv, reply) => {
      if (argv.length !== 2) return false;
      e.log('warning', 'Changing replication IDs after receiving DEBUG change-repl-id');
      this.replId = randomBytes(20).toString('hex');
      this.clearReplId2();
      reply.ok();
      return true;
    });
    e.config.onChange('repl-backlog-size', () => {
      this.backlog?.resize(this.backlogSize());
      return null;
    });
    this.cronTimer = setInterval(() => this.cron(), 1000);
    this.cronTimer.unref?.();
    this.replica.attach();
    // min-replicas-to-write / -max-lag, read on every write: kept here as plain numbers.
    const syncMinReplicas = (): null => {
      this.minReplicasToWrite = e.config.getNum('min-replicas-to-write');
      this.minReplicasMaxLag = e.config.getNum('min-replicas-max-lag');
      return null;
    };
    e.config.onChange('min-replicas-to-write', syncMinReplicas);
    e.config.onChange('min-replicas-max-lag', syncMinReplicas);
    syncMinReplicas();
    return this;
  }

  detach(): void {
    this.replica.detach();
    if (this.cronTimer) clearInterval(this.cronTimer);
    this.cronTimer = null;
    this.removeSink?.();
    this.removeSink = null;
  }

  private backlogSize(): number {
    return Math.max(BACKLOG_MIN_SIZE, this.e.config.getNum('repl-backlog-size'));
  }

  private linkOf(c: Client): ReplicaLink {
    let l = this.links.get(c);
    if (l === undefined) {
      l = new ReplicaLink();
      this.links.set(c, l);
    }
    return l;
  }

  private clearReplId2(): void {
    this.replId2 = ZERO_ID;
    this.secondReplOffset = -1;
  }

  /* ---- history changes driven by the replica side ----------------------------------------- */

  /** shiftReplicationId: the current ID stays valid as replid2 up to offset + 1. */
  shiftReplId(newId = randomBytes(20).toString('hex')): void {
    this.replId2 = this.replId;
    this.secondReplOffset = this.offset + 1;
    this.replId = newId;
    this.selDb = -1;
    this.e.log('warning', `Setting secondary replication ID to ${this.replId2}, valid up to offset: ` +
      `${this.secondReplOffset}. New replication ID is ${this.replId}`);
  }

  /** A full sync with a master: its ID and offset become ours, with a fresh backlog. */
  resetHistory(replId: string, offset: number): void {
    this.replId = replId;
    this.offset = offset;
    this.clearReplId2();
    this.selDb = -1;
    this.backlog = new ReplBacklog(this.backlogSize(), offset + 1);
  }

  /** REPLICAOF NO ONE: a new history (the old one stays continuable) and no replica yet. */
  becameMaster(): void {
    this.shiftReplId();
    this.disconnectReplicas();
    this.noReplicasSince = nowSec();
  }

  ensureBacklog(): void {
    if (this.backlog === null) this.backlog = new ReplBacklog(this.backlogSize(), this.offset + 1);
  }

  dropBacklog(): void {
    this.backlog = null;
  }

  /** disconnectSlaves: every attached replica must sync again (it learns the new history). */
  disconnectReplicas(): void {
    for (const c of [...this.replicas]) c.conn.destroy();
  }

  /** The master's stream, applied by our master client: fed verbatim to our sub-replicas. */
  proxyStream(b: Buffer): void {
    this.feedBytes(b);
  }

  /* ---- the stream -------------------------------------------------------------------------- */

  /**
   * Whether feed() takes commands now: a master with a backlog or replicas (a replica streams
   * its master's bytes instead, proxyStream, never its own commands).
   */
  get feeding(): boolean {
    return !this.e.ks.isReplica && (this.backlog !== null || this.replicas.length !== 0);
  }

  /** replicationFeedSlaves: one command of database `dbid` (-1 or the selected db: no SELECT). */
  feed(dbid: number, argv: readonly string[]): void {
    if (!this.feeding) return;
    if (dbid !== this.selDb) {
      this.feedBytes(respCommand(['SELECT', String(dbid)]));
      this.selDb = dbid;
    }
    this.feedBytes(respCommand(argv));
    const by = this.e.propagatingClient;
    if (by !== null) this.woff.set(by, this.offset);
  }

  private feedBytes(b: Buffer): void {
    this.offset += b.length;
    this.backlog?.append(b);
    for (const c of this.replicas) {
      if (c.closed) continue;
      const l = c.replica as ReplicaLink;
      if (l.state === 'online') {
        c.writer.rawBuffer(b);
        this.e.schedule(c);
      } else {
        // wait_bgsave (the snapshot is being taken) or send_bulk (being written): held.
        l.pending.push(b);
        l.pendingBytes += b.length;
        const hard = this.e.outputLimits.replica.hard;
        if (hard && l.pendingBytes >= hard) {
          this.e.log('warning', `Client ${this.e.ports.clientInfoLine(c)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
          c.conn.destroy();
        }
      }
    }
  }

  /* ---- SYNC / PSYNC ------------------------------------------------------------------------ */

  private replicaName(c: Client, l: ReplicaLink): string {
    const ip = l.announcedIp ?? peerIp(c);
    return l.listeningPort ? `${ip.includes(':') ? `[${ip}]` : ip}:${l.listeningPort}` : `${ip}:<unknown-replica-port>`;
  }

  sync(view: ClientView, argv: readonly string[], reply: ReplyWriter): void {
    const c = view as Client;
    if (c.replica !== null) return; // already a replica: ignored
    const isPsync = (argv[0] ?? '').toLowerCase() === 'psync';
    if (isPsync && argv.length > 3 && (argv[3] ?? '').toLowerCase() === 'failover') {
      this.e.log('warning', `Failover request received for replid ${argv[1] ?? ''}.`);
      reply.error("ERR PSYNC FAILOVER can't be sent to a master.");
      return;
    }
    if (this.e.ks.isReplica && !this.replica.linkUp) {
      reply.error("NOMASTERLINK Can't SYNC while not connected with my master");
      return;
    }
    if (c.writer.pendingBytes > 0) {
      reply.error('ERR SYNC and PSYNC are invalid with pending output');
      return;
    }
    const l = this.linkOf(c);
    if (l.excludeData && !(l.capa & CAPA_EOF)) {
      reply.error('ERR Filtered replica requires EOF capability');
      return;
    }
    this.e.log('notice', `Replica ${this.replicaName(c, l)} asks for synchronization`);
    if (isPsync) {
      const off = parseInt64(argv[2] ?? '');
      if (off === null) {
        this.e.log('warning', `Replica ${this.replicaName(c, l)} asks for synchronization but with a wrong offset`);
        reply.error('ERR value is not an integer or out of range');
        return;
      }
      const replid = argv[1] ?? '';
      if (this.tryPartial(c, l, replid, Number(off))) {
        this.syncPartialOk++;
        return;
      }
      if (!replid.startsWith('?')) this.syncPartialErr++;
    } else {
      l.prePsync = true;
    }
    this.syncFull++;
    if (!l.rdbOnly) this.attachReplica(c, l);
    if (this.replicas.length === 1 && this.backlog === null) {
      this.replId = randomBytes(20).toString('hex');
      this.clearReplId2();
      this.backlog = new ReplBacklog(this.backlogSize(), this.offset + 1);
      this.e.log('notice', `Replication backlog created, my new replication IDs are '${this.replId}' and '${this.replId2}'`);
    }
    this.fullSync(c, l);
  }

  private attachReplica(c: Client, l: ReplicaLink): void {
    c.replica = l;
    this.replicas.push(c);
    c.conn.socket.once('close', () => this.replicaGone(c));
  }

  private replicaGone(c: Client): void {
    const i = this.replicas.indexOf(c);
    if (i === -1) return;
    this.replicas.splice(i, 1);
    this.e.log('warning', `Connection with replica ${this.replicaName(c, c.replica as ReplicaLink)} lost.`);
    if (this.replicas.length === 0) this.noReplicasSince = nowSec();
  }

  /** masterTryPartialResynchronization. */
  private tryPartial(c: Client, l: ReplicaLink, replid: string, off: number): boolean {
    const id = replid.toLowerCase();
    if (id !== this.replId && (id !== this.replId2 || off > this.secondReplOffset)) {
      if (!replid.startsWith('?')) {
        if (id !== this.replId && id !== this.replId2) {
          this.e.log('notice', 'Partial resynchronization not accepted: Replication ID mismatch ' +
            `(Replica asked for '${replid}', my replication IDs are '${this.replId}' and '${this.replId2}')`);
        } else {
          this.e.log('notice', 'Partial resynchronization not accepted: Requested offset for second ID was ' +
            `${off}, but I can reply up to ${this.secondReplOffset}`);
        }
      } else {
        this.e.log('notice', `Full resync requested by replica ${this.replicaName(c, l)}`);
      }
      return false;
    }
    if (this.backlog === null || !this.backlog.covers(off)) {
      this.e.log('notice', `Unable to partial resync with replica ${this.replicaName(c, l)} for lack of backlog ` +
        `(Replica request was: ${off}).`);
      return false;
    }
    this.attachReplica(c, l);
    l.state = 'online';
    l.ackTime = nowSec();
    const head = l.capa & CAPA_PSYNC2 ? `+CONTINUE ${this.replId}\r\n` : '+CONTINUE\r\n';
    const data = this.backlog.readFrom(off);
    c.conn.write([Buffer.from(head, 'latin1'), ...data]);
    const n = data.reduce((s, b) => s + b.length, 0);
    this.e.log('notice', `Partial resynchronization request from ${this.replicaName(c, l)} accepted. ` +
      `Sending ${n} bytes of backlog starting from offset ${off}.`);
    return true;
  }

  /** The snapshot options the config asks for, with this master's replication fields. */
  private rdbOptions(streamDb: number): RdbOptions {
    return { ...rdbOptionsFor(this.e), repl: { streamDb, replId: this.replId, offset: this.offset } };
  }

  /**
   * Full resynchronization: +FULLRESYNC at once, then the snapshot of this moment, taken in
   * slices without stalling the loop (sync-snapshot.ts), as a bulk payload.
   */
  private fullSync(c: Client, l: ReplicaLink): void {
    const mc = this.replica.master;
    const streamDb = this.e.ks.isReplica && mc !== null ? mc.dbIndex : this.selDb === -1 ? 0 : this.selDb;
    // The stream restarts for this replica: its next command must select a database.
    this.selDb = -1;
    const opts = this.rdbOptions(streamDb);
    if (!l.prePsync) c.conn.write([Buffer.from(`+FULLRESYNC ${this.replId} ${this.offset}\r\n`, 'latin1')]);
    const send = (chunks: Buffer[], total: number): void => {
      l.snapshot = null;
      if (c.closed) return;
      c.conn.write([Buffer.from(`$${total}\r\n`, 'latin1')]);
      l.state = 'send_bulk';
      let i = 0;
      this.sendBulk(c, l, () => (i < chunks.length ? (chunks[i++] as Buffer) : null));
    };
    if (l.excludeData) {
      const enc = new RdbEncoder(opts);
      const chunks = [enc.header(), enc.trailer()];
      send(chunks, chunks[0]!.length + chunks[1]!.length);
      return;
    }
    l.snapshot = new SyncSnapshot(this.e.ks, opts, send);
    c.conn.socket.once('close', () => l.snapshot?.abort());
  }

  /**
   * Write the snapshot straight to the socket, one chunk at a time as it drains (so the
   * payload never counts against the replica's output-buffer limits, as in Redis, where it is
   * sent from the file), holding the stream produced meanwhile; then put the replica online
   * and release the held stream into its output.
   */
  private sendBulk(c: Client, l: ReplicaLink, next: () => Buffer | null): void {
    const sock = c.conn.socket;
    const pump = (): void => {
      if (c.closed) return;
      for (let b = next(); b !== null; b = next()) {
        c.conn.write([b]);
        if (sock.writableNeedDrain) {
          sock.once('drain', pump);
          return;
        }
      }
      this.e.log('notice', `Synchronization with replica ${this.replicaName(c, l)} succeeded`);
      if (l.rdbOnly) {
        // redis-cli --rdb and friends: the snapshot only, then the connection ends.
        c.conn.closeAfterWrite();
        return;
      }
      l.state = 'online';
      l.ackTime = nowSec();
      for (const b of l.pending) c.writer.rawBuffer(b);
      l.pending = [];
      l.pendingBytes = 0;
      this.e.schedule(c);
    };
    pump();
  }

  /* ---- REPLCONF ---------------------------------------------------------------------------- */

  isReplica(view: ClientView): boolean {
    return (view as Client).replica !== null;
  }

  setListeningPort(view: ClientView, port: number): void {
    this.linkOf(view as Client).listeningPort = port;
  }

  setAnnouncedIp(view: ClientView, ip: string): void {
    this.linkOf(view as Client).announcedIp = ip;
  }

  addCapability(view: ClientView, capa: string): void {
    const l = this.linkOf(view as Client);
    if (capa === 'eof') l.capa |= CAPA_EOF;
    else if (capa === 'psync2') l.capa |= CAPA_PSYNC2;
  }

  setRdbOnly(view: ClientView, on: boolean): void {
    this.linkOf(view as Client).rdbOnly = on;
  }

  /** REPLCONF rdb-filter-only with no filter kept but functions: the snapshot holds no keys. */
  setExcludeData(view: ClientView, on: boolean): void {
    this.linkOf(view as Client).excludeData = on;
  }

  ack(view: ClientView, offset: number): void {
    const c = view as Client;
    const l = c.replica as ReplicaLink | null;
    if (l === null) return;
    if (offset > l.ackOffset) l.ackOffset = offset;
    l.ackTime = nowSec();
    if (this.waiters.length) this.processWaiters();
  }

  /* ---- WAIT -------------------------------------------------------------------------------- */

  /** replicationCountAcksByOffset. */
  countAcks(offset: number): number {
    let n = 0;
    for (const c of this.replicas) {
      const l = c.replica as ReplicaLink;
      if (l.online && l.ackOffset >= offset) n++;
    }
    return n;
  }

  wait(view: ClientView, numReplicas: number, deadline: number, canBlock: boolean, reply: ReplyWriter): void {
    const c = view as Client;
    if (this.e.ks.isReplica) {
      reply.error('ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica ' +
        'is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.');
      return;
    }
    const offset = this.woff.get(c) ?? 0;
    const acked = this.countAcks(offset);
    if (acked >= numReplicas || !canBlock) {
      reply.integer(acked);
      return;
    }
    const cmd = this.e.registry.lookup(['wait']);
    if (cmd === undefined) {
      reply.integer(acked);
      return;
    }
    // Block like a key-blocked client (input paused, flag b, blocked_clients) but on no key:
    // the engine's Blocking never serves it; this class does, on ACKs or at the deadline.
    const state: BlockState = {
      db: this.e.ks.dbs[c.dbIndex] ?? (this.e.ks.dbs[0] as BlockState['db']),
      keys: [],
      deadline: 0,
      argv: ['wait'],
      cmd,
      timer: null,
    };
    c.blocked = state;
    this.e.blocking.count++;
    const w: Waiter = { client: c, offset, numReplicas, state, timer: null };
    if (deadline > 0) w.timer = setTimeout(() => this.waitTimedOut(w), Math.max(0, deadline - Date.now()));
    this.waiters.unshift(w);
    this.requestAcks();
  }

  /** replicationRequestAckFromSlaves: REPLCONF GETACK * at the end of this tick. */
  private requestAcks(): void {
    if (this.getAckScheduled) return;
    this.getAckScheduled = true;
    setImmediate(() => {
      this.getAckScheduled = false;
      if (this.replicas.length) this.feed(this.selDb, ['REPLCONF', 'GETACK', '*']);
    });
  }

  private finishWait(w: Waiter, count: number): void {
    if (w.timer) clearTimeout(w.timer);
    w.timer = null;
    const c = w.client;
    const i = this.waiters.indexOf(w);
    if (i !== -1) this.waiters.splice(i, 1);
    if (c.closed || c.blocked !== w.state) return; // disconnected or CLIENT UNBLOCKed meanwhile
    c.blocked = null;
    this.e.blocking.count--;
    c.writer.resp = c.resp;
    c.writer.integer(count);
    this.e.schedule(c);
    this.e.resumed(c);
  }

  private waitTimedOut(w: Waiter): void {
    w.timer = null;
    this.finishWait(w, this.countAcks(w.offset));
  }

  /** processClientsWaitingReplicas. */
  private processWaiters(): void {
    for (const w of [...this.waiters]) {
      if (w.client.closed || w.client.blocked !== w.state) {
        this.finishWait(w, 0);
        continue;
      }
      const n = this.countAcks(w.offset);
      if (n >= w.numReplicas) this.finishWait(w, n);
    }
  }

  /* ---- ROLE / INFO ------------------------------------------------------------------------- */

  role(): { offset: number; replicas: Array<[string, number, number]> } {
    const out: Array<[string, number, number]> = [];
    for (const c of this.replicas) {
      const l = c.replica as ReplicaLink;
      if (!l.online) continue;
      out.push([l.announcedIp ?? peerIp(c), l.listeningPort, l.ackOffset]);
    }
    return { offset: this.offset, replicas: out };
  }

  get replInputBytes(): number {
    return this.replica.counters.netInputBytes;
  }

  get backlogMemory(): number {
    return this.backlog?.size ?? 0;
  }

  /** ROLE as a replica: master address, link state, applied offset (-1 without a link). */
  replicaRole(): { host: string; port: number; state: string; offset: number } | null {
    const r = this.replica;
    if (!this.e.ks.isReplica || r.host === null) return null;
    return { host: r.host, port: r.port, state: r.roleState(), offset: r.master !== null ? this.offset : -1 };
  }

  replicaof(view: ClientView, host: string, port: string, reply: ReplyWriter): void {
    this.replica.replicaof(view, host, port, reply);
  }

  replicaGate(c: Client, flags: number, stage: 0 | 1): string | null {
    if (this.e.ks.isReplica) return this.replica.gate(c, flags, stage);
    return stage === 0 && !this.enoughGoodReplicas() ? E.NOREPLICAS : null;
  }

  /** checkGoodReplicasStatus: min-replicas-to-write is met or off (a replica counts none). */
  enoughGoodReplicas(): boolean {
    const min = this.minReplicasToWrite;
    return this.e.ks.isReplica || min === 0 || this.minReplicasMaxLag === 0 || this.goodReplicas() >= min;
  }

  /** Online replicas whose last ACK is at most min-replicas-max-lag seconds old. */
  private goodReplicas(): number {
    const maxLag = this.minReplicasMaxLag;
    const now = nowSec();
    let good = 0;
    for (const c of this.replicas) {
      const l = c.replica as ReplicaLink;
      if (l.online && now - l.ackTime <= maxLag) good++;
    }
    return good;
  }

  infoFields(): Array<[string, string | number]> {
    const asReplica = this.e.ks.isReplica && this.replica.host !== null;
    const f: Array<[string, string | number]> = [['role', asReplica ? 'slave' : 'master']];
    if (asReplica) f.push(...this.replica.infoFields());
    f.push(['connected_slaves', this.replicas.length]);
    const now = nowSec();
    if (this.minReplicasToWrite && this.minReplicasMaxLag) f.push(['min_slaves_good_slaves', this.goodReplicas()]);
    let id = 0;
    for (const c of this.replicas) {
      const l = c.replica as ReplicaLink;
      const state = l.state;
      const lag = l.online ? now - l.ackTime : 0;
      f.push([`slave${id++}`,
        `ip=${l.announcedIp ?? peerIp(c)},port=${l.listeningPort},state=${state},offset=${l.ackOffset},lag=${lag}`]);
    }
    f.push(
      ['master_failover_state', 'no-failover'],
      ['master_replid', this.replId],
      ['master_replid2', this.replId2],
      ['master_repl_offset', this.offset],
      ['second_repl_offset', this.secondReplOffset],
      ['repl_backlog_active', this.backlog !== null ? 1 : 0],
      ['repl_backlog_size', this.backlogSize()],
      ['repl_backlog_first_byte_offset', this.backlog?.start ?? 0],
      ['repl_backlog_histlen', this.backlog?.histlen ?? 0],
    );
    return f;
  }

  /* ---- replicationCron --------------------------------------------------------------------- */

  cron(): void {
    // Counted from 1: the first ping goes out a whole period after start (Redis's loop 0 runs at
    // startup, when no replica can be attached yet).
    this.cronLoops++;
    const cfg = this.e.config;
    const period = Math.max(1, cfg.getNum('repl-ping-replica-period'));
    if (this.cronLoops % period === 0 && this.replicas.length) this.feed(this.selDb, ['PING']);
    const now = nowSec();
    const timeout = cfg.getNum('repl-timeout');
    for (const c of [...this.replicas]) {
      const l = c.replica as ReplicaLink;
      // A newline keeps a replica waiting for its snapshot alive (replicationCron does the same).
      if (l.snapshot !== null && !c.closed) c.conn.write([Buffer.from('\n', 'latin1')]);
      if (!l.online || l.prePsync) continue;
      if (now - l.ackTime > timeout) {
        this.e.log('warning', `Disconnecting timedout replica (streaming sync): ${this.replicaName(c, l)}`);
        c.conn.destroy();
      }
    }
    const ttl = cfg.getNum('repl-backlog-ttl');
    if (this.replicas.length === 0 && ttl && this.backlog !== null && !this.e.ks.isReplica &&
      now - this.noReplicasSince > ttl) {
      this.replId = randomBytes(20).toString('hex');
      this.clearReplId2();
      this.backlog = null;
      this.e.log('notice', `Replication backlog freed after ${ttl} seconds without connected replicas.`);
    }
  }
}

/** The peer's IP address (without the port). */
function peerIp(c: Client): string {
  const a = c.conn.addr;
  const i = a.lastIndexOf(':');
  return i === -1 ? a : a.slice(0, i);
}

/** Build the master side of replication for `engine` and plug it in. */
export function attachReplicationMaster(engine: Engine): ReplicationMaster {
  return new ReplicationMaster(engine).attach();
}
