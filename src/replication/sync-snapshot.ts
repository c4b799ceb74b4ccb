/*
 * A full sync's snapshot without fork and without stalling the loop: a Snapshot
 * (persistence/rdb/snapshot.ts: a cut, pre-write serialization) walked in 1 ms slices, the
 * event loop serving clients in between, into memory (the payload goes out length-prefixed,
 * so it is sent once complete, as Redis sends a disk-based sync from its file). The cut is
 * taken when the sync starts, at the replication offset sent in +FULLRESYNC; the stream
 * produced during the walk is held for the replica (master.ts) and follows the payload.
 * Cost: O(dataset) in time, spread over slices; memory: the payload, plus the keys written
 * meanwhile (the snapshot's skip sets).
 */

import type { Keyspace } from '../keyspace/db.js';
import type { RdbOptions } from '../persistence/rdb/encoder.js';
import { Snapshot } from '../persistence/rdb/snapshot.js';

/** Wall-clock budget of one slice of the walk (BGSAVE's too). */
const SLICE_MS = 1;

export class SyncSnapshot {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  private readonly snap: Snapshot;
  private stopped = false;

  /** Start the walk; `done` gets the payload's chunks and their total length. */
  constructor(
    ks: Keyspace,
    opts: RdbOptions,
    private readonly done: (chunks: Buffer[], total: number) => void,
  ) {
    this.snap = new Snapshot(ks, opts, (chunk) => {
      this.chunks.push(chunk);
      this.total += chunk.length;
    });
    setImmediate(this.slice);
  }

  private readonly slice = (): void => {
    if (this.stopped) return;
    if (!this.snap.walk(SLICE_MS)) {
      setImmediate(this.slice);
      return;
    }
    this.stopped = true;
    this.done(this.chunks, this.total);
  };

  /** The replica went away: stop walking and stop intercepting writes. */
  abort(): void {
    this.stopped = true;
    this.snap.detach();
  }
}
