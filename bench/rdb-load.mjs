// RDB load time: nodis against real redis-server on the same dump.rdb.
//
// The dataset (1,000,000 keys by default: a third strings, a third small hashes, a third small
// zsets, the shapes a cache or a leaderboard holds) is written once by real redis-server with
// pipelined SET / HSET / ZADD and SAVEd; the file is cached in --dir and reused. Then each round
// starts nodis and Redis (alternating, so both see the same background load) on a copy of that
// file and reads the server's own "DB loaded from disk: X seconds" log line; the wall time from
// spawn to the first DBSIZE reply and the process's CPU time are reported too (both include
// process start-up: node's is ~100 ms).
//
// Usage: npx tsc -p tsconfig.build.json && node bench/rdb-load.mjs [--n 1000000] [--rounds 5]
//        [--dir /tmp/nodis-rdb-bench] [--only nodis|redis]   (NODIS_MAIN overrides dist/main.js)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE_FLAGS, NODIS_MAIN, connect, freePort, generateRdb, killOnExit, sleep, waitLoaded } from './lib/servers.mjs';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const N = Number(opt('n', 1_000_000));
const ROUNDS = Number(opt('rounds', 5));
const DIR = opt('dir', path.join(os.tmpdir(), 'nodis-rdb-bench'));
const ONLY = opt('only', '');
const nodeArgs = (opt('node-args', '') || '').split(' ').filter(Boolean);
fs.mkdirSync(DIR, { recursive: true });
const DUMP = path.join(DIR, `mixed-${N}.rdb`);

/** Servers started here: killed if this script dies half-way. */
const spawned = killOnExit();

/** The command that creates key i (deterministic: the same file on every machine). */
function commandFor(i, rand) {
  const kind = i % 3;
  if (kind === 0) return ['SET', `string:${i}`, `value-${i}-${Math.floor(rand() * 1e9)}`];
  if (kind === 1) {
    const argv = ['HSET', `hash:${i}`];
    const n = 2 + (i % 5);
    for (let f = 0; f < n; f++) argv.push(`field${f}`, f % 2 ? String(Math.floor(rand() * 1e6)) : `v${Math.floor(rand() * 1e6)}`);
    return argv;
  }
  const argv = ['ZADD', `zset:${i}`];
  const n = 2 + (i % 5);
  for (let m = 0; m < n; m++) argv.push(String(Math.floor(rand() * 10000) / 100), `member${m}`);
  return argv;
}


/** CPU seconds (user + system, all threads) the process has used: /proc/<pid>/stat. */
function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100; // utime, stime in clock ticks (100/s)
}


/**
 * One load: returns { logged: seconds from the log line, pong: ms from spawn to a DBSIZE reply,
 * keys, cpu: CPU seconds the process used up to then (start-up included; steadier than wall
 * time on a shared machine) }.
 */
async function loadOnce(kind) {
  const dir = fs.mkdtempSync(path.join(DIR, `${kind}-`));
  fs.copyFileSync(DUMP, path.join(dir, 'dump.rdb'));
  const port = await freePort();
  const base = ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', 'dump.rdb', '--loglevel', 'notice'];
  const t0 = process.hrtime.bigint();
  const child =
    kind === 'redis'
      ? spawn('redis-server', base, { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn('node', [...NODE_FLAGS, ...nodeArgs, NODIS_MAIN, ...base], { stdio: ['ignore', 'pipe', 'inherit'], cwd: dir });
  spawned.add(child);
  let log = '';
  child.stdout.on('data', (d) => (log += d.toString()));
  // Ready = the log says the load is done (a server may accept connections before it starts
  // loading), then INFO loading:0 and DBSIZE.
  while (!/DB loaded from disk/.test(log)) {
    if (child.exitCode !== null) throw new Error(`${kind} exited (${child.exitCode})`);
    await sleep(2);
  }
  const keys = await waitLoaded(port, child, { ms: 120_000 });
  const pong = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = cpuSeconds(child.pid);
  await sleep(50);
  // The file this server writes for the same data (first round only: SAVE takes a while).
  let saved = 0;
  if (!savedSize[kind]) {
    const c = await connect(port);
    await c.call(['SAVE']);
    c.close();
    saved = fs.statSync(path.join(dir, 'dump.rdb')).size;
    savedSize[kind] = saved;
  }
  const m = log.match(/DB loaded from disk: ([0-9.]+) seconds/);
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await done;
  fs.rmSync(dir, { recursive: true, force: true });
  return { logged: m ? Number(m[1]) : NaN, pong, keys, cpu };
}

const savedSize = { nodis: 0, redis: 0 };
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

await generateRdb(DUMP, N, commandFor, 42, spawned);
const size = fs.statSync(DUMP).size;
console.log(`dump: ${DUMP} ${(size / 1e6).toFixed(1)} MB, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const res = { nodis: [], redis: [] };
const kinds = ONLY ? [ONLY] : ['nodis', 'redis'];
for (let r = 0; r < ROUNDS; r++) {
  for (const k of r % 2 ? [...kinds].reverse() : kinds) {
    const x = await loadOnce(k);
    res[k].push(x);
    console.log(`round ${r + 1} ${k}: loaded ${x.logged.toFixed(3)} s (log), ready after ${x.pong.toFixed(0)} ms, CPU ${x.cpu.toFixed(2)} s, ${x.keys} keys, load avg ${os.loadavg()[0].toFixed(2)}`);
  }
}
for (const k of kinds) {
  if (!res[k].length) continue;
  console.log(`${k}: median ${median(res[k].map((x) => x.logged)).toFixed(3)} s (log), ${median(res[k].map((x) => x.pong)).toFixed(0)} ms to ready, CPU ${median(res[k].map((x) => x.cpu)).toFixed(2)} s`);
}
for (const k of kinds) if (savedSize[k]) console.log(`${k} SAVE of the loaded data: ${(savedSize[k] / 1e6).toFixed(1)} MB`);
if (!ONLY) {
  const ratio = median(res.nodis.map((x) => x.logged)) / median(res.redis.map((x) => x.logged));
  const cratio = median(res.nodis.map((x) => x.cpu)) / median(res.redis.map((x) => x.cpu));
  console.log(`ratio nodis/redis: ${ratio.toFixed(2)} (log line), ${cratio.toFixed(2)} (CPU); load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
