// A write flood against maxmemory: maxmemory 100mb, allkeys-lru, 1 GB of SETs of new keys with
// mixed value sizes (log-uniform 16 B .. 64 KB) over 4 pipelining connections, side by side on
// nodis and redis-server. Measured while it runs:
// - RSS every 10 ms (peak), against 2 x maxmemory + the empty server's RSS;
// - used_memory from INFO every 10 ms (max over maxmemory), and for nodis also the account
//   itself sampled inside the process every 1 ms (bench/lib/nodis-probe.mjs);
// - the longest stall: a PING every 1 ms on its own connection (max round trip, both servers)
//   and, for nodis, the event loop delay measured inside the process.
// Where nodis's longest stalls come from (2026-11-22, 2 cores, this client on the same machine;
// event loop timeline against GC entries, eviction runs and the main thread's schedstat, and
// perf sched_switch call stacks of the main thread): eviction itself is not one (runs of
// 1-16 keys; the few that took 2-13 ms of wall time were preempted). The stalls over ~8 ms
// were either plain CPU waits or GC pauses (mark-compact atomic pause 1-9 ms, an incremental
// marking step, or a scavenge copying the young values), and a GC pause lasted longer than
// the GC's own CPU time because the main thread was either runnable but not running (0.6-1.8
// s of a 2-3 s flood: this client takes a core and V8's workers another) or blocked in a
// futex waiting for V8 workers that had no CPU: posting GC tasks,
// joining the parallel scavenge, pausing/joining concurrent marking, ArrayBuffer sweeping.
// Measured and not kept (no change in the max stall over interleaved runs, within noise):
// --no-parallel-scavenge, --no-concurrent-array-buffer-sweeping (they cut the futex sleeps 3x
// but add main-thread CPU), --concurrent-marking-max-worker-num=1, renicing the worker threads;
// --no-concurrent-marking, --no-compact and --single-threaded-gc break the RSS budget
// (300-335 MB). Without maxmemory (--overwrite control) the default young generation (16 MB
// semi-spaces) gives 70-160 ms scavenges on the same flood.
// Usage: npm run build && node bench/maxmemory-flood.mjs [--gb 1] [--maxmemory 100mb]
//        [--servers nodis,redis] [--conns 4] [--node-args "--flag ..."]
//        [--overwrite N --maxmemory 0]  (control: the same flood over N keys, nothing evicted)
import fs from 'node:fs';
import { loadavg } from 'node:os';
import { MB, connect, encode, fmtMB, info, rng, sleep, startProbed, startServer } from './lib/servers.mjs';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const GB = Number(opt('gb', 1));
const MAXMEM = opt('maxmemory', '100mb');
const SERVERS = opt('servers', 'nodis,redis').split(',');
const CONNS = Number(opt('conns', 4));
/** Extra node flags for the nodis process (experiments), space separated. */
const NODE_ARGS = opt('node-args', '').split(' ').filter((x) => x !== '');
/** Control run: write keys modulo N (overwrites, no growth), e.g. with --maxmemory 0. */
const OVERWRITE = Number(opt('overwrite', 0));
const MIN = 16;
const MAX = 65536;
const maxBytes = Number(MAXMEM.replace(/mb$/i, '')) * (MAXMEM.toLowerCase().endsWith('mb') ? MB : 1) || Infinity;

const pool = Buffer.alloc(2 * MAX);
for (let i = 0; i < pool.length; i++) pool[i] = 97 + (i % 26);

