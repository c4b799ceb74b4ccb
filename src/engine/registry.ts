/*
 * The command registry: the table of command specs turned into lookup structures for the
 * dispatcher. Each command (and subcommand) gets a Command record with its flags pre-folded
 * into a bitmask and its statistics (INFO commandstats), so the hot path does one Map lookup
 * and a few bit tests per request.
 */

import type { LatencyHistogram } from './latency.js';
import type { CommandFlag, CommandSpec } from '../commands/spec.js';

export const F_WRITE = 1 << 0;
export const F_READONLY = 1 << 1;
export const F_DENYOOM = 1 << 2;
export const F_ADMIN = 1 << 3;
export const F_PUBSUB = 1 << 4;
export const F_NOSCRIPT = 1 << 5;
export const F_BLOCKING = 1 << 6;
export const F_LOADING = 1 << 7;
export const F_STALE = 1 << 8;
export const F_SKIP_MONITOR = 1 << 9;
export const F_SKIP_SLOWLOG = 1 << 10;
export const F_FAST = 1 << 11;
export const F_NO_AUTH = 1 << 12;
export const F_MAY_REPLICATE = 1 << 13;
export const F_NO_MULTI = 1 << 14;
export const F_PROTECTED = 1 << 15;
export const F_ALLOW_BUSY = 1 << 16;
export const F_NO_MANDATORY_KEYS = 1 << 17;

const FLAG_BITS: Partial<Record<CommandFlag, number>> = {
  write: F_WRITE,
  readonly: F_READONLY,
  denyoom: F_DENYOOM,
  admin: F_ADMIN,
  pubsub: F_PUBSUB,
  noscript: F_NOSCRIPT,
  blocking: F_BLOCKING,
  loading: F_LOADING,
  stale: F_STALE,
  skip_monitor: F_SKIP_MONITOR,
  skip_slowlog: F_SKIP_SLOWLOG,
  fast: F_FAST,
  no_auth: F_NO_AUTH,
  may_replicate: F_MAY_REPLICATE,
  no_multi: F_NO_MULTI,
  protected: F_PROTECTED,
  allow_busy: F_ALLOW_BUSY,
  no_mandatory_keys: F_NO_MANDATORY_KEYS,
};

export class Command {
  readonly flagBits: number;
  /** Lowercase full name: 'get', 'client|list'. */
  readonly fullName: string;
  readonly subcommands: Map<string, Command> | null;
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;
  /** Latency histogram of this command's calls (latency-tracking), allocated on first use. */
  histogram: LatencyHistogram | null = null;
  /** Flags that depend on the arguments (a script's declared flags), or null. */
  dynamicFlags: ((argv: readonly string[], flags: number) => number) | null = null;

  constructor(
    readonly spec: CommandSpec,
    readonly parent: Command | null,
  ) {
    let bits = 0;
    for (const f of spec.flags) bits |= FLAG_BITS[f] ?? 0;
    this.flagBits = bits;
    this.fullName = parent ? `${parent.spec.name}|${spec.name}` : spec.name;
    if (spec.subcommands && spec.subcommands.length) {
      this.subcommands = new Map();
      for (const sub of spec.subcommands) this.subcommands.set(sub.name, new Command(sub, this));
    } else {
      this.subcommands = null;
    }
  }

  resetStats(): void {
    this.calls = this.usec = this.rejectedCalls = this.failedCalls = 0;
    this.histogram = null;
    if (this.subcommands) for (const s of this.subcommands.values()) s.resetStats();
  }
}

export class Registry {
  private readonly byName = new Map<string, Command>();
  private readonly bySpec = new Map<CommandSpec, Command>();
  readonly commands: Command[] = [];

  constructor(specs: readonly CommandSpec[]) {
    for (const spec of specs) {
      const cmd = new Command(spec, null);
      if (this.byName.has(spec.name)) throw new Error(`duplicate command ${spec.name}`);
      this.commands.push(cmd);
      this.byName.set(spec.name, cmd);
      this.byName.set(spec.name.toUpperCase(), cmd);
      this.index(cmd);
    }
  }

  private index(cmd: Command): void {
    this.bySpec.set(cmd.spec, cmd);
    if (cmd.subcommands) for (const s of cmd.subcommands.values()) this.index(s);
  }

  /**
   * The last name base() resolved and its command. A pipeline usually repeats one command, and
   * the parser hands out the same string object for a repeated name, so `===` is mostly a
   * pointer comparison (a different object with the same text compares its chars, still
   * correct) and replaces a Map lookup on most requests. Other callers of base() (ACL,
   * scripting) overwrite it; that only costs the next request one lookup.
   */
  private lastName = '';
  private lastCmd: Command | undefined = undefined;

  /** The top-level command named `name` (any case), or undefined. */
  base(name: string): Command | undefined {
    if (name === this.lastName) return this.lastCmd;
    const cmd = this.byName.get(name) ?? this.byName.get(name.toLowerCase());
    if (cmd !== undefined) {
      this.lastName = name;
      this.lastCmd = cmd;
    }
    return cmd;
  }

  /**
   * Redis's lookupCommand: the command for argv, descending into a subcommand when the base is
   * a container. Returns undefined for unknown commands and unknown subcommands.
   */
  lookup(argv: readonly string[]): Command | undefined {
    const base = this.base(argv[0] ?? '');
    if (base === undefined || base.subcommands === null) return base;
    if (argv.length < 2) return base;
    return base.subcommands.get((argv[1] ?? '').toLowerCase());
  }

  ofSpec(spec: CommandSpec): Command | undefined {
    return this.bySpec.get(spec);
  }

  /** Every command and subcommand, depth first. */
  *all(): IterableIterator<Command> {
    for (const c of this.commands) {
      yield c;
      if (c.subcommands) yield* c.subcommands.values();
    }
  }

  resetStats(): void {
    for (const c of this.commands) c.resetStats();
  }
}
