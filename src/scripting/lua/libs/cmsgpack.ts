/*
 * The `cmsgpack` library (lua-cmsgpack 0.4.0's API): MessagePack encoding of Lua values.
 *
 * pack(v1, v2, ...) concatenates one encoding per argument. Numbers with an integral value
 * that fits 64 bits use the smallest integer form (fixint, uint8..64, int8..64), other numbers
 * a float32 when the value survives the round trip, else a float64. Strings are fixstr / str8 /
 * str16 / str32. A table whose keys are exactly 1..n is an array (its length taken with `#`),
 * anything else a map; tables nested deeper than 16 levels encode as nil, which is what makes
 * circular references terminate. Functions and other values encode as nil.
 *
 * unpack(s) decodes every value in s; unpack_one(s, offset) and unpack_limit(s, n, offset)
 * decode one / n values from a byte offset and return the next offset first (-1 at the end).
 */

import { lauxlib, lua, pushBytes, type LuaState, raise, argError } from '../fengari.js';

const MAX_NESTING = 16;

class Out {
  buf = Buffer.allocUnsafe(256);
  len = 0;

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.len);
    this.len += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.len);
    this.len += 4;
  }
}

function encodeInt(o: Out, n: number): void {
  if (n >= 0) {
    if (n <= 127) o.byte(n);
    else if (n <= 0xff) {
      o.byte(0xcc);
      o.byte(n);
    } else if (n <= 0xffff) {
      o.byte(0xcd);
      o.u16(n);
    } else if (n <= 0xffffffff) {
      o.byte(0xce);
      o.u32(n);
    } else {
      o.byte(0xcf);
      o.ensure(8);
      o.buf.writeBigUInt64BE(BigInt.asUintN(64, BigInt(n)), o.len);
      o.len += 8;
    }
  } else if (n >= -32) {
    o.byte(n & 0xff);
  } else if (n >= -128) {
    o.byte(0xd0);
    o.byte(n & 0xff);
  } else if (n >= -32768) {
    o.byte(0xd1);
    o.u16(n & 0xffff);
  } else if (n >= -2147483648) {
    o.byte(0xd2);
    o.u32(n >>> 0);
  } else {
    o.byte(0xd3);
    o.ensure(8);
    o.buf.writeBigInt64BE(BigInt.asIntN(64, BigInt(n)), o.len);
    o.len += 8;
  }
}

const f32 = new Float32Array(1);

function encodeNumber(o: Out, n: number): void {
  // IS_INT64_EQUIVALENT: the value equals its int64 cast.
  if (Number.isInteger(n) && n >= -9223372036854775808 && n < 9223372036854775808) {
    encodeInt(o, n === 0 ? 0 : n);
    return;
  }
  f32[0] = n;
  if (f32[0] === n) {
    o.byte(0xca);
    o.ensure(4);
    o.buf.writeFloatBE(n, o.len);
    o.len += 4;
    return;
  }
  o.byte(0xcb);
  o.ensure(8);
  o.buf.writeDoubleBE(n, o.len);
  o.len += 8;
}

function encodeBytes(o: Out, s: Uint8Array): void {
  const len = s.length;
  if (len < 32) o.byte(0xa0 | len);
  else if (len <= 0xff) {
    o.byte(0xd9);
    o.byte(len);
  } else if (len <= 0xffff) {
    o.byte(0xda);
    o.u16(len);
  } else {
    o.byte(0xdb);
    o.u32(len);
  }
  o.bytes(s);
}

function encodeArrayHeader(o: Out, n: number): void {
  if (n <= 15) o.byte(0x90 | n);
  else if (n <= 0xffff) {
    o.byte(0xdc);
    o.u16(n);
  } else {
    o.byte(0xdd);
    o.u32(n);
  }
}

function encodeMapHeader(o: Out, n: number): void {
  if (n <= 15) o.byte(0x80 | n);
  else if (n <= 0xffff) {
    o.byte(0xde);
    o.u16(n);
  } else {
    o.byte(0xdf);
    o.u32(n);
  }
}

/** table_is_an_array: every key a positive integral number, and max key == count. */
function tableIsArray(L: LuaState): boolean {
  const top = lua.lua_gettop(L);
  let count = 0;
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) !== lua.LUA_TNUMBER) {
      lua.lua_settop(L, top);
      return false;
    }
    const n = lua.lua_tonumber(L, -1);
    if (!(n > 0) || !Number.isInteger(n)) {
      lua.lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    count++;
  }
  lua.lua_settop(L, top);
  return max === count;
}

