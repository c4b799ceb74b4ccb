// client-output-buffer-limit: a client is closed as soon as its pending output crosses the hard
// limit, even in the middle of one reply (nothing of it is sent), or stays over the soft limit
// too long; the pubsub class applies to subscribers. The log line and INFO counter match Redis.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { encodeCommand } from '../helpers/resp.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let s: RunningServer;
let r: Redis;
let logfile: string;

beforeAll(async () => {
  logfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-obuf-')), 'log');
  s = await startServer({ port: 0, config: { loglevel: 'notice', logfile } });
  r = new Redis({ port: s.port, protocol: 2 });
});

afterAll(async () => {
  r.disconnect();
  await s.close();
});

/** A raw connection that counts what it receives and records when it is closed. */
function rawConn(): Promise<{ sock: net.Socket; got: () => number; closed: Promise<void> }> {
  return new Promise((resolve) => {
    let got = 0;
    const sock = net.connect(s.port, '127.0.0.1', () => resolve({ sock, got: () => got, closed }));
    const closed = new Promise<void>((res) => sock.on('close', () => res()));
    sock.on('data', (d) => {
      got += d.length;
    });
    sock.on('error', () => {});
  });
}

async function disconnections(): Promise<number> {
  const m = (await r.info('stats')).match(/client_output_buffer_limit_disconnections:(\d+)/);
  return Number(m?.[1]);
}

describe('output buffer limits', () => {
  it('a single reply over the hard limit closes the client without sending it', async () => {
    await r.set('big', 'x'.repeat(1 << 20));
    await r.config('SET', 'client-output-buffer-limit', 'normal 100kb 0 0');
    const before = await disconnections();
    const c = await rawConn();
    c.sock.write(encodeCommand(['PING']));
    await sleep(30);
    c.sock.write(encodeCommand(['GET', 'big']));
    await c.closed;
    expect(c.got()).toBe('+PONG\r\n'.length);
    expect(await disconnections()).toBe(before + 1);
    await r.config('SET', 'client-output-buffer-limit', 'normal 0 0 0');
    await sleep(50);
    expect(fs.readFileSync(logfile, 'latin1')).toMatch(
      /Client id=\d+ addr=127\.0\.0\.1:\d+ .*flags=N .* scheduled to be closed ASAP for overcoming of output buffer limits\./,
    );
  });

  it('a subscriber that stops reading is cut off at the pubsub hard limit', async () => {
    await r.config('SET', 'client-output-buffer-limit', 'pubsub 256kb 0 0');
    const sub = await rawConn();
    sub.sock.write(encodeCommand(['SUBSCRIBE', 'flood']));
    await sleep(20);
    sub.sock.pause(); // stop reading: the kernel buffers fill, then the server's
    const msg = 'm'.repeat(16 * 1024);
    const pub = new Redis({ port: s.port, protocol: 2 });
    let receivers = 1;
    let sent = 0;
    while (receivers === 1 && sent < 4000) {
      const p = pub.pipeline();
      for (let i = 0; i < 50; i++) p.publish('flood', msg);
      const res = (await p.exec()) ?? [];
      receivers = Number(res[res.length - 1]?.[1]);
      sent += 50;
    }
    expect(receivers).toBe(0);
    // Cut off after roughly the limit plus what the kernel took (not after 4000 messages).
    expect(sent).toBeLessThan(4000);
    const list = (await r.call('CLIENT', 'LIST')) as string;
    expect(list).not.toMatch(/sub=1/);
    pub.disconnect();
    sub.sock.destroy();
    await r.config('SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
  });

  it('the soft limit closes a client that stays over it for more than its seconds', async () => {
    await r.config('SET', 'client-output-buffer-limit', 'normal 0 64kb 1');
    await r.set('mid', 'y'.repeat(40 * 1024));
    const c = await rawConn();
    c.sock.pause();
    const start = Date.now();
    let closed = false;
    void c.closed.then(() => {
      closed = true;
    });
    // Keep the client over the soft limit: each GET adds 40 KiB it never reads.
    while (!closed && Date.now() - start < 6000) {
      for (let i = 0; i < 20; i++) c.sock.write(encodeCommand(['GET', 'mid']));
      await sleep(100);
    }
    expect(closed).toBe(true);
    expect(Date.now() - start).toBeGreaterThanOrEqual(1000);
    await r.config('SET', 'client-output-buffer-limit', 'normal 0 0 0');
  }, 10000);
});
