/*
 * One Lua interpreter with Redis's environment. Redis keeps two: one for EVAL scripts and one
 * for FUNCTION libraries; they differ in a few globals and in how code is loaded.
 *
 * The environment: Lua 5.1's standard library (stdlib.ts) plus cjson, cmsgpack, bit and
 * struct; `pcall` replaced by Redis's (which turns an error table into its message); the
 * `redis` table (call, pcall, log and LOG_*, setresp, sha1hex, error_reply, status_reply,
 * set_repl and REPL_*, acl_check_cmd, REDIS_VERSION(_NUM); EVAL adds breakpoint, debug and
 * replicate_commands); then the globals get an __index metamethod that raises "Script
 * attempted to access nonexistent global variable" and every table reachable from them (and
 * their metatables) becomes read-only.
 *
 * For FUNCTION libraries the code runs with its own empty, read-only globals table whose
 * metatable points (read-only too) either at the library API while FUNCTION LOAD runs the
 * library's body (just `redis` with register_function, log and the version fields) or at the
 * real globals when a registered function is called.
 *
 * Scripts run in a coroutine so that the instruction-count hook can yield back to the event
 * loop when a script becomes busy (runner.ts decides).
 */

import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { formatDouble17g } from '../util/numbers.js';
import { errorInfo, pushErrorTable, pushReply } from './convert.js';
import {
  argStrings, bytesOf, isReadonly, latin1Of, lauxlib, lit, lua, newStringArray, pushBytes, pushTable, raise,
  setReadonly, setTableField, stringObject, tableAt, type LuaDebug, type LuaState, type LuaTableObject,
} from './lua/fengari.js';
import { openBit } from './lua/libs/bit.js';
import { openCjson } from './lua/libs/cjson.js';
import { openCmsgpack } from './lua/libs/cmsgpack.js';
import { openStruct } from './lua/libs/struct.js';
import { openStdlib } from './lua/stdlib.js';
import type { ScriptRun } from './run.js';

export type VmKind = 'eval' | 'functions';

/** Redis's version as REDIS_VERSION_NUM encodes it (0x00MMmmpp). */
export const REDIS_VERSION = '7.0.15';
export const REDIS_VERSION_NUM = 0x07000f;

export const PROPAGATE_AOF = 1;
export const PROPAGATE_REPL = 2;

/** What the interpreter needs from the server while a script runs. */
export interface ScriptHost {
  /**
   * redis.call / redis.pcall: run one command for the script. Returns null when the command
   * ran (its RESP reply is then in `reply`), or the error text of a rejection.
   */
  execute(run: ScriptRun, argv: string[]): string | null;
  /** The reply of the command execute() just ran. */
  takeReply(run: ScriptRun): Buffer;
  /** redis.acl_check_cmd: null when the command does not exist. */
  aclCheck(run: ScriptRun, argv: string[]): boolean | null;
  /** Server log at a Redis level (0 debug .. 3 warning). */
  log(level: number, msg: string): void;
  /** The configured verbosity as a level number. */
  verbosity(): number;
}

/** A FUNCTION LOAD in progress (redis.register_function's target). */
export interface LoadContext {
  register(name: string, ref: number, desc: string | null, flags: number): string | null;
  readonly start: number;
  readonly timeoutMs: number;
}

/** Function flags as register_function and shebangs spell them. */
export const SCRIPT_FLAG_NO_WRITES = 1 << 0;
export const SCRIPT_FLAG_ALLOW_OOM = 1 << 1;
export const SCRIPT_FLAG_ALLOW_STALE = 1 << 2;
export const SCRIPT_FLAG_NO_CLUSTER = 1 << 3;
export const SCRIPT_FLAG_EVAL_COMPAT_MODE = 1 << 4;
export const SCRIPT_FLAG_ALLOW_CROSS_SLOT = 1 << 5;

export const SCRIPT_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [SCRIPT_FLAG_NO_WRITES, 'no-writes'],
  [SCRIPT_FLAG_ALLOW_OOM, 'allow-oom'],
  [SCRIPT_FLAG_ALLOW_STALE, 'allow-stale'],
  [SCRIPT_FLAG_NO_CLUSTER, 'no-cluster'],
  [SCRIPT_FLAG_ALLOW_CROSS_SLOT, 'allow-cross-slot-keys'],
];

