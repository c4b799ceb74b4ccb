/*
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password |
 * AUTH2 username password] [KEYS key ...]: move keys to another server with RESTORE.
 *
 * Redis runs the whole exchange with blocking socket calls inside the command. Handlers here
 * are synchronous and must not stop the event loop, so the command runs in two calls:
 *
 *  1. The first call parses the arguments, looks the keys up and serializes them with the
 *     DUMP encoder right away (the values as they are at call time), then sends on a cached
 *     connection to the target (see Target) AUTH (when given), SELECT (when the connection's
 *     database differs) and one RESTORE per key (ttl relative to now, REPLACE when asked), and
 *     blocks the client on a private wake-up key (blockForKeys).
 *  2. When every reply line arrived (or the connection failed or timed out), the transfer
 *     wakes that key; the engine runs the same command again for the client, and that call
 *     finds the finished transfer: it deletes each acknowledged key (unless COPY) — only when
 *     the key still holds exactly the serialized value and TTL, since other clients ran in
 *     between — propagates those deletions as one DEL, and replies +OK, the first target
 *     error ("ERR Target instance replied with error: ...") or "IOERR error or timeout ...".
 *
 * Inside MULTI or a script the client cannot block: there the exchange is synchronous, as in
 * Redis (the whole server waits; see runSync), on a fresh connection.
 * The AUTH/AUTH2 secrets are hidden from MONITOR and the slow log by the engine (monitor.ts).
 */

import net from 'node:net';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Ctx, ServerPorts } from './context.js';
import { keyRange, type CommandSpec, type KeyRef } from './spec.js';
import { intArg, is } from './args.js';
import { atoi } from '../util/numbers.js';
import { lookupRead } from './lookup.js';
import { SYNTAX } from '../protocol/errors.js';
import { NOTIFY_GENERIC } from '../keyspace/notify.js';

/** Largest chunk Redis writes at once; also our write unit. */
const WRITE_CHUNK = 64 * 1024;

/** One key to move: its DUMP payload as serialized. */
interface Item {
  key: string;
  payload: Buffer;
  /** Absolute expire (unix ms) at serialization, -1 = none. */
  expire: number;
  /** The target acknowledged its RESTORE. */
  ok: boolean;
}

interface Job {
  /** The argv array of the blocked call: the engine's re-run passes the same array. */
  argv: string[];
  clientId: number;
  replace: boolean;
  wakeKey: string;
  dbIndex: number;
  copy: boolean;
  items: Item[];
  /** The target, as given ("host", "port"), fixed for the whole transfer and its retry. */
  host: string;
  port: string;
  /** Per-step I/O timeout (ms). */
  timeoutMs: number;
  /** AUTH arguments ([password] or [username, password]), null = no AUTH. */
  auth: string[] | null;
  /** The destination db on the target (dbIndex is the source db here). */
  dbid: number;
  /** The reply to give, once the transfer ended. */
  error: string | null;
  done: boolean;
}

function bulkHeader(out: Buffer[], s: string | Buffer): void {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  out.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1'));
}

function command(out: Buffer[], args: ReadonlyArray<string | Buffer>): void {
  out.push(Buffer.from(`*${args.length}\r\n`, 'latin1'));
  for (const a of args) bulkHeader(out, a);
}

interface TransferResult {
  lines: string[];
  /** Where it failed: null = every expected line arrived. */
  failed: null | 'writing' | 'reading';
  timedOut: boolean;
}

/** MIGRATE_SOCKET_CACHE_ITEMS / MIGRATE_SOCKET_CACHE_TTL. */
const CACHE_ITEMS = 64;
const CACHE_TTL_MS = 10_000;

/**
 * One cached connection to a target ("host:port" as given), reused by later MIGRATEs for a
 * few seconds (Redis's migrate_cached_sockets); it remembers the database it selected, so
 * SELECT is only sent when the destination changes. Exchanges on it run one at a time: a
 * MIGRATE finding it busy queues behind the current one (Redis, being synchronous, never
 * overlaps them either).
 */
class Target {
  sock: net.Socket | null = null;
  lastDbid = -1;
  busy = false;
  private readonly waiting: Array<() => void> = [];
  private idle: NodeJS.Timeout | null = null;
  private acc = '';
  private lines: string[] = [];
  private expect = 0;
  private stage: 'connecting' | 'writing' | 'reading' = 'connecting';
  private timer: NodeJS.Timeout | null = null;
  private done: ((r: TransferResult | null) => void) | null = null;