async function run(kind) {
  const directives = { maxmemory: MAXMEM, 'maxmemory-policy': 'allkeys-lru' };
  const s = kind === 'nodis'
    ? await startProbed(directives, NODE_ARGS)
    : await startServer('redis', ['--maxmemory', MAXMEM, '--maxmemory-policy', 'allkeys-lru']);
  const ctl = await connect(s.port);
  const pinger = await connect(s.port);
  try {
    await sleep(500);
    const rss0 = s.rss();
    if (s.probe) await s.probe(); // reset the in-process figures
    let peakRss = 0;
    let maxOver = -Infinity;
    let maxRtt = 0;
    let running = true;
    const sampler = (async () => {
      while (running) {
        peakRss = Math.max(peakRss, s.rss());
        const m = await info(ctl, 'memory');
        maxOver = Math.max(maxOver, Number(m.used_memory) - maxBytes);
        await sleep(10);
      }
    })();
    const pingLoop = (async () => {
      while (running) {
        const t = performance.now();
        await pinger.call(['PING']);
        maxRtt = Math.max(maxRtt, performance.now() - t);
        await sleep(1);
      }
    })();
    // The server's main thread as the kernel saw it during the flood (/proc/PID/task/PID):
    // time spent runnable but waiting for a CPU (taken by this client, the server's own V8
    // worker threads or other work on the machine) and the preemptions; stalls include these.
    const sched0 = mainThreadSched(s.child.pid);
    const total = GB * 1024 * MB;
    let sent = 0;
    let keys = 0;
    let errors = 0;
    const rand = rng(7);
    const t0 = performance.now();
    const flood = async () => {
      const c = await connect(s.port);
      while (sent < total) {
        const cmds = [];
        let size = 0;
        while (size < 256 * 1024 && sent < total) {
          const n = Math.floor(Math.exp(Math.log(MIN) + rand() * (Math.log(MAX) - Math.log(MIN))));
          const at = Math.floor(rand() * MAX);
          const id = keys++;
          const b = encode(['SET', `flood:${OVERWRITE ? id % OVERWRITE : id}`, pool.subarray(at, at + n)]);
          cmds.push(b);
          size += b.length;
          sent += n;
        }
        const replies = await c.send(Buffer.concat(cmds), cmds.length);
        for (const r of replies) if (r instanceof Error) errors++;
      }
      c.close();
    };
    await Promise.all(Array.from({ length: CONNS }, flood));
    const secs = (performance.now() - t0) / 1000;
    const sched1 = mainThreadSched(s.child.pid);
    running = false;
    await sampler;
    await pingLoop;
    const m = await info(ctl, 'all');
    const inner = s.probe ? await s.probe() : null;
    const row = {
      kind, secs, mbps: total / MB / secs, keys, errors, rss0, peakRss, budget: 2 * maxBytes + rss0,
      maxOver, maxRtt, evicted: Number(m.evicted_keys), dbsize: Number(String(m.db0 ?? 'keys=0').match(/keys=(\d+)/)?.[1] ?? 0),
      innerOver: inner?.maxOver ?? null, stallMax: inner?.stallMaxMs ?? null, stallP99: inner?.stallP99Ms ?? null,
    };
    console.log(`${kind}: ${GB} GB in ${secs.toFixed(1)} s (${row.mbps.toFixed(0)} MB/s), ${keys} SETs, ${errors} errors, ` +
      `${row.evicted} evicted, ${row.dbsize} keys left`);
    console.log(`  RSS empty ${fmtMB(rss0)} MB, peak ${fmtMB(peakRss)} MB, budget 2*maxmemory+empty = ${fmtMB(row.budget)} MB ` +
      `-> ${peakRss < row.budget ? 'OK' : 'OVER'}`);
    console.log(`  used_memory - maxmemory, max seen by INFO: ${maxOver} B` +
      (inner ? `; sampled in-process every 1 ms: ${inner.maxOver} B` : '') + ` (largest command: ~${MAX + 64} B)`);
    console.log(`  longest PING round trip ${maxRtt.toFixed(1)} ms` +
      (inner ? `; event loop delay max ${inner.stallMaxMs.toFixed(1)} ms, p99 ${inner.stallP99Ms.toFixed(2)} ms; ` +
        `longest eviction run ${inner.maxEvictMs.toFixed(2)} ms (${inner.maxEvictNoGcMs.toFixed(2)} ms without the GC ` +
        `pauses inside it; ${inner.longestRunKeys} keys; ${inner.slowRuns} runs over 1 ms)` : ''));
    if (sched0 && sched1) {
      console.log(`  main thread: ${((sched1.run - sched0.run) / 1e6).toFixed(0)} ms on CPU, ` +
        `${((sched1.wait - sched0.wait) / 1e6).toFixed(0)} ms runnable waiting for a CPU, ` +
        `${sched1.preempt - sched0.preempt} preemptions (load average ${loadavg()[0].toFixed(2)})`);
    }
    if (inner) {
      const g = inner.gc;
      console.log(`  GC pauses: ${g.minorCount} scavenges (max ${g.minorMax.toFixed(1)} ms), ${g.majorCount} mark-compacts ` +
        `(max ${g.majorMax.toFixed(1)} ms), ${g.totalMs.toFixed(0)} ms in all`);
    }
    if (inner && args.includes('--verbose')) console.log('  at peak RSS:', JSON.stringify(inner.peak));
    return row;
  } finally {
    ctl.close();
    pinger.close();
    await s.stop();
  }
}

/** The main thread's schedstat (ns on CPU, ns waiting on a run queue) and preemptions. */
function mainThreadSched(pid) {
  try {
    const [run, wait] = fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'latin1').split(' ').map(Number);
    const st = fs.readFileSync(`/proc/${pid}/task/${pid}/status`, 'latin1');
    const preempt = Number(st.match(/nonvoluntary_ctxt_switches:\s+(\d+)/)?.[1] ?? 0);
    return { run, wait, preempt };
  } catch {
    return null;
  }
}

for (const kind of SERVERS) await run(kind);
