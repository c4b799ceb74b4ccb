/*
 * The Lua VM: fengari (Lua 5.3 written in JavaScript), adapted at load time to behave like the
 * Lua 5.1 that Redis embeds. docs/scripting.md records why fengari was chosen over wasmoon.
 *
 * fengari's modules call one another through their module objects (`lobject.luaO_tostring(...)`),
 * and its libraries take the C API from lua.js when they are first loaded; so a few functions
 * are replaced here, before the libraries load, with versions that give 5.1's semantics:
 *
 * - Numbers are doubles only. 5.3's integer subtype (32-bit in fengari, wrapping on overflow)
 *   never comes into being: numerals parse as floats (luaO_str2num), integer-producing
 *   operations store floats (TValue.setivalue, lua_pushinteger, table keys), and conversions
 *   to integers truncate as 5.1's casts do instead of failing (lua_tointegerx).
 * - tostring()/concatenation write numbers with "%.14g" and no ".0" suffix (luaO_tostring).
 * - Redis's read-only tables: a table with `readonly` set refuses writes, raw or not, and
 *   metatable changes, with "Attempt to modify a readonly table" (luaH_setfrom, lua_rawseti,
 *   lua_setmetatable).
 * - Type errors are worded as 5.1 words them: "attempt to call global 'f' (a nil value)"
 *   rather than 5.3's "attempt to call a nil value (global 'f')".
 *
 * The dependency is pinned to the exact fengari version these patches were written against.
 */

import { createRequire } from 'node:module';
import { lua51NumberToString } from './cformat.js';

/* fengari ships no type declarations; its objects are typed here by what this code uses. */

/** A Lua state (thread). */
export interface LuaState {
  readonly __luaState?: never;
}

/** lua_Debug. */
export interface LuaDebug {
  event: number;
  name: Uint8Array | null;
  namewhat: Uint8Array | null;
  /** 'Lua', 'main' or 'JS' (fengari gives a JS string here). */
  what: string | Uint8Array | null;
  source: Uint8Array | null;
  currentline: number;
  short_src: Uint8Array | null;
}

export type LuaCFunction = (L: LuaState) => number;
export type LuaHook = (L: LuaState, ar: LuaDebug) => void;

