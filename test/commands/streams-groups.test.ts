// Consumer-group tests (XGROUP XREADGROUP XACK XPENDING XCLAIM XAUTOCLAIM XINFO GROUPS/CONSUMERS).
//
// 1. Handler effects: XREADGROUP propagates XCLAIM per delivered entry (XGROUP SETID and XGROUP
//    CREATECONSUMER with NOACK) and never itself; XCLAIM / XAUTOCLAIM propagate XCLAIMs,
//    including for entries deleted meanwhile; group events and dirty counts.
// 2. Server tests: blocking XREADGROUP served by XADD, failing with NOGROUP when the group is
//    destroyed, PEL bookkeeping visible through XPENDING and XINFO.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { StreamHarness } from '../helpers/stream-harness.js';

describe('stream groups: handler effects', () => {
  let h: StreamHarness;
  beforeEach(() => {
    h = new StreamHarness();
    h.run('XADD', 's', '1-0', 'a', '1');
    h.run('XADD', 's', '2-0', 'b', '2');
  });

  it('XGROUP CREATE / CREATECONSUMER / DELCONSUMER / DESTROY events', () => {
    const c = h.run('XGROUP', 'CREATE', 's', 'g', '0');
    expect(c.reply).toBe('+OK\r\n');
    expect(c.events).toEqual(['xgroup-create']);
    expect(h.run('XGROUP', 'CREATE', 's', 'g', '0').reply).toBe('-BUSYGROUP Consumer Group name already exists\r\n');
    expect(h.run('XGROUP', 'CREATE', 'none', 'g', '$').reply).toMatch(/requires the key to exist/);
    const m = h.run('XGROUP', 'CREATE', 'new', 'g', '$', 'MKSTREAM');
    expect(m.events).toEqual(['new', 'xgroup-create']);
    expect(m.modified).toBe(1);
    expect(h.run('XGROUP', 'CREATECONSUMER', 's', 'g', 'alice').events).toEqual(['xgroup-createconsumer']);
    expect(h.run('XGROUP', 'CREATECONSUMER', 's', 'g', 'alice').reply).toBe(':0\r\n');
    expect(h.run('XGROUP', 'DELCONSUMER', 's', 'g', 'alice').events).toEqual(['xgroup-delconsumer']);
    expect(h.run('XGROUP', 'SETID', 's', 'nog', '0').reply).toBe("-NOGROUP No such consumer group 'nog' for key name 's'\r\n");
    expect(h.run('XGROUP', 'SETID', 's', 'g', '$', 'ENTRIESREAD', '2').events).toEqual(['xgroup-setid']);
    expect(h.run('XGROUP', 'SETID', 's', 'g', '$', 'MKSTREAM').reply).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n",
    );
    const d = h.run('XGROUP', 'DESTROY', 's', 'g');
    expect(d.reply).toBe(':1\r\n');
    expect(d.events).toEqual(['xgroup-destroy']);
    expect(h.run('XGROUP', 'DESTROY', 's', 'g').reply).toBe(':0\r\n');
  });

  it('XREADGROUP propagates XCLAIMs, not itself', () => {
    h.run('XGROUP', 'CREATE', 's', 'g', '0');
    const r = h.run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    expect(r.prop).toBeNull();
    expect(r.events).toEqual(['xgroup-createconsumer']);
    const now = String(h.fake.ks.now);
    expect(r.also).toEqual([
      ['XCLAIM', 's', 'g', 'alice', '0', '1-0', 'TIME', now, 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '1-0'],
      ['XCLAIM', 's', 'g', 'alice', '0', '2-0', 'TIME', now, 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '2-0'],
    ]);
    expect(h.run('XPENDING', 's', 'g').reply).toBe(
      '*4\r\n:2\r\n$3\r\n1-0\r\n$3\r\n2-0\r\n*1\r\n*2\r\n$5\r\nalice\r\n$1\r\n2\r\n',
    );
    // History read: no new deliveries propagated, delivery counts go up.
    expect(h.run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0').also).toEqual([]);
    expect(h.run('XACK', 's', 'g', '1-0', '1-0').reply).toBe(':1\r\n');
  });

  it('XREADGROUP NOACK propagates the consumer creation and the group position', () => {
    h.run('XGROUP', 'CREATE', 's', 'g', '0');
    const r = h.run('XREADGROUP', 'GROUP', 'g', 'bob', 'NOACK', 'STREAMS', 's', '>');
    expect(r.also).toEqual([
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'SETID', 's', 'g', '2-0', 'ENTRIESREAD', '2'],
    ]);
    expect(h.run('XPENDING', 's', 'g').reply).toBe('*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n');
  });

  it('XCLAIM and XAUTOCLAIM propagate claims and drop deleted entries', () => {
    h.run('XGROUP', 'CREATE', 's', 'g', '0');
    h.run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    const now = String(h.fake.ks.now);
    const c = h.run('XCLAIM', 's', 'g', 'bob', '0', '1-0', 'JUSTID');
    expect(c.reply).toBe('*1\r\n$3\r\n1-0\r\n');
    expect(c.prop).toBeNull();
    expect(c.also).toEqual([['XCLAIM', 's', 'g', 'bob', '0', '1-0', 'TIME', now, 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '2-0']]);
    h.run('XDEL', 's', '2-0');
    const a = h.run('XAUTOCLAIM', 's', 'g', 'carol', '0', '0');
    expect(a.reply).toBe('*3\r\n$3\r\n0-0\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*1\r\n$3\r\n2-0\r\n');
    expect(a.also.map((x) => x[3] + ':' + x[5])).toEqual(['carol:1-0', 'alice:2-0']);
    expect(h.run('XCLAIM', 's', 'g', 'x', '0', '1-0', 'BOGUS').reply).toBe("-ERR Unrecognized XCLAIM option 'BOGUS'\r\n");
    expect(h.run('XCLAIM', 's', 'nog', 'x', '0', '1-0').reply).toBe("-NOGROUP No such key 's' or consumer group 'nog'\r\n");
    expect(h.run('XAUTOCLAIM', 's', 'g', 'x', '0', '0', 'COUNT', '0').reply).toBe('-ERR COUNT must be > 0\r\n');
    // LASTID alone moves the group and propagates XGROUP SETID.
    h.run('XADD', 's', '9-0', 'z', '9');
    const l = h.run('XCLAIM', 's', 'g', 'x', '0', '5-0', 'LASTID', '8-0');
    expect(l.also).toEqual([['XGROUP', 'SETID', 's', 'g', '8-0', 'ENTRIESREAD', '2']]);
  });

  it('lag and entries-read follow the Redis 7.0 rules', () => {
    h.run('XGROUP', 'CREATE', 's', 'g', '0');
    const groups = (): string => h.run('XINFO', 'GROUPS', 's').reply;
    expect(groups()).toContain('$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n');
    h.run('XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '1', 'STREAMS', 's', '>');
    expect(groups()).toContain('$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:1\r\n');
    h.run('XADD', 's', '3-0', 'c', '3');
    h.run('XDEL', 's', '2-0');
    expect(groups()).toContain('$3\r\nlag\r\n$-1\r\n');
  });
});

