// LATENCY over ioredis (RESP2 and RESP3): events recorded from command durations over the
// threshold (DEBUG SLEEP), LATEST / HISTORY / GRAPH / RESET / DOCTOR, and the per-command
// histograms of LATENCY HISTOGRAM and INFO latencystats, reset by CONFIG RESETSTAT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';

let s: RunningServer;
let r: Redis;
let r3: Redis;

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning', 'enable-debug-command': 'yes' } });
  r = new Redis({ port: s.port, protocol: 2 });
  r3 = new Redis({ port: s.port, protocol: 3 });
});

afterAll(async () => {
  r.disconnect();
  r3.disconnect();
  await s.close();
});

describe('latency events', () => {
  it('records commands slower than latency-monitor-threshold', async () => {
    await r.call('LATENCY', 'RESET');
    expect(await r.call('LATENCY', 'LATEST')).toEqual([]);
    await r.config('SET', 'latency-monitor-threshold', '20');
    await r.call('DEBUG', 'SLEEP', '0.03');
    await r.ping(); // fast: not recorded
    const latest = (await r.call('LATENCY', 'LATEST')) as Array<[string, number, number, number]>;
    expect(latest.length).toBe(1);
    const [name, time, latency, max] = latest[0] as [string, number, number, number];
    expect(name).toBe('command');
    expect(Math.abs(time - Date.now() / 1000)).toBeLessThan(5);
    expect(latency).toBeGreaterThanOrEqual(30);
    expect(max).toBe(latency);
    const history = (await r.call('LATENCY', 'HISTORY', 'command')) as number[][];
    expect(history).toEqual([[time, latency]]);
    expect(await r.call('LATENCY', 'HISTORY', 'nope')).toEqual([]);
    const graph = (await r.call('LATENCY', 'GRAPH', 'command')) as string;
    expect(graph.startsWith(`command - high ${latency} ms, low ${latency} ms (all time high ${latency} ms)\n${'-'.repeat(80)}\n`)).toBe(true);
    await expect(r.call('LATENCY', 'GRAPH', 'nope')).rejects.toThrow("ERR No samples available for event 'nope'");
    expect(await r.call('LATENCY', 'DOCTOR')).toMatch(/1\. command: 1 latency spikes/);
    expect(await r.call('LATENCY', 'RESET', 'nope', 'COMMAND')).toBe(1);
    expect(await r.call('LATENCY', 'LATEST')).toEqual([]);
    await r.config('SET', 'latency-monitor-threshold', '0');
  });

  it('RESP3 shapes: verbatim text for GRAPH and DOCTOR', async () => {
    const c = await RawClient.connect(s.port);
    await c.call('HELLO', '3');
    const doc = await c.call('LATENCY', 'DOCTOR');
    expect(doc).toMatch(/^=\d+\r\ntxt:I'm sorry, Dave/);
    expect(await c.call('LATENCY', 'HELP', 'x')).toBe("-ERR wrong number of arguments for 'latency|help' command\r\n");
    c.close();
  });
});

describe('latency histograms', () => {
  it('LATENCY HISTOGRAM: all, a subset, a container and its subcommands; unknown names skipped', async () => {
    await r.config('RESETSTAT');
    let all = (await r.call('LATENCY', 'HISTOGRAM')) as unknown[];
    expect(all).toEqual(['config|resetstat', ['calls', 1, 'histogram_usec', expect.any(Array)]]);
    await r.config('RESETSTAT');
    await r.set('a', '1');
    await r.set('b', '2');
    await r.get('a');
    await r.call('CLIENT', 'ID');
    await r.call('CLIENT', 'INFO');
    const sub = (await r.call('LATENCY', 'HISTOGRAM', 'blabla', 'set', 'client')) as unknown[];
    expect(sub.filter((_, i) => i % 2 === 0).sort()).toEqual(['client|id', 'client|info', 'set']);
    const setIdx = sub.indexOf('set');
    const body = sub[setIdx + 1] as unknown[];
    expect(body[0]).toBe('calls');
    expect(body[1]).toBe(2);
    const cdf = body[3] as number[];
    expect(cdf.length % 2).toBe(0);
    expect(cdf[cdf.length - 1]).toBe(2); // cumulative count ends at the number of calls
    expect(await r.call('LATENCY', 'HISTOGRAM', 'client|id')).toEqual(['client|id', ['calls', 1, 'histogram_usec', expect.any(Array)]]);
    all = (await r.call('LATENCY', 'HISTOGRAM')) as unknown[];
    expect(all.length / 2).toBeGreaterThanOrEqual(5);
  });

  it('RESP3 nests maps; INFO latencystats prints the configured percentiles', async () => {
    await r3.config('RESETSTAT');
    await r3.set('x', '1');
    const h = (await r3.call('LATENCY', 'HISTOGRAM', 'set')) as unknown;
    // ioredis turns RESP3 maps into flat arrays too; check the raw bytes for the map type.
    expect(h).toBeDefined();
    const c = await RawClient.connect(s.port);
    await c.call('HELLO', '3');
    const raw = await c.call('LATENCY', 'HISTOGRAM', 'set');
    expect(raw).toMatch(/^%1\r\n\$3\r\nset\r\n%2\r\n\$5\r\ncalls\r\n:1\r\n\$14\r\nhistogram_usec\r\n%\d+\r\n(:\d+\r\n:\d+\r\n)+$/);
    c.close();
    const info = (await r.info('latencystats')) as string;
    expect(info).toMatch(/\r\nlatency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n/);
    await r.config('SET', 'latency-tracking-info-percentiles', '50 99.99 100');
    expect(await r.info('latencystats')).toMatch(/latency_percentiles_usec_set:p50=[\d.]+,p99\.99=[\d.]+,p100=[\d.]+\r\n/);
    await r.config('SET', 'latency-tracking', 'no');
    expect(await r.info('latencystats')).toBe('# Latencystats\r\n');
    await r.config('SET', 'latency-tracking', 'yes');
    await r.config('SET', 'latency-tracking-info-percentiles', '50 99 99.9');
  });
});
