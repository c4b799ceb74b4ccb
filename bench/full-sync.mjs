// Full-sync stall: a real redis-server becomes a replica of a master holding 1,000,000 mixed keys
// (the dataset of bench/rdb-load.mjs, loaded from its cached dump.rdb), while a probe connection
// sends PING, waits for the reply, sleeps 1 ms, and so on. Reports, per round, the time from the
// replica's start to its master_link_status:up and the longest PING round trip on the master
// meanwhile: the event-loop stall the full sync causes. The master is nodis or, with --master
// redis, redis-server (whose fork child takes the snapshot); the replica is redis-server or,
// with --replica nodis, nodis (then the sync time is mostly the replica's load of the payload).
//
// Usage: npx tsc -p tsconfig.build.json && node bench/rdb-load.mjs --rounds 1   (once: the dump)
//        node bench/full-sync.mjs [--rounds 3] [--master nodis|redis] [--replica redis|nodis]
//        [--dir /tmp/nodis-rdb-bench]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, info, killOnExit, sleep, startServer, waitLoaded } from './lib/servers.mjs';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const ROUNDS = Number(opt('rounds', 3));
const MASTER = opt('master', 'nodis');
const REPLICA = opt('replica', 'redis');
const DUMP = path.join(opt('dir', path.join(os.tmpdir(), 'nodis-rdb-bench')), 'mixed-1000000.rdb');
if (!fs.existsSync(DUMP)) throw new Error(`${DUMP} is missing: run node bench/rdb-load.mjs --rounds 1 first`);
const spawned = killOnExit();

async function round() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-fullsync-'));
  fs.copyFileSync(DUMP, path.join(dir, 'dump.rdb'));
  const master = await startServer(MASTER, ['--dir', dir, '--dbfilename', 'dump.rdb', ...(MASTER === 'redis' ? ['--repl-diskless-sync-delay', '0'] : [])]);
  spawned.add(master.child);
  const keys = await waitLoaded(master.port, master.child, { min: 1 });
  await sleep(500);
  const probe = await connect(master.port);
  let maxRtt = 0;
  let pings = 0;
  let stop = false;
  const probing = (async () => {
    while (!stop) {
      const t = performance.now();
      await probe.call(['PING']);
      const d = performance.now() - t;
      pings++;
      if (d > maxRtt) maxRtt = d;
      await sleep(1);
    }
  })();
  const rdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-fullsync-replica-'));
  const t0 = performance.now();
  const replica = await startServer(REPLICA, ['--dir', rdir, '--replicaof', '127.0.0.1', String(master.port)]);
  spawned.add(replica.child);
  const rc = await connect(replica.port);
  while ((await info(rc, 'replication')).master_link_status !== 'up') await sleep(10);
  const syncMs = performance.now() - t0;
  stop = true;
  await probing;
  const replicaKeys = await rc.call(['DBSIZE']);
  rc.close();
  probe.close();
  await replica.stop();
  await master.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(rdir, { recursive: true, force: true });
  return { keys, replicaKeys, syncMs, maxRtt, pings };
}

console.log(`master ${MASTER}, replica ${REPLICA}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (let r = 0; r < ROUNDS; r++) {
  const x = await round();
  console.log(`round ${r + 1}: sync ${x.syncMs.toFixed(0)} ms, longest PING round trip ${x.maxRtt.toFixed(1)} ms (${x.pings} pings), ` +
    `keys ${x.keys} -> replica ${x.replicaKeys}`);
}
process.exit(0);
