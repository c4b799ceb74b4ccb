// Forkless snapshot (snapshot.ts) under random interleavings: between walk slices, random
// overwrites, deletes (which move the last slot into the hole), re-creations, new keys, TTL
// changes, SWAPDB and FLUSHDB hit the captured databases; the file must always decode to the
// dataset as it was when the snapshot started.
import { describe, expect, it } from 'vitest';
import { Keyspace } from '../../src/keyspace/db.js';
import { applyRdb, decodeRdb } from '../../src/persistence/rdb/decoder.js';
import { datasetDigest } from '../../src/keyspace/digest.js';
import { Snapshot } from '../../src/persistence/rdb/snapshot.js';
import { createStringObject } from '../../src/keyspace/types/string.js';
import { rng } from '../helpers/random.js';

function fileDigest(buf: Buffer): string {
  const ks = new Keyspace(16, { expired: () => {} });
  applyRdb(ks, decodeRdb(buf));
  return datasetDigest(ks);
}

describe('Snapshot', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`equals the dataset at the cut under random writes (seed ${seed})`, () => {
      const r = rng(seed);
      const ks = new Keyspace(16, { expired: () => {} });
      const n = 3000;
      for (let db = 0; db < 2; db++) {
        for (let i = 0; i < n; i++) {
          ks.dbs[db]!.add(`k${i}`, createStringObject(`v${db}-${i}`));
          if (i % 7 === 0) ks.dbs[db]!.setExpire(`k${i}`, Date.now() + 1e9 + i);
        }
      }
      const expected = datasetDigest(ks);
      const chunks: Buffer[] = [];
      const snap = new Snapshot(ks, {}, (b) => chunks.push(b));
      let steps = 0;
      let done = false;
      while (!done) {
        for (let w = 0; w < 40; w++) {
          const db = ks.dbs[Math.floor(r() * 2)]!;
          const key = `k${Math.floor(r() * n * 1.2)}`;
          const op = r();
          if (op < 0.35) db.delete(key);
          else if (op < 0.6) db.set(key, createStringObject(`new-${steps}-${w}`));
          else if (op < 0.75) {
            if (db.peek(key) === undefined) db.add(key, createStringObject('added'));
          } else if (op < 0.85) {
            if (db.peek(key) !== undefined) db.setExpire(key, Date.now() + 5e9);
          } else if (op < 0.93) db.persist(key);
          else if (op < 0.97) db.delete(db.size > 0 ? db.dict.keyAt(db.size - 1) : key); // the last slot itself
          else if (op < 0.985) ks.dbs[0]!.swapWith(ks.dbs[1]!);
          else if (steps > 3 && op < 0.99) db.flush();
        }
        done = snap.step(1 + Math.floor(r() * 200));
        steps++;
      }
      expect(steps).toBeGreaterThan(10);
      expect(fileDigest(Buffer.concat(chunks))).toBe(expected);
      expect(ks.hooks.beforeWrite).toBeUndefined();
    });
  }
});