describe('stream groups: server', () => {
  let server: RunningServer;
  let r: Redis;
  const extra: Redis[] = [];

  function client(protocol: 2 | 3 = 2): Redis {
    const c = new Redis({ port: server.port, protocol, maxRetriesPerRequest: 0 });
    extra.push(c);
    return c;
  }

  async function waitBlocked(n: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const info = await r.info('clients');
      if (Number(/blocked_clients:(\d+)/.exec(info)?.[1] ?? -1) === n) return;
      await new Promise((res) => setTimeout(res, 5));
    }
    throw new Error(`expected ${n} blocked clients`);
  }

  beforeAll(async () => {
    server = await startServer({ port: 0, config: { loglevel: 'warning' } });
    r = new Redis({ port: server.port, protocol: 2 });
  });

  afterAll(async () => {
    for (const c of extra) c.disconnect();
    r.disconnect();
    await server.close();
  });

  beforeEach(async () => {
    await r.flushall();
  });

  it('blocking XREADGROUP is served by XADD, one consumer at a time', async () => {
    await r.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
    const a = client();
    const b = client(3);
    const pa = a.xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 0, 'STREAMS', 's', '>');
    await waitBlocked(1); // alice blocks first: she is served first
    const pb = b.call('XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>');
    await waitBlocked(2);
    await r.xadd('s', '1-0', 'f', 'v');
    expect(await pa).toEqual([['s', [['1-0', ['f', 'v']]]]]);
    await waitBlocked(1);
    await r.xadd('s', '2-0', 'f', 'w');
    expect(JSON.stringify(await pb)).toContain('2-0');
    const pending = (await r.xpending('s', 'g', '-', '+', 10)) as Array<[string, string, number, number]>;
    expect(pending.map((p) => [p[0], p[1], p[3]])).toEqual([['1-0', 'alice', 1], ['2-0', 'bob', 1]]);
    expect(pending[0]?.[2]).toBeGreaterThanOrEqual(0);
  });

  it('XGROUP DESTROY fails the blocked reader with NOGROUP', async () => {
    await r.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
    const a = client();
    const pa = a.xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 0, 'STREAMS', 's', '>').catch((e: Error) => e.message);
    await waitBlocked(1);
    await r.xgroup('DESTROY', 's', 'g');
    expect(await pa).toMatch(/^NOGROUP the consumer group this client was blocked on no longer exists/);
  });

  it('XREADGROUP errors', async () => {
    await expect(r.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>')).rejects.toThrow(
      "NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option",
    );
    await r.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
    await expect(r.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '$')).rejects.toThrow(/The \$ ID is meaningless/);
    await expect(r.call('XREADGROUP', 'COUNT', '1', 'STREAMS', 's', '>')).rejects.toThrow(/wrong number of arguments|Missing GROUP/);
    expect(await r.xreadgroup('GROUP', 'g', 'c', 'STREAMS', 's', '0')).toEqual([['s', []]]);
  });

  it('XINFO GROUPS / CONSUMERS / STREAM FULL', async () => {
    await r.xadd('s', '1-0', 'a', '1');
    await r.xgroup('CREATE', 's', 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    expect(await r.xinfo('GROUPS', 's')).toEqual([
      ['name', 'g', 'consumers', 1, 'pending', 1, 'last-delivered-id', '1-0', 'entries-read', 1, 'lag', 0],
    ]);
    const cons = (await r.xinfo('CONSUMERS', 's', 'g')) as unknown[][];
    expect(cons[0]?.slice(0, 4)).toEqual(['name', 'alice', 'pending', 1]);
    const full = (await r.call('XINFO', 'STREAM', 's', 'FULL')) as unknown[];
    expect(full[14]).toBe('entries');
    expect(full[16]).toBe('groups');
    await expect(r.call('XINFO', 'CONSUMERS', 's', 'nog')).rejects.toThrow("NOGROUP No such consumer group 'nog' for key name 's'");
    await expect(r.call('XINFO', 'STREAM', 's', 'FULL', 'x')).rejects.toThrow(/unknown subcommand or wrong number of arguments for 'STREAM'/);
  });
});
