// Request-parser benchmark: nodis's RequestParser against the npm package redis-parser.
//
//   npx tsc -p tsconfig.build.json && node --expose-gc bench/parser.mjs [--quick]
//
// redis-parser parses RESP *replies*; a multibulk request is an array of bulk strings, so it can
// parse requests too (strings are decoded as UTF-8 unless returnBuffers is set). It has no inline
// commands, no limits and no Redis error messages. Hostile cases run in a child process each, so
// memory figures are not polluted by earlier cases.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { RequestParser } from '../dist/protocol/request-parser.js';

const require = createRequire(import.meta.url);
const RedisParser = require('redis-parser');
const SELF = fileURLToPath(import.meta.url);
const QUICK = process.argv.includes('--quick');
const LIMITS = { protoMaxBulkLen: 512 * 1024 * 1024, clientQueryBufferLimit: 1024 * 1024 * 1024 };

function resp(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** Parser factories: each returns { feed(buf), result() } counting commands and errors. */
const PARSERS = {
  nodis() {
    let commands = 0;
    let error = null;
    const p = new RequestParser(
      {
        onCommand() {
          commands++;
          return true;
        },
        onProtocolError(m) {
          error = m;
        },
        onQueryBufferLimit() {
          error = 'query buffer limit';
        },
      },
      LIMITS,
    );
    return { feed: (b) => p.feed(b), result: () => ({ commands, error, buffered: p.bufferedBytes }) };
  },
  'redis-parser (strings)': () => redisParser(false),
  'redis-parser (buffers)': () => redisParser(true),
};

function redisParser(returnBuffers) {
  let commands = 0;
  let error = null;
  const p = new RedisParser({
    returnBuffers,
    returnReply() {
      commands++;
    },
    returnError(e) {
      error = e.message;
    },
    returnFatalError(e) {
      error = e.message;
    },
  });
  return {
    feed(b) {
      if (error !== null) return;
      try {
        p.execute(b);
      } catch (e) {
        error = `threw ${e.name}: ${e.message}`;
      }
    },
    result: () => ({
      commands,
      error,
      buffered: p.bigStrSize > 0 ? p.totalChunkSize : p.buffer ? p.buffer.length - p.offset : 0,
    }),
  };
}

function chunked(buf, size) {
  const out = [];
  for (let off = 0; off < buf.length; off += size) out.push(buf.subarray(off, off + size));
  return out;
}

// ---------------------------------------------------------------- throughput

function workloadSetGet(n, valueSize) {
  const value = 'x'.repeat(valueSize);
  const parts = [];
  for (let i = 0; i < n; i++) {
    const key = 'key:' + String(i % 100000).padStart(12, '0');
    parts.push(i & 1 ? resp(['GET', key]) : resp(['SET', key, value]));
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** Times one pass of `factory` over the chunks; checks the command count. */
function timeOnce(name, factory, chunks, commandsPerRun) {
  const p = factory();
  const t0 = process.hrtime.bigint();
  for (const c of chunks) p.feed(c);
  const t = Number(process.hrtime.bigint() - t0) / 1e9;
  const res = p.result();
  if (res.commands !== commandsPerRun) throw new Error(`${name}: ${res.commands} != ${commandsPerRun} (${res.error})`);
  return t;
}

/** Runs every parser in turn, round after round (so machine noise hits all alike); medians. */
function throughput(chunks, commandsPerRun, bytes) {
  const rounds = QUICK ? 5 : 11;
  const times = Object.fromEntries(Object.keys(PARSERS).map((k) => [k, []]));
  for (let r = 0; r < rounds + 1; r++) {
    for (const [name, factory] of Object.entries(PARSERS)) {
      const t = timeOnce(name, factory, chunks, commandsPerRun);
      if (r > 0) times[name].push(t); // round 0 warms up
    }
  }
  const out = {};
  for (const [name, ts] of Object.entries(times)) {
    ts.sort((a, b) => a - b);
    const t = ts[ts.length >> 1];
    out[name] = { cps: commandsPerRun / t, mbps: bytes / t / 1e6 };
  }
  return out;
}

function runThroughput() {
  const n = QUICK ? 100_000 : 400_000;
  const small = workloadSetGet(n, 3);
  const pipeline16 = []; // one chunk per pipeline of 16 commands, like redis-benchmark -P 16
  {
    // Cut the small workload at every 16th command boundary (no key or value contains '*').
    let off = 0;
    let count = 0;
    let start = 0;
    while (off < small.length) {
      const nl = small.indexOf('*', off + 1);
      const next = nl < 0 ? small.length : nl;
      count++;
      off = next;
      if (count % 16 === 0 || off >= small.length) {
        pipeline16.push(small.subarray(start, off));
        start = off;
      }
    }
  }
  const bigN = QUICK ? 500 : 2000;
  const big = workloadSetGet(bigN, 100_000);
  const sets = [
    { label: `SET/GET 3-byte values, 16 KB chunks (${n} cmds)`, chunks: chunked(small, 16 * 1024), cmds: n, bytes: small.length },
    { label: `SET/GET 3-byte values, one chunk per pipeline of 16`, chunks: pipeline16, cmds: n, bytes: small.length },
    { label: `SET/GET 100 KB values, 64 KB chunks (${bigN} cmds)`, chunks: chunked(big, 64 * 1024), cmds: bigN, bytes: big.length },
  ];
  console.log('\n## Throughput (median of interleaved rounds)\n');
  console.log('| workload | parser | commands/s | MB/s |');
  console.log('|---|---|---:|---:|');
  for (const s of sets) {
    const results = throughput(s.chunks, s.cmds, s.bytes);
    for (const [name, r] of Object.entries(results)) {
      console.log(`| ${s.label} | ${name} | ${Math.round(r.cps).toLocaleString('en-US')} | ${r.mbps.toFixed(0)} |`);
    }
  }
}

// ---------------------------------------------------------------- error messages

function runErrors() {
  const cases = [
    ['*abc\\r\\n', '*abc\r\n'],
    ['*1\\r\\n$-5\\r\\n', '*1\r\n$-5\r\n'],
    ['*1\\r\\n%4\\r\\n', '*1\r\n%4\r\nPING\r\n'],
    ['*1\\r\\n$4\\r\\nPING (ok)', '*1\r\n$4\r\nPING\r\n'],
    ['PING\\r\\n (inline)', 'PING\r\n'],
    ['SET "a b\\r\\n (inline)', 'SET "a b\r\n'],
    ['*1\\r\\n$2000000000\\r\\n', '*1\r\n$2000000000\r\n'],
  ];
  console.log('\n## Error handling (what each parser reports; Redis replies -ERR <nodis text>)\n');
  console.log('| input | nodis | redis-parser |');
  console.log('|---|---|---|');
  for (const [label, wire] of cases) {
    const a = PARSERS.nodis();
    a.feed(Buffer.from(wire, 'latin1'));
    const b = PARSERS['redis-parser (strings)']();
    b.feed(Buffer.from(wire, 'latin1'));
    const show = (r) => (r.error ?? (r.commands ? `${r.commands} command(s)` : `waits (${r.buffered} B buffered)`)).replace(/\|/g, '\\|');
    console.log(`| \`${label}\` | ${show(a.result())} | ${show(b.result())} |`);
  }
}

// ---------------------------------------------------------------- hostile input (child processes)

// Each case yields fresh Buffers, as a socket does; they are created before timing starts and
// dropped once fed, so whatever a parser keeps shows up in the retained figure.
function* freshChunks(buf, size) {
  for (let off = 0; off < buf.length; off += size) yield Buffer.from(buf.subarray(off, off + size));
}
function* repeatFill(total, size, byte) {
  for (let done = 0; done < total; done += size) yield Buffer.alloc(Math.min(size, total - done), byte);
}
const HOSTILE = {
  'count *99999999999': function* () {
    yield Buffer.from('*99999999999\r\n');
  },
  'count *10000000, no bulks yet': function* () {
    yield Buffer.from('*10000000\r\n');
  },
  '10 MB of digits after * (16 KB chunks)': function* () {
    yield Buffer.from('*');
    yield* repeatFill(10 * 1024 * 1024, 16 * 1024, 0x39);
  },
  '$2000000000 then 64 MB of data': function* () {
    yield Buffer.from('*2\r\n$3\r\nSET\r\n$2000000000\r\n');
    yield* repeatFill(64 * 1024 * 1024, 64 * 1024, 0x61);
  },
  '$400000000 (under the limit) then 64 MB': function* () {
    yield Buffer.from('*2\r\n$3\r\nSET\r\n$400000000\r\n');
    yield* repeatFill(64 * 1024 * 1024, 64 * 1024, 0x61);
  },
  '1 byte at a time: 20k SET/GET commands': function* () {
    yield* freshChunks(workloadSetGet(20_000, 3), 1);
  },
  '1 byte at a time: one 1 MB value': function* () {
    yield* freshChunks(Buffer.from(resp(['SET', 'k', 'v'.repeat(1024 * 1024)])), 1);
  },
};

async function hostileChild(caseName, parserName) {
  const gc = globalThis.gc ?? (() => {});
  gc();
  const base = process.memoryUsage();
  const chunks = [...HOSTILE[caseName]()];
  const p = PARSERS[parserName]();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < chunks.length; i++) {
    p.feed(chunks[i]);
    chunks[i] = undefined; // a socket's chunk is garbage once handled
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  for (let k = 0; k < 3; k++) {
    gc();
    await new Promise((r) => setTimeout(r, 20)); // let ArrayBuffer backing stores be swept
  }
  const m = process.memoryUsage();
  const retained = m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers;
  const r = p.result();
  process.send({ ms, retainedMB: Math.max(0, retained) / 1e6, ...r });
}

function runChild(caseName, parserName, timeoutMs) {
  return new Promise((resolve) => {
    const child = fork(SELF, ['--child', caseName, parserName], {
      execArgv: ['--expose-gc', '--max-old-space-size=4096'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let msg = null;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('message', (m) => (msg = m));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (msg) resolve(msg);
      else resolve({ failed: signal === 'SIGKILL' ? `killed after ${timeoutMs / 1000} s` : `crashed (${code}) ${stderr.split('\n').find((l) => /Error/.test(l)) ?? ''}` });
    });
  });
}

async function runHostile() {
  console.log('\n## Hostile input (fresh process each; time spent in the parser; heap + ArrayBuffers retained after GC, input excluded)\n');
  console.log('| input | parser | outcome | time ms | retained MB |');
  console.log('|---|---|---|---:|---:|');
  for (const caseName of Object.keys(HOSTILE)) {
    for (const parserName of ['nodis', 'redis-parser (buffers)']) {
      const r = await runChild(caseName, parserName, QUICK ? 30_000 : 120_000);
      if (r.failed) {
        console.log(`| ${caseName} | ${parserName} | ${r.failed} | | |`);
        continue;
      }
      const outcome = r.error
        ? r.error.slice(0, 70)
        : r.commands
          ? `${r.commands} command(s)`
          : `waiting, ${(r.buffered / 1e6).toFixed(1)} MB buffered`;
      console.log(`| ${caseName} | ${parserName} | ${outcome.replace(/\|/g, '\\|')} | ${r.ms.toFixed(1)} | ${r.retainedMB.toFixed(1)} |`);
    }
  }
}

if (process.argv[2] === '--child') {
  await hostileChild(process.argv[3], process.argv[4]);
} else {
  console.log(`# Request parser benchmark (node ${process.version}${QUICK ? ', quick' : ''})`);
  runThroughput();
  runErrors();
  await runHostile();
}
