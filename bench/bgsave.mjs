// BGSAVE under write load: nodis's forkless snapshot against real redis-server's fork.
//
// Dataset: 1,000,000 keys (a third strings, a third small hashes, a third small zsets) named
// the way redis-benchmark's __rand_int__ expands (key:000000000042), written once by real
// redis-server and cached as an RDB file; each server starts on a copy of it.
// Load: two redis-benchmark processes for the whole run, 10 connections each, -P 1:
//   SET key:__rand_int__ <value>            and   HSET hash:__rand_int__ f1 __rand_int__
// with -r 1000000, so about a third of the writes hit keys of the dataset (which a forkless
// snapshot must serialize before the write) and the rest create keys.
// Probe: one more connection sends PING, waits for the reply, sleeps ~1 ms, repeats; its round
// trips in a window before BGSAVE and during BGSAVE give the longest stall a client saw and the
// p50 / p99 command latency (the same probe and load for both servers).
// Memory: RSS sampled every 10 ms. nodis: max RSS during BGSAVE minus RSS at its start. Redis:
// the fork child's Private_Dirty (/proc/<child>/smaps_rollup: its copy-on-write copies) plus
// the parent's RSS growth, at their maximum.
//
// Usage: npx tsc -p tsconfig.build.json && node bench/bgsave.mjs [--rounds 3] [--n 1000000]
//        [--only nodis|redis] [--node-args '--trace-gc'] [--nice -10]   (NODIS_MAIN overrides dist/main.js)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE_FLAGS, NODIS_MAIN, connect, freePort, generateRdb, info, killOnExit, sleep, startProbed, waitLoaded } from './lib/servers.mjs';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const N = Number(opt('n', 1_000_000));
const ROUNDS = Number(opt('rounds', 3));
const ONLY = opt('only', '');
const BASELINE_MS = Number(opt('baseline-ms', 2000));
/** --nice N: run both servers and this probe at priority N (negative needs root): on a shared
 *  machine it keeps other work from preempting them, so the figures show the servers' own stalls. */
const NICE = opt('nice', null) === null ? null : Number(opt('nice', 0));
if (NICE !== null) os.setPriority(NICE);
/** --inproc: run nodis inside bench/lib/nodis-probe.mjs ($NODIS_INDEX) to also read its event
 *  loop delay (perf_hooks, 1 ms resolution) and GC pauses during the save. */
const INPROC = args.includes('--inproc');
const nodeArgs = (opt('node-args', '') || '').split(' ').filter(Boolean);
const DIR = opt('dir', path.join(os.tmpdir(), 'nodis-rdb-bench'));
fs.mkdirSync(DIR, { recursive: true });
const DUMP = path.join(DIR, `bgsave-${N}.rdb`);
/** Servers and load generators started here: killed if this script dies half-way. */
const spawned = killOnExit();
const pad = (i) => String(i).padStart(12, '0');

function commandFor(i, rand) {
  const kind = i % 3;
  if (kind === 0) return ['SET', `key:${pad(i)}`, `value-${i}-${Math.floor(rand() * 1e9)}`];
  if (kind === 1) {
    const argv = ['HSET', `hash:${pad(i)}`];
    for (let f = 0; f < 2 + (i % 5); f++) argv.push(`f${f}`, String(Math.floor(rand() * 1e6)));
    return argv;
  }
  const argv = ['ZADD', `zset:${pad(i)}`];
  for (let m = 0; m < 2 + (i % 5); m++) argv.push(String(Math.floor(rand() * 10000) / 100), `member${m}`);
  return argv;
}


