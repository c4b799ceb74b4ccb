// The parallel startup load (engine/rdb-load.ts with its predigest worker thread), end to end:
// nodis is built to dist/ (the worker runs the compiled predigest-worker.js) and started as a
// child process on an RDB file a real redis-server (7.0.15) wrote: over a megabyte of every
// type and encoding, with TTLs, several databases and a function library. The log must show
// the parallel path, and the loaded dataset must have the same DEBUG DIGEST as the server
// that wrote it, database by database. A corrupt copy of the file must be refused, with the
// one-thread decoder's message, and the process must exit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { rng } from '../helpers/random.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-parallel-load-'));
const DBS = [0, 3];
let real: RealRedis;
let redis: Redis;
let rdb: Buffer;

async function populate(c: Redis): Promise<void> {
  const r = rng(5);
  for (const db of DBS) {
    await c.select(db);
    const p = c.pipeline();
    for (let i = 0; i < 6000; i++) {
      p.set(`s:${i}`, i % 3 === 0 ? String(i * 7) : `value-${i}-${r()}`);
      if (i % 11 === 0) p.expire(`s:${i}`, 100000 + i);
      const h: string[] = [];
      for (let f = 0; f < 2 + (i % 5); f++) h.push(`f${f}`, f % 2 ? String(Math.floor(r() * 1e6)) : `v${r()}`);
      p.hset(`h:${i}`, ...h);
      const z: string[] = [];
      for (let m = 0; m < 2 + (i % 5); m++) z.push(String(Math.floor(r() * 10000) / 100), `m${m}`);
      p.zadd(`z:${i}`, ...z);
    }
    p.set('s:lzf', 'abcdef'.repeat(200));
    for (let i = 0; i < 300; i++) p.rpush('l:big', `item${i}`, String(i));
    p.sadd('set:int', '1', '2', '-3', '100000');
    for (let i = 0; i < 600; i++) p.sadd('set:big', `m${i}`);
    for (let i = 0; i < 300; i++) p.zadd('z:skiplist', String(i / 7), `m${i}`);
    for (let i = 0; i < 300; i++) p.hset('h:table', `f${i}`, `v${i}`);
    for (let i = 1; i <= 200; i++) p.xadd('x:s', `${i}-1`, 'f', String(i));
    await p.exec();
    await c.xgroup('CREATE', 'x:s', 'g', '0');
    await c.xreadgroup('GROUP', 'g', 'alice', 'COUNT', '5', 'STREAMS', 'x:s', '>');
  }
  await c.call('FUNCTION', 'LOAD', "#!lua name=plib\nredis.register_function('pf', function() return 7 end)");
  await c.select(0);
}

/** Start dist/main.js on `file`; resolves with the process, its port and its log so far once the log matches `until` or it exited. */
async function startNodis(file: string, extra: string[] = [], until = /DB loaded from disk/): Promise<{ child: ChildProcess; port: number; log: () => string; exited: Promise<number | null> }> {
  const port = await freePort();
  const child = spawn('node', ['--v8-pool-size=1', path.join(root, 'dist/main.js'), '--port', String(port), '--save', '',
    '--dir', path.dirname(file), '--dbfilename', path.basename(file), '--loglevel', 'verbose', '--enable-debug-command', 'yes', ...extra], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 600 && !gone && !until.test(log); i++) await new Promise((r) => setTimeout(r, 50));
  return { child, port, log: () => log, exited };
}

/** DBSIZE of each test database is the same on `c` as on the real server. */
async function sameSizes(c: Redis): Promise<void> {
  for (const db of DBS) {
    await c.select(db);
    await redis.select(db);
    expect([db, await c.dbsize()]).toEqual([db, await redis.dbsize()]);
  }
  await redis.select(0);
}

async function stop(n: { child: ChildProcess; exited: Promise<number | null> }): Promise<void> {
  n.child.kill('SIGKILL');
  await n.exited;
}

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
  real = await startRealRedis(['--dir', dir, '--dbfilename', 'real.rdb']);
  redis = new Redis({ port: real.port, protocol: 2 } as never);
  await populate(redis);
  await redis.save();
  rdb = fs.readFileSync(path.join(dir, 'real.rdb'));
}, 180_000);

