/*
 * The `cjson` library (lua-cjson 2.1.0's API and messages, as Redis ships it).
 *
 * encode: strings are escaped with \uXXXX for control characters and DEL, \" \\ \/ and the
 * short escapes; bytes >= 0x80 pass through. Numbers use "%.14g" (encode_number_precision),
 * NaN/Inf are refused unless encode_invalid_numbers allows them. A table is an array when all
 * its keys are positive integers (and it is not excessively sparse: max key > 2 x count and
 * > 10 is refused, or converted with encode_sparse_array(true)), an empty table is an object.
 * Object keys must be strings or numbers. cjson.null (a NULL light userdata) encodes as null.
 *
 * decode: a token reader with lua-cjson's error texts ("Expected value but found T_END at
 * character 1"), strtod-like numbers (hex, inf and nan accepted while decode_invalid_numbers is
 * on, the default), \u escapes with surrogate pairs turned into UTF-8, null as cjson.null, and
 * the decode_max_depth limit.
 */

import { bytesOf, lauxlib, latin1Of, lua, pushBytes, str2number, type LuaState, raise, argError } from '../fengari.js';
import { formatFloat } from '../cformat.js';

interface Config {
  sparseConvert: boolean;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  precision: number;
  keepBuffer: boolean;
  encodeInvalid: 0 | 1 | 2; // off, on, null
  decodeInvalid: boolean;
}

function defaults(): Config {
  return {
    sparseConvert: false,
    sparseRatio: 2,
    sparseSafe: 10,
    encodeMaxDepth: 1000,
    decodeMaxDepth: 1000,
    precision: 14,
    keepBuffer: true,
    encodeInvalid: 0,
    decodeInvalid: true,
  };
}

/* ---- configuration functions ------------------------------------------------------------------ */

function checkArgs(L: LuaState, max: number): void {
  if (lua.lua_gettop(L) > max) argError(L, max + 1, 'found too many arguments');
}

/** json_integer_option: optional integer argument within [min, max]. */
function intOption(L: LuaState, idx: number, cur: number, min: number, max: number): number {
  if (lua.lua_isnoneornil(L, idx)) return cur;
  const v = lauxlib.luaL_checkinteger(L, idx);
  if (v < min || v > max) argError(L, idx, `expected integer between ${min} and ${max}`);
  return v;
}

/** json_enum_option for on/off (and a third value): booleans or the option names. */
function enumOption(L: LuaState, idx: number, cur: number, names: readonly string[]): number {
  if (lua.lua_isnoneornil(L, idx)) return cur;
  if (lua.lua_type(L, idx) === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, idx) ? 1 : 0;
  const s = latin1Of(lauxlib.luaL_checklstring(L, idx));
  const i = names.indexOf(s);
  if (i === -1) argError(L, idx, `invalid option '${s}'`);
  return i;
}

function pushEnum(L: LuaState, v: number, names: readonly string[]): void {
  if (names.length === 2) lua.lua_pushboolean(L, v === 1);
  else if (v <= 1) lua.lua_pushboolean(L, v === 1);
  else lua.lua_pushliteral(L, names[v] as string);
}

/* ---- encoding ------------------------------------------------------------------------------------ */

const ESCAPES: string[] = [];
for (let i = 0; i < 256; i++) {
  if (i < 32 || i === 127) ESCAPES[i] = '\\u' + i.toString(16).padStart(4, '0');
}
ESCAPES[8] = '\\b';
ESCAPES[9] = '\\t';
ESCAPES[10] = '\\n';
ESCAPES[12] = '\\f';
ESCAPES[13] = '\\r';
ESCAPES[34] = '\\"';
ESCAPES[92] = '\\\\';
ESCAPES[47] = '\\/';

function appendString(parts: string[], b: Uint8Array): void {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    const e = ESCAPES[c];
    s += e === undefined ? String.fromCharCode(c) : e;
  }
  parts.push(s + '"');
}

function typeName(L: LuaState, idx: number): string {
  return latin1Of(lauxlib.luaL_typename(L, idx));
}

