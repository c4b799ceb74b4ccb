// BGREWRITEAOF's cost to clients: the longest event-loop stall a client sees while nodis
// rewrites its AOF, and the rewrite's duration.
//
// Dataset: DEBUG POPULATE N (strings) plus N/10 small hashes and N/10 small zsets, with
// appendonly yes (everysec). Probe: one connection sends PING, waits for the reply, sleeps
// ~1 ms, repeats; its round trips during the rewrite give the longest stall and p50/p99.
// Duration: from sending BGREWRITEAOF to INFO's aof_rewrite_in_progress:0 (polled every 10 ms
// on a third connection), or to the BGREWRITEAOF reply when the rewrite is synchronous.
// A light write load (SET on random keys of the dataset, 1 connection, pipelines of 20,
// ~1 ms apart) runs during the rewrite so that the snapshot's pre-write path is exercised.
//
// Usage: npx tsc -p tsconfig.build.json && node bench/aofrw.mjs [--n 1000000] [--preamble yes|no]
//        (NODIS_MAIN selects the build to measure)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODIS_MAIN, connect, encode, sleep, startServer } from './lib/servers.mjs';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const N = Number(opt('n', 1_000_000));
const PREAMBLE = opt('preamble', 'yes');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-aofrw-bench-'));

const s = await startServer('nodis', ['--appendonly', 'yes', '--dir', dir, '--enable-debug-command', 'yes',
  '--aof-use-rdb-preamble', PREAMBLE, '--auto-aof-rewrite-percentage', '0']);
try {
  const c = await connect(s.port);
  await c.call(['DEBUG', 'POPULATE', String(N)]);
  for (let i = 0; i < N / 10; i += 10_000) {
    const parts = [];
    for (let j = i; j < i + 10_000; j++) {
      parts.push(encode(['HSET', `hash:${j}`, 'f1', String(j), 'f2', 'v2', 'f3', 'v3']));
      parts.push(encode(['ZADD', `zset:${j}`, '1', 'a', '2.5', 'b', String(j), 'c']));
    }
    await c.send(Buffer.concat(parts), parts.length);
  }
  const keys = await c.call(['DBSIZE']);
  const probe = await connect(s.port);
  const poll = await connect(s.port);
  const load = await connect(s.port);
  await sleep(500);

  let running = true;
  const rtts = [];
  const probing = (async () => {
    while (running) {
      const t = process.hrtime.bigint();
      await probe.call(['PING']);
      rtts.push(Number(process.hrtime.bigint() - t) / 1e6);
      await sleep(1);
    }
  })();
  let writes = 0;
  const loading = (async () => {
    while (running) {
      const parts = [];
      for (let j = 0; j < 20; j++) parts.push(encode(['SET', `key:${Math.floor(Math.random() * N)}`, 'changed']));
      await load.send(Buffer.concat(parts), parts.length);
      writes += 20;
      await sleep(1);
    }
  })();

  const t0 = process.hrtime.bigint();
  const reply = await c.call(['BGREWRITEAOF']);
  let t1 = process.hrtime.bigint();
  for (;;) {
    const inf = await poll.call(['INFO', 'persistence']);
    if (inf.includes('aof_rewrite_in_progress:0')) break;
    t1 = process.hrtime.bigint();
    await sleep(10);
  }
  const durMs = Number(t1 - t0) / 1e6;
  running = false;
  await probing;
  await loading;
  const sorted = [...rtts].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const inf = await poll.call(['INFO', 'persistence']);
  const status = /aof_last_bgrewrite_status:(\w+)/.exec(inf)?.[1];
  const base = fs.readdirSync(path.join(dir, 'appendonlydir')).find((f) => f.includes('.base.'));
  const baseSize = base ? fs.statSync(path.join(dir, 'appendonlydir', base)).size : 0;
  console.log(JSON.stringify({
    build: NODIS_MAIN, keys, preamble: PREAMBLE, reply, status, rewriteMs: Math.round(durMs),
    pings: rtts.length, maxPingMs: +q(1).toFixed(1), p99PingMs: +q(0.99).toFixed(2), p50PingMs: +q(0.5).toFixed(2),
    writesDuring: writes, baseMB: +(baseSize / 1048576).toFixed(1),
  }));
  c.close();
  probe.close();
  poll.close();
  load.close();
} finally {
  await s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
