// The master side of replication: SYNC/PSYNC payloads, the command stream, REPLCONF ACK and
// WAIT, ROLE/INFO/CLIENT LIST, partial resync from the backlog; and a real redis-server
// (Debian 7.0.15, required) replicating from nodis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { field, infoField, sleep, until } from '../helpers/replication.js';
import { decodeRdb } from '../../src/persistence/rdb/decoder.js';

/** A replica speaking the protocol by hand: reads the sync payload, then the command stream. */
class RawReplica {
  /** Received bytes not consumed yet: buf[start, end). */
  private buf = Buffer.alloc(1 << 16);
  private start = 0;
  private end = 0;
  private wake: (() => void) | null = null;
  closed = false;

  private constructor(readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      if (this.end + d.length > this.buf.length) {
        const live = this.end - this.start;
        const nb = Buffer.alloc(Math.max(this.buf.length, (live + d.length) * 2));
        this.buf.copy(nb, 0, this.start, this.end);
        this.buf = nb;
        this.start = 0;
        this.end = live;
      }
      d.copy(this.buf, this.end);
      this.end += d.length;
      this.wake?.();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  private get length(): number {
    return this.end - this.start;
  }

  static connect(port: number): Promise<RawReplica> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawReplica(s)));
      s.on('error', reject);
    });
  }

  send(...argv: string[]): void {
    let s = `*${argv.length}\r\n`;
    for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
    this.sock.write(Buffer.from(s, 'latin1'));
  }

  /** Wait until `n` bytes are buffered (or time out). */
  private async need(n: number, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.length < n) {
      if (this.closed || Date.now() > end) throw new Error(`stream ended or timed out waiting for ${n} bytes (have ${this.length})`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 50);
      });
      this.wake = null;
    }
  }

  private take(n: number): Buffer {
    const out = Buffer.from(this.buf.subarray(this.start, this.start + n));
    this.start += n;
    return out;
  }

  async line(): Promise<string> {
    for (;;) {
      const i = this.buf.subarray(this.start, this.end).indexOf('\r\n');
      if (i !== -1) return this.take(i + 2).toString('latin1', 0, i);
      await this.need(this.length + 1);
    }
  }

  /** The bulk payload after SYNC / +FULLRESYNC (newlines before it are keepalives). */
  async payload(): Promise<Buffer> {
    let l = await this.line();
    while (l === '') l = await this.line();
    expect(l[0]).toBe('$');
    const n = Number(l.slice(1));
    await this.need(n);
    return this.take(n);
  }

  /** The next command of the stream as strings, the command name lowercased (as Tcl's helper does). */
  async command(timeoutMs = 3000): Promise<string[]> {
    const head = await Promise.race([this.line(), sleep(timeoutMs).then(() => null)]);
    if (head === null) throw new Error('no command in the stream');
    expect(head[0]).toBe('*');
    const n = Number(head.slice(1));
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const h = await this.line();
      const len = Number(h.slice(1));
      await this.need(len + 2);
      const arg = this.take(len + 2).toString('latin1', 0, len);
      out.push(i === 0 ? arg.toLowerCase() : arg);
    }
    return out;
  }

  /** Raw bytes buffered right now. */
  pending(): Buffer {
    return this.take(this.length);
  }

  close(): void {
    this.sock.destroy();
  }
}

function checkRdb(bytes: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-sync-'));
  const file = path.join(dir, 'sync.rdb');
  fs.writeFileSync(file, bytes);
  const res = spawnSync('redis-check-rdb', [file], { encoding: 'latin1' });
  fs.rmSync(dir, { recursive: true, force: true });
  if (res.error) throw new Error('redis-check-rdb is not installed (Debian package redis-tools)');
  expect(res.status, res.stdout).toBe(0);
  return res.stdout;
}

