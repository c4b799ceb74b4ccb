/*
 * One value's RDB decoding (rdbLoadObject): from its type byte and payload to an RObject, for
 * every type and encoding any Redis version from 2.x to 7.2 writes:
 *
 *   0 string                      3/5 zset (text / binary scores)
 *   1 list (linked, one string    12 zset ziplist, 17 zset listpack
 *     per element)                 4 hash, 9 hash zipmap, 13 hash ziplist, 16 hash listpack
 *  10 list ziplist                15/19/21 stream listpacks 1..3 (with consumer groups)
 *  14 quicklist (ziplist nodes)
 *  18 quicklist 2 (plain / listpack nodes)
 *   2 set, 11 set intset
 *
 * Packed payloads are unpacked to their elements (blob-decoders.ts) and rebuilt through the
 * types' own constructors with the current config thresholds, so a loaded value gets the
 * encoding nodis would have given it after the same writes (Redis converts on load the same
 * way). Duplicates (set members, hash fields, zset members) are corruption, as in Redis's
 * sanitizer, and empty collections come back as null (Redis skips such keys).
 * Cost: O(size of the value), zsets O(n log n).
 */

import { ENC_LISTPACK, OBJ_ZSET, RObject } from '../../keyspace/object.js';
import { lpFromValues, type LpValue } from '../../ds/listpack.js';
import { createStringObject } from '../../keyspace/types/string.js';
import { createListFromValues } from '../../keyspace/types/list.js';
import { createSetFrom } from '../../keyspace/types/set.js';
import { createHashFromListpack, createHashObject, hashSet, type HashLimits } from '../../keyspace/types/hash.js';
import { createZsetListpackObject, createZsetObject, zsetAdd, zsetLength, ZADD_OUT_ADDED, type ZsetLimits } from '../../keyspace/types/zset.js';
import { createStreamObject, streamOf } from '../../keyspace/types/stream.js';
import type { RawEntry } from '../../ds/stream-store.js';
import { ConsumerGroup, StreamConsumer, StreamNack, estimateDistanceFromFirstEverEntry } from '../../ds/stream-groups.js';
import { OrderedMap } from '../../ds/ordered-map.js';
import { canonU64, idFromKey, type StreamId, type U64 } from '../../ds/stream-id.js';
import { intsetElements, listpackElements, ziplistElements, zipmapElements } from './blob-decoders.js';
import { hashListpackFast, zsetListpackFast } from './listpack-convert.js';
import type { RdbReader } from './rdb-reader.js';
import {
  RDB_TYPE_HASH_ZIPLIST, RDB_TYPE_HASH_ZIPMAP, RDB_TYPE_LIST_QUICKLIST, RDB_TYPE_LIST_ZIPLIST, RDB_TYPE_PREDIGESTED_HASH,
  RDB_TYPE_STREAM_LISTPACKS, RDB_TYPE_STREAM_LISTPACKS_3, RDB_TYPE_ZSET_ZIPLIST,
} from './constants.js';


/** The config thresholds that pick encodings of loaded values. */
export interface DecodeLimits {
  listFill: number;
  listCompress: number;
  maxIntsetEntries: number;
  hash: HashLimits;
  zset: ZsetLimits;
  streamNodeBytes: number;
  streamNodeEntries: number;
}

export const DEFAULT_LIMITS: DecodeLimits = {
  listFill: -2,
  listCompress: 0,
  maxIntsetEntries: 512,
  hash: { maxEntries: 128, maxValue: 64 },
  zset: { maxEntries: 128, maxValue: 64 },
  streamNodeBytes: 4096,
  streamNodeEntries: 100,
};