function encodeError(L: LuaState, idx: number, reason: string): never {
  return raise(L, `Cannot serialise ${typeName(L, idx)}: ${reason}`);
}

function appendNumber(L: LuaState, cfg: Config, parts: string[], idx: number): void {
  const n = lua.lua_tonumber(L, idx);
  if (n !== n || n === Infinity || n === -Infinity) {
    if (cfg.encodeInvalid === 0) encodeError(L, idx, 'must not be NaN or Inf');
    if (cfg.encodeInvalid === 2) {
      parts.push('null');
      return;
    }
  }
  parts.push(formatFloat(n, 'g', cfg.precision, ''));
}

/** lua_array_length: the array size, or -1 when the table is not an array. */
function arrayLength(L: LuaState, cfg: Config): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    if (lua.lua_type(L, -2) === lua.LUA_TNUMBER) {
      const k = lua.lua_tonumber(L, -2);
      if (Number.isInteger(k) && k >= 1) {
        if (k > max) max = k;
        items++;
        lua.lua_pop(L, 1);
        continue;
      }
    }
    lua.lua_pop(L, 2);
    return -1;
  }
  if (cfg.sparseRatio > 0 && max > items * cfg.sparseRatio && max > cfg.sparseSafe) {
    if (!cfg.sparseConvert) encodeError(L, -1, 'excessively sparse array');
    return -1;
  }
  return max;
}

function appendValue(L: LuaState, cfg: Config, parts: string[], depth: number): void {
  switch (lua.lua_type(L, -1)) {
    case lua.LUA_TSTRING:
      appendString(parts, lua.lua_tolstring(L, -1) as Uint8Array);
      return;
    case lua.LUA_TNUMBER:
      appendNumber(L, cfg, parts, -1);
      return;
    case lua.LUA_TBOOLEAN:
      parts.push(lua.lua_toboolean(L, -1) ? 'true' : 'false');
      return;
    case lua.LUA_TNIL:
      parts.push('null');
      return;
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, -1) === null) {
        parts.push('null');
        return;
      }
      break;
    case lua.LUA_TTABLE: {
      depth++;
      if (depth > cfg.encodeMaxDepth || !lua.lua_checkstack(L, 3)) {
        raise(L, `Cannot serialise, excessive nesting (${depth})`);
      }
      const len = arrayLength(L, cfg);
      if (len > 0) {
        parts.push('[');
        for (let i = 1; i <= len; i++) {
          if (i > 1) parts.push(',');
          lua.lua_rawgeti(L, -1, i);
          appendValue(L, cfg, parts, depth);
          lua.lua_pop(L, 1);
        }
        parts.push(']');
      } else {
        parts.push('{');
        let first = true;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          if (!first) parts.push(',');
          first = false;
          const kt = lua.lua_type(L, -2);
          if (kt === lua.LUA_TSTRING) {
            appendString(parts, lua.lua_tolstring(L, -2) as Uint8Array);
            parts.push(':');
          } else if (kt === lua.LUA_TNUMBER) {
            parts.push('"');
            appendNumber(L, cfg, parts, -2);
            parts.push('":');
          } else {
            encodeError(L, -2, 'table key must be a number or string');
          }
          appendValue(L, cfg, parts, depth);
          lua.lua_pop(L, 1);
        }
        parts.push('}');
      }
      return;
    }
  }
  encodeError(L, -1, 'type not supported');
}

/* ---- decoding ------------------------------------------------------------------------------------ */

const T_OBJ_BEGIN = 0;
const T_OBJ_END = 1;
const T_ARR_BEGIN = 2;
const T_ARR_END = 3;
const T_STRING = 4;
const T_NUMBER = 5;
const T_BOOLEAN = 6;
const T_NULL = 7;
const T_COLON = 8;
const T_COMMA = 9;
const T_END = 10;
const T_ERROR = 12;
const TOKEN_NAMES = ['T_OBJ_BEGIN', 'T_OBJ_END', 'T_ARR_BEGIN', 'T_ARR_END', 'T_STRING', 'T_NUMBER', 'T_BOOLEAN',
  'T_NULL', 'T_COLON', 'T_COMMA', 'T_END', 'T_WHITESPACE', 'T_ERROR', 'T_UNKNOWN'];

