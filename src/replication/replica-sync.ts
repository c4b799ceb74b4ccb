/*
 * One synchronization attempt of a replica with its master (Redis's syncWithMaster and
 * readSyncBulkPayload), from the TCP connect to the moment the socket carries the command
 * stream. It owns the socket until then and reports each outcome to its host (replica.ts):
 *
 *   connecting ─connect─▶ PING ─+PONG (or -NOAUTH / -NOPERM: auth comes next)─▶ pipelined
 *   AUTH [masteruser] masterauth, REPLCONF listening-port, [REPLCONF ip-address],
 *   REPLCONF capa eof capa psync2 ─replies read in order; only AUTH's error is fatal─▶
 *   PSYNC <replid> <offset> ─▶
 *     +FULLRESYNC <replid> <offset> ─▶ the payload: `$<len>\r\n` + len bytes, or the diskless
 *       `$EOF:<40-byte mark>\r\n` + bytes ending with the mark (bare newlines before either are
 *       the master's keepalives) ─▶ host.payload(rdb, bytes after it)
 *     +CONTINUE [<replid>] ─▶ host.continued(replid, bytes after the line)
 *     anything else ─▶ host.failed(reason)
 *
 * Replies are read line by line from an accumulating buffer (a master may split or merge them
 * arbitrarily); the payload is collected as chunks and joined once. lastIo and the transfer
 * counters feed repl-timeout and INFO's master_sync_* fields. After either success the attempt
 * detaches its listeners and hands the (paused) socket over.
 */

import net from 'node:net';
import type { Socket } from 'node:net';
import type { Config } from '../config/config.js';
import type { LogLevel } from '../util/log.js';
import { nowSec, respCommand } from './master.js';

const EMPTY = Buffer.alloc(0);
const EOF_MARK_LEN = 40;

/** The reply (or payload part) the attempt waits for. */
type Step = 'pong' | 'auth' | 'port' | 'ip' | 'capa' | 'psync' | 'bulkhdr' | 'bulk' | 'done';

export interface SyncHost {
  readonly config: Config;
  log(level: LogLevel, msg: string): void;
  /** Our listening port (REPLCONF listening-port unless replica-announce-port is set). */
  readonly listeningPort: number;
  /** PSYNC's arguments: our history to continue, or `? -1`. */
  psyncArgs(): [string, string];
  /** +FULLRESYNC received: the payload follows. */
  fullResync(replId: string, offset: number): void;
  /** +CONTINUE: the socket now carries the stream (`rest` already arrived). */
  continued(newReplId: string, sock: Socket, rest: Buffer): void;
  /** The whole payload arrived: the socket (paused) carries the stream after `rest`. */
  payload(rdb: Buffer, sock: Socket, rest: Buffer): void;
  /** The attempt ended without a sync (the socket is closed); `msg` is logged. */
  failed(msg: string | null): void;
}

export class SyncAttempt {
  phase: 'connecting' | 'handshake' | 'transfer' = 'connecting';
  /** Unix seconds of the last byte received (or of the attempt's start). */
  lastIo = nowSec();
  /** Payload size (-1 before its header, 0 with an EOF mark: unknown) and bytes read so far. */
  transferSize = -1;
  transferRead = 0;
  eofMark: Buffer | null = null;
  private step: Step = 'pong';
  private inbuf: Buffer = EMPTY;
  private expect: Step[] = [];
  private chunks: Buffer[] = [];
  private tail: Buffer = EMPTY;
  private finished = false;
  private readonly sock: Socket;

  constructor(host: string, port: number, private readonly h: SyncHost) {
    h.log('notice', 'MASTER <-> REPLICA sync started');
    this.sock = net.connect({ host, port });
    this.sock.setNoDelay(true);
    this.sock.on('connect', this.onConnect);
    this.sock.on('data', this.onData);
    this.sock.on('error', this.onError);
    this.sock.on('close', this.onClose);
  }

