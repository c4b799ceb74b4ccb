// Micro-benchmark of ds/dict.ts: inserts (presized or not, with the longest single set()),
// hit and miss lookups of fresh key strings, a small dict, delete-half-then-reinsert, and RSS.
// Usage: node bench/dict-micro.mjs path/to/dict.js [ops|rss N]   (dict.ts compiled with tsc, e.g.
//   npx tsc --outDir /tmp/d --module nodenext --target es2022 src/ds/dict.ts src/ds/chunked-array.ts)
//   (run it against an older copy, e.g. `git show HEAD:src/ds/dict.ts > /tmp/old/dict.ts`
//   with chunked-array.ts beside it). RSS mode wants --expose-gc:
//   node --expose-gc bench/dict-micro.mjs /tmp/d/dict.js rss 1000000
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const modPath = path.resolve(process.argv[2] ?? "/tmp/d/dict.js");
const mode = process.argv[3] ?? 'ops';
const { Dict } = await import(pathToFileURL(modPath).href);

/** n fresh flat one-byte strings 'key:' + 12 digits starting at `from` (as the parser makes them). */
function freshKeys(n, from = 0, prefix = 'key:') {
  const w = prefix.length + 12;
  const buf = Buffer.alloc(n * w);
  for (let i = 0; i < n; i++) buf.latin1Write(prefix + String(from + i).padStart(12, '0'), i * w);
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = buf.latin1Slice(i * w, (i + 1) * w);
  return out;
}

const ns = (t0, n) => (((performance.now() - t0) * 1e6) / n).toFixed(1);

if (mode === 'rss') {
  const n = Number(process.argv[4] ?? 1_000_000);
  const gc = globalThis.gc;
  gc(); gc();
  const before = process.memoryUsage();
  const d = new Dict();
  const w = 16;
  const buf = Buffer.alloc(w);
  for (let i = 0; i < n; i++) {
    buf.latin1Write('key:' + String(i).padStart(12, '0'), 0);
    d.set(buf.latin1Slice(0, w), i);
  }
  while (d.rehashStep(100_000));
  gc(); gc();
  const after = process.memoryUsage();
  const per = (a, b) => ((a - b) / n).toFixed(1);
  console.log(
    `rss n=${n}: rss ${per(after.rss, before.rss)} B/entry, heap+external ${per(after.heapUsed + after.external, before.heapUsed + before.external)} B/entry` +
      ` (a 16-char key string is 32 B of that), total rss ${(after.rss / 2 ** 20).toFixed(0)} MB`,
  );
  process.exit(0);
}

const N = 1_000_000;
const ins = freshKeys(N);
// 1. inserts, presized and not; then the longest single set() on a fresh dict
{
  let t0 = performance.now();
  const a = new Dict({ expectedSize: N });
  for (let i = 0; i < N; i++) a.set(ins[i], i);
  console.log(`insert 1M presized:     ${ns(t0, N)} ns/op`);
  const keys2 = freshKeys(N);
  t0 = performance.now();
  const b = new Dict();
  for (let i = 0; i < N; i++) b.set(keys2[i], i);
  console.log(`insert 1M not presized: ${ns(t0, N)} ns/op`);
  const keys3 = freshKeys(N);
  // GC pauses land inside whichever set() allocates at the wrong moment: record them, and
  // report the longest set() overall and the longest one that overlapped no GC (the dict's own work).
  const gcs = [];
  const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcs.push([e.startTime, e.startTime + e.duration]); });
  obs.observe({ entryTypes: ['gc'] });
  const c = new Dict();
  const slow = [];
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    c.set(keys3[i], i);
    const e = performance.now();
    if (e - s > 0.1) slow.push([s, e, i]);
  }
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  let worst = 0, worstAt = -1, worstNoGc = 0, worstNoGcAt = -1;
  for (const [s, e, i] of slow) {
    if (e - s > worst) { worst = e - s; worstAt = i; }
    const inGc = gcs.some(([gs, ge]) => gs < e && ge > s);
    if (!inGc && e - s > worstNoGc) { worstNoGc = e - s; worstNoGcAt = i; }
  }
  console.log(`longest single set():   ${worst.toFixed(3)} ms (at size ${worstAt}); without a GC in it: ${worstNoGc.toFixed(3)} ms (at size ${worstNoGcAt})`);
}
// 2. lookups of fresh key strings: hits, then misses
{
  const d = new Dict({ expectedSize: N });
  for (let i = 0; i < N; i++) d.set(ins[i], i);
  const inOrder = freshKeys(N);
  let t1 = performance.now();
  let sum1 = 0;
  for (let i = 0; i < N; i++) sum1 += d.get(inOrder[i]);
  console.log(`get 1M fresh hits, insertion order: ${ns(t1, N)} ns/op (${sum1 > 0 ? 'ok' : '?'})`);
  const hits = freshKeys(N);
  // shuffled order (a real workload does not walk keys in insertion order)
  for (let i = N - 1; i > 0; i--) { const j = (Math.random() * (i + 1)) | 0; const t = hits[i]; hits[i] = hits[j]; hits[j] = t; }
  let t0 = performance.now();
  let sum = 0;
  for (let i = 0; i < N; i++) sum += d.get(hits[i]);
  console.log(`get 1M fresh hits, shuffled: ${ns(t0, N)} ns/op`);
  const miss = freshKeys(N, 5_000_000_000);
  t0 = performance.now();
  let found = 0;
  for (let i = 0; i < N; i++) if (d.get(miss[i]) !== undefined) found++;
  console.log(`get 1M fresh misses:    ${ns(t0, N)} ns/op (${sum > 0 ? 'ok' : '?'}, ${found} false hits)`);
  // 4. delete half, then re-insert
  const del = freshKeys(N);
  t0 = performance.now();
  for (let i = 0; i < N; i += 2) d.delete(del[i]);
  console.log(`delete 500k of 1M:      ${ns(t0, N / 2)} ns/op`);
  const re = freshKeys(N);
  t0 = performance.now();
  for (let i = 0; i < N; i += 2) d.set(re[i], i);
  console.log(`re-insert 500k:         ${ns(t0, N / 2)} ns/op (size ${d.size})`);
}
// 3. small dict: 100 entries, 10M gets of fresh strings (10 rounds of 1M, generation untimed)
{
  const d = new Dict();
  for (let i = 0; i < 100; i++) d.set('field:' + String(i).padStart(12, '0'), i);
  let total = 0;
  let sum = 0;
  for (let r = 0; r < 10; r++) {
    const ks = freshKeys(100, 0, 'field:');
    const q = new Array(N);
    for (let i = 0; i < N; i++) q[i] = Buffer.from(ks[i % 100], 'latin1').latin1Slice();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) sum += d.get(q[i]);
    total += performance.now() - t0;
  }
  console.log(`small dict 10M gets:    ${((total * 1e6) / (10 * N)).toFixed(1)} ns/op (${sum})`);
}
