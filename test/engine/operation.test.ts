// Operational behaviour over real sockets: maxclients, timeout, unix socket, protocol errors,
// pipelining, query-buffer limit, graceful shutdown of the CLI on SIGTERM.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';

let servers: RunningServer[] = [];
async function start(config: Record<string, string | number | boolean> = {}): Promise<RunningServer> {
  const s = await startServer({ port: 0, config: { loglevel: 'warning', ...config } });
  servers.push(s);
  return s;
}
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

describe('connections', () => {
  it('refuses clients past maxclients with Redis\'s error', async () => {
    const s = await start({ maxclients: 2 });
    const a = await RawClient.connect(s.port);
    const b = await RawClient.connect(s.port);
    expect(await a.call('PING')).toBe('+PONG\r\n');
    expect(await b.call('PING')).toBe('+PONG\r\n');
    const c = await RawClient.connect(s.port);
    const [reply] = await c.raw('', 1);
    expect(reply).toBe('-ERR max number of clients reached\r\n');
    await c.waitClose();
    a.close();
    b.close();
  });

  it('closes clients idle for longer than timeout', async () => {
    const s = await start({ timeout: 1 });
    const a = await RawClient.connect(s.port);
    expect(await a.call('PING')).toBe('+PONG\r\n');
    const t0 = Date.now();
    await a.waitClose();
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(5000);
  });

  it('serves a unix socket', async () => {
    const sock = path.join(os.tmpdir(), `nodis-test-${process.pid}-${Date.now()}.sock`);
    const s = await start({ unixsocket: sock, unixsocketperm: '700' });
    expect(fs.statSync(sock).mode & 0o777).toBe(0o700);
    const reply = await new Promise<string>((resolve, reject) => {
      const c = net.connect(sock, () => c.write('PING\r\n'));
      c.on('data', (d) => {
        resolve(d.toString());
        c.destroy();
      });
      c.on('error', reject);
    });
    expect(reply).toBe('+PONG\r\n');
    const r = await RawClient.connect(s.port);
    expect(await r.call('PING')).toBe('+PONG\r\n');
    r.close();
  });
});

describe('protocol over the socket', () => {
  it('answers a pipeline in order, in one batch', async () => {
    const s = await start();
    const c = await RawClient.connect(s.port);
    const replies = await c.raw('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\nINCR a\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\nPING\r\n', 4);
    expect(replies).toEqual(['+OK\r\n', ':2\r\n', '$1\r\n2\r\n', '+PONG\r\n']);
    c.close();
  });

  it('replies with the protocol error and closes the connection', async () => {
    const s = await start();
    for (const [input, msg] of [
      ['*abc\r\n', 'invalid multibulk length'],
      ['*1\r\n$abc\r\n', 'invalid bulk length'],
      ['*1\r\nfoo\r\n', "expected '$', got 'f'"],
      ['SET "a b\r\n', 'unbalanced quotes in request'],
      ['*99999999999\r\n', 'invalid multibulk length'],
      ['*1\r\n$2000000000\r\n', 'invalid bulk length'],
    ] as const) {
      const c = await RawClient.connect(s.port);
      const [reply] = await c.raw(input, 1);
      expect(reply).toBe(`-ERR Protocol error: ${msg}\r\n`);
      await c.waitClose();
    }
    // The server is still fine.
    const c = await RawClient.connect(s.port);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    c.close();
  });

  it('closes a client over client-query-buffer-limit without a reply', async () => {
    const s = await start({ 'client-query-buffer-limit': '1mb' });
    const c = await RawClient.connect(s.port);
    const big = '*2\r\n$3\r\nGET\r\n$3000000\r\n' + 'x'.repeat(1_200_000);
    void c.raw(big, 0);
    await c.waitClose();
    const d = await RawClient.connect(s.port);
    expect(await d.call('PING')).toBe('+PONG\r\n');
    d.close();
  });

  it('keeps the connection usable after command errors', async () => {
    const s = await start();
    const c = await RawClient.connect(s.port);
    expect(await c.call('NOPE', 'x')).toBe("-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n");
    expect(await c.call('GET')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(await c.call('PING')).toBe('+PONG\r\n');
    c.close();
  });
});

describe('the nodis-server command line', () => {
  it('shuts down gracefully on SIGTERM', async () => {
    const root = path.resolve(__dirname, '../..');
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn('node', ['dist/main.js', '--port', String(port), '--save', '', '--loglevel', 'notice'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    for (let i = 0; i < 50 && !out.includes('Ready to accept'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain(`port=${port}`);
    const c = await RawClient.connect(port);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM');
  }, 60_000);
});