  constructor(
    readonly name: string,
    private readonly cache: Map<string, Target>,
  ) {}

  /** Run `fn` when this target is free; `fn` must call release() when finished. */
  acquire(fn: () => void): void {
    if (this.idle !== null) clearTimeout(this.idle);
    this.idle = null;
    if (this.busy) {
      this.waiting.push(fn);
      return;
    }
    this.busy = true;
    fn();
  }

  release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) {
      next();
      return;
    }
    this.busy = false;
    this.idle = setTimeout(() => {
      if (this.busy) return;
      this.close();
      if (this.cache.get(this.name) === this) this.cache.delete(this.name);
    }, CACHE_TTL_MS);
    this.idle.unref();
  }

  /** migrateCloseSocket: forget the connection (the next use reconnects and SELECTs). */
  close(): void {
    this.sock?.destroy();
    this.sock = null;
    this.lastDbid = -1;
  }

  private settle(r: TransferResult | null): void {
    const done = this.done;
    this.done = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    done?.(r);
  }

  private arm(timeoutMs: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const failed = this.stage;
      this.close();
      this.settle(failed === 'connecting' ? null : { lines: this.lines, failed, timedOut: true });
    }, timeoutMs);
  }

  /**
   * Connect (connBlockingConnect): calls back with 'ok', 'failed' (the address could not be
   * resolved or used, or the timeout passed) or 'refused'. Redis's blocking connect only waits
   * for the socket to become writable, which a refused connection also is: the failure then
   * shows at the first write, so the caller treats 'refused' as a write error.
   */
  connect(host: string, port: number, timeoutMs: number, cb: (r: 'ok' | 'failed' | 'refused') => void): void {
    const sock = new net.Socket();
    this.sock = sock;
    this.stage = 'connecting';
    let refused = false;
    this.done = (r) => cb(r !== null ? 'ok' : refused ? 'refused' : 'failed');
    const lost = (err?: NodeJS.ErrnoException): void => {
      if (this.sock !== sock) return;
      const failed = this.stage;
      if (failed === 'connecting' && err !== undefined) refused = connectErrorIsRefusal(err);
      this.close();
      this.settle(failed === 'connecting' ? null : { lines: this.lines, failed, timedOut: false });
    };
    sock.on('error', lost);
    sock.on('close', () => lost());
    sock.on('data', (d: Buffer) => this.onData(d, timeoutMs));
    sock.once('connect', () => {
      sock.setNoDelay(true);
      this.settle({ lines: [], failed: null, timedOut: false });
    });
    sock.unref();
    this.arm(timeoutMs);
    try {
      sock.connect({ host, port });
    } catch {
      setImmediate(() => lost());
    }
  }

  private onData(d: Buffer, timeoutMs: number): void {
    if (this.done === null) return; // nothing asked: a stray reply is dropped
    this.stage = 'reading';
    this.arm(timeoutMs);
    this.acc += d.latin1Slice();
    for (let nl = this.acc.indexOf('\n'); nl !== -1; nl = this.acc.indexOf('\n')) {
      let line = this.acc.slice(0, nl);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.acc = this.acc.slice(nl + 1);
      this.lines.push(line);
      if (this.lines.length >= this.expect) {
        this.settle({ lines: this.lines, failed: null, timedOut: false });
        return;
      }
    }
  }

  /**
   * Write `data` and read `expect` reply lines; each step (each write, each line) must
   * progress within `timeoutMs`, like Redis's connSyncWrite / connSyncReadLine.
   */
  exchange(data: Buffer, expect: number, timeoutMs: number, cb: (r: TransferResult) => void): void {
    const sock = this.sock as net.Socket;
    this.lines = [];
    this.acc = '';
    this.expect = expect;
    this.stage = 'writing';
    this.done = (r) => cb(r ?? { lines: [], failed: 'writing', timedOut: false });
    this.arm(timeoutMs);
    let pos = 0;
    const writeNext = (): void => {
      while (pos < data.length && this.sock === sock && this.done !== null) {
        const chunk = data.subarray(pos, pos + WRITE_CHUNK);
        pos += chunk.length;
        const last = pos >= data.length;
        const flushed = sock.write(chunk, (err) => {
          if (err || this.done === null || this.sock !== sock) return; // 'error' reports it
          if (this.stage === 'writing') {
            if (last) this.stage = 'reading';
            this.arm(timeoutMs);
          }
        });
        if (!flushed && !last) {
          sock.once('drain', writeNext);
          return;
        }
      }
    };
    writeNext();
  }
}

