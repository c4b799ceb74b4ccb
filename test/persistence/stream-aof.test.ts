// Streams through persistence: the AOF rewrite of streams as commands (XADD per entry, XSETID
// with ENTRIESADDED / MAXDELETEDID, XGROUP CREATE ... ENTRIESREAD, XCLAIM ... JUSTID FORCE per
// pending entry, XGROUP CREATECONSUMER for consumers without pending entries) reloads into the
// same streams in nodis and in Debian's redis-server 7.0 (which must be installed: the
// differential part fails without it), and a Redis 6.2 (RDB_TYPE_STREAM_LISTPACKS, no counters)
// payload restores with the counters Redis derives for it.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { parseManifest } from '../../src/persistence/aof/manifest.js';
import { startRealRedis } from '../helpers/real-redis.js';
import { waitBackgroundIdle } from '../helpers/background-idle.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-stream-aof-'));
}

async function nodis(dir: string, extra: Record<string, string> = {}): Promise<Redis> {
  const s: RunningServer = await startServer({
    port: 0,
    config: { loglevel: 'warning', dir, save: '', appendonly: 'yes', 'enable-debug-command': 'yes', ...extra },
  });
  const r = new Redis({ port: s.port, protocol: 2 });
  cleanup.push(async () => {
    r.disconnect();
    await s.close();
  });
  return r;
}

async function real(dir: string): Promise<Redis> {
  // The node size fill() uses, so that reloading by XADD builds the same nodes.
  const rr = await startRealRedis(['--appendonly', 'yes', '--dir', dir, '--stream-node-max-entries', '7']);
  const r = new Redis({ port: rr.port, protocol: 2 });
  cleanup.push(async () => {
    r.disconnect();
    await rr.stop();
  });
  return r;
}

const KEYS = ['big', 'empty', 'nolast', 'xdellast', 'bin', 'huge'];

/** Streams covering every piece of state the rewrite has to carry. */
async function fill(r: Redis): Promise<void> {
  await r.config('SET', 'stream-node-max-entries', '7');
  for (let i = 1; i <= 60; i++) {
    await r.call('XADD', 'big', `${1000 + i}-${i % 3}`, i % 4 ? 'f' : 'other', `v${i}`, ...(i % 5 ? [] : ['g', String(i)]));
  }
  await r.call('XDEL', 'big', '1005-2', '1030-0', '1060-0');
  await r.call('XGROUP', 'CREATE', 'big', 'g1', '0');
  await r.call('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '5', 'STREAMS', 'big', '>');
  await r.call('XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', 'big', '>');
  await r.call('XACK', 'big', 'g1', '1002-2');
  await r.call('XCLAIM', 'big', 'g1', 'bob', '0', '1001-1', 'RETRYCOUNT', '9', 'TIME', '1600000000000');
  await r.call('XGROUP', 'CREATECONSUMER', 'big', 'g1', 'idle');
  await r.call('XGROUP', 'CREATE', 'big', 'g2', '1010-1', 'ENTRIESREAD', '10');
  await r.call('XGROUP', 'CREATE', 'big', 'g3', '$');
  await r.call('XGROUP', 'CREATECONSUMER', 'big', 'g3', 'nobody');
  // An empty stream with a last ID (the XADD MAXLEN 0 trick reproduces it).
  await r.call('XADD', 'empty', 'MAXLEN', '0', '77-7', 'a', 'b');
  // An empty stream that never had entries (last ID 0-0) but has a group.
  await r.call('XGROUP', 'CREATE', 'nolast', 'grp', '$', 'MKSTREAM');
  await r.call('XGROUP', 'CREATECONSUMER', 'nolast', 'grp', 'c');
  // The last entry deleted: XSETID restores the last ID and the max deleted ID.
  await r.call('XADD', 'xdellast', '1-0', 'a', '1');
  await r.call('XADD', 'xdellast', '2-0', 'a', '2');
  await r.call('XDEL', 'xdellast', '2-0');
  await r.callBuffer('XADD', Buffer.from('bin\x00\xff', 'latin1'), '5-5', Buffer.from('\x00f\r\n', 'latin1'), Buffer.from('\xff\xfe', 'latin1'));
  await r.call('XADD', 'bin', '5-6', '12345', '-7');
  // IDs beyond 2^53.
  await r.call('XADD', 'huge', '18446744073709551614-18446744073709551614', 'k', 'v');
  await r.call('XGROUP', 'CREATE', 'huge', 'g', '0');
  await r.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'huge', '>');
}

