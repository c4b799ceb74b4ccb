// RDB decoder interop: a real redis-server (7.0.15) saves a dataset of every type and
// encoding (streams with consumer groups, expiries, several databases); nodis decodes the file,
// re-encodes every value as a DUMP payload and RESTOREs it into a second real server: both
// servers must then report the same DEBUG DIGEST. Corrupt inputs must fail with RdbFormatError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { decodeRdb, RdbFormatError } from '../../src/persistence/rdb/decoder.js';
import { dumpPayload, encodeKeyspaceToBuffer } from '../../src/persistence/rdb/encoder.js';
import { Keyspace } from '../../src/keyspace/db.js';
import { applyRdb } from '../../src/persistence/rdb/decoder.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-rdbdec-'));
let a: RealRedis;
let b: RealRedis;
let ca: Redis;
let cb: Redis;
let file: Buffer;

async function populate(c: Redis): Promise<void> {
  await c.config('SET', 'list-max-listpack-size', '4');
  for (let db = 0; db < 3; db++) {
    await c.select(db);
    await c.set('s:int', '12345');
    await c.set('s:big', '-9223372036854775808');
    await c.set('s:raw', 'hello world');
    await c.set('s:lzf', 'abcabcabc'.repeat(40));
    await c.set(Buffer.from('s:bin\x00\xff', 'latin1'), Buffer.from([0, 1, 2, 255, 254]));
    await c.set('s:ttl', 'v', 'PX', 500000 + db);
    await c.rpush('l:small', 'a', '1', '-5', '70000', 'x'.repeat(100));
    for (let i = 0; i < 50; i++) await c.rpush('l:big', `item${i}`, String(i * 1000));
    await c.sadd('set:int', '1', '2', '-3', '100000', '5000000000');
    await c.sadd('set:str', 'a', 'b', 'c');
    for (let i = 0; i < 600; i++) await c.sadd('set:bigint', String(i));
    await c.zadd('z:lp', '1', 'a', '2.5', 'b', '-inf', 'c', '1e300', 'd');
    for (let i = 0; i < 200; i++) await c.zadd('z:sl', String(i / 3), `m${i}`);
    await c.hset('h:lp', 'f1', 'v1', 'f2', '2', 'f3', '-300000');
    for (let i = 0; i < 200; i++) await c.hset('h:ht', `f${i}`, `v${i}`);
    await c.hset('h:longval', 'f', 'y'.repeat(100));
    await c.expire('h:ht', 100000);
    for (let i = 1; i <= 250; i++) await c.xadd('x:s', `${i}-${i % 3}`, 'f', String(i), ...(i % 5 === 0 ? ['g', 'h'] : []));
    await c.xdel('x:s', '10-1', '11-2');
    await c.xgroup('CREATE', 'x:s', 'g1', '0');
    await c.xgroup('CREATE', 'x:s', 'g2', '$');
    await c.xreadgroup('GROUP', 'g1', 'alice', 'COUNT', '5', 'STREAMS', 'x:s', '>');
    await c.xreadgroup('GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', 'x:s', '>');
    await c.xgroup('CREATECONSUMER', 'x:s', 'g1', 'carol');
    await c.xadd('x:empty', 'MAXLEN', '0', '*', 'a', 'b');
    await c.xgroup('CREATE', 'x:empty', 'g', '$');
  }
  await c.select(0);
}

beforeAll(async () => {
  a = await startRealRedis(['--dir', dir, '--dbfilename', 'a.rdb']);
  b = await startRealRedis(['--dir', dir, '--dbfilename', 'b.rdb']);
  ca = new Redis({ port: a.port, protocol: 2 } as never);
  cb = new Redis({ port: b.port, protocol: 2 } as never);
  await populate(ca);
  await ca.save();
  file = fs.readFileSync(path.join(dir, 'a.rdb'));
}, 60000);

