// HyperLogLog accuracy and hashing speed, in process on the compiled ds module.
//
// Accuracy: T independent streams of distinct elements are added to an HLL exactly as PFADD
// does (sparse first, promoted to dense at hll-sparse-max-bytes = 3000); at every checkpoint
// (1e3, 3e3, 1e4, ... 1e7) the estimate is compared with the true cardinality. Reports the
// mean relative error (bias), the standard error (RMS of the relative error; the theory for
// 16384 registers is 1.04/sqrt(16384) = 0.81%) and the worst error seen.
// Speed: MurmurHash64A on 32-bit halves (what nodis uses) against the same function on BigInt,
// and PFADD's per-element cost (hash + register update) on a dense value.
//
// Usage: npm run build && node bench/hll-error.mjs [--trials 20] [--max 1e7] [--dist dist]
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const TRIALS = Number(opt('trials', 20));
const MAX = Number(opt('max', 1e7));
const dist = path.resolve(here, '..', opt('dist', 'dist'));
const hll = await import(pathToFileURL(path.join(dist, 'ds/hll.js')).href);
const { createHll, hllAdd, hllCount, hllPatLen, hllSparseToDense, HLL_HASH_SEED } = hll;

const checkpoints = [];
for (let e = 3; 10 ** e <= MAX; e++) {
  checkpoints.push(10 ** e);
  if (3 * 10 ** e <= MAX) checkpoints.push(3 * 10 ** e);
}
checkpoints.sort((a, b) => a - b);

const errs = new Map(checkpoints.map((c) => [c, []]));
const ele = Buffer.alloc(12);
const t0 = performance.now();
for (let t = 0; t < TRIALS; t++) {
  const s = createHll();
  // Distinct elements per trial: (trial, counter) with a random 32-bit salt.
  const salt = (Math.random() * 0x100000000) >>> 0;
  ele.writeUInt32LE(salt, 4);
  ele.writeUInt32LE(t, 8);
  let k = 0;
  for (let n = 1; n <= MAX; n++) {
    ele.writeUInt32LE(n, 0);
    hllAdd(s, ele, 3000);
    if (n === checkpoints[k]) {
      const est = hllCount(s.buf, s.len);
      errs.get(n).push((est - n) / n);
      k++;
    }
  }
  process.stderr.write(`trial ${t + 1}/${TRIALS}\r`);
}
const secs = (performance.now() - t0) / 1000;

console.log(`HyperLogLog accuracy: ${TRIALS} trials, ${checkpoints.length} checkpoints, ${secs.toFixed(1)} s`);
console.log('cardinality   bias(mean)   std.error(RMS)   max|err|');
let all = 0;
let allN = 0;
for (const c of checkpoints) {
  const e = errs.get(c);
  const mean = e.reduce((a, b) => a + b, 0) / e.length;
  const rms = Math.sqrt(e.reduce((a, b) => a + b * b, 0) / e.length);
  const max = Math.max(...e.map(Math.abs));
  all += e.reduce((a, b) => a + b * b, 0);
  allN += e.length;
  console.log(
    `${c.toExponential(0).padStart(11)}   ${(mean * 100).toFixed(3).padStart(8)}%   ${(rms * 100).toFixed(3).padStart(12)}%   ${(max * 100).toFixed(3).padStart(7)}%`,
  );
}
console.log(`overall standard error: ${(Math.sqrt(all / allN) * 100).toFixed(3)}% (theory 0.81%)`);

/* ---- speed ---------------------------------------------------------------------------------- */

function murmurBig(b, seed) {
  const M = 0xc6a4a7935bd1e995n;
  const mask = (1n << 64n) - 1n;
  const len = b.length;
  let h = (BigInt(seed) ^ (BigInt(len) * M)) & mask;
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    let k = b.readBigUInt64LE(i);
    k = (k * M) & mask;
    k ^= k >> 47n;
    k = (k * M) & mask;
    h ^= k;
    h = (h * M) & mask;
  }
  const rem = len & 7;
  if (rem) {
    for (let j = rem - 1; j >= 0; j--) h ^= BigInt(b[i + j]) << BigInt(8 * j);
    h = (h * M) & mask;
  }
  h ^= h >> 47n;
  h = (h * M) & mask;
  h ^= h >> 47n;
  return h;
}

function rate(label, n, fn) {
  fn(Math.min(n, 100_000)); // warm up
  const t = performance.now();
  fn(n);
  const ms = performance.now() - t;
  console.log(`${label.padEnd(44)} ${((n / ms) * 1000 / 1e6).toFixed(2).padStart(7)} M/s  (${((ms * 1e6) / n).toFixed(0)} ns each)`);
}

console.log('\nHashing speed (16-byte elements):');
const keyBuf = Buffer.from('user:1234567890ab');
const keyStr = keyBuf.latin1Slice();
let sink = 0n;
let acc = 0;
rate('MurmurHash64A, 32-bit halves (hllPatLen, string)', 5_000_000, (n) => {
  for (let i = 0; i < n; i++) acc ^= hllPatLen(keyStr);
});
rate('MurmurHash64A, 32-bit halves (hllPatLen, Buffer)', 5_000_000, (n) => {
  for (let i = 0; i < n; i++) acc ^= hllPatLen(keyBuf);
});
rate('hllAdd dense, string elements', 2_000_000, (n) => {
  const s = createHll();
  hllSparseToDense(s);
  for (let i = 0; i < n; i++) hllAdd(s, `user:${i}`, 3000);
});
rate('hllAdd dense, 12-byte Buffer elements', 2_000_000, (n) => {
  const s = createHll();
  hllSparseToDense(s);
  const b = Buffer.alloc(12);
  for (let i = 0; i < n; i++) {
    b.writeUInt32LE(i, 0);
    hllAdd(s, b, 3000);
  }
});
rate('MurmurHash64A on BigInt (reference)', 200_000, (n) => {
  for (let i = 0; i < n; i++) sink ^= murmurBig(keyBuf, HLL_HASH_SEED);
});
if (sink === 12345n || acc === 0.5) console.log('');
