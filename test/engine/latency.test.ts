// The latency monitor's pieces without a server: the HDR-layout histogram (bucketing, the
// logarithmic CDF LATENCY HISTOGRAM prints, percentiles for INFO latencystats), the per-event
// time series, the LATENCY GRAPH sparkline (checked against Redis 7.0.15's own rendering of the
// same samples) and LATENCY DOCTOR's texts.
import { describe, expect, it } from 'vitest';
import { LatencyHistogram, LatencyMonitor, LATENCY_TS_LEN, renderSparkline } from '../../src/engine/latency.js';

describe('LatencyHistogram', () => {
  it('reports the cumulative distribution at 1024 ns, 2048 ns, ... only where the count grew', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 3; i++) h.record(1000);
    h.record(5000);
    expect(h.total).toBe(4);
    // 1000 ns sits below the first level (1024 ns, whose bucket ends at 1031 ns => 1 µs);
    // 5000 ns is first counted at the 8192 ns level (bucket end 8223 ns => 8 µs).
    expect(h.cdf()).toEqual([[1, 3], [8, 4]]);
  });

  it('percentiles are the highest value equivalent to the sample at that rank', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 3; i++) h.record(1000);
    h.record(5000);
    expect(h.valueAtPercentile(50)).toBe(1003);
    expect(h.valueAtPercentile(99)).toBe(5023);
    expect(h.valueAtPercentile(100)).toBe(5023);
    // Two significant digits: values up to 255 are exact.
    const e = new LatencyHistogram();
    e.record(200);
    expect(e.valueAtPercentile(50)).toBe(200);
  });

  it('clamps to 1 ns .. 1 s', () => {
    const h = new LatencyHistogram();
    h.record(0);
    h.record(5e9);
    expect(h.total).toBe(2);
    expect(h.valueAtPercentile(0)).toBe(1);
    expect(h.valueAtPercentile(100)).toBeGreaterThanOrEqual(1e9);
    expect(h.valueAtPercentile(100)).toBeLessThan(1.01e9);
    const cdf = h.cdf();
    expect(cdf[0]).toEqual([1, 1]);
    expect(cdf[cdf.length - 1]?.[1]).toBe(2);
  });

  it('an empty histogram has an empty distribution', () => {
    expect(new LatencyHistogram().cdf()).toEqual([]);
  });
});

describe('LatencyMonitor', () => {
  it('keeps one sample per second (the highest), the all-time max, and a ring of 160', () => {
    const m = new LatencyMonitor();
    m.threshold = 10;
    m.addSampleIfNeeded('command', 5); // under the threshold
    expect(m.events.size).toBe(0);
    m.addSample('command', 20, 1000);
    m.addSample('command', 30, 1000);
    m.addSample('command', 25, 1000);
    m.addSample('command', 15, 1001);
    const ts = m.events.get('command');
    expect(ts?.history().map((s) => [s.time, s.latency])).toEqual([[1000, 30], [1001, 15]]);
    expect(ts?.max).toBe(30);
    for (let i = 0; i < 200; i++) m.addSample('ring', i, 2000 + i);
    const ring = m.events.get('ring')?.history() ?? [];
    expect(ring.length).toBe(LATENCY_TS_LEN);
    expect(ring[0]?.time).toBe(2040);
    expect(m.events.get('ring')?.latest()).toEqual({ time: 2199, latency: 199 });
  });

  it('RESET matches event names case-insensitively and counts them', () => {
    const m = new LatencyMonitor();
    m.addSample('command', 1);
    m.addSample('fast-command', 1);
    expect(m.reset('COMMAND')).toBe(1);
    expect(m.reset('nope')).toBe(0);
    expect(m.reset(null)).toBe(1);
  });

  it('analyzes average, mean deviation and period like Redis', () => {
    const m = new LatencyMonitor();
    m.addSample('command', 20, 100);
    m.addSample('command', 50, 101);
    m.addSample('command', 35, 102);
    m.addSample('command', 10, 103);
    expect(m.analyze('command', 103)).toEqual({ allTimeHigh: 50, avg: 28, min: 10, max: 50, mad: 13, samples: 4, period: 3 });
  });

  it('draws the sparkline Redis draws for the same samples', () => {
    const seq = [20, 50, 35, 10].map((value, i) => ({ value, label: `${3 - i}s` }));
    expect(renderSparkline('', seq, 80, 4)).toBe(' #  \n |o \n_|| \n|||_\n    \n3210\nssss\n');
    const m = new LatencyMonitor();
    [20, 50, 35, 10].forEach((v, i) => m.addSample('command', v, 100 + i));
    expect(m.graph('command', 103)).toBe(
      'command - high 50 ms, low 10 ms (all time high 50 ms)\n' + '-'.repeat(80) + '\n' +
      ' #  \n |o \n_|| \n|||_\n    \n3210\nssss\n',
    );
    expect(m.graph('nope')).toBeNull();
  });

  it('DOCTOR: disabled, quiet and advising reports', () => {
    const ctx = { slowlogLogSlowerThan: 10000, appendfsyncAlways: false, hz: 10 };
    const m = new LatencyMonitor();
    expect(m.doctor(ctx)).toMatch(/^I'm sorry, Dave, I can't do that\. Latency monitoring is disabled/);
    m.threshold = 100;
    expect(m.doctor(ctx)).toMatch(/^Dave, no latency spike was observed/);
    m.addSample('command', 500);
    m.addSample('expire-cycle', 200);
    const r = m.doctor(ctx);
    expect(r).toMatch(/^Dave, I have observed latency spikes in this Redis instance\./);
    expect(r).toContain('1. command: 1 latency spikes (average 500ms, mean deviation 0ms, period 1.00 sec). Worst all time event 500ms.\n');
    expect(r).toContain('2. expire-cycle: 1 latency spikes');
    expect(r).toContain("try to set the 'hz' configuration parameter to 100");
    expect(r).toContain('- Check your Slow Log');
    expect(r).not.toContain('Your current Slow Log configuration');
  });
});