/** Encode the value on top of the stack (left in place). */
function encodeValue(L: LuaState, o: Out, level: number): void {
  let t = lua.lua_type(L, -1);
  if (t === lua.LUA_TTABLE && level === MAX_NESTING) t = lua.LUA_TNIL;
  switch (t) {
    case lua.LUA_TSTRING:
      encodeBytes(o, lua.lua_tolstring(L, -1) as Uint8Array);
      break;
    case lua.LUA_TBOOLEAN:
      o.byte(lua.lua_toboolean(L, -1) ? 0xc3 : 0xc2);
      break;
    case lua.LUA_TNUMBER:
      encodeNumber(o, lua.lua_tonumber(L, -1));
      break;
    case lua.LUA_TTABLE:
      lauxlib.luaL_checkstack(L, 4, 'too many nested tables');
      if (tableIsArray(L)) {
        const len = lua.lua_rawlen(L, -1);
        encodeArrayHeader(o, len);
        for (let j = 1; j <= len; j++) {
          lua.lua_rawgeti(L, -1, j);
          encodeValue(L, o, level + 1);
          lua.lua_pop(L, 1);
        }
      } else {
        let n = 0;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pop(L, 1);
          n++;
        }
        encodeMapHeader(o, n);
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pushvalue(L, -2);
          encodeValue(L, o, level + 1);
          lua.lua_pop(L, 1);
          encodeValue(L, o, level + 1);
          lua.lua_pop(L, 1);
        }
      }
      break;
    default:
      o.byte(0xc0);
  }
}

function pack(L: LuaState): number {
  const n = lua.lua_gettop(L);
  if (n === 0) argError(L, 0, 'MessagePack pack needs input.');
  const o = new Out();
  for (let i = 1; i <= n; i++) {
    lua.lua_pushvalue(L, i);
    encodeValue(L, o, 0);
    lua.lua_pop(L, 1);
  }
  pushBytes(L, Uint8Array.prototype.slice.call(o.buf, 0, o.len));
  return 1;
}

const ERR_EOF = 1;
const ERR_BADFMT = 2;

class Cursor {
  err = 0;
  constructor(
    readonly s: Uint8Array,
    public p: number,
    readonly end: number,
  ) {}

  get left(): number {
    return this.end - this.p;
  }

  need(n: number): boolean {
    if (this.end - this.p < n) {
      this.err = ERR_EOF;
      return false;
    }
    return true;
  }
}

function dv(c: Cursor): DataView {
  return new DataView(c.s.buffer, c.s.byteOffset, c.s.byteLength);
}

function decodeString(L: LuaState, c: Cursor, len: number): void {
  if (!c.need(len)) return;
  pushBytes(L, c.s.slice(c.p, c.p + len));
  c.p += len;
}

function decodeArray(L: LuaState, c: Cursor, n: number): void {
  lauxlib.luaL_checkstack(L, 2, 'too many nested tables');
  lua.lua_createtable(L, n, 0);
  for (let i = 1; i <= n; i++) {
    decodeValue(L, c);
    if (c.err) return;
    lua.lua_rawseti(L, -2, i);
  }
}

function decodeMap(L: LuaState, c: Cursor, n: number): void {
  lauxlib.luaL_checkstack(L, 3, 'too many nested tables');
  lua.lua_createtable(L, 0, n);
  for (let i = 0; i < n; i++) {
    decodeValue(L, c);
    if (c.err) return;
    decodeValue(L, c);
    if (c.err) return;
    lua.lua_settable(L, -3);
  }
}