/** A "<field>: <n> kB" line of /proc/<pid>/<file> in bytes (0 when the process is gone). */
const procBytes = (pid, file, field) => {
  try {
    const m = fs.readFileSync(`/proc/${pid}/${file}`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};
const rssOf = (pid) => procBytes(pid, 'status', 'VmRSS');
const childrenOf = (pid) => {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const privateDirty = (pid) => procBytes(pid, 'smaps_rollup', 'Private_Dirty');

function pct(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function round(kind) {
  const dir = fs.mkdtempSync(path.join(DIR, `bg-${kind}-`));
  fs.copyFileSync(DUMP, path.join(dir, 'dump.rdb'));
  let port = await freePort();
  const base = ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'];
  let probed = null;
  let child;
  if (kind === 'nodis' && INPROC) {
    probed = await startProbed({ dir, dbfilename: 'dump.rdb', appendonly: 'no' }, nodeArgs);
    child = probed.child;
    port = probed.port;
  } else {
    child =
      kind === 'redis'
        ? spawn('redis-server', base, { stdio: ['ignore', 'inherit', 'inherit'] })
        : spawn('node', [...NODE_FLAGS, ...nodeArgs, NODIS_MAIN, ...base], { stdio: ['ignore', 'inherit', 'inherit'], cwd: dir });
  }
  spawned.add(child);
  const tSpawn = Number(process.hrtime.bigint()) / 1e6;
  if (NICE !== null) os.setPriority(child.pid, NICE);
  const keys = await waitLoaded(port, child, { min: N, pollMs: 20 });
  await sleep(500);
  const rssStart = rssOf(child.pid);
  // Write load for the whole measurement.
  const bench = (argv) => {
    const p = spawn('redis-benchmark', ['-p', String(port), '-c', '10', '-P', '1', '-r', '1000000', '-n', '1000000000', '-q', ...argv], { stdio: 'ignore' });
    spawned.add(p);
    return p;
  };
  const loads = [bench(['SET', 'key:__rand_int__', 'benchmark-value-xxxxxxxx']), bench(['HSET', 'hash:__rand_int__', 'f1', '__rand_int__'])];
  // Probe.
  const probe = await connect(port);
  const rtts = []; // [t, ms]
  let probing = true;
  const probeLoop = (async () => {
    while (probing) {
      const t0 = process.hrtime.bigint();
      await probe.call(['PING']);
      const t1 = process.hrtime.bigint();
      rtts.push([Number(t1) / 1e6, Number(t1 - t0) / 1e6]);
      await sleep(1);
    }
  })();
  await sleep(BASELINE_MS);
  const ctl = await connect(port);
  const rssBefore = rssOf(child.pid);
  if (probed) await probed.probe(); // reset the in-process figures
  const tStart = Number(process.hrtime.bigint()) / 1e6;
  const r = await ctl.call(['BGSAVE']);
  if (r instanceof Error) throw r;
  let maxRss = rssBefore;
  let maxRedisExtra = 0;
  let childPid = 0;
  for (;;) {
    const rss = rssOf(child.pid);
    if (rss > maxRss) maxRss = rss;
    if (kind === 'redis') {
      const kids = childrenOf(child.pid);
      if (kids.length) childPid = kids[0];
      const cow = kids.reduce((a, k) => a + privateDirty(k), 0);
      const extra = cow + Math.max(0, rss - rssBefore);
      if (extra > maxRedisExtra) maxRedisExtra = extra;
    }
    const inf = await info(ctl, 'persistence');
    if (inf.rdb_bgsave_in_progress === '0') break;
    await sleep(10);
  }
  const tEnd = Number(process.hrtime.bigint()) / 1e6;
  const inproc = probed ? await probed.probe() : null;
  const inf = await info(ctl, 'persistence');
  probing = false;
  await probeLoop;
  for (const l of loads) l.kill('SIGKILL');
  const stats = await info(ctl, 'stats');
  ctl.close();
  probe.close();
  const done = new Promise((res) => child.once('exit', res));
  child.kill('SIGKILL');
  await done;
  fs.rmSync(dir, { recursive: true, force: true });
  if (nodeArgs.length) {
    // With --node-args (e.g. --trace-gc): where the save sat on the server's own clock, and
    // the slowest probe round trips, to line them up with its trace.
    console.log(`${kind}: BGSAVE from ~${(tStart - tSpawn).toFixed(0)} to ~${(tEnd - tSpawn).toFixed(0)} ms after spawn`);
    const slow = rtts.filter(([t, ms]) => ms > 10 && t >= tStart - 1000 && t <= tEnd + 1000);
    console.log(`  probe RTTs > 10 ms (end time after spawn: ms): ${slow.map(([t, ms]) => `${(t - tSpawn).toFixed(0)}:${ms.toFixed(0)}`).join(' ')}`);
  }
  const before = rtts.filter(([t]) => t < tStart).map(([, ms]) => ms);
  // A round trip overlaps the save if it ended after the start and began before the end.
  const during = rtts.filter(([t, ms]) => t >= tStart && t - ms <= tEnd).map(([, ms]) => ms);
  return {
    kind,
    keys,
    saveMs: tEnd - tStart,
    status: inf.rdb_last_bgsave_status,
    rssStart,
    rssBefore,
    extra: kind === 'redis' ? maxRedisExtra : maxRss - rssBefore,
    childPid,
    before: { n: before.length, p50: pct(before, 50), p99: pct(before, 99), max: Math.max(...before) },
    during: { n: during.length, p50: pct(during, 50), p99: pct(during, 99), max: Math.max(...during) },
    ops: Number(stats.total_commands_processed),
    loopMax: inproc ? inproc.stallMaxMs : NaN,
    loopP99: inproc ? inproc.stallP99Ms : NaN,
    gcMajorMax: inproc ? inproc.gc.majorMax : NaN,
    gcMinorMax: inproc ? inproc.gc.minorMax : NaN,
    load: os.loadavg()[0],
  };
}

await generateRdb(DUMP, N, commandFor, 7, spawned);
console.log(`dataset ${DUMP} (${(fs.statSync(DUMP).size / 1e6).toFixed(1)} MB), load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const kinds = ONLY ? [ONLY] : ['nodis', 'redis'];
const all = { nodis: [], redis: [] };
const MB = 1024 * 1024;
for (let i = 0; i < ROUNDS; i++) {
  for (const k of i % 2 ? [...kinds].reverse() : kinds) {
    const x = await round(k);
    all[k].push(x);
    console.log(
      `round ${i + 1} ${k}: ${x.keys} keys, BGSAVE ${x.saveMs.toFixed(0)} ms (${x.status}); PING RTT before p50/p99/max ` +
        `${x.before.p50.toFixed(2)}/${x.before.p99.toFixed(2)}/${x.before.max.toFixed(2)} ms (n=${x.before.n}), during ` +
        `${x.during.p50.toFixed(2)}/${x.during.p99.toFixed(2)}/${x.during.max.toFixed(2)} ms (n=${x.during.n}); RSS ${(x.rssBefore / MB).toFixed(0)} MB, ` +
        `extra during ${(x.extra / MB).toFixed(1)} MB (${((100 * x.extra) / x.rssBefore).toFixed(1)}%); load avg ${x.load.toFixed(2)}` +
        (Number.isNaN(x.loopMax) ? '' : `; in-process event loop delay max ${x.loopMax.toFixed(1)} ms, p99 ${x.loopP99.toFixed(1)} ms, GC pause max major ${x.gcMajorMax.toFixed(1)} / minor ${x.gcMinorMax.toFixed(1)} ms`),
    );
  }
}
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const k of kinds) {
  const xs = all[k];
  if (!xs.length) continue;
  console.log(
    `${k} medians: BGSAVE ${med(xs.map((x) => x.saveMs)).toFixed(0)} ms, max stall (PING RTT) ${med(xs.map((x) => x.during.max)).toFixed(2)} ms ` +
      `(before: ${med(xs.map((x) => x.before.max)).toFixed(2)}), p99 ${med(xs.map((x) => x.during.p99)).toFixed(2)} ms (before: ${med(xs.map((x) => x.before.p99)).toFixed(2)}), ` +
      `extra RSS ${(med(xs.map((x) => x.extra)) / MB).toFixed(1)} MB of ${(med(xs.map((x) => x.rssBefore)) / MB).toFixed(0)} MB`,
  );
}
