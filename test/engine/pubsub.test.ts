// Pub/Sub over real sockets: ioredis in RESP2 and RESP3 for the message flow, raw bytes for the
// exact frames (RESP2 arrays, RESP3 `>` pushes), the RESP2 subscribed-context gate, PUBSUB
// introspection, CLIENT LIST fields, INFO counters, RESET / disconnect cleanup and the pubsub
// output-buffer class.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { startTestServer, stopTestServer } from '../helpers/server.js';
import { RawClient } from '../helpers/resp.js';

const b = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const push2 = (...parts: string[]): string => `*${parts.length}\r\n${parts.join('')}`;
const push3 = (...parts: string[]): string => `>${parts.length}\r\n${parts.join('')}`;
const GATE = (cmd: string): string =>
  `-ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n`;

/** Read the next unsolicited frame(s) a raw client receives. */
async function next(c: RawClient, n = 1): Promise<string> {
  return (await c.raw('', n)).join('');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  ({ s, r } = await startTestServer());
});

afterAll(() => stopTestServer({ s, r }));

describe('RESP2 frames', () => {
  it('SUBSCRIBE confirms each channel with the running count; messages are 3-element arrays', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.raw('*3\r\n$9\r\nSUBSCRIBE\r\n$2\r\nc1\r\n$2\r\nc2\r\n', 2)).toEqual([
      push2(b('subscribe'), b('c1'), ':1\r\n'),
      push2(b('subscribe'), b('c2'), ':2\r\n'),
    ]);
    expect(await r.publish('c1', Buffer.from('hello\x00\xff', 'latin1'))).toBe(1);
    expect(await next(c)).toBe(push2(b('message'), b('c1'), b('hello\x00\xff')));
    // Subscribing twice to one channel keeps one subscription.
    expect(await c.call('SUBSCRIBE', 'c1')).toBe(push2(b('subscribe'), b('c1'), ':2\r\n'));
    expect(await r.publish('c1', 'x')).toBe(1);
    expect(await next(c)).toBe(push2(b('message'), b('c1'), b('x')));
    expect(await c.call('UNSUBSCRIBE', 'c1')).toBe(push2(b('unsubscribe'), b('c1'), ':1\r\n'));
    expect(await c.call('UNSUBSCRIBE', 'nope')).toBe(push2(b('unsubscribe'), b('nope'), ':1\r\n'));
    expect(await c.call('UNSUBSCRIBE')).toBe(push2(b('unsubscribe'), b('c2'), ':0\r\n'));
    // Nothing left: the mass form still replies once, with a null channel.
    expect(await c.call('UNSUBSCRIBE')).toBe(push2(b('unsubscribe'), '$-1\r\n', ':0\r\n'));
    expect(await c.call('PUNSUBSCRIBE')).toBe(push2(b('punsubscribe'), '$-1\r\n', ':0\r\n'));
    expect(await c.call('SUNSUBSCRIBE')).toBe(push2(b('sunsubscribe'), '$-1\r\n', ':0\r\n'));
    // Out of pub/sub mode: ordinary commands and PING work again.
    expect(await c.call('PING')).toBe('+PONG\r\n');
    c.close();
  });

  it('PSUBSCRIBE delivers pmessage frames for matching channels only', async () => {
    const c = await RawClient.connect(s.port);
    expect(await c.raw('*3\r\n$10\r\nPSUBSCRIBE\r\n$5\r\nfoo.*\r\n$7\r\nb[ae]r?\r\n', 2)).toEqual([
      push2(b('psubscribe'), b('foo.*'), ':1\r\n'),
      push2(b('psubscribe'), b('b[ae]r?'), ':2\r\n'),
    ]);
    expect(await r.publish('foo.1', 'm1')).toBe(1);
    expect(await r.publish('foo1', 'no')).toBe(0);
    expect(await r.publish('berx', 'm2')).toBe(1);
    expect(await next(c, 2)).toBe(
      push2(b('pmessage'), b('foo.*'), b('foo.1'), b('m1')) + push2(b('pmessage'), b('b[ae]r?'), b('berx'), b('m2')),
    );
    // Channel and pattern subscriptions both receive (two deliveries, both counted).
    expect(await c.call('SUBSCRIBE', 'foo.bar')).toBe(push2(b('subscribe'), b('foo.bar'), ':3\r\n'));
    expect(await r.publish('foo.bar', 'z')).toBe(2);
    expect(await next(c, 2)).toBe(
      push2(b('message'), b('foo.bar'), b('z')) + push2(b('pmessage'), b('foo.*'), b('foo.bar'), b('z')),
    );
    expect(await c.call('PUNSUBSCRIBE', 'foo.*')).toBe(push2(b('punsubscribe'), b('foo.*'), ':2\r\n'));
    expect(await c.call('PUNSUBSCRIBE', 'zzz')).toBe(push2(b('punsubscribe'), b('zzz'), ':2\r\n'));
    expect(await r.publish('foo.1', 'gone')).toBe(0);
    c.close();
  });

  it('only (P|S)(UN)SUBSCRIBE, PING, QUIT and RESET run in the RESP2 subscribed context', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('SUBSCRIBE', 'gate');
    expect(await c.call('GET', 'k')).toBe(GATE('get'));
    expect(await c.call('CLIENT', 'LIST')).toBe(GATE('client|list'));
    expect(await c.call('MULTI')).toBe(GATE('multi'));
    expect(await c.call('PING')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    expect(await c.call('PING', 'msg')).toBe('*2\r\n$4\r\npong\r\n$3\r\nmsg\r\n');
    expect(await c.call('SSUBSCRIBE', 'sh')).toBe(push2(b('ssubscribe'), b('sh'), ':1\r\n'));
    expect(await c.call('UNSUBSCRIBE', 'gate')).toBe(push2(b('unsubscribe'), b('gate'), ':0\r\n'));
    // Still in pub/sub mode through the shard channel.
    expect(await c.call('GET', 'k')).toBe(GATE('get'));
    expect(await c.call('RESET')).toBe('+RESET\r\n');
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    expect(await r.call('PUBSUB', 'SHARDNUMSUB', 'sh')).toEqual(['sh', 0]);
    c.close();
  });

  it('QUIT is allowed while subscribed', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('PSUBSCRIBE', '*');
    expect(await c.call('QUIT')).toBe('+OK\r\n');
    await c.waitClose();
  });
});