afterAll(async () => {
  ca?.disconnect();
  cb?.disconnect();
  await a?.stop();
  await b?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('RDB decoder', () => {
  it('decodes a real Redis file and the re-encoded values restore to the same digest', async () => {
    const d = decodeRdb(file, { log: () => {} });
    expect(d.version).toBe(10);
    expect(d.aux.get('redis-ver')).toBe('7.0.15');
    let total = 0;
    for (const [db, keys] of d.dbs) {
      await cb.select(db);
      for (const k of keys) {
        const args: Array<string | Buffer | number> = [Buffer.from(k.key, 'latin1'), k.expire === -1 ? 0 : k.expire, dumpPayload(k.value)];
        if (k.expire !== -1) args.push('ABSTTL');
        await cb.call('RESTORE', ...(args as string[]));
        total++;
      }
    }
    expect(total).toBe(Number(await ca.dbsize()) * 3);
    for (let db = 0; db < 3; db++) {
      await ca.select(db);
      await cb.select(db);
      const keys = (await ca.keysBuffer('*')).map((x) => x.toString('latin1')).sort();
      expect((await cb.keysBuffer('*')).map((x) => x.toString('latin1')).sort()).toEqual(keys);
      for (const ks of keys) {
        const k = Buffer.from(ks, 'latin1');
        expect([ks, await cb.callBuffer('DEBUG', 'DIGEST-VALUE', k)]).toEqual([ks, await ca.callBuffer('DEBUG', 'DIGEST-VALUE', k)]);
        expect([ks, await cb.call('PEXPIRETIME', k)]).toEqual([ks, await ca.call('PEXPIRETIME', k)]);
      }
    }
    await ca.select(0);
    expect(await cb.call('DEBUG', 'DIGEST')).toBe(await ca.call('DEBUG', 'DIGEST'));
    // Encodings survive: a stream's groups and a small zset's listpack.
    await cb.select(0);
    expect(await cb.object('ENCODING', 'z:lp')).toBe('listpack');
    expect(await cb.call('XINFO', 'GROUPS', 'x:s')).toEqual(await ca.call('XINFO', 'GROUPS', 'x:s'));
  });

  it('a keyspace built from the file re-encodes to a file real Redis loads identically', async () => {
    const ks = new Keyspace(16, { expired: () => {} });
    applyRdb(ks, decodeRdb(file));
    const out = encodeKeyspaceToBuffer(ks);
    const again = decodeRdb(out);
    expect(again.keys).toBe(decodeRdb(file).keys);
    fs.writeFileSync(path.join(dir, 'a.rdb'), out);
    await ca.call('DEBUG', 'RELOAD', 'NOSAVE');
    expect(await ca.call('DEBUG', 'DIGEST')).toBe(await cb.call('DEBUG', 'DIGEST'));
  });

  it('refuses newer versions, bad signatures and bad checksums with Redis messages', () => {
    const v11 = Buffer.from(file);
    v11.write('0011', 5, 'latin1');
    expect(() => decodeRdb(v11)).toThrow("Can't handle RDB format version 11");
    const sig = Buffer.from(file);
    sig.write('REDIX', 0, 'latin1');
    expect(() => decodeRdb(sig)).toThrow('Wrong signature');
    const crc = Buffer.from(file);
    crc[crc.length - 1] = (crc[crc.length - 1] as number) ^ 1;
    expect(() => decodeRdb(crc)).toThrow(/Wrong RDB checksum/);
  });

  it('fails cleanly (RdbFormatError) on every truncation and on flipped bytes', () => {
    for (let n = 0; n < file.length - 1; n += Math.max(1, Math.floor(file.length / 400))) {
      expect(() => decodeRdb(file.subarray(0, n))).toThrow(RdbFormatError);
    }
    let r = 7;
    for (let i = 0; i < 300; i++) {
      r = (r * 1103515245 + 12345) >>> 0;
      const c = Buffer.from(file);
      const at = 9 + (r % (c.length - 17));
      c[at] = (c[at] as number) ^ (1 + (r >>> 24) % 255);
      try {
        decodeRdb(c, { checksum: false });
      } catch (e) {
        expect(e).toBeInstanceOf(RdbFormatError);
      }
    }
  });
});