interface Token {
  type: number;
  index: number;
  str: Uint8Array | null;
  num: number;
  bool: boolean;
  err: string;
}

class Parser {
  p = 0;
  depth = 0;
  readonly tok: Token = { type: T_END, index: 0, str: null, num: 0, bool: false, err: '' };

  constructor(
    readonly L: LuaState,
    readonly s: Uint8Array,
    readonly cfg: Config,
  ) {}

  private at(i: number): number {
    return i < this.s.length ? (this.s[i] as number) : 0;
  }

  private error(msg: string): void {
    this.tok.type = T_ERROR;
    this.tok.index = this.p;
    this.tok.err = msg;
  }

  private startsWith(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.at(this.p + i) !== word.charCodeAt(i)) return false;
    return true;
  }

  private invalidNumber(): boolean {
    let p = this.p;
    const c0 = this.at(p);
    if (c0 === 43) return true;
    if (c0 === 45) p++;
    const c = this.at(p);
    if (c === 48) {
      const c2 = this.at(p + 1);
      return (c2 | 0x20) === 120 || (c2 >= 48 && c2 <= 57);
    }
    if (c <= 57) return false;
    const w = latin1Of(this.s.subarray(p, p + 3)).toLowerCase();
    return w === 'inf' || w === 'nan';
  }

  private number(): void {
    // strtod: the longest prefix that parses.
    let end = this.p;
    while (end < this.s.length && /[0-9a-zA-Z.+\-]/.test(String.fromCharCode(this.s[end] as number))) end++;
    const text = latin1Of(this.s.subarray(this.p, end));
    for (let n = text.length; n > 0; n--) {
      const v = str2number(text.slice(0, n));
      if (v !== null) {
        this.tok.type = T_NUMBER;
        this.tok.num = v;
        this.p += n;
        return;
      }
    }
    this.error('invalid number');
  }

  private string(): void {
    const out: number[] = [];
    this.p++; // opening quote
    for (;;) {
      const ch = this.at(this.p);
      if (this.p >= this.s.length || ch === 0) {
        this.error('unexpected end of string');
        return;
      }
      if (ch === 34) {
        this.p++;
        break;
      }
      if (ch !== 92) {
        out.push(ch);
        this.p++;
        continue;
      }
      const e = this.at(this.p + 1);
      switch (e) {
        case 34:
        case 92:
        case 47:
          out.push(e);
          this.p += 2;
          break;
        case 98:
          out.push(8);
          this.p += 2;
          break;
        case 102:
          out.push(12);
          this.p += 2;
          break;
        case 110:
          out.push(10);
          this.p += 2;
          break;
        case 114:
          out.push(13);
          this.p += 2;
          break;
        case 116:
          out.push(9);
          this.p += 2;
          break;
        case 117: {
          const n = this.unicode(out);
          if (n < 0) {
            this.error('invalid unicode escape code');
            return;
          }
          this.p += n;
          break;
        }
        default:
          this.error('invalid escape code');
          return;
      }
    }
    this.tok.type = T_STRING;
    this.tok.str = Uint8Array.from(out);
  }

  private hex4(at: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.at(at + i);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
      else return -1;
      v = v * 16 + d;
    }
    return v;
  }

  /** A \uXXXX escape (with a following low surrogate when needed): bytes consumed or -1. */
  private unicode(out: number[]): number {
    let cp = this.hex4(this.p + 2);
    if (cp < 0) return -1;
    let len = 6;
    if ((cp & 0xf800) === 0xd800) {
      if ((cp & 0xfc00) !== 0xd800) return -1; // a lone low surrogate
      if (this.at(this.p + 6) !== 92 || this.at(this.p + 7) !== 117) return -1;
      const lo = this.hex4(this.p + 8);
      if (lo < 0 || (lo & 0xfc00) !== 0xdc00) return -1;
      cp = (((cp & 0x3ff) << 10) | (lo & 0x3ff)) + 0x10000;
      len = 12;
    }
    const b = Buffer.from(String.fromCodePoint(cp), 'utf8');
    for (const x of b) out.push(x);
    return len;
  }

  next(): void {
    const t = this.tok;
    while (this.p < this.s.length) {
      const c = this.s[this.p] as number;
      if (c === 32 || c === 9 || c === 10 || c === 13) this.p++;
      else break;
    }
    t.index = this.p;
    if (this.p >= this.s.length || this.s[this.p] === 0) {
      t.type = T_END;
      return;
    }
    const ch = this.s[this.p] as number;
    switch (ch) {
      case 123:
        t.type = T_OBJ_BEGIN;
        this.p++;
        return;
      case 125:
        t.type = T_OBJ_END;
        this.p++;
        return;
      case 91:
        t.type = T_ARR_BEGIN;
        this.p++;
        return;
      case 93:
        t.type = T_ARR_END;
        this.p++;
        return;
      case 58:
        t.type = T_COLON;
        this.p++;
        return;
      case 44:
        t.type = T_COMMA;
        this.p++;
        return;
      case 34:
        this.string();
        return;
    }
    if (ch === 45 || (ch >= 48 && ch <= 57)) {
      if (!this.cfg.decodeInvalid && this.invalidNumber()) {
        this.error('invalid number');
        return;
      }
      this.number();
      return;
    }
    if (this.startsWith('true')) {
      t.type = T_BOOLEAN;
      t.bool = true;
      this.p += 4;
      return;
    }
    if (this.startsWith('false')) {
      t.type = T_BOOLEAN;
      t.bool = false;
      this.p += 5;
      return;
    }
    if (this.startsWith('null')) {
      t.type = T_NULL;
      this.p += 4;
      return;
    }
    if (this.cfg.decodeInvalid && this.invalidNumber()) {
      this.number();
      return;
    }
    this.error('invalid token');
  }

  /** The current token's type (a method, so that checks are not narrowed across next()). */
  tt(): number {
    return this.tok.type;
  }

  fail(expected: string): never {
    const t = this.tok;
    const found = t.type === T_ERROR ? t.err : (TOKEN_NAMES[t.type] as string);
    return raise(this.L, `Expected ${expected} but found ${found} at character ${t.index + 1}`);
  }

  private descend(slots: number): void {
    this.depth++;
    if (this.depth <= this.cfg.decodeMaxDepth && lua.lua_checkstack(this.L, slots)) return;
    raise(this.L, `Found too many nested data structures (${this.depth}) at character ${this.p}`);
  }

  value(): void {
    const L = this.L;
    const t = this.tok;
    switch (t.type) {
      case T_STRING:
        pushBytes(L, t.str as Uint8Array);
        return;
      case T_NUMBER:
        lua.lua_pushnumber(L, t.num);
        return;
      case T_BOOLEAN:
        lua.lua_pushboolean(L, t.bool);
        return;
      case T_NULL:
        lua.lua_pushlightuserdata(L, null);
        return;
      case T_OBJ_BEGIN:
        this.object();
        return;
      case T_ARR_BEGIN:
        this.array();
        return;
      default:
        this.fail('value');
    }
  }

  private object(): void {
    const L = this.L;
    this.descend(3);
    lua.lua_newtable(L);
    this.next();
    if (this.tt() === T_OBJ_END) {
      this.depth--;
      return;
    }
    for (;;) {
      if (this.tt() !== T_STRING) this.fail('object key string');
      pushBytes(L, this.tok.str as Uint8Array);
      this.next();
      if (this.tt() !== T_COLON) this.fail('colon');
      this.next();
      this.value();
      lua.lua_rawset(L, -3);
      this.next();
      if (this.tt() === T_OBJ_END) break;
      if (this.tt() !== T_COMMA) this.fail('comma or object end');
      this.next();
    }
    this.depth--;
  }

  private array(): void {
    const L = this.L;
    this.descend(2);
    lua.lua_newtable(L);
    this.next();
    if (this.tt() === T_ARR_END) {
      this.depth--;
      return;
    }
    for (let i = 1; ; i++) {
      this.value();
      lua.lua_rawseti(L, -2, i);
      this.next();
      if (this.tt() === T_ARR_END) break;
      if (this.tt() !== T_COMMA) this.fail('comma or array end');
      this.next();
    }
    this.depth--;
  }
}

