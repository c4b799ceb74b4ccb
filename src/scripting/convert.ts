/*
 * Conversions between Redis replies and Lua values, with Redis's rules.
 *
 * Redis → Lua (the reply of redis.call / redis.pcall). A command runs against the script's
 * own client, whose reply writer produces RESP bytes exactly as for a network client; those
 * bytes are parsed here into Lua values, so every command (and every byte it writes, raw or
 * not) converts the same way it does in Redis:
 *   integer → number; bulk → string; null bulk / null array → false; array → table;
 *   status → {ok=...}; error → {err=...}; and with redis.setresp(3): map → {map={...}},
 *   set → {set={[member]=true}}, null → nil, boolean → boolean, double → {double=n},
 *   big number → {big_number=s}, verbatim → {verbatim_string={format=..., string=...}};
 *   attributes are skipped.
 *
 * Lua → Redis (what a script returns): string → bulk; number → integer (truncated, as a C
 * cast to long long); boolean → 1 / null in RESP2 scripts, a RESP3 boolean after setresp(3);
 * table → error ({err=}), status ({ok=}), double, big number, verbatim, map, set, or else an
 * array of the elements 1, 2, ... up to the first nil; anything else → null. Fields are read
 * raw: metatables play no part.
 */

import type { ReplyWriter } from '../protocol/reply-writer.js';
import { formatDouble17g } from '../util/numbers.js';
import {
  bytesOf, latin1Of, lit, lua, newStringFieldTable, pushBytes, pushStringObject, pushTable, rawsetiNew, stringObject,
  stringOfBytes, type LuaState, type LuaStringObject,
} from './lua/fengari.js';

/* ---- errors as Lua tables ---------------------------------------------------------------------- */

/**
 * luaPushErrorBuff: push {err="<CODE> <message>"} for an error text in either form
 * "-CODE message" or "message" (which gets the ERR code); trailing CR/LF are trimmed.
 */
export function pushErrorTable(L: LuaState, text: string, ignoreStats = false): void {
  let code: string;
  let msg: string;
  if (text.startsWith('-')) {
    const sp = text.indexOf(' ');
    if (sp === -1) {
      code = 'ERR';
      msg = text.slice(1);
    } else {
      code = text.slice(1, sp);
      msg = text.slice(sp + 1);
    }
  } else {
    code = 'ERR';
    msg = text;
  }
  msg = msg.replace(/^[\r\n]+|[\r\n]+$/g, '');
  lua.lua_createtable(L, 0, 2);
  pushKey(L, K_ERR);
  pushBytes(L, bytesOf(`${code} ${msg}`));
  lua.lua_rawset(L, -3);
  if (ignoreStats) {
    pushStringObject(L, S_IGNORE);
    lua.lua_pushboolean(L, true);
    lua.lua_rawset(L, -3);
  }
}

/* ---- RESP bytes → Lua ---------------------------------------------------------------------------- */

class RespReader {
  pos = 0;
  constructor(readonly b: Buffer) {}

  /** The line from pos to CRLF (latin1), advancing past it. */
  line(): string {
    const end = this.b.indexOf(13, this.pos);
    const s = this.b.latin1Slice(this.pos, end);
    this.pos = end + 2;
    return s;
  }

  /**
   * The line from pos to CRLF as a number (a length or an integer reply), advancing past it.
   * Short runs of digits are added up directly; anything else goes through Number(line()).
   */
  int(): number {
    const b = this.b;
    let p = this.pos;
    const neg = b[p] === 0x2d;
    if (neg) p++;
    let n = 0;
    const start = p;
    for (;;) {
      const c = b[p] as number;
      if (c >= 0x30 && c <= 0x39 && p - start < 15) {
        n = n * 10 + (c - 0x30);
        p++;
        continue;
      }
      if (c === 13 && p !== start) {
        this.pos = p + 2;
        return neg ? -n : n;
      }
      return Number(this.line());
    }
  }

  /** A copy of the next n bytes (the payload of a bulk reply), advancing past its CRLF. */
  bytes(n: number): Uint8Array {
    const b = this.b;
    const p = this.pos;
    const out = new Uint8Array(n);
    if (n < 64) {
      for (let i = 0; i < n; i++) out[i] = b[p + i] as number;
    } else {
      out.set(b.subarray(p, p + n));
    }
    this.pos = p + n + 2;
    return out;
  }
}

function parseDouble(s: string): number {
  if (s === 'inf' || s === '+inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan' || s === '-nan') return NaN;
  return Number(s);
}

