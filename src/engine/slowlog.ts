/*
 * The slow log: commands whose execution took at least `slowlog-log-slower-than` microseconds
 * (negative disables it, 0 logs everything), newest first, at most `slowlog-max-len` entries.
 * An entry keeps a trimmed copy of the arguments (at most 32, each at most 128 bytes, with
 * Redis's "... (N more arguments)" / "... (N more bytes)" markers), the client's address and
 * name at the time, the unix time and the duration. Entry ids grow for the server's lifetime
 * (SLOWLOG RESET does not restart them).
 */

import { redactArgv } from './monitor.js';

export const SLOWLOG_ENTRY_MAX_ARGC = 32;
export const SLOWLOG_ENTRY_MAX_STRING = 128;

export interface SlowlogEntry {
  id: number;
  /** Unix seconds. */
  time: number;
  /** Microseconds. */
  duration: number;
  argv: string[];
  peer: string;
  name: string;
}

/** The arguments as the slow log keeps them. */
export function trimSlowlogArgs(argv: readonly string[]): string[] {
  const argc = argv.length;
  const n = Math.min(argc, SLOWLOG_ENTRY_MAX_ARGC);
  const out = new Array<string>(n);
  for (let j = 0; j < n; j++) {
    const a = argv[j] as string;
    if (n !== argc && j === n - 1) {
      out[j] = `... (${argc - n + 1} more arguments)`;
    } else if (a.length > SLOWLOG_ENTRY_MAX_STRING) {
      out[j] = `${a.slice(0, SLOWLOG_ENTRY_MAX_STRING)}... (${a.length - SLOWLOG_ENTRY_MAX_STRING} more bytes)`;
    } else {
      out[j] = a;
    }
  }
  return out;
}

export class SlowLog {
  /** Oldest first from `start`; older slots are dropped lazily (amortized O(1) push and trim). */
  private list: SlowlogEntry[] = [];
  private start = 0;
  private nextId = 0;
  /** slowlog-log-slower-than (µs; < 0 = disabled). */
  slowerThan = 10000;
  /** slowlog-max-len. */
  maxLen = 128;

  /**
   * slowlogPushEntryIfNeeded: `argv` is the command as sent; secrets are redacted (by the
   * command's full name) only when an entry is made.
   */
  pushIfNeeded(duration: number, fullName: string, argv: readonly string[], peer: string, name: string | null): void {
    if (this.slowerThan < 0) return;
    if (duration >= this.slowerThan) {
      this.list.push({
        id: this.nextId++,
        time: Math.floor(Date.now() / 1000),
        duration,
        argv: trimSlowlogArgs(redactArgv(fullName, argv)),
        peer,
        name: name ?? '',
      });
    }
    // A lowered slowlog-max-len takes effect at the next push, as in Redis.
    const extra = this.length - this.maxLen;
    if (extra > 0) {
      this.list.fill(undefined as unknown as SlowlogEntry, this.start, this.start + extra);
      this.start += extra;
      if (this.start > 64 && this.start * 2 > this.list.length) {
        this.list = this.list.slice(this.start);
        this.start = 0;
      }
    }
  }

  get length(): number {
    return this.list.length - this.start;
  }

  /** The newest `count` entries, newest first (count < 0: all). */
  get(count: number): SlowlogEntry[] {
    const out: SlowlogEntry[] = [];
    const n = count < 0 ? this.length : Math.min(count, this.length);
    for (let i = this.list.length - 1; out.length < n; i--) out.push(this.list[i] as SlowlogEntry);
    return out;
  }

  reset(): void {
    this.list = [];
    this.start = 0;
  }
}
