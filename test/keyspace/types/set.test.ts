import { describe, expect, it } from 'vitest';
import { Dict } from '../../../src/ds/dict.js';
import { IntSet } from '../../../src/ds/intset.js';
import { encodingName } from '../../../src/keyspace/object.js';
import {
  createIntsetObject,
  createSetFrom,
  createSetObject,
  duplicateSet,
  memberAsInt,
  setAdd,
  setIsMember,
  setIterate,
  setIterateWhile,
  setMembers,
  setPopRandom,
  setRandomMember,
  setRemove,
  setScan,
  setSize,
  setTypeCreate,
  SMALL_HASHTABLE_MAX,
} from '../../../src/keyspace/types/set.js';

describe('set type', () => {
  it('memberAsInt accepts exactly the canonical int64 texts', () => {
    expect(memberAsInt('0')).toBe(0);
    expect(memberAsInt('-12')).toBe(-12);
    expect(memberAsInt('9223372036854775807')).toBe(2n ** 63n - 1n);
    expect(memberAsInt('-9223372036854775808')).toBe(-(2n ** 63n));
    for (const bad of ['', '-', '01', '+1', '-0', ' 1', '1 ', '1.0', '9223372036854775808', 'a', '0x10']) {
      expect(memberAsInt(bad), bad).toBeNull();
    }
  });

  it('setTypeCreate picks the encoding from the first member', () => {
    expect(encodingName(setTypeCreate('5'))).toBe('intset');
    expect(encodingName(setTypeCreate('x'))).toBe('hashtable');
    expect(encodingName(setTypeCreate('05'))).toBe('hashtable');
  });

  it('intset converts on a string member and past the entry limit', () => {
    const o = createIntsetObject();
    expect(setAdd(o, '1', 2)).toBe(true);
    expect(setAdd(o, '2', 2)).toBe(true);
    expect(encodingName(o)).toBe('intset');
    expect(setAdd(o, '2', 2)).toBe(false);
    expect(setAdd(o, '3', 2)).toBe(true);
    expect(encodingName(o)).toBe('hashtable');
    expect(setMembers(o).sort()).toEqual(['1', '2', '3']);

    const p = createIntsetObject();
    setAdd(p, '7', 512);
    expect(setAdd(p, 'seven', 512)).toBe(true);
    expect(encodingName(p)).toBe('hashtable');
    expect(setIsMember(p, '7')).toBe(true);
    expect(setIsMember(p, 'seven')).toBe(true);
  });

  it('the limit is clamped to 2^30', () => {
    const o = createIntsetObject();
    setAdd(o, '1', 2 ** 40);
    expect(encodingName(o)).toBe('intset');
  });

  it('intset lookups of non-canonical texts miss', () => {
    const o = createSetFrom(['1', '2'], 512);
    expect(setIsMember(o, '1')).toBe(true);
    expect(setIsMember(o, '01')).toBe(false);
    expect(setIsMember(o, '+1')).toBe(false);
    expect(setRemove(o, '1.0')).toBe(false);
    expect(setRemove(o, '1')).toBe(true);
    expect(setMembers(o)).toEqual(['2']);
  });

  it('small hashtables switch from the array body to a Dict, keeping slots', () => {
    const o = createSetObject();
    const added: string[] = [];
    for (let i = 0; i < SMALL_HASHTABLE_MAX; i++) {
      added.push(`m${i}`);
      expect(setAdd(o, `m${i}`, 512)).toBe(true);
    }
    expect(Array.isArray(o.ptr)).toBe(true);
    const orderBefore = setMembers(o);
    expect(orderBefore).toEqual([...added].reverse());
    expect(setAdd(o, 'm0', 512)).toBe(false);
    expect(setAdd(o, 'extra', 512)).toBe(true);
    expect(o.ptr).toBeInstanceOf(Dict);
    expect(encodingName(o)).toBe('hashtable');
    // Same order as before, with the new member at the top slot (visited first).
    expect(setMembers(o)).toEqual(['extra', ...orderBefore]);
    expect(setSize(o)).toBe(SMALL_HASHTABLE_MAX + 1);
  });

  it('array-body removal mirrors the Dict (last member fills the hole)', () => {
    const a = createSetObject();
    const d = createSetObject();
    for (const m of ['a', 'b', 'c', 'd', 'e']) setAdd(a, m, 512);
    d.ptr = new Dict<null>();
    for (const m of ['a', 'b', 'c', 'd', 'e']) setAdd(d, m, 512);
    for (const m of ['b', 'zz', 'e', 'a']) expect(setRemove(a, m)).toBe(setRemove(d, m));
    expect(setMembers(a)).toEqual(setMembers(d));
  });

  it('SSCAN cursors behave the same on the array body and the Dict, across the switch', () => {
    const o = createSetObject();
    for (let i = 0; i < 10; i++) setAdd(o, `k${i}`, 512);
    const seen = new Set<string>();
    let cursor = setScan(o, 0, 4, (m) => seen.add(m));
    expect(cursor).toBe(6);
    // Grow past the small limit mid-scan: the rest of the original members still come back.
    for (let i = 10; i < 30; i++) setAdd(o, `k${i}`, 512);
    expect(o.ptr).toBeInstanceOf(Dict);
    while (cursor !== 0) cursor = setScan(o, cursor, 4, (m) => seen.add(m));
    for (let i = 0; i < 10; i++) expect(seen.has(`k${i}`)).toBe(true);
    // Intsets return everything at once.
    const is = createSetFrom(['3', '1', '2'], 512);
    const got: string[] = [];
    expect(setScan(is, 12345, 1, (m) => got.push(m))).toBe(0);
    expect(got).toEqual(['1', '2', '3']);
  });

  it('random members and pops cover every member', () => {
    for (const members of [['1', '2', '3'], ['a', 'b', 'c'], Array.from({ length: 40 }, (_, i) => `x${i}`)]) {
      const o = createSetFrom(members, 512);
      const seen = new Set<string>();
      for (let i = 0; i < 2000; i++) seen.add(setRandomMember(o));
      expect([...seen].sort()).toEqual([...members].sort());
      const popped: string[] = [];
      while (setSize(o) > 0) popped.push(setPopRandom(o));
      expect(popped.sort()).toEqual([...members].sort());
    }
  });

  it('setIterateWhile stops when the callback returns false; setIterate never stops', () => {
    for (const o of [createSetFrom(['1', '2', '3'], 512), createSetFrom(['a', 'b', 'c'], 512)]) {
      const got: string[] = [];
      setIterateWhile(o, (m) => {
        got.push(m);
        return got.length < 2;
      });
      expect(got).toHaveLength(2);
      let n = 0;
      setIterate(o, () => {
        n++;
        return false as unknown as void;
      });
      expect(n).toBe(3);
    }
  });

  it('duplicates are independent and keep the encoding and body', () => {
    for (const members of [['1', '2'], ['a', 'b'], Array.from({ length: 40 }, (_, i) => `y${i}`)]) {
      const o = createSetFrom(members, 512);
      const c = duplicateSet(o);
      expect(encodingName(c)).toBe(encodingName(o));
      expect(Array.isArray(c.ptr)).toBe(Array.isArray(o.ptr));
      expect(c.ptr instanceof IntSet).toBe(o.ptr instanceof IntSet);
      setAdd(c, 'new', 512);
      expect(setIsMember(o, 'new')).toBe(false);
      expect(setMembers(c)).toContain('new');
    }
  });
});