/** rdbLoadObject: the value of type `type` at the reader's position, or null for an empty one. */
export function decodeObject(r: RdbReader, type: number, limits: DecodeLimits = DEFAULT_LIMITS): RObject | null {
  const at = r.pos;
  switch (type) {
    case 0:
      return createStringObject(r.string());
    case 1: {
      const n = r.len();
      const vals: string[] = [];
      for (let i = 0; i < n; i++) vals.push(r.string());
      return list(vals, limits);
    }
    case RDB_TYPE_LIST_ZIPLIST:
      return list(ziplistElements(r.stringBuf(), at), limits);
    case RDB_TYPE_LIST_QUICKLIST:
    case 18: {
      const nodes = r.len();
      const vals: string[] = [];
      for (let i = 0; i < nodes; i++) {
        let container = 2;
        if (type === 18) {
          const cat = r.pos;
          container = r.len();
          if (container !== 1 && container !== 2) r.fail('Quicklist integrity check failed.', cat);
        }
        const bat = r.pos;
        if (container === 1) {
          vals.push(r.string());
          continue;
        }
        const blob = r.stringBuf();
        const els = type === 18 ? listpackElements(blob, bat) : ziplistElements(blob, bat);
        for (const v of els) vals.push(v);
      }
      return list(vals, limits);
    }
    case 2: {
      const n = r.len();
      const members: string[] = [];
      for (let i = 0; i < n; i++) members.push(r.string());
      return set(members, limits, r, at);
    }
    case 11:
      return set(intsetElements(r.stringBuf(), at), limits, r, at);
    case 3:
    case 5: {
      const n = r.len();
      const flat: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < n; i++) {
        flat.push(r.string());
        const s = type === 5 ? r.binaryDouble() : r.textDouble();
        if (Number.isNaN(s)) r.fail('Zset with NAN score detected');
        scores.push(s);
      }
      return zset(flat, scores, limits, r, at);
    }
    case RDB_TYPE_ZSET_ZIPLIST:
    case 17: {
      r.blob();
      if (type === 17) {
        const lp = zsetListpackFast(r.blobBuf, limits.zset.maxEntries, limits.zset.maxValue, r.blobStart, r.blobEnd);
        if (lp !== null) return new RObject(OBJ_ZSET, ENC_LISTPACK, lp);
      }
      const blob = r.blobView();
      const els = type === 17 ? listpackElements(blob, at) : ziplistElements(blob, at);
      if (els.length % 2 !== 0) r.fail('Zset listpack integrity check failed.', at);
      const members: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < els.length; i += 2) {
        members.push(els[i] as string);
        const s = parseScore(els[i + 1] as string);
        if (Number.isNaN(s)) r.fail('Zset listpack integrity check failed.', at);
        scores.push(s);
      }
      return zset(members, scores, limits, r, at);
    }
    case 4: {
      const n = r.len();
      const flat: string[] = [];
      for (let i = 0; i < n; i++) flat.push(r.string(), r.string());
      return hash(flat, limits, r, at);
    }
    case RDB_TYPE_HASH_ZIPMAP:
      return hash(zipmapElements(r.stringBuf(), at), limits, r, at);
    case RDB_TYPE_HASH_ZIPLIST:
    case 16: {
      r.blob();
      if (type === 16) {
        const lp = hashListpackFast(r.blobBuf, limits.hash.maxEntries, limits.hash.maxValue, r.blobStart, r.blobEnd);
        if (lp !== null) return createHashFromListpack(lp);
      }
      const blob = r.blobView();
      const els = type === 16 ? listpackElements(blob, at) : ziplistElements(blob, at);
      if (els.length % 2 !== 0) r.fail('Hash listpack integrity check failed.', at);
      return hash(els, limits, r, at);
    }
    case RDB_TYPE_STREAM_LISTPACKS:
    case 19:
    case RDB_TYPE_STREAM_LISTPACKS_3:
      return stream(r, type);
    default:
      return r.fail(`Unknown RDB encoding type ${type}`, at);
  }
}

/**
 * A value of one of the predigested stream's own types (predigest.ts): the payload is the
 * value's nodis listpack, already translated and checked by the fast path.
 */
export function decodePredigested(r: RdbReader, type: number): RObject {
  const lp = r.string();
  return type === RDB_TYPE_PREDIGESTED_HASH ? createHashFromListpack(lp) : new RObject(OBJ_ZSET, ENC_LISTPACK, lp);
}

/** zzlStrtod: listpack scores are d2string text, including "inf" / "-inf". */
function parseScore(t: string): number {
  const l = t.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return t.length === 0 || t.trim() !== t ? NaN : Number(t);
}

function list(vals: string[], limits: DecodeLimits): RObject | null {
  if (vals.length === 0) return null;
  return createListFromValues(vals, limits.listFill, limits.listCompress);
}

function set(members: string[], limits: DecodeLimits, r: RdbReader, at: number): RObject | null {
  if (members.length === 0) return null;
  if (new Set(members).size !== members.length) r.fail('Duplicate set members detected', at);
  return createSetFrom(members, limits.maxIntsetEntries);
}