const K_OK = lit('ok');
const K_MAP = lit('map');
const K_SET = lit('set');
const K_DOUBLE = lit('double');
const K_BIG = lit('big_number');
const K_VERBATIM = lit('verbatim_string');
const K_FORMAT = lit('format');
const K_STRING = lit('string');
const K_ERR = lit('err');
/** The same keys as Lua string objects, made once (their hashes are computed once). */
const KEY_OBJECTS = new Map<Uint8Array, LuaStringObject>(
  [K_OK, K_MAP, K_SET, K_DOUBLE, K_BIG, K_VERBATIM, K_FORMAT, K_STRING, K_ERR].map((k) => [k, stringObject(latin1Of(k))]),
);

const S_IGNORE = stringObject('ignore_error_stats_update');
/** The status text most commands reply with. */
const S_OK_VALUE = stringObject('OK');
const S_OK_KEY = KEY_OBJECTS.get(K_OK) as LuaStringObject;

function pushKey(L: LuaState, k: Uint8Array): void {
  const ts = KEY_OBJECTS.get(k);
  if (ts !== undefined) pushStringObject(L, ts);
  else lua.lua_pushlstring(L, k, k.length);
}

/** Push one reply (`ctx` false: parse and discard, for attributes). */
function pushValue(L: LuaState, r: RespReader, keep: boolean): void {
  const b = r.b;
  const type = b[r.pos++] as number;
  lua.lua_checkstack(L, 4);
  switch (type) {
    case 0x3a: {
      // ':'
      const n = r.int();
      if (keep) lua.lua_pushnumber(L, n);
      return;
    }
    case 0x24: {
      // '$'
      const len = r.int();
      if (len < 0) {
        if (keep) lua.lua_pushboolean(L, false);
        return;
      }
      const s = r.bytes(len);
      if (keep) pushBytes(L, s);
      return;
    }
    case 0x2b: {
      // '+'
      if (b[r.pos] === 0x4f && b[r.pos + 1] === 0x4b && b[r.pos + 2] === 13) {
        // "+OK", most commands' status.
        r.pos += 4;
        if (keep) pushTable(L, newStringFieldTable(L, S_OK_KEY, S_OK_VALUE));
        return;
      }
      const s = r.line();
      if (!keep) return;
      pushTable(L, newStringFieldTable(L, S_OK_KEY, stringOfBytes(L, bytesOf(s))));
      return;
    }
    case 0x2d: {
      // '-'
      const s = r.line();
      if (keep) pushErrorTable(L, '-' + s, true);
      return;
    }
    case 0x2a:
    case 0x3e: {
      // '*', '>'
      const n = r.int();
      if (n < 0) {
        if (keep) lua.lua_pushboolean(L, false);
        return;
      }
      if (!keep) {
        for (let j = 0; j < n; j++) pushValue(L, r, false);
        return;
      }
      lua.lua_createtable(L, n, 0);
      for (let j = 0; j < n; j++) {
        pushValue(L, r, true);
        rawsetiNew(L, -2, j + 1);
      }
      return;
    }
    case 0x25: {
      // '%'
      const n = Number(r.line());
      if (keep) {
        lua.lua_createtable(L, 0, 1);
        pushKey(L, K_MAP);
        lua.lua_createtable(L, 0, n);
      }
      for (let j = 0; j < n; j++) {
        pushValue(L, r, keep);
        pushValue(L, r, keep);
        if (keep) lua.lua_settable(L, -3);
      }
      if (keep) lua.lua_settable(L, -3);
      return;
    }
    case 0x7e: {
      // '~'
      const n = Number(r.line());
      if (keep) {
        lua.lua_createtable(L, 0, 1);
        pushKey(L, K_SET);
        lua.lua_createtable(L, 0, n);
      }
      for (let j = 0; j < n; j++) {
        pushValue(L, r, keep);
        if (keep) {
          lua.lua_pushboolean(L, true);
          lua.lua_settable(L, -3);
        }
      }
      if (keep) lua.lua_settable(L, -3);
      return;
    }
    case 0x7c: {
      // '|' attribute: skipped, the reply follows.
      const n = Number(r.line());
      for (let j = 0; j < n; j++) {
        pushValue(L, r, false);
        pushValue(L, r, false);
      }
      pushValue(L, r, keep);
      return;
    }
    case 0x5f:
      // '_'
      r.line();
      if (keep) lua.lua_pushnil(L);
      return;
    case 0x23: {
      // '#'
      const t = r.line() === 't';
      if (keep) lua.lua_pushboolean(L, t);
      return;
    }
    case 0x2c: {
      // ','
      const d = parseDouble(r.line());
      if (!keep) return;
      lua.lua_createtable(L, 0, 1);
      pushKey(L, K_DOUBLE);
      lua.lua_pushnumber(L, d);
      lua.lua_settable(L, -3);
      return;
    }
    case 0x28: {
      // '('
      const s = r.line();
      if (!keep) return;
      lua.lua_createtable(L, 0, 1);
      pushKey(L, K_BIG);
      pushBytes(L, bytesOf(s));
      lua.lua_settable(L, -3);
      return;
    }
    case 0x3d: {
      // '=' verbatim: "fmt:" then the text
      const len = Number(r.line());
      const all = r.bytes(len);
      if (!keep) return;
      lua.lua_createtable(L, 0, 1);
      pushKey(L, K_VERBATIM);
      lua.lua_createtable(L, 0, 2);
      pushKey(L, K_STRING);
      pushBytes(L, all.slice(4));
      lua.lua_settable(L, -3);
      pushKey(L, K_FORMAT);
      pushBytes(L, all.slice(0, 3));
      lua.lua_settable(L, -3);
      lua.lua_settable(L, -3);
      return;
    }
    default:
      throw new Error(`unexpected reply type byte ${type}`);
  }
}