const REG_LIBRARY_API = '__LIBRARY_API__';
const REG_GLOBALS_API = '__GLOBALS_API__';
/** The instruction-count hook period (Redis uses 100000; fengari runs fewer instructions per ms). */
export const HOOK_COUNT = 10000;

export function sha1hex(b: Uint8Array | string): string {
  const h = createHash('sha1');
  h.update(typeof b === 'string' ? Buffer.from(b, 'latin1') : b);
  return h.digest('hex');
}

/** The error raised by the instruction hook of a killed script. */
export const KILLED_MESSAGE = 'Script killed by user with SCRIPT KILL...';

export class LuaVM {
  readonly L: LuaState;
  /** The script invocation in progress on this interpreter. */
  current: ScriptRun | null = null;
  /** FUNCTION LOAD in progress (functions interpreter only). */
  loading: LoadContext | null = null;
  /** The globals table, taken once built (EVAL sets KEYS and ARGV in it on every call). */
  private readonly globals: LuaTableObject;
  /** Threads free for the next run. */
  private idleThreads: Array<{ L: LuaState; ref: number }> = [];

  constructor(
    readonly kind: VmKind,
    readonly host: ScriptHost,
  ) {
    const L = lauxlib.luaL_newstate();
    this.L = L;
    lua.lua_atnativeerror(L, (L) => {
      const e = lua.lua_touserdata(L, 1);
      const msg = e instanceof Error ? e.message : String(e);
      pushBytes(L, bytesOf(msg));
      return 1;
    });
    openStdlib(L, () => this.current !== null);
    for (const [name, open] of [['cjson', openCjson], ['struct', openStruct], ['cmsgpack', openCmsgpack],
      ['bit', openBit]] as const) {
      open(L);
      lua.lua_setglobal(L, name);
    }
    lua.lua_pushcfunction(L, redisPcall);
    lua.lua_setglobal(L, 'pcall');
    lua.lua_pushcfunction(L, xpcall51);
    lua.lua_setglobal(L, 'xpcall');
    this.registerRedisApi();
    if (kind === 'eval') {
      lua.lua_getglobal(L, 'redis');
      this.fn(-1, 'breakpoint', (L) => {
        lua.lua_pushboolean(L, false);
        return 1;
      });
      this.fn(-1, 'debug', () => 0);
      this.fn(-1, 'replicate_commands', (L) => {
        lua.lua_pushboolean(L, true);
        return 1;
      });
      lua.lua_pop(L, 1);
      lua.lua_pushcfunction(L, errorHandler);
      lua.lua_setglobal(L, '__redis__err__handler');
      lua.lua_getglobal(L, '_G');
      setErrorMetatable(L);
      protectRecursively(L);
      lua.lua_pop(L, 1);
    } else {
      this.buildFunctionsGlobals();
    }
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    this.globals = tableAt(L, -1) as LuaTableObject;
    lua.lua_pop(L, 1);
  }

  private fn(idx: number, name: string, f: (L: LuaState) => number): void {
    lua.lua_pushcfunction(this.L, f);
    lua.lua_setfield(this.L, idx < 0 ? idx - 1 : idx, name);
  }

  private num(idx: number, name: string, v: number): void {
    lua.lua_pushnumber(this.L, v);
    lua.lua_setfield(this.L, idx < 0 ? idx - 1 : idx, name);
  }

  private logApi(idx: number): void {
    this.fn(idx, 'log', (L) => this.redisLog(L));
    this.num(idx, 'LOG_DEBUG', 0);
    this.num(idx, 'LOG_VERBOSE', 1);
    this.num(idx, 'LOG_NOTICE', 2);
    this.num(idx, 'LOG_WARNING', 3);
  }

  private versionApi(idx: number): void {
    this.num(idx, 'REDIS_VERSION_NUM', REDIS_VERSION_NUM);
    lua.lua_pushliteral(this.L, REDIS_VERSION);
    lua.lua_setfield(this.L, idx - 1, 'REDIS_VERSION');
  }

