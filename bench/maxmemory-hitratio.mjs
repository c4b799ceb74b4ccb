// Cache hit ratio under maxmemory, side by side with redis-server and exact simulations.
//
// Trace: Zipf(0.99) over 1,000,000 keys (popularity ranks shuffled over key names), read
// through as a cache: GET key, and on a miss SET key (100-byte value). Requests go in batches
// of 100 GETs followed by the SETs of that batch's misses (so the trace runs at pipelined
// speed); the simulations replay exactly the same batches.
//
// Room for ~10% of the keys: for each server, 100,000 keys of the trace's shape are written
// with maxmemory 0, the growth of used_memory becomes the budget, and the database is flushed;
// so both servers hold about the same number of keys (the average DBSIZE while measuring is
// reported). The first 1,000,000 accesses warm the cache; the hit ratio is measured over the
// rest. Exact LRU and exact (in-cache, O(1) frequency buckets, LRU among equals) LFU with a
// capacity of 100,000 keys replay the same trace.
//
// Usage: npm run build && node bench/maxmemory-hitratio.mjs [--accesses 5000000]
//        [--servers nodis,redis] [--policies allkeys-lru,allkeys-lfu] [--samples 5]
import { connect, encode, info, rng, startServer } from './lib/servers.mjs';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const KEYS = Number(opt('keys', 1_000_000));
const ACCESSES = Number(opt('accesses', 5_000_000));
const WARMUP = Number(opt('warmup', 1_000_000));
const ROOM = Number(opt('room', 0.1));
const SERVERS = opt('servers', 'nodis,redis').split(',');
const POLICIES = opt('policies', 'allkeys-lru,allkeys-lfu').split(',');
const SAMPLES = opt('samples', '5');
const BATCH = 100;
const VALUE = Buffer.alloc(100, 118);
const CAP = Math.round(KEYS * ROOM);

/* ---- the trace ---------------------------------------------------------------------------- */

