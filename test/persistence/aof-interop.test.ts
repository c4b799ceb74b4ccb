// AOF interop with Debian's redis-server / redis-check-aof 7.0.15: a nodis AOF directory
// (incremental only, and after BGREWRITEAOF with and without the RDB preamble) loads in the
// real server with the same contents key by key, a real server's AOF directory loads in nodis,
// and redis-check-aof accepts nodis's files (nodis-check-aof's reports are checked too).
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { checkAof } from '../../src/persistence/aof/check-aof.js';
import { waitBackgroundIdle } from '../helpers/background-idle.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aofi-'));
}

type Cmd = Array<string | Buffer>;

function dataset(withStream: boolean): Array<[number, Cmd]> {
  const out: Array<[number, Cmd]> = [];
  const add = (db: number, ...argv: Cmd): void => {
    out.push([db, argv]);
  };
  add(0, 'SET', 'plain', 'v');
  add(0, 'SET', Buffer.from('bin\x00\xff', 'latin1'), Buffer.from('\x01\x02\xfe\xff', 'latin1'));
  add(0, 'SET', 'num', '-123456789012');
  add(0, 'INCRBYFLOAT', 'float', '3.25');
  add(0, 'SET', 'exp', 'x', 'PX', '5000000');
  add(0, 'RPUSH', 'smalllist', 'a', 'b', 'c');
  for (let i = 0; i < 3; i++) add(0, 'RPUSH', 'biglist', ...Array.from({ length: 100 }, (_, j) => `element-${i}-${j}`));
  add(0, 'LPOP', 'biglist');
  add(0, 'SADD', 'intset', '1', '2', '-5');
  add(0, 'SADD', 'bigintset', ...Array.from({ length: 600 }, (_, j) => String(j)));
  add(0, 'SADD', 'strset', 'a', 'b', 'c');
  add(0, 'ZADD', 'zsmall', '1', 'a', '2.5', 'b', '-inf', 'c');
  add(0, 'ZADD', 'zbig', ...Array.from({ length: 200 }, (_, j) => [String(j / 3), `m${j}`]).flat());
  add(0, 'HSET', 'hsmall', 'f', 'v', 'g', 'w');
  add(0, 'HSET', 'hbig', ...Array.from({ length: 300 }, (_, j) => [`f${j}`, `v${j}`]).flat());
  add(0, 'HINCRBYFLOAT', 'hsmall', 'n', '1.5');
  add(0, 'EXPIRE', 'hsmall', '100000');
  add(0, 'PFADD', 'hll', 'a', 'b', 'c');
  add(5, 'SET', 'db5', 'five');
  add(5, 'LPUSH', 'db5list', 'x');
  add(0, 'DEL', 'smalllist');
  add(0, 'RPUSH', 'smalllist', 'again');
  if (withStream) {
    add(0, 'XADD', 'stream', '1-1', 'f', 'v');
    add(0, 'XADD', 'stream', '2-0', 'g', 'w');
    add(0, 'XGROUP', 'CREATE', 'stream', 'grp', '0');
  }
  return out;
}

async function apply(r: Redis, cmds: Array<[number, Cmd]>): Promise<void> {
  for (const [db, argv] of cmds) {
    await r.select(db);
    await r.callBuffer(String(argv[0]), ...argv.slice(1));
  }
  await r.select(0);
}

/** Every key of every database: type, value, absolute expire. */
async function snapshot(r: Redis): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (let db = 0; db < 16; db++) {
    await r.select(db);
    const keys = (await r.keysBuffer('*')).map((k) => k.toString('latin1')).sort();
    for (const k of keys) {
      const kb = Buffer.from(k, 'latin1');
      const type = await r.type(kb);
      let v: unknown;
      if (type === 'string') v = (await r.getBuffer(kb))?.toString('latin1');
      else if (type === 'list') v = await r.lrange(kb, 0, -1);
      else if (type === 'set') v = (await r.smembers(kb)).sort();
      else if (type === 'zset') v = await r.zrange(kb, '0', '-1', 'WITHSCORES');
      else if (type === 'hash') v = Object.entries(await r.hgetall(kb)).sort();
      else if (type === 'stream') v = [await r.xrange(kb, '-', '+'), await r.call('XINFO', 'GROUPS', kb)];
      out[`${db}:${k}`] = [type, v, await r.call('PEXPIRETIME', kb)];
    }
  }
  await r.select(0);
  return out;
}

async function nodis(dir: string, extra: Record<string, string> = {}): Promise<{ s: RunningServer; r: Redis }> {
  const s = await startServer({ port: 0, config: { loglevel: 'warning', dir, save: '', appendonly: 'yes', ...extra } });
  const r = new Redis({ port: s.port, protocol: 2 });
  cleanup.push(async () => {
    r.disconnect();
    await s.close();
  });
  return { s, r };
}