describe('RESP3 push frames', () => {
  it('confirmations and messages are `>` pushes, any command runs while subscribed', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('HELLO', '3');
    expect(await c.call('SUBSCRIBE', 'r3')).toBe(push3(b('subscribe'), b('r3'), ':1\r\n'));
    expect(await r.publish('r3', 'hi')).toBe(1);
    expect(await next(c)).toBe(push3(b('message'), b('r3'), b('hi')));
    expect(await c.call('PSUBSCRIBE', 'r*')).toBe(push3(b('psubscribe'), b('r*'), ':2\r\n'));
    expect(await r.publish('r3', 'again')).toBe(2);
    expect(await next(c, 2)).toBe(push3(b('message'), b('r3'), b('again')) + push3(b('pmessage'), b('r*'), b('r3'), b('again')));
    expect(await c.call('GET', 'missing')).toBe('_\r\n');
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(await c.call('SUNSUBSCRIBE')).toBe(push3(b('sunsubscribe'), '_\r\n', ':0\r\n'));
    expect(await c.call('SSUBSCRIBE', 'sh3')).toBe(push3(b('ssubscribe'), b('sh3'), ':1\r\n'));
    expect(await r.call('SPUBLISH', 'sh3', 'shard')).toBe(1);
    expect(await next(c)).toBe(push3(b('smessage'), b('sh3'), b('shard')));
    // Plain PUBLISH does not reach shard subscribers; SPUBLISH ignores patterns.
    expect(await r.publish('sh3', 'plain')).toBe(0);
    expect(await r.call('SPUBLISH', 'r3', 'x')).toBe(0);
    c.close();
  });

  it('pushes bypass CLIENT REPLY OFF/SKIP (RESP2 and RESP3)', async () => {
    for (const proto of ['2', '3']) {
      const c = await RawClient.connect(s.port);
      await c.call('HELLO', proto);
      const mk = proto === '3' ? push3 : push2;
      await c.raw('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n', 0);
      expect(await c.call('SUBSCRIBE', 'off')).toBe(mk(b('subscribe'), b('off'), ':1\r\n'));
      expect(await r.publish('off', 'm')).toBe(1);
      expect(await next(c)).toBe(mk(b('message'), b('off'), b('m')));
      if (proto === '3') {
        // Ordinary replies stay silenced.
        await c.raw('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', 0);
        expect(await c.call('UNSUBSCRIBE', 'off')).toBe(mk(b('unsubscribe'), b('off'), ':0\r\n'));
      }
      c.close();
    }
  });
});

