import { describe, expect, it } from 'vitest';
import { Stream, lpStrSize, lpIntSize } from '../../src/ds/stream-store.js';
import { U64_MAX, type StreamId } from '../../src/ds/stream-id.js';

function entries(s: Stream, start: StreamId | null = null, end: StreamId | null = null, rev = false, skip = true): string[] {
  const it = s.iterate(start, end, rev, skip);
  const out: string[] = [];
  while (it.next()) {
    const kv: string[] = [];
    for (let i = 0; i < it.numFields; i++) {
      it.nextField();
      kv.push(it.field, it.value);
    }
    out.push(`${it.ms}-${it.seq}${it.flags & 1 ? '!' : ''}:${kv.join(',')}`);
  }
  return out;
}

function add(s: Stream, ms: number | bigint, seq: number | bigint, kv: string[], maxBytes = 4096, maxEntries = 100): void {
  s.append(kv, 0, kv.length / 2, { ms, seq }, maxBytes, maxEntries);
}

describe('Stream store', () => {
  it('appends, iterates both ways and honours ranges', () => {
    const s = new Stream();
    add(s, 1, 0, ['a', '1', 'b', '2']);
    add(s, 1, 5, ['a', '3', 'b', '4']);
    add(s, 7, 0, ['c', 'x'.repeat(300)]);
    add(s, 9, 2, ['a', '', 'b', '\x00\xff']);
    expect(s.length).toBe(4);
    expect(entries(s)).toEqual(['1-0:a,1,b,2', '1-5:a,3,b,4', `7-0:c,${'x'.repeat(300)}`, '9-2:a,,b,\x00\xff']);
    expect(entries(s, null, null, true)[0]).toBe('9-2:a,,b,\x00\xff');
    expect(entries(s, { ms: 1, seq: 1 }, { ms: 7, seq: 0 })).toHaveLength(2);
    expect(entries(s, { ms: 1, seq: 1 }, { ms: 8, seq: 0 }, true)).toHaveLength(2);
    expect(s.lastValidId()).toEqual({ ms: 9, seq: 2 });
    expect(s.edgeId(true, true)).toEqual({ ms: 1, seq: 0 });
  });

  it('marks deletions, drops empty blocks and skips tombstones', () => {
    const s = new Stream();
    for (let i = 1; i <= 6; i++) add(s, i, 0, ['f', String(i)], 4096, 3);
    expect(s.blockCount).toBe(2);
    expect(s.delete({ ms: 2, seq: 0 })).toBe(true);
    expect(s.delete({ ms: 2, seq: 0 })).toBe(false);
    expect(s.has({ ms: 2, seq: 0 })).toBe(false);
    expect(entries(s, null, null, false, false)[1]).toBe('2-0!:f,2');
    for (const ms of [4, 5, 6]) s.delete({ ms, seq: 0 });
    expect(s.blockCount).toBe(1);
    expect(entries(s)).toEqual(['1-0:f,1', '3-0:f,3']);
    expect(s.length).toBe(2);
  });

  it('splits blocks exactly where Redis does (entries and listpack bytes)', () => {
    const s = new Stream();
    for (let i = 1; i <= 250; i++) add(s, i, 0, ['f1', 'v1', 'f2', 'v2']);
    expect(s.blockCount).toBe(3);
    // listpack sizes: a 2-field master entry and 100 same-field entries.
    const b = s.blocks[0]!;
    // strings take header + bytes + backlen: 'f1' is 4 bytes; each entry is flags, ms delta, seq delta,
    // two values and lp-count: 2 + 2 + 2 + 4 + 4 + 2.
    expect(b.lpBytes()).toBe(7 + lpIntSize(100) + lpIntSize(0) + (2 + 4 + 4 + 2) + 100 * (2 + 2 + 2 + 4 + 4 + 2));
    const t = new Stream();
    for (let i = 1; i <= 50; i++) add(t, i, 0, ['f', 'x'.repeat(100)], 1000, 0);
    // Each entry takes 2+2+2+(2+100+1)+2 = 111 bytes: a block fills up to just below 1000.
    expect(t.blocks[0]!.live).toBe(8);
    expect(lpStrSize('12345')).toBe(4);
    expect(lpStrSize('012')).toBe(5);
    expect(lpStrSize('-4096')).toBe(3);
  });

  it('trims like streamTrim: exact, approximate (whole blocks) and limited', () => {
    const mk = (): Stream => {
      const s = new Stream();
      for (let i = 1; i <= 100; i++) add(s, i, 0, ['f', 'v'], 4096, 10);
      return s;
    };
    let s = mk();
    expect(s.trim({ strategy: 'maxlen', maxlen: 55, minid: { ms: 0, seq: 0 }, approx: true, limit: 0 })).toBe(40);
    expect(s.length).toBe(60);
    s = mk();
    expect(s.trim({ strategy: 'maxlen', maxlen: 55, minid: { ms: 0, seq: 0 }, approx: false, limit: 0 })).toBe(45);
    expect(s.firstId).toEqual({ ms: 46, seq: 0 });
    s = mk();
    expect(s.trim({ strategy: 'maxlen', maxlen: 0, minid: { ms: 0, seq: 0 }, approx: true, limit: 25 })).toBe(20);
    s = mk();
    expect(s.trim({ strategy: 'minid', maxlen: 0, minid: { ms: 35, seq: 0 }, approx: false, limit: 0 })).toBe(34);
    expect(entries(s)[0]).toBe('35-0:f,v');
    s = mk();
    expect(s.trim({ strategy: 'minid', maxlen: 0, minid: { ms: 35, seq: 0 }, approx: true, limit: 0 })).toBe(30);
  });

  it('stores 64-bit IDs exactly', () => {
    const s = new Stream();
    add(s, 1, U64_MAX, ['a', 'b']);
    add(s, 2, 0, ['a', 'c']);
    add(s, 9007199254740993n, 5, ['a', 'd']);
    add(s, U64_MAX, U64_MAX, ['a', 'e']);
    expect(entries(s)).toEqual([
      '1-18446744073709551615:a,b', '2-0:a,c', '9007199254740993-5:a,d', '18446744073709551615-18446744073709551615:a,e',
    ]);
    expect(s.has({ ms: 9007199254740993n, seq: 5 })).toBe(true);
    expect(entries(s, { ms: 9007199254740993n, seq: 0 }, null, true)).toHaveLength(2);
  });

  it('counts rax nodes as a compressed trie over the block keys', () => {
    const s = new Stream();
    expect(s.raxNodes()).toBe(1);
    add(s, 1, 0, ['f', 'v'], 4096, 1);
    expect(s.raxNodes()).toBe(2);
    add(s, 2, 0, ['f', 'v'], 4096, 1);
    // root chain of 7 zero bytes, a branch on byte 7, two 8-byte chains and two leaves (as
    // Redis reports for XADD 1-0 and 2-0 with stream-node-max-entries 1)
    expect(s.raxNodes()).toBe(6);
  });

  it('dup() copies blocks independently', () => {
    const s = new Stream();
    for (let i = 1; i <= 10; i++) add(s, i, 0, ['f', String(i)], 4096, 4);
    const d = s.dup();
    s.delete({ ms: 1, seq: 0 });
    add(s, 11, 0, ['f', 'x']);
    expect(d.length).toBe(10);
    expect(entries(d)[0]).toBe('1-0:f,1');
    expect(entries(d)).toHaveLength(10);
  });
});

