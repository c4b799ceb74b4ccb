import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { parseManifest } from '../../src/persistence/aof/manifest.js';
import { waitBackgroundIdle } from '../helpers/background-idle.js';

const servers: RunningServer[] = [];
const conns: Redis[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.disconnect();
  for (const s of servers.splice(0)) await s.close();
});

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aof-'));
}

async function boot(dir: string, extra: Record<string, string> = {}): Promise<Redis> {
  const s = await startServer({
    port: 0,
    config: { loglevel: 'warning', dir, save: '', appendonly: 'yes', 'enable-debug-command': 'yes', ...extra },
  });
  servers.push(s);
  const r = new Redis({ port: s.port, protocol: 2, lazyConnect: false });
  conns.push(r);
  return r;
}

async function stop(): Promise<void> {
  for (const c of conns.splice(0)) c.disconnect();
  for (const s of servers.splice(0)) await s.close();
}

async function fill(r: Redis): Promise<void> {
  await r.set('str', Buffer.from('hello\x00\xff', 'latin1'));
  await r.set('int', '12345');
  await r.incr('int');
  await r.rpush('list', 'a', 'b', 'c');
  await r.lpush('list', 'z');
  await r.rpush('biglist', ...Array.from({ length: 300 }, (_, i) => `item-${i}`));
  await r.sadd('iset', '1', '2', '3');
  await r.sadd('set', 'x', 'y', 'z');
  await r.zadd('zset', 1.5, 'a', -2, 'b', 1e300, 'c');
  await r.hset('hash', 'f1', 'v1', 'f2', 'v2');
  await r.set('ttl', 'v', 'EX', 1000);
  await r.select(3);
  await r.set('db3key', 'three');
  await r.select(0);
  await r.multi().set('m1', '1').set('m2', '2').exec();
  await r.del('set');
  await r.sadd('set', 'only');
}

async function check(r: Redis, size = 11): Promise<void> {
  const str = await r.getBuffer('str');
  expect(str?.toString('latin1')).toBe('hello\x00\xff');
  expect(await r.get('int')).toBe('12346');
  expect(await r.lrange('list', 0, -1)).toEqual(['z', 'a', 'b', 'c']);
  expect(await r.llen('biglist')).toBe(300);
  expect(await r.lindex('biglist', 299)).toBe('item-299');
  expect((await r.smembers('iset')).sort()).toEqual(['1', '2', '3']);
  expect(await r.smembers('set')).toEqual(['only']);
  expect(await r.zrange('zset', '0', '-1', 'WITHSCORES')).toEqual(['b', '-2', 'a', '1.5', 'c', '1.0000000000000001e+300']);
  expect(await r.hgetall('hash')).toEqual({ f1: 'v1', f2: 'v2' });
  const ttl = await r.ttl('ttl');
  expect(ttl).toBeGreaterThan(990);
  expect(await r.get('m1')).toBe('1');
  expect(await r.get('m2')).toBe('2');
  await r.select(3);
  expect(await r.get('db3key')).toBe('three');
  await r.select(0);
  expect(await r.dbsize()).toBe(size);
}

function manifestOf(dir: string): string {
  return fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
}

