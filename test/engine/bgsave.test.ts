// Forkless BGSAVE: the file equals the dataset at the moment BGSAVE started while writes,
// deletes, new keys, TTL changes, expiries, SWAPDB and FLUSHDB hit it; SAVE / LASTSAVE / INFO;
// save points; MISCONF after a failed save; DEBUG RELOAD; FLUSHALL and SHUTDOWN as in Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { Keyspace } from '../../src/keyspace/db.js';
import { applyRdb, decodeRdb } from '../../src/persistence/rdb/decoder.js';
import { datasetDigest } from '../../src/keyspace/digest.js';
import { Snapshot } from '../../src/persistence/rdb/snapshot.js';
import { createStringObject } from '../../src/keyspace/types/string.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-bgsave-'));
const cwd = process.cwd();
let s: RunningServer;
let c: Redis;

function fileDigest(buf: Buffer): string {
  const ks = new Keyspace(16, { expired: () => {} });
  applyRdb(ks, decodeRdb(buf));
  return datasetDigest(ks);
}

async function waitIdle(): Promise<void> {
  for (;;) {
    const info = await c.info('persistence');
    if (info.includes('rdb_bgsave_in_progress:0')) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning', dir, dbfilename: 'snap.rdb', 'enable-debug-command': 'yes', save: '' } });
  c = new Redis({ port: s.port, protocol: 2 } as never);
});

afterAll(async () => {
  c?.disconnect();
  await s?.close();
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function populate(n: number): Promise<void> {
  const p = c.pipeline();
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) p.set(`k${i}`, `v${i}`);
    else if (i % 3 === 1) p.hset(`h${i}`, 'a', String(i), 'b', 'x');
    else p.zadd(`z${i}`, String(i), 'm', '1', 'n');
  }
  p.rpush('list', 'a', 'b', 'c');
  p.set('ttl-long', 'x', 'PX', '100000');
  p.select(1);
  p.set('db1key', 'one');
  p.select(0);
  await p.exec();
}

