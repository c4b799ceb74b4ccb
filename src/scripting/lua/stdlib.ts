/*
 * The standard library as Redis's Lua 5.1 offers it, built on fengari's 5.3 libraries:
 * base (with unpack, loadstring, gcinfo, 5.1's load), table (getn, setn, maxn, foreach,
 * foreachi; no move/pack/unpack), string (5.1's format, gfind; no pack/unpack), math (atan2,
 * cosh, sinh, tanh, frexp, ldexp, log10, mod, pow; no integer functions) and coroutine.
 * Redis leaves out dofile, loadfile, print, io, os, package/require, and removes debug after
 * setup; the 5.2+ additions (rawlen, utf8, goto is syntax only) are left out too.
 */

import { formatFloat, formatInteger, padText, toCLong } from './cformat.js';
import { lauxlib, latin1Of, lit, lua, lualib, pushBytes, pushString, type LuaState, raise, argError } from './fengari.js';

function setFn(L: LuaState, idx: number, name: string, fn: (L: LuaState) => number): void {
  lua.lua_pushcfunction(L, fn);
  lua.lua_setfield(L, idx < 0 ? idx - 1 : idx, name);
}

function remove(L: LuaState, idx: number, names: readonly string[]): void {
  for (const n of names) {
    lua.lua_pushnil(L);
    lua.lua_setfield(L, idx < 0 ? idx - 1 : idx, n);
  }
}

/* ---- string.format (Lua 5.1's str_format over C's sprintf) ------------------------------------ */

const FLAGS = '-+ #0';

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** The text sprintf produced, as luaL_addlstring(buff, strlen(buff)) keeps it: up to a NUL. */
function cstr(s: string): string {
  const i = s.indexOf('\0');
  return i === -1 ? s : s.slice(0, i);
}

function addQuoted(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    switch (c) {
      case '"':
      case '\\':
      case '\n':
        out += '\\' + c;
        break;
      case '\r':
        out += '\\r';
        break;
      case '\0':
        out += '\\000';
        break;
      default:
        out += c;
    }
  }
  return out + '"';
}

function strFormat(L: LuaState): number {
  const top = lua.lua_gettop(L);
  let arg = 1;
  const fmt = latin1Of(lauxlib.luaL_checklstring(L, arg));
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const ch = fmt[i] as string;
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    if (fmt[i + 1] === '%') {
      out += '%';
      i += 2;
      continue;
    }
    i++;
    if (++arg > top) argError(L, arg, 'no value');
    const f0 = i;
    while (i < fmt.length && FLAGS.includes(fmt[i] as string)) i++;
    if (i - f0 >= FLAGS.length + 1) raise(L, 'invalid format (repeated flags)');
    const flags = fmt.slice(f0, i);
    let widthText = '';
    if (isDigit(fmt[i])) widthText += fmt[i++];
    if (isDigit(fmt[i])) widthText += fmt[i++];
    let prec = -1;
    if (fmt[i] === '.') {
      i++;
      let p = '';
      if (isDigit(fmt[i])) p += fmt[i++];
      if (isDigit(fmt[i])) p += fmt[i++];
      prec = p === '' ? 0 : Number(p);
    }
    if (isDigit(fmt[i])) raise(L, 'invalid format (width or precision too long)');
    const width = widthText === '' ? 0 : Number(widthText);
    const conv = fmt[i++] ?? '';
    switch (conv) {
      case 'c': {
        const n = Math.trunc(lauxlib.luaL_checknumber(L, arg));
        out += cstr(padText(String.fromCharCode(((n % 256) + 256) % 256), flags, width));
        break;
      }
      case 'd':
      case 'i':
      case 'o':
      case 'u':
      case 'x':
      case 'X':
        out += formatInteger(toCLong(lauxlib.luaL_checknumber(L, arg)), conv, flags, width, prec);
        break;
      case 'e':
      case 'E':
      case 'f':
      case 'g':
      case 'G':
        out += formatFloat(lauxlib.luaL_checknumber(L, arg), conv, prec < 0 ? 6 : prec, flags, width);
        break;
      case 'q':
        out += addQuoted(latin1Of(lauxlib.luaL_checklstring(L, arg)));
        break;
      case 's': {
        const s = latin1Of(lauxlib.luaL_checklstring(L, arg));
        if (prec < 0 && s.length >= 100) {
          out += s;
        } else {
          let t = cstr(s);
          if (prec >= 0) t = t.slice(0, prec);
          out += padText(t, flags, width);
        }
        break;
      }
      default:
        raise(L, `invalid option '%${conv}' to 'format'`);
    }
  }
  pushString(L, out);
  return 1;
}

/* ---- table ------------------------------------------------------------------------------------- */