/**
 * Push the Lua value of one complete RESP reply. Returns true when the reply is an error
 * (a table with an `err` field was pushed).
 */
export function pushReply(L: LuaState, reply: Buffer): boolean {
  const r = new RespReader(reply);
  let isError = reply[0] === 0x2d;
  // An attribute in front of an error still makes it an error.
  if (reply[0] === 0x7c) isError = false;
  pushValue(L, r, true);
  return isError;
}

/* ---- Lua → reply ---------------------------------------------------------------------------------- */

/** What C's (long long) cast of a double gives on x86-64 (LLONG_MIN when out of range). */
export function toLongLong(n: number): number | bigint {
  if (n > -9007199254740992 && n < 9007199254740992) {
    const t = Math.trunc(n);
    return t === 0 ? 0 : t;
  }
  if (n >= -9223372036854775808 && n < 9223372036854775808) return BigInt(n);
  return -9223372036854775808n;
}

/** The C-string view of a Lua string (up to the first NUL), CR/LF mapped to spaces. */
function statusText(b: Uint8Array): string {
  const nul = b.indexOf(0);
  const s = latin1Of(nul === -1 ? b : b.subarray(0, nul));
  return s.replace(/[\r\n]/g, ' ');
}

/** Read t[key] raw for the table at `idx`; pushes the value and returns its type. */
function rawField(L: LuaState, idx: number, key: Uint8Array): number {
  pushKey(L, key);
  return lua.lua_rawget(L, idx < 0 ? idx - 1 : idx);
}

export interface ErrorInfo {
  msg: string | null;
  source: string | null;
  line: string | null;
  ignoreStats: boolean;
}

/** luaExtractErrorInformation for the value at the top of the stack (left in place). */
export function errorInfo(L: LuaState): ErrorInfo {
  const info: ErrorInfo = { msg: null, source: null, line: null, ignoreStats: false };
  if (lua.lua_type(L, -1) === lua.LUA_TSTRING) info.msg = 'ERR ' + latin1Of(lua.lua_tolstring(L, -1) as Uint8Array);
  if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) return info;
  const str = (key: string): string | null => {
    lua.lua_getfield(L, -1, key);
    const v = lua.lua_isstring(L, -1) ? latin1Of(lua.lua_tolstring(L, -1) as Uint8Array) : null;
    lua.lua_pop(L, 1);
    return v;
  };
  const err = str('err');
  if (err !== null) info.msg = err;
  info.source = str('source');
  info.line = str('line');
  lua.lua_getfield(L, -1, 'ignore_error_stats_update');
  if (lua.lua_type(L, -1) === lua.LUA_TBOOLEAN) info.ignoreStats = lua.lua_toboolean(L, -1);
  lua.lua_pop(L, 1);
  return info;
}

/** Write an error reply, optionally without counting it in the error statistics. */
export function writeError(w: ReplyWriter, msg: string, ignoreStats: boolean): void {
  if (!ignoreStats) {
    w.error(msg);
    return;
  }
  const saved = w.onError;
  w.onError = null;
  w.error(msg);
  w.onError = saved;
}

/** Nesting depth at which Redis's Lua stack runs out while converting a reply. */
const MAX_REPLY_DEPTH = 1000;

/**
 * luaReplyToRedisReply: write the value at the top of the stack to `w` and pop it.
 * `scriptResp` is the script's protocol (redis.setresp); `w.resp` the caller's.
 * Returns true when the top-level reply was an error written without statistics
 * (the caller then counts the failed call itself).
 */
