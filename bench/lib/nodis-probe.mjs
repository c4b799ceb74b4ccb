// nodis with instruments, for the maxmemory benchmarks: starts the server through the public
// API (dist/index.js, or $NODIS_INDEX) with the directives given as JSON in argv[2], and watches
// it from inside the process:
// - event loop stalls: perf_hooks.monitorEventLoopDelay at 1 ms resolution (the longest time
//   the loop could not run a timer = the longest time no client was served);
// - the memory account between commands: every 1 ms the engine's used_memory (INFO reads it
//   only after the eviction gate of INFO itself has run).
// SIGUSR2 prints a JSON line with the figures since the last SIGUSR2 and resets them.
import { PerformanceObserver, constants as perfConstants, monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const index = process.env.NODIS_INDEX ?? path.join(here, '../../dist/index.js');
// Experiments: V8 flags set at run time before the server starts ($PROBE_V8_FLAGS).
if (process.env.PROBE_V8_FLAGS) v8.setFlagsFromString(process.env.PROBE_V8_FLAGS);
// Experiments: stop the young generation growing once it reaches $PROBE_NEW_SPACE_MB.
if (process.env.PROBE_NEW_SPACE_MB) {
  const cap = Number(process.env.PROBE_NEW_SPACE_MB) * 1048576;
  const iv = setInterval(() => {
    const ns = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    if (ns && ns.space_size >= cap) {
      v8.setFlagsFromString('--semi-space-growth-factor=1');
      clearInterval(iv);
    }
  }, 5);
  iv.unref();
}
const { startServer } = await import(pathToFileURL(index).href);
const config = JSON.parse(process.argv[2] ?? '{}');
const port = Number(process.argv[3] ?? 0);
const s = await startServer({ port, config: { loglevel: 'warning', save: '', ...config } });

const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
let maxUsed = 0;
// GC pauses (main thread), by kind.
let gc = { minorMax: 0, minorCount: 0, majorMax: 0, majorCount: 0, totalMs: 0 };
const gcLog = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const major = e.detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR;
    if (major) {
      gc.majorMax = Math.max(gc.majorMax, e.duration);
      gc.majorCount++;
    } else {
      gc.minorMax = Math.max(gc.minorMax, e.duration);
      gc.minorCount++;
    }
    gc.totalMs += e.duration;
    gcLog.push([e.startTime, e.startTime + e.duration]);
    if (gcLog.length > 10000) gcLog.shift();
  }
}).observe({ entryTypes: ['gc'] });
// The longest eviction run (performEvictions, gate or continuation), with and without the GC
// pauses that happened inside it.
let maxEvictMs = 0;
let maxEvictNoGcMs = 0;
const runs = [];
const mm = s.engine.maxmemory;
const perform = mm.performEvictions.bind(mm);
let slowRuns = 0;
let longestRunKeys = 0;
mm.performEvictions = () => {
  const k0 = mm.evictedKeys;
  const t0 = performance.now();
  const r = perform();
  const t1 = performance.now();
  if (t1 - t0 > maxEvictMs) {
    maxEvictMs = t1 - t0;
    longestRunKeys = mm.evictedKeys - k0;
  }
  if (t1 - t0 > 1) {
    runs.push([t0, t1]);
    slowRuns++;
  }
  return r;
};
function evictNoGc() {
  // GC entries are delivered after the fact: subtract the overlaps now.
  for (const [a, b] of runs) {
    let d = b - a;
    for (const [g0, g1] of gcLog) if (g1 > a && g0 < b) d -= Math.min(b, g1) - Math.max(a, g0);
    if (d > maxEvictNoGcMs) maxEvictNoGcMs = d;
  }
  runs.length = 0;
  return maxEvictNoGcMs;
}
let maxOver = 0;
const t = setInterval(() => {
  const mm = s.engine.maxmemory;
  const used = mm.usedMemory();
  if (used > maxUsed) maxUsed = used;
  if (mm.limit > 0 && used - mm.limit > maxOver) maxOver = used - mm.limit;
}, 1);
t.unref();
// Where the RSS goes at its peak (sampled every 10 ms).
let peak = null;
setInterval(() => {
  const m = process.memoryUsage();
  if (peak === null || m.rss > peak.rss) {
    peak = { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external };
    for (const sp of v8.getHeapSpaceStatistics()) {
      if (sp.space_size > 0) peak[sp.space_name] = `${(sp.space_size / 1048576).toFixed(1)}/${(sp.space_used_size / 1048576).toFixed(1)}`;
    }
  }
}, 10).unref();
process.on('SIGUSR2', () => {
  const out = {
    stallMaxMs: h.max / 1e6,
    stallP99Ms: h.percentile(99) / 1e6,
    stallMeanMs: h.mean / 1e6,
    maxUsed,
    maxOver,
    maxEvictMs,
    maxEvictNoGcMs: evictNoGc(),
    slowRuns,
    longestRunKeys,
    gc,
    peak,
    evicted: s.engine.maxmemory.evictedKeys,
  };
  process.stdout.write(`PROBE ${JSON.stringify(out)}\n`);
  h.reset();
  maxUsed = 0;
  maxOver = 0;
  maxEvictMs = 0;
  maxEvictNoGcMs = 0;
  slowRuns = 0;
  longestRunKeys = 0;
  gc = { minorMax: 0, minorCount: 0, majorMax: 0, majorCount: 0, totalMs: 0 };
  peak = null;
});
process.stdout.write(`READY ${s.port}\n`);
