/*
 * Forkless point-in-time snapshot (BGSAVE) by pre-write serialization.
 *
 * Starting a snapshot fixes a cut: for every non-empty database it records the Dict objects
 * holding the keys and the TTLs at that moment. A walk then visits those dicts a slice at a
 * time (the caller yields to the event loop between slices), serializing each key not yet
 * written. Meanwhile the keyspace calls `beforeWrite(db, key)` before any key is written,
 * deleted, created or has its TTL changed (KeyspaceHooks); if the key belongs to a captured
 * dict and has not been written yet, its current value (still the value at the cut, since
 * nothing has modified it since) is serialized right then, so every key of the cut is written
 * once, with the value it had at the cut, and keys created after the cut never are.
 *
 * "Written yet" comes from the dict's dense slots, not from a set of every key: the walk goes
 * down the slots (ds/dict.ts), keeping `pos`, so slots at or above pos hold keys already walked
 * or created after the cut (inserts append at the top), and slots below pos hold keys of the
 * cut still to walk. Slots move in one way only: a delete fills its hole with the last slot's
 * entry. So a small `skip` set is enough: the keys below pos that must not be walked, which are
 * (a) keys the hook serialized early and (b) entries that a delete moved from above pos into a
 * hole below it (walked or new, both not to be written again). The walk drops a key from
 * `skip` as it passes it. pos is clamped to the dict's size whenever the dict has shrunk below
 * it, before the next insert, so an insert can never land below pos. Memory: O(keys touched
 * during the save) instead of O(keys), and no million-entry Set whose rehash would stall the
 * event loop.
 *
 * Captured state is found by dict identity, not database number: FLUSHALL/FLUSHDB install
 * fresh Dict objects (the captured ones are left untouched and the walk simply continues over
 * them), and SWAPDB exchanges dict objects between databases, so a write through the other
 * database number still finds the state, and the entry is saved under the database it had at
 * the cut. Expiry and eviction delete through the same hooked paths.
 *
 * Output: encoder units accumulate into ~64 KB chunks handed to the sink; keys serialized
 * early by the hook may belong to another database than the walk's current one, so a SELECTDB
 * (with a RESIZEDB hint) is written whenever the database changes. Cost: O(dataset) total, the
 * walk bounded per slice by the caller; extra memory: the skip sets (keys touched during the
 * save, dropped as each database finishes) plus the pending chunks.
 *
 * The output format is pluggable (KeyspaceEncoder): the RDB encoder by default; the AOF
 * rewrite passes a command-form encoder for aof-use-rdb-preamble no, and gets the same cut.
 *
 * Several snapshots may run at once (a BGSAVE and replicas' full syncs, each with its own
 * cut): the keyspace's one `beforeWrite` hook calls each snapshot's in turn (addWriteHook).
 */

import type { Db, Keyspace } from '../../keyspace/db.js';
import type { RObject } from '../../keyspace/object.js';
import type { Dict } from '../../ds/dict.js';
import { CHUNK_BYTES, type KeyspaceEncoder, RdbEncoder, type RdbOptions } from './encoder.js';

interface CapturedDb {
  id: number;
  dict: Dict<RObject>;
  expires: Dict<number>;
  size: number;
  expiresSize: number;
  /** Keys below `pos` the walk must pass over (see the header). */
  skip: Set<string>;
  /** Slots [pos, size) are walked or new; the walk continues at pos - 1. */
  pos: number;
  finished: boolean;
}

export class Snapshot {
  private readonly enc: KeyspaceEncoder;
  private readonly states: CapturedDb[] = [];
  private readonly byDict = new Map<Dict<RObject>, CapturedDb>();
  private walkIndex = 0;
  private currentDb = -1;
  private installed = false;
  /** Keys written so far (walk and hook). */
  keysWritten = 0;
  /** Keys of the cut (current_save_keys_total). */
  readonly keysTotal: number;
  finished = false;