  /** Give up (REPLICAOF elsewhere, timeout, shutdown): close without reporting. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    this.detach();
    this.sock.destroy();
  }

  private detach(): void {
    this.sock.off('connect', this.onConnect);
    this.sock.off('data', this.onData);
    this.sock.off('error', this.onError);
    this.sock.off('close', this.onClose);
  }

  private fail(msg: string | null): void {
    if (this.finished) return;
    this.abort();
    this.h.failed(msg);
  }

  private readonly onConnect = (): void => {
    this.h.log('notice', 'Non blocking connect for SYNC fired the event.');
    this.phase = 'handshake';
    this.lastIo = nowSec();
    this.send(['PING']);
  };

  private readonly onError = (err: Error): void => {
    if (this.phase === 'connecting') this.h.log('warning', `Error condition on socket for SYNC: ${err.message}`);
  };

  private readonly onClose = (): void => {
    this.fail(this.phase === 'transfer' ? 'I/O error trying to sync with MASTER: connection lost' : null);
  };

  private readonly onData = (chunk: Buffer): void => {
    this.lastIo = nowSec();
    this.inbuf = this.inbuf.length ? Buffer.concat([this.inbuf, chunk]) : chunk;
    while (!this.finished) {
      if (this.step === 'bulk') {
        this.readBulk();
        return;
      }
      const line = this.readLine();
      if (line === null) return;
      this.onLine(line);
    }
  };

  private readLine(): string | null {
    const i = this.inbuf.indexOf(10);
    if (i === -1) return null;
    const end = i > 0 && this.inbuf[i - 1] === 13 ? i - 1 : i;
    const line = this.inbuf.latin1Slice(0, end);
    this.inbuf = this.inbuf.subarray(i + 1);
    return line;
  }

  private send(argv: string[]): void {
    this.sock.write(respCommand(argv));
  }

  private onLine(line: string): void {
    // Empty lines are keepalives (while the master prepares its reply or the payload).
    if (line === '') return;
    switch (this.step) {
      case 'pong':
        this.onPong(line);
        return;
      case 'auth':
      case 'port':
      case 'ip':
      case 'capa':
        this.onReplconfReply(line);
        return;
      case 'psync':
        this.onPsyncReply(line);
        return;
      case 'bulkhdr':
        this.onBulkHeader(line);
        return;
      default:
        return;
    }
  }

  private onPong(line: string): void {
    if (line.startsWith('-') && !line.startsWith('-NOAUTH') && !line.startsWith('-NOPERM') &&
      !line.startsWith('-ERR operation not permitted')) {
      this.fail(`Error reply to PING from master: '${line}'`);
      return;
    }
    this.h.log('notice', 'Master replied to PING, replication can continue...');
    const cfg = this.h.config;
    this.expect = [];
    const auth = cfg.getStr('masterauth');
    if (auth !== '') {
      const user = cfg.getStr('masteruser');
      this.send(user !== '' ? ['AUTH', user, auth] : ['AUTH', auth]);
      this.expect.push('auth');
    }
    const announcePort = cfg.getNum('replica-announce-port');
    this.send(['REPLCONF', 'listening-port', String(announcePort || this.h.listeningPort)]);
    this.expect.push('port');
    const ip = cfg.getStr('replica-announce-ip');
    if (ip !== '') {
      this.send(['REPLCONF', 'ip-address', ip]);
      this.expect.push('ip');
    }
    this.send(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
    this.expect.push('capa');
    this.step = this.expect.shift() as Step;
  }

  private onReplconfReply(line: string): void {
    if (line.startsWith('-')) {
      if (this.step === 'auth') {
        this.fail(`Unable to AUTH to MASTER: ${line}`);
        return;
      }
      const what = this.step === 'port' ? 'listening-port' : this.step === 'ip' ? 'ip-address' : 'capa';
      this.h.log('notice', `(Non critical) Master does not understand REPLCONF ${what}: ${line}`);
    }
    const next = this.expect.shift();
    if (next !== undefined) {
      this.step = next;
      return;
    }
    const [id, off] = this.h.psyncArgs();
    if (id === '?') this.h.log('notice', 'Partial resynchronization not possible (no cached master)');
    else this.h.log('notice', `Trying a partial resynchronization (request ${id}:${off}).`);
    this.send(['PSYNC', id, off]);
    this.step = 'psync';
  }

  private onPsyncReply(line: string): void {
    if (line.startsWith('+FULLRESYNC')) {
      const parts = line.split(' ');
      const id = parts[1] ?? '';
      const off = Number(parts[2]);
      if (id.length !== 40 || !Number.isSafeInteger(off)) {
        this.h.log('warning', 'Master replied with wrong +FULLRESYNC syntax.');
        this.h.fullResync('0'.repeat(40), -1);
      } else {
        this.h.log('notice', `Full resync from master: ${id}:${off}`);
        this.h.fullResync(id, off);
      }
      this.phase = 'transfer';
      this.step = 'bulkhdr';
      return;
    }
    if (line.startsWith('+CONTINUE')) {
      this.h.log('notice', 'Successful partial resynchronization with master.');
      this.handOver();
      this.h.continued(line.slice(9).trim(), this.sock, this.takeRest());
      return;
    }
    if (line.startsWith('-NOMASTERLINK') || line.startsWith('-LOADING')) {
      this.fail(`Master is currently unable to PSYNC but should be in the future: ${line}`);
      return;
    }
    this.fail(`Unexpected reply to PSYNC from master: ${line}`);
  }

  private onBulkHeader(line: string): void {
    if (line.startsWith('-')) {
      this.fail(`MASTER aborted replication with an error: ${line.slice(1)}`);
      return;
    }
    if (!line.startsWith('$')) {
      this.fail(`Bad protocol from MASTER, the first byte is not '$' (we received '${line}'), ` +
        'are you sure the host and port are right?');
      return;
    }
    if (line.startsWith('$EOF:') && line.length >= 5 + EOF_MARK_LEN) {
      this.eofMark = Buffer.from(line.slice(5, 5 + EOF_MARK_LEN), 'latin1');
      this.transferSize = 0;
      this.h.log('notice', 'MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk');
    } else {
      const n = Number(line.slice(1));
      if (!Number.isSafeInteger(n) || n < 0) {
        this.fail(`Bad protocol from MASTER, invalid bulk length '${line}'`);
        return;
      }
      this.transferSize = n;
      this.h.log('notice', `MASTER <-> REPLICA sync: receiving ${n} bytes from master to disk`);
    }
    this.step = 'bulk';
  }

  private readBulk(): void {
    const data = this.takeRest();
    if (this.eofMark !== null) {
      if (data.length) {
        this.chunks.push(data);
        this.transferRead += data.length;
        this.tail = Buffer.concat([this.tail, data]).subarray(-EOF_MARK_LEN);
      }
      if (this.tail.length === EOF_MARK_LEN && this.tail.equals(this.eofMark)) {
        const all = Buffer.concat(this.chunks);
        this.chunks = [];
        this.complete(all.subarray(0, all.length - EOF_MARK_LEN), EMPTY);
      }
      return;
    }
    const take = Math.min(this.transferSize - this.transferRead, data.length);
    if (take > 0) {
      this.chunks.push(data.subarray(0, take));
      this.transferRead += take;
    }
    if (this.transferRead < this.transferSize) return;
    const rdb = Buffer.concat(this.chunks);
    this.chunks = [];
    this.complete(rdb, data.subarray(take));
  }

  private complete(rdb: Buffer, rest: Buffer): void {
    this.handOver();
    this.h.payload(rdb, this.sock, rest);
  }

  private takeRest(): Buffer {
    const b = this.inbuf;
    this.inbuf = EMPTY;
    return b;
  }

  /** The socket leaves this attempt, open and paused (its new owner resumes it). */
  private handOver(): void {
    this.sock.pause();
    this.finished = true;
    this.step = 'done';
    this.detach();
  }
}
