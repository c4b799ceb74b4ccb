/*
 * Propagation of writes to the AOF and to replicas, with Redis 7.0's grouping rule.
 *
 * While a command runs (including everything nested in it: the commands of EXEC, a script's
 * calls, the DELs of keys it found expired) its propagated operations are only collected.
 * When the outermost call returns they are emitted in order; more than one operation is
 * wrapped in MULTI ... EXEC so that replicas and the AOF apply the unit atomically (a single
 * operation is atomic already). The MULTI carries the first operation's database and the EXEC
 * the last one's, so a consumer that tracks the selected database emits SELECT before MULTI
 * and never between EXEC and the last command. Operations outside any call (the active expiry
 * cycle) are emitted one by one. SCAN and RANDOMKEY, which may expire arbitrary keys, are not
 * wrapped when run directly (CMD_TOUCHES_ARBITRARY_KEYS).
 *
 * Each operation has targets (AOF, replicas or both: PUBLISH goes to replicas only). Sinks
 * (the AOF writer, the replication stream) register per target and receive (dbid, argv); a
 * SelectTracker turns that into the byte stream's SELECT commands.
 */

export const PROPAGATE_AOF = 1;
export const PROPAGATE_REPL = 2;
export const PROPAGATE_ALL = PROPAGATE_AOF | PROPAGATE_REPL;

/** Commands that may expire arbitrary keys: run directly, their DELs are not wrapped. */
const TOUCHES_ARBITRARY_KEYS = new Set(['scan', 'randomkey']);

/** Whether the operations collected during `cmd` (the outermost call) may be wrapped. */
function wrapsInTransaction(cmd: { readonly fullName: string }): boolean {
  return !TOUCHES_ARBITRARY_KEYS.has(cmd.fullName);
}

export type PropagationSink = (dbid: number, argv: readonly string[]) => void;

interface Op {
  dbid: number;
  argv: readonly string[];
  target: number;
}

const always = (): boolean => true;

const MULTI: readonly string[] = ['MULTI'];
const EXEC: readonly string[] = ['EXEC'];

export class Propagation {
  private pending: Op[] = [];
  /** Targets allowed for what is propagated now (a script's redis.set_repl narrows it). */
  mask = PROPAGATE_ALL;
  private readonly sinks: Array<{ target: number; fn: PropagationSink; active: () => boolean }> = [];

  get hasPending(): boolean {
    return this.pending.length !== 0;
  }

  /**
   * Register a consumer of `target` operations; returns a function that removes it. `active`
   * says whether the consumer takes operations right now (AOF on, a backlog or replicas
   * present): when no consumer of a target does, its operations are not even collected
   * (Redis's shouldPropagate), which keeps the write path of a plain cache short.
   */
  addSink(target: number, fn: PropagationSink, active: () => boolean = always): () => void {
    const entry = { target, fn, active };
    this.sinks.push(entry);
    return () => {
      const i = this.sinks.indexOf(entry);
      if (i !== -1) this.sinks.splice(i, 1);
    };
  }

  /** alsoPropagate: collect while a call runs (`deferred`), else emit at once. */
  add(dbid: number, argv: readonly string[], target: number, deferred: boolean): void {
    target &= this.mask;
    if (target === 0 || !this.wanted(target)) return;
    if (deferred) this.pending.push({ dbid, argv, target });
    else this.emit(dbid, argv, target);
  }

  /** Drop what the running call collected (DEBUG LOADAOF: replayed commands are not propagated). */
  discardPending(): void {
    this.pending = [];
  }

  /** propagatePendingCommands: emit what the finished call collected. */
  flush(cmd: { readonly fullName: string }): void {
    const ops = this.pending;
    if (ops.length === 0) return;
    this.pending = [];
    const wrap = ops.length > 1 && wrapsInTransaction(cmd);
    if (wrap) this.emit((ops[0] as Op).dbid, MULTI, PROPAGATE_ALL);
    for (const op of ops) this.emit(op.dbid, op.argv, op.target);
    if (wrap) this.emit((ops[ops.length - 1] as Op).dbid, EXEC, PROPAGATE_ALL);
  }

  /** Whether an active consumer takes operations of `target`. */
  private wanted(target: number): boolean {
    for (const s of this.sinks) if (s.target & target && s.active()) return true;
    return false;
  }

  private emit(dbid: number, argv: readonly string[], target: number): void {
    for (const s of this.sinks) if (s.target & target && s.active()) s.fn(dbid, argv);
  }
}

/**
 * Turns (dbid, argv) operations into a command stream with SELECT where the database changes
 * (what feedAppendOnlyFile and replicationFeedSlaves do with their selected-db state).
 */
export class SelectTracker {
  private selected = -1;

  feed(dbid: number, argv: readonly string[]): string[][] {
    const out: string[][] = [];
    if (dbid !== this.selected) {
      out.push(['SELECT', String(dbid)]);
      this.selected = dbid;
    }
    out.push([...argv]);
    return out;
  }

  /** Forget the selected database (a new replica, a new AOF file). */
  reset(): void {
    this.selected = -1;
  }
}
