// The parallel loader's byte-level half (predigest.ts), without a worker thread: a real
// redis-server (7.0.15) saves a dataset of every type and encoding, with listpack hashes and
// zsets of every entry form (integers, 17-digit scores, LZF-compressed blobs), expiries, LRU
// idle times and several databases; the predigested stream, decoded chunk by chunk in the
// decoder's predigested mode, must give exactly what the one-thread decoder gives from the file
// (key by key: the DUMP payload of each value, TTL, idle time), for chunk sizes from tiny
// (every record larger than a chunk) to large. Malformed files must make it throw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { decodeRdb, RdbDecoder, RdbFormatError, type StagedKey } from '../../src/persistence/rdb/decoder.js';
import { dumpPayload, encodeKeyspaceToBuffer } from '../../src/persistence/rdb/encoder.js';
import { Predigester } from '../../src/persistence/rdb/predigest.js';
import { SHARED_CRC_STATE_BYTES, SharedCrc } from '../../src/persistence/rdb/shared-crc.js';
import { DEFAULT_LIMITS } from '../../src/persistence/rdb/decode-object.js';
import { Keyspace } from '../../src/keyspace/db.js';
import { applyRdb } from '../../src/persistence/rdb/decoder.js';
import { rng } from '../helpers/random.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-predigest-'));
let real: RealRedis;
let file: Buffer;

async function populate(c: Redis): Promise<void> {
  const r = rng(99);
  await c.config('SET', 'list-max-listpack-size', '4');
  await c.config('SET', 'maxmemory-policy', 'allkeys-lru');
  for (let db = 0; db < 2; db++) {
    await c.select(db);
    const p = c.pipeline();
    for (let i = 0; i < 400; i++) {
      p.set(`s:${i}`, i % 4 === 0 ? String(i * 1000) : i % 4 === 1 ? 'v'.repeat(30 + (i % 50)) : `value-${i}-${r()}`);
      if (i % 7 === 0) p.pexpire(`s:${i}`, 1_000_000 + i);
      const h: string[] = [];
      for (let f = 0; f < 2 + (i % 6); f++) h.push(`field${f}`, f % 2 ? String(Math.floor(r() * 1e6) - 500000) : `v${r()}`);
      p.hset(`h:${i}`, ...h);
      const z: string[] = [];
      for (let m = 0; m < 2 + (i % 6); m++) z.push(i % 3 === 0 ? String(Math.floor(r() * 100)) : String(Math.floor(r() * 10000) / 100 - 30), `member${m}`);
      p.zadd(`z:${i}`, ...z);
    }
    p.set('s:lzf', 'abcabcabc'.repeat(40));
    p.set(Buffer.from('k:bin\x00\xff', 'latin1'), Buffer.from([0, 1, 2, 255]));
    p.set('12345', 'integer key');
    p.rpush('l:small', 'a', '1', '-5', '70000', 'x'.repeat(100));
    for (let i = 0; i < 50; i++) p.rpush('l:big', `item${i}`, String(i * 1000));
    p.sadd('set:int', '1', '2', '-3', '100000', '5000000000');
    p.sadd('set:str', 'a', 'b', 'c');
    for (let i = 0; i < 600; i++) p.sadd('set:bigint', String(i));
    p.zadd('z:edge', '1', 'a', '2.5', 'b', '-inf', 'c', '1e300', 'd', '0.1', 'e');
    for (let i = 0; i < 200; i++) p.zadd('z:sl', String(i / 3), `m${i}`);
    for (let i = 0; i < 200; i++) p.hset('h:ht', `f${i}`, `v${i}`);
    p.hset('h:longval', 'f', 'y'.repeat(100));
    p.hset('h:ints', 'a', '0', 'b', '-1', 'c', '4095', 'd', '-4096', 'e', '9223372036854775807', 'f', '-9223372036854775808');
    for (let i = 1; i <= 120; i++) p.xadd('x:s', `${i}-${i % 3}`, 'f', String(i), ...(i % 5 === 0 ? ['g', 'h'] : []));
    await p.exec();
    await c.xgroup('CREATE', 'x:s', 'g1', '0');
    await c.xreadgroup('GROUP', 'g1', 'alice', 'COUNT', '5', 'STREAMS', 'x:s', '>');
    await c.xgroup('CREATECONSUMER', 'x:s', 'g1', 'carol');
    await c.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=lib1\nredis.register_function('f1', function() return 1 end)");
  }
  await c.select(0);
}