describe('replication master (raw replicas)', () => {
  let s: RunningServer;
  let c: Redis;

  beforeAll(async () => {
    // As the Tcl helper does: no PING in the streams these tests read (one test turns it on).
    s = await startServer({ port: 0, config: { loglevel: 'warning', 'repl-ping-replica-period': 3600, 'enable-debug-command': 'yes' } });
    c = new Redis({ port: s.port, protocol: 2 });
  });

  afterAll(async () => {
    c?.disconnect();
    await s?.close();
  });

  it('answers SYNC with a valid RDB of the dataset and then streams writes with SELECT', async () => {
    await c.set('before', 'sync');
    await c.select(2);
    await c.rpush('list', 'a', 'b');
    await c.select(0);
    const r = await RawReplica.connect(s.port);
    r.send('SYNC');
    const rdb = await r.payload();
    expect(rdb.subarray(0, 9).toString()).toBe('REDIS0010');
    const report = checkRdb(rdb);
    expect(report).toMatch(/keys read: 2|2 keys read|Checking RDB file/);
    expect(rdb.includes(Buffer.from('before'))).toBe(true);
    expect(rdb.includes(Buffer.from('repl-id'))).toBe(true);

    await c.set('k', 'v');
    expect(await r.command()).toEqual(['select', '0']);
    expect(await r.command()).toEqual(['set', 'k', 'v']);
    await c.select(9);
    await c.incr('n');
    expect(await r.command()).toEqual(['select', '9']);
    expect(await r.command()).toEqual(['incr', 'n']);
    await c.incr('n');
    expect(await r.command()).toEqual(['incr', 'n']);
    await c.select(0);
    // Reads propagate nothing; deterministic rewrites and transactions arrive as Redis sends them.
    await c.get('k');
    await c.set('ex', 'v', 'EX', 100);
    const setex = await r.command();
    expect(setex.slice(0, 2)).toEqual(['select', '0']);
    const cmd = await r.command();
    expect(cmd.slice(0, 4)).toEqual(['set', 'ex', 'v', 'PXAT']);
    expect(Math.abs(Number(cmd[4]) - (Date.now() + 100000))).toBeLessThan(2000);
    await c.multi().set('a', '1').set('b', '2').exec();
    expect(await r.command()).toEqual(['multi']);
    expect(await r.command()).toEqual(['set', 'a', '1']);
    expect(await r.command()).toEqual(['set', 'b', '2']);
    expect(await r.command()).toEqual(['exec']);
    r.close();
  });

  it('propagates expired keys as DEL and GETDEL as DEL', async () => {
    const r = await RawReplica.connect(s.port);
    r.send('SYNC');
    await r.payload();
    await c.set('short', 'v', 'PX', 30);
    expect((await r.command())[0]).toBe('select');
    expect((await r.command()).slice(0, 4)).toEqual(['set', 'short', 'v', 'PXAT']);
    await sleep(60);
    expect(await c.get('short')).toBeNull();
    expect(await r.command()).toEqual(['del', 'short']);
    await c.set('gd', 'x');
    expect(await r.command()).toEqual(['set', 'gd', 'x']);
    await c.getdel('gd');
    expect(await r.command()).toEqual(['del', 'gd']);
    r.close();
  });

  it('answers PSYNC ? -1 with +FULLRESYNC and shows the replica in INFO, ROLE and CLIENT LIST', async () => {
    const r = await RawReplica.connect(s.port);
    r.send('REPLCONF', 'listening-port', '6390');
    expect(await r.line()).toBe('+OK');
    r.send('REPLCONF', 'capa', 'eof', 'capa', 'psync2');
    expect(await r.line()).toBe('+OK');
    r.send('PSYNC', '?', '-1');
    const head = await r.line();
    const m = /^\+FULLRESYNC ([0-9a-f]{40}) (\d+)$/.exec(head);
    expect(m).not.toBeNull();
    const replid = m![1]!;
    const offset = Number(m![2]);
    checkRdb(await r.payload());
    const info = await c.info('replication');
    expect(infoField(info, 'role')).toBe('master');
    expect(infoField(info, 'connected_slaves')).toBe('1');
    expect(infoField(info, 'slave0')).toMatch(/^ip=127\.0\.0\.1,port=6390,state=online,offset=0,lag=\d+$/);
    expect(infoField(info, 'master_replid')).toBe(replid);
    expect(Number(infoField(info, 'master_repl_offset'))).toBe(offset);
    expect(infoField(info, 'repl_backlog_active')).toBe('1');
    const list = (await c.client('LIST')) as string;
    expect(list).toMatch(/flags=S /);
    expect(await c.call('CLIENT', 'LIST', 'TYPE', 'replica')).toMatch(/flags=S /);

    // Acks move the replica's offset; ROLE lists it.
    r.send('REPLCONF', 'ACK', String(offset));
    await sleep(50);
    expect(await c.role()).toEqual(['master', offset, [['127.0.0.1', '6390', String(offset)]]]);

    // Stream offsets: a write moves master_repl_offset by the bytes sent.
    await c.set('counted', 'x');
    const sel = await r.command();
    const set = await r.command();
    expect(sel).toEqual(['select', '0']);
    expect(set).toEqual(['set', 'counted', 'x']);
    const bytes = '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$7\r\ncounted\r\n$1\r\nx\r\n'.length;
    const info2 = await c.info('replication');
    expect(Number(infoField(info2, 'master_repl_offset'))).toBe(offset + bytes);

    // Partial resync: the same replid and the next offset continue from the backlog.
    r.close();
    await sleep(50);
    expect(infoField(await c.info('replication'), 'connected_slaves')).toBe('0');
    const r2 = await RawReplica.connect(s.port);
    r2.send('REPLCONF', 'capa', 'psync2');
    expect(await r2.line()).toBe('+OK');
    r2.send('PSYNC', replid, String(offset + 1));
    expect(await r2.line()).toBe(`+CONTINUE ${replid}`);
    expect(await r2.command()).toEqual(['select', '0']);
    expect(await r2.command()).toEqual(['set', 'counted', 'x']);
    await c.set('after', 'continue');
    expect(await r2.command()).toEqual(['set', 'after', 'continue']);
    r2.close();

    // An unknown replid or an offset outside the backlog gets a full resync.
    const r3 = await RawReplica.connect(s.port);
    r3.send('PSYNC', 'f'.repeat(40), '1');
    expect(await r3.line()).toMatch(/^\+FULLRESYNC /);
    await r3.payload();
    r3.close();
    const stats = await c.info('stats');
    expect(Number(infoField(stats, 'sync_partial_ok'))).toBeGreaterThanOrEqual(1);
    expect(Number(infoField(stats, 'sync_partial_err'))).toBeGreaterThanOrEqual(1);
    expect(Number(infoField(stats, 'sync_full'))).toBeGreaterThanOrEqual(3);
  });

  it('rejects bad REPLCONF and PSYNC arguments with Redis errors', async () => {
    await expect(c.call('REPLCONF', 'listening-port')).rejects.toThrow('ERR syntax error');
    await expect(c.call('REPLCONF', 'nope', 'x')).rejects.toThrow('ERR Unrecognized REPLCONF option: nope');
    await expect(c.call('REPLCONF', 'listening-port', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(c.call('REPLCONF', 'rdb-only', '2')).rejects.toThrow('ERR value is out of range, value must between 0 and 1');
    await expect(c.call('PSYNC', '?', 'abc')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(c.call('PSYNC', 'x', '1', 'FAILOVER')).rejects.toThrow("ERR PSYNC FAILOVER can't be sent to a master.");
    expect(await c.role()).toEqual(['master', expect.any(Number), []]);
  });

  it('WAIT returns at once without replicas to wait for, and times out otherwise', async () => {
    // Give REPLCONF ACK from a normal client no reply: the next reply is PING's.
    const raw = await RawReplica.connect(s.port);
    raw.send('REPLCONF', 'ACK', '5');
    raw.send('PING');
    expect(await raw.line()).toBe('+PONG');
    raw.close();
    expect(await c.wait(0, 0)).toBe(0);
    const t0 = Date.now();
    expect(await c.wait(1, 150)).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await expect(c.call('WAIT', 'x', '0')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(c.call('WAIT', '1', '-1')).rejects.toThrow('ERR timeout is negative');
  });

  it('WAIT blocks until a replica acknowledges the last write (GETACK in the stream)', async () => {
    const r = await RawReplica.connect(s.port);
    r.send('PSYNC', '?', '-1');
    const m = /^\+FULLRESYNC \S+ (\d+)$/.exec(await r.line());
    const base = Number(m![1]);
    await r.payload();
    r.send('REPLCONF', 'ACK', String(base));
    await sleep(30);
    // Nothing written by this client yet: one replica is enough.
    const w = new Redis({ port: s.port, protocol: 2 });
    expect(await w.wait(1, 0)).toBe(1);
    await w.set('w', '1');
    const waiting = w.wait(1, 0);
    expect(await r.command()).toEqual(['select', '0']);
    expect(await r.command()).toEqual(['set', 'w', '1']);
    expect(await r.command()).toEqual(['replconf', 'GETACK', '*']);
    const info = await c.info('replication');
    const now = Number(infoField(info, 'master_repl_offset'));
    expect(await c.info('clients')).toMatch(/blocked_clients:1/);
    // An ack short of the write does not release it; one at the write's offset does.
    r.send('REPLCONF', 'ACK', String(base + 10));
    await sleep(50);
    let done = false;
    void waiting.then(() => {
      done = true;
    });
    await sleep(20);
    expect(done).toBe(false);
    r.send('REPLCONF', 'ACK', String(now));
    expect(await waiting).toBe(1);
    // A timeout reports how many replicas did acknowledge.
    await w.set('w', '2');
    expect(await w.wait(1, 100)).toBe(0);
    w.disconnect();
    r.close();
  });

  it('holds the stream produced while a large snapshot is still being written', async () => {
    const big = randomBytes(1 << 20);
    await c.select(3);
    for (let i = 0; i < 24; i++) await c.set(`big:${i}`, big);
    await c.select(0);
    const r = await RawReplica.connect(s.port);
    r.sock.pause();
    r.send('SYNC');
    await sleep(100);
    // The replica reads nothing: the snapshot is stuck in the socket, the replica is not online.
    expect(infoField(await c.info('replication'), 'slave0')).toMatch(/state=send_bulk/);
    await c.set('during', 'transfer');
    r.sock.resume();
    const rdb = await r.payload();
    expect(rdb.length).toBeGreaterThan(24 << 20);
    expect(await r.command()).toEqual(['select', '0']);
    expect(await r.command()).toEqual(['set', 'during', 'transfer']);
    await sleep(20);
    expect(infoField(await c.info('replication'), 'slave0')).toMatch(/state=online/);
    r.close();
    await c.select(3);
    await c.flushdb();
    await c.select(0);
  });

  it('takes the snapshot in slices: the payload is the dataset at the cut, later writes follow it', async () => {
    await c.select(4);
    await c.call('DEBUG', 'POPULATE', '200000', 'walk');
    await c.select(0);
    const r = await RawReplica.connect(s.port);
    const other = await RawReplica.connect(s.port);
    r.send('SYNC'); // (no +FULLRESYNC line for SYNC)
    other.send('PSYNC', '?', '-1');
    const full = await other.line();
    expect(full).toMatch(/^\+FULLRESYNC [0-9a-f]{40} [0-9]+$/);
    // A BGSAVE alongside: three snapshots intercept the writes below, each for its own cut.
    expect(await c.bgsave()).toMatch(/Background saving started/);
    // The walks are running: the loop answers, and these writes land after their cuts.
    const states = (await c.info('replication')).match(/state=[a-z_]+/g);
    expect(states).toContain('state=wait_bgsave');
    await c.select(4);
    await c.set('walk:1', 'changed');
    await c.del('walk:2');
    await c.set('walk:new', 'x');
    await c.select(0);
    for (const rep of [r, other]) {
      const rdb = await rep.payload();
      const d = decodeRdb(rdb);
      const keys = new Map<string, string>();
      d.takeStaged((db, k) => {
        if (db === 4) keys.set(k.key, String(k.value.ptr));
      });
      expect(keys.size).toBe(200000);
      expect(keys.get('walk:1')).toBe('value:1');
      expect(keys.get('walk:2')).toBe('value:2');
      expect(keys.has('walk:new')).toBe(false);
      expect(await rep.command()).toEqual(['select', '4']);
      expect(await rep.command()).toEqual(['set', 'walk:1', 'changed']);
      expect(await rep.command()).toEqual(['del', 'walk:2']);
      expect(await rep.command()).toEqual(['set', 'walk:new', 'x']);
      rep.close();
    }
    await until(async () => /rdb_bgsave_in_progress:0/.test(await c.info('persistence')), 'the BGSAVE');
    const [, dir] = (await c.config('GET', 'dir')) as string[];
    const [, dbfile] = (await c.config('GET', 'dbfilename')) as string[];
    const saved = new Map<string, string>();
    decodeRdb(fs.readFileSync(path.join(dir as string, dbfile as string))).takeStaged((db, k) => {
      if (db === 4) saved.set(k.key, String(k.value.ptr));
    });
    expect([saved.size, saved.get('walk:1'), saved.get('walk:2'), saved.has('walk:new')]).toEqual([200000, 'value:1', 'value:2', false]);
    // A replica that leaves during its snapshot stops the walk and its write interception.
    const quitter = await RawReplica.connect(s.port);
    quitter.send('SYNC');
    await sleep(5);
    quitter.close();
    await until(async () => !/state=wait_bgsave/.test(await c.info('replication')), 'the quitter gone');
    expect(s.engine.ks.hooks.beforeWrite).toBeUndefined();
    await c.select(4);
    await c.flushdb();
    await c.select(0);
  });

  it('sends PING into the stream every repl-ping-replica-period seconds', async () => {
    await c.config('SET', 'repl-ping-replica-period', '1');
    const r = await RawReplica.connect(s.port);
    r.send('SYNC');
    await r.payload();
    const cmds: string[][] = [];
    const end = Date.now() + 2500;
    while (Date.now() < end && !cmds.some((x) => x[0] === 'ping')) {
      try {
        cmds.push(await r.command(2600));
      } catch {
        break;
      }
    }
    expect(cmds).toContainEqual(['ping']);
    await c.config('SET', 'repl-ping-replica-period', '3600');
    r.close();
  });
});

describe('a real redis-server replicating from nodis', () => {
  let s: RunningServer;
  let c: Redis;
  let real: RealRedis;
  let replica: Redis;

  beforeAll(async () => {
    s = await startServer({ port: 0, config: { loglevel: 'warning' } });
    c = new Redis({ port: s.port, protocol: 2 });
    await c.set('str', 'hello');
    await c.set('num', '12345');
    await c.set('ttl', 'v', 'EX', 1000);
    await c.rpush('list', 'a', 'b', 'c');
    await c.hset('hash', 'f1', 'v1', 'f2', 'v2');
    await c.sadd('set', '1', '2', 'x');
    await c.zadd('zset', 1.5, 'a', 2, 'b');
    await c.select(5);
    await c.set('in5', 'five');
    await c.select(0);
    real = await startRealRedis(['--replicaof', '127.0.0.1', String(s.port), '--repl-ping-replica-period', '1']);
    replica = new Redis({ port: real.port, protocol: 2 });
    await until(async () => (await field(replica, 'replication', 'master_link_status')) === 'up', 'the link');
  }, 30000);

  afterAll(async () => {
    replica?.disconnect();
    await real?.stop();
    c?.disconnect();
    await s?.close();
  });

  it('receives the dataset through a full resync', async () => {
    expect(infoField(await replica.info('replication'), 'master_link_status')).toBe('up');
    expect(await replica.get('str')).toBe('hello');
    expect(await replica.get('num')).toBe('12345');
    expect(await replica.lrange('list', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await replica.hgetall('hash')).toEqual({ f1: 'v1', f2: 'v2' });
    expect((await replica.smembers('set')).sort()).toEqual(['1', '2', 'x']);
    expect(await replica.zrange('zset', '0', '-1', 'WITHSCORES')).toEqual(['a', '1.5', 'b', '2']);
    expect(await replica.pexpiretime('ttl')).toBe(await c.pexpiretime('ttl'));
    await replica.select(5);
    expect(await replica.get('in5')).toBe('five');
    await replica.select(0);
    const info = await c.info('replication');
    expect(infoField(info, 'connected_slaves')).toBe('1');
    expect(infoField(info, 'slave0')).toMatch(new RegExp(`port=${real.port},state=online`));
  });

  it('applies subsequent writes, transactions, expiries and database switches', async () => {
    await c.set('later', 'written');
    await c.append('str', ' world');
    await c.lpush('list', 'z');
    await c.hincrby('hash', 'n', 5);
    await c.expire('str', 500);
    await c.multi().incr('num').del('set').exec();
    await c.select(7);
    await c.set('in7', 'seven');
    await c.select(0);
    await c.set('gone', 'soon', 'PX', 20);
    await sleep(40);
    await c.get('gone');
    await until(async () => (await replica.get('later')) === 'written', 'the writes');
    await until(async () => (await replica.exists('gone')) === 0, 'the expired key DEL');
    expect(await replica.get('str')).toBe('hello world');
    expect(await replica.lrange('list', 0, -1)).toEqual(['z', 'a', 'b', 'c']);
    expect(await replica.hget('hash', 'n')).toBe('5');
    expect(await replica.get('num')).toBe('12346');
    expect(await replica.exists('set')).toBe(0);
    expect(await replica.pexpiretime('str')).toBe(await c.pexpiretime('str'));
    await replica.select(7);
    expect(await replica.get('in7')).toBe('seven');
    await replica.select(0);
  });

  it('acknowledges the stream: offsets match and WAIT counts the replica', async () => {
    await c.set('acked', '1');
    expect(await c.wait(1, 2000)).toBe(1);
    const masterOffset = Number(infoField(await c.info('replication'), 'master_repl_offset'));
    await until(async () => Number(infoField(await replica.info('replication'), 'slave_repl_offset')) === masterOffset, 'the replica offset');
    const role = (await c.role()) as [string, number, Array<[string, string, string]>];
    expect(role[0]).toBe('master');
    expect(role[2]).toHaveLength(1);
    expect(role[2][0]![1]).toBe(String(real.port));
  });
});
