// The background (forkless, time-sliced) AOF rewrite: the base holds the dataset as of the
// rewrite's start and the incr file opened then holds everything after, so the files always
// load back into the live dataset, whatever writes, deletes, expiries, FLUSHALL and SWAPDB hit
// the keyspace while the rewrite walks it. Also the replies and INFO fields Redis 7.0 gives
// for a rewrite next to a BGSAVE.

import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { createStringObject } from '../../src/keyspace/types/string.js';
import { rng } from '../helpers/random.js';
import { waitBackgroundIdle } from '../helpers/background-idle.js';
import { field } from '../helpers/replication.js';

const servers: RunningServer[] = [];
const conns: Redis[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.disconnect();
  for (const s of servers.splice(0)) await s.close();
});

async function boot(dir: string, extra: Record<string, string> = {}): Promise<Redis> {
  const s = await startServer({
    port: 0,
    config: { loglevel: 'warning', dir, save: '', appendonly: 'yes', 'enable-debug-command': 'yes', ...extra },
  });
  servers.push(s);
  const r = new Redis({ port: s.port, protocol: 2 });
  conns.push(r);
  return r;
}

async function stop(): Promise<void> {
  for (const c of conns.splice(0)) c.disconnect();
  for (const s of servers.splice(0)) await s.close();
}

/** The manifest once the history files a finished rewrite left are unlinked (that happens off the loop). */
async function settledManifest(dir: string): Promise<string> {
  const file = path.join(dir, 'appendonlydir', 'appendonly.aof.manifest');
  for (let i = 0; i < 500; i++) {
    const text = fs.readFileSync(file, 'latin1');
    if (!text.includes(' type h')) return text;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('history files were never removed from the manifest');
}

async function populate(r: Redis, n: number): Promise<void> {
  await r.call('debug', 'populate', String(n), 'key', '10');
  const p = r.pipeline();
  for (let i = 0; i < 300; i++) {
    p.hset(`h:${i}`, 'a', String(i), 'b', 'x'.repeat(i % 50));
    p.zadd(`z:${i}`, i, 'm1', -i / 3, 'm2');
    p.rpush(`l:${i}`, 'a', 'b', String(i));
    p.sadd(`s:${i}`, 'x', String(i));
    p.set(`t:${i}`, 'v', 'EX', 100000);
    p.set(`short:${i}`, 'v', 'PX', 30 + (i % 40));
  }
  p.select(2);
  for (let i = 0; i < 500; i++) p.set(`db2:${i}`, String(i));
  p.select(0);
  await p.exec();
}

/** Random writes of every kind, `count` pipelines of 50 commands. */
async function churn(r: Redis, rand: () => number, n: number, flushAt: number): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const p = r.pipeline();
    for (let i = 0; i < 50; i++) {
      const k = `key:${Math.floor(rand() * n)}`;
      const x = rand();
      if (x < 0.25) p.set(k, `new-${round}-${i}`);
      else if (x < 0.4) p.del(k);
      else if (x < 0.5) p.pexpire(k, 5 + Math.floor(rand() * 20));
      else if (x < 0.6) p.expire(k, 100000);
      else if (x < 0.7) p.hset(`h:${Math.floor(rand() * 300)}`, 'c', String(x));
      else if (x < 0.8) p.zincrby(`z:${Math.floor(rand() * 300)}`, 1, 'm3');
      else if (x < 0.85) p.lpop(`l:${Math.floor(rand() * 300)}`);
      else if (x < 0.9) p.set(`fresh:${round}:${i}`, 'f');
      else if (x < 0.95) p.append(k, 'tail');
      else p.persist(`t:${Math.floor(rand() * 300)}`);
    }
    if (round === 8) p.swapdb(0, 2);
    if (round === 12) p.swapdb(0, 2);
    if (round === flushAt) {
      p.select(2);
      p.flushdb();
      p.select(0);
    }
    await p.exec();
    await new Promise((res) => setImmediate(res));
  }
}

/** Expire what is due (lazily, so the DELs reach the AOF) and return the digest. */
async function settledDigest(r: Redis): Promise<string> {
  await new Promise((res) => setTimeout(res, 80));
  for (const db of [0, 2]) {
    await r.select(db);
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.exists(...keys);
    } while (cursor !== '0');
  }
  await r.select(0);
  return String(await r.call('debug', 'digest'));
}

