// Proves the Dict holds more entries than one V8 Map can (2^24). Heavy: about
// 10-25 s and about 1.1 GB RSS on a 2-core machine (1.7 GB with the earlier Map-based index), so it lives in its own file.
import { describe, expect, it } from 'vitest';
import { Dict } from '../../src/ds/dict.js';

const MAP_LIMIT = 2 ** 24; // entries one V8 Map can hold
const N = MAP_LIMIT + 1000;

describe('Dict beyond 2^24 entries', () => {
  it(
    `holds ${N} keys`,
    () => {
      const t0 = performance.now();
      const d = new Dict<number>();
      // Short keys (base-36, at most 5 chars) and small-integer values keep
      // memory near the minimum: string + two array cells + 8 B of slot metadata + 4-8 B of buckets per key.
      for (let i = 0; i < N; i++) d.set(i.toString(36), i);
      const tInsert = performance.now() - t0;
      expect(d.size).toBe(N);

      // Finish any layout change in progress, as the server cron would.
      let steps = 0;
      while (d.rehashStep(100_000)) steps++;
      const st = d.layoutStats();
      expect(st.rehashing).toBe(false);
      expect(st.buckets).toBe(2 ** 25); // load factor <= 1
      expect(st.longestChain).toBeLessThan(20);

      let wrong = 0;
      for (let i = 0; i < N; i += 997) if (d.get(i.toString(36)) !== i) wrong++;
      if (d.get((N - 1).toString(36)) !== N - 1) wrong++;
      expect(wrong).toBe(0);
      expect(d.has(N.toString(36))).toBe(false);
      expect(d.keyAt(N - 1)).toBe((N - 1).toString(36));

      // Deletes swap the tail into the holes: the moved keys must stay reachable.
      for (let i = 0; i < 2000; i++) expect(d.delete((i * 7919).toString(36))).toBe(true);
      expect(d.size).toBe(N - 2000);
      for (let i = 0; i < 2000; i++) if (d.has((i * 7919).toString(36))) wrong++;
      for (let s = d.size - 3000; s < d.size; s++) if (d.slotOf(d.keyAt(s)) !== s) wrong++;
      expect(wrong).toBe(0);

      for (let i = 0; i < 100; i++) {
        const k = d.randomKey()!;
        expect(d.get(k)).toBe(parseInt(k, 36));
      }
      let visited = 0;
      const cursor = d.scan(0, 1000, () => visited++);
      expect(visited).toBe(1000);
      expect(cursor).toBe(d.size - 1000);

      const mem = process.memoryUsage();
      console.log(
        `[dict-large] ${N} keys: insert ${(tInsert / 1000).toFixed(1)} s, total ${((performance.now() - t0) / 1000).toFixed(1)} s,` +
          ` rss ${(mem.rss / 2 ** 20).toFixed(0)} MB, heapUsed ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB,` +
          ` layout ${JSON.stringify(st)}, cron steps ${steps}`,
      );
    },
    400_000,
  );
});
