// CLIENT LIST / INFO fields that describe a client's memory and state (obl, oll, omem, tot-mem,
// events, rbs/rbp with reply-buffer resizing, redir, flags t/B/R/O/P) and CLIENT KILL TYPE.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient, encodeCommand } from '../helpers/resp.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning', 'enable-debug-command': 'yes' } });
  r = new Redis({ port: s.port, protocol: 2 });
});

afterAll(async () => {
  r.disconnect();
  await s.close();
});

function field(line: string, name: string): string {
  const m = line.match(new RegExp(`(?:^| )${name}=(\\S*)`));
  if (!m) throw new Error(`no ${name} in ${line}`);
  return m[1] as string;
}

async function lineOf(name: string): Promise<string> {
  const list = (await r.call('CLIENT', 'LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  if (!line) throw new Error(`no client ${name}`);
  return line;
}

describe('CLIENT LIST fields', () => {
  it('lists every 7.0 field in order', async () => {
    const line = (await r.call('CLIENT', 'INFO')) as string;
    const names = line.trim().split(' ').map((kv) => kv.split('=')[0]);
    expect(names.slice(0, 26)).toEqual([
      'id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf',
      'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user',
    ]);
    expect(names.slice(26, 28)).toEqual(['redir', 'resp']);
    expect(line).toMatch(/ obl=0 oll=0 omem=0 tot-mem=\d+ events=r cmd=client\|info user=default redir=-1 resp=2/);
  });

  it('a client that does not read shows its pending output in oll/omem/tot-mem and a write event', async () => {
    await r.set('v', 'z'.repeat(64 * 1024));
    const sock = net.connect(s.port, '127.0.0.1');
    await new Promise((res) => sock.on('connect', res));
    sock.write(encodeCommand(['CLIENT', 'SETNAME', 'slow']));
    await sleep(20);
    sock.pause();
    for (let i = 0; i < 100; i++) sock.write(encodeCommand(['GET', 'v']));
    await sleep(100);
    const line = await lineOf('slow');
    expect(Number(field(line, 'omem'))).toBeGreaterThan(1024 * 1024);
    expect(Number(field(line, 'oll'))).toBeGreaterThan(0);
    expect(Number(field(line, 'tot-mem'))).toBeGreaterThan(Number(field(line, 'omem')));
    expect(field(line, 'events')).toBe('rw');
    sock.destroy();
  });

  it('idle clients get their reply buffer shrunk; a busy one grows it back (DEBUG REPLYBUFFER)', async () => {
    await r.call('DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', '100');
    const c = await RawClient.connect(s.port);
    await c.call('CLIENT', 'SETNAME', 'rb');
    let rbs = 16384;
    for (let i = 0; i < 40 && rbs >= 2048; i++) {
      await sleep(50);
      rbs = Number(field(await lineOf('rb'), 'rbs'));
    }
    expect(rbs).toBe(1024);
    await r.call('DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', 'never');
    await r.set('bigval', 'x'.repeat(32768));
    for (let i = 0; i < 40 && rbs < 16384; i++) {
      await c.call('GET', 'bigval');
      await sleep(50);
      rbs = Number(field(await lineOf('rb'), 'rbs'));
    }
    expect(rbs).toBe(16384);
    const info = await r.info('stats');
    expect(Number(info.match(/reply_buffer_shrinks:(\d+)/)?.[1])).toBeGreaterThan(0);
    expect(Number(info.match(/reply_buffer_expands:(\d+)/)?.[1])).toBeGreaterThan(0);
    expect(await r.call('DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', 'reset')).toBe('OK');
    c.close();
  });

  it('CLIENT KILL TYPE pubsub / normal select by the client class', async () => {
    const sub = await RawClient.connect(s.port);
    await sub.call('SUBSCRIBE', 'ch');
    const plain = await RawClient.connect(s.port);
    await plain.call('PING');
    expect(await r.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(1);
    await sub.waitClose();
    expect(plain.closed).toBe(false);
    expect(await r.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(0);
    expect(await r.call('CLIENT', 'KILL', 'TYPE', 'replica')).toBe(0);
    const list = (await r.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string;
    expect(list.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(2);
    plain.close();
  });
});
