/*
 * Command metadata: what Redis 7.0 keeps in its command JSON files, declared next to each
 * handler. COMMAND, COMMAND INFO/DOCS/COUNT/LIST/GETKEYS and the dispatcher's gates all read it.
 */

import type { Ctx } from './context.js';
import { atoi } from '../util/numbers.js';

/** Command flags, spelled as COMMAND INFO reports them (lowercase). */
export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'module' | 'admin' | 'pubsub' | 'noscript' | 'blocking'
  | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'asking' | 'fast' | 'no_auth'
  | 'may_replicate' | 'sentinel' | 'only_sentinel' | 'no_mandatory_keys' | 'protected'
  | 'no_async_loading' | 'no_multi' | 'movablekeys' | 'allow_busy';

/** Key-spec flags (COMMAND INFO / DOCS spelling). */
export type KeySpecFlag =
  | 'RO' | 'RW' | 'OW' | 'RM' | 'access' | 'update' | 'insert' | 'delete' | 'not_key'
  | 'incomplete' | 'variable_flags';

/** Where key search starts; `unknown` is Redis's type for keys no spec can locate (SORT's BY/GET). */
export type BeginSearch = { index: number } | { keyword: string; startfrom: number } | { unknown: true };
export type FindKeys =
  | { range: { lastkey: number; step: number; limit: number } }
  | { keynum: { keynumidx: number; firstkey: number; step: number } }
  | { unknown: true };

export interface KeySpec {
  flags: readonly KeySpecFlag[];
  begin: BeginSearch;
  find: FindKeys;
  notes?: string;
}

/** COMMAND DOCS argument description. */
export interface ArgSpec {
  name: string;
  type: 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  multiple_token?: boolean;
  since?: string;
  key_spec_index?: number;
  value?: string;
  deprecated_since?: string;
  summary?: string;
  arguments?: readonly ArgSpec[];
}

/** A key position with its own flags (getKeys of commands whose flags depend on arguments). */
export interface KeyRef {
  pos: number;
  flags: readonly KeySpecFlag[];
}

export type Handler = (c: Ctx, argv: string[]) => void;

export interface CommandSpec {
  /** Lowercase name, e.g. 'get', or the subcommand's own name, e.g. 'list' under 'client'. */
  name: string;
  /** Redis arity: positive = exact argc, negative = minimum argc. */
  arity: number;
  flags: readonly CommandFlag[];
  /** Explicit ACL categories without '@' (implicit ones are derived from flags). */
  acl?: readonly string[];
  keySpecs?: readonly KeySpec[];
  group: string;
  since: string;
  summary: string;
  complexity?: string;
  docFlags?: readonly ('deprecated' | 'syscmd')[];
  deprecatedSince?: string;
  replacedBy?: string;
  history?: ReadonlyArray<readonly [string, string]>;
  args?: readonly ArgSpec[];
  /** COMMAND INFO tips, lowercase (e.g. 'nondeterministic_output'). */
  tips?: readonly string[];
  /** For commands whose key positions depend on the arguments (movablekeys): positions, or positions with their own flags. */
  getKeys?: (argv: readonly string[]) => ReadonlyArray<number | KeyRef>;
  subcommands?: readonly CommandSpec[];
  /** Absent for container commands (dispatched to a subcommand). */
  handler?: Handler;
}

/** Whether `argc` arguments (the name included) fit the spec's arity (negative: at least). */
export function arityAccepts(spec: CommandSpec, argc: number): boolean {
  const arity = spec.arity;
  return arity > 0 ? arity === argc : argc >= -arity;
}

/* ---- Helpers to declare key specs tersely ---------------------------------------------- */

/** Keys from `index` to `lastkey` (0 = just one; -1 = to the end) stepping `step`. */
export function keyRange(
  flags: readonly KeySpecFlag[],
  index: number,
  lastkey = 0,
  step = 1,
  limit = 0,
): KeySpec {
  return { flags, begin: { index }, find: { range: { lastkey, step, limit } } };
}

/** A key count at `index`, keys following it. */
export function keyNum(flags: readonly KeySpecFlag[], index: number, keynumidx = 0, firstkey = 1, step = 1): KeySpec {
  return { flags, begin: { index }, find: { keynum: { keynumidx, firstkey, step } } };
}

/**
 * db.c genericGetKeys, for commands whose key spec does not apply: `num` (read with atoi at
 * keyCountOfs) keys from firstKeyOfs, none when out of range, plus the store key when given.
 */
export function genericGetKeys(storeKeyOfs: number, keyCountOfs: number, firstKeyOfs: number, argv: readonly string[]): number[] {
  const num = atoi(argv[keyCountOfs] ?? '');
  if (num < 1 || num > argv.length - firstKeyOfs) return [];
  const keys: number[] = [];
  for (let i = 0; i < num; i++) keys.push(firstKeyOfs + i);
  if (storeKeyOfs !== 0) keys.push(storeKeyOfs);
  return keys;
}

/** genericGetKeys without a store key: numkeys at `idx`, the keys right after it. */
export function numkeysGetKeys(idx: number): (argv: readonly string[]) => number[] {
  return (argv) => genericGetKeys(0, idx, idx + 1, argv);
}