function zipfTrace() {
  const rand = rng(99);
  const cdf = new Float64Array(KEYS);
  let h = 0;
  for (let k = 1; k <= KEYS; k++) {
    h += 1 / Math.pow(k, 0.99);
    cdf[k - 1] = h;
  }
  for (let k = 0; k < KEYS; k++) cdf[k] /= h;
  const perm = new Int32Array(KEYS);
  for (let i = 0; i < KEYS; i++) perm[i] = i;
  for (let i = KEYS - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const trace = new Int32Array(ACCESSES);
  for (let n = 0; n < ACCESSES; n++) {
    const u = rand();
    let lo = 0;
    let hi = KEYS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    trace[n] = perm[lo];
  }
  return trace;
}

/* ---- exact simulations ---------------------------------------------------------------------- */

class ExactLru {
  constructor(cap) {
    this.cap = cap;
    this.m = new Map();
  }
  get(k) {
    if (!this.m.has(k)) return false;
    this.m.delete(k);
    this.m.set(k, 1);
    return true;
  }
  set(k) {
    if (this.m.has(k)) this.m.delete(k);
    else if (this.m.size >= this.cap) this.m.delete(this.m.keys().next().value);
    this.m.set(k, 1);
  }
}

class ExactLfu {
  constructor(cap) {
    this.cap = cap;
    this.freq = new Map(); // key -> count
    this.buckets = new Map(); // count -> Set of keys (insertion order = LRU among equals)
    this.min = 0;
  }
  bump(k) {
    const f = this.freq.get(k);
    const b = this.buckets.get(f);
    b.delete(k);
    if (b.size === 0) {
      this.buckets.delete(f);
      if (this.min === f) this.min = f + 1;
    }
    this.freq.set(k, f + 1);
    let nb = this.buckets.get(f + 1);
    if (!nb) this.buckets.set(f + 1, (nb = new Set()));
    nb.add(k);
  }
  get(k) {
    if (!this.freq.has(k)) return false;
    this.bump(k);
    return true;
  }
  set(k) {
    if (this.freq.has(k)) {
      this.bump(k);
      return;
    }
    if (this.freq.size >= this.cap) {
      const b = this.buckets.get(this.min);
      const victim = b.values().next().value;
      b.delete(victim);
      if (b.size === 0) this.buckets.delete(this.min);
      this.freq.delete(victim);
    }
    this.freq.set(k, 1);
    let b1 = this.buckets.get(1);
    if (!b1) this.buckets.set(1, (b1 = new Set()));
    b1.add(k);
    this.min = 1;
  }
}

function simulate(trace, cache) {
  let hits = 0;
  let total = 0;
  const miss = [];
  for (let i = 0; i < trace.length; i += BATCH) {
    miss.length = 0;
    const end = Math.min(trace.length, i + BATCH);
    for (let j = i; j < end; j++) {
      const hit = cache.get(trace[j]);
      if (j >= WARMUP) {
        total++;
        if (hit) hits++;
      }
      if (!hit) miss.push(trace[j]);
    }
    for (const k of miss) cache.set(k);
  }
  return hits / total;
}

/* ---- servers --------------------------------------------------------------------------------- */

const keyName = (k) => `key:${k}`;

async function runServer(kind, policy, trace) {
  const s = await startServer(kind, []);
  const c = await connect(s.port);
  try {
    // The budget: what CAP keys of this trace's shape cost on this server.
    const before = Number((await info(c, 'memory')).used_memory);
    const pick = rng(5);
    for (let i = 0; i < CAP; i += 1000) {
      const cmds = [];
      for (let j = i; j < Math.min(CAP, i + 1000); j++) cmds.push(encode(['SET', keyName(Math.floor(pick() * KEYS)), VALUE]));
      await c.send(Buffer.concat(cmds), cmds.length);
    }
    const filled = await c.call(['DBSIZE']);
    const after = Number((await info(c, 'memory')).used_memory);
    // Scale to exactly CAP keys (the uniform sample had a few duplicates).
    const budget = before + Math.round(((after - before) * CAP) / filled);
    await c.call(['FLUSHALL']);
    await c.call(['CONFIG', 'SET', 'maxmemory-policy', policy, 'maxmemory-samples', SAMPLES]);
    await c.call(['CONFIG', 'SET', 'maxmemory', String(budget)]);
    let hits = 0;
    let total = 0;
    let sizeSum = 0;
    let sizeN = 0;
    const t0 = performance.now();
    for (let i = 0; i < trace.length; i += BATCH) {
      const end = Math.min(trace.length, i + BATCH);
      const gets = [];
      for (let j = i; j < end; j++) gets.push(encode(['GET', keyName(trace[j])]));
      const replies = await c.send(Buffer.concat(gets), gets.length);
      const sets = [];
      for (let j = i; j < end; j++) {
        const hit = replies[j - i] !== null;
        if (j >= WARMUP) {
          total++;
          if (hit) hits++;
        }
        if (!hit) sets.push(encode(['SET', keyName(trace[j]), VALUE]));
      }
      if (sets.length) {
        const r = await c.send(Buffer.concat(sets), sets.length);
        for (const x of r) if (x instanceof Error) throw x;
      }
      if (i >= WARMUP && (i / BATCH) % 500 === 0) {
        sizeSum += await c.call(['DBSIZE']);
        sizeN++;
      }
    }
    const secs = (performance.now() - t0) / 1000;
    const st = await info(c, 'stats');
    return { hit: hits / total, keysHeld: Math.round(sizeSum / sizeN), secs, evicted: Number(st.evicted_keys), budget };
  } finally {
    c.close();
    await s.stop();
  }
}

const trace = zipfTrace();
console.log(`Zipf(0.99) over ${KEYS} keys, ${ACCESSES} accesses (${WARMUP} warm-up), room for ${CAP} keys, ` +
  `maxmemory-samples ${SAMPLES}, batches of ${BATCH}`);
const lru = simulate(trace, new ExactLru(CAP));
const lfu = simulate(trace, new ExactLfu(CAP));
console.log(`exact LRU simulation: ${(lru * 100).toFixed(2)}%   exact LFU simulation: ${(lfu * 100).toFixed(2)}%`);
for (const policy of POLICIES) {
  for (const kind of SERVERS) {
    const r = await runServer(kind, policy, trace);
    console.log(`${policy.padEnd(12)} ${kind.padEnd(6)} hit ratio ${(r.hit * 100).toFixed(2)}%  keys held ${r.keysHeld}  ` +
      `maxmemory ${r.budget}  evicted ${r.evicted}  ${r.secs.toFixed(1)} s`);
  }
}