function zset(members: string[], scores: number[], limits: DecodeLimits, r: RdbReader, at: number): RObject | null {
  if (members.length === 0) return null;
  let maxLen = 0;
  for (const m of members) if (m.length > maxLen) maxLen = m.length;
  const fits = members.length <= limits.zset.maxEntries && maxLen <= limits.zset.maxValue;
  if (fits && sortedPairs(members, scores)) {
    // Fast path: already in listpack order (what a listpack payload holds): one build.
    if (members.length > 1 && new Set(members).size !== members.length) r.fail('Duplicate zset fields detected', at);
    const flat: LpValue[] = new Array<LpValue>(members.length * 2);
    for (let i = 0; i < members.length; i++) {
      flat[2 * i] = members[i] as string;
      const sc = scores[i] as number;
      flat[2 * i + 1] = sc === 0 ? 0 : sc;
    }
    return new RObject(OBJ_ZSET, ENC_LISTPACK, lpFromValues(flat));
  }
  const o = fits ? createZsetListpackObject() : createZsetObject();
  for (let i = 0; i < members.length; i++) {
    const out = zsetAdd(o, scores[i] as number, members[i] as string, 0, limits.zset);
    if ((out & ZADD_OUT_ADDED) === 0) r.fail('Duplicate zset fields detected', at);
  }
  if (zsetLength(o) !== members.length) r.fail('Duplicate zset fields detected', at);
  return o;
}

/** Are the pairs strictly ascending by (score, member)? */
function sortedPairs(members: string[], scores: number[]): boolean {
  for (let i = 1; i < members.length; i++) {
    const a = scores[i - 1] as number;
    const b = scores[i] as number;
    if (a > b || (a === b && (members[i - 1] as string) >= (members[i] as string))) return false;
  }
  return true;
}

function hash(flat: string[], limits: DecodeLimits, r: RdbReader, at: number): RObject | null {
  if (flat.length === 0) return null;
  if (flat.length / 2 <= limits.hash.maxEntries) {
    let fits = true;
    for (const x of flat) {
      if (x.length > limits.hash.maxValue) {
        fits = false;
        break;
      }
    }
    if (fits) {
      // Fast path: the pairs become the listpack as they are (one build, no per-field search).
      if (flat.length > 2) {
        const seen = new Set<string>();
        for (let i = 0; i < flat.length; i += 2) seen.add(flat[i] as string);
        if (seen.size !== flat.length / 2) r.fail('Duplicate hash fields detected', at);
      }
      return createHashFromListpack(lpFromValues(flat));
    }
  }
  const o = createHashObject();
  for (let i = 0; i < flat.length; i += 2) {
    if (hashSet(o, flat[i] as string, flat[i + 1] as string, limits.hash)) r.fail('Duplicate hash fields detected', at);
  }
  return o;
}

/* ---- streams ------------------------------------------------------------------------------ */

const U64_MOD = 1n << 64n;

function addWrapped(base: U64, delta: string, r: RdbReader, at: number): U64 {
  if (!/^-?[0-9]+$/.test(delta)) r.fail('Stream listpack integrity check failed.', at);
  let v = (BigInt(base) + BigInt(delta)) % U64_MOD;
  if (v < 0n) v += U64_MOD;
  return canonU64(v);
}

function num(s: string | undefined, r: RdbReader, at: number): number {
  const v = s === undefined ? NaN : Number(s);
  if (!Number.isSafeInteger(v) || v < 0) r.fail('Stream listpack integrity check failed.', at);
  return v;
}

/** Parse one stream node listpack into its master fields and entries. */
function streamNode(master: StreamId, els: string[], r: RdbReader, at: number): { fields: string[]; entries: RawEntry[]; live: number } {
  let i = 0;
  const next = (): string => {
    if (i >= els.length) r.fail('Stream listpack integrity check failed.', at);
    return els[i++] as string;
  };
  const live = num(next(), r, at);
  const dead = num(next(), r, at);
  const nmaster = num(next(), r, at);
  const fields: string[] = [];
  for (let k = 0; k < nmaster; k++) fields.push(next());
  if (next() !== '0') r.fail('Stream listpack integrity check failed.', at);
  const entries: RawEntry[] = [];
  while (i < els.length) {
    const flags = num(next(), r, at);
    const ms = addWrapped(master.ms, next(), r, at);
    const seq = addWrapped(master.seq, next(), r, at);
    const fv: string[] = [];
    if (flags & 2) {
      for (const f of fields) fv.push(f, next());
    } else {
      const nf = num(next(), r, at);
      for (let k = 0; k < nf * 2; k++) fv.push(next());
    }
    next(); // lp-count
    entries.push({ flags, ms, seq, fieldsValues: fv });
  }
  let dels = 0;
  for (const e of entries) if (e.flags & 1) dels++;
  if (entries.length - dels !== live || dels !== dead) r.fail('Stream listpack integrity check failed.', at);
  return { fields, entries, live };
}

