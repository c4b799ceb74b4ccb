// CONFIG SET port / bind move the TCP listeners synchronously; a port that cannot be bound
// makes the whole CONFIG SET fail with Redis's error and roll every parameter back.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { RunningServer } from '../../src/index.js';
import { startTestServer, stopTestServer } from '../helpers/server.js';

let s: RunningServer;
let r: Redis;

function listenAnywhere(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

function portOf(srv: net.Server): number {
  return (srv.address() as net.AddressInfo).port;
}

async function freePort(): Promise<number> {
  const srv = await listenAnywhere();
  const port = portOf(srv);
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

async function ping(port: number): Promise<string> {
  const c = new Redis({ port, protocol: 2, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  c.on('error', () => {}); // a refused connection is reported by connect() below
  try {
    await c.connect();
    return await c.ping();
  } finally {
    c.disconnect();
  }
}

beforeAll(async () => {
  ({ s, r } = await startTestServer({ logfile: '/dev/null' }));
});

afterAll(() => stopTestServer({ s, r }));

describe('CONFIG SET port', () => {
  it('fails on a port in use and rolls back every parameter of the command', async () => {
    const busy = await listenAnywhere();
    const before = await r.config('GET', 'maxmemory', 'client-query-buffer-limit', 'port');
    await expect(
      r.call('CONFIG', 'SET', 'maxmemory', '10000001', 'port', String(portOf(busy)), 'client-query-buffer-limit', '10m'),
    ).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
    );
    expect(await r.config('GET', 'maxmemory', 'client-query-buffer-limit', 'port')).toEqual(before);
    // The server still accepts connections where it listened before.
    expect(await ping(s.port)).toBe('PONG');
    await new Promise<void>((res) => busy.close(() => res()));
  });

  it('moves the listener to a free port, keeping the connections already open', async () => {
    const original = (await r.config('GET', 'port')) as string[];
    const port = await freePort();
    expect(await r.config('SET', 'port', String(port))).toBe('OK');
    expect(await ping(port)).toBe('PONG');
    await expect(ping(s.port)).rejects.toThrow();
    expect(await r.ping()).toBe('PONG');
    const info = (await r.info('server')) as string;
    expect(info).toContain(`tcp_port:${port}\r\n`);
    // Back to the configured value: the port the server was started on.
    expect(await r.config('SET', 'port', original[1] as string)).toBe('OK');
    expect(await ping(s.port)).toBe('PONG');
  });
});

describe('CONFIG SET bind', () => {
  it('an address that cannot be bound fails and the old addresses listen again', async () => {
    const before = await r.config('GET', 'bind');
    await expect(r.call('CONFIG', 'SET', 'bind', '999.999.999.999')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.",
    );
    expect(await r.config('GET', 'bind')).toEqual(before);
    expect(await ping(s.port)).toBe('PONG');
  });

  it('new addresses take effect at once on the same port', async () => {
    const before = (await r.config('GET', 'bind')) as string[];
    expect(await r.config('SET', 'bind', '127.0.0.1')).toBe('OK');
    expect(await ping(s.port)).toBe('PONG');
    expect(await r.config('SET', 'bind', before[1] as string)).toBe('OK');
    expect(await ping(s.port)).toBe('PONG');
  });
});
