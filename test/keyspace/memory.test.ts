// The memory model behind MEMORY USAGE: estimates grow with the data, follow the encodings,
// sample big collections, and stay close to what V8 really spends (measured with forced GCs).
import { describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Dict } from '../../src/ds/dict.js';
import { keyUsage, objectSize, stringBytes, ROBJECT_BYTES, DICT_ENTRY_BYTES } from '../../src/keyspace/memory.js';
import { createStringObject } from '../../src/keyspace/types/string.js';
import { createHashFromDict, createHashFromListpack } from '../../src/keyspace/types/hash.js';
import { createListFromValues } from '../../src/keyspace/types/list.js';
import { createZsetForAdd, zsetAdd } from '../../src/keyspace/types/zset.js';
import { RObject, OBJ_SET, ENC_HT, ENC_SKIPLIST } from '../../src/keyspace/object.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** A flat one-byte string, as the server's values are (latin1Slice of the input buffer). */
const flat = (s: string): string => Buffer.from(s, 'latin1').latin1Slice();

/** V8's heap, plus (`external`) the off-heap backing stores of typed arrays (dict index, skip-list columns). */
function heap(external = false): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + (external ? m.external : 0);
}

describe('estimates', () => {
  it('strings: header + bytes rounded to 8, plus the object, the key and its dict entry', () => {
    expect(stringBytes(0)).toBe(16);
    expect(stringBytes(1)).toBe(24);
    expect(stringBytes(8)).toBe(24);
    expect(stringBytes(9)).toBe(32);
    const o = createStringObject('bar');
    expect(objectSize(o)).toBe(ROBJECT_BYTES + 24);
    expect(keyUsage('foo', o)).toBe(ROBJECT_BYTES + 24 + 24 + DICT_ENTRY_BYTES);
    expect(objectSize(createStringObject('x'.repeat(1000)))).toBeGreaterThan(1000);
  });

  it('collections grow with their content; sampling extrapolates', () => {
    const small = createHashFromListpack('');
    const d = new Dict<string>();
    for (let i = 0; i < 1000; i++) d.set(`field:${i}`, 'v'.repeat(20));
    const big = createHashFromDict(d);
    expect(objectSize(big)).toBeGreaterThan(objectSize(small) + 1000 * 60);
    // Near-uniform entries: a 5-entry sample extrapolates to within 10% of the full walk.
    expect(Math.abs(objectSize(big, 5) - objectSize(big, 0)) / objectSize(big, 0)).toBeLessThan(0.1);
    const list = createListFromValues(Array.from({ length: 5000 }, (_, i) => `item-${i}`));
    expect(objectSize(list, 0)).toBeGreaterThan(5000 * 6);
    const set = new RObject(OBJ_SET, ENC_HT, ['a', 'b', 'c']);
    expect(objectSize(set)).toBeGreaterThan(ROBJECT_BYTES);
  });
});

describe('against the real V8 heap', () => {
  it('string values: the estimate is within 25% of the measured bytes', () => {
    const n = 50_000;
    const keep: RObject[] = new Array(n);
    const before = heap();
    let estimate = 0;
    for (let i = 0; i < n; i++) {
      const o = createStringObject(flat(`value-${i}-${'x'.repeat(40 + (i % 50))}`));
      keep[i] = o;
      estimate += objectSize(o);
    }
    const used = heap() - before;
    expect(keep.length).toBe(n);
    expect(estimate / used).toBeGreaterThan(0.75);
    expect(estimate / used).toBeLessThan(1.25);
  });

  it('a hashtable hash: the estimate is within 35% of the measured bytes', () => {
    const before = heap(true);
    const d = new Dict<string>();
    for (let i = 0; i < 50_000; i++) d.set(flat(`field:${i}:${'f'.repeat(10)}`), flat(`value:${i}:${'v'.repeat(20)}`));
    const o = createHashFromDict(d);
    const used = heap(true) - before;
    const estimate = objectSize(o, 0);
    expect(estimate / used).toBeGreaterThan(0.65);
    expect(estimate / used).toBeLessThan(1.35);
  });

  it('skiplist zsets (500 members, as bench/memory-accuracy.mjs zsetbig): within 15% of heap + external', () => {
    // The skip list keeps its columns in typed arrays whose backing stores are outside V8's
    // heap (process.memoryUsage().external), so both are counted.
    const limits = { maxEntries: 128, maxValue: 64 };
    const n = 200;
    const keep: RObject[] = new Array(n);
    const before = heap(true);
    let estimate = 0;
    for (let i = 0; i < n; i++) {
      const o = createZsetForAdd(flat(`member:0:${i}`), limits);
      for (let m = 0; m < 500; m++) zsetAdd(o, ((i * 7919 + m * 104729) % 1_000_003) / 1.7, flat(`member:${m}:${i}`), 0, limits);
      keep[i] = o;
    }
    const used = heap(true) - before;
    for (const o of keep) estimate += objectSize(o);
    expect(keep[0]?.enc).toBe(ENC_SKIPLIST);
    expect(estimate / used).toBeGreaterThan(0.85);
    expect(estimate / used).toBeLessThan(1.15);
  });
});
