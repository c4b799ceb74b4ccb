/*
 * The `bit` library (the LuaBitOp API Redis ships): 32-bit operations on Lua numbers.
 *
 * Arguments are normalised the way LuaBitOp does it on a double-only Lua: adding 2^52 + 2^51
 * to the number makes the FPU round it to an integer (ties to even) and puts its low 32 bits
 * in the low word of the double; those bits, read as a signed int32, are the operand. So
 * tobit(2^32 + 5) is 5 and tobit(2.5) is 2. Results are signed int32 values.
 */

import { lauxlib, lua, pushString, type LuaState } from '../fengari.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** LuaBitOp's barg: the int32 an argument stands for. */
export function tobit(n: number): number {
  f64[0] = n + 6755399441055744;
  return (u32[LOW] as number) | 0;
}

function arg(L: LuaState, i: number): number {
  return tobit(lauxlib.luaL_checknumber(L, i));
}

function ret(L: LuaState, v: number): number {
  lua.lua_pushnumber(L, v | 0);
  return 1;
}

function fold(op: (a: number, b: number) => number): (L: LuaState) => number {
  return (L) => {
    let v = arg(L, 1);
    const n = lua.lua_gettop(L);
    for (let i = 2; i <= n; i++) v = op(v, arg(L, i));
    return ret(L, v);
  };
}

const HEX_LOWER = '0123456789abcdef';
const HEX_UPPER = '0123456789ABCDEF';

const functions: Record<string, (L: LuaState) => number> = {
  tobit: (L) => ret(L, arg(L, 1)),
  bnot: (L) => ret(L, ~arg(L, 1)),
  band: fold((a, b) => a & b),
  bor: fold((a, b) => a | b),
  bxor: fold((a, b) => a ^ b),
  lshift: (L) => ret(L, arg(L, 1) << (arg(L, 2) & 31)),
  rshift: (L) => ret(L, arg(L, 1) >>> (arg(L, 2) & 31)),
  arshift: (L) => ret(L, arg(L, 1) >> (arg(L, 2) & 31)),
  rol: (L) => {
    const b = arg(L, 1);
    const n = arg(L, 2) & 31;
    return ret(L, (b << n) | (b >>> ((32 - n) & 31)));
  },
  ror: (L) => {
    const b = arg(L, 1);
    const n = arg(L, 2) & 31;
    return ret(L, (b >>> n) | (b << ((32 - n) & 31)));
  },
  bswap: (L) => {
    const b = arg(L, 1);
    return ret(L, ((b >>> 24) & 0xff) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24));
  },
  tohex: (L) => {
    let b = arg(L, 1);
    let n = lua.lua_isnoneornil(L, 2) ? 8 : arg(L, 2);
    let digits = HEX_LOWER;
    if (n < 0) {
      n = -n;
      digits = HEX_UPPER;
    }
    if (n > 8) n = 8;
    let s = '';
    for (let i = 0; i < n; i++) {
      s = digits[b & 15] + s;
      b >>>= 4;
    }
    pushString(L, s);
    return 1;
  },
};

/** Build the `bit` table on the stack. */
export function openBit(L: LuaState): void {
  lua.lua_createtable(L, 0, Object.keys(functions).length);
  for (const [name, fn] of Object.entries(functions)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}