describe('ioredis', () => {
  it('RESP2 subscriber receives message / pmessage / smessage events', async () => {
    const sub = new Redis({ port: s.port, protocol: 2 });
    const got: string[] = [];
    sub.on('message', (ch: string, m: string) => got.push(`message ${ch} ${m}`));
    sub.on('pmessage', (p: string, ch: string, m: string) => got.push(`pmessage ${p} ${ch} ${m}`));
    expect(await sub.subscribe('io1', 'io2')).toBe(2);
    expect(await sub.psubscribe('io*')).toBe(3);
    expect(await r.publish('io1', 'a')).toBe(2);
    expect(await r.publish('io9', 'b')).toBe(1);
    await sleep(50);
    expect(got).toEqual(['message io1 a', 'pmessage io* io1 a', 'pmessage io* io9 b']);
    expect(await sub.unsubscribe('io1')).toBe(2);
    sub.disconnect();
  });

  it('RESP3 subscriber receives pushes and still runs commands', async () => {
    const sub = new Redis({ port: s.port, protocol: 3 });
    const got: string[] = [];
    sub.on('message', (ch: string, m: string) => got.push(`${ch}:${m}`));
    await sub.subscribe('p3');
    expect(await r.publish('p3', 'one')).toBe(1);
    await sleep(50);
    expect(got).toEqual(['p3:one']);
    sub.disconnect();
  });
});

