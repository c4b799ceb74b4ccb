// RDB interop: nodis writes an RDB file from a dataset built with ordinary commands; Debian's
// redis-check-rdb must accept it and a real redis-server (7.0.15) must load it with the same
// contents, TTLs and encodings. Value payloads are also compared byte for byte with what the
// real server DUMPs for the same commands. The real binaries are required: a missing one fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { dumpPayload, encodeKeyspaceToBuffer, type RdbOptions } from '../../src/persistence/rdb/encoder.js';
import { RdbWriter } from '../../src/persistence/rdb/byte-writer.js';
import { encodeTypedObject } from '../../src/persistence/rdb/encode-object.js';
import type { Db } from '../../src/keyspace/db.js';
import { isInt64Text } from '../../src/keyspace/types/string.js';
import { listQuicklist } from '../../src/keyspace/types/list.js';
import { rng } from '../helpers/random.js';

type Cmd = Array<string | Buffer>;

/** A deterministic PRNG (mulberry32). */
function binary(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

/** The dataset: [db, command...]. Run on nodis (and, for the DUMP comparison, on Redis). */
function dataset(): Array<[number, Cmd]> {
  const r = rng(1234);
  const b = (s: string): Buffer => Buffer.from(s, 'latin1');
  const cmds: Array<[number, Cmd]> = [];
  const add = (db: number, ...argv: Array<string | Buffer>): void => {
    cmds.push([db, argv]);
  };
  // Strings: every integer width, beyond 32 bits, integer-looking keys, non-canonical numbers,
  // compressible and incompressible long values, binary bytes, in-place edited (raw sds).
  for (const v of ['0', '1', '-1', '127', '-128', '128', '32767', '-32768', '32768', '2147483647',
    '-2147483648', '2147483648', '9223372036854775807', '-9223372036854775808', '007', '+5', '-0',
    '1.5', '', ' 1']) {
    add(0, 'SET', `str:${v}`, v);
  }
  add(0, 'SET', '12345', 'integer key');
  add(0, 'SET', '-77', 'negative integer key');
  add(0, 'SET', 'str:long', 'abcdefghij'.repeat(30));
  add(0, 'SET', 'str:21', 'aaaaaaaaaaaaaaaaaaaaa');
  add(0, 'SET', b('str:bin\x00\xff'), b(binary(r, 300)));
  add(0, 'SET', 'str:bin-small', b(binary(r, 15)));
  add(0, 'SET', 'str:appended', 'x');
  add(0, 'APPEND', 'str:appended', 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy');
  add(0, 'SET', 'str:appended-int', '12');
  add(0, 'APPEND', 'str:appended-int', '34');
  add(0, 'INCRBY', 'str:counter', '100000');
  add(0, 'SET', 'str:ttl', 'v', 'PX', '500000');
  add(0, 'SET', 'str:ttl2', '42', 'EX', '100000');
  // Lists: small (one listpack node), many nodes, integers of every listpack width, big
  // elements (12-bit and 32-bit string headers), binary.
  add(0, 'RPUSH', 'list:small', 'a', 'b', '1', '-1', '200', '-5000', '70000', '-9000000', '3000000000',
    '-9223372036854775808', '9223372036854775807', '18446744073709551615', '-0', '01', '');
  const many: string[] = [];
  for (let i = 0; i < 2000; i++) many.push(i % 3 === 0 ? String(i * 7919) : `element-${i}`);
  add(0, 'RPUSH', 'list:many', ...many);
  add(0, 'RPUSH', 'list:big', 'x'.repeat(100), 'y'.repeat(5000), b(binary(r, 70)));
  // PLAIN quicklist nodes (elements at or over the packed threshold), between packed ones.
  add(0, 'DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100');
  add(0, 'RPUSH', 'list:plain', 'small', 'p'.repeat(150), '12', b(binary(r, 120)), 'tail');
  add(0, 'DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0');
  // Sets: intsets of each width, a hashtable.
  add(0, 'SADD', 'set:i16', '1', '2', '3', '-100');
  add(0, 'SADD', 'set:i32', '1', '100000', '-100000');
  add(0, 'SADD', 'set:i64', '1', '10000000000', '-9223372036854775808');
  add(0, 'SADD', 'set:ht', 'a', 'b', 'c', '1');
  const bigSet: string[] = [];
  for (let i = 0; i < 600; i++) bigSet.push(`m${i}`);
  add(0, 'SADD', 'set:bight', ...bigSet);
  // Sorted sets: listpack with integer, fractional, huge and infinite scores; a skiplist.
  add(0, 'ZADD', 'zset:lp', '1', 'one', '2.5', 'two.five', '-3', 'minus', '1e20', 'huge', '4611686018427387904', 'edge',
    '-inf', 'neginf', 'inf', 'posinf', '0', 'zero', '0.1', 'tenth', '100000', '12');
  const zargs: string[] = [];
  for (let i = 0; i < 300; i++) zargs.push(String(i / 7), `member:${i}`);
  add(0, 'ZADD', 'zset:skip', ...zargs);
  // Hashes: listpack (integers inside), hashtable by size and by value length.
  add(0, 'HSET', 'hash:lp', 'f1', 'v1', 'n', '12345', 'neg', '-1', 'big', '1234567890123', 'bin', b('\x00\x01\xff'));
  const hargs: string[] = [];
  for (let i = 0; i < 600; i++) hargs.push(`field${i}`, String(i));
  add(0, 'HSET', 'hash:ht', ...hargs);
  add(0, 'HSET', 'hash:longval', 'f', 'v'.repeat(100), 'g', '1');
  add(0, 'EXPIRE', 'hash:lp', '100000');
  // Other databases.
  add(3, 'SET', 'in-db3', 'three');
  add(3, 'RPUSH', 'list-db3', 'x');
  add(15, 'SET', 'in-db15', 'fifteen');
  add(15, 'PEXPIRE', 'in-db15', '900000');
  return cmds;
}

async function run(client: Redis, cmds: Array<[number, Cmd]>): Promise<void> {
  for (const [db, argv] of cmds) {
    await client.select(db);
    await client.callBuffer(String(argv[0]), ...argv.slice(1));
  }
  await client.select(0);
}

/** A key's contents as a comparable value. */
async function contents(c: Redis, key: Buffer): Promise<unknown> {
  const type = await c.type(key);
  switch (type) {
    case 'string':
      return [type, (await c.getBuffer(key))?.toString('hex')];
    case 'list':
      return [type, (await c.lrangeBuffer(key, 0, -1)).map((x) => x.toString('hex'))];
    case 'set':
      return [type, (await c.smembersBuffer(key)).map((x) => x.toString('hex')).sort()];
    case 'zset':
      return [type, (await c.zrangeBuffer(key, '0', '-1', 'WITHSCORES')).map((x) => x.toString('latin1'))];
    case 'hash': {
      const flat = (await c.hgetallBuffer(key)) as unknown as Record<string, Buffer>;
      return [type, Object.entries(flat).map(([k, v]) => `${k}=${v.toString('hex')}`).sort()];
    }
    default:
      return [type];
  }
}

/**
 * The encoding Redis gives a value it loads: strings go through createStringObject +
 * tryObjectEncoding (an APPENDed "1234" is `raw` before and `int` after a reload, in Redis too);
 * other types keep the encoding nodis has.
 */
async function encodingAfterLoad(c: Redis, key: Buffer): Promise<unknown> {
  const enc = await c.object('ENCODING', key);
  if ((await c.type(key)) !== 'string') return enc;
  const v = (await c.getBuffer(key))!.toString('latin1');
  if (isInt64Text(v)) return 'int';
  return v.length <= 44 ? 'embstr' : 'raw';
}

/** A short description of where two byte strings first differ. */
function firstDifference(a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return 'equal';
  return `lengths ${a.length}/${b.length}, first difference at ${i}: ` +
    `${a.subarray(i, i + 16).toString('hex')} vs ${b.subarray(i, i + 16).toString('hex')}`;
}

function checkRdb(file: string): string {
  const res = spawnSync('redis-check-rdb', [file], { encoding: 'latin1' });
  if (res.error) throw new Error('redis-check-rdb is not installed (Debian package redis-tools)');
  expect(res.status, res.stdout + res.stderr).toBe(0);
  return res.stdout;
}

describe('RDB files written by nodis', () => {
  let s: RunningServer;
  let n: Redis;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-rdb-'));
  const reals: RealRedis[] = [];

  beforeAll(async () => {
    if (spawnSync('redis-check-rdb', [], { stdio: 'ignore' }).error) {
      throw new Error('redis-check-rdb is not installed (Debian package redis-tools)');
    }
    s = await startServer({ port: 0, config: { loglevel: 'warning', 'enable-debug-command': 'yes' } });
    n = new Redis({ port: s.port, protocol: 2, lazyConnect: false });
    await run(n, dataset());
  }, 30000);

  afterAll(async () => {
    n?.disconnect();
    await s?.close();
    for (const r of reals) await r.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function loadIntoRedis(name: string, opts: RdbOptions, extra: string[] = []): Promise<Redis> {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, encodeKeyspaceToBuffer(s.engine.ks, opts));
    checkRdb(file);
    const real = await startRealRedis(['--dir', tmp, '--dbfilename', name, '--sanitize-dump-payload', 'yes', ...extra]);
    reals.push(real);
    const c = new Redis({ port: real.port, protocol: 2 });
    // The server answers LOADING until the file is in.
    for (let i = 0; i < 100; i++) {
      const info = await c.info('persistence');
      if (info.includes('loading:0')) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    return c;
  }

  async function compareAll(real: Redis): Promise<void> {
    for (const db of s.engine.ks.dbs) {
      await real.select(db.id);
      await n.select(db.id);
      expect(await real.dbsize(), `db ${db.id} size`).toBe(db.size);
      const keys: string[] = [];
      db.dict.forEach((_o, k) => keys.push(k));
      for (const k of keys) {
        const key = Buffer.from(k, 'latin1');
        expect(await contents(real, key), `key ${JSON.stringify(k)}`).toEqual(await contents(n, key));
        expect(await real.object('ENCODING', key), `encoding of ${JSON.stringify(k)}`).toBe(
          await encodingAfterLoad(n, key),
        );
        const when = db.expires.get(k);
        const realWhen = await real.pexpiretime(key);
        expect(realWhen, `expire of ${JSON.stringify(k)}`).toBe(when === undefined ? -1 : when);
      }
    }
    await real.select(0);
    await n.select(0);
  }

  it('passes redis-check-rdb and loads into redis-server with identical contents (compressed)', async () => {
    const real = await loadIntoRedis('compressed.rdb', { compression: true, checksum: true });
    await compareAll(real);
    real.disconnect();
  }, 60000);

  it('loads without compression and without a checksum (8 zero bytes)', async () => {
    const buf = encodeKeyspaceToBuffer(s.engine.ks, { compression: false, checksum: false });
    expect(buf.subarray(buf.length - 8)).toEqual(Buffer.alloc(8));
    expect(buf.subarray(0, 9).toString('latin1')).toBe('REDIS0010');
    const real = await loadIntoRedis('plain.rdb', { compression: false, checksum: false });
    await compareAll(real);
    real.disconnect();
  }, 60000);

  it('stores LRU idle times and LFU counters that Redis reads back', async () => {
    const db0 = s.engine.ks.dbs[0] as Db;
    const ks = s.engine.ks;
    const clock = ks.lruClock;
    const o = db0.dict.get('str:long')!;
    const saved = o.lru;
    try {
      o.lru = (clock - 1000) & 0xffffff;
      const lru = await loadIntoRedis('lru.rdb', { evictionInfo: 'lru', lruClock: clock }, ['--maxmemory-policy', 'allkeys-lru']);
      const idle = await lru.object('IDLETIME', 'str:long');
      expect(idle).toBeGreaterThanOrEqual(1000);
      expect(idle).toBeLessThan(1010);
      lru.disconnect();
      const minutes = Math.floor(Date.now() / 60000) & 65535;
      o.lru = (minutes << 8) | 77;
      const lfu = await loadIntoRedis('lfu.rdb', { evictionInfo: 'lfu', nowMs: Date.now(), lfuDecayTime: 1 }, [
        '--maxmemory-policy', 'allkeys-lfu',
      ]);
      expect(await lfu.object('FREQ', 'str:long')).toBe(77);
      lfu.disconnect();
    } finally {
      o.lru = saved;
    }
  }, 60000);

  it('encodes values byte for byte as Redis DUMPs them (deterministic encodings)', async () => {
    const real = await startRealRedis(['--rdbcompression', 'no']);
    reals.push(real);
    const c = new Redis({ port: real.port, protocol: 2 });
    await run(c, dataset());
    const db0 = s.engine.ks.dbs[0] as Db;
    let compared = 0;
    // Hashtable iteration orders differ; a long list's node boundaries follow each server's own
    // node-size accounting (nodis packs elements in its own layout).
    const skip = new Set(['list:many']);
    const keys: string[] = [];
    db0.dict.forEach((_o, k) => keys.push(k));
    for (const k of keys) {
      if (skip.has(k)) continue;
      const enc = await n.object('ENCODING', k);
      if (enc === 'hashtable' || enc === 'skiplist') continue;
      const dump = await c.dumpBuffer(Buffer.from(k, 'latin1'));
      expect(dump).not.toBeNull();
      const w = new RdbWriter(false);
      encodeTypedObject(w, db0.dict.get(k)!);
      const mine = w.take();
      // DUMP = type + payload + RDB version (2 bytes) + CRC-64 (8 bytes).
      expect(firstDifference(mine, dump!.subarray(0, dump!.length - 10)), `DUMP of ${JSON.stringify(k)}`).toBe('equal');
      expect(firstDifference(dumpPayload(db0.dict.get(k)!, false), dump!), `DUMP payload of ${JSON.stringify(k)}`).toBe('equal');
      compared++;
    }
    expect(compared).toBeGreaterThan(35);
    // The dataset really has PLAIN nodes between packed ones.
    let plain = 0;
    for (let node = listQuicklist(db0.dict.get('list:plain')!).head; node !== null; node = node.next) if (node.plain) plain++;
    expect(plain).toBe(2);
    c.disconnect();
  }, 60000);
});
