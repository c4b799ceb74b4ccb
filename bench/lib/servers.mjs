// Shared helpers of the maxmemory benchmarks: start nodis or redis-server as a child process,
// read its RSS, and talk RESP over a raw socket with pipelining (no client library, so the
// client costs little and both servers see identical bytes).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The nodis entry point: $NODIS_MAIN, else dist/main.js. */
export const NODIS_MAIN = process.env.NODIS_MAIN ?? path.join(here, '../../dist/main.js');
/** Node flags nodis runs with, as `npm start`, the bin and the Dockerfile start it (src/main.ts). */
export const NODE_FLAGS = ['--v8-pool-size=1'];

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * spawn(cmd, args) under `nice -n $BENCH_NICE` when that is set (latency measurements on a
 * shared machine: a negative value, as root, keeps other load from preempting the server;
 * nice execs the command, so the child's pid is the server's).
 */
function spawnNiced(cmd, args, opts) {
  const n = process.env.BENCH_NICE;
  return n ? spawn('nice', ['-n', n, cmd, ...args], opts) : spawn(cmd, args, opts);
}

/**
 * Start a server: kind 'nodis' | 'redis'. `nodeArgs` go to node (nodis only), `args` are
 * directives (--name value). Returns { kind, port, child, rss(), stop() }.
 */
export async function startServer(kind, args = [], nodeArgs = []) {
  const port = await freePort();
  const base = ['--port', String(port), '--save', '', '--appendonly', 'no', '--loglevel', 'warning', ...args];
  const child =
    kind === 'redis'
      ? spawnNiced('redis-server', base, { stdio: ['ignore', 'inherit', 'inherit'] })
      : spawnNiced('node', [...NODE_FLAGS, ...nodeArgs, NODIS_MAIN, ...base], { stdio: ['ignore', 'inherit', 'inherit'] });
  const s = {
    kind,
    port,
    child,
    rss() {
      const m = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
      return m ? Number(m[1]) * 1024 : 0;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await done;
    },
  };
  if (await answersPing(port, child, 100, 100)) return s;
  await s.stop();
  throw new Error(`${kind} on ${port} did not start`);
}

/**
 * Whether the server `child` started on `port` answers PING within `tries` attempts `delayMs`
 * apart; throws as soon as the child has exited.
 */
export async function answersPing(port, child, tries, delayMs) {
  for (let i = 0; i < tries; i++) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
    try {
      const c = await connect(port);
      const pong = await c.call(['PING']);
      c.close();
      if (pong === 'PONG') return true;
    } catch {}
    await sleep(delayMs);
  }
  return false;
}

/**
 * Wait until the server on `port` says INFO loading:0 and has DBSIZE >= `min` (a server may
 * answer before its load starts), polling every `pollMs`; returns DBSIZE. Throws when `child`
 * exits or after `ms`.
 */
export async function waitLoaded(port, child, { min = 0, ms = 180_000, pollMs = 5 } = {}) {
  const t0 = Date.now();
  let c = null;
  while (Date.now() - t0 < ms) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      c ??= await connect(port);
      const inf = await c.call(['INFO', 'persistence']);
      const r = typeof inf === 'string' && inf.includes('loading:0') ? await c.call(['DBSIZE']) : null;
      if (typeof r === 'number' && r >= min) {
        c.close();
        return r;
      }
    } catch {
      c = null;
    }
    await sleep(pollMs);
  }
  c?.close();
  throw new Error('server not ready');
}

/**
 * Make the RDB file `file` unless it exists: a redis-server (added to `spawned`, killOnExit's
 * set) gets commandFor(i, rand) for i < n, rand = rng(seed), in pipelined batches, then SAVE.
 */
export async function generateRdb(file, n, commandFor, seed, spawned) {
  if (fs.existsSync(file)) return;
  console.log(`generating ${n} keys with redis-server into ${file}`);
  const port = await freePort();
  const gdir = fs.mkdtempSync(path.join(path.dirname(file), 'gen-'));
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', gdir], { stdio: 'ignore' });
  spawned.add(child);
  await waitLoaded(port, child);
  const c = await connect(port);
  const rand = rng(seed);
  const BATCH = 10_000;
  for (let i = 0; i < n; i += BATCH) {
    const parts = [];
    const m = Math.min(BATCH, n - i);
    for (let j = 0; j < m; j++) parts.push(encode(commandFor(i + j, rand)));
    await c.send(Buffer.concat(parts), m);
  }
  const r = await c.call(['SAVE']);
  if (r !== 'OK') throw new Error(`SAVE: ${r}`);
  c.close();
  child.kill('SIGKILL');
  fs.renameSync(path.join(gdir, 'dump.rdb'), file);
  fs.rmSync(gdir, { recursive: true, force: true });
}