/** The C API subset used by nodis (lua.js). */
export interface LuaApi {
  LUA_REGISTRYINDEX: number;
  LUA_RIDX_GLOBALS: number;
  LUA_MULTRET: number;
  LUA_OK: number;
  LUA_YIELD: number;
  LUA_ERRRUN: number;
  LUA_ERRSYNTAX: number;
  LUA_TNONE: number;
  LUA_TNIL: number;
  LUA_TBOOLEAN: number;
  LUA_TLIGHTUSERDATA: number;
  LUA_TNUMBER: number;
  LUA_TSTRING: number;
  LUA_TTABLE: number;
  LUA_TFUNCTION: number;
  LUA_TUSERDATA: number;
  LUA_TTHREAD: number;
  LUA_MASKCOUNT: number;
  LUA_MASKLINE: number;
  LUA_HOOKCOUNT: number;
  lua_gettop(L: LuaState): number;
  lua_settop(L: LuaState, idx: number): void;
  lua_pop(L: LuaState, n: number): void;
  lua_type(L: LuaState, idx: number): number;
  lua_tolstring(L: LuaState, idx: number): Uint8Array | null;
  lua_tonumber(L: LuaState, idx: number): number;
  lua_tonumberx(L: LuaState, idx: number): number | false;
  lua_toboolean(L: LuaState, idx: number): boolean;
  lua_touserdata(L: LuaState, idx: number): unknown;
  lua_topointer(L: LuaState, idx: number): unknown;
  lua_isstring(L: LuaState, idx: number): boolean;
  lua_isnumber(L: LuaState, idx: number): boolean;
  lua_isfunction(L: LuaState, idx: number): boolean;
  lua_istable(L: LuaState, idx: number): boolean;
  lua_isnil(L: LuaState, idx: number): boolean;
  lua_isnoneornil(L: LuaState, idx: number): boolean;
  lua_pushnil(L: LuaState): void;
  lua_pushnumber(L: LuaState, n: number): void;
  lua_pushboolean(L: LuaState, b: boolean | number): void;
  lua_pushlstring(L: LuaState, s: Uint8Array, len: number): void;
  lua_pushliteral(L: LuaState, s: string): void;
  lua_pushcfunction(L: LuaState, f: LuaCFunction): void;
  lua_pushcclosure(L: LuaState, f: LuaCFunction, n: number): void;
  lua_pushlightuserdata(L: LuaState, p: unknown): void;
  lua_pushvalue(L: LuaState, idx: number): void;
  lua_createtable(L: LuaState, narr: number, nrec: number): void;
  lua_newtable(L: LuaState): void;
  lua_newuserdata(L: LuaState, size: number): unknown;
  lua_rawget(L: LuaState, idx: number): number;
  lua_rawgeti(L: LuaState, idx: number, n: number): number;
  lua_rawset(L: LuaState, idx: number): void;
  lua_rawseti(L: LuaState, idx: number, n: number): void;
  lua_rawlen(L: LuaState, idx: number): number;
  lua_rawequal(L: LuaState, a: number, b: number): boolean;
  lua_getfield(L: LuaState, idx: number, k: string): number;
  lua_setfield(L: LuaState, idx: number, k: string): void;
  lua_gettable(L: LuaState, idx: number): number;
  lua_settable(L: LuaState, idx: number): void;
  lua_getglobal(L: LuaState, name: string): number;
  lua_setglobal(L: LuaState, name: string): void;
  lua_getmetatable(L: LuaState, idx: number): boolean;
  lua_setmetatable(L: LuaState, idx: number): void;
  lua_next(L: LuaState, idx: number): boolean;
  lua_pcall(L: LuaState, nargs: number, nresults: number, errfunc: number): number;
  lua_call(L: LuaState, nargs: number, nresults: number): void;
  lua_error(L: LuaState): never;
  lua_newthread(L: LuaState): LuaState;
  lua_tothread(L: LuaState, idx: number): LuaState;
  lua_resume(L: LuaState, from: LuaState | null, nargs: number): number;
  lua_yield(L: LuaState, n: number): void;
  lua_isyieldable(L: LuaState): boolean;
  lua_status(L: LuaState): number;
  lua_sethook(L: LuaState, f: LuaHook | null, mask: number, count: number): void;
  lua_getstack(L: LuaState, level: number, ar: LuaDebug): boolean;
  lua_getinfo(L: LuaState, what: string, ar: LuaDebug): boolean;
  lua_insert(L: LuaState, idx: number): void;
  lua_remove(L: LuaState, idx: number): void;
  lua_replace(L: LuaState, idx: number): void;
  lua_checkstack(L: LuaState, n: number): boolean;
  lua_xmove(from: LuaState, to: LuaState, n: number): void;
  lua_atnativeerror(L: LuaState, f: LuaCFunction): void;
  lua_upvalueindex(i: number): number;
  lua_getupvalue(L: LuaState, f: number, n: number): Uint8Array | null;
  lua_setupvalue(L: LuaState, f: number, n: number): Uint8Array | null;
  lua_concat(L: LuaState, n: number): void;
  lua_gc(L: LuaState, what: number, data: number): number;
  lua_tocfunction(L: LuaState, idx: number): LuaCFunction | null;
}

/** lauxlib.js subset. */
export interface LauxApi {
  luaL_newstate(): LuaState;
  luaL_loadbufferx(L: LuaState, buff: Uint8Array, size: number, name: Uint8Array, mode: string | null): number;
  luaL_ref(L: LuaState, t: number): number;
  luaL_unref(L: LuaState, t: number, ref: number): void;
  luaL_error(L: LuaState, fmt: string | Uint8Array, ...args: unknown[]): never;
  luaL_argerror(L: LuaState, arg: number, msg: string | Uint8Array): never;
  luaL_checknumber(L: LuaState, arg: number): number;
  luaL_checkinteger(L: LuaState, arg: number): number;
  luaL_optinteger(L: LuaState, arg: number, def: number): number;
  luaL_optnumber(L: LuaState, arg: number, def: number): number;
  luaL_checklstring(L: LuaState, arg: number): Uint8Array;
  luaL_checkany(L: LuaState, arg: number): void;
  luaL_checktype(L: LuaState, arg: number, t: number): void;
  luaL_checkstack(L: LuaState, n: number, msg: string | null): void;
  luaL_requiref(L: LuaState, name: string, open: LuaCFunction, glb: number): void;
  luaL_getmetafield(L: LuaState, obj: number, e: string): number;
  luaL_tolstring(L: LuaState, idx: number): Uint8Array;
  luaL_len(L: LuaState, idx: number): number;
  luaL_typename(L: LuaState, idx: number): Uint8Array;
  luaL_where(L: LuaState, level: number): void;
}

