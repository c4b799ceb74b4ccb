// MULTI / EXEC / DISCARD / WATCH / UNWATCH over real sockets: queueing and its errors, EXECABORT,
// run-time errors without rollback, WATCH invalidation (writes, expiry, FLUSHALL / FLUSHDB /
// SWAPDB, stale keys), CLIENT LIST fields, command statistics and the propagated stream
// (captured from the engine's propagation sink, as a replica would see it).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { PROPAGATE_AOF, PROPAGATE_REPL, SelectTracker } from '../../src/engine/propagation.js';
import { RawClient } from '../helpers/resp.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let s: RunningServer;
let r: Redis;
let other: Redis;
let c: RawClient;

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning', 'enable-debug-command': 'yes' } });
  r = new Redis({ port: s.port, protocol: 2 });
  other = new Redis({ port: s.port, protocol: 2 });
});

afterAll(async () => {
  r.disconnect();
  other.disconnect();
  await s.close();
});

beforeEach(async () => {
  await r.flushall();
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  c?.close();
  c = await RawClient.connect(s.port);
});

/** Send several commands and collect one reply each. */
async function seq(cl: RawClient, ...cmds: string[][]): Promise<string[]> {
  const out: string[] = [];
  for (const cmd of cmds) out.push(await cl.call(...cmd));
  return out;
}