export function writeLuaReply(L: LuaState, w: ReplyWriter, scriptResp: 2 | 3, depth = 0): boolean {
  let silentError = false;
  if (depth >= MAX_REPLY_DEPTH || !lua.lua_checkstack(L, 4)) {
    w.error('ERR reached lua stack limit');
    lua.lua_pop(L, 1);
    return false;
  }
  const t = lua.lua_type(L, -1);
  switch (t) {
    case lua.LUA_TSTRING: {
      const b = lua.lua_tolstring(L, -1) as Uint8Array;
      w.bulk(Buffer.from(b.buffer, b.byteOffset, b.length));
      break;
    }
    case lua.LUA_TBOOLEAN:
      if (scriptResp === 2) {
        if (lua.lua_toboolean(L, -1)) w.integer(1);
        else w.nullBulk();
      } else {
        w.bool(lua.lua_toboolean(L, -1));
      }
      break;
    case lua.LUA_TNUMBER:
      w.integer(toLongLong(lua.lua_tonumber(L, -1)));
      break;
    case lua.LUA_TTABLE: {
      if (rawField(L, -1, K_ERR) === lua.LUA_TSTRING) {
        lua.lua_pop(L, 1);
        const info = errorInfo(L);
        const raw = info.msg ?? '';
        const nul = raw.indexOf('\0');
        writeError(w, (nul === -1 ? raw : raw.slice(0, nul)).replace(/[\r\n]+$/, ''), info.ignoreStats);
        silentError = info.ignoreStats;
        break;
      }
      lua.lua_pop(L, 1);
      if (rawField(L, -1, K_OK) === lua.LUA_TSTRING) {
        w.simple(statusText(lua.lua_tolstring(L, -1) as Uint8Array));
        lua.lua_pop(L, 1);
        break;
      }
      lua.lua_pop(L, 1);
      if (rawField(L, -1, K_DOUBLE) === lua.LUA_TNUMBER) {
        w.doubleText(formatDouble17g(lua.lua_tonumber(L, -1)));
        lua.lua_pop(L, 1);
        break;
      }
      lua.lua_pop(L, 1);
      if (rawField(L, -1, K_BIG) === lua.LUA_TSTRING) {
        w.bigNumber(latin1Of(lua.lua_tolstring(L, -1) as Uint8Array).replace(/[\r\n]/g, ' '));
        lua.lua_pop(L, 1);
        break;
      }
      lua.lua_pop(L, 1);
      if (rawField(L, -1, K_VERBATIM) === lua.LUA_TTABLE) {
        if (rawField(L, -1, K_FORMAT) === lua.LUA_TSTRING) {
          const format = latin1Of(lua.lua_tolstring(L, -1) as Uint8Array);
          if (rawField(L, -2, K_STRING) === lua.LUA_TSTRING) {
            const s = latin1Of(lua.lua_tolstring(L, -1) as Uint8Array);
            w.verbatim(s, format.slice(0, 3).padEnd(3, '\0'));
            lua.lua_pop(L, 3);
            break;
          }
          lua.lua_pop(L, 1);
        }
        lua.lua_pop(L, 1);
      }
      lua.lua_pop(L, 1);
      if (rawField(L, -1, K_MAP) === lua.LUA_TTABLE) {
        const n = countPairs(L);
        w.map(n);
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pushvalue(L, -2);
          writeLuaReply(L, w, scriptResp, depth + 1);
          writeLuaReply(L, w, scriptResp, depth + 1);
        }
        lua.lua_pop(L, 1);
        break;
      }
      lua.lua_pop(L, 1);
      if (rawField(L, -1, K_SET) === lua.LUA_TTABLE) {
        const n = countPairs(L);
        w.set(n);
        lua.lua_pushnil(L);
        while (lua.lua_next(L, -2)) {
          lua.lua_pop(L, 1);
          lua.lua_pushvalue(L, -1);
          writeLuaReply(L, w, scriptResp, depth + 1);
        }
        lua.lua_pop(L, 1);
        break;
      }
      lua.lua_pop(L, 1);
      // An array: elements 1, 2, ... up to the first nil.
      let n = 0;
      for (;;) {
        lua.lua_rawgeti(L, -1, n + 1);
        const nil = lua.lua_type(L, -1) === lua.LUA_TNIL;
        lua.lua_pop(L, 1);
        if (nil) break;
        n++;
      }
      w.array(n);
      for (let j = 1; j <= n; j++) {
        lua.lua_rawgeti(L, -1, j);
        writeLuaReply(L, w, scriptResp, depth + 1);
      }
      break;
    }
    default:
      w.null();
  }
  lua.lua_pop(L, 1);
  return silentError;
}


function countPairs(L: LuaState): number {
  let n = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    n++;
  }
  return n;
}