/** What each server (keyed by its ports object) keeps between calls. */
interface ServerState {
  /** The cached connections, by "host:port". */
  targets: Map<string, Target>;
  /** Transfers in flight or finished and not yet collected, by client id (ids are per server). */
  jobs: Map<number, Job>;
}

const states = new WeakMap<object, ServerState>();

function stateOf(server: ServerPorts): ServerState {
  let st = states.get(server);
  if (st === undefined) states.set(server, (st = { targets: new Map(), jobs: new Map() }));
  return st;
}

/** INFO stats migrate_cached_sockets. */
export function migrateCachedSockets(server: ServerPorts): number {
  let n = 0;
  for (const t of states.get(server)?.targets.values() ?? []) if (t.sock !== null) n++;
  return n;
}

/** migrateGetSocket: the cached target for host:port, or a new one (evicting when full). */
function targetFor(server: ServerPorts, host: string, port: string): Target {
  const cache = stateOf(server).targets;
  const name = `${host}:${port}`;
  let t = cache.get(name);
  if (t !== undefined) return t;
  if (cache.size >= CACHE_ITEMS) {
    const idle = [...cache.values()].filter((x) => !x.busy);
    const victim = idle[Math.floor(Math.random() * idle.length)];
    if (victim !== undefined) {
      victim.close();
      cache.delete(victim.name);
    }
  }
  t = new Target(name, cache);
  cache.set(name, t);
  return t;
}

const CONNECT_ERROR = 'IOERR error or timeout connecting to the client';

/** The reply when the connection failed or timed out after connecting. */
function ioError(failed: TransferResult['failed']): string {
  return `IOERR error or timeout ${failed === 'writing' ? 'writing' : 'reading'} to target instance`;
}

/**
 * Connect errors that happen after Redis's non-blocking connect() was accepted (the peer
 * refused or was unreachable: Redis finds out at its first write), unlike errors in the
 * connect call itself (name resolution, a bad address). The sync helper thread gets them too.
 */
const REFUSAL_CODES = ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'EADDRNOTAVAIL'];

function connectErrorIsRefusal(err: NodeJS.ErrnoException): boolean {
  return err.code !== undefined && REFUSAL_CODES.includes(err.code);
}

/** The transfer ended: hand the outcome to the blocked client's second call. */
function complete(server: ServerPorts, job: Job): void {
  job.done = true;
  const jobs = stateOf(server).jobs;
  if (jobs.get(job.clientId) !== job) return; // the client moved on
  // A client that disconnected meanwhile leaves nothing to collect.
  if (!server.clients.exists(job.clientId)) jobs.delete(job.clientId);
  else server.wakeBlocked(job.dbIndex, job.wakeKey);
}

/** Run the exchange for `job` (one retry as Redis does when nothing was processed). */
function run(server: ServerPorts, job: Job, mayRetry: boolean): void {
  const t = targetFor(server, job.host, job.port);
  t.acquire(() => {
    if (t.sock !== null) {
      exchange(server, t, job, mayRetry);
      return;
    }
    t.connect(job.host, atoi(job.port), job.timeoutMs, (res) => {
      if (res === 'ok') {
        exchange(server, t, job, mayRetry);
        return;
      }
      t.close();
      t.release();
      if (res === 'refused' && mayRetry) {
        run(server, job, false);
        return;
      }
      job.error = res === 'refused' ? ioError('writing') : CONNECT_ERROR;
      complete(server, job);
    });
  });
}

/** The RESP request: [AUTH], [SELECT], one RESTORE per key (ttl relative to now). */
function buildRequest(job: Job, select: boolean): Buffer {
  const out: Buffer[] = [];
  if (job.auth !== null) command(out, ['AUTH', ...job.auth]);
  if (select) command(out, ['SELECT', String(job.dbid)]);
  for (const it of job.items) {
    const ttl = it.expire === -1 ? 0 : Math.max(1, it.expire - Date.now());
    const args: Array<string | Buffer> = ['RESTORE', it.key, String(ttl), it.payload];
    if (job.replace) args.push('REPLACE');
    command(out, args);
  }
  return Buffer.concat(out);
}

/** Reply lines before the RESTOREs' ([AUTH], [SELECT]). */
function preambleLines(job: Job, select: boolean): number {
  return (job.auth !== null ? 1 : 0) + (select ? 1 : 0);
}