describe('MULTI / EXEC basics', () => {
  it('queues commands and replies all results in one array', async () => {
    expect(await seq(c, ['MULTI'], ['SET', 'k', 'v'], ['GET', 'k'], ['PING'], ['INCR', 'n'], ['EXEC'])).toEqual([
      '+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '+QUEUED\r\n',
      '*4\r\n+OK\r\n$1\r\nv\r\n+PONG\r\n:1\r\n',
    ]);
  });

  it('an empty transaction replies an empty array', async () => {
    expect(await seq(c, ['MULTI'], ['EXEC'])).toEqual(['+OK\r\n', '*0\r\n']);
  });

  it('run-time errors do not roll back the other commands', async () => {
    await r.set('s', 'text');
    expect(await seq(c, ['MULTI'], ['INCR', 's'], ['SET', 'after', '1'], ['EXEC'])).toEqual([
      '+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '*2\r\n-ERR value is not an integer or out of range\r\n+OK\r\n',
    ]);
    expect(await r.get('after')).toBe('1');
  });

  it('DISCARD drops the queue', async () => {
    expect(await seq(c, ['MULTI'], ['SET', 'd', '1'], ['DISCARD'], ['GET', 'd'])).toEqual([
      '+OK\r\n', '+QUEUED\r\n', '+OK\r\n', '$-1\r\n',
    ]);
  });

  it('state errors: nested MULTI, EXEC/DISCARD without MULTI, WATCH inside MULTI', async () => {
    expect(await c.call('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
    expect(await c.call('DISCARD')).toBe('-ERR DISCARD without MULTI\r\n');
    expect(await seq(c, ['MULTI'], ['MULTI'], ['WATCH', 'x'], ['SET', 'a', '1'], ['EXEC'])).toEqual([
      '+OK\r\n',
      '-ERR MULTI calls can not be nested\r\n',
      '-ERR WATCH inside MULTI is not allowed\r\n',
      '+QUEUED\r\n',
      // Neither error aborts the transaction.
      '*1\r\n+OK\r\n',
    ]);
  });

  it('errors while queueing abort EXEC with EXECABORT', async () => {
    const aborted = '-EXECABORT Transaction discarded because of previous errors.\r\n';
    expect(await seq(c, ['MULTI'], ['SET', 'e1', 'v'], ['NOSUCHCMD', 'x'], ['SET', 'e2', 'v'], ['EXEC'])).toEqual([
      '+OK\r\n', '+QUEUED\r\n', "-ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' \r\n", '+QUEUED\r\n', aborted,
    ]);
    expect(await seq(c, ['MULTI'], ['GET'], ['EXEC'])).toEqual([
      '+OK\r\n', "-ERR wrong number of arguments for 'get' command\r\n", aborted,
    ]);
    expect(await seq(c, ['MULTI'], ['CONFIG', 'NOPE'], ['EXEC'])).toEqual([
      '+OK\r\n', "-ERR unknown subcommand 'NOPE'. Try CONFIG HELP.\r\n", aborted,
    ]);
    // no-multi commands are refused while queueing, and that aborts too.
    expect(await seq(c, ['MULTI'], ['SHUTDOWN'], ['EXEC'])).toEqual([
      '+OK\r\n', '-ERR Command not allowed inside a transaction\r\n', aborted,
    ]);
    expect(await r.exists('e1', 'e2')).toBe(0);
    // The client left MULTI state.
    expect(await c.call('PING')).toBe('+PONG\r\n');
  });

  it('EXEC rejected by a gate aborts with the reason; its flags come from the queued commands', async () => {
    expect(await seq(c, ['MULTI'], ['SET', 'lk', 'v'])).toEqual(['+OK\r\n', '+QUEUED\r\n']);
    s.engine.loading = true;
    try {
      // SET may not run while loading, so neither may the EXEC that carries it.
      expect(await c.call('EXEC')).toBe(
        '-EXECABORT Transaction discarded because of: LOADING Redis is loading the dataset in memory\r\n',
      );
      // The transaction is gone; EXEC itself may run while loading.
      expect(await c.call('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
      s.engine.loading = false;
      expect(await c.call('MULTI')).toBe('+OK\r\n');
      expect(await c.call('CONFIG', 'GET', 'maxmemory')).toBe('+QUEUED\r\n');
      s.engine.loading = true;
      // Every queued command may run while loading: EXEC goes through.
      expect(await c.call('EXEC')).toBe('*1\r\n*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n');
    } finally {
      s.engine.loading = false;
    }
    expect(await r.exists('lk')).toBe(0);
  });

  it('QUIT and RESET are not queued', async () => {
    expect(await seq(c, ['MULTI'], ['SET', 'q', '1'], ['RESET'], ['EXEC'])).toEqual([
      '+OK\r\n', '+QUEUED\r\n', '+RESET\r\n', '-ERR EXEC without MULTI\r\n',
    ]);
    expect(await seq(c, ['MULTI'], ['QUIT'])).toEqual(['+OK\r\n', '+OK\r\n']);
    await c.waitClose();
  });

  it('RESP3: a failed WATCH gives the RESP3 null', async () => {
    await c.call('HELLO', '3');
    await c.call('WATCH', 'w3');
    await other.set('w3', '1');
    expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '_\r\n']);
  });

  it('commands inside EXEC share one cached time (a key does not expire mid-transaction)', async () => {
    expect(await seq(c, ['MULTI'], ['SET', 'k', 'v', 'PX', '50'], ['DEBUG', 'SLEEP', '0.1'], ['GET', 'k'], ['EXEC'])).toEqual([
      '+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '*3\r\n+OK\r\n+OK\r\n$1\r\nv\r\n',
    ]);
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
  });

  it('blocking commands inside MULTI act like their non-blocking forms (CALL_FROM_MULTI)', async () => {
    const t0 = Date.now();
    expect(await seq(c, ['MULTI'], ['BLPOP', 'empty', '0'], ['BRPOP', 'empty', '0'], ['EXEC'])).toEqual([
      '+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '*2\r\n*-1\r\n*-1\r\n',
    ]);
    expect(Date.now() - t0).toBeLessThan(1000);
    // The same client is not left blocked: it answers at once.
    expect(await c.call('PING')).toBe('+PONG\r\n');
  });

  it('SELECT inside MULTI switches the database for the following commands', async () => {
    expect(await seq(c, ['MULTI'], ['SELECT', '1'], ['SET', 'db1key', 'v'], ['SELECT', '0'], ['EXEC'])).toEqual([
      '+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '*3\r\n+OK\r\n+OK\r\n+OK\r\n',
    ]);
    expect(await r.exists('db1key')).toBe(0);
    await r.select(1);
    expect(await r.get('db1key')).toBe('v');
    await r.select(0);
  });

  it('CLIENT REPLY OFF silences +QUEUED', async () => {
    await c.raw('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n', 0);
    await c.raw('*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nz\r\n$1\r\n1\r\n*1\r\n$4\r\nEXEC\r\n', 0);
    expect(await c.call('CLIENT', 'REPLY', 'ON')).toBe('+OK\r\n');
    expect(await r.get('z')).toBe('1');
  });
});

describe('WATCH', () => {
  it('a write by another client makes EXEC reply the null array', async () => {
    await r.set('x', '30');
    await c.call('WATCH', 'x');
    await other.set('x', '40');
    expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);
    // The watch is gone afterwards.
    await other.set('x', '50');
    expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n']);
  });

  it('unmodified keys, UNWATCH and DISCARD', async () => {
    await c.call('WATCH', 'a', 'b', 'c');
    await c.call('WATCH', 'a');
    expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n']);
    await c.call('WATCH', 'x');
    await other.set('x', '1');
    expect(await c.call('UNWATCH')).toBe('+OK\r\n');
    expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n']);
    await c.call('WATCH', 'x');
    await other.set('x', '10');
    expect(await seq(c, ['MULTI'], ['DISCARD'], ['MULTI'], ['INCR', 'x'], ['EXEC'])).toEqual([
      '+OK\r\n', '+OK\r\n', '+OK\r\n', '+QUEUED\r\n', '*1\r\n:11\r\n',
    ]);
  });

  it('the watching client itself modifying the key also fails EXEC', async () => {
    await c.call('WATCH', 'self');
    await c.call('SET', 'self', '1');
    expect(await seq(c, ['MULTI'], ['GET', 'self'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);
  });

  it('remembers the database of the watched key', async () => {
    await c.call('SELECT', '5');
    await c.call('SET', 'x', '30');
    await c.call('WATCH', 'x');
    await other.set('x', '10'); // db 0
    expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n']);
  });

  it('EXPIRE on a watched key counts as a change', async () => {
    await r.set('x', 'foo');
    await c.call('WATCH', 'x');
    await other.expire('x', 10);
    expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);
  });

  it('a watched key that expires (actively or lazily) fails EXEC', async () => {
    await r.set('ax', 'foo', 'PX', 30);
    await c.call('WATCH', 'ax');
    for (let i = 0; i < 50 && (await r.dbsize()) !== 0; i++) await sleep(20);
    expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);

    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await r.set('lx', '1', 'PX', 30);
    await c.call('WATCH', 'lx');
    await sleep(40);
    // Still in the dict, logically expired at EXEC time.
    expect(await seq(c, ['MULTI'], ['INCR', 'lx'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);
  });

  it('keys already stale when watched do not fail EXEC (expiry, delete, FLUSHDB)', async () => {
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    for (const touch of [null, ['EXISTS', 'st'], ['FLUSHDB']] as const) {
      await r.set('st', 'foo', 'PX', 1);
      await sleep(5);
      await c.call('WATCH', 'st');
      if (touch) await c.call(...touch);
      expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n']);
    }
  });

  it('FLUSHALL / FLUSHDB touch watched keys that exist, not missing ones', async () => {
    for (const flush of ['FLUSHALL', 'FLUSHDB']) {
      await r.set('x', '30');
      await c.call('WATCH', 'x');
      await other.call(flush);
      expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);
      await c.call('WATCH', 'x');
      await other.call(flush);
      expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n']);
    }
  });

  it('SWAPDB touches watched keys existing on either side, but not stale-vs-missing', async () => {
    await r.set('x', '30');
    await c.call('WATCH', 'x');
    await other.swapdb(0, 1);
    expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);
    await r.flushall();
    await r.select(1);
    await r.set('y', '1');
    await r.select(0);
    await c.call('WATCH', 'y');
    await other.swapdb(0, 1);
    expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);
    // A missing key replaced by a stale one: no change.
    await r.flushall();
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await r.select(1);
    await r.set('z', 'foo', 'PX', 1);
    await r.select(0);
    await sleep(5);
    await c.call('WATCH', 'z');
    await other.swapdb(0, 1);
    expect(await seq(c, ['MULTI'], ['PING'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n']);
  });

  it('CLIENT LIST shows x, d, multi= and multi-mem=', async () => {
    const id = Number((await c.call('CLIENT', 'ID')).slice(1, -2));
    await c.call('WATCH', 'cl');
    await other.set('cl', '1');
    await seq(c, ['MULTI'], ['SET', 'k', 'vv']);
    const line = (await r.call('CLIENT', 'LIST', 'ID', String(id))) as string;
    expect(line).toMatch(/ flags=xd /);
    // Nothing is kept once the transaction is doomed (as Redis: no point in queueing).
    expect(line).toMatch(/ multi=0 /);
    await c.call('DISCARD');
    await seq(c, ['MULTI'], ['SET', 'k', 'vv'], ['GET', 'k']);
    const line2 = (await r.call('CLIENT', 'LIST', 'ID', String(id))) as string;
    expect(line2).toMatch(/ flags=x /);
    // Argument bytes plus 8 per argument: (3+1+2 + 24) + (3+1 + 16), as redis-server reports.
    expect(line2).toMatch(/ multi=2 .* multi-mem=50 /);
    expect(line2).toMatch(/ cmd=get /);
    await c.call('EXEC');
    expect((await r.call('CLIENT', 'LIST', 'ID', String(id))) as string).toMatch(/ flags=N .* multi=-1 .* multi-mem=0 /);
  });
});

describe('statistics', () => {
  it('errors inside EXEC count for the failing command, not for EXEC', async () => {
    await r.config('RESETSTAT');
    expect(await seq(c, ['MULTI'], ['SET', 'a', 'b'], ['AUTH', 'a'], ['EXEC'])).toHaveLength(4);
    const cs = (await r.info('commandstats')) as string;
    expect(cs).toMatch(/cmdstat_set:calls=1,.*,rejected_calls=0,failed_calls=0/);
    expect(cs).toMatch(/cmdstat_auth:calls=1,.*,rejected_calls=0,failed_calls=1/);
    expect(cs).toMatch(/cmdstat_exec:calls=1,.*,rejected_calls=0,failed_calls=0/);
    await r.config('RESETSTAT');
    await seq(c, ['MULTI'], ['SET'], ['EXEC']);
    const cs2 = (await r.info('commandstats')) as string;
    expect(cs2).toMatch(/cmdstat_set:calls=0,.*,rejected_calls=1,failed_calls=0/);
    expect(cs2).toMatch(/cmdstat_exec:calls=1,.*,rejected_calls=0,failed_calls=1/);
    expect((await r.info('errorstats')) as string).toMatch(/errorstat_EXECABORT:count=1/);
  });
});

describe('propagation', () => {
  /** Capture what a replica (REPL target) would receive, SELECTs included. */
  function capture(target = PROPAGATE_REPL): { ops: string[][]; stop: () => void } {
    const ops: string[][] = [];
    const sel = new SelectTracker();
    const stop = s.engine.propagation.addSink(target, (db, argv) => ops.push(...sel.feed(db, argv)));
    return { ops, stop };
  }

  it('a single write in MULTI is not wrapped; several are, with SELECT before MULTI', async () => {
    const cap = capture();
    await seq(c, ['MULTI'], ['SET', 'foo', 'bar'], ['EXEC']);
    await seq(c, ['MULTI'], ['SET', 'a', '1'], ['GET', 'a'], ['SET', 'b', '2'], ['EXEC']);
    cap.stop();
    expect(cap.ops).toEqual([
      ['SELECT', '0'], ['SET', 'foo', 'bar'],
      ['MULTI'], ['SET', 'a', '1'], ['SET', 'b', '2'], ['EXEC'],
    ]);
  });

  it('SELECT inside MULTI, empty and read-only transactions, writes without effect', async () => {
    await r.set('ro', 'v');
    const cap = capture();
    await c.call('SELECT', '3');
    await seq(c, ['MULTI'], ['SET', 'x', '1'], ['SELECT', '4'], ['SET', 'y', '2'], ['EXEC']);
    await seq(c, ['MULTI'], ['EXEC']);
    await seq(c, ['MULTI'], ['GET', 'ro'], ['EXEC']);
    await seq(c, ['MULTI'], ['DEL', 'nothing'], ['EXEC']);
    await c.call('INCR', 'after');
    cap.stop();
    expect(cap.ops).toEqual([
      ['SELECT', '3'], ['MULTI'], ['SET', 'x', '1'], ['SELECT', '4'], ['SET', 'y', '2'], ['EXEC'],
      ['INCR', 'after'],
    ]);
  });

  it('PUBLISH in MULTI reaches replicas only, unwrapped; lazily expired keys join the transaction', async () => {
    const repl = capture(PROPAGATE_REPL);
    const aof = capture(PROPAGATE_AOF);
    await seq(c, ['MULTI'], ['PUBLISH', 'bla', 'bla'], ['EXEC']);
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await r.set('gone', '1', 'PX', 1);
    await sleep(5);
    await seq(c, ['MULTI'], ['GET', 'gone'], ['SET', 'k', 'v'], ['EXEC']);
    repl.stop();
    aof.stop();
    expect(repl.ops).toEqual([
      ['SELECT', '0'], ['PUBLISH', 'bla', 'bla'],
      ['SET', 'gone', '1', 'PXAT', repl.ops[2]?.[4] ?? ''],
      ['MULTI'], ['DEL', 'gone'], ['SET', 'k', 'v'], ['EXEC'],
    ]);
    expect(aof.ops[0]).toEqual(['SELECT', '0']);
    expect(aof.ops.some((op) => op[0] === 'PUBLISH')).toBe(false);
  });
});

describe('server state checked at EXEC', () => {
  it('min-replicas-to-write not met: writes get NOREPLICAS, a queued write aborts EXEC', async () => {
    await r.set('xx', '1');
    expect(await seq(c, ['MULTI'], ['INCR', 'xx'])).toEqual(['+OK\r\n', '+QUEUED\r\n']);
    await other.config('SET', 'min-replicas-to-write', '2');
    try {
      expect(await c.call('EXEC')).toBe(
        '-EXECABORT Transaction discarded because of: NOREPLICAS Not enough good replicas to write.\r\n',
      );
      expect(await r.get('xx')).toBe('1');
      await expect(r.set('yy', '1')).rejects.toThrow('NOREPLICAS Not enough good replicas to write.');
      // Read-only transactions still run.
      expect(await seq(c, ['MULTI'], ['GET', 'xx'], ['EXEC'])).toEqual(['+OK\r\n', '+QUEUED\r\n', '*1\r\n$1\r\n1\r\n']);
    } finally {
      await other.config('SET', 'min-replicas-to-write', '0');
    }
    expect(await r.set('yy', '1')).toBe('OK');
  });
});

describe('CLIENT PAUSE and expiry', () => {
  const expiredKeys = async (): Promise<number> => Number(/expired_keys:(\d+)/.exec((await r.info('stats')) as string)?.[1]);

  it('no key is expired, actively or lazily, while clients are paused', async () => {
    const before = await expiredKeys();
    expect(await seq(c,
      ['MULTI'], ['SET', 'foo', 'bar', 'PX', '10'], ['SET', 'bar', 'foo', 'PX', '10'], ['CLIENT', 'PAUSE', '50000', 'WRITE'], ['EXEC'],
    )).toEqual(['+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '*3\r\n+OK\r\n+OK\r\n+OK\r\n']);
    try {
      // Long enough for several active expiry cycles.
      await sleep(300);
      // Logically expired for readers, but still in the dataset.
      expect(await r.get('foo')).toBeNull();
      expect(await r.get('bar')).toBeNull();
      expect(await r.dbsize()).toBe(2);
      expect(await expiredKeys()).toBe(before);
    } finally {
      await r.call('CLIENT', 'UNPAUSE');
    }
    await r.get('foo');
    await r.get('bar');
    expect(await expiredKeys()).toBe(before + 2);
  });

  it('a write in the pausing transaction still replaces an expired key', async () => {
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await r.set('stale', 'x', 'PX', 5);
    await sleep(30);
    try {
      expect(await seq(c, ['MULTI'], ['CLIENT', 'PAUSE', '10000', 'WRITE'], ['RPUSH', 'stale', 'a'], ['EXEC']))
        .toEqual(['+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '*2\r\n+OK\r\n:1\r\n']);
    } finally {
      await r.call('CLIENT', 'UNPAUSE');
    }
    expect(await r.lrange('stale', 0, -1)).toEqual(['a']);
    expect(await r.ttl('stale')).toBe(-1);
  });
});