describe('PUBSUB introspection, CLIENT LIST, INFO', () => {
  it('CHANNELS / NUMSUB / NUMPAT / SHARDCHANNELS / SHARDNUMSUB / HELP', async () => {
    const a = await RawClient.connect(s.port);
    const c = await RawClient.connect(s.port);
    await a.call('SUBSCRIBE', 'news.tech');
    await a.call('SUBSCRIBE', 'news.art');
    await c.call('SUBSCRIBE', 'news.tech');
    await a.call('PSUBSCRIBE', 'n*');
    await c.call('PSUBSCRIBE', 'n*');
    await c.call('PSUBSCRIBE', 'x*');
    await c.call('SSUBSCRIBE', 'shard1');
    expect(((await r.call('PUBSUB', 'CHANNELS', 'news.*')) as string[]).sort()).toEqual(['news.art', 'news.tech']);
    expect(await r.call('PUBSUB', 'CHANNELS', '*tech')).toEqual(['news.tech']);
    expect(await r.call('PUBSUB', 'NUMSUB', 'news.tech', 'news.art', 'none')).toEqual(['news.tech', 2, 'news.art', 1, 'none', 0]);
    expect(await r.call('PUBSUB', 'NUMSUB')).toEqual([]);
    expect(await r.call('PUBSUB', 'NUMPAT')).toBe(2);
    expect(await r.call('PUBSUB', 'SHARDCHANNELS')).toEqual(['shard1']);
    expect(await r.call('PUBSUB', 'SHARDCHANNELS', 'x*')).toEqual([]);
    expect(await r.call('PUBSUB', 'SHARDNUMSUB', 'shard1', 'news.tech')).toEqual(['shard1', 1, 'news.tech', 0]);
    await expect(r.call('PUBSUB', 'CHANNELS', 'a', 'b')).rejects.toThrow(
      "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.",
    );
    await expect(r.call('PUBSUB', 'NUMPAT', 'x')).rejects.toThrow("ERR wrong number of arguments for 'pubsub|numpat' command");
    await expect(r.call('PUBSUB', 'FOO')).rejects.toThrow("ERR unknown subcommand 'FOO'. Try PUBSUB HELP.");
    const help = (await r.call('PUBSUB', 'HELP')) as string[];
    expect(help[0]).toBe('PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toHaveLength(14);

    const info = (await r.info('stats')) as string;
    expect(info).toContain('pubsub_channels:2\r\n');
    expect(info).toContain('pubsub_patterns:2\r\n');
    expect(info).toContain('pubsubshard_channels:1\r\n');

    const list = (await r.call('CLIENT', 'LIST')) as string;
    const typeList = (await r.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
    expect(typeList.trim().split('\n')).toHaveLength(2);
    expect(list).toMatch(/ flags=P db=0 sub=2 psub=1 ssub=0 multi=-1 /);
    expect(list).toMatch(/ flags=P db=0 sub=1 psub=2 ssub=1 multi=-1 /);
    expect(await r.call('CLIENT', 'LIST', 'TYPE', 'normal')).not.toMatch(/flags=P/);

    // Disconnecting drops every subscription of the client.
    c.close();
    await sleep(50);
    expect(await r.call('PUBSUB', 'NUMSUB', 'news.tech')).toEqual(['news.tech', 1]);
    expect(await r.call('PUBSUB', 'NUMPAT')).toBe(1);
    expect(await r.call('PUBSUB', 'SHARDCHANNELS')).toEqual([]);
    // CLIENT KILL TYPE pubsub reaches the remaining subscriber.
    expect(await r.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(1);
    await a.waitClose();
    expect(await r.call('PUBSUB', 'CHANNELS', 'news.*')).toEqual([]);
    expect(await r.call('PUBSUB', 'NUMPAT')).toBe(0);
  });

  it('SSUBSCRIBE inside MULTI is refused, SUBSCRIBE is allowed', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('MULTI');
    expect(await c.call('SSUBSCRIBE', 'x')).toBe('+QUEUED\r\n');
    expect(await c.call('SUBSCRIBE', 'y')).toBe('+QUEUED\r\n');
    expect(await c.call('EXEC')).toBe(
      "*2\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n" + push2(b('subscribe'), b('y'), ':1\r\n'),
    );
    expect(await c.call('GET', 'a')).toBe(GATE('get'));
    c.close();
  });
});

describe('pubsub output-buffer class', () => {
  it('a subscriber that does not read is closed by the pubsub hard limit; normal clients are not', async () => {
    const srv = await startServer({ port: 0, config: { loglevel: 'warning' } });
    const admin = new Redis({ port: srv.port, protocol: 2 });
    try {
      await admin.config('SET', 'client-output-buffer-limit', 'pubsub 262144 0 0');
      const sub = await RawClient.connect(srv.port);
      await sub.call('SUBSCRIBE', 'flood');
      // Stop reading: replies pile up in the kernel, then in the server's socket buffer.
      (sub as unknown as { sock: import('node:net').Socket }).sock.pause();
      const big = 'x'.repeat(64 * 1024);
      let closedAt = -1;
      for (let i = 0; i < 600 && closedAt < 0; i++) {
        await admin.publish('flood', big);
        if (i % 10 === 9) {
          const n = (await admin.call('PUBSUB', 'NUMSUB', 'flood')) as [string, number];
          if (n[1] === 0) closedAt = i;
        }
      }
      expect(closedAt).toBeGreaterThan(0);
      const stats = (await admin.info('stats')) as string;
      expect(stats).toMatch(/client_output_buffer_limit_disconnections:[1-9]/);
      sub.close();
    } finally {
      admin.disconnect();
      await srv.close();
    }
  });
});
