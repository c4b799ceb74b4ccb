// Parsing, storing and formatting the values of the plain directive types
// (yes/no, numbers, enumerations, strings), with Redis 7.0's error texts.
// A numeric value is kept as the signed 64-bit number Redis reads back from
// its C variable ("long long view"), so wrap-around, unsigned bounds and
// formatting behave exactly as in Redis.

import { string2ll } from '../util/numbers.js';
import { formatMemoryUnits, parseMemory, quoteArg } from './text.js';
import type { BoolDef, ConfigView, CType, EnumDef, NumericDef, RewriteSink, StringDef } from './types.js';
import { F } from './types.js';

export type ParseResult<T> = { error: string } | { value: T };

const UNSIGNED: ReadonlySet<CType> = new Set(['uint', 'ulonglong', 'size_t']);
const UNSIGNED_VIEW: ReadonlySet<CType> = new Set(['uint', 'ulong', 'ulonglong', 'size_t']);

// ---------------------------------------------------------------------------
// yes/no

export function parseBool(def: BoolDef, text: string, view: ConfigView): ParseResult<boolean> {
  const t = text.toLowerCase();
  if (t !== 'yes' && t !== 'no') return { error: "argument must be 'yes' or 'no'" };
  const v = t === 'yes';
  const err = def.validate?.(v, view) ?? null;
  return err === null ? { value: v } : { error: err };
}

// ---------------------------------------------------------------------------
// numbers

const OCTAL_RE = /^[ \t\n\v\f\r]*[+-]?[0-7]+$/;

function parseOctal(text: string): bigint | null {
  if (text === '') return 0n; // strtoll converts nothing and stops at the NUL
  if (!OCTAL_RE.test(text)) return null;
  const t = text.replace(/^[ \t\n\v\f\r]*/, '');
  const neg = t.startsWith('-');
  const digits = t.replace(/^[+-]/, '');
  let v = BigInt('0o' + digits);
  if (neg) v = -v;
  if (v > (1n << 63n) - 1n || v < -(1n << 63n)) return null; // ERANGE
  return v;
}

/** Read a numeric directive's text into its long long view (no bounds yet). */
function readNumber(def: NumericDef, text: string): ParseResult<bigint> {
  const u = def.unit;
  if (u === 'memory' || u === 'memory-percent') {
    const m = parseMemory(text);
    if (m !== null) return { value: BigInt.asIntN(64, m) };
  }
  if (u === 'memory-percent' && text.length > 1 && text.endsWith('%')) {
    const p = string2ll(text.slice(0, -1));
    if (p !== null && p >= 0n) return { value: -p }; // percentages are stored negated
  }
  if (u === 'octal') {
    const o = parseOctal(text);
    if (o !== null) return { value: o };
  }
  if (u === 'integer') {
    const n = string2ll(text);
    if (n !== null) return { value: n };
  }
  switch (u) {
    case 'memory-percent': return { error: 'argument must be a memory or percent value' };
    case 'memory': return { error: 'argument must be a memory value' };
    case 'octal': return { error: "argument couldn't be parsed as an octal number" };
    default: return { error: "argument couldn't be parsed into an integer" };
  }
}

function checkBounds(def: NumericDef, v: bigint): string | null {
  if (UNSIGNED.has(def.ctype)) {
    const uv = BigInt.asUintN(64, v);
    const lo = BigInt.asUintN(64, def.min);
    const hi = BigInt.asUintN(64, def.max);
    if (uv > hi || uv < lo) {
      return def.unit === 'octal'
        ? `argument must be between ${lo.toString(8)} and ${hi.toString(8)} inclusive`
        : `argument must be between ${lo} and ${hi} inclusive`;
    }
    return null;
  }
  if (def.unit === 'memory-percent' && v < 0n) {
    return v < def.min ? `percentage argument must be less or equal to ${-def.min}` : null;
  }
  if (v > def.max || v < def.min) return `argument must be between ${def.min} and ${def.max} inclusive`;
  return null;
}