  private registerRedisApi(): void {
    const L = this.L;
    lua.lua_createtable(L, 0, 24);
    this.fn(-1, 'call', (L) => this.redisCall(L, true));
    this.fn(-1, 'pcall', (L) => this.redisCall(L, false));
    this.logApi(-1);
    this.versionApi(-1);
    this.fn(-1, 'setresp', (L) => this.setResp(L));
    this.fn(-1, 'sha1hex', sha1hexApi);
    this.fn(-1, 'error_reply', errorReply);
    this.fn(-1, 'status_reply', statusReply);
    this.fn(-1, 'set_repl', (L) => this.setRepl(L));
    this.num(-1, 'REPL_NONE', 0);
    this.num(-1, 'REPL_AOF', PROPAGATE_AOF);
    this.num(-1, 'REPL_SLAVE', PROPAGATE_REPL);
    this.num(-1, 'REPL_REPLICA', PROPAGATE_REPL);
    this.num(-1, 'REPL_ALL', PROPAGATE_AOF | PROPAGATE_REPL);
    this.fn(-1, 'acl_check_cmd', (L) => this.aclCheck(L));
    lua.lua_setglobal(L, 'redis');
  }

  /** luaEngineInitEngine: the library API, protected globals and the per-call globals table. */
  private buildFunctionsGlobals(): void {
    const L = this.L;
    // The library API: { redis = { register_function, log, LOG_*, REDIS_VERSION* } }.
    lua.lua_createtable(L, 0, 1);
    lua.lua_createtable(L, 0, 8);
    this.fn(-1, 'register_function', (L) => this.registerFunction(L));
    this.logApi(-1);
    this.versionApi(-1);
    setErrorMetatable(L);
    lua.lua_setfield(L, -2, 'redis');
    setErrorMetatable(L);
    protectRecursively(L);
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, REG_LIBRARY_API);
    // The real globals, protected.
    lua.lua_getglobal(L, '_G');
    setErrorMetatable(L);
    protectRecursively(L);
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, REG_GLOBALS_API);
    // A new, empty globals table whose metatable's __index switches between the two.
    lua.lua_createtable(L, 0, 0);
    lua.lua_createtable(L, 0, 1);
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, REG_GLOBALS_API);
    lua.lua_setfield(L, -2, '__index');
    setReadonly(L, -1, true);
    lua.lua_setmetatable(L, -2);
    setReadonly(L, -1, true);
    lua.lua_rawseti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
  }

  /** Point the functions globals' __index at the library API (loading) or the real globals. */
  private setGlobalsIndex(registryKey: string): void {
    const L = this.L;
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    lua.lua_getmetatable(L, -1);
    setReadonly(L, -1, false);
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, registryKey);
    lua.lua_setfield(L, -2, '__index');
    setReadonly(L, -1, true);
    lua.lua_pop(L, 2);
  }

  /* ---- compiling ----------------------------------------------------------------------------- */

  /**
   * Compile `body` (bytes) as a chunk named `chunkname`; on success the function is stored in
   * the registry and its reference returned, else the compiler's message.
   */
  compile(body: Uint8Array, chunkname: string): number | string {
    const L = this.L;
    const rc = lauxlib.luaL_loadbufferx(L, body, body.length, lit(chunkname), 't');
    if (rc !== lua.LUA_OK) {
      // Lua 5.1 words a stray expression statement as a missing assignment.
      // and quotes every token it names ('<eof>', '<name>'), where 5.3 leaves those bare.
      const msg = latin1Of(lua.lua_tolstring(L, -1) ?? new Uint8Array())
        .replace(/: syntax error near /, ": '=' expected near ")
        .replace(/(?<!')<(eof|name|number|string|integer)>(?!')/g, "'<$1>'");
      lua.lua_pop(L, 1);
      return msg;
    }
    return lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  }

  release(ref: number): void {
    lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, ref);
  }

  /**
   * FUNCTION LOAD: run a library body with the library API visible, under a time limit.
   * Returns null or the error message (without the "Error registering functions: " prefix).
   */
  runLibraryBody(ref: number, load: LoadContext): string | null {
    const L = this.L;
    this.setGlobalsIndex(REG_LIBRARY_API);
    this.loading = load;
    lua.lua_sethook(L, this.loadHook, lua.LUA_MASKCOUNT, HOOK_COUNT);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
    let err: string | null = null;
    if (lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
      err = errorInfo(L).msg ?? '';
      lua.lua_pop(L, 1);
    }
    lua.lua_sethook(L, null, 0, 0);
    this.loading = null;
    this.setGlobalsIndex(REG_GLOBALS_API);
    return err;
  }

  /** The FUNCTION LOAD hook: a library body may run for at most its time limit. */
  private readonly loadHook = (L: LuaState): void => {
    const load = this.loading;
    if (load === null) return;
    if (load.timeoutMs > 0 && performance.now() - load.start > load.timeoutMs) {
      lua.lua_sethook(L, this.loadHook, lua.LUA_MASKLINE, 0);
      pushErrorTable(L, 'FUNCTION LOAD timeout');
      lua.lua_error(L);
    }
  };

  /* ---- threads ------------------------------------------------------------------------------- */

  /** A coroutine to run a script in. */
  takeThread(): { L: LuaState; ref: number } {
    const t = this.idleThreads.pop();
    if (t !== undefined) return t;
    const T = lua.lua_newthread(this.L);
    const ref = lauxlib.luaL_ref(this.L, lua.LUA_REGISTRYINDEX);
    return { L: T, ref };
  }

  /** Give a thread back: reused when it finished normally, dropped when it died. */
  giveThread(t: { L: LuaState; ref: number }, reusable: boolean): void {
    lua.lua_sethook(t.L, null, 0, 0);
    if (reusable && this.idleThreads.length < 4) {
      lua.lua_settop(t.L, 0);
      this.idleThreads.push(t);
    } else {
      lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, t.ref);
    }
  }

  /** EVAL: set the KEYS and ARGV globals (raw, past the read-only protection). */
  setEvalArrays(keys: readonly string[], args: readonly string[]): void {
    const L = this.L;
    setTableField(L, this.globals, S_KEYS, newStringArray(L, keys));
    setTableField(L, this.globals, S_ARGV, newStringArray(L, args));
  }

  /* ---- the redis.* API ----------------------------------------------------------------------- */

  private redisCall(L: LuaState, raiseError: boolean): number {
    const run = this.current;
    if (run === null) {
      pushErrorTable(L, 'redis.call/pcall can only be called inside a script invocation');
      return lua.lua_error(L);
    }
    const argv = argsToArgv(L);
    if (argv === null) return raiseError ? lua.lua_error(L) : 1;
    const err = this.host.execute(run, argv);
    if (err !== null) {
      pushErrorTable(L, err, true);
      return raiseError ? lua.lua_error(L) : 1;
    }
    const isError = pushReply(L, this.host.takeReply(run));
    if (raiseError && isError) return lua.lua_error(L);
    return 1;
  }

  private redisLog(L: LuaState): number {
    const argc = lua.lua_gettop(L);
    if (argc < 2) {
      pushErrorTable(L, 'redis.log() requires two arguments or more.');
      return lua.lua_error(L);
    }
    if (!lua.lua_isnumber(L, 1)) {
      pushErrorTable(L, 'First argument must be a number (log level).');
      return lua.lua_error(L);
    }
    const level = Math.trunc(lua.lua_tonumber(L, 1));
    if (level < 0 || level > 3) {
      pushErrorTable(L, 'Invalid debug level.');
      return lua.lua_error(L);
    }
    if (level < this.host.verbosity()) return 0;
    let msg = '';
    let first = true;
    for (let j = 2; j <= argc; j++) {
      const b = lua.lua_tolstring(L, j);
      if (b === null) continue;
      if (!first) msg += ' ';
      msg += latin1Of(b);
      first = false;
    }
    this.host.log(level, msg);
    return 0;
  }

  private setResp(L: LuaState): number {
    const run = this.current;
    if (run === null) {
      pushErrorTable(L, 'redis.setresp can only be called inside a script invocation');
      return lua.lua_error(L);
    }
    if (lua.lua_gettop(L) !== 1) {
      pushErrorTable(L, 'redis.setresp() requires one argument.');
      return lua.lua_error(L);
    }
    const resp = Math.trunc(lua.lua_tonumber(L, 1));
    if (resp !== 2 && resp !== 3) {
      pushErrorTable(L, 'RESP version must be 2 or 3.');
      return lua.lua_error(L);
    }
    run.client.resp = resp;
    return 0;
  }

  private setRepl(L: LuaState): number {
    const run = this.current;
    if (run === null) {
      pushErrorTable(L, 'redis.set_repl can only be called inside a script invocation');
      return lua.lua_error(L);
    }
    if (lua.lua_gettop(L) !== 1) {
      pushErrorTable(L, 'redis.set_repl() requires two arguments.');
      return lua.lua_error(L);
    }
    const flags = Math.trunc(lua.lua_tonumber(L, -1));
    if ((flags & ~(PROPAGATE_AOF | PROPAGATE_REPL)) !== 0) {
      pushErrorTable(L, 'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
      return lua.lua_error(L);
    }
    run.replFlags = flags;
    return 0;
  }

  private aclCheck(L: LuaState): number {
    const run = this.current;
    if (run === null) {
      pushErrorTable(L, 'redis.acl_check_cmd can only be called inside a script invocation');
      return lua.lua_error(L);
    }
    const argv = argsToArgv(L);
    if (argv === null) return lua.lua_error(L);
    const ok = this.host.aclCheck(run, argv);
    if (ok === null) {
      pushErrorTable(L, 'Invalid command passed to redis.acl_check_cmd()');
      return lua.lua_error(L);
    }
    lua.lua_pushboolean(L, ok);
    return 1;
  }

  /** redis.register_function (FUNCTION LOAD only). */
  private registerFunction(L: LuaState): number {
    const load = this.loading;
    if (load === null) {
      pushErrorTable(L, 'redis.register_function can only be called on FUNCTION LOAD command');
      return lua.lua_error(L);
    }
    const argc = lua.lua_gettop(L);
    let name: string | null = null;
    let desc: string | null = null;
    let ref = -1;
    let flags = 0;
    let err: string | null = null;
    if (argc < 1 || argc > 2) {
      err = 'wrong number of arguments to redis.register_function';
    } else if (argc === 1) {
      if (!lua.lua_istable(L, 1)) {
        err = 'calling redis.register_function with a single argument is only applicable to Lua table ' +
          '(representing named arguments).';
      } else {
        lua.lua_pushnil(L);
        while (err === null && lua.lua_next(L, -2)) {
          if (!lua.lua_isstring(L, -2)) {
            err = 'named argument key given to redis.register_function is not a string';
            break;
          }
          const key = latin1Of(lua.lua_tolstring(L, -2) as Uint8Array).toLowerCase();
          if (key === 'function_name') {
            if (!lua.lua_isstring(L, -1)) err = 'function_name argument given to redis.register_function must be a string';
            else name = latin1Of(lua.lua_tolstring(L, -1) as Uint8Array);
          } else if (key === 'description') {
            if (!lua.lua_isstring(L, -1)) err = 'description argument given to redis.register_function must be a string';
            else desc = latin1Of(lua.lua_tolstring(L, -1) as Uint8Array);
          } else if (key === 'callback') {
            if (!lua.lua_isfunction(L, -1)) {
              err = 'callback argument given to redis.register_function must be a function';
            } else {
              if (ref !== -1) this.release(ref);
              ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
              continue;
            }
          } else if (key === 'flags') {
            if (!lua.lua_istable(L, -1)) {
              err = 'flags argument to redis.register_function must be a table representing function flags';
            } else {
              const f = readFlags(L);
              if (f === null) err = 'unknown flag given';
              else flags = f;
            }
          } else {
            err = 'unknown argument given to redis.register_function';
          }
          lua.lua_pop(L, 1);
        }
        if (err === null && name === null) err = 'redis.register_function must get a function name argument';
        if (err === null && ref === -1) err = 'redis.register_function must get a callback argument';
      }
    } else {
      if (!lua.lua_isstring(L, 1)) {
        err = 'first argument to redis.register_function must be a string';
      } else if (!lua.lua_isfunction(L, 2)) {
        err = 'second argument to redis.register_function must be a function';
      } else {
        name = latin1Of(lua.lua_tolstring(L, 1) as Uint8Array);
        lua.lua_settop(L, 2);
        ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
      }
    }
    if (err === null) err = load.register(name as string, ref, desc, flags);
    if (err !== null) {
      if (ref !== -1) this.release(ref);
      pushErrorTable(L, err);
      return lua.lua_error(L);
    }
    return 0;
  }

  /** An estimate of the interpreter's memory (for INFO). */
  memory(): number {
    return 32 * 1024;
  }
}