function tableGetn(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lua.lua_pushnumber(L, lua.lua_rawlen(L, 1));
  return 1;
}

function tableSetn(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  return raise(L, "'setn' is obsolete");
}

function tableMaxn(L: LuaState): number {
  let max = 0;
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
      const v = lua.lua_tonumber(L, -1);
      if (v > max) max = v;
    }
  }
  lua.lua_pushnumber(L, max);
  return 1;
}

function tableForeachi(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
  const n = lua.lua_rawlen(L, 1);
  for (let i = 1; i <= n; i++) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushnumber(L, i);
    lua.lua_rawgeti(L, 1, i);
    lua.lua_call(L, 2, 1);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 1);
  }
  return 0;
}

function tableForeach(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushvalue(L, -3);
    lua.lua_pushvalue(L, -3);
    lua.lua_call(L, 2, 1);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 2);
  }
  return 0;
}

/* ---- math ---------------------------------------------------------------------------------------- */

function num(L: LuaState, i: number): number {
  return lauxlib.luaL_checknumber(L, i);
}

function push1(L: LuaState, v: number): number {
  lua.lua_pushnumber(L, v);
  return 1;
}

function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = x * Math.pow(2, -e);
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  }
  return [m, e];
}

function ldexp(m: number, e: number): number {
  if (e > 1023) return m * Math.pow(2, 1023) * Math.pow(2, e - 1023);
  if (e < -1022) return m * Math.pow(2, -1022) * Math.pow(2, e + 1022);
  return m * Math.pow(2, e);
}

/* Redis's math.random: the rand48 linear congruential generator (X = aX + c mod 2^48). */
let rand48 = 0x1234abcd330en;
const RAND48_A = 0x5deece66dn;
const RAND48_MASK = (1n << 48n) - 1n;
const LRAND48_MAX = 2147483647;

export function lrand48(): number {
  rand48 = (RAND48_A * rand48 + 0xbn) & RAND48_MASK;
  return Number(rand48 >> 17n);
}

export function srand48(seed: number): void {
  rand48 = ((BigInt(seed | 0) & 0xffffffffn) << 16n) | 0x330en;
}

/** Whether math.random may run (Redis allows it only inside a script invocation). */
export type RunningCheck = () => boolean;

function mathRandom(running: RunningCheck): (L: LuaState) => number {
  return (L) => {
    if (!running()) return raise(L, 'math.random can only be called inside a script invocation');
    const r = (lrand48() % LRAND48_MAX) / LRAND48_MAX;
    switch (lua.lua_gettop(L)) {
      case 0:
        return push1(L, r);
      case 1: {
        const u = Math.trunc(num(L, 1));
        if (!(1 <= u)) argError(L, 1, 'interval is empty');
        return push1(L, Math.floor(r * u) + 1);
      }
      case 2: {
        const l = Math.trunc(num(L, 1));
        const u = Math.trunc(num(L, 2));
        if (!(l <= u)) argError(L, 2, 'interval is empty');
        return push1(L, Math.floor(r * (u - l + 1)) + l);
      }
      default:
        return raise(L, 'wrong number of arguments');
    }
  };
}

function mathRandomseed(running: RunningCheck): (L: LuaState) => number {
  return (L) => {
    if (!running()) return raise(L, 'math.randomseed can only be called inside a script invocation');
    srand48(Math.trunc(num(L, 1)));
    return 0;
  };
}

/* ---- base ------------------------------------------------------------------------------------------ */

/** 5.1's error(): a string or number message gets the position of the given level. */
function error51(L: LuaState): number {
  const level = lauxlib.luaL_optinteger(L, 2, 1);
  lua.lua_settop(L, 1);
  if (lua.lua_isstring(L, 1) && level > 0) {
    lauxlib.luaL_where(L, level);
    lua.lua_pushvalue(L, 1);
    lua.lua_concat(L, 2);
  }
  return lua.lua_error(L);
}

/** loadstring(s [, chunkname]): text chunks only (binary chunks are refused, as Redis's Lua). */
function loadstring(load: (L: LuaState) => number): (L: LuaState) => number {
  return (L) => {
    const s = lauxlib.luaL_checklstring(L, 1);
    const name = lua.lua_isnoneornil(L, 2) ? s : lauxlib.luaL_checklstring(L, 2);
    lua.lua_settop(L, 0);
    pushBytes(L, s);
    pushBytes(L, name);
    lua.lua_pushliteral(L, 't');
    return load(L);
  };
}

/** 5.1's load(func [, chunkname]): a reader function only. */
function load51(load: (L: LuaState) => number): (L: LuaState) => number {
  return (L) => {
    lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION);
    const named = !lua.lua_isnoneornil(L, 2);
    const name = named ? lauxlib.luaL_checklstring(L, 2) : lit('=(load)');
    lua.lua_settop(L, 1);
    pushBytes(L, name);
    lua.lua_pushliteral(L, 't');
    return load(L);
  };
}