/* ---- the module table ---------------------------------------------------------------------------- */

const ON_OFF = ['off', 'on'];
const INVALID = ['off', 'on', 'null'];

function makeModule(L: LuaState): void {
  const cfg = defaults();
  const fns: Record<string, (L: LuaState) => number> = {
    encode: (L) => {
      if (lua.lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
      const parts: string[] = [];
      appendValue(L, cfg, parts, 0);
      pushBytes(L, bytesOf(parts.join('')));
      return 1;
    },
    decode: (L) => {
      if (lua.lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
      const s = lauxlib.luaL_checklstring(L, 1);
      if (s.length >= 2 && (s[0] === 0 || s[1] === 0)) raise(L, 'JSON parser does not support UTF-16 or UTF-32');
      const p = new Parser(L, s, cfg);
      p.next();
      p.value();
      p.next();
      if (p.tt() !== T_END) p.fail('the end');
      return 1;
    },
    encode_sparse_array: (L) => {
      checkArgs(L, 3);
      cfg.sparseConvert = enumOption(L, 1, cfg.sparseConvert ? 1 : 0, ON_OFF) === 1;
      cfg.sparseRatio = intOption(L, 2, cfg.sparseRatio, 0, 2147483647);
      cfg.sparseSafe = intOption(L, 3, cfg.sparseSafe, 0, 2147483647);
      lua.lua_pushboolean(L, cfg.sparseConvert);
      lua.lua_pushnumber(L, cfg.sparseRatio);
      lua.lua_pushnumber(L, cfg.sparseSafe);
      return 3;
    },
    encode_max_depth: (L) => {
      checkArgs(L, 1);
      cfg.encodeMaxDepth = intOption(L, 1, cfg.encodeMaxDepth, 1, 2147483647);
      lua.lua_pushnumber(L, cfg.encodeMaxDepth);
      return 1;
    },
    decode_max_depth: (L) => {
      checkArgs(L, 1);
      cfg.decodeMaxDepth = intOption(L, 1, cfg.decodeMaxDepth, 1, 2147483647);
      lua.lua_pushnumber(L, cfg.decodeMaxDepth);
      return 1;
    },
    encode_number_precision: (L) => {
      checkArgs(L, 1);
      cfg.precision = intOption(L, 1, cfg.precision, 1, 14);
      lua.lua_pushnumber(L, cfg.precision);
      return 1;
    },
    encode_keep_buffer: (L) => {
      checkArgs(L, 1);
      cfg.keepBuffer = enumOption(L, 1, cfg.keepBuffer ? 1 : 0, ON_OFF) === 1;
      lua.lua_pushboolean(L, cfg.keepBuffer);
      return 1;
    },
    encode_invalid_numbers: (L) => {
      checkArgs(L, 1);
      cfg.encodeInvalid = enumOption(L, 1, cfg.encodeInvalid, INVALID) as 0 | 1 | 2;
      pushEnum(L, cfg.encodeInvalid, INVALID);
      return 1;
    },
    decode_invalid_numbers: (L) => {
      checkArgs(L, 1);
      cfg.decodeInvalid = enumOption(L, 1, cfg.decodeInvalid ? 1 : 0, ON_OFF) === 1;
      lua.lua_pushboolean(L, cfg.decodeInvalid);
      return 1;
    },
    new: (L) => {
      makeModule(L);
      return 1;
    },
  };
  lua.lua_createtable(L, 0, 14);
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushlightuserdata(L, null);
  lua.lua_setfield(L, -2, 'null');
  lua.lua_pushliteral(L, 'cjson');
  lua.lua_setfield(L, -2, '_NAME');
  lua.lua_pushliteral(L, '2.1.0');
  lua.lua_setfield(L, -2, '_VERSION');
}

/** Build the `cjson` table on the stack. */
export function openCjson(L: LuaState): void {
  makeModule(L);
}
