// Old RDB encodings (Redis 2.x..6.x): hand-built files with ziplists, zipmaps, intsets,
// quicklist v1, linked lists, text-score zsets, second-precision expiries and the first stream
// format decode to the expected values; nothing is loaded from a bad one.
import { describe, expect, it } from 'vitest';
import { Crc64 } from '../../src/util/crc64.js';
import { decodeRdb, RdbFormatError } from '../../src/persistence/rdb/decoder.js';
import type { RObject } from '../../src/keyspace/object.js';
import { encodingName } from '../../src/keyspace/object.js';
import { stringValue } from '../../src/keyspace/types/string.js';
import { listQuicklist } from '../../src/keyspace/types/list.js';
import { setMembers } from '../../src/keyspace/types/set.js';
import { hashPairs } from '../../src/keyspace/types/hash.js';
import { zsetEntries } from '../../src/keyspace/types/zset.js';

const str = (s: string): Buffer => Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'latin1')]);
const blob = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0x40 | (b.length >> 8), b.length & 0xff]), b]);

/** A ziplist of short strings and small integers (immediates and int16). */
function ziplist(items: Array<string | number>): Buffer {
  const entries: Buffer[] = [];
  let prev = 0;
  for (const it of items) {
    let body: Buffer;
    if (typeof it === 'number') {
      if (it >= 0 && it <= 12) body = Buffer.from([0xf1 + it]);
      else {
        body = Buffer.alloc(3);
        body[0] = 0xc0;
        body.writeInt16LE(it, 1);
      }
    } else body = Buffer.concat([Buffer.from([it.length]), Buffer.from(it, 'latin1')]);
    const e = Buffer.concat([Buffer.from([prev]), body]);
    prev = e.length;
    entries.push(e);
  }
  const content = Buffer.concat(entries);
  const h = Buffer.alloc(10);
  h.writeUInt32LE(10 + content.length + 1, 0);
  h.writeUInt32LE(10, 4);
  h.writeUInt16LE(items.length, 8);
  return Buffer.concat([h, content, Buffer.from([0xff])]);
}

function intset(vals: number[]): Buffer {
  const b = Buffer.alloc(8 + vals.length * 2);
  b.writeUInt32LE(2, 0);
  b.writeUInt32LE(vals.length, 4);
  vals.forEach((v, i) => b.writeInt16LE(v, 8 + i * 2));
  return b;
}

function zipmap(pairs: Array<[string, string]>): Buffer {
  const parts: Buffer[] = [Buffer.from([pairs.length])];
  for (const [k, v] of pairs) parts.push(str(k), Buffer.from([v.length, 0]), Buffer.from(v, 'latin1'));
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

function file(version: string, body: Buffer[]): Buffer {
  const b = Buffer.concat([Buffer.from(`REDIS${version}`, 'latin1'), ...body, Buffer.from([0xff])]);
  return Buffer.concat([b, new Crc64().update(b).digestLE()]);
}

function listValues(o: RObject): string[] {
  const out: string[] = [];
  for (let n = listQuicklist(o).head; n !== null; n = n.next) out.push(...n.values());
  return out;
}

const secs = Buffer.alloc(4);
secs.writeInt32LE(2000000000, 0);

const legacy = file('0006', [
  Buffer.from([0xfe, 0]),
  Buffer.from([0]), str('s'), str('v'),
  Buffer.from([0xfd]), secs, Buffer.from([0]), str('ttl'), str('x'),
  Buffer.from([1]), str('linked'), Buffer.from([2]), str('a'), str('b'),
  Buffer.from([10]), str('zl'), blob(ziplist(['x', 7, -300, 'y'])),
  Buffer.from([14]), str('ql'), Buffer.from([2]), blob(ziplist(['a', 1])), blob(ziplist(['b'])),
  Buffer.from([11]), str('is'), blob(intset([-5, 3, 1000])),
  Buffer.from([9]), str('zm'), blob(zipmap([['f', 'v'], ['g', 'w']])),
  Buffer.from([13]), str('hz'), blob(ziplist(['f', 1, 'g', 'two'])),
  Buffer.from([12]), str('zz'), blob(ziplist(['a', 1, 'b', '2.5'])),
  Buffer.from([3]), str('zt'), Buffer.from([2]), str('m'), str('1.5'), str('n'), Buffer.from([254]),
  Buffer.from([0xfe, 1]),
  Buffer.from([0]), str('db1'), Buffer.from([0xc0, 0x7b]),
]);

describe('legacy RDB encodings', () => {
  it('decode to the values they hold', () => {
    const d = decodeRdb(legacy);
    const db0 = new Map((d.dbs.get(0) ?? []).map((k) => [k.key, k]));
    const v = (k: string): RObject => {
      const e = db0.get(k);
      if (!e) throw new Error(`missing ${k}`);
      return e.value;
    };
    expect(stringValue(v('s'))).toBe('v');
    expect(db0.get('ttl')?.expire).toBe(2000000000000);
    expect(listValues(v('linked'))).toEqual(['a', 'b']);
    expect(listValues(v('zl'))).toEqual(['x', '7', '-300', 'y']);
    expect(listValues(v('ql'))).toEqual(['a', '1', 'b']);
    expect(setMembers(v('is')).sort()).toEqual(['-5', '1000', '3']);
    expect(encodingName(v('is'))).toBe('intset');
    expect(hashPairs(v('zm'))).toEqual(['f', 'v', 'g', 'w']);
    expect(hashPairs(v('hz'))).toEqual(['f', '1', 'g', 'two']);
    expect(zsetEntries(v('zz'))).toEqual([['a', 1], ['b', 2.5]]);
    expect(zsetEntries(v('zt'))).toEqual([['m', 1.5], ['n', Infinity]]);
    expect(stringValue(d.dbs.get(1)?.[0]?.value as RObject)).toBe('123');
  });

  it('refuses duplicates, unknown types and module values with an offset', () => {
    const dup = file('0009', [Buffer.from([0xfe, 0, 0]), str('k'), str('a'), Buffer.from([0]), str('k'), str('b')]);
    expect(() => decodeRdb(dup)).toThrow(/duplicated key 'k' in DB 0 \(at offset \d+\)/);
    const unknown = file('0009', [Buffer.from([30]), str('k')]);
    expect(() => decodeRdb(unknown)).toThrow(RdbFormatError);
    const dupSet = file('0009', [Buffer.from([2]), str('k'), Buffer.from([2]), str('a'), str('a')]);
    expect(() => decodeRdb(dupSet)).toThrow('Duplicate set members detected');
  });

  it('skips module aux data with a log line and keeps function payloads', () => {
    const lines: string[] = [];
    const mod = file('0010', [
      Buffer.from([0xf7, 0x05, 2, 2, 2, 1, 5]), str('xyz'), Buffer.from([0]),
      Buffer.from([0xf5]), str('#!lua name=x\nreturn 1'),
      Buffer.from([0]), str('k'), str('v'),
    ]);
    const d = decodeRdb(mod, { log: (_l, m) => lines.push(m) });
    expect(lines.some((l) => /module/i.test(l))).toBe(true);
    expect(d.functions).toEqual(['#!lua name=x\nreturn 1']);
    expect(d.keys).toBe(1);
  });
});