/** Reply lines one exchange expects: the preamble's, then one per RESTORE. */
function expectedLines(job: Job, select: boolean): number {
  return preambleLines(job, select) + job.items.length;
}

/**
 * Read the reply lines of one exchange into `job` (which keys were acknowledged, the error to
 * reply). Returns 'retry' when `mayRetry`, nothing was processed and the socket failed without
 * timing out (Redis then tries once more on a fresh connection), 'target-error', 'socket-error'
 * or 'ok'.
 */
function judge(job: Job, r: TransferResult, select: boolean, mayRetry: boolean): 'retry' | 'target-error' | 'socket-error' | 'ok' {
  const pre = preambleLines(job, select);
  const authLine = job.auth !== null ? r.lines[0] : undefined;
  const selectLine = select ? r.lines[pre - 1] : undefined;
  let targetError: string | null = null;
  let socketError = r.lines.length < pre;
  let j = 0;
  if (!socketError) {
    for (; j < job.items.length; j++) {
      const line = r.lines[pre + j];
      if (line === undefined) {
        socketError = true;
        break;
      }
      if (authLine?.[0] === '-' || selectLine?.[0] === '-' || line[0] === '-') {
        if (targetError === null) {
          const errLine = authLine?.[0] === '-' ? authLine : selectLine?.[0] === '-' ? selectLine : line;
          targetError = `ERR Target instance replied with error: ${errLine.slice(1)}`;
        }
      } else {
        (job.items[j] as Item).ok = true;
      }
    }
  }
  if (mayRetry && targetError === null && socketError && j === 0 && !r.timedOut) return 'retry';
  if (targetError !== null) {
    job.error = targetError;
    return 'target-error';
  }
  if (socketError) {
    job.error = ioError(r.failed);
    return 'socket-error';
  }
  return 'ok';
}

function exchange(server: ServerPorts, t: Target, job: Job, mayRetry: boolean): void {
  const select = t.lastDbid !== job.dbid;
  t.exchange(buildRequest(job, select), expectedLines(job, select), job.timeoutMs, (r) => {
    const verdict = judge(job, r, select, mayRetry);
    if (r.failed !== null) t.close();
    if (verdict === 'ok') t.lastDbid = job.dbid;
    else if (verdict === 'target-error') t.lastDbid = -1;
    t.release();
    // 'retry': a cached connection the target closed meanwhile, reconnect once.
    if (verdict === 'retry') run(server, job, false);
    else complete(server, job);
  });
}

/* ---- Inside MULTI or a script: the synchronous form ------------------------------------------ */

/*
 * There the client cannot block, so the transfer runs the way Redis runs it: the whole server
 * waits. A helper thread does the socket work (the main thread sleeps on a shared flag with
 * Atomics.wait, woken when the thread posts the outcome); each step still has the timeout.
 * The connection is not cached.
 */
const SYNC_WORKER = `
const { workerData } = require('node:worker_threads');
const net = require('node:net');
const { port, shared, refusalCodes } = workerData;
const flag = new Int32Array(shared);
const refused = new Set(refusalCodes);
port.on('message', (q) => {
  const lines = [];
  let acc = '';
  let stage = 'connecting';
  let timer = null;
  let finished = false;
  const sock = new net.Socket();
  const finish = (failed, timedOut) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    sock.destroy();
    port.postMessage({ lines, failed, timedOut });
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => finish(stage, true), q.timeout);
  };
  sock.on('error', (e) => finish(stage === 'connecting' && refused.has(e.code) ? 'writing' : stage, false));
  sock.on('close', () => finish(stage, false));
  sock.on('data', (d) => {
    stage = 'reading';
    arm();
    acc += d.toString('latin1');
    for (let nl = acc.indexOf('\\n'); nl !== -1; nl = acc.indexOf('\\n')) {
      let line = acc.slice(0, nl);
      if (line.endsWith('\\r')) line = line.slice(0, -1);
      acc = acc.slice(nl + 1);
      lines.push(line);
      if (lines.length >= q.expect) return finish(null, false);
    }
  });
  sock.once('connect', () => {
    sock.setNoDelay(true);
    stage = 'writing';
    arm();
    sock.write(Buffer.from(q.data), (err) => {
      if (!err && stage === 'writing') { stage = 'reading'; arm(); }
    });
  });
  arm();
  try { sock.connect({ host: q.host, port: q.port }); } catch { setImmediate(() => finish('connecting', false)); }
});
`;