describe('AOF', () => {
  for (const preamble of ['no', 'yes']) {
    it(`restarts with every type intact (incremental file, then rewritten base, preamble ${preamble})`, async () => {
      const dir = tmpDir();
      let r = await boot(dir, { 'aof-use-rdb-preamble': preamble });
      await fill(r);
      await stop();
      r = await boot(dir, { 'aof-use-rdb-preamble': preamble });
      await check(r);
      expect(await r.bgrewriteaof()).toBe('Background append only file rewriting started');
      await r.set('after', 'rewrite');
      await waitBackgroundIdle(r);
      await stop();
      const m = manifestOf(dir);
      const ext = preamble === 'yes' ? 'rdb' : 'aof';
      expect(m).toBe(`file appendonly.aof.2.base.${ext} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n`);
      const base = fs.readFileSync(path.join(dir, 'appendonlydir', `appendonly.aof.2.base.${ext}`));
      if (preamble === 'yes') expect(base.latin1Slice(0, 5)).toBe('REDIS');
      else expect(base.latin1Slice(0, 1)).toBe('*');
      // history files deleted
      expect(fs.readdirSync(path.join(dir, 'appendonlydir')).sort()).toEqual(
        [`appendonly.aof.2.base.${ext}`, 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest'].sort());
      r = await boot(dir, { 'aof-use-rdb-preamble': preamble });
      await check(r, 12);
      expect(await r.get('after')).toBe('rewrite');
    });
  }

  it('writes the incremental file as RESP with SELECT and timestamps', async () => {
    const dir = tmpDir();
    const r = await boot(dir, { 'aof-timestamp-enabled': 'yes', appendfsync: 'always' });
    await r.set('k', 'v', 'EX', 100);
    await r.select(2);
    await r.incrbyfloat('f', '1.5');
    const incr = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
    expect(incr).toMatch(/^#TS:\d+\r\n\*2\r\n\$6\r\nSELECT\r\n\$1\r\n0\r\n\*5\r\n\$3\r\nSET\r\n\$1\r\nk\r\n\$1\r\nv\r\n\$4\r\nPXAT\r\n\$13\r\n\d{13}\r\n/);
    expect(incr).toContain('*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*4\r\n$3\r\nSET\r\n$1\r\nf\r\n$3\r\n1.5\r\n$7\r\nKEEPTTL\r\n');
    const info = await r.info('persistence');
    expect(info).toContain('aof_enabled:1');
    expect(info).toMatch(/aof_current_size:\d+/);
  });

  it('manifest format parses and formats like Redis 7.0', () => {
    const m = parseManifest('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    expect(m.base).toEqual({ name: 'appendonly.aof.1.base.rdb', seq: 1, type: 'b' });
    expect(m.incrs.length).toBe(1);
    expect(() => parseManifest('')).toThrow('Found an empty AOF manifest');
    expect(() => parseManifest('file a seq 1\n')).toThrow('Invalid AOF manifest file format');
  });

  it('truncated tail: loads with a warning and truncates, or refuses with aof-load-truncated no', async () => {
    const dir = tmpDir();
    let r = await boot(dir);
    await r.set('a', '1');
    await r.set('b', '2');
    await stop();
    const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const full = fs.readFileSync(incr);
    fs.writeFileSync(incr, full.subarray(0, full.length - 5));
    await expect(boot(dir, { 'aof-load-truncated': 'no' })).rejects.toThrow(/Unexpected end of file/);
    r = await boot(dir);
    expect(await r.get('a')).toBe('1');
    expect(await r.get('b')).toBe(null);
    // truncated at the end of the last complete command
    expect(fs.readFileSync(incr).latin1Slice()).toBe(full.latin1Slice().slice(0, full.latin1Slice().lastIndexOf('*3\r\n$3\r\nset')));
    await r.set('c', '3');
    await stop();
    r = await boot(dir);
    expect(await r.mget('a', 'b', 'c')).toEqual(['1', null, '3']);
  });

  it('an unfinished MULTI at the end is reverted', async () => {
    const dir = tmpDir();
    let r = await boot(dir);
    await r.set('a', '1');
    await stop();
    const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    fs.appendFileSync(incr, '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n');
    r = await boot(dir);
    expect(await r.get('x')).toBe(null);
    expect(await r.get('a')).toBe('1');
  });

  it('corruption in the middle is refused', async () => {
    const dir = tmpDir();
    await boot(dir);
    await stop();
    const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    fs.writeFileSync(incr, '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\ngarbage\r\n*1\r\n$4\r\nPING\r\n');
    await expect(boot(dir)).rejects.toThrow(/Bad file format.*offset 27/);
  });

  it('DEBUG LOADAOF reloads the dataset; CONFIG SET appendonly yes creates the base', async () => {
    const dir = tmpDir();
    const r = await boot(dir, { appendonly: 'no' });
    await r.set('pre', 'x');
    expect(await r.config('SET', 'appendonly', 'yes')).toBe('OK');
    await r.set('post', 'y');
    await waitBackgroundIdle(r);
    await r.lpush('l', 'a', 'b');
    expect(await r.debug('LOADAOF')).toBe('OK');
    expect(await r.mget('pre', 'post')).toEqual(['x', 'y']);
    expect(await r.lrange('l', 0, -1)).toEqual(['b', 'a']);
    expect(await r.dbsize()).toBe(3);
    // Replayed commands are not appended again, and DEBUG LOADAOF itself is not propagated.
    const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const size = fs.statSync(incr).size;
    expect(await r.debug('LOADAOF')).toBe('OK');
    await r.ping();
    expect(fs.statSync(incr).size).toBe(size);
    expect(fs.readFileSync(incr, 'latin1')).not.toMatch(/debug/i);
    expect(await r.dbsize()).toBe(3);
    expect(manifestOf(dir)).toMatch(/^file appendonly\.aof\.1\.base\.rdb seq 1 type b\nfile appendonly\.aof\.1\.incr\.aof seq 1 type i\n$/);
  });

  it('expired keys are not deleted while loading', async () => {
    const dir = tmpDir();
    const r1 = await boot(dir);
    await r1.set('k', 'v', 'PX', 300);
    await r1.append('k', 'w');
    await stop();
    await new Promise((res) => setTimeout(res, 400));
    const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    // replay must see k alive when APPEND runs: the value is 'vw', then it expires lazily.
    fs.appendFileSync(incr, '*3\r\n$6\r\nAPPEND\r\n$1\r\nk\r\n$1\r\nx\r\n*3\r\n$3\r\nSET\r\n$4\r\ncopy\r\n$1\r\n1\r\n');
    const r = await boot(dir);
    expect(await r.get('copy')).toBe('1');
    expect(await r.get('k')).toBe(null);
  });

  it('upgrades an old single-file AOF', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'appendonly.aof'), '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$3\r\nyes\r\n');
    const r = await boot(dir);
    expect(await r.get('old')).toBe('yes');
    expect(fs.existsSync(path.join(dir, 'appendonly.aof'))).toBe(false);
    expect(manifestOf(dir)).toBe('file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  });
});
