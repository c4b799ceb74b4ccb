// Crash figures for the AOF: a server with appendonly yes and the chosen appendfsync policy is
// killed with SIGKILL in the middle of a write load; after a restart on the same directory,
// every acknowledged write is looked up. Per trial: writes acknowledged, writes lost, and the
// window they cover (kill time minus the acknowledgement time of the oldest lost write). With
// `always` nothing acknowledged may be lost; with `everysec` Redis promises at most about 2 s.
// (SIGKILL ends the process, not the machine: data already handed to write() is in the page
// cache and survives, so this measures what the server had not yet written, not fsync.)
//
// Load: 32 connections, each sending SET crash:<conn>:<seq> <value> and waiting for the reply,
// plus, with --pipeline N, batches of N pipelined SETs per connection.
//
// Usage: npx tsc -p tsconfig.build.json && node bench/aof-crash.mjs [--fsync always|everysec|no]
//        [--trials 20] [--server nodis|redis] [--pipeline 1]   (NODIS_MAIN overrides dist/main.js)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE_FLAGS, NODIS_MAIN, answersPing, connect, encode, freePort, killOnExit, sleep } from './lib/servers.mjs';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const FSYNC = opt('fsync', 'everysec');
const TRIALS = Number(opt('trials', 20));
const SERVER = opt('server', 'nodis');
const PIPE = Number(opt('pipeline', 1));
const CONNS = 32;

/** Servers started here: killed if this script dies half-way. */
const spawned = killOnExit();

async function launch(dir, port) {
  const a = ['--port', String(port), '--save', '', '--dir', dir, '--appendonly', 'yes', '--appendfsync', FSYNC, '--loglevel', 'warning'];
  const child = SERVER === 'redis' ? spawn('redis-server', a, { stdio: 'ignore' }) : spawn('node', [...NODE_FLAGS, NODIS_MAIN, ...a], { stdio: 'ignore', cwd: dir });
  spawned.add(child);
  if (await answersPing(port, child, 600, 20)) return child;
  throw new Error('server did not start');
}

async function trial() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aofcrash-'));
  const port = await freePort();
  const child = await launch(dir, port);
  const acked = []; // [key, ackTimeMs]
  let running = true;
  const worker = async (id) => {
    let c;
    try {
      c = await connect(port);
    } catch {
      return;
    }
    c.sock.on('error', () => undefined);
    const closed = new Promise((r) => c.sock.once('close', () => r(null)));
    let seq = 0;
    while (running) {
      const keys = [];
      const parts = [];
      for (let i = 0; i < PIPE; i++) {
        const k = `crash:${id}:${seq++}`;
        keys.push(k);
        parts.push(encode(['SET', k, `v-${k}`]));
      }
      const replies = await Promise.race([c.send(Buffer.concat(parts), PIPE), closed]);
      if (replies === null) return;
      const t = performance.now();
      replies.forEach((r, i) => {
        if (r === 'OK') acked.push([keys[i], t]);
      });
    }
    c.close();
  };
  const workers = Array.from({ length: CONNS }, (_, i) => worker(i));
  await sleep(500 + Math.floor(Math.random() * 2000));
  const exited = new Promise((r) => child.once('exit', r));
  const killAt = performance.now();
  child.kill('SIGKILL');
  await exited;
  running = false;
  await Promise.all(workers);
  const child2 = await launch(dir, port);
  const c = await connect(port);
  let lost = 0;
  let oldestLost = Infinity;
  for (let i = 0; i < acked.length; i += 1000) {
    const batch = acked.slice(i, i + 1000);
    const vals = await c.call(['MGET', ...batch.map(([k]) => k)]);
    vals.forEach((v, j) => {
      const [k, t] = batch[j];
      if (v !== `v-${k}`) {
        lost++;
        if (t < oldestLost) oldestLost = t;
      }
    });
  }
  c.close();
  const done = new Promise((r) => child2.once('exit', r));
  child2.kill('SIGKILL');
  await done;
  fs.rmSync(dir, { recursive: true, force: true });
  const firstAck = acked.length ? acked[0][1] : killAt;
  return { acked: acked.length, lost, windowMs: lost ? killAt - oldestLost : 0, rate: acked.length / ((killAt - firstAck) / 1000) };
}

console.log(`${SERVER}, appendfsync ${FSYNC}, ${TRIALS} trials, ${CONNS} connections, pipeline ${PIPE}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const res = [];
for (let i = 0; i < TRIALS; i++) {
  const r = await trial();
  res.push(r);
  console.log(`trial ${i + 1}: acked ${r.acked} (${r.rate.toFixed(0)}/s), lost ${r.lost}, lost window ${r.windowMs.toFixed(1)} ms`);
}
const clean = res.filter((r) => r.lost === 0).length;
const maxLost = Math.max(...res.map((r) => r.lost));
const maxWin = Math.max(...res.map((r) => r.windowMs));
console.log(`${SERVER} appendfsync ${FSYNC}: ${clean}/${TRIALS} trials lost nothing; most lost ${maxLost} writes, longest lost window ${maxWin.toFixed(1)} ms; load average ${os.loadavg()[0].toFixed(2)}`);