/** What the C variable holds after the assignment, read back as a long long. */
function storeAs(ctype: CType, v: bigint): bigint {
  switch (ctype) {
    case 'int': return BigInt.asIntN(32, v);
    case 'uint': return BigInt.asUintN(32, v);
    default: return BigInt.asIntN(64, v);
  }
}

export function parseNumeric(def: NumericDef, text: string, view: ConfigView): ParseResult<bigint> {
  const r = readNumber(def, text);
  if ('error' in r) return r;
  const bad = checkBounds(def, r.value);
  if (bad !== null) return { error: bad };
  const err = def.validate?.(r.value, view) ?? null;
  if (err !== null) return { error: err };
  return { value: storeAs(def.ctype, r.value) };
}

/** The value as the program should see it (unsigned types never negative). */
export function numericValue(def: NumericDef, stored: bigint): bigint {
  return UNSIGNED_VIEW.has(def.ctype) ? BigInt.asUintN(64, stored) : stored;
}

export function formatNumeric(def: NumericDef, v: bigint): string {
  if (def.unit === 'memory-percent' && v < 0n) return `${-v}%`;
  if (def.unit === 'memory' || def.unit === 'memory-percent') return BigInt.asUintN(64, v).toString();
  if (def.unit === 'octal') return BigInt.asUintN(64, v).toString(8);
  return v.toString();
}

export function rewriteNumeric(def: NumericDef, v: bigint, rw: RewriteSink): void {
  const name = def.name;
  if (def.unit === 'memory-percent' && v < 0n) {
    // Redis compares the positive percentage with the default here.
    rw.line(name, `${name} ${-v}%`, -v !== def.default);
  } else if (def.unit === 'memory' || def.unit === 'memory-percent') {
    rw.line(name, `${name} ${formatMemoryUnits(v)}`, v !== def.default);
  } else if (def.unit === 'octal') {
    rw.line(name, `${name} ${BigInt.asUintN(64, v).toString(8)}`, v !== def.default);
  } else {
    rw.line(name, `${name} ${v}`, v !== def.default);
  }
}

// ---------------------------------------------------------------------------
// enumerations

export function parseEnum(def: EnumDef, args: readonly string[], view: ConfigView): ParseResult<number> {
  const multi = (def.flags & F.MULTI_ARG) !== 0;
  let value = 0;
  let ok = args.length > 0 && (multi || args.length === 1);
  for (const a of ok ? args : []) {
    const lower = a.toLowerCase();
    let matched = false;
    for (const [n, v] of def.values) {
      if (n === lower) {
        value |= v;
        matched = true;
      }
    }
    if (!matched) {
      ok = false;
      break;
    }
  }
  if (!ok) {
    const msg = 'argument(s) must be one of the following: ' + def.values.map(([n]) => n).join(', ');
    return { error: msg.slice(0, 255) };
  }
  const err = def.validate?.(value, view) ?? null;
  return err === null ? { value } : { error: err };
}

export function formatEnum(def: EnumDef, value: number): string {
  const multi = (def.flags & F.MULTI_ARG) !== 0;
  const names: string[] = [];
  let unmatched = value;
  for (const [n, v] of def.values) {
    if (v === value) return n;
    if (multi && v !== 0 && v === (unmatched & v)) {
      names.push(n);
      unmatched &= ~v;
    }
  }
  return names.length === 0 || unmatched !== 0 ? 'unknown' : names.join(' ');
}

// ---------------------------------------------------------------------------
// strings

export function parseString(def: StringDef, text: string, view: ConfigView): ParseResult<string | null> {
  // A C string ends at the first NUL byte; binary-safe (sds) ones keep it.
  const t = def.sds ? text : (text.split('\0')[0] as string);
  const err = def.validate?.(t, view) ?? null;
  if (err !== null) return { error: err };
  return { value: def.emptyIsNull && t === '' ? null : t };
}

export function rewriteString(def: StringDef, v: string | null, rw: RewriteSink): void {
  // An unset value must not appear in the file at all, or it would be set.
  if (v === null) {
    rw.processed(def.name);
    return;
  }
  const force = !(def.default !== null && v === def.default);
  rw.line(def.name, `${def.name} ${quoteArg(v)}`, force);
}