/** RESP encoding of one command (args: strings or Buffers). */
export function encode(argv) {
  const parts = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/**
 * A minimal RESP2 client: call(argv) → Promise of the reply (string, number, null, array,
 * Error); send(buf, n) writes pre-encoded commands and resolves with their n replies.
 */
export function connect(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setNoDelay(true);
    let buf = Buffer.alloc(0);
    const waiters = []; // { n, replies, resolve }
    const parse = (b, i) => {
      // returns [value, next] or null when incomplete
      if (i >= b.length) return null;
      const t = b[i];
      const e = b.indexOf('\r\n', i);
      if (e < 0) return null;
      const line = b.latin1Slice(i + 1, e);
      if (t === 43) return [line, e + 2];
      if (t === 45) return [new Error(line), e + 2];
      if (t === 58) return [Number(line), e + 2];
      if (t === 36) {
        const len = Number(line);
        if (len < 0) return [null, e + 2];
        if (b.length < e + 2 + len + 2) return null;
        return [b.latin1Slice(e + 2, e + 2 + len), e + 4 + len];
      }
      if (t === 42) {
        const n = Number(line);
        if (n < 0) return [null, e + 2];
        const out = [];
        let p = e + 2;
        for (let k = 0; k < n; k++) {
          const r = parse(b, p);
          if (r === null) return null;
          out.push(r[0]);
          p = r[1];
        }
        return [out, p];
      }
      throw new Error(`bad reply byte ${t}`);
    };
    sock.on('data', (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      let p = 0;
      while (waiters.length) {
        const r = parse(buf, p);
        if (r === null) break;
        p = r[1];
        const w = waiters[0];
        w.replies.push(r[0]);
        if (w.replies.length === w.n) {
          waiters.shift();
          w.resolve(w.replies);
        }
      }
      buf = p === buf.length ? Buffer.alloc(0) : buf.subarray(p);
    });
    sock.once('error', reject);
    sock.once('connect', () => {
      const c = {
        sock,
        send(data, n) {
          return new Promise((res) => {
            waiters.push({ n, replies: [], resolve: res });
            sock.write(data);
          });
        },
        async call(argv) {
          const [r] = await c.send(encode(argv), 1);
          return r;
        },
        close() {
          sock.destroy();
        },
      };
      resolve(c);
    });
  });
}

/** INFO as a { field: value } object. */
export async function info(c, section = 'all') {
  const text = await c.call(['INFO', section]);
  const o = {};
  for (const line of String(text).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) o[line.slice(0, i)] = line.slice(i + 1);
  }
  return o;
}

/** A small seeded PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const MB = 1024 * 1024;
export const fmtMB = (n) => (n / MB).toFixed(1);

/** The nodis entry of the public API: $NODIS_INDEX, else dist/index.js. */
export const NODIS_INDEX = process.env.NODIS_INDEX ?? path.join(here, '../../dist/index.js');

/**
 * nodis inside bench/lib/nodis-probe.mjs (event loop delay and used_memory sampled from inside
 * the process). `config`: directives as an object. Adds probe(): the figures since the last call.
 */
export async function startProbed(config, nodeArgs = []) {
  const port = await freePort();
  const child = spawnNiced('node', [...NODE_FLAGS, ...nodeArgs, path.join(here, 'nodis-probe.mjs'), JSON.stringify(config), String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODIS_INDEX },
  });
  let out = '';
  const waiters = [];
  child.stdout.on('data', (d) => {
    out += d.toString();
    let i;
    while ((i = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      // Anything else on stdout (node's --trace-gc output...) goes to $PROBE_LOG.
      if (!line.startsWith('READY') && !line.startsWith('PROBE')) {
        if (process.env.PROBE_LOG) fs.appendFileSync(process.env.PROBE_LOG, line + '\n');
        continue;
      }
      const w = waiters.shift();
      if (w) w(line);
    }
  });
  const next = () => new Promise((r) => waiters.push(r));
  const ready = await next();
  if (!ready.startsWith('READY')) throw new Error(`probe: ${ready}`);
  return {
    kind: 'nodis',
    port,
    child,
    rss() {
      const m = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
      return m ? Number(m[1]) * 1024 : 0;
    },
    async probe() {
      const p = next();
      child.kill('SIGUSR2');
      const line = await p;
      return JSON.parse(line.slice('PROBE '.length));
    },
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await done;
    },
  };
}

/**
 * A set for the child processes a bench script starts: every one still running is killed when
 * the script exits, and an uncaught error ends the script (so no server outlives it).
 */
export function killOnExit() {
  const spawned = new Set();
  process.on('exit', () => {
    for (const c of spawned) if (c.exitCode === null) c.kill('SIGKILL');
  });
  process.on('uncaughtException', (e) => {
    console.error(e);
    process.exit(1);
  });
  return spawned;
}
