// Keyspace notifications published through Pub/Sub: channel names and payloads, the class mask
// of notify-keyspace-events (K, E, g, $, x, n, m ...), expired events from lazy and active expiry,
// and a differential check of the whole event stream against the real redis-server for a
// sequence of string / generic-key commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { startTestServer, stopTestServer } from '../helpers/server.js';
import { RawClient } from '../helpers/resp.js';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';

const b = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const pm = (pattern: string, channel: string, msg: string): string =>
  `*4\r\n${b('pmessage')}${b(pattern)}${b(channel)}${b(msg)}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Read pushed frames until the pmessage of `sentinel` arrives; returns the frames before it. */
async function drain(sub: RawClient, pub: Redis): Promise<string[]> {
  await pub.publish('__key-zz-sentinel', 'end');
  const out: string[] = [];
  for (;;) {
    const [f] = await sub.raw('', 1);
    if (f === undefined || f === '<closed>') throw new Error('subscriber closed');
    if (f.includes('zz-sentinel')) return out;
    out.push(f);
  }
}

async function subscriber(port: number, pattern = '*'): Promise<RawClient> {
  const sub = await RawClient.connect(port);
  await sub.call('PSUBSCRIBE', pattern);
  return sub;
}

let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  ({ s, r } = await startTestServer({ 'enable-debug-command': 'yes' }));
});

afterAll(() => stopTestServer({ s, r }));

describe('keyspace notifications', () => {
  it('K publishes __keyspace@db__:key with the event, E __keyevent@db__:event with the key', async () => {
    await r.config('SET', 'notify-keyspace-events', 'KEA');
    const sub = await subscriber(s.port);
    await r.select(3);
    await r.set('foo', 'bar');
    await r.select(0);
    expect(await drain(sub, r)).toEqual([
      pm('*', '__keyspace@3__:foo', 'set'),
      pm('*', '__keyevent@3__:set', 'foo'),
    ]);
    sub.close();
  });

  it('RESP3 subscribers get the events as push frames', async () => {
    await r.config('SET', 'notify-keyspace-events', 'E$');
    const sub = await RawClient.connect(s.port);
    await sub.call('HELLO', '3');
    await sub.call('SUBSCRIBE', '__keyevent@0__:set');
    await r.set('k3', 'v');
    expect((await sub.raw('', 1))[0]).toBe(`>3\r\n${b('message')}${b('__keyevent@0__:set')}${b('k3')}`);
    sub.close();
  });

  it('the class mask filters events; without K or E nothing is published', async () => {
    await r.config('SET', 'notify-keyspace-events', 'Kl');
    const sub = await subscriber(s.port);
    await r.set('masked', '1');
    await r.del('masked');
    expect(await drain(sub, r)).toEqual([]);
    await r.config('SET', 'notify-keyspace-events', 'A');
    await r.set('masked', '1');
    expect(await drain(sub, r)).toEqual([]);
    await r.config('SET', 'notify-keyspace-events', 'Kg');
    await r.set('g', '1');
    await r.expire('g', 100);
    await r.del('g');
    expect(await drain(sub, r)).toEqual([
      pm('*', '__keyspace@0__:g', 'expire'),
      pm('*', '__keyspace@0__:g', 'del'),
    ]);
    sub.close();
  });

  it('`new` fires only when a key is created, and is not part of A', async () => {
    await r.config('SET', 'notify-keyspace-events', 'En');
    const sub = await subscriber(s.port);
    await r.del('nk1', 'nk2');
    await r.set('nk1', 'a');
    await r.set('nk1', 'b');
    await r.set('nk2', 'c');
    expect(await drain(sub, r)).toEqual([
      pm('*', '__keyevent@0__:new', 'nk1'),
      pm('*', '__keyevent@0__:new', 'nk2'),
    ]);
    await r.config('SET', 'notify-keyspace-events', 'EA');
    await r.del('nk3');
    await r.set('nk3', 'x');
    expect(await drain(sub, r)).toEqual([pm('*', '__keyevent@0__:set', 'nk3')]);
    sub.close();
  });

  it('keymiss fires on read misses (m), not on writes', async () => {
    await r.config('SET', 'notify-keyspace-events', 'Km');
    const sub = await subscriber(s.port);
    await r.del('miss');
    await r.get('miss');
    await r.set('miss', '1');
    await r.get('miss');
    expect(await drain(sub, r)).toEqual([pm('*', '__keyspace@0__:miss', 'keymiss')]);
    sub.close();
  });

  it('expired: from lazy expiry (an access) and from the active cycle', async () => {
    await r.config('SET', 'notify-keyspace-events', 'Ex');
    const sub = await subscriber(s.port);
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await r.set('lazy', '1', 'PX', 5);
    await sleep(20);
    expect(await r.get('lazy')).toBe(null);
    expect(await drain(sub, r)).toEqual([pm('*', '__keyevent@0__:expired', 'lazy')]);
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    await r.psetex('active', 50, '1');
    // No access: only the active cycle can delete it.
    const [frame] = await sub.raw('', 1);
    expect(frame).toBe(pm('*', '__keyevent@0__:expired', 'active'));
    sub.close();
  });

  it('events from inside MULTI/EXEC are published as the commands run', async () => {
    await r.config('SET', 'notify-keyspace-events', 'E$g');
    const sub = await subscriber(s.port);
    await r.multi().set('t1', '1').incr('t1').del('t1').exec();
    expect(await drain(sub, r)).toEqual([
      pm('*', '__keyevent@0__:set', 't1'),
      pm('*', '__keyevent@0__:incrby', 't1'),
      pm('*', '__keyevent@0__:del', 't1'),
    ]);
    await r.config('SET', 'notify-keyspace-events', '');
    sub.close();
  });
});

/** `channel message` of a raw RESP2 pmessage frame (bulk lengths are checked by the parse). */
function readable(frame: string): string {
  const parts: string[] = [];
  let p = frame.indexOf('\r\n') + 2;
  while (p < frame.length) {
    const nl = frame.indexOf('\r\n', p);
    const len = Number(frame.slice(p + 1, nl));
    parts.push(frame.slice(nl + 2, nl + 2 + len));
    p = nl + 2 + len + 2;
  }
  return `${parts[2]} ${parts[3]}`;
}

describe('differential: event streams match redis-server', () => {
  let real: RealRedis;
  let ours: RunningServer;

  beforeAll(async () => {
    real = await startRealRedis();
    ours = await startServer({ port: 0, config: { loglevel: 'warning', 'enable-debug-command': 'yes' } });
  });

  afterAll(async () => {
    await real.stop();
    await ours.close();
  });

  const FUTURE = '4102444800';
  const SEQUENCE: string[][] = [
    ['SET', 'a', '1'], ['SET', 'a', '2', 'EX', '100'], ['SET', 'a', '3', 'KEEPTTL'], ['SET', 'a', '4', 'NX'],
    ['SET', 'b', 'x', 'XX'], ['SET', 'b', 'x', 'GET'], ['SETNX', 'b', 'y'], ['SETEX', 'c', '100', 'v'],
    ['PSETEX', 'c', '100000', 'w'], ['GETSET', 'd', '5'], ['GETDEL', 'd'], ['GETDEL', 'd'],
    ['GETEX', 'a', 'EX', '50'], ['GETEX', 'a', 'PERSIST'], ['GETEX', 'a', 'PXAT', '1'], ['GETEX', 'nokey'],
    ['MSET', 'm1', '1', 'm2', '2'], ['MSETNX', 'm3', '1', 'm1', '9'], ['MSETNX', 'm4', '1', 'm5', '2'],
    ['INCR', 'n'], ['INCRBY', 'n', '5'], ['DECR', 'n'], ['DECRBY', 'n', '2'], ['INCRBYFLOAT', 'n', '1.5'],
    ['APPEND', 'ap', 'x'], ['APPEND', 'ap', 'y'], ['SETRANGE', 'sr', '3', 'abc'], ['SETRANGE', 'sr', '0', ''],
    ['GET', 'missing'], ['MGET', 'missing', 'm1'], ['STRLEN', 'missing'], ['GETRANGE', 'missing', '0', '1'],
    ['EXISTS', 'missing', 'm1'], ['TYPE', 'missing'], ['TTL', 'missing'], ['OBJECT', 'ENCODING', 'missing'],
    ['EXPIRE', 'm1', '100'], ['PEXPIRE', 'm1', '1000000', 'GT'], ['EXPIREAT', 'm2', FUTURE], ['PERSIST', 'm2'],
    ['PERSIST', 'm2'], ['EXPIRE', 'm2', '-1'], ['PEXPIREAT', 'm3', '1'],
    ['RENAME', 'm4', 'r1'], ['RENAMENX', 'r1', 'm5'], ['RENAMENX', 'r1', 'r2'], ['RENAME', 'r2', 'r2'],
    ['COPY', 'r2', 'cp'], ['COPY', 'r2', 'cp', 'REPLACE'], ['COPY', 'r2', 'cp', 'DB', '1'], ['MOVE', 'cp', '2'],
    ['SELECT', '2'], ['DEL', 'cp'], ['SELECT', '0'],
    ['DEL', 'm5', 'missing', 'n'], ['UNLINK', 'ap'], ['TOUCH', 'sr', 'missing'],
    ['SET', 'ex1', 'v', 'PX', '1'], ['SLEEP'], ['GET', 'ex1'],
    ['SWAPDB', '0', '1'], ['SWAPDB', '0', '1'], ['FLUSHDB'], ['SET', 'last', '1'], ['FLUSHALL'],
  ];

  async function run(port: number): Promise<string[]> {
    const cmd = await RawClient.connect(port);
    const pub = new Redis({ port, protocol: 2 });
    await cmd.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEAnm');
    await cmd.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    const sub = await subscriber(port, '__key*');
    const replies: string[] = [];
    for (const c of SEQUENCE) {
      if (c[0] === 'SLEEP') await sleep(10);
      else replies.push(await cmd.call(...c));
    }
    const events = await drain(sub, pub);
    await cmd.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    cmd.close();
    sub.close();
    pub.disconnect();
    return [...replies.map((x) => `reply ${JSON.stringify(x)}`), ...events.map(readable)];
  }

  it('KEAnm: every event, in order, byte for byte', async () => {
    const theirs = await run(real.port);
    const mine = await run(ours.port);
    expect(mine).toEqual(theirs);
    // The sequence really exercises notifications.
    expect(theirs.filter((x) => x.startsWith('__key')).length).toBeGreaterThan(100);
  });
});
