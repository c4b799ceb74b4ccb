// Every client connection reads into one shared buffer (src/net/connection.ts): requests cut at
// any byte, interleaved across connections, big bulks spanning reads, and a blocked client's
// unparsed tail must all come out exactly as sent.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/index.js';
import { encodeCommand, replyEnd } from '../helpers/resp.js';
import { rng } from '../helpers/random.js';

let s: RunningServer;

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning' } });
});

afterAll(async () => {
  await s.close();
});

/** A socket that collects replies as latin1 text. */
async function open(): Promise<{ sock: net.Socket; replies: (n: number) => Promise<string[]> }> {
  const sock = await new Promise<net.Socket>((resolve, reject) => {
    const c = net.connect(s.port, '127.0.0.1', () => resolve(c));
    c.once('error', reject);
  });
  let buf = '';
  let want = 0;
  let done: ((r: string[]) => void) | null = null;
  const out: string[] = [];
  const pump = (): void => {
    for (;;) {
      const end = replyEnd(buf, 0);
      if (end === -1) break;
      out.push(buf.slice(0, end));
      buf = buf.slice(end);
    }
    if (done !== null && out.length >= want) {
      const d = done;
      done = null;
      d(out.splice(0, want));
    }
  };
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    pump();
  });
  return {
    sock,
    replies: (n) => new Promise((resolve) => {
      want = n;
      done = resolve;
      pump();
    }),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('shared read buffer', () => {
  it('is what client connections use on this Node', async () => {
    const c = await open();
    c.sock.write(encodeCommand(['PING']));
    expect(await c.replies(1)).toEqual(['+PONG\r\n']);
    const conns = [...s.engine.clients.values()].map((cl) => cl.conn.sharedReads);
    expect(conns).toContain(true);
    c.sock.destroy();
  });

  it('keeps 12 clients apart while their pipelines arrive cut at random bytes', async () => {
    const rand = rng(11);
    const clients = await Promise.all(Array.from({ length: 12 }, () => open()));
    const expected: string[][] = [];
    const streams = clients.map((_c, i) => {
      const parts: Buffer[] = [];
      const exp: string[] = [];
      for (let j = 0; j < 60; j++) {
        // Values up to 200 KB: some bulks span several reads and take the parser's big-bulk path.
        const len = rand() < 0.1 ? Math.floor(rand() * 200_000) : Math.floor(rand() * 40);
        const v = String.fromCharCode(97 + i).repeat(len);
        parts.push(encodeCommand(['SET', `k:${i}:${j}`, v]), encodeCommand(['GET', `k:${i}:${j}`]));
        exp.push('+OK\r\n', `$${len}\r\n${v}\r\n`);
      }
      expected.push(exp);
      return Buffer.concat(parts);
    });
    const pending = clients.map((c, i) => c.replies((expected[i] as string[]).length));
    // Round-robin slices of 1..3000 bytes, so reads of different clients interleave.
    const offsets = streams.map(() => 0);
    for (let live = streams.length; live > 0;) {
      live = 0;
      for (let i = 0; i < streams.length; i++) {
        const b = streams[i] as Buffer;
        const at = offsets[i] as number;
        if (at >= b.length) continue;
        live++;
        const n = 1 + Math.floor(rand() * 3000);
        (clients[i] as { sock: net.Socket }).sock.write(b.subarray(at, at + n));
        offsets[i] = at + n;
      }
      await sleep(0);
    }
    const got = await Promise.all(pending);
    for (let i = 0; i < clients.length; i++) expect(got[i]).toEqual(expected[i]);
    for (const c of clients) c.sock.destroy();
  }, 30000);

  it("a blocked client's pipelined tail survives other clients' reads", async () => {
    const a = await open();
    const b = await open();
    // BLPOP blocks; the SET and GET behind it stay unparsed while b's reads reuse the buffer.
    a.sock.write(Buffer.concat([
      encodeCommand(['BLPOP', 'sr:list', '0']),
      encodeCommand(['SET', 'sr:after', 'x'.repeat(5000)]),
      encodeCommand(['GET', 'sr:after']),
    ]));
    await sleep(50);
    for (let i = 0; i < 50; i++) b.sock.write(encodeCommand(['SET', `sr:noise:${i}`, 'y'.repeat(3000)]));
    expect(await b.replies(50)).toEqual(Array(50).fill('+OK\r\n'));
    b.sock.write(encodeCommand(['RPUSH', 'sr:list', 'v']));
    expect(await b.replies(1)).toEqual([':1\r\n']);
    expect(await a.replies(3)).toEqual([
      '*2\r\n$7\r\nsr:list\r\n$1\r\nv\r\n', '+OK\r\n', `$5000\r\n${'x'.repeat(5000)}\r\n`,
    ]);
    a.sock.destroy();
    b.sock.destroy();
  });
});
