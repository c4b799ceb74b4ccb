// Stream family tests (XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID XREAD XINFO).
//
// 1. Handler-level tests with the recording fake context: keyspace events, dirty counts,
//    modified keys and propagation forms (XADD `*` / `<ms>-*` → the generated ID, `~` trims →
//    the exact trim that happened, LIMIT accepted without `~` from a master).
// 2. Server tests over ioredis in RESP2 and RESP3, including XREAD BLOCK.
// 3. Raw RESP bytes where null replies differ between protocols.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { StreamHarness } from '../helpers/stream-harness.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';
import { CALL_FROM_MASTER, CALL_FROM_MULTI } from '../../src/commands/context.js';

/* ---- handler effects ---------------------------------------------------------------------- */

describe('streams: handler effects', () => {
  let h: StreamHarness;
  beforeEach(() => {
    h = new StreamHarness();
  });

  it('XADD * replies and propagates the generated ID', () => {
    const now = h.fake.ks.now;
    const r = h.run('XADD', 's', '*', 'f', 'v');
    expect(r.reply).toBe(`$${String(now).length + 2}\r\n${now}-0\r\n`);
    expect(r.events).toEqual(['new', 'xadd']);
    expect(r.dirty).toBe(1);
    expect(r.modified).toBe(1);
    expect(r.prop).toEqual(['XADD', 's', '*'.replace('*', `${now}-0`), 'f', 'v']);
    expect(h.run('XADD', 's', '*', 'f', 'v').prop?.[2]).toBe(`${now}-1`);
  });

  it('XADD <ms>-* and explicit IDs', () => {
    expect(h.run('XADD', 's', '5-*', 'a', 'b').prop).toEqual(['XADD', 's', '5-0', 'a', 'b']);
    expect(h.run('XADD', 's', 'NOMKSTREAM', '5-*', 'a', 'b').prop).toEqual(['XADD', 's', 'NOMKSTREAM', '5-1', 'a', 'b']);
    const r = h.run('XADD', 's', '7-3', 'a', 'b');
    expect(r.prop).toBeUndefined();
    expect(r.reply).toBe('$3\r\n7-3\r\n');
    expect(h.run('XADD', 's', '7-3', 'a', 'b').reply).toBe(
      '-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n',
    );
    expect(h.run('XADD', 'n', '0-0', 'a', 'b').reply).toBe('-ERR The ID specified in XADD must be greater than 0-0\r\n');
    expect(h.run('XADD', 'n', 'NOMKSTREAM', '*', 'a', 'b').reply).toBe('$-1\r\n');
    expect(h.run('XLEN', 'n').reply).toBe(':0\r\n');
    expect(h.run('XADD', 'n', '1-x', 'a', 'b').reply).toBe('-ERR Invalid stream ID specified as stream command argument\r\n');
    expect(h.run('XADD', 'n', 'LIMIT', '5', '*', 'a', 'b').reply).toBe(
      '-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n',
    );
    expect(h.run('XADD', 'n', 'MAXLEN', '5', 'LIMIT', '5', '*', 'a', 'b').reply).toBe(
      '-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n',
    );
    expect(h.run('XADD', 'n', '*', 'a').reply).toBe("-ERR wrong number of arguments for 'xadd' command\r\n");
  });

  it('handles the full 64-bit sequence range', () => {
    expect(h.run('XADD', 's', '1-18446744073709551615', 'a', 'b').reply).toBe('$22\r\n1-18446744073709551615\r\n');
    expect(h.run('XADD', 's', '1-*', 'a', 'b').reply).toBe('-ERR Elements are too large to be stored\r\n');
    expect(h.run('XADD', 's', '2-*', 'a', 'b').reply).toBe('$3\r\n2-0\r\n');
    expect(h.run('XRANGE', 's', '(1-18446744073709551614', '(2-0').reply).toBe(
      '*1\r\n*2\r\n$22\r\n1-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n',
    );
    h.run('XADD', 't', '18446744073709551615-18446744073709551615', 'a', 'b');
    expect(h.run('XADD', 't', '*', 'a', 'b').reply).toBe(
      '-ERR The stream has exhausted the last possible ID, unable to add more items\r\n',
    );
  });

  it('approximate trims propagate as the exact result', () => {
    for (let i = 1; i <= 250; i++) h.run('XADD', 's', `${i}-0`, 'f', 'v');
    const r = h.run('XADD', 's', 'MAXLEN', '~', '120', '251-0', 'f', 'v');
    expect(r.events).toEqual(['xadd', 'xtrim']);
    expect(r.prop).toEqual(['XADD', 's', 'MAXLEN', '=', '151', '251-0', 'f', 'v']);
    const t = h.run('XTRIM', 's', 'MINID', '~', '230');
    // Only whole blocks go: 101..200 ends before 230, 201..251 does not.
    expect(t.reply).toBe(':100\r\n');
    expect(t.prop).toEqual(['XTRIM', 's', 'MINID', '=', '201-0']);
    expect(t.dirty).toBe(100);
    const none = h.run('XTRIM', 's', 'MAXLEN', '~', '0', 'LIMIT', '10');
    expect(none.reply).toBe(':0\r\n');
    expect(none.dirty).toBe(0);
    expect(none.events).toEqual([]);
    h.fake.callFlags = CALL_FROM_MASTER;
    expect(h.run('XTRIM', 's', 'MAXLEN', '=', '10', 'LIMIT', '5').reply).toBe(':41\r\n');
  });

  it('XDEL, XSETID and their events', () => {
    h.run('XADD', 's', '1-0', 'a', '1');
    h.run('XADD', 's', '2-0', 'a', '2');
    const d = h.run('XDEL', 's', '1-0', '9-9');
    expect(d.reply).toBe(':1\r\n');
    expect(d.events).toEqual(['xdel']);
    expect(d.dirty).toBe(1);
    expect(h.run('XDEL', 's', 'bad').reply).toBe('-ERR Invalid stream ID specified as stream command argument\r\n');
    const x = h.run('XSETID', 's', '5-0', 'ENTRIESADDED', '10', 'MAXDELETEDID', '3-0');
    expect(x.reply).toBe('+OK\r\n');
    expect(x.events).toEqual(['xsetid']);
    expect(h.run('XSETID', 's', '1-0').reply).toBe('-ERR The ID specified in XSETID is smaller than the target stream top item\r\n');
    expect(h.run('XSETID', 'none', '1-0').reply).toBe('-ERR no such key\r\n');
    expect(h.run('XADD', 's', '5-0', 'a', 'b').reply).toMatch(/equal or smaller/);
  });

  it('XREAD without blocking inside MULTI answers at once', () => {
    h.fake.callFlags = CALL_FROM_MULTI;
    expect(h.run('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$').reply).toBe('*-1\r\n');
    h.run('XADD', 's', '1-0', 'a', 'b');
    expect(h.run('XREAD', 'BLOCK', '0', 'STREAMS', 's', '0').reply).toBe(
      '*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n',
    );
  });
});

