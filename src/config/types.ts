// The shape of a directive definition. Every directive the server knows is
// one object of this union (see schema.ts for the plain typed ones and
// special.ts for the ones with their own grammar); Config, the redis.conf
// loader, CONFIG GET/SET/REWRITE and the command line all read these.

/** Directive flags (the same meanings Redis gives them). */
export const F = {
  /** Set at startup only: CONFIG SET refuses it. */
  IMMUTABLE: 1 << 0,
  /** The value is a secret: the command layer redacts it from logs. */
  SENSITIVE: 1 << 1,
  /** Listed in debugging dumps of the configuration. */
  DEBUG: 1 << 2,
  /** Takes several arguments (a CONFIG SET value is split on spaces). */
  MULTI_ARG: 1 << 3,
  /** Only an exact name finds it in CONFIG GET; patterns skip it. */
  HIDDEN: 1 << 4,
  /** CONFIG SET allowed only when enable-protected-configs permits it. */
  PROTECTED: 1 << 5,
  /** CONFIG SET refused with -LOADING while a dataset is being loaded. */
  DENY_LOADING: 1 << 6,
  /** Setting it always counts as a change (the file behind it may change). */
  VOLATILE: 1 << 9,
} as const;

export const INT_MIN = -(2n ** 31n);
export const INT_MAX = 2n ** 31n - 1n;
export const UINT_MAX = 2n ** 32n - 1n;
export const LLONG_MIN = -(2n ** 63n);
export const LLONG_MAX = 2n ** 63n - 1n;
export const LONG_MAX = LLONG_MAX;
export const SSIZE_MAX = LLONG_MAX;
export const ULLONG_MAX = 2n ** 64n - 1n;

/** A typed value as Config.get() returns it. */
export type ConfigValue = string | number | boolean;

/** Read access to the other directives, for validators that depend on them. */
export interface ConfigView {
  getBool(name: string): boolean;
  getStrOrNull(name: string): string | null;
  getNum(name: string): number;
  readonly configFile: string | null;
  readonly sentinelMode: boolean;
}

/** Process services some directives need; tests inject fakes. */
export interface ConfigEnv {
  /** Current working directory (what CONFIG GET dir reports). */
  cwd(): string;
  /** Change directory; returns null or strerror() text. */
  chdir(dir: string): string | null;
}

/** Where a value is being set from. */
export interface SetContext {
  /** True while a config file / command line is being loaded. */
  readonly reading: boolean;
  /** Per-load flags (e.g. the first "save" line of a file resets the defaults). */
  readonly session: LoadSession;
  readonly env: ConfigEnv;
  readonly view: ConfigView;
}

export interface LoadSession {
  saveLoaded: boolean;
}

/** The CONFIG REWRITE state, as the directives see it. */
export interface RewriteSink {
  /** Put `line` in place of the next old line of `option`, or append it when `force`. */
  line(option: string, line: string, force: boolean): void;
  /** Note the option as handled, so its remaining old lines are blanked. */
  processed(option: string): void;
}

interface Common {
  readonly name: string;
  readonly alias?: string;
  readonly flags: number;
}

export type Validator<T> = (value: T, view: ConfigView) => string | null;

export interface BoolDef extends Common {
  readonly kind: 'bool';
  readonly default: boolean;
  readonly validate?: Validator<boolean>;
}

/** The C type a numeric directive is stored in (decides wrap-around and how bounds compare). */
export type CType =
  | 'int' | 'uint' | 'long' | 'ulong' | 'longlong' | 'ulonglong'
  | 'size_t' | 'ssize_t' | 'off_t' | 'time_t';

/** How a numeric directive's text is read and shown. */
export type NumericUnit = 'integer' | 'memory' | 'memory-percent' | 'octal';

export interface NumericDef extends Common {
  readonly kind: 'numeric';
  readonly ctype: CType;
  readonly min: bigint;
  readonly max: bigint;
  readonly default: bigint;
  readonly unit: NumericUnit;
  readonly validate?: Validator<bigint>;
  /** Adjusts an accepted value (hz is clamped to 1..500 rather than refused). */
  readonly normalize?: (v: bigint) => bigint;
}

export interface EnumDef extends Common {
  readonly kind: 'enum';
  /** name → value; several names may share a value (the first one is shown). */
  readonly values: ReadonlyArray<readonly [string, number]>;
  readonly default: number;
  readonly validate?: Validator<number>;
}

export interface StringDef extends Common {
  readonly kind: 'string';
  /** Binary-safe (Redis "sds") rather than a C string. */
  readonly sds: boolean;
  /** An empty value means "unset" (null); otherwise "" is a value of its own. */
  readonly emptyIsNull: boolean;
  readonly default: string | null;
  readonly validate?: Validator<string>;
}

export type SpecialSet<T> = { error: string } | { value: T; changed: boolean };

/** A directive with its own grammar (save, bind, client-output-buffer-limit...). */
export interface SpecialDef<T> extends Common {
  readonly kind: 'special';
  init(): T;
  set(args: string[], current: T, ctx: SetContext): SpecialSet<T>;
  format(value: T, ctx: { env: ConfigEnv; view: ConfigView }): string;
  rewrite(value: T, rw: RewriteSink, ctx: { env: ConfigEnv; view: ConfigView }): void;
}

export type DirectiveDef =
  | BoolDef
  | NumericDef
  | EnumDef
  | StringDef
  | SpecialDef<unknown>;

/** Erase a special directive's state type so it fits the table. */
export function special<T>(def: SpecialDef<T>): SpecialDef<unknown> {
  // The state is only ever produced by this def's own init/set and consumed
  // by its own format/rewrite, so erasing T cannot mix states up.
  return def as unknown as SpecialDef<unknown>;
}
