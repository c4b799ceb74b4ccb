// Side-by-side benchmark: starts nodis (dist/main.js) and the real redis-server on free ports,
// runs redis-benchmark against each, alternating runs, and prints the median requests/s of
// each and the ratio nodis/redis. Usage: npm run bench [-- --runs 3 --tests set,get --n 200000]
import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from './lib/servers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? def : args[i + 1];
};
const RUNS = Number(opt('runs', 3));
const TESTS = opt('tests', 'set,get,incr,mset,ping').split(',');
const PIPELINES = opt('pipelines', '1,16').split(',').map(Number);
const CLIENTS = Number(opt('clients', 50));
const N1 = Number(opt('n', 200000));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function waitPing(port) {
  for (let i = 0; i < 100; i++) {
    try {
      if (execFileSync('redis-cli', ['-p', String(port), 'ping']).toString().trim() === 'PONG') return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not start`);
}

function bench(port, test, pipeline) {
  const n = pipeline > 1 ? N1 * 4 : N1;
  const out = execFileSync('redis-benchmark', [
    '-p', String(port), '-c', String(CLIENTS), '-n', String(n), '-P', String(pipeline), '-t', test, '--csv',
  ]).toString();
  // CSV: "test","rps",...; one line per test (PING gives PING_INLINE and PING_MBULK).
  const rows = out.trim().split('\n').slice(1).map((l) => l.split(',').map((x) => x.replace(/"/g, '')));
  return rows.map((r) => [r[0], Number(r[1])]);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const nodisPort = await freePort();
const redisPort = await freePort();
const nodis = spawn('node', [...NODE_FLAGS, path.join(here, '../dist/main.js'), '--port', String(nodisPort), '--save', '', '--loglevel', 'warning'], { stdio: 'inherit' });
const redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'inherit' });
try {
  await waitPing(nodisPort);
  await waitPing(redisPort);
  const results = new Map(); // key "TEST P" -> { nodis: [], redis: [] }
  for (let run = 0; run < RUNS; run++) {
    for (const pipeline of PIPELINES) {
      for (const test of TESTS) {
        for (const [who, port] of run % 2 ? [['redis', redisPort], ['nodis', nodisPort]] : [['nodis', nodisPort], ['redis', redisPort]]) {
          for (const [name, rps] of bench(port, test, pipeline)) {
            const key = `${name} -P ${pipeline}`;
            if (!results.has(key)) results.set(key, { nodis: [], redis: [] });
            results.get(key)[who].push(rps);
          }
        }
      }
    }
  }
  console.log(`\nredis-benchmark -c ${CLIENTS}, ${RUNS} interleaved runs, medians (requests/s)`);
  console.log('test'.padEnd(22) + 'nodis'.padStart(12) + 'redis'.padStart(12) + 'ratio'.padStart(8));
  for (const [key, r] of results) {
    const a = median(r.nodis);
    const b = median(r.redis);
    console.log(key.padEnd(22) + a.toFixed(0).padStart(12) + b.toFixed(0).padStart(12) + (a / b).toFixed(2).padStart(8));
  }
} finally {
  nodis.kill('SIGTERM');
  redis.kill('SIGTERM');
}