interface SyncWorker {
  port: MessagePort;
  flag: Int32Array;
}

let syncWorker: SyncWorker | null = null;

function getSyncWorker(): SyncWorker {
  if (syncWorker !== null) return syncWorker;
  const shared = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const w = new Worker(SYNC_WORKER, { eval: true, workerData: { port: port2, shared, refusalCodes: REFUSAL_CODES }, transferList: [port2] });
  w.unref();
  w.on('error', () => {
    syncWorker = null;
  });
  port1.unref();
  syncWorker = { port: port1, flag: new Int32Array(shared) };
  return syncWorker;
}

/** One exchange on a fresh connection, waited for synchronously; null when connecting failed. */
function transferSync(host: string, port: number, timeoutMs: number, data: Buffer, expect: number): TransferResult | null {
  const w = getSyncWorker();
  Atomics.store(w.flag, 0, 0);
  w.port.postMessage({ host, port, timeout: timeoutMs, data, expect });
  // Each step has its own timeout in the helper; this bound only guards against a dead helper.
  const bound = Math.min(2 ** 31 - 1, timeoutMs * (expect + 3) + 5000);
  Atomics.wait(w.flag, 0, 0, bound);
  const got = receiveMessageOnPort(w.port);
  if (got === undefined) return { lines: [], failed: 'reading', timedOut: true };
  const r = got.message as { lines: string[]; failed: 'connecting' | 'writing' | 'reading' | null; timedOut: boolean };
  if (r.failed === 'connecting') return null;
  return { lines: r.lines, failed: r.failed, timedOut: r.timedOut };
}

function runSync(c: Ctx, job: Job): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = transferSync(job.host, atoi(job.port), job.timeoutMs, buildRequest(job, true), expectedLines(job, true));
    if (r === null) {
      job.error = CONNECT_ERROR;
      break;
    }
    if (judge(job, r, true, attempt === 0) !== 'retry') break;
  }
  collect(c, job);
}

/** The second call: apply the outcome of a finished transfer. */
function collect(c: Ctx, job: Job): void {
  const jobs = stateOf(c.server).jobs;
  if (jobs.get(job.clientId) === job) jobs.delete(job.clientId);
  const db = c.ks.dbs[job.dbIndex] ?? c.db;
  const deleted: string[] = [];
  if (!job.copy) {
    for (const { key, payload, expire, ok } of job.items) {
      if (!ok) continue;
      const cur = db.peek(key);
      // Only the value that was sent: a key changed meanwhile keeps its new value.
      if (cur === undefined || db.getExpire(key) !== expire) continue;
      if (!c.server.dumpValue(cur).equals(payload)) continue;
      db.delete(key);
      c.modified(db, key);
      c.notify(NOTIFY_GENERIC, 'del', key, db.id);
      c.dirty();
      deleted.push(key);
    }
  }
  if (deleted.length) c.rewritePropagation(['DEL', ...deleted]);
  if (job.error !== null) c.reply.error(job.error);
  else c.reply.ok();
}