/* ---- helpers ------------------------------------------------------------------------------- */

const S_KEYS = stringObject('KEYS');
const S_ARGV = stringObject('ARGV');

/** Push KEYS / ARGV style arrays for a function call. */
export function pushStringArray(L: LuaState, items: readonly string[]): void {
  pushTable(L, newStringArray(L, items));
}

/**
 * luaArgsToRedisArgv: the arguments of redis.call as command arguments (numbers in "%.17g");
 * on error an error table is left on the stack and null returned.
 */
function argsToArgv(L: LuaState): string[] | null {
  if (lua.lua_gettop(L) === 0) {
    pushErrorTable(L, 'Please specify at least one argument for this redis lib call');
    return null;
  }
  const argv = argStrings(L, formatDouble17g);
  // The arguments stay on the stack (the reply is pushed above them; the call's return drops
  // them): make room for the conversion's pushes.
  lua.lua_checkstack(L, 8);
  if (argv === null) {
    pushErrorTable(L, 'Lua redis lib command arguments must be strings or integers');
    return null;
  }
  return argv;
}

function readFlags(L: LuaState): number | null {
  let flags = 0;
  for (let j = 1; ; j++) {
    lua.lua_pushnumber(L, j);
    lua.lua_gettable(L, -2);
    const t = lua.lua_type(L, -1);
    if (t === lua.LUA_TNIL) {
      lua.lua_pop(L, 1);
      return flags;
    }
    if (!lua.lua_isstring(L, -1)) {
      lua.lua_pop(L, 1);
      return null;
    }
    const s = latin1Of(lua.lua_tolstring(L, -1) as Uint8Array).toLowerCase();
    lua.lua_pop(L, 1);
    const f = SCRIPT_FLAGS.find(([, n]) => n === s);
    if (f === undefined) return null;
    flags |= f[0];
  }
}