/** lualib.js subset. */
export interface LualibApi {
  luaopen_base: LuaCFunction;
  luaopen_table: LuaCFunction;
  luaopen_string: LuaCFunction;
  luaopen_math: LuaCFunction;
  luaopen_coroutine: LuaCFunction;
  luaopen_debug: LuaCFunction;
}

/* Internal modules: only the functions replaced or used by the patches. */
/* eslint-disable @typescript-eslint/no-explicit-any -- fengari's internals are untyped. */
type AnyFn = (...args: any[]) => any;
interface TValueLike {
  type: number;
  value: any;
  ttisnumber(): boolean;
  ttisfloat(): boolean;
  setfltvalue(x: number): void;
  setsvalue(x: unknown): void;
}
interface TableLike {
  readonly?: boolean;
  strong: Map<unknown, { key: TValueLike }>;
}

const require = createRequire(import.meta.url);
const savedConf = process.env.FENGARICONF;
process.env.FENGARICONF = JSON.stringify({ LUA_COMPAT_FLOATSTRING: true });
// The core first, in the order fengari's own entry point loads it (its modules are cyclic).
const defs = require('fengari/src/defs.js') as Record<string, any>;
require('fengari/src/luaconf.js');
const luaMod = require('fengari/src/lua.js') as Record<string, any>;
const lobject = require('fengari/src/lobject.js') as Record<string, any>;
const ltable = require('fengari/src/ltable.js') as Record<string, any>;
const ldebug = require('fengari/src/ldebug.js') as Record<string, any>;
const lstring = require('fengari/src/lstring.js') as Record<string, any>;
if (savedConf === undefined) delete process.env.FENGARICONF;
else process.env.FENGARICONF = savedConf;

const LUA_TNUMFLT: number = defs.constant_types.LUA_TNUMFLT;
const LUA_TNUMINT: number = defs.constant_types.LUA_TNUMINT;
const toLuaString = defs.to_luastring as (s: string, cache?: boolean) => Uint8Array;

/** latin1 JS string → byte array (one byte per char). */
export function bytesOf(s: string): Uint8Array {
  const n = s.length;
  if (n < 64) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  return Buffer.from(s, 'latin1');
}

/** Byte array → latin1 JS string. */
export function latin1Of(b: Uint8Array): string {
  const n = b.length;
  if (n < 32) {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(b[i] as number);
    return s;
  }
  return Buffer.from(b.buffer, b.byteOffset, n).latin1Slice();
}

/* ---- numbers: doubles only ------------------------------------------------------------------ */

const TValue = lobject.TValue as { prototype: Record<string, AnyFn> };
TValue.prototype.setivalue = function setivalue(this: TValueLike, x: number): void {
  this.type = LUA_TNUMFLT;
  this.value = x;
};