/* ---- over the network ---------------------------------------------------------------------- */

describe('streams: server', () => {
  let server: RunningServer;
  let r: Redis;
  let r3: Redis;
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
    r3 = new Redis({ port: server.port, protocol: 3 });
  });

  afterAll(async () => {
    for (const c of extra) c.disconnect();
    r.disconnect();
    r3.disconnect();
    await server.close();
  });

  beforeEach(async () => {
    await r.flushall();
  });

  it('adds, ranges and reports the stream', async () => {
    await r.xadd('s', '1-1', 'a', '1', 'b', '2');
    await r.xadd('s', '2-0', 'a', '3', 'b', '4');
    await r.xadd('s', '3-0', 'c', '5');
    expect(await r.xlen('s')).toBe(3);
    expect(await r.xrange('s', '-', '+')).toEqual([
      ['1-1', ['a', '1', 'b', '2']],
      ['2-0', ['a', '3', 'b', '4']],
      ['3-0', ['c', '5']],
    ]);
    expect(await r.xrevrange('s', '+', '-', 'COUNT', 2)).toEqual([
      ['3-0', ['c', '5']],
      ['2-0', ['a', '3', 'b', '4']],
    ]);
    expect(await r.xrange('s', '(1-1', '(3-0')).toEqual([['2-0', ['a', '3', 'b', '4']]]);
    // An incomplete exclusive end means "below <ms>-18446744073709551615".
    expect(await r.xrange('s', '(1-1', '(3')).toHaveLength(2);
    expect(await r.type('s')).toBe('stream');
    expect(await r.object('ENCODING', 's')).toBe('stream');
    const info = (await r.xinfo('STREAM', 's')) as unknown[];
    expect(info.slice(0, 14)).toEqual([
      'length', 3, 'radix-tree-keys', 1, 'radix-tree-nodes', 2, 'last-generated-id', '3-0',
      'max-deleted-entry-id', '0-0', 'entries-added', 3, 'recorded-first-entry-id', '1-1',
    ]);
    const info3 = (await r3.call('XINFO', 'STREAM', 's')) as unknown;
    expect(info3).toBeInstanceOf(Array);
    expect(await r3.call('XINFO', 'HELP')).toHaveLength(9);
    expect(await r.copy('s', 'c')).toBe(1);
    await r.xdel('s', '1-1');
    expect(await r.xlen('c')).toBe(3);
  });

  it('XREAD BLOCK waits for new entries after $ (RESP2 and RESP3)', async () => {
    await r.xadd('s', '1-0', 'old', 'x');
    const b2 = client(2);
    const b3 = client(3);
    const p2 = b2.xread('BLOCK', 0, 'STREAMS', 's', '$');
    await waitBlocked(1);
    const p3 = b3.call('XREAD', 'BLOCK', '0', 'STREAMS', 'other', 's', '$', '$');
    await waitBlocked(2);
    await r.xadd('s', '2-0', 'new', 'y');
    expect(await p2).toEqual([['s', [['2-0', ['new', 'y']]]]]);
    const got3 = await p3;
    // RESP3 replies a map keyed by stream name; ioredis turns it into an array of pairs.
    expect(JSON.stringify(got3)).toContain('2-0');
    expect(JSON.stringify(got3)).not.toContain('old');
  });

  it('XREAD BLOCK times out with a null reply', async () => {
    const t0 = Date.now();
    expect(await r.xread('BLOCK', 50, 'STREAMS', 's', '$')).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    expect(await r.xread('COUNT', 1, 'STREAMS', 's', '0')).toBeNull();
  });

  it('raw bytes of null replies', async () => {
    const c = await RawClient.connect(server.port);
    try {
      await c.call('XADD', 's', '1-0', 'a', 'b');
      expect(await c.call('XRANGE', 's', '-', '+', 'COUNT', '0')).toBe('*-1\r\n');
      expect(await c.call('XRANGE', 'none', '-', '+')).toBe('*0\r\n');
      expect(await c.call('XADD', 'none', 'NOMKSTREAM', '*', 'a', 'b')).toBe('$-1\r\n');
      await c.call('HELLO', '3');
      expect(await c.call('XRANGE', 's', '-', '+', 'COUNT', '0')).toBe('_\r\n');
      expect(await c.call('XREAD', 'STREAMS', 's', '0')).toBe(
        '%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n',
      );
      expect(await c.call('XREAD', 'STREAMS', 's', '$')).toBe('_\r\n');
    } finally {
      c.close();
    }
  });

  it('XREAD: errors and the BLOCK ban in scripts', async () => {
    await expect(r.call('XREAD', 'STREAMS', 's')).rejects.toThrow(/wrong number of arguments/);
    await expect(r.call('XREAD', 'STREAMS', 's', 't', '0')).rejects.toThrow(/Unbalanced XREAD list/);
    await expect(r.call('XREAD', 'GROUP', 'g', 'c', 'STREAMS', 's', '0')).rejects.toThrow(/only supported by XREADGROUP/);
    await expect(r.call('XREAD', 'STREAMS', 's', '>')).rejects.toThrow(/The > ID can be specified only/);
    await r.set('str', 'x');
    await expect(r.call('XREAD', 'STREAMS', 'str', '0')).rejects.toThrow(/WRONGTYPE/);
    expect(await r.command('GETKEYS', 'XREAD', 'COUNT', '2', 'STREAMS', 'a', 'b', '0', '0')).toEqual(['a', 'b']);
  });
});