/** Redis's pcall: an error that is a table with a string `err` field returns that string. */
function redisPcall(L: LuaState): number {
  lauxlib.luaL_checkany(L, 1);
  const argc = lua.lua_gettop(L);
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, 1);
  const status = pcallk(L, argc - 1, lua.LUA_MULTRET, 0, 0, finishPcall);
  return finishPcall(L, status, 0);
}

/**
 * fengari 0.1.5's lua_pcallk does not record 'allowhook' in the CallInfo it recovers to, so an
 * error caught by a yieldable pcall (an error raised from a hook, e.g. SCRIPT KILL's) would
 * leave hooks disabled for good. A protected call's continuation is never inside a hook:
 * hooks are allowed again there.
 */
function allowHooks(L: LuaState): void {
  (L as unknown as { allowhook: number }).allowhook = 1;
}

function finishPcall(L: LuaState, status: number, _ctx: number): number {
  if (status !== lua.LUA_OK && status !== lua.LUA_YIELD) {
    allowHooks(L);
    lua.lua_remove(L, 1);
    if (lua.lua_istable(L, -1)) {
      lua.lua_getfield(L, -1, 'err');
      if (lua.lua_isstring(L, -1)) lua.lua_replace(L, -2);
    }
    lua.lua_pushboolean(L, false);
    lua.lua_insert(L, 1);
  }
  return lua.lua_gettop(L);
}