afterAll(async () => {
  redis?.disconnect();
  await real?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('parallel RDB load at startup', () => {
  it('loads a real Redis file through the worker with the same digest, database by database', async () => {
    expect(rdb.length).toBeGreaterThan(1 << 20); // the parallel path's threshold
    const file = path.join(dir, 'a.rdb');
    fs.writeFileSync(file, rdb);
    const n = await startNodis(file);
    const c = new Redis({ port: n.port, protocol: 2, lazyConnect: true } as never);
    try {
      expect(n.log()).toContain('Loading RDB in parallel');
      expect(n.log()).not.toContain('loading on one thread');
      await c.connect();
      const ttls = async (x: Redis): Promise<unknown> => {
        const p = x.pipeline();
        for (let i = 0; i < 6000; i += 11) p.pexpiretime(`s:${i}`);
        return p.exec();
      };
      await sameSizes(c);
      for (const db of DBS) {
        await c.select(db);
        await redis.select(db);
        expect(await ttls(c)).toEqual(await ttls(redis));
      }
      expect(await c.call('DEBUG', 'DIGEST')).toBe(await redis.call('DEBUG', 'DIGEST'));
      await c.select(3);
      await redis.select(3);
      for (const k of ['s:0', 's:11', 'h:7', 'z:9', 'x:s', 'set:int', 'l:big', 'z:skiplist']) {
        expect([k, await c.call('DEBUG', 'DIGEST-VALUE', k)]).toEqual([k, await redis.call('DEBUG', 'DIGEST-VALUE', k)]);
        expect([k, await c.pexpiretime(k)]).toEqual([k, await redis.pexpiretime(k)]);
      }
      expect(await c.call('FCALL', 'pf', '0')).toBe(7);
      await redis.select(0);
    } finally {
      c.disconnect();
      await stop(n);
    }
  }, 60_000);

  it('loads a replica\'s full sync payload through the worker too', async () => {
    await redis.config('SET', 'repl-diskless-sync-delay', '0');
    const empty = path.join(dir, 'none.rdb');
    const n = await startNodis(empty, ['--replicaof', '127.0.0.1', String(real.port)], /Ready to accept connections/);
    const c = new Redis({ port: n.port, protocol: 2 } as never);
    try {
      for (let i = 0; i < 600 && !/master_link_status:up/.test(await c.info('replication')); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await c.info('replication')).toContain('master_link_status:up');
      expect(n.log()).toMatch(/Loading DB in memory[\s\S]*Loading RDB in parallel/);
      expect(n.log()).not.toContain('loading on one thread');
      await sameSizes(c);
      await c.select(0);
      expect(await c.call('DEBUG', 'DIGEST')).toBe(await redis.call('DEBUG', 'DIGEST'));
    } finally {
      c.disconnect();
      await stop(n);
    }
  }, 60_000);

  it('refuses a corrupt file with the one-thread decoder\'s error, and exits', async () => {
    const bad = Buffer.from(rdb);
    bad[Math.floor(bad.length / 2)] = (bad[Math.floor(bad.length / 2)] as number) ^ 0x5a;
    const file = path.join(dir, 'bad.rdb');
    fs.writeFileSync(file, bad);
    const n = await startNodis(file);
    expect(await n.exited).toBe(1);
    expect(n.log()).toContain('Loading RDB in parallel');
    expect(n.log()).toContain('loading on one thread');
    expect(n.log()).toMatch(/Fatal error loading the DB: .*\(at offset [0-9]+\)/);
    expect(n.log()).not.toContain('DB loaded from disk');
  }, 60_000);

  it('checks the CRC-64 (a bad one is refused with Redis\'s message), unless rdbchecksum is no', async () => {
    const bad = Buffer.from(rdb);
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    const file = path.join(dir, 'badcrc.rdb');
    fs.writeFileSync(file, bad);
    const n = await startNodis(file);
    expect(await n.exited).toBe(1);
    expect(n.log()).toContain('Parallel RDB load stopped (Wrong RDB checksum expected:');
    expect(n.log()).toMatch(/Fatal error loading the DB: Wrong RDB checksum expected: \([0-9a-f]+\) got: \([0-9a-f]+\)/);
    const m = await startNodis(file, ['--rdbchecksum', 'no']);
    try {
      expect(m.log()).toContain('DB loaded from disk');
      expect(m.log()).not.toContain('loading on one thread');
      const c = new Redis({ port: m.port, protocol: 2 } as never);
      expect(await c.call('DEBUG', 'DIGEST')).toBe(await redis.call('DEBUG', 'DIGEST'));
      c.disconnect();
    } finally {
      await stop(m);
    }
  }, 60_000);
});