async function real(dir: string): Promise<{ rr: RealRedis; r: Redis }> {
  const rr = await startRealRedis(['--appendonly', 'yes', '--dir', dir]);
  const r = new Redis({ port: rr.port, protocol: 2 });
  cleanup.push(async () => {
    r.disconnect();
    await rr.stop();
  });
  return { rr, r };
}

function redisCheckAof(manifest: string): { status: number | null; out: string } {
  const p = spawnSync('redis-check-aof', [manifest], { encoding: 'latin1' });
  return { status: p.status, out: p.stdout + p.stderr };
}

function copyDir(from: string): string {
  const to = tmpDir();
  fs.cpSync(from, path.join(to, 'appendonlydir'), { recursive: true });
  return to;
}

describe('AOF interop with redis-server 7.0', () => {
  it('an incremental-only nodis AOF (with streams) loads in redis-server', async () => {
    const dir = tmpDir();
    const { r } = await nodis(dir, { appendfsync: 'always' });
    await apply(r, dataset(true));
    const want = await snapshot(r);
    const manifest = path.join(dir, 'appendonlydir', 'appendonly.aof.manifest');
    const chk = redisCheckAof(manifest);
    expect(chk.out).toContain('All AOF files and manifest are valid');
    expect(chk.status).toBe(0);
    const copy = copyDir(path.join(dir, 'appendonlydir'));
    const { r: rr } = await real(copy);
    expect(await snapshot(rr)).toEqual(want);
  });

  for (const preamble of ['yes', 'no']) {
    it(`a rewritten nodis AOF (preamble ${preamble}) loads in redis-server`, async () => {
      const dir = tmpDir();
      const { r } = await nodis(dir, { 'aof-use-rdb-preamble': preamble });
      const cmds = dataset(false);
      await apply(r, cmds.slice(0, 15));
      expect(await r.bgrewriteaof()).toBe('Background append only file rewriting started');
      await apply(r, cmds.slice(15));
      await waitBackgroundIdle(r);
      const want = await snapshot(r);
      const manifest = path.join(dir, 'appendonlydir', 'appendonly.aof.manifest');
      const chk = redisCheckAof(manifest);
      expect(chk.out).toContain('All AOF files and manifest are valid');
      expect(chk.status).toBe(0);
      const copy = copyDir(path.join(dir, 'appendonlydir'));
      const { r: rr } = await real(copy);
      expect(await snapshot(rr)).toEqual(want);
    });
  }

  it("a real redis-server's AOF directory loads in nodis; nodis-check-aof accepts it", async () => {
    const dir = tmpDir();
    const { r, rr } = await real(dir);
    const cmds = dataset(false);
    await apply(r, cmds.slice(0, 15));
    await r.bgrewriteaof();
    await waitBackgroundIdle(r);
    await apply(r, cmds.slice(15));
    await apply(r, [[0, ['XADD', 'stream', '1-1', 'f', 'v']], [0, ['XGROUP', 'CREATE', 'stream', 'grp', '$']]]);
    const want = await snapshot(r);
    r.disconnect();
    // SHUTDOWN flushes and fsyncs the AOF.
    spawnSync('redis-cli', ['-p', String(rr.port), 'shutdown', 'nosave']);
    const lines: string[] = [];
    const status = checkAof(path.join(dir, 'appendonlydir'), { fix: false, confirm: () => false, out: (l) => lines.push(l) });
    expect(lines.join('\n')).toContain('All AOF files and manifest are valid');
    expect(status).toBe(0);
    const { r: n } = await nodis(dir);
    expect(await snapshot(n)).toEqual(want);
  });

  it('nodis-check-aof reports and fixes a truncated tail like redis-check-aof', async () => {
    const dir = tmpDir();
    const f = path.join(dir, 'x.aof');
    fs.writeFileSync(f, '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$2\r\n1');
    const real = spawnSync('redis-check-aof', [f], { encoding: 'latin1' }).stdout;
    const lines: string[] = [];
    expect(checkAof(f, { fix: false, confirm: () => false, out: (l) => lines.push(l) })).toBe(1);
    const analyzed = (s: string): string | undefined => s.split('\n').find((l) => l.startsWith('AOF analyzed'));
    expect(analyzed(lines.join('\n'))).toBe(analyzed(real));
    expect(lines[0]).toBe('Start checking Old-Style AOF');
    expect(lines).toContain(`AOF ${f} is not valid. Use the --fix option to try fixing it.`);
    lines.length = 0;
    expect(checkAof(f, { fix: true, confirm: () => true, out: (l) => lines.push(l) })).toBe(0);
    expect(lines).toContain(`Successfully truncated AOF ${f}`);
    expect(fs.statSync(f).size).toBe(50);
    expect(spawnSync('redis-check-aof', [f]).status).toBe(0);
  });
});