type PcallK = (L: LuaState, nargs: number, nresults: number, msgh: number, ctx: number,
  k: (L: LuaState, status: number, ctx: number) => number) => number;
const pcallk = (lua as unknown as { lua_pcallk: PcallK }).lua_pcallk;

/** Lua 5.1's xpcall(f, msgh): no extra arguments; yieldable, as pcall. */
export function xpcall51(L: LuaState): number {
  lauxlib.luaL_checkany(L, 2);
  lua.lua_settop(L, 2);
  lua.lua_insert(L, 1);
  const status = pcallk(L, 0, lua.LUA_MULTRET, 1, 0, finishXpcall);
  return finishXpcall(L, status, 0);
}

function finishXpcall(L: LuaState, status: number, _ctx: number): number {
  const ok = status === lua.LUA_OK || status === lua.LUA_YIELD;
  if (!ok) allowHooks(L);
  lua.lua_pushboolean(L, ok);
  lua.lua_replace(L, 1);
  return lua.lua_gettop(L);
}

function sha1hexApi(L: LuaState): number {
  if (lua.lua_gettop(L) !== 1) {
    pushErrorTable(L, 'wrong number of arguments');
    return lua.lua_error(L);
  }
  const b = lua.lua_tolstring(L, 1) ?? new Uint8Array();
  lua.lua_pushliteral(L, sha1hex(b));
  return 1;
}

