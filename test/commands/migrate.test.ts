// MIGRATE between two in-process nodis servers, to a real redis-server 7.0.15 (required: a
// missing binary fails the run) and to scripted fake targets (slow, silent, erroring), plus
// its metadata (movablekeys, COMMAND GETKEYS) and the propagation of the deletions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { diffServers } from '../helpers/diff.js';

/** A TCP server on 127.0.0.1 handing every chunk it receives (latin1) to `onData`. */
function fakeTarget(onData: (sock: net.Socket, data: string) => void): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const socks = new Set<net.Socket>();
    const srv = net.createServer((sock) => {
      socks.add(sock);
      sock.on('close', () => socks.delete(sock));
      sock.on('data', (d) => onData(sock, d.latin1Slice()));
      sock.on('error', () => {});
    });
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address() as net.AddressInfo;
      resolve({
        port: a.port,
        close: () => new Promise<void>((res) => {
          for (const s of socks) s.destroy();
          srv.close(() => res());
        }),
      });
    });
  });
}

describe('MIGRATE between nodis servers', () => {
  let a: RunningServer;
  let b: RunningServer;
  let ra: Redis;
  let rb: Redis;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-migrate-'));

  beforeAll(async () => {
    a = await startServer({ port: 0, config: { loglevel: 'warning', dir } });
    b = await startServer({ port: 0, config: { loglevel: 'warning' } });
    ra = new Redis({ port: a.port, protocol: 2 });
    rb = new Redis({ port: b.port, protocol: 2 });
  });

  afterAll(async () => {
    ra.disconnect();
    rb.disconnect();
    await a?.close();
    await b?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const migrate = (...args: Array<string | number>): Promise<unknown> =>
    ra.call('migrate', '127.0.0.1', String(b.port), ...args.map(String));

  it('moves a key with its TTL into the destination database', async () => {
    await ra.set('k1', 'hello', 'PX', 100000);
    await ra.rpush('list1', 'a', 'b', 'c');
    expect(await migrate('k1', 3, 5000)).toBe('OK');
    expect(await ra.exists('k1')).toBe(0);
    await rb.select(3);
    expect(await rb.get('k1')).toBe('hello');
    const pttl = await rb.pttl('k1');
    expect(pttl).toBeGreaterThan(90000);
    expect(pttl).toBeLessThanOrEqual(100000);
    expect(await migrate('list1', 3, 5000)).toBe('OK');
    expect(await rb.lrange('list1', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await rb.ttl('list1')).toBe(-1);
    await rb.select(0);
  });

  it('caches the connection (SELECT only when the database changes) and reconnects once it is dropped', async () => {
    expect(await ra.info('stats')).toContain('migrate_cached_sockets:1');
    const clientsOf = async (): Promise<string[]> =>
      ((await rb.client('LIST')) as string).split('\n').filter((l) => l.includes('cmd=restore'));
    await ra.set('cc1', '1');
    expect(await migrate('cc1', 3, 5000)).toBe('OK');
    const conns = await clientsOf();
    expect(conns).toHaveLength(1);
    expect(conns[0]).toContain(' db=3 ');
    // The target drops it: the next MIGRATE finds the socket dead, reconnects and succeeds.
    const id = /id=(\d+)/.exec(conns[0] as string)?.[1] as string;
    await rb.call('client', 'kill', 'id', id);
    await ra.set('cc2', '2');
    expect(await migrate('cc2', 4, 5000)).toBe('OK');
    await rb.select(4);
    expect(await rb.get('cc2')).toBe('2');
    await rb.select(0);
    expect(await ra.info('stats')).toContain('migrate_cached_sockets:1');
  });

  it('replies NOKEY when no key exists, and validates its arguments', async () => {
    expect(await migrate('missing', 0, 5000)).toBe('NOKEY');
    expect(await migrate('', 0, 5000, 'KEYS', 'm1', 'm2')).toBe('NOKEY');
    await expect(migrate('x', 0, 5000, 'KEYS', 'a')).rejects.toThrow(
      'ERR When using MIGRATE KEYS option, the key argument must be set to the empty string',
    );
    await expect(migrate('x', 0, 5000, 'AUTH')).rejects.toThrow('ERR syntax error');
    await expect(migrate('x', 0, 5000, 'AUTH2', 'u')).rejects.toThrow('ERR syntax error');
    await expect(migrate('x', 0, 5000, 'BOGUS')).rejects.toThrow('ERR syntax error');
    await expect(migrate('x', 'db', 5000)).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(migrate('x', 0, 'soon')).rejects.toThrow('ERR value is not an integer or out of range');
  });

  it('COPY keeps the source, REPLACE overwrites, BUSYKEY is reported as a target error', async () => {
    await ra.set('c1', 'v1');
    await rb.set('c1', 'old');
    await expect(migrate('c1', 0, 5000, 'COPY')).rejects.toThrow(
      'ERR Target instance replied with error: BUSYKEY Target key name already exists.',
    );
    expect(await ra.get('c1')).toBe('v1');
    expect(await migrate('c1', 0, 5000, 'COPY', 'REPLACE')).toBe('OK');
    expect(await ra.get('c1')).toBe('v1');
    expect(await rb.get('c1')).toBe('v1');
    await ra.set('c1', 'v2');
    expect(await migrate('c1', 0, 5000, 'REPLACE')).toBe('OK');
    expect(await ra.exists('c1')).toBe(0);
    expect(await rb.get('c1')).toBe('v2');
  });

  it('KEYS moves several keys; the ones the target refused stay', async () => {
    await ra.mset('m1', '1', 'm2', '2', 'm3', '3');
    await rb.set('m2', 'taken');
    await expect(migrate('', 0, 5000, 'KEYS', 'm1', 'm2', 'nope', 'm3')).rejects.toThrow(/^ERR Target instance replied with error: BUSYKEY/);
    expect(await ra.exists('m1', 'm2', 'm3')).toBe(1);
    expect(await ra.get('m2')).toBe('2');
    expect(await rb.mget('m1', 'm2', 'm3')).toEqual(['1', 'taken', '3']);
  });

  it('AUTH and AUTH2 authenticate to the target', async () => {
    await rb.config('SET', 'requirepass', 'secret');
    // The cached connection stays authenticated (as in Redis): drop it first.
    await rb.call('client', 'kill', 'type', 'normal', 'skipme', 'yes');
    try {
      await ra.set('a1', 'x');
      await expect(migrate('a1', 0, 5000)).rejects.toThrow(/^ERR Target instance replied with error: NOAUTH/);
      await expect(migrate('a1', 0, 5000, 'AUTH', 'wrong')).rejects.toThrow(/^ERR Target instance replied with error: WRONGPASS/);
      expect(await migrate('a1', 0, 5000, 'AUTH', 'secret')).toBe('OK');
      await ra.set('a2', 'y');
      expect(await migrate('a2', 0, 5000, 'AUTH2', 'default', 'secret')).toBe('OK');
      expect(await ra.exists('a1', 'a2')).toBe(0);
    } finally {
      await rb.call('auth', 'secret');
      await rb.config('SET', 'requirepass', '');
    }
    expect(await rb.mget('a1', 'a2')).toEqual(['x', 'y']);
  });

  it('propagates the deletions as DEL (AOF)', async () => {
    await ra.config('SET', 'appendonly', 'yes');
    await ra.config('SET', 'appendfsync', 'always');
    for (let i = 0; i < 100 && !(await ra.info('persistence')).includes('aof_rewrite_in_progress:0'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 50));
    await ra.mset('p1', '1', 'p2', '2');
    expect(await migrate('', 0, 5000, 'REPLACE', 'KEYS', 'p1', 'p2')).toBe('OK');
    await ra.set('p3', '3');
    expect(await migrate('p3', 0, 5000, 'COPY', 'REPLACE')).toBe('OK');
    const aofDir = path.join(dir, 'appendonlydir');
    const incr = fs.readdirSync(aofDir).filter((f) => f.includes('.incr.'));
    const text = incr.map((f) => fs.readFileSync(path.join(aofDir, f), 'latin1')).join('');
    expect(text).toContain('*3\r\n$3\r\nDEL\r\n$2\r\np1\r\n$2\r\np2\r\n');
    expect(text).not.toContain('MIGRATE');
    expect(text).not.toMatch(/DEL\r\n\$2\r\np3/);
    await ra.config('SET', 'appendonly', 'no');
  });

  it('IOERR when the target cannot be reached', async () => {
    const closed = await fakeTarget(() => {});
    const port = closed.port;
    await closed.close();
    await ra.set('io1', 'v');
    // As in Redis, whose connect only waits for writability: a refusal shows at the write.
    await expect(ra.call('migrate', '127.0.0.1', String(port), 'io1', '0', '1000')).rejects.toThrow(
      'IOERR error or timeout writing to target instance',
    );
    await expect(ra.call('migrate', 'nosuchhost.invalid', String(port), 'io1', '0', '1000')).rejects.toThrow(
      'IOERR error or timeout connecting to the client',
    );
    expect(await ra.get('io1')).toBe('v');
  });

  it('a silent target times out; other clients are served meanwhile', async () => {
    const silent = await fakeTarget(() => {});
    try {
      await ra.set('t1', 'v');
      const other = new Redis({ port: a.port, protocol: 2 });
      const started = Date.now();
      const p = ra.call('migrate', '127.0.0.1', String(silent.port), 't1', '0', '300').catch((e: Error) => e);
      expect(await other.ping()).toBe('PONG');
      expect(Date.now() - started).toBeLessThan(250);
      const res = await p;
      expect((res as Error).message).toBe('IOERR error or timeout reading to target instance');
      expect(await ra.get('t1')).toBe('v');
      other.disconnect();
    } finally {
      await silent.close();
    }
  });

  it('inside MULTI: IOERR for an unreachable or silent target, the keys stay', async () => {
    const silent = await fakeTarget(() => {});
    const closed = await fakeTarget(() => {});
    const closedPort = closed.port;
    await closed.close();
    try {
      await ra.set('sy1', 'v');
      const res = (await ra.multi()
        .call('migrate', '127.0.0.1', String(closedPort), 'sy1', '0', '500')
        .call('migrate', '127.0.0.1', String(silent.port), 'sy1', '0', '200')
        .exec()) as unknown as Array<[Error | null, unknown]>;
      expect(res.map(([e]) => e?.message)).toEqual([
        'IOERR error or timeout writing to target instance',
        'IOERR error or timeout reading to target instance',
      ]);
      expect(await ra.get('sy1')).toBe('v');
    } finally {
      await silent.close();
    }
  });

  it('a key written during the transfer is not deleted', async () => {
    const slow = await fakeTarget((sock, data) => {
      const n = (data.match(/\*\d+\r\n\$/g) ?? []).length;
      setTimeout(() => sock.write('+OK\r\n'.repeat(n)), 200);
    });
    try {
      await ra.set('w1', 'before');
      await ra.set('w2', 'same');
      const other = new Redis({ port: a.port, protocol: 2 });
      const p = ra.call('migrate', '127.0.0.1', String(slow.port), '', '0', '2000', 'KEYS', 'w1', 'w2');
      await new Promise((r) => setTimeout(r, 50));
      await other.set('w1', 'after');
      expect(await p).toBe('OK');
      expect(await ra.get('w1')).toBe('after');
      expect(await ra.exists('w2')).toBe(0);
      other.disconnect();
    } finally {
      await slow.close();
    }
  });

  it('servers in one process keep their transfers apart (client ids are per server)', async () => {
    const slow = await fakeTarget((sock, data) => {
      const n = (data.match(/\*\d+\r\n\$/g) ?? []).length;
      setTimeout(() => sock.write('+OK\r\n'.repeat(n)), 100);
    });
    const s1 = await startServer({ port: 0, config: { loglevel: 'warning' } });
    const s2 = await startServer({ port: 0, config: { loglevel: 'warning' } });
    const c1 = new Redis({ port: s1.port, protocol: 2 });
    const c2 = new Redis({ port: s2.port, protocol: 2 });
    try {
      expect(await c1.call('client', 'id')).toBe(await c2.call('client', 'id'));
      await c1.set('k', '1');
      await c2.set('k', '2');
      const go = (c: Redis): Promise<unknown> => c.call('migrate', '127.0.0.1', String(slow.port), 'k', '0', '2000');
      expect(await Promise.all([go(c1), go(c2)])).toEqual(['OK', 'OK']);
      expect(await c1.exists('k')).toBe(0);
      expect(await c2.exists('k')).toBe(0);
    } finally {
      c1.disconnect();
      c2.disconnect();
      await s1.close();
      await s2.close();
      await slow.close();
    }
  });

  it('is movablekeys; COMMAND GETKEYS finds both forms', async () => {
    const info = (await ra.call('command', 'info', 'migrate')) as unknown[][];
    expect(info[0]?.[2]).toContain('movablekeys');
    expect(await ra.call('command', 'getkeys', 'migrate', 'h', '1', 'k', '0', '10')).toEqual(['k']);
    expect(await ra.call('command', 'getkeys', 'migrate', 'h', '1', '', '0', '10', 'COPY', 'AUTH2', 'u', 'p', 'KEYS', 'x', 'y'))
      .toEqual(['x', 'y']);
  });
});

describe('MIGRATE to redis-server 7.0.15', () => {
  const servers = diffServers();
  let r: Redis;
  let rr: Redis;
  let realPort: string;

  beforeAll(() => {
    r = new Redis({ port: servers.nodis.port, protocol: 2 });
    rr = new Redis({ port: servers.redis.port, protocol: 2 });
    realPort = String(servers.redis.port);
  });

  afterAll(() => {
    r?.disconnect();
    rr?.disconnect();
  });

  it('the target restores every type with the same contents', async () => {
    await r.set('s', 'x'.repeat(100));
    await r.set('n', '12345');
    await r.rpush('l', 'a', 'b', '3');
    await r.sadd('set', 'a', 'b', '1');
    await r.hset('h', 'f', 'v', 'g', 'w');
    await r.zadd('z', 1, 'a', 2.5, 'b');
    await r.xadd('st', '1-1', 'f', 'v');
    await r.pexpire('l', 50000);
    const keys = ['s', 'n', 'l', 'set', 'h', 'z', 'st'];
    const read = async (c: Redis): Promise<unknown[]> => [
      await c.get('s'), await c.get('n'), await c.lrange('l', 0, -1), (await c.smembers('set')).sort(),
      await c.hgetall('h'), await c.call('zrange', 'z', '0', '-1', 'WITHSCORES'), await c.xrange('st', '-', '+'),
    ];
    const before = await read(r);
    expect(await r.call('migrate', '127.0.0.1', realPort, '', '5', '5000', 'KEYS', ...keys)).toBe('OK');
    expect(await r.exists(...keys)).toBe(0);
    await rr.select(5);
    expect(await read(rr)).toEqual(before);
    expect(await rr.pttl('l')).toBeGreaterThan(40000);
    expect(await rr.ttl('s')).toBe(-1);
    await rr.select(0);
  });

  it('inside MULTI and scripts the transfer is synchronous', async () => {
    await r.set('mx1', 'a');
    await r.set('mx2', 'b');
    const res = await r.multi().call('migrate', '127.0.0.1', realPort, 'mx1', '0', '5000')
      .call('migrate', '127.0.0.1', realPort, 'nokey', '0', '5000').get('mx1').exec();
    expect(res).toEqual([[null, 'OK'], [null, 'NOKEY'], [null, null]]);
    expect(await rr.get('mx1')).toBe('a');
    expect(await r.eval(`return redis.call('migrate', '127.0.0.1', ARGV[1], KEYS[1], '0', '5000')`, 1, 'mx2', realPort))
      .toBe('OK');
    expect(await r.exists('mx2')).toBe(0);
    expect(await rr.get('mx2')).toBe('b');
    // Errors keep their text there too.
    await r.set('mx3', 'c');
    await rr.set('mx3', 'taken');
    const [[err]] = (await r.multi().call('migrate', '127.0.0.1', realPort, 'mx3', '0', '5000').exec()) as unknown as [[Error | null]];
    expect(err?.message).toBe('ERR Target instance replied with error: BUSYKEY Target key name already exists.');
    expect(await r.get('mx3')).toBe('c');
  });
});
