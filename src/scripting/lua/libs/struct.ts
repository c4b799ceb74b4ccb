/*
 * The `struct` library Redis ships (Roberto Ierusalimschy's struct 0.2 API): pack, unpack and
 * size of binary records described by a format string.
 *
 * Format: '<' little / '>' big endian, '!n' maximum alignment (power of 2, default 8 when n
 * is omitted), 'x' a padding byte, 'b'/'B' char, 'h'/'H' short (2), 'l'/'L' long and 'T'
 * size_t (8), 'i'/'I' int of n bytes (default 4, at most 32), 'f' float, 'd' double, 'cn' n
 * chars (c0: the whole string when packing; when unpacking, the length is the previous
 * result), 's' a zero-terminated string, ' ' ignored. Items are aligned to min(size,
 * alignment) relative to the start of the record; the default alignment is 1 (none).
 * Integers are written from the number's 64-bit two's complement value; wider fields get
 * zero bytes beyond the 8th.
 */

import { lauxlib, latin1Of, lua, pushBytes, type LuaState, raise, argError } from '../fengari.js';

const MAXINTSIZE = 32;
const MAXALIGN = 8;

interface Header {
  little: boolean;
  align: number;
}

interface Cursor {
  fmt: string;
  pos: number;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function getNum(L: LuaState, f: Cursor, def: number): number {
  if (!isDigit(f.fmt[f.pos])) return def;
  let a = 0;
  do {
    const d = (f.fmt.charCodeAt(f.pos) - 48);
    if (a > Math.floor(2147483647 / 10) || a * 10 > 2147483647 - d) raise(L, 'integral size overflow');
    a = a * 10 + d;
    f.pos++;
  } while (isDigit(f.fmt[f.pos]));
  return a;
}

function optSize(L: LuaState, opt: string, f: Cursor): number {
  switch (opt) {
    case 'B':
    case 'b':
    case 'x':
      return 1;
    case 'H':
    case 'h':
      return 2;
    case 'L':
    case 'l':
    case 'T':
    case 'd':
      return 8;
    case 'f':
      return 4;
    case 'c':
      return getNum(L, f, 1);
    case 'i':
    case 'I': {
      const sz = getNum(L, f, 4);
      if (sz > MAXINTSIZE) raise(L, `integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
      return sz;
    }
    default:
      return 0;
  }
}

function toAlign(len: number, h: Header, opt: string, size: number): number {
  if (size === 0 || opt === 'c') return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function controlOptions(L: LuaState, opt: string, f: Cursor, h: Header): void {
  switch (opt) {
    case ' ':
      return;
    case '>':
      h.little = false;
      return;
    case '<':
      h.little = true;
      return;
    case '!': {
      const a = getNum(L, f, MAXALIGN);
      if (a === 0 || (a & (a - 1)) !== 0) raise(L, `alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default:
      argError(L, 1, `invalid format option '${opt}'`);
  }
}

/** The 64-bit two's complement pattern C's casts give for a double. */
function intBits(n: number): bigint {
  if (n !== n) return 0n;
  if (n < 0) {
    if (n <= -9223372036854775808) return 1n << 63n;
    return BigInt.asUintN(64, BigInt(Math.trunc(n)));
  }
  if (n >= 18446744073709551616) return 0n;
  return BigInt(Math.trunc(n));
}

function putInteger(out: number[], n: number, little: boolean, size: number): void {
  let v = intBits(n);
  const bytes = new Array<number>(size).fill(0);
  for (let i = 0; i < size && i < 8; i++) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (!little) bytes.reverse();
  out.push(...bytes);
}

function getInteger(data: Uint8Array, pos: number, little: boolean, signed: boolean, size: number): number {
  let l = 0n;
  if (little) for (let i = size - 1; i >= 0; i--) l = ((l << 8n) | BigInt(data[pos + i] as number)) & 0xffffffffffffffffn;
  else for (let i = 0; i < size; i++) l = ((l << 8n) | BigInt(data[pos + i] as number)) & 0xffffffffffffffffn;
  if (!signed) return Number(l);
  if (size >= 8) return Number(BigInt.asIntN(64, l));
  return Number(BigInt.asIntN(size * 8, l));
}

const scratch = new DataView(new ArrayBuffer(8));

function pack(L: LuaState): number {
  const f: Cursor = { fmt: latin1Of(lauxlib.luaL_checklstring(L, 1)), pos: 0 };
  const h: Header = { little: true, align: 1 };
  const out: number[] = [];
  let arg = 2;
  let total = 0;
  while (f.pos < f.fmt.length) {
    const opt = f.fmt[f.pos++] as string;
    let size = optSize(L, opt, f);
    let pad = toAlign(total, h, opt, size);
    total += pad;
    while (pad-- > 0) out.push(0);
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        putInteger(out, lauxlib.luaL_checknumber(L, arg++), h.little, size);
        break;
      case 'x':
        out.push(0);
        break;
      case 'f':
        scratch.setFloat32(0, lauxlib.luaL_checknumber(L, arg++), h.little);
        for (let i = 0; i < 4; i++) out.push(scratch.getUint8(i));
        break;
      case 'd':
        scratch.setFloat64(0, lauxlib.luaL_checknumber(L, arg++), h.little);
        for (let i = 0; i < 8; i++) out.push(scratch.getUint8(i));
        break;
      case 'c':
      case 's': {
        const s = lauxlib.luaL_checklstring(L, arg++);
        if (size === 0) size = s.length;
        if (s.length < size) argError(L, arg, 'string too short');
        for (let i = 0; i < size; i++) out.push(s[i] as number);
        if (opt === 's') {
          out.push(0);
          size++;
        }
        break;
      }
      default:
        controlOptions(L, opt, f, h);
    }
    total += size;
  }
  pushBytes(L, Uint8Array.from(out));
  return 1;
}

function unpack(L: LuaState): number {
  const f: Cursor = { fmt: latin1Of(lauxlib.luaL_checklstring(L, 1)), pos: 0 };
  const data = lauxlib.luaL_checklstring(L, 2);
  const ld = data.length;
  let pos = lauxlib.luaL_optinteger(L, 3, 1) - 1;
  if (pos < 0 || pos > ld) argError(L, 3, 'offset must be 1 or greater');
  const h: Header = { little: true, align: 1 };
  let n = 0;
  while (f.pos < f.fmt.length) {
    const opt = f.fmt[f.pos++] as string;
    let size = optSize(L, opt, f);
    pos += toAlign(pos, h, opt, size);
    if (!(size <= ld && pos <= ld - size)) argError(L, 2, 'data string too short');
    lauxlib.luaL_checkstack(L, 2, 'too many results');
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        lua.lua_pushnumber(L, getInteger(data, pos, h.little, opt >= 'a' && opt <= 'z', size));
        n++;
        break;
      case 'x':
        break;
      case 'f':
        for (let i = 0; i < 4; i++) scratch.setUint8(i, data[pos + i] as number);
        lua.lua_pushnumber(L, scratch.getFloat32(0, h.little));
        n++;
        break;
      case 'd':
        for (let i = 0; i < 8; i++) scratch.setUint8(i, data[pos + i] as number);
        lua.lua_pushnumber(L, scratch.getFloat64(0, h.little));
        n++;
        break;
      case 'c':
        if (size === 0) {
          if (n === 0 || !lua.lua_isnumber(L, -1)) raise(L, "format 'c0' needs a previous size");
          size = Math.trunc(lua.lua_tonumber(L, -1));
          lua.lua_pop(L, 1);
          n--;
          if (!(size >= 0 && size <= ld && pos <= ld - size)) argError(L, 2, 'data string too short');
        }
        pushBytes(L, data.slice(pos, pos + size));
        n++;
        break;
      case 's': {
        const e = data.indexOf(0, pos);
        if (e === -1) raise(L, 'unfinished string in data');
        size = e - pos + 1;
        pushBytes(L, data.slice(pos, e));
        n++;
        break;
      }
      default:
        controlOptions(L, opt, f, h);
    }
    pos += size;
  }
  lua.lua_pushnumber(L, pos + 1);
  return n + 1;
}

function size(L: LuaState): number {
  const f: Cursor = { fmt: latin1Of(lauxlib.luaL_checklstring(L, 1)), pos: 0 };
  const h: Header = { little: true, align: 1 };
  let total = 0;
  while (f.pos < f.fmt.length) {
    const opt = f.fmt[f.pos++] as string;
    const sz = optSize(L, opt, f);
    total += toAlign(total, h, opt, sz);
    if (opt === 's') argError(L, 1, "option 's' has no fixed size");
    else if (opt === 'c' && sz === 0) argError(L, 1, "option 'c0' has no fixed size");
    if (!/[A-Za-z0-9]/.test(opt)) controlOptions(L, opt, f, h);
    total += sz;
  }
  lua.lua_pushnumber(L, total);
  return 1;
}

/** Build the `struct` table on the stack. */
export function openStruct(L: LuaState): void {
  lua.lua_createtable(L, 0, 3);
  lua.lua_pushcfunction(L, pack);
  lua.lua_setfield(L, -2, 'pack');
  lua.lua_pushcfunction(L, unpack);
  lua.lua_setfield(L, -2, 'unpack');
  lua.lua_pushcfunction(L, size);
  lua.lua_setfield(L, -2, 'size');
}