/**
 * Open the libraries into the globals of L and reshape them as Lua 5.1 / Redis has them.
 * `running` tells whether a script invocation is in progress (math.random's guard).
 */
export function openStdlib(L: LuaState, running: RunningCheck): void {
  lauxlib.luaL_requiref(L, '_G', lualib.luaopen_base, 1);
  lua.lua_pop(L, 1);
  for (const [name, open] of [
    ['table', lualib.luaopen_table],
    ['string', lualib.luaopen_string],
    ['math', lualib.luaopen_math],
    ['coroutine', lualib.luaopen_coroutine],
  ] as const) {
    lauxlib.luaL_requiref(L, name, open, 1);
    lua.lua_pop(L, 1);
  }

  // Base.
  lua.lua_getglobal(L, '_G');
  remove(L, -1, ['dofile', 'loadfile', 'print', 'rawlen', 'require']);
  lua.lua_getfield(L, -1, 'load');
  const baseLoad = lua.lua_tocfunction(L, -1);
  lua.lua_pop(L, 1);
  if (baseLoad !== null) {
    setFn(L, -1, 'loadstring', loadstring(baseLoad));
    setFn(L, -1, 'load', load51(baseLoad));
  }
  lua.lua_getglobal(L, 'table');
  lua.lua_getfield(L, -1, 'unpack');
  lua.lua_setfield(L, -3, 'unpack');
  lua.lua_pop(L, 1);
  setFn(L, -1, 'gcinfo', (L) => push1(L, 0));
  setFn(L, -1, 'error', error51);
  lua.lua_pushliteral(L, 'Lua 5.1');
  lua.lua_setfield(L, -2, '_VERSION');
  lua.lua_pop(L, 1);

  // table.
  lua.lua_getglobal(L, 'table');
  remove(L, -1, ['move', 'pack', 'unpack']);
  setFn(L, -1, 'getn', tableGetn);
  setFn(L, -1, 'setn', tableSetn);
  setFn(L, -1, 'maxn', tableMaxn);
  setFn(L, -1, 'foreach', tableForeach);
  setFn(L, -1, 'foreachi', tableForeachi);
  lua.lua_pop(L, 1);

  // string.
  lua.lua_getglobal(L, 'string');
  remove(L, -1, ['pack', 'packsize', 'unpack']);
  lua.lua_getfield(L, -1, 'gmatch');
  lua.lua_setfield(L, -2, 'gfind');
  setFn(L, -1, 'format', strFormat);
  lua.lua_pop(L, 1);

  // math.
  lua.lua_getglobal(L, 'math');
  remove(L, -1, ['maxinteger', 'mininteger', 'tointeger', 'type', 'ult']);
  lua.lua_getfield(L, -1, 'fmod');
  lua.lua_setfield(L, -2, 'mod');
  setFn(L, -1, 'atan2', (L) => push1(L, Math.atan2(num(L, 1), num(L, 2))));
  setFn(L, -1, 'cosh', (L) => push1(L, Math.cosh(num(L, 1))));
  setFn(L, -1, 'sinh', (L) => push1(L, Math.sinh(num(L, 1))));
  setFn(L, -1, 'tanh', (L) => push1(L, Math.tanh(num(L, 1))));
  setFn(L, -1, 'log10', (L) => push1(L, Math.log10(num(L, 1))));
  setFn(L, -1, 'pow', (L) => push1(L, Math.pow(num(L, 1), num(L, 2))));
  setFn(L, -1, 'ldexp', (L) => push1(L, ldexp(num(L, 1), Math.trunc(num(L, 2)))));
  setFn(L, -1, 'frexp', (L) => {
    const [m, e] = frexp(num(L, 1));
    lua.lua_pushnumber(L, m);
    lua.lua_pushnumber(L, e);
    return 2;
  });
  setFn(L, -1, 'random', mathRandom(running));
  setFn(L, -1, 'randomseed', mathRandomseed(running));
  lua.lua_pop(L, 1);

  // coroutine: 5.1's running() returns nothing for the main thread; no isyieldable.
  lua.lua_getglobal(L, 'coroutine');
  remove(L, -1, ['isyieldable']);
  lua.lua_getfield(L, -1, 'running');
  lua.lua_pushcclosure(L, (L) => {
    lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
    lua.lua_call(L, 0, 2);
    if (lua.lua_toboolean(L, -1)) return 0;
    lua.lua_pop(L, 1);
    return 1;
  }, 1);
  lua.lua_setfield(L, -2, 'running');
  lua.lua_pop(L, 1);
}