describe('BGSAVE without fork', () => {
  it('writes the dataset as of the BGSAVE moment under concurrent writes, deletes, expiries and SWAPDB', async () => {
    await c.flushall();
    await populate(20000);
    const before = (await c.call('DEBUG', 'DIGEST')) as string;
    const p = c.pipeline();
    p.bgsave();
    // Same tick as BGSAVE: nothing walked yet, every one of these must be pre-written.
    p.set('k0', 'changed');
    p.del('h1');
    p.set('brand-new', 'x');
    p.rpush('list', 'd');
    p.expire('k3', 1000);
    p.persist('ttl-long');
    p.swapdb(0, 1);
    p.set('db1key', 'overwritten-in-db0-now');
    p.swapdb(0, 1);
    const r = await p.exec();
    expect(r?.[0]?.[1]).toBe('Background saving started');
    // Later slices: writes interleaved with the walk.
    let rounds = 0;
    while ((await c.info('persistence')).includes('rdb_bgsave_in_progress:1')) {
      rounds++;
      await c.set(`k${(rounds * 3) % 20000}`, 'late');
      await c.del(`z${(rounds * 3 + 2) % 20000}`);
      await c.hset(`h${(rounds * 3 + 1) % 20000}`, 'c', 'new');
    }
    await waitIdle();
    expect(rounds).toBeGreaterThan(0);
    const info = await c.info('persistence');
    expect(info).toContain('rdb_last_bgsave_status:ok');
    expect(info).toMatch(/rdb_saves:[1-9]/);
    expect(fileDigest(fs.readFileSync(path.join(dir, 'snap.rdb')))).toBe(before);
    expect(await c.call('DEBUG', 'DIGEST')).not.toBe(before);
  }, 60000);

  it('keys expiring during the BGSAVE are still in the file', async () => {
    await c.flushall();
    await populate(10000);
    const p = c.pipeline();
    p.set('ttl-short', 'x', 'PX', '5');
    p.call('DEBUG', 'DIGEST');
    p.bgsave();
    p.call('DEBUG', 'SLEEP', '0.01');
    p.exists('ttl-short'); // lazily expired before the walk reaches it
    p.info('persistence');
    const r = (await p.exec()) ?? [];
    const before = r[1]?.[1] as string;
    expect(r[4]?.[1]).toBe(0);
    expect(r[5]?.[1]).toContain('rdb_bgsave_in_progress:1');
    await waitIdle();
    expect(fileDigest(fs.readFileSync(path.join(dir, 'snap.rdb')))).toBe(before);
  }, 60000);

  it('a snapshot survives FLUSHDB and SWAPDB of its databases (unit)', () => {
    const ks = new Keyspace(16, { expired: () => {} });
    for (let i = 0; i < 5000; i++) ks.dbs[0]!.add(`a${i}`, createStringObject(`v${i}`));
    for (let i = 0; i < 5000; i++) ks.dbs[1]!.add(`b${i}`, createStringObject(`w${i}`));
    const expected = datasetDigest(ks);
    const chunks: Buffer[] = [];
    const snap = new Snapshot(ks, {}, (b) => chunks.push(b));
    snap.step(300);
    ks.dbs[0]!.swapWith(ks.dbs[1]!);
    ks.dbs[0]!.set('b7', createStringObject('changed'));
    ks.dbs[0]!.delete('b8');
    snap.step(300);
    ks.dbs[1]!.flush();
    ks.dbs[1]!.add('fresh', createStringObject('x'));
    while (!snap.step(1000));
    expect(fileDigest(Buffer.concat(chunks))).toBe(expected);
    expect(ks.hooks.beforeWrite).toBeUndefined();
  });

  it('SAVE, LASTSAVE, DEBUG RELOAD and BGSAVE errors', async () => {
    await c.flushall();
    await populate(100);
    const d = await c.call('DEBUG', 'DIGEST');
    expect(await c.save()).toBe('OK');
    expect(Math.abs((await c.lastsave()) - Date.now() / 1000)).toBeLessThan(3);
    expect(await c.info('persistence')).toContain('rdb_changes_since_last_save:0');
    expect(await c.call('DEBUG', 'RELOAD')).toBe('OK');
    expect(await c.call('DEBUG', 'DIGEST')).toBe(d);
    expect(fileDigest(fs.readFileSync(path.join(dir, 'snap.rdb')))).toBe(d);
    await expect(c.call('BGSAVE', 'FOO')).rejects.toThrow('ERR syntax error');
    await populate(5000);
    const r = (await c.pipeline().bgsave().bgsave().save().exec()) ?? [];
    expect(r[0]?.[1]).toBe('Background saving started');
    expect(String(r[1]?.[0])).toContain('ERR Background save already in progress');
    expect(String(r[2]?.[0])).toContain('ERR Background save already in progress');
    await waitIdle();
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
  }, 60000);

  it('a failed BGSAVE keeps the old file and turns writes away with MISCONF', async () => {
    const old = fs.readFileSync(path.join(dir, 'snap.rdb'));
    await c.config('SET', 'save', '3600 1');
    // A directory where the temp file must go: opening it fails (EISDIR), as a full disk would.
    const blockBg = path.join(dir, `temp-bg-${process.pid}.rdb`);
    const blockSave = path.join(dir, `temp-${process.pid}.rdb`);
    fs.mkdirSync(blockBg);
    fs.mkdirSync(blockSave);
    await expect(c.bgsave()).rejects.toThrow();
    expect(await c.info('persistence')).toContain('rdb_last_bgsave_status:err');
    await expect(c.set('x', 'y')).rejects.toThrow(/^MISCONF Redis is configured to save RDB snapshots/);
    await expect(c.ping()).rejects.toThrow(/^MISCONF/);
    expect(await c.get('k0')).not.toBeUndefined();
    await expect(c.save()).rejects.toThrow('ERR');
    expect(fs.readFileSync(path.join(dir, 'snap.rdb')).equals(old)).toBe(true);
    await c.config('SET', 'stop-writes-on-bgsave-error', 'no');
    expect(await c.set('x', 'y')).toBe('OK');
    await c.config('SET', 'stop-writes-on-bgsave-error', 'yes');
    fs.rmdirSync(blockBg);
    fs.rmdirSync(blockSave);
    expect(await c.save()).toBe('OK');
    expect(await c.set('x', 'z')).toBe('OK');
    await c.config('SET', 'save', '');
  }, 60000);
  it('FLUSHALL saves the empty dataset when save points exist; SHUTDOWN saves (and NOSAVE does not)', async () => {
    const s2dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-shut-'));
    const s2 = await startServer({ port: 0, config: { loglevel: 'warning', dir: s2dir, save: '3600 1' } });
    const c2 = new Redis({ port: s2.port, protocol: 2, retryStrategy: () => null, maxRetriesPerRequest: 0 } as never);
    try {
      await c2.set('a', '1');
      await c2.flushall();
      const f = path.join(s2dir, 'dump.rdb');
      expect(decodeRdb(fs.readFileSync(f)).keys).toBe(0);
      await c2.set('b', '2');
      await c2.call('SHUTDOWN').catch(() => undefined);
      const d = decodeRdb(fs.readFileSync(f));
      expect(d.keys).toBe(1);
      expect(d.dbs.get(0)?.[0]?.key).toBe('b');
    } finally {
      c2.disconnect();
      await s2.close();
    }
    // Restart from the file, then SHUTDOWN NOSAVE leaves it as it was.
    const s3 = await startServer({ port: 0, config: { loglevel: 'warning', dir: s2dir, save: '3600 1' } });
    const c3 = new Redis({ port: s3.port, protocol: 2, retryStrategy: () => null, maxRetriesPerRequest: 0 } as never);
    try {
      expect(await c3.get('b')).toBe('2');
      await c3.set('c', '3');
      await c3.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
      expect(decodeRdb(fs.readFileSync(path.join(s2dir, 'dump.rdb'))).keys).toBe(1);
    } finally {
      c3.disconnect();
      await s3.close();
      process.chdir(cwd);
      fs.rmSync(s2dir, { recursive: true, force: true });
    }
  }, 60000);
});