  constructor(
    private readonly ks: Keyspace,
    opts: RdbOptions | KeyspaceEncoder,
    private readonly sink: (chunk: Buffer) => void,
  ) {
    this.enc = 'header' in opts ? opts : new RdbEncoder(opts);
    let total = 0;
    for (const db of ks.dbs) {
      if (db.size === 0) continue;
      const st: CapturedDb = {
        id: db.id,
        dict: db.dict,
        expires: db.expires,
        size: db.size,
        expiresSize: db.expires.size,
        skip: new Set<string>(),
        pos: db.size,
        finished: false,
      };
      total += db.size;
      this.states.push(st);
      this.byDict.set(db.dict, st);
    }
    this.keysTotal = total;
    this.sink(this.enc.header());
    ks.addWriteHook(this.beforeWrite);
    this.installed = true;
  }

  private readonly beforeWrite = (db: Db, key: string): void => {
    const st = this.byDict.get(db.dict);
    if (st === undefined || st.finished) return;
    const d = st.dict;
    // Deletes shrink the dict after this hook returned; clamp pos now, before this write can
    // append a new key at a slot that was below pos (every insert and delete comes through
    // here first, so pos never lags behind a shrink followed by an insert).
    if (st.pos > d.size) st.pos = d.size;
    const pos = st.pos;
    const s = d.slotOf(key);
    if (s < 0) return; // a key being created: it will sit at the top, above pos
    if (s >= pos) return; // walked already, or created after the cut
    if (!st.skip.has(key)) {
      this.write(st, key, d.valueAt(s));
      st.skip.add(key);
    }
    // Should this write delete the key, the last entry moves into slot s, below pos: if it
    // comes from above pos (walked or new), the walk must not write it there.
    const last = d.size - 1;
    if (last >= pos && last !== s) st.skip.add(d.keyAt(last));
  };

  private write(st: CapturedDb, key: string, o: RObject): void {
    const enc = this.enc;
    if (this.currentDb !== st.id) {
      enc.openDb(st.id, st.size, st.expiresSize);
      this.currentDb = st.id;
    }
    const when = st.expires.size === 0 ? undefined : st.expires.get(key);
    enc.add(key, o, when);
    this.keysWritten++;
    if (enc.buffered >= CHUNK_BYTES) this.sink(enc.flush());
  }

  /** Walk up to `budget` keys. Returns true when the snapshot is complete (trailer written). */
  step(budget: number): boolean {
    if (this.finished) return true;
    while (budget > 0 && this.walkIndex < this.states.length) {
      const st = this.states[this.walkIndex] as CapturedDb;
      const d = st.dict;
      const skip = st.skip;
      let pos = st.pos < d.size ? st.pos : d.size;
      while (pos > 0 && budget > 0) {
        pos--;
        budget--;
        const key = d.keyAt(pos);
        if (skip.size !== 0 && skip.delete(key)) continue;
        this.write(st, key, d.valueAt(pos));
      }
      st.pos = pos;
      if (pos === 0) {
        st.finished = true;
        skip.clear();
        this.walkIndex++;
      }
    }
    if (this.walkIndex < this.states.length) return false;
    this.sink(this.enc.flush());
    this.sink(this.enc.trailer());
    this.finished = true;
    this.detach();
    return true;
  }

  /**
   * One time slice of the walk: steps of 128 keys (small, so a cold, not yet optimized first
   * slice stays near its budget) for up to `ms` milliseconds, while `more()` allows (a writer
   * with a full queue says stop). Returns true when the snapshot is complete.
   */
  walk(ms: number, more: () => boolean = () => true): boolean {
    const t0 = Date.now();
    let done = false;
    while (!done && more() && Date.now() - t0 < ms) done = this.step(128);
    return done;
  }

  /** Stop intercepting writes (on completion or abort). */
  detach(): void {
    if (this.installed) this.ks.removeWriteHook(this.beforeWrite);
    this.installed = false;
  }

  get bytes(): number {
    return this.enc.bytes;
  }
}