function migrateCommand(c: Ctx, argv: string[]): void {
  const jobs = stateOf(c.server).jobs;
  const pending = jobs.get(c.client.id);
  if (pending !== undefined) {
    if (pending.argv === argv) {
      // The engine re-ran the blocked call: collect when done, else keep waiting.
      if (pending.done) collect(c, pending);
      else c.blockForKeys([pending.wakeKey], 0);
      return;
    }
    jobs.delete(c.client.id); // an abandoned transfer (the client was unblocked)
  }
  let copy = false;
  let replace = false;
  let auth: string[] | null = null;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const a = argv[j] as string;
    if (is(a, 'copy')) copy = true;
    else if (is(a, 'replace')) replace = true;
    else if (is(a, 'auth')) {
      if (!more) {
        c.reply.error(SYNTAX);
        return;
      }
      auth = [argv[++j] as string];
    } else if (is(a, 'auth2')) {
      if (more < 2) {
        c.reply.error(SYNTAX);
        return;
      }
      auth = [argv[j + 1] as string, argv[j + 2] as string];
      j += 2;
    } else if (is(a, 'keys')) {
      if ((argv[3] as string).length !== 0) {
        c.reply.error('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string');
        return;
      }
      firstKey = j + 1;
      numKeys = argv.length - j - 1;
      break;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  let timeout = intArg(c, argv[5]);
  if (timeout === null) return;
  const dbid = intArg(c, argv[4]);
  if (dbid === null) return;
  if (timeout <= 0) timeout = 1000;
  timeout = Math.min(timeout, 2 ** 31 - 1); // a Node timer's limit

  const db = c.db;
  const items: Item[] = [];
  let found = 0;
  const now = Date.now();
  for (let j = 0; j < numKeys; j++) {
    const key = argv[firstKey + j] as string;
    const o = lookupRead(c, db, key);
    if (o === null) continue;
    found++;
    const expire = db.getExpire(key);
    if (expire !== -1 && expire < now) continue; // expired since the lookup
    items.push({ key, payload: c.server.dumpValue(o), expire, ok: false });
  }
  if (found === 0) {
    c.reply.simple('NOKEY');
    return;
  }
  const job: Job = {
    argv,
    clientId: c.client.id,
    wakeKey: `\0migrate\0${c.client.id}`,
    dbIndex: db.id,
    copy,
    replace,
    items,
    host: argv[1] as string,
    port: argv[2] as string,
    timeoutMs: timeout,
    auth,
    dbid,
    error: null,
    done: false,
  };
  if (!c.canBlock) {
    runSync(c, job);
    return;
  }
  jobs.set(job.clientId, job);
  c.blockForKeys([job.wakeKey], 0);
  run(c.server, job, true);
}

/** migrateGetKeys: the key argument, or what follows KEYS (none when the key is not ""). */
function migrateGetKeys(argv: readonly string[]): KeyRef[] {
  const flags = ['RW', 'access', 'delete'] as const;
  let first = 3;
  let num = 1;
  const skip: Record<string, number> = { copy: 0, replace: 0, auth: 1, auth2: 2 };
  for (let i = 6; i < argv.length; i++) {
    const a = (argv[i] as string).toLowerCase();
    if (a === 'keys') {
      if ((argv[3] as string).length > 0) {
        num = 0;
      } else {
        first = i + 1;
        num = argv.length - first;
      }
      break;
    }
    i += skip[a] ?? 0;
  }
  const out: KeyRef[] = [];
  for (let i = 0; i < num; i++) out.push({ pos: first + i, flags });
  return out;
}

export const commands: CommandSpec[] = [
  {
    name: 'migrate',
    arity: -6,
    flags: ['write'],
    acl: ['keyspace', 'dangerous'],
    keySpecs: [
      keyRange(['RW', 'access', 'delete'], 3),
      {
        flags: ['RW', 'access', 'delete', 'incomplete'],
        begin: { keyword: 'KEYS', startfrom: -2 },
        find: { range: { lastkey: -1, step: 1, limit: 0 } },
      },
    ],
    group: 'generic',
    since: '2.6.0',
    summary: 'Atomically transfer a key from a Redis instance to another one.',
    complexity: 'This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target ' +
      'instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two ' +
      'instances is performed.',
    history: [
      ['3.0.0', 'Added the `COPY` and `REPLACE` options.'],
      ['3.0.6', 'Added the `KEYS` option.'],
      ['4.0.7', 'Added the `AUTH` option.'],
      ['6.0.0', 'Added the `AUTH2` option.'],
    ],
    tips: ['nondeterministic_output'],
    args: [
      { name: 'host', type: 'string' },
      { name: 'port', type: 'integer' },
      {
        name: 'key_or_empty_string',
        type: 'oneof',
        arguments: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          // Redis's table spells this token "" in its JSON; COMMAND DOCS shows it as empty.
          { name: 'empty_string', type: 'pure-token', token: '' },
        ],
      },
      { name: 'destination-db', type: 'integer' },
      { name: 'timeout', type: 'integer' },
      { name: 'copy', type: 'pure-token', token: 'COPY', optional: true, since: '3.0.0' },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true, since: '3.0.0' },
      {
        name: 'authentication',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'password', type: 'string', token: 'AUTH', optional: true, since: '4.0.7' },
          {
            name: 'username_password',
            type: 'block',
            token: 'AUTH2',
            optional: true,
            since: '6.0.0',
            arguments: [
              { name: 'username', type: 'string' },
              { name: 'password', type: 'string' },
            ],
          },
        ],
      },
      { name: 'key', type: 'key', token: 'KEYS', optional: true, multiple: true, since: '3.0.6', key_spec_index: 1 },
    ],
    getKeys: migrateGetKeys,
    handler: migrateCommand,
  },
];