/** Lua 5.1's luaO_str2d: strtod (decimal, hexadecimal, inf, nan), then optional spaces. */
export function str2number(s: string): number | null {
  const m = /^[\t\n\v\f\r ]*([+-]?)(?:(0[xX])([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?|((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)|(inf(?:inity)?|nan))[\t\n\v\f\r ]*$/i.exec(s);
  if (m === null) return null;
  const neg = m[1] === '-';
  let v: number;
  if (m[2] !== undefined) {
    const ip = m[3] ?? '';
    const fp = m[4] ?? '';
    if (ip === '' && fp === '') return null;
    v = 0;
    for (const ch of ip) v = v * 16 + parseInt(ch, 16);
    let scale = 1 / 16;
    for (const ch of fp) {
      v += parseInt(ch, 16) * scale;
      scale /= 16;
    }
    if (m[5] !== undefined) v *= Math.pow(2, Number(m[5]));
  } else if (m[6] !== undefined) {
    v = Number(m[6]);
  } else {
    v = (m[7] as string).toLowerCase() === 'nan' ? NaN : Infinity;
  }
  return neg ? -v : v;
}

lobject.luaO_str2num = function luaO_str2num(s: Uint8Array, o: TValueLike): number {
  let end = s.length;
  if (end > 0 && s[end - 1] === 0) end--;
  let text = '';
  for (let i = 0; i < end; i++) {
    const c = s[i] as number;
    if (c === 0 || c > 127) return 0;
    text += String.fromCharCode(c);
  }
  const v = str2number(text);
  if (v === null) return 0;
  o.setfltvalue(v);
  return s.length + 1;
};

lobject.luaO_tostring = function luaO_tostring(L: LuaState, obj: TValueLike): void {
  obj.setsvalue(lstring.luaS_bless(L, bytesOf(lua51NumberToString(obj.value as number))));
};

luaMod.lua_pushinteger = luaMod.lua_pushnumber;

const origToNumberX = luaMod.lua_tonumberx as (L: LuaState, idx: number) => number | false;
luaMod.lua_tointegerx = function lua_tointegerx(L: LuaState, idx: number): number | false {
  const n = origToNumberX(L, idx);
  if (n === false) return false;
  // 5.1 casts: truncation toward zero; what does not fit an int32 is clamped (fengari's own
  // argument checks want int32 values).
  if (!(n === n)) return 0;
  const t = Math.trunc(n);
  if (t > 2147483647) return 2147483647;
  if (t < -2147483648) return -2147483648;
  return t === 0 ? 0 : t;
};

/* ---- read-only tables ------------------------------------------------------------------------- */

const READONLY_MSG = toLuaString('Attempt to modify a readonly table', true);

function readonlyError(L: LuaState): never {
  (ldebug.luaG_runerror as AnyFn)(L, READONLY_MSG);
  throw new Error('unreachable');
}

/** After a table insert, store a number key as a float (fengari keys integral floats as ints). */
function floatKey(t: TableLike, hash: unknown): void {
  const e = t.strong.get(hash);
  if (e !== undefined && e.key.type === LUA_TNUMINT) e.key.type = LUA_TNUMFLT;
}

const origSetFrom = ltable.luaH_setfrom as AnyFn;
ltable.luaH_setfrom = function luaH_setfrom(L: LuaState, t: TableLike, key: TValueLike, value: unknown): void {
  if (t.readonly === true) readonlyError(L);
  const before = t.strong.size;
  origSetFrom(L, t, key, value);
  if (key.type === LUA_TNUMFLT && t.strong.size !== before) floatKey(t, key.value);
};

const origSetInt = ltable.luaH_setint as AnyFn;
ltable.luaH_setint = function luaH_setint(t: TableLike, key: number, value: unknown): void {
  const before = t.strong.size;
  origSetInt(t, key, value);
  if (t.strong.size !== before) floatKey(t, key);
};

const index2table = (L: LuaState, idx: number): TableLike | null => {
  const api = luaMod as unknown as LuaApi;
  if (api.lua_type(L, idx) !== api.LUA_TTABLE) return null;
  return api.lua_topointer(L, idx) as TableLike;
};

const origRawSetI = luaMod.lua_rawseti as AnyFn;
luaMod.lua_rawseti = function lua_rawseti(L: LuaState, idx: number, n: number): void {
  if (index2table(L, idx)?.readonly === true) readonlyError(L);
  origRawSetI(L, idx, n);
};

/**
 * lua_rawseti without the read-only check, for tables the caller has just created (reply
 * arrays, KEYS and ARGV): t[n] = top of the stack, popped.
 */
export const rawsetiNew = origRawSetI as (L: LuaState, idx: number, n: number) => void;

const origSetMeta = luaMod.lua_setmetatable as AnyFn;
luaMod.lua_setmetatable = function lua_setmetatable(L: LuaState, idx: number): boolean {
  if (index2table(L, idx)?.readonly === true) readonlyError(L);
  return origSetMeta(L, idx) as boolean;
};

/** Mark the table at `idx` read-only (or writable again). */
export function setReadonly(L: LuaState, idx: number, on: boolean): void {
  const t = index2table(L, idx);
  if (t !== null) t.readonly = on;
}

export function isReadonly(L: LuaState, idx: number): boolean {
  return index2table(L, idx)?.readonly === true;
}

/* ---- 5.1 wording of type errors ---------------------------------------------------------------- */

const TYPEERR_53 = toLuaString('attempt to %s a %s value%s', true);
const TYPEERR_51 = toLuaString("attempt to %s %s '%s' (a %s value)", true);
const origPushVf = lobject.luaO_pushvfstring as AnyFn;
lobject.luaO_pushvfstring = function luaO_pushvfstring(L: LuaState, fmt: Uint8Array, argp: unknown[]): unknown {
  if (fmt === TYPEERR_53 && argp.length === 3) {
    const info = argp[2] as Uint8Array;
    if (info.length > 0) {
      const m = / \((.+) '(.*)'\)$/s.exec(latin1Of(info));
      if (m !== null) return origPushVf(L, TYPEERR_51, [argp[0], bytesOf(m[1] as string), bytesOf(m[2] as string), argp[1]]);
    }
  }
  // '%f' (tostring of a number goes through luaL_tolstring's "%f") is written as 5.1 does,
  // '%d' as a plain integer, and '%p' of a NULL light userdata (cjson.null) as glibc's "(nil)".
  if (fmt.indexOf(37) !== -1 && (fmt.indexOf(102) !== -1 || fmt.indexOf(112) !== -1 || fmt.indexOf(100) !== -1 ||
    fmt.indexOf(73) !== -1)) {
    const out: number[] = [];
    const args: unknown[] = [];
    let a = 0;
    let changed = false;
    for (let i = 0; i < fmt.length; i++) {
      const ch = fmt[i] as number;
      if (ch !== 37 || i + 1 >= fmt.length) {
        out.push(ch);
        continue;
      }
      const d = fmt[++i] as number;
      if (d === 102) {
        out.push(37, 115);
        args.push(bytesOf(lua51NumberToString(argp[a++] as number)));
        changed = true;
      } else if (d === 100 || d === 73) {
        // '%d' / '%I': integers, whatever the number's subtype.
        out.push(37, 115);
        args.push(bytesOf(String(argp[a++] as number)));
        changed = true;
      } else if (d === 112 && argp[a] === null) {
        out.push(37, 115);
        args.push(bytesOf('(nil)'));
        a++;
        changed = true;
      } else {
        out.push(37, d);
        if (d !== 37) args.push(argp[a++]);
      }
    }
    if (changed) return origPushVf(L, Uint8Array.from(out), args);
  }
  return origPushVf(L, fmt, argp);
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/* ---- the public API, loaded after the patches ---------------------------------------------- */

const fengari = require('fengari') as { lua: LuaApi; lauxlib: LauxApi; lualib: LualibApi };

export const lua: LuaApi = fengari.lua;
export const lauxlib: LauxApi = fengari.lauxlib;
export const lualib: LualibApi = fengari.lualib;

/** Push a string given as bytes; the array is kept (not copied): the caller must not reuse it. */
export function pushBytes(L: LuaState, b: Uint8Array): void {
  lobject.pushsvalue2s(L, lstring.luaS_bless(L, b));
}

/** Push a latin1 JS string. */
export function pushString(L: LuaState, s: string): void {
  pushBytes(L, bytesOf(s));
}

/** A cached Lua string for an ASCII literal (for lua_pushliteral-like pushes and compares). */
export function lit(s: string): Uint8Array {
  return toLuaString(s, true);
}

/** luaL_error with a literal message (no format directives), position prefixed. */
export function raise(L: LuaState, msg: string): never {
  return lauxlib.luaL_error(L, lit('%s'), bytesOf(msg));
}

/** luaL_argerror with a latin1 message. */
export function argError(L: LuaState, arg: number, msg: string): never {
  return lauxlib.luaL_argerror(L, arg, bytesOf(msg));
}

/* ---- fast paths for the hot conversions (fengari internals, see the header) ------------------- */

/** A Lua string object created once and pushed many times (its hash is computed once). */
export interface LuaStringObject {
  readonly __tstring?: never;
}

/** An immutable Lua string to push repeatedly with pushStringObject (table keys, literals). */
export function stringObject(s: string): LuaStringObject {
  return lstring.luaS_bless(null, bytesOf(s)) as LuaStringObject;
}

export function pushStringObject(L: LuaState, ts: LuaStringObject): void {
  lobject.pushsvalue2s(L, ts);
}

const LUA_TSHRSTR: number = defs.constant_types.LUA_TSHRSTR;
const LUA_TLNGSTR: number = defs.constant_types.LUA_TLNGSTR;

/**
 * The arguments of the running C function as latin1 JS strings, or null when one of them is
 * neither a string nor a number (numbers are written by `formatNumber`). Reads the stack
 * directly (this is redis.call's path) and caches each string's JS form on its Lua string
 * object, so constants and KEYS/ARGV elements are converted once.
 */
export function argStrings(L: LuaState, formatNumber: (n: number) => string): string[] | null {
  const S = L as unknown as { stack: Array<{ type: number; value: unknown }>; top: number; ci: { funcOff: number } };
  const base = S.ci.funcOff + 1;
  const n = S.top - base;
  const out = new Array<string>(n);
  for (let j = 0; j < n; j++) {
    const v = S.stack[base + j] as { type: number; value: unknown };
    const t = v.type;
    if (t === LUA_TSHRSTR || t === LUA_TLNGSTR) {
      const ts = v.value as { realstring: Uint8Array; js?: string };
      let js = ts.js;
      if (js === undefined) {
        js = latin1Of(ts.realstring);
        ts.js = js;
      }
      out[j] = js;
    } else if (t === LUA_TNUMFLT || t === LUA_TNUMINT) {
      out[j] = formatNumber(v.value as number);
    } else {
      return null;
    }
  }
  return out;
}

/* Tables built without the stack: fengari's stack pops `delete` array slots, a slow path in V8,
 * so the hot conversions (KEYS/ARGV, status replies) make their tables directly. */

/** A Lua table object (not on the stack). */
export interface LuaTableObject {
  readonly __table?: never;
}

const TValueCtor = lobject.TValue as new (type: number, value: unknown) => TValueLike;
const LUA_TTABLE_TAG: number = defs.constant_types.LUA_TTABLE;
/** Scratch values: fengari's table setters copy the key and value they are given. */
const scratchKey = new TValueCtor(LUA_TLNGSTR, null);
const scratchValue = new TValueCtor(LUA_TLNGSTR, null);

/** A Lua string object for a latin1 JS string, with the JS form remembered for argStrings. */
function latin1Object(L: LuaState, s: string): LuaStringObject {
  const ts = lstring.luaS_bless(L, bytesOf(s)) as { js?: string };
  ts.js = s;
  return ts as LuaStringObject;
}

/** A new table {s1, s2, ...} of latin1 strings (keys stored as 5.1 numbers). */
export function newStringArray(L: LuaState, items: readonly string[]): LuaTableObject {
  const t = ltable.luaH_new(L) as LuaTableObject;
  const setInt = ltable.luaH_setint as AnyFn;
  for (let j = 0; j < items.length; j++) {
    scratchValue.type = LUA_TLNGSTR;
    scratchValue.value = latin1Object(L, items[j] as string);
    setInt(t, j + 1, scratchValue);
  }
  scratchValue.value = null;
  return t;
}

/** t[key] = value (a `tag`-typed object), raw and regardless of the read-only flag. */
function rawsetField(L: LuaState, t: LuaTableObject, key: LuaStringObject, tag: number, value: unknown): void {
  scratchKey.value = key;
  scratchValue.type = tag;
  scratchValue.value = value;
  origSetFrom(L, t, scratchKey, scratchValue);
  scratchKey.value = null;
  scratchValue.value = null;
}

/** A new table {[key] = value} with one string field (a status reply's {ok=...}). */
export function newStringFieldTable(L: LuaState, key: LuaStringObject, value: LuaStringObject): LuaTableObject {
  const t = ltable.luaH_new(L) as LuaTableObject;
  rawsetField(L, t, key, LUA_TLNGSTR, value);
  return t;
}

/** t[key] = table, raw and regardless of the read-only flag (KEYS and ARGV in the globals). */
export function setTableField(L: LuaState, t: LuaTableObject, key: LuaStringObject, value: LuaTableObject): void {
  rawsetField(L, t, key, LUA_TTABLE_TAG, value);
  (ltable.invalidateTMcache as AnyFn)(t);
}

export function pushTable(L: LuaState, t: LuaTableObject): void {
  const S = L as unknown as { stack: unknown[]; top: number };
  S.stack[S.top++] = new TValueCtor(LUA_TTABLE_TAG, t);
}

/** The table at `idx`, or null. */
export function tableAt(L: LuaState, idx: number): LuaTableObject | null {
  return index2table(L, idx) as LuaTableObject | null;
}

/** A Lua string object for bytes (kept, not copied). */
export function stringOfBytes(L: LuaState, b: Uint8Array): LuaStringObject {
  return lstring.luaS_bless(L, b) as LuaStringObject;
}