/** XINFO STREAM FULL with the consumers' seen-time masked (a reload sets it to the load time). */
async function full(r: Redis, key: string | Buffer): Promise<unknown> {
  const reply = (await r.callBuffer('XINFO', 'STREAM', key, 'FULL')) as unknown;
  const mask = (v: unknown): unknown => {
    if (!Array.isArray(v)) return Buffer.isBuffer(v) ? v.toString('latin1') : v;
    const out = v.map(mask);
    for (let i = 0; i + 1 < out.length; i += 2) if (out[i] === 'seen-time') out[i + 1] = 'T';
    return out;
  };
  return mask(reply);
}

async function all(r: Redis): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) out[k] = await full(r, k);
  out.binkey = await full(r, Buffer.from('bin\x00\xff', 'latin1'));
  out.size = await r.dbsize();
  return out;
}

async function rewrite(r: Redis): Promise<void> {
  expect(await r.bgrewriteaof()).toBe('Background append only file rewriting started');
  await waitBackgroundIdle(r);
}

function baseFile(dir: string): string {
  const aofDir = path.join(dir, 'appendonlydir');
  const m = parseManifest(fs.readFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'latin1'));
  const base = m.base;
  if (base === null) throw new Error('no base file');
  return path.join(aofDir, base.name);
}

describe('stream AOF rewrite', () => {
  it('writes Redis\'s command sequence for a stream', async () => {
    const dir = tmpDir();
    const r = await nodis(dir, { 'aof-use-rdb-preamble': 'no' });
    await r.call('XADD', 's', '3-1', 'f', 'v');
    await r.call('XADD', 's', '4-0', 'f', 'w');
    await r.call('XDEL', 's', '4-0');
    await r.call('XGROUP', 'CREATE', 's', 'g', '0');
    await r.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>');
    await r.call('XCLAIM', 's', 'g', 'c', '0', '3-1', 'TIME', '1700000000000', 'RETRYCOUNT', '4', 'JUSTID');
    await r.call('XGROUP', 'CREATECONSUMER', 's', 'g', 'd');
    await r.call('XADD', 'e', 'MAXLEN', '0', '9-0', 'a', 'b');
    await rewrite(r);
    const text = fs.readFileSync(baseFile(dir), 'latin1');
    const cmd = (...a: string[]): string => `*${a.length}\r\n${a.map((x) => `$${x.length}\r\n${x}\r\n`).join('')}`;
    expect(text).toContain(
      cmd('XADD', 's', '3-1', 'f', 'v') +
        cmd('XSETID', 's', '4-0', 'ENTRIESADDED', '2', 'MAXDELETEDID', '4-0') +
        cmd('XGROUP', 'CREATE', 's', 'g', '3-1', 'ENTRIESREAD', '-1') +
        cmd('XCLAIM', 's', 'g', 'c', '0', '3-1', 'TIME', '1700000000000', 'RETRYCOUNT', '4', 'JUSTID', 'FORCE') +
        cmd('XGROUP', 'CREATECONSUMER', 's', 'g', 'd'),
    );
    expect(text).toContain(
      cmd('XADD', 'e', 'MAXLEN', '0', '0-1', 'x', 'y') + cmd('XSETID', 'e', '9-0', 'ENTRIESADDED', '1', 'MAXDELETEDID', '0-0'),
    );
  });

  for (const preamble of ['no', 'yes']) {
    it(`BGREWRITEAOF (preamble ${preamble}) + DEBUG LOADAOF and a restart give back the same streams`, async () => {
      const dir = tmpDir();
      const r = await nodis(dir, { 'aof-use-rdb-preamble': preamble });
      await fill(r);
      const want = await all(r);
      await rewrite(r);
      expect(fs.readFileSync(baseFile(dir)).subarray(0, 5).toString('latin1') === 'REDIS').toBe(preamble === 'yes');
      expect(await r.debug('LOADAOF')).toBe('OK');
      expect(await all(r)).toEqual(want);
      // A second rewrite of the reloaded data set holds the same commands (keys may come in
      // another order: the reload inserted them in file order).
      const before = fs.readFileSync(baseFile(dir));
      await rewrite(r);
      const after = fs.readFileSync(baseFile(dir));
      if (preamble === 'no') expect(after.length).toBe(before.length);
      // Restart from the directory.
      const copy = tmpDir();
      fs.cpSync(path.join(dir, 'appendonlydir'), path.join(copy, 'appendonlydir'), { recursive: true });
      const r2 = await nodis(copy, { 'stream-node-max-entries': '7' });
      expect(await all(r2)).toEqual(want);
    });

    it(`a rewritten nodis AOF (preamble ${preamble}) loads into redis-server with identical XINFO STREAM FULL`, async () => {
      const dir = tmpDir();
      const r = await nodis(dir, { 'aof-use-rdb-preamble': preamble });
      await fill(r);
      await rewrite(r);
      const want = await all(r);
      const copy = tmpDir();
      fs.cpSync(path.join(dir, 'appendonlydir'), path.join(copy, 'appendonlydir'), { recursive: true });
      const rr = await real(copy);
      expect(await all(rr)).toEqual(want);
    });
  }

  it('the same writes give the same streams in nodis and redis-server', async () => {
    const r = await nodis(tmpDir(), { appendonly: 'no' });
    const rr = await real(tmpDir());
    await fill(r);
    await fill(rr);
    // Compare everything but delivery/seen times, which depend on when the commands ran.
    const strip = (v: unknown): unknown => JSON.stringify(v).replace(/,1[7-9]\d{11},/g, ',T,');
    expect(strip(await all(r))).toEqual(strip(await all(rr)));
  });
});