describe('Stream store: listpack element sequence', () => {
  it('builds listpacks of exactly the size the block tracks', async () => {
    const { ListpackBuilder } = await import('../../src/persistence/rdb/listpack-bytes.js');
    const s = new Stream();
    const vals = ['1', '-77', 'abc', 'x'.repeat(70), '12345678901234', '007', ''];
    for (let i = 1; i <= 300; i++) {
      const kv = i % 4 === 0 ? ['other', vals[i % vals.length]!, 'z', 'w'] : ['f', vals[i % vals.length]!];
      add(s, i * 1000, i % 3, kv, 4096, 50);
    }
    s.delete({ ms: 2000, seq: 2 });
    s.trim({ strategy: 'maxlen', maxlen: 280, minid: { ms: 0, seq: 0 }, approx: false, limit: 0 });
    for (const b of s.blocks) {
      const lb = new ListpackBuilder();
      b.listpackElements((v) => (typeof v === 'string' ? lb.addString(v) : lb.addInteger(v)));
      expect(lb.finish().length).toBe(b.lpBytes());
    }
    const first: Array<string | number | bigint> = [];
    s.blocks[0]!.listpackElements((v) => first.push(v));
    // live, deleted, master fields, terminator, then the first entry (deleted by the trim)
    expect(first.slice(0, 5)).toEqual([30, 20, 1, 'f', 0]);
    expect(first.slice(5, 10)).toEqual([3, 0, 0, '-77', 4]);
  });
});

describe('Stream store: loading saved nodes', () => {
  it('loadBlock rebuilds nodes identically, tombstones included', () => {
    const s = new Stream();
    for (let i = 1; i <= 120; i++) add(s, i, 0, i % 5 === 0 ? ['g', String(i)] : ['f', String(i)], 4096, 25);
    s.delete({ ms: 7, seq: 0 });
    s.trim({ strategy: 'maxlen', maxlen: 110, minid: { ms: 0, seq: 0 }, approx: false, limit: 0 });
    const t = new Stream();
    for (const b of s.blocks) t.loadBlock(b.ms, b.seq, b.fields, b.offsets().map((o) => b.entryAt(o)));
    t.length = s.length;
    expect(entries(t, null, null, false, false)).toEqual(entries(s, null, null, false, false));
    expect(t.blocks.map((b) => [b.live, b.dead, b.lpBytes()])).toEqual(s.blocks.map((b) => [b.live, b.dead, b.lpBytes()]));
    expect(t.raxNodes()).toBe(s.raxNodes());
    expect(t.lastValidId()).toEqual({ ms: 120, seq: 0 });
  });
});