describe('background AOF rewrite', () => {
  for (const preamble of ['yes', 'no']) {
    it(`under concurrent writes, deletes, expiries, SWAPDB and FLUSHDB the files reload into the live dataset (preamble ${preamble})`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aofbg-'));
      const r = await boot(dir, { 'aof-use-rdb-preamble': preamble });
      const n = 60000;
      await populate(r, n);
      expect(await r.bgrewriteaof()).toBe('Background append only file rewriting started');
      expect(await field(r, 'persistence', 'aof_rewrite_in_progress')).toBe('1');
      expect(await field(r, 'persistence', 'aof_current_rewrite_time_sec')).toBe('0');
      expect(await r.bgrewriteaof().catch((e: Error) => e.message)).toBe('ERR Background append only file rewriting already in progress');
      expect(await r.bgsave().catch((e: Error) => e.message)).toMatch(/^ERR Another child process is active \(AOF\?\)/);
      await churn(r, rng(preamble === 'yes' ? 1 : 2), n, preamble === 'yes' ? 15 : 3);
      await waitBackgroundIdle(r);
      expect(await field(r, 'persistence', 'aof_last_bgrewrite_status')).toBe('ok');
      expect(await field(r, 'persistence', 'aof_current_rewrite_time_sec')).toBe('-1');
      expect(Number(await field(r, 'persistence', 'aof_last_rewrite_time_sec'))).toBeGreaterThanOrEqual(0);
      // More writes after the rewrite, then compare.
      await churn(r, rng(7), n, -1);
      const live = await settledDigest(r);
      const manifest = await settledManifest(dir);
      const ext = preamble === 'yes' ? 'rdb' : 'aof';
      expect(manifest).toBe(`file appendonly.aof.2.base.${ext} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n`);
      expect(await r.call('debug', 'loadaof')).toBe('OK');
      expect(String(await r.call('debug', 'digest'))).toBe(live);
      await stop();
      const r2 = await boot(dir, { 'aof-use-rdb-preamble': preamble });
      expect(String(await r2.call('debug', 'digest'))).toBe(live);
    });
  }

  it('CONFIG SET appendonly yes rewrites in the background; writes meanwhile reach the new incr', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aofbg-'));
    const r = await boot(dir, { appendonly: 'no' });
    const n = 40000;
    await populate(r, n);
    expect(await r.config('SET', 'appendonly', 'yes')).toBe('OK');
    expect(await field(r, 'persistence', 'aof_enabled')).toBe('1');
    expect(await field(r, 'persistence', 'aof_rewrite_in_progress')).toBe('1');
    await churn(r, rng(3), n, 10);
    await waitBackgroundIdle(r);
    expect(await settledManifest(dir))
      .toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    expect(fs.readdirSync(path.join(dir, 'appendonlydir')).filter((f) => f.startsWith('temp'))).toEqual([]);
    const live = await settledDigest(r);
    expect(await r.call('debug', 'loadaof')).toBe('OK');
    expect(String(await r.call('debug', 'digest'))).toBe(live);
  });

  it('BGREWRITEAOF behind a BGSAVE is scheduled and runs after it; CONFIG SET appendonly no kills a rewrite', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aofbg-'));
    const r = await boot(dir);
    await r.call('debug', 'populate', '200000');
    expect(await r.bgsave()).toBe('Background saving started');
    expect(await r.bgrewriteaof()).toBe('Background append only file rewriting scheduled');
    expect(await field(r, 'persistence', 'aof_rewrite_scheduled')).toBe('1');
    expect(await field(r, 'persistence', 'aof_rewrite_in_progress')).toBe('0');
    await waitBackgroundIdle(r);
    expect(await field(r, 'persistence', 'aof_rewrites')).toBe('1');
    expect(await field(r, 'persistence', 'aof_last_bgrewrite_status')).toBe('ok');
    expect(await settledManifest(dir))
      .toBe('file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');

    // MULTI: scheduled too.
    const res = await r.multi().bgrewriteaof().exec();
    expect(res?.[0]?.[1]).toBe('Background append only file rewriting scheduled');
    await waitBackgroundIdle(r);
    expect(await field(r, 'persistence', 'aof_rewrites')).toBe('2');

    expect(await r.bgrewriteaof()).toBe('Background append only file rewriting started');
    expect(await r.config('SET', 'appendonly', 'no')).toBe('OK');
    expect(await field(r, 'persistence', 'aof_rewrite_in_progress')).toBe('0');
    expect(await field(r, 'persistence', 'aof_last_bgrewrite_status')).toBe('ok');
    expect(fs.readdirSync(path.join(dir, 'appendonlydir')).filter((f) => f.startsWith('temp'))).toEqual([]);
  });
});

describe('BGREWRITEAOF with appendonly no', () => {
  it('writes a base that DEBUG LOADAOF reads back, and leaves AOF off', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aofbg-'));
    const r = await boot(dir, { appendonly: 'no', 'aof-use-rdb-preamble': 'no' });
    await populate(r, 20000);
    await r.set('x', '10');
    await r.expire('x', 1000);
    const live = await settledDigest(r); // no short-lived key left: nothing changes from here
    expect(await r.bgrewriteaof()).toBe('Background append only file rewriting started');
    await waitBackgroundIdle(r);
    expect(await field(r, 'persistence', 'aof_enabled')).toBe('0');
    expect(await settledManifest(dir))
      .toBe('file appendonly.aof.1.base.aof seq 1 type b\n');
    expect(await r.call('debug', 'loadaof')).toBe('OK');
    expect(String(await r.call('debug', 'digest'))).toBe(live);
    expect(await r.ttl('x')).toBeGreaterThan(900);
  });
});

describe('restartAfterSync (a replica that loaded a new dataset)', () => {
  it('kills the rewrite walking the old dataset and bases the AOF on the new one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aofbg-'));
    const r = await boot(dir);
    const s = servers[0] as RunningServer;
    await r.call('debug', 'populate', '50000', 'old');
    expect(await r.bgrewriteaof()).toBe('Background append only file rewriting started');
    // What a full sync does: the dataset is replaced without going through the AOF.
    for (const db of s.engine.ks.dbs) db.flush();
    s.engine.ks.dbs[0]?.add('new', createStringObject('value'));
    expect(s.engine.aof?.restartAfterSync()).toBeNull();
    await waitBackgroundIdle(r);
    expect(await field(r, 'persistence', 'aof_enabled')).toBe('1');
    expect(await r.call('debug', 'loadaof')).toBe('OK');
    expect(await r.dbsize()).toBe(1);
    expect(await r.get('new')).toBe('value');
  });
});