/** DUMP of a Redis 5 stream (from tests/unit/type/stream-cgroups.tcl): RDB_TYPE_STREAM_LISTPACKS. */
const LEGACY = Buffer.from(
  '0F011000000000000000010000000000000000C3404A4057165700000023000201040101018464617461050001030100' +
    '20010381610204200A0001400A0062600A0002400A0063600A4022018164200A4039200A0065600A0005400A0066200A' +
    '00FF02060002026731050004000000000000000100000000000000003EF783437A010000010000000000000002000000' +
    '00000000003EF783437A01000001000000000000000400000000000000003EF783437A01000001000000000000000500' +
    '000000000000003EF783437A0100000101036331313EF783437A01000004000000000000000100000000000000000000' +
    '000000000002000000000000000000000000000000040000000000000000000000000000000500000000000000000267' +
    '320000000009003D52EF6867521DFA',
  'hex',
);

describe('legacy (Redis <= 6.2) stream payloads', () => {
  it('restore with entries_added = length, max deleted ID 0-0 and estimated group read counters', async () => {
    const r = await nodis(tmpDir(), { appendonly: 'no' });
    expect(await r.restore('x', 0, LEGACY)).toBe('OK');
    const reply = (await r.call('XINFO', 'STREAM', 'x', 'FULL')) as unknown[];
    const get = (arr: unknown[], k: string): unknown => arr[arr.indexOf(k) + 1];
    expect(get(reply, 'length')).toBe(2);
    expect(get(reply, 'last-generated-id')).toBe('6-0');
    expect(get(reply, 'max-deleted-entry-id')).toBe('0-0');
    expect(get(reply, 'entries-added')).toBe(2);
    const groups = get(reply, 'groups') as unknown[][];
    expect(groups.map((g) => [get(g, 'name'), get(g, 'entries-read'), get(g, 'lag')])).toEqual([
      ['g1', 1, 1],
      ['g2', 0, 2],
    ]);
    expect(await r.call('XINFO', 'GROUPS', 'x')).toEqual([
      ['name', 'g1', 'consumers', 1, 'pending', 4, 'last-delivered-id', '5-0', 'entries-read', 1, 'lag', 1],
      ['name', 'g2', 'consumers', 0, 'pending', 0, 'last-delivered-id', '0-0', 'entries-read', 0, 'lag', 2],
    ]);
  });

  it('restores exactly as redis-server does', async () => {
    const r = await nodis(tmpDir(), { appendonly: 'no' });
    const rr = await real(tmpDir());
    for (const c of [r, rr]) expect(await c.restore('x', 0, LEGACY)).toBe('OK');
    const a = await r.callBuffer('XINFO', 'STREAM', 'x', 'FULL');
    const b = await rr.callBuffer('XINFO', 'STREAM', 'x', 'FULL');
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    // And the re-dumped (version 2 stream) payload is byte-identical.
    expect((await r.dumpBuffer('x')).toString('hex')).toBe((await rr.dumpBuffer('x')).toString('hex'));
  });
});