function stream(r: RdbReader, type: number): RObject {
  const o = createStreamObject();
  const s = streamOf(o);
  const nodes = r.len();
  let lastKey = '';
  for (let n = 0; n < nodes; n++) {
    const kat = r.pos;
    const key = r.string();
    if (key.length !== 16) r.fail('Stream node key entry is not the size of a stream ID', kat);
    if (key <= lastKey && n > 0) r.fail('Listpack re-added with existing key', kat);
    lastKey = key;
    const bat = r.pos;
    const els = listpackElements(r.stringBuf(), bat);
    if (els.length === 0) r.fail('Empty listpack inside stream', bat);
    const node = streamNode(idFromKey(key), els, r, bat);
    const master = idFromKey(key);
    if (node.live === 0) continue;
    s.loadBlock(master.ms, master.seq, node.fields, node.entries);
  }
  s.length = r.len();
  s.lastId = { ms: r.len64(), seq: r.len64() };
  if (type !== RDB_TYPE_STREAM_LISTPACKS) {
    s.firstId = { ms: r.len64(), seq: r.len64() };
    s.maxDeletedId = { ms: r.len64(), seq: r.len64() };
    s.entriesAdded = r.len64();
  } else {
    // Redis <= 6.2: no counters were saved; start entries_added at the length and take the
    // first ID from the entries (the max ID when there are none, as streamGetEdgeID does).
    s.entriesAdded = s.length;
    s.firstId = s.edgeId(true, true);
  }
  if (s.length !== 0 && s.blocks.length === 0) r.fail('Stream length inconsistent with rax entries');
  const ngroups = r.len();
  for (let g = 0; g < ngroups; g++) {
    const gat = r.pos;
    const name = r.string();
    const lastId = { ms: r.len64(), seq: r.len64() };
    // entries_read is a signed counter saved as unsigned: 2^64-1 means -1. Legacy payloads
    // have none: estimate it from the group's last ID, as Redis does when loading them.
    const entriesRead = type !== RDB_TYPE_STREAM_LISTPACKS ? r.len64() : estimateDistanceFromFirstEverEntry(s, lastId);
    const er = typeof entriesRead === 'bigint' ? (entriesRead === U64_MOD - 1n ? -1 : entriesRead) : entriesRead;
    if (s.cgroups === null) s.cgroups = new OrderedMap<ConsumerGroup>();
    const group = new ConsumerGroup(lastId, er);
    if (!s.cgroups.set(name, group, true)) r.fail(`Duplicated consumer group name ${name}`, gat);
    const pel = r.len();
    for (let k = 0; k < pel; k++) {
      const pat = r.pos;
      const id = r.bytes(16).latin1Slice();
      const time = r.millis();
      const count = r.len64();
      if (!group.pel.set(id, new StreamNack(time, count, null), true)) {
        r.fail('Duplicated global PEL entry loading stream consumer group', pat);
      }
    }
    const nconsumers = r.len();
    for (let c = 0; c < nconsumers; c++) {
      const cat = r.pos;
      const cname = r.string();
      const seen = r.millis();
      if (type === RDB_TYPE_STREAM_LISTPACKS_3) r.millis(); // active-time (7.2)
      if (group.consumers.has(cname)) r.fail('Duplicate stream consumer detected.', cat);
      const consumer = new StreamConsumer(cname, seen);
      group.consumers.set(cname, consumer);
      const cpel = r.len();
      for (let k = 0; k < cpel; k++) {
        const pat = r.pos;
        const id = r.bytes(16).latin1Slice();
        const nack = group.pel.get(id);
        if (nack === undefined) r.fail('Consumer entry not found in group global PEL', pat);
        if (nack.consumer !== null) r.fail('Duplicated consumer PEL entry loading a stream consumer group', pat);
        nack.consumer = consumer;
        consumer.pel.set(id, nack);
      }
    }
    let orphan = false;
    group.pel.forEach((_k, nack) => {
      if (nack.consumer === null) orphan = true;
    });
    if (orphan) r.fail('Stream CG PEL entry without consumer', gat);
  }
  return o;
}

/** The decode thresholds from the server's config directives. */
export function limitsFromConfig(num: (name: string) => number): DecodeLimits {
  return {
    listFill: num('list-max-listpack-size'),
    listCompress: num('list-compress-depth'),
    maxIntsetEntries: num('set-max-intset-entries'),
    hash: { maxEntries: num('hash-max-listpack-entries'), maxValue: num('hash-max-listpack-value') },
    zset: { maxEntries: num('zset-max-listpack-entries'), maxValue: num('zset-max-listpack-value') },
    streamNodeBytes: num('stream-node-max-bytes'),
    streamNodeEntries: num('stream-node-max-entries'),
  };
}