function errorReply(L: LuaState): number {
  if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) {
    pushErrorTable(L, 'wrong number or type of arguments');
    return 1;
  }
  const b = lua.lua_tolstring(L, -1) as Uint8Array;
  const nul = b.indexOf(0);
  const s = latin1Of(nul === -1 ? b : b.subarray(0, nul));
  pushErrorTable(L, s.startsWith('-') ? s : '-' + s);
  return 1;
}

function statusReply(L: LuaState): number {
  if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) {
    pushErrorTable(L, 'wrong number or type of arguments');
    return 1;
  }
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushvalue(L, -2);
  lua.lua_setfield(L, -2, 'ok');
  return 1;
}

/** __redis__err__handler: turn an error into {err=..., source=..., line=...}. */
function errorHandler(L: LuaState): number {
  lua.lua_settop(L, 1);
  const where = findErrorPosition(L, 1);
  if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
    const text = latin1Of(lauxlib.luaL_tolstring(L, 1));
    lua.lua_settop(L, 0);
    lua.lua_createtable(L, 0, 3);
    pushBytes(L, bytesOf('ERR ' + text));
    lua.lua_setfield(L, -2, 'err');
  }
  if (where !== null) {
    pushBytes(L, bytesOf(where.source));
    lua.lua_setfield(L, -2, 'source');
    lua.lua_pushnumber(L, where.line);
    lua.lua_setfield(L, -2, 'line');
  }
  return 1;
}

/**
 * Where an error happened, seen from `level` frames down the stack of L: the first frame,
 * or the one below it when the first is a C function (the error came from a library call).
 */
export function findErrorPosition(L: LuaState, level: number): { source: string; line: number } | null {
  const ar = newDebug();
  if (!lua.lua_getstack(L, level, ar)) return null;
  lua.lua_getinfo(L, 'nSl', ar);
  // A C function (fengari calls them "JS") raised it: report its caller.
  const what = typeof ar.what === 'string' ? ar.what : ar.what === null ? '' : latin1Of(ar.what);
  if (what === 'C' || what === 'J' || what === 'JS') {
    if (!lua.lua_getstack(L, level + 1, ar)) return null;
    lua.lua_getinfo(L, 'nSl', ar);
  }
  return { source: ar.source !== null ? latin1Of(ar.source) : '?', line: ar.currentline };
}

function newDebug(): LuaDebug {
  return new (lua as unknown as { lua_Debug: new () => LuaDebug }).lua_Debug();
}

/* ---- the global protection ------------------------------------------------------------------- */

function protectedTableError(L: LuaState): number {
  if (lua.lua_gettop(L) !== 2) raise(L, 'Wrong number of arguments to luaProtectedTableError');
  if (!lua.lua_isstring(L, -1) && !lua.lua_isnumber(L, -1)) {
    raise(L, 'Second argument to luaProtectedTableError must be a string or number');
  }
  const name = latin1Of(lua.lua_tolstring(L, -1) as Uint8Array);
  return raise(L, `Script attempted to access nonexistent global variable '${name}'`);
}

/** Give the table on top of the stack a metatable whose __index raises for unknown names. */
export function setErrorMetatable(L: LuaState): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushcfunction(L, protectedTableError);
  lua.lua_setfield(L, -2, '__index');
  lua.lua_setmetatable(L, -2);
}

/** Make the table on top of the stack, the tables it holds and their metatables read-only. */
export function protectRecursively(L: LuaState): void {
  if (isReadonly(L, -1)) return;
  setReadonly(L, -1, true);
  lua.lua_checkstack(L, 2);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    if (lua.lua_istable(L, -1)) protectRecursively(L);
    lua.lua_pop(L, 1);
  }
  if (lua.lua_getmetatable(L, -1)) {
    protectRecursively(L);
    lua.lua_pop(L, 1);
  }
}