/** Predigest `buf` into chunks of about `chunkBytes` (copied out), checking the CRC-64. */
function predigest(buf: Buffer, chunkBytes: number): Buffer[] {
  const chunks: Buffer[] = [];
  const p = new Predigester(buf, DEFAULT_LIMITS, (out, length) => {
    chunks.push(Buffer.from(out.subarray(0, length)));
    return out;
  }, { checksum: new SharedCrc(new SharedArrayBuffer(SHARED_CRC_STATE_BYTES), buf), chunkBytes });
  p.run();
  return chunks;
}

/** Decode predigested chunks the way the parallel loader does (chunk by chunk). */
function decodeChunks(chunks: Buffer[]): RdbDecoder {
  const d = new RdbDecoder(chunks[0] as Buffer, { predigested: true });
  let next = 1;
  while (!d.step(7)) {
    if (d.needsInput()) d.feed(chunks[next++] as Buffer);
  }
  expect(next).toBe(chunks.length);
  return d;
}

/** Every key of a decode, comparable: [db, key, expire, idle, freq, DUMP payload in hex]. */
function flat(d: RdbDecoder): string[] {
  const out: string[] = [];
  d.takeStaged((db, k: StagedKey) => out.push(JSON.stringify([db, k.key, k.expire, k.idle, k.freq, dumpPayload(k.value).toString('hex')])));
  return out.sort();
}

beforeAll(async () => {
  real = await startRealRedis(['--dir', dir, '--dbfilename', 'p.rdb']);
  const c = new Redis({ port: real.port, protocol: 2 } as never);
  await populate(c);
  await c.save();
  c.disconnect();
  file = fs.readFileSync(path.join(dir, 'p.rdb'));
}, 60000);

afterAll(async () => {
  await real?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('RDB predigesting (the parallel loader without its thread)', () => {
  it('decodes to exactly what the one-thread decoder reads from the file, at any chunk size', () => {
    const expected = decodeRdb(file);
    const want = flat(decodeRdb(file));
    expect(want.length).toBeGreaterThan(2400);
    for (const size of [1, 64, 4096, 1 << 20]) {
      const chunks = predigest(file, size);
      if (size === 1) expect(chunks.length).toBeGreaterThan(want.length); // every record in a chunk of its own
      const d = decodeChunks(chunks);
      expect(d.aux).toEqual(expected.aux);
      expect(d.functions).toEqual(expected.functions);
      expect(flat(d)).toEqual(want);
    }
  });

  it('translates listpack hashes and zsets into its own value types', () => {
    const stream = Buffer.concat(predigest(file, 1 << 20));
    // The ordinary decoder does not accept them: they never appear in a file.
    expect(() => decodeRdb(stream)).toThrow(/Unknown RDB type 20[01]/);
  });

  it('handles a file nodis wrote (its own encodings, no LZF) the same way', () => {
    const ks = new Keyspace(16, { expired: () => {} });
    applyRdb(ks, decodeRdb(file));
    for (const compression of [true, false]) {
      const own = encodeKeyspaceToBuffer(ks, { compression });
      expect(flat(decodeChunks(predigest(own, 4096)))).toEqual(flat(decodeRdb(own)));
    }
  });

  it('throws on truncations, a bad checksum, a bad signature or version', () => {
    for (let n = 0; n < file.length - 1; n += Math.max(1, Math.floor(file.length / 300))) {
      expect(() => predigest(file.subarray(0, n), 4096)).toThrow(RdbFormatError);
    }
    const crc = Buffer.from(file);
    crc[crc.length - 1] = (crc[crc.length - 1] as number) ^ 1;
    expect(() => predigest(crc, 4096)).toThrow(/Wrong RDB checksum/);
    let r = 11;
    for (let i = 0; i < 100; i++) {
      r = (r * 1103515245 + 12345) >>> 0;
      const c = Buffer.from(file);
      const at = 9 + (r % (c.length - 17));
      c[at] = (c[at] as number) ^ (1 + ((r >>> 24) % 255));
      expect(() => predigest(c, 4096)).toThrow(RdbFormatError);
    }
    const v11 = Buffer.from(file);
    v11.write('0011', 5, 'latin1');
    expect(() => predigest(v11, 4096)).toThrow("Can't handle RDB format version 11");
    const sig = Buffer.from(file);
    sig.write('REDIX', 0, 'latin1');
    expect(() => predigest(sig, 4096)).toThrow('Wrong signature');
  });
});
