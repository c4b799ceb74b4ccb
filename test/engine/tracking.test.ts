// Client-side caching over real sockets, compared byte for byte with what Redis 7.0.15 sends:
// RESP3 `invalidate` pushes, REDIRECT (RESP3 target, RESP2 target in Pub/Sub mode), BCAST with
// prefixes and NOLOOP, OPTIN/OPTOUT with CLIENT CACHING, invalidations after the reply (and after
// EXEC), FLUSHALL's null, broken redirects, the tracking-table limit, option errors, CLIENT
// TRACKINGINFO / GETREDIR, CLIENT LIST flags and INFO counters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { RunningServer } from '../../src/index.js';
import { startTestServer, stopTestServer } from '../helpers/server.js';
import { RawClient, encodeCommand } from '../helpers/resp.js';

const b = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const inv3 = (...keys: string[]): string => `>2\r\n${b('invalidate')}*${keys.length}\r\n${keys.map(b).join('')}`;
const invNull3 = `>2\r\n${b('invalidate')}_\r\n`;
const inv2 = (...keys: string[]): string =>
  `*3\r\n${b('message')}${b('__redis__:invalidate')}*${keys.length}\r\n${keys.map(b).join('')}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let s: RunningServer;
let r: Redis;

async function resp3(): Promise<RawClient> {
  const c = await RawClient.connect(s.port);
  await c.call('HELLO', '3');
  return c;
}

async function idOf(c: RawClient): Promise<string> {
  return (await c.call('CLIENT', 'ID')).slice(1, -2);
}

beforeAll(async () => {
  ({ s, r } = await startTestServer({ 'enable-debug-command': 'yes' }));
});

afterAll(() => stopTestServer({ s, r }));

describe('default mode', () => {
  it('a read key is invalidated once, as a RESP3 push after the writer changed it', async () => {
    const a = await resp3();
    expect(await a.call('CLIENT', 'TRACKING', 'on')).toBe('+OK\r\n');
    await r.set('k1', 'v');
    expect(await a.call('GET', 'k1')).toBe(b('v'));
    await r.set('k1', 'w');
    // The push arrives before the next reply; a second change sends nothing (not read again).
    expect(await a.raw('', 1)).toEqual([inv3('k1')]);
    await r.set('k1', 'x');
    expect(await a.call('PING')).toBe('+PONG\r\n');
    a.close();
  });

  it("the client's own write is invalidated after its reply, and after the whole EXEC", async () => {
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on');
    await a.call('MGET', 'm1', 'm2');
    expect(await a.raw('SET m1 1\r\n', 2)).toEqual(['+OK\r\n', inv3('m1')]);
    await a.call('GET', 'm1');
    const replies = await a.raw('MULTI\r\nSET m1 2\r\nSET m2 2\r\nEXEC\r\n', 6);
    expect(replies).toEqual(['+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '*2\r\n+OK\r\n+OK\r\n', inv3('m1'), inv3('m2')]);
    a.close();
  });

  it('NOLOOP skips the keys the client changed itself', async () => {
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on', 'NOLOOP');
    await a.call('MGET', 'n1', 'n2');
    expect(await a.call('SET', 'n1', 'x')).toBe('+OK\r\n');
    await r.set('n2', 'y');
    expect(await a.raw('', 1)).toEqual([inv3('n2')]);
    a.close();
  });

  it('RESP2 clients without redirect get nothing, but the key still leaves the table', async () => {
    const a = await RawClient.connect(s.port);
    await a.call('CLIENT', 'TRACKING', 'on');
    await a.call('GET', 'r2');
    await r.set('r2', '1');
    expect(await a.call('PING')).toBe('+PONG\r\n');
    a.close();
  });

  it('OPTIN tracks only after CLIENT CACHING yes; OPTOUT skips after CLIENT CACHING no', async () => {
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on', 'OPTIN');
    await a.call('GET', 'o1');
    expect(await a.call('CLIENT', 'CACHING', 'yes')).toBe('+OK\r\n');
    await a.call('GET', 'o2');
    await a.call('GET', 'o3'); // the CACHING flag covered one command only
    await r.mset('o1', '1', 'o2', '2', 'o3', '3');
    expect(await a.raw('', 1)).toEqual([inv3('o2')]);
    expect(await a.call('CLIENT', 'TRACKING', 'off')).toBe('+OK\r\n');
    await a.call('CLIENT', 'TRACKING', 'on', 'OPTOUT');
    expect(await a.call('CLIENT', 'CACHING', 'no')).toBe('+OK\r\n');
    await a.call('GET', 'o1');
    await a.call('GET', 'o2');
    await r.mset('o1', '1', 'o2', '2');
    expect(await a.raw('', 1)).toEqual([inv3('o2')]);
    a.close();
  });

  it('FLUSHALL sends a null invalidation to every tracking client and empties the table', async () => {
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on');
    await a.call('GET', 'f1');
    await a.call('GET', 'f2');
    expect(await infoField('tracking_total_keys')).toBeGreaterThanOrEqual(2);
    await r.flushall();
    expect(await a.raw('', 1)).toEqual([invNull3]);
    expect(await infoField('tracking_total_keys')).toBe(0);
    // Its own FLUSHDB: the null comes after the reply.
    await a.call('GET', 'f1');
    expect(await a.raw('FLUSHDB\r\n', 2)).toEqual(['+OK\r\n', invNull3]);
    a.close();
  });

  it('expired keys are invalidated (lazily, on access: after the reply)', async () => {
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on');
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await r.set('e1', 'v', 'PX', 30);
    await a.call('GET', 'e1');
    await sleep(60);
    expect(await a.raw('MGET e0 e1\r\n', 2)).toEqual(['*2\r\n_\r\n_\r\n', inv3('e1')]);
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    a.close();
  });
});

describe('scripts', () => {
  it("NOLOOP: a script's write to a key its caller cached sends the caller nothing", async () => {
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on', 'NOLOOP');
    await a.call('SET', 'sk1', '1');
    expect(await a.call('GET', 'sk1')).toBe(b('1'));
    expect(await a.call('EVAL', "return redis.call('set', 'sk1', '2')", '1', 'sk1')).toBe('+OK\r\n');
    expect(await a.call('GET', 'sk1')).toBe(b('2'));
    a.close();
  });

  it("without NOLOOP the caller's invalidation follows the script's reply", async () => {
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on');
    await a.call('GET', 'sk2');
    const cmd = encodeCommand(['EVAL', "return redis.call('set', 'sk2', 'x')", '1', 'sk2']);
    expect(await a.raw(cmd, 2)).toEqual(['+OK\r\n', inv3('sk2')]);
    a.close();
  });

  it("a script that reads makes its caller track every key the script declared", async () => {
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on');
    // Writes only: nothing tracked.
    await a.call('EVAL', "redis.call('set', 'sk3', 'bar')", '2', 'sd1', 'sd2');
    await r.mset('sd2', '1', 'sd1', '1');
    // EVAL_RO without a read: nothing tracked either.
    await a.call('EVAL_RO', "redis.call('ping')", '2', 'sd1', 'sd2');
    await r.mset('sd2', '2', 'sd1', '2');
    expect(await a.call('PING')).toBe('+PONG\r\n');
    // A read inside the script: both declared keys are tracked (not the key it read).
    await a.call('EVAL', "redis.call('get', 'sk3')", '2', 'sd1', 'sd2');
    await r.mset('sd2', '3', 'sd1', '3');
    expect(await a.raw('', 2)).toEqual([inv3('sd2'), inv3('sd1')]);
    expect(await a.call('PING')).toBe('+PONG\r\n');
    a.close();
  });
});

describe('redirect', () => {
  it('goes to a RESP3 client as a push, and to a subscribed RESP2 client as a message', async () => {
    const t3 = await resp3();
    const a = await RawClient.connect(s.port);
    await a.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', await idOf(t3));
    await a.call('GET', 'd1');
    await r.set('d1', '1');
    expect(await t3.raw('', 1)).toEqual([inv3('d1')]);

    const t2 = await RawClient.connect(s.port);
    const t2id = await idOf(t2);
    await t2.call('SUBSCRIBE', '__redis__:invalidate');
    expect(await a.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', t2id)).toBe('+OK\r\n');
    await a.call('GET', 'd2');
    await r.set('d2', '1');
    expect(await t2.raw('', 1)).toEqual([inv2('d2')]);
    // FLUSHALL: the null of the tracking client's protocol (RESP2 here).
    await r.flushall();
    expect(await t2.raw('', 1)).toEqual([`*3\r\n${b('message')}${b('__redis__:invalidate')}$-1\r\n`]);
    for (const c of [a, t2, t3]) c.close();
  });

  it('a vanished target is reported to a RESP3 client once per invalidation, and in TRACKINGINFO', async () => {
    const gone = await RawClient.connect(s.port);
    const gid = await idOf(gone);
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', gid);
    await a.call('GET', 'g1');
    gone.close();
    await sleep(30);
    await r.set('g1', '1');
    expect(await a.raw('', 1)).toEqual([`>2\r\n${b('tracking-redir-broken')}:${gid}\r\n`]);
    expect(await a.call('CLIENT', 'TRACKINGINFO')).toBe(
      `%3\r\n${b('flags')}~2\r\n${b('on')}${b('broken_redirect')}${b('redirect')}:${gid}\r\n${b('prefixes')}*0\r\n`,
    );
    const list = await r.call('CLIENT', 'LIST') as string;
    expect(list).toMatch(new RegExp(`flags=tR .*redir=${gid} resp=3`));
    a.close();
  });

  it('pushes ignore CLIENT REPLY OFF', async () => {
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on');
    await a.call('GET', 'q1');
    await a.raw('CLIENT REPLY OFF\r\n', 0);
    await sleep(10);
    await r.set('q1', '1');
    expect(await a.raw('', 1)).toEqual([inv3('q1')]);
    expect(await a.call('CLIENT', 'REPLY', 'ON')).toBe('+OK\r\n');
    a.close();
  });
});

describe('BCAST', () => {
  it('sends each prefix its changed keys once per event-loop turn, sorted, minus NOLOOP own keys', async () => {
    const a = await resp3();
    expect(await a.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'p:', 'PREFIX', 'q:', 'NOLOOP')).toBe('+OK\r\n');
    await r.mset('p:2', '1', 'p:1', '1', 'q:1', '2', 'r:1', '3');
    expect(await a.raw('', 2)).toEqual([inv3('p:1', 'p:2'), inv3('q:1')]);
    expect(await a.call('SET', 'p:9', 'x')).toBe('+OK\r\n');
    expect(await a.call('PING')).toBe('+PONG\r\n');
    expect(await a.call('CLIENT', 'TRACKINGINFO')).toBe(
      `%3\r\n${b('flags')}~3\r\n${b('on')}${b('bcast')}${b('noloop')}${b('redirect')}:0\r\n${b('prefixes')}*2\r\n${b('p:')}${b('q:')}`,
    );
    expect(await infoField('tracking_total_prefixes')).toBeGreaterThanOrEqual(2);
    a.close();
  });

  it('the empty prefix matches every key; active expiry is broadcast too', async () => {
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on', 'BCAST');
    await r.set('ex1', 'v', 'PX', 10);
    expect(await a.raw('', 1)).toEqual([inv3('ex1')]);
    expect(await a.raw('', 1)).toEqual([inv3('ex1')]); // expired by the active cycle
    a.close();
  });

  it('rejects overlapping prefixes with Redis\'s messages', async () => {
    const a = await RawClient.connect(s.port);
    expect(await a.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'FOOBAR', 'PREFIX', 'FOO')).toBe(
      "-ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. Prefixes for a single client must not overlap.\r\n",
    );
    await a.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'FOO', 'PREFIX', 'BAR');
    expect(await a.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'FO')).toBe(
      "-ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. Prefixes for a single client must not overlap.\r\n",
    );
    expect(await a.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'BARB')).toBe(
      "-ERR Prefix 'BARB' overlaps with an existing prefix 'BAR'. Prefixes for a single client must not overlap.\r\n",
    );
    a.close();
  });
});

describe('errors and introspection', () => {
  it('validates options in Redis\'s order', async () => {
    const a = await RawClient.connect(s.port);
    const other = await RawClient.connect(s.port);
    const oid = await idOf(other);
    await a.call('CLIENT', 'TRACKING', 'on');
    const cases: Array<[string[], string]> = [
      [['on', 'BCAST'], "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"],
      [['on', 'PREFIX', 'x'], '-ERR PREFIX option requires BCAST mode to be enabled\r\n'],
      [['on', 'OPTIN', 'OPTOUT'], "-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n"],
      [['on', 'REDIRECT', '999999'], '-ERR The client ID you want redirect to does not exist\r\n'],
      [['on', 'REDIRECT', 'abc'], '-ERR value is not an integer or out of range\r\n'],
      [['on', 'REDIRECT', oid, 'REDIRECT', oid], '-ERR A client can only redirect to a single other client\r\n'],
      [['maybe'], '-ERR syntax error\r\n'],
      [['on', 'FOO'], '-ERR syntax error\r\n'],
    ];
    for (const [args, reply] of cases) expect(await a.call('CLIENT', 'TRACKING', ...args)).toBe(reply);
    await a.call('CLIENT', 'TRACKING', 'on', 'OPTIN');
    expect(await a.call('CLIENT', 'TRACKING', 'on', 'OPTOUT')).toBe(
      "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.\r\n",
    );
    expect(await a.call('CLIENT', 'CACHING', 'no')).toBe('-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n');
    expect(await a.call('CLIENT', 'CACHING', 'maybe')).toBe('-ERR syntax error\r\n');
    await a.call('CLIENT', 'TRACKING', 'off');
    expect(await a.call('CLIENT', 'CACHING', 'maybe')).toBe(
      '-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n',
    );
    a.close();
    other.close();
  });

  it('GETREDIR and TRACKINGINFO in RESP2', async () => {
    const a = await RawClient.connect(s.port);
    expect(await a.call('CLIENT', 'GETREDIR')).toBe(':-1\r\n');
    expect(await a.call('CLIENT', 'TRACKINGINFO')).toBe(`*6\r\n${b('flags')}*1\r\n${b('off')}${b('redirect')}:-1\r\n${b('prefixes')}*0\r\n`);
    await a.call('CLIENT', 'TRACKING', 'on', 'OPTIN');
    await a.call('CLIENT', 'CACHING', 'yes');
    expect(await a.call('CLIENT', 'GETREDIR')).toBe(':0\r\n');
    expect(await a.call('CLIENT', 'TRACKINGINFO')).toBe(
      `*6\r\n${b('flags')}*3\r\n${b('on')}${b('optin')}${b('caching-yes')}${b('redirect')}:0\r\n${b('prefixes')}*0\r\n`,
    );
    await a.call('CLIENT', 'TRACKING', 'off');
    await a.call('CLIENT', 'TRACKING', 'on', 'BCAST');
    expect(await a.call('CLIENT', 'INFO')).toMatch(/ flags=tB .* redir=0 resp=2/);
    expect(await a.call('CLIENT', 'TRACKINGINFO')).toBe(
      `*6\r\n${b('flags')}*2\r\n${b('on')}${b('bcast')}${b('redirect')}:0\r\n${b('prefixes')}*1\r\n$0\r\n\r\n`,
    );
    expect(await a.call('RESET')).toBe('+RESET\r\n');
    expect(await a.call('CLIENT', 'INFO')).toMatch(/ flags=N .* redir=-1 /);
    a.close();
  });

  it('INFO counts tracking clients; disconnecting stops tracking', async () => {
    const before = await infoField('tracking_clients');
    const a = await RawClient.connect(s.port);
    await a.call('CLIENT', 'TRACKING', 'on');
    expect(await infoField('tracking_clients')).toBe(before + 1);
    a.close();
    await sleep(30);
    expect(await infoField('tracking_clients')).toBe(before);
  });

  it('tracking-table-max-keys evicts keys, invalidating them', async () => {
    const a = await resp3();
    await a.call('CLIENT', 'TRACKING', 'on');
    await r.flushall();
    await a.raw('', 1); // the flush's null
    for (let i = 0; i < 20; i++) await a.call('GET', `t${i}`);
    expect(await infoField('tracking_total_keys')).toBe(20);
    await r.config('SET', 'tracking-table-max-keys', '5');
    const got = await a.raw('', 15);
    expect(got.every((m) => m.startsWith(`>2\r\n${b('invalidate')}*1\r\n`))).toBe(true);
    expect(await infoField('tracking_total_keys')).toBe(5);
    await r.config('SET', 'tracking-table-max-keys', '1000000');
    a.close();
  });
});

async function infoField(name: string): Promise<number> {
  const info = await r.info();
  const m = info.match(new RegExp(`\\r\\n${name}:(\\d+)\\r\\n`));
  if (!m) throw new Error(`no ${name}`);
  return Number(m[1]);
}