/** Decode one value onto the stack (on error c.err is set and nothing is guaranteed). */
function decodeValue(L: LuaState, c: Cursor): void {
  if (!c.need(1)) return;
  const b = c.s[c.p] as number;
  const d = dv(c);
  const at = c.p;
  if (b <= 0x7f) {
    lua.lua_pushnumber(L, b);
    c.p++;
    return;
  }
  if (b >= 0xe0) {
    lua.lua_pushnumber(L, b - 256);
    c.p++;
    return;
  }
  if ((b & 0xe0) === 0xa0) {
    c.p++;
    decodeString(L, c, b & 0x1f);
    return;
  }
  if ((b & 0xf0) === 0x90) {
    c.p++;
    decodeArray(L, c, b & 0x0f);
    return;
  }
  if ((b & 0xf0) === 0x80) {
    c.p++;
    decodeMap(L, c, b & 0x0f);
    return;
  }
  switch (b) {
    case 0xc0:
      lua.lua_pushnil(L);
      c.p++;
      return;
    case 0xc2:
    case 0xc3:
      lua.lua_pushboolean(L, b === 0xc3);
      c.p++;
      return;
    case 0xcc:
      if (!c.need(2)) return;
      lua.lua_pushnumber(L, d.getUint8(at + 1));
      c.p += 2;
      return;
    case 0xd0:
      if (!c.need(2)) return;
      lua.lua_pushnumber(L, d.getInt8(at + 1));
      c.p += 2;
      return;
    case 0xcd:
      if (!c.need(3)) return;
      lua.lua_pushnumber(L, d.getUint16(at + 1));
      c.p += 3;
      return;
    case 0xd1:
      if (!c.need(3)) return;
      lua.lua_pushnumber(L, d.getInt16(at + 1));
      c.p += 3;
      return;
    case 0xce:
      if (!c.need(5)) return;
      lua.lua_pushnumber(L, d.getUint32(at + 1));
      c.p += 5;
      return;
    case 0xd2:
      if (!c.need(5)) return;
      lua.lua_pushnumber(L, d.getInt32(at + 1));
      c.p += 5;
      return;
    case 0xcf:
      if (!c.need(9)) return;
      lua.lua_pushnumber(L, Number(d.getBigUint64(at + 1)));
      c.p += 9;
      return;
    case 0xd3:
      if (!c.need(9)) return;
      lua.lua_pushnumber(L, Number(d.getBigInt64(at + 1)));
      c.p += 9;
      return;
    case 0xca:
      if (!c.need(5)) return;
      lua.lua_pushnumber(L, d.getFloat32(at + 1));
      c.p += 5;
      return;
    case 0xcb:
      if (!c.need(9)) return;
      lua.lua_pushnumber(L, d.getFloat64(at + 1));
      c.p += 9;
      return;
    case 0xd9:
    case 0xc4:
      if (!c.need(2)) return;
      c.p += 2;
      decodeString(L, c, d.getUint8(at + 1));
      return;
    case 0xda:
    case 0xc5:
      if (!c.need(3)) return;
      c.p += 3;
      decodeString(L, c, d.getUint16(at + 1));
      return;
    case 0xdb:
    case 0xc6:
      if (!c.need(5)) return;
      c.p += 5;
      decodeString(L, c, d.getUint32(at + 1));
      return;
    case 0xdc:
      if (!c.need(3)) return;
      c.p += 3;
      decodeArray(L, c, d.getUint16(at + 1));
      return;
    case 0xdd:
      if (!c.need(5)) return;
      c.p += 5;
      decodeArray(L, c, d.getUint32(at + 1));
      return;
    case 0xde:
      if (!c.need(3)) return;
      c.p += 3;
      decodeMap(L, c, d.getUint16(at + 1));
      return;
    case 0xdf:
      if (!c.need(5)) return;
      c.p += 5;
      decodeMap(L, c, d.getUint32(at + 1));
      return;
    default:
      c.err = ERR_BADFMT;
  }
}

function unpackFull(L: LuaState, limit: number, offset: number): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const len = s.length;
  if (offset < 0 || limit < 0) {
    raise(L, `Invalid request to unpack with offset of ${offset} and limit of ${limit}.`);
  } else if (offset > len) {
    raise(L, `Start offset ${offset} greater than input length ${len}.`);
  }
  const decodeAll = limit === 0 && offset === 0;
  const c = new Cursor(s, offset, len);
  let cnt = 0;
  for (; c.left > 0; cnt++) {
    if (!decodeAll && cnt === limit) break;
    decodeValue(L, c);
    if (c.err === ERR_EOF) raise(L, 'Missing bytes in input.');
    else if (c.err === ERR_BADFMT) raise(L, 'Bad data format in input.');
  }
  if (!decodeAll) {
    lauxlib.luaL_checkstack(L, 1, 'in function mp_unpack_full');
    lua.lua_pushnumber(L, c.left === 0 ? -1 : len - c.left);
    lua.lua_insert(L, 2);
    cnt++;
  }
  return cnt;
}

function unpack(L: LuaState): number {
  return unpackFull(L, 0, 0);
}

function unpackOne(L: LuaState): number {
  const offset = lauxlib.luaL_optinteger(L, 2, 0);
  lua.lua_pop(L, lua.lua_gettop(L) - 1);
  return unpackFull(L, 1, offset);
}

function unpackLimit(L: LuaState): number {
  const limit = lauxlib.luaL_checkinteger(L, 2);
  const offset = lauxlib.luaL_optinteger(L, 3, 0);
  lua.lua_pop(L, lua.lua_gettop(L) - 1);
  return unpackFull(L, limit, offset);
}

/** Build the `cmsgpack` table on the stack. */
export function openCmsgpack(L: LuaState): void {
  lua.lua_createtable(L, 0, 8);
  const fns: Record<string, (L: LuaState) => number> = {
    pack,
    unpack,
    unpack_one: unpackOne,
    unpack_limit: unpackLimit,
  };
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  const strings: Record<string, string> = {
    _NAME: 'cmsgpack',
    _VERSION: 'lua-cmsgpack 0.4.0',
    _COPYRIGHT: 'Copyright (C) 2012, Salvatore Sanfilippo',
    _DESCRIPTION: 'MessagePack C implementation for Lua',
  };
  for (const [name, v] of Object.entries(strings)) {
    lua.lua_pushliteral(L, v);
    lua.lua_setfield(L, -2, name);
  }
}
