/*
 * The scripting service: EVAL scripts and FUNCTION libraries on two Lua interpreters, and the
 * glue to the engine (Redis's eval.c, functions.c and script.c).
 *
 * A script invocation (start → step → finish):
 *  1. the checks Redis makes before running (scriptPrepareForRun: the script's shebang or
 *     function flags against read-only replicas, *_RO commands, OOM, stale replicas);
 *  2. the script runs in a Lua coroutine. Each redis.call goes through execute(): Redis's
 *     checks for commands called from scripts (arity, noscript, writes from read-only
 *     scripts, OOM before the first write...), then the engine's call() with CALL_FROM_SCRIPT
 *     on the script's own client, nested in the EVAL call: same cached time for the whole
 *     script, writes collected and propagated together (wrapped in MULTI/EXEC), "lua" in
 *     MONITOR, blocking commands acting non-blocking;
 *  3. an instruction-count hook (every 100000 instructions) checks the elapsed time. Past
 *     busy-reply-threshold the script is "busy": other clients get -BUSY, SCRIPT KILL /
 *     FUNCTION KILL and SHUTDOWN NOSAVE are served. For that the coroutine yields and the
 *     engine suspends the EVAL call (engine/busy.ts); the script resumes on the following
 *     event-loop turns in ~10 ms slices until it ends, is killed (by an error raised from the
 *     hook, re-raised on every line so pcall cannot swallow it) or the server shuts down;
 *  4. the result (or the error, with " script: <sha>, on @user_script:<line>." appended) is
 *     converted to a reply for the caller (convert.ts).
 */

import type {
  Ctx, FunctionLibraryView, FunctionStatsView, ScriptingPort,
} from '../commands/context.js';
import { CALL_FROM_AOF, CALL_FROM_MASTER, CALL_FROM_SCRIPT } from '../commands/context.js';
import { arityAccepts } from '../commands/spec.js';
import { splitArgs } from '../config/text.js';
import { Client } from '../engine/client.js';
import type { Engine } from '../engine/engine.js';
import { PROPAGATE_ALL } from '../engine/propagation.js';
import {
  F_DENYOOM, F_MAY_REPLICATE, F_NOSCRIPT, F_STALE, F_WRITE, type Command,
} from '../engine/registry.js';
import type { ScriptingHooks, ScriptingMemoryInfo } from '../engine/scripting-hooks.js';
import type { Connection } from '../net/connection.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import * as E from '../protocol/errors.js';
import { stringMatch } from '../util/glob.js';
import { string2l, string2ll } from '../util/numbers.js';
import { errorInfo, pushErrorTable, writeError, writeLuaReply } from './convert.js';
import { ENGINE_NAME, flagNames, FunctionsRegistry, LOAD_TIMEOUT_MS } from './functions.js';
import { bytesOf, latin1Of, lauxlib, lua, type LuaState } from './lua/fengari.js';
import type { ScriptRun } from './run.js';
import {
  findErrorPosition, HOOK_COUNT, KILLED_MESSAGE, LuaVM, pushStringArray, SCRIPT_FLAG_ALLOW_OOM,
  SCRIPT_FLAG_ALLOW_STALE, SCRIPT_FLAG_EVAL_COMPAT_MODE, SCRIPT_FLAG_NO_WRITES, SCRIPT_FLAGS, sha1hex,
  type ScriptHost,
} from './vm.js';

const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';
const NOTBUSY = 'NOTBUSY No scripts in execution right now.';
const UNKILLABLE = 'UNKILLABLE Sorry the script already executed write commands against the dataset. You can ' +
  'either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.';
const BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';
/** How long a busy script runs before it lets the event loop serve other clients (ms). */
const BUSY_SLICE_MS = 10;

interface CachedScript {
  readonly body: string;
  readonly flags: number;
  readonly ref: number;
}

/** evalExtractShebangFlags: the flags of an EVAL body ("#!lua flags=a,b" first line). */
export function shebangFlags(body: string): { flags: number; skip: number } | { error: string } {
  if (!body.startsWith('#!')) return { flags: SCRIPT_FLAG_EVAL_COMPAT_MODE, skip: 0 };
  const nl = body.indexOf('\n');
  if (nl === -1) return { error: 'Invalid script shebang' };
  let shebang = body.slice(0, nl);
  const nul = shebang.indexOf('\0');
  if (nul !== -1) shebang = shebang.slice(0, nul);
  const parts = splitArgs(shebang);
  if (parts === null || parts.length === 0) return { error: 'Invalid engine in script shebang' };
  if (parts[0] !== '#!lua') return { error: `Unexpected engine in script shebang: ${parts[0]}` };
  let flags = 0;
  for (let j = 1; j < parts.length; j++) {
    const part = parts[j] as string;
    if (!part.startsWith('flags=')) return { error: `Unknown lua shebang option: ${part}` };
    const list = part.slice(6);
    if (list === '') continue;
    for (const f of list.split(',')) {
      const def = SCRIPT_FLAGS.find(([, name]) => name === f);
      if (def === undefined) return { error: `Unexpected flag in script shebang: ${f}` };
      flags |= def[0];
    }
  }
  return { flags, skip: nl };
}

/** scriptFlagsToCmdFlags: a script that declared flags gets the command flags they imply. */
export function scriptFlagsToCmdFlags(cmdFlags: number, scriptFlags: number): number {
  let f = cmdFlags & ~(F_STALE | F_DENYOOM | F_WRITE);
  if (!(scriptFlags & (SCRIPT_FLAG_ALLOW_OOM | SCRIPT_FLAG_NO_WRITES))) f |= F_DENYOOM;
  if (!(scriptFlags & SCRIPT_FLAG_NO_WRITES)) f |= F_WRITE;
  if (scriptFlags & SCRIPT_FLAG_ALLOW_STALE) f |= F_STALE;
  return f & ~F_MAY_REPLICATE;
}

/**
 * The numkeys argument as string2ll reads it, as a number: values beyond the safe integers
 * (far more than any argument count) become +/-Infinity, keeping their sign.
 */
function numkeysOf(s: string): number | null {
  const small = string2l(s);
  if (small !== null) return small;
  const big = string2ll(s);
  return big === null ? null : big > 0n ? Infinity : -Infinity;
}

/**
 * EVAL/FCALL's numkeys (argv[2]) checked against the argument count; on failure replies the
 * error (`notInteger` when it does not parse) and returns null.
 */
function checkedNumkeys(w: ReplyWriter, argv: string[], notInteger: string): number | null {
  const numkeys = numkeysOf(argv[2] as string);
  if (numkeys === null) {
    w.error(notInteger);
    return null;
  }
  if (numkeys > argv.length - 3) {
    w.error("ERR Number of keys can't be greater than number of args");
    return null;
  }
  if (numkeys < 0) {
    w.error("ERR Number of keys can't be negative");
    return null;
  }
  return numkeys;
}

/** An error text as a reply: "-CODE msg" as is, else with the ERR code. */
function replyError(w: ReplyWriter, text: string): void {
  w.error(text.startsWith('-') ? text.slice(1) : `ERR ${text}`);
}

/** A connection for the scripts' own clients, which have no socket. */
function noConnection(): Connection {
  const parser = {
    authRequired: false, bufferedBytes: 0, idleBufferCapacity: 0, paused: false,
    pause(): void {}, resume(): void {},
  };
  return {
    parser, addr: '', laddr: '', fd: -1, isUnix: false, isLoopback: true, pendingBytes: 0,
    write(): void {}, destroy(): void {}, closeAfterWrite(): void {}, start(): void {},
  } as unknown as Connection;
}

const VERBOSITY: Record<string, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;

export class Scripting implements ScriptingPort, ScriptHost, ScriptingHooks {
  evalVm: LuaVM;
  readonly fnVm: LuaVM;
  readonly functions: FunctionsRegistry;
  private scripts = new Map<string, CachedScript>();
  private scriptsBytes = 0;
  /** The invocation in progress (also while a busy script is suspended). */
  current: ScriptRun | null = null;
  private readonly evalClient: Client;
  private readonly fnClient: Client;
  private busyThreshold: number;
  /** DEBUG set-disable-deny-scripts: commands flagged noscript may run from scripts. */
  disableDenyScripts = false;
  /** The last EVAL body hashed (the dispatcher's flag lookup and the handler share it). */
  private lastBody: string | null = null;
  private lastSha = '';

  constructor(private readonly e: Engine) {
    this.evalVm = new LuaVM('eval', this);
    this.fnVm = new LuaVM('functions', this);
    this.functions = new FunctionsRegistry(this.fnVm);
    this.evalClient = this.scriptClient();
    this.fnClient = this.scriptClient();
    this.busyThreshold = e.config.getNum('busy-reply-threshold');
    e.config.onChange('busy-reply-threshold', () => {
      this.busyThreshold = e.config.getNum('busy-reply-threshold');
      return null;
    });
    e.ports.registerDebug('set-disable-deny-scripts', (argv, reply) => {
      if (argv.length !== 3) return false;
      this.disableDenyScripts = (parseInt(argv[2] as string, 10) || 0) !== 0;
      reply.ok();
      return true;
    });
    for (const name of ['eval', 'eval_ro', 'evalsha', 'evalsha_ro']) {
      const cmd = e.registry.base(name);
      if (cmd !== undefined) cmd.dynamicFlags = (argv, flags) => this.evalCommandFlags(name, argv, flags);
    }
    for (const name of ['fcall', 'fcall_ro']) {
      const cmd = e.registry.base(name);
      if (cmd !== undefined) cmd.dynamicFlags = (argv, flags) => this.fcallCommandFlags(argv, flags);
    }
  }

  private scriptClient(): Client {
    const c = new Client(0, noConnection(), this.e, Date.now());
    c.setAuthenticated(true);
    c.writer.onSpill = null;
    return c;
  }

  /* ---- command flags (getCommandFlags) ----------------------------------------------------- */

  private shaOf(body: string): string {
    if (body !== this.lastBody) {
      this.lastBody = body;
      this.lastSha = sha1hex(body);
    }
    return this.lastSha;
  }

  private evalCommandFlags(name: string, argv: readonly string[], flags: number): number {
    const evalsha = name.startsWith('evalsha');
    const arg = argv[1] ?? '';
    if (evalsha && arg.length !== 40) return flags;
    const script = this.scripts.get(evalsha ? arg.toLowerCase() : this.shaOf(arg));
    let sf: number;
    if (script === undefined) {
      if (evalsha) return flags;
      const sb = shebangFlags(arg);
      if ('error' in sb) return flags;
      sf = sb.flags;
    } else {
      sf = script.flags;
    }
    if (sf & SCRIPT_FLAG_EVAL_COMPAT_MODE) return flags;
    return scriptFlagsToCmdFlags(flags, sf);
  }

  private fcallCommandFlags(argv: readonly string[], flags: number): number {
    const f = this.functions.lookup(argv[1] ?? '');
    return f === undefined ? flags : scriptFlagsToCmdFlags(flags, f.flags);
  }

  /* ---- EVAL --------------------------------------------------------------------------------- */

  /** luaCreateFunction: compile and cache a script body; the SHA or an error reply text. */
  private createScript(body: string, sha: string): CachedScript | string {
    const cached = this.scripts.get(sha);
    if (cached !== undefined) return cached;
    const sb = shebangFlags(body);
    if ('error' in sb) return sb.error;
    const ref = this.evalVm.compile(bytesOf(body.slice(sb.skip)), '@user_script');
    if (typeof ref === 'string') return `Error compiling script (new function): ${ref}`;
    const script: CachedScript = { body, flags: sb.flags, ref };
    this.scripts.set(sha, script);
    this.scriptsBytes += body.length + 40;
    return script;
  }

  private feedMonitors(c: Client, argv: readonly string[]): void {
    const m = this.e.introspection.monitors;
    if (m.size !== 0 && !this.e.loading) m.feed(c, c.dbIndex, argv);
  }

  eval(ctx: Ctx, argv: string[], evalsha: boolean, ro: boolean): void {
    const caller = ctx.client as Client;
    const w = ctx.reply;
    // Scripts never propagate themselves: their writes do.
    ctx.rewritePropagation(null);
    this.feedMonitors(caller, argv);
    const body = argv[1] as string;
    if (evalsha && body.length !== 40) {
      w.error(NOSCRIPT);
      return;
    }
    const numkeys = checkedNumkeys(w, argv, 'ERR value is not an integer or out of range');
    if (numkeys === null) return;
    const sha = evalsha ? body.toLowerCase() : this.shaOf(body);
    let script = this.scripts.get(sha);
    if (script === undefined) {
      if (evalsha) {
        w.error(NOSCRIPT);
        return;
      }
      const created = this.createScript(body, sha);
      if (typeof created === 'string') {
        replyError(w, created);
        return;
      }
      script = created;
    }
    this.start(ctx, this.evalVm, script.ref, sha, true, script.flags, ro, argv.slice(3, 3 + numkeys), argv.slice(3 + numkeys),
      argv);
  }

  /* ---- FCALL -------------------------------------------------------------------------------- */

  fcall(ctx: Ctx, argv: string[], ro: boolean): void {
    const caller = ctx.client as Client;
    const w = ctx.reply;
    ctx.rewritePropagation(null);
    this.feedMonitors(caller, argv);
    const fn = this.functions.lookup(argv[1] as string);
    if (fn === undefined) {
      w.error('ERR Function not found');
      return;
    }
    const numkeys = checkedNumkeys(w, argv, 'ERR Bad number of keys provided');
    if (numkeys === null) return;
    this.start(ctx, this.fnVm, fn.ref, fn.name, false, fn.flags, ro, argv.slice(3, 3 + numkeys), argv.slice(3 + numkeys),
      argv);
  }

  /* ---- running ------------------------------------------------------------------------------- */

  private isReadonlyReplica(): boolean {
    return this.e.ks.isReplica && this.e.config.getBool('replica-read-only');
  }

  /** scriptPrepareForRun's checks; an error reply text, or null. */
  private prepareCheck(flags: number, ro: boolean, obey: boolean): string | null {
    if (flags & SCRIPT_FLAG_EVAL_COMPAT_MODE) return null;
    if (!(flags & SCRIPT_FLAG_NO_WRITES)) {
      if (this.isReadonlyReplica() && !obey) return '-READONLY Can not run script with write flag on readonly replica';
      if (ro) return 'Can not execute a script with write flag using *_ro command.';
      // checkGoodReplicasStatus: met when there is no replication layer.
      if (!(this.e.replication?.enoughGoodReplicas() ?? true)) return `-${E.NOREPLICAS}`;
    }
    const mm = this.e.maxmemory;
    if (mm.preCommandOom && mm.limit !== 0 && !(flags & (SCRIPT_FLAG_ALLOW_OOM | SCRIPT_FLAG_NO_WRITES))) {
      return "-OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";
    }
    return null;
  }

  private start(
    ctx: Ctx, vm: LuaVM, ref: number, funcname: string, isEval: boolean, flags: number, ro: boolean,
    keys: readonly string[], args: readonly string[], argv: readonly string[],
  ): void {
    const caller = ctx.client as Client;
    if (this.current !== null) {
      // A script calling EVAL/FCALL (only possible with DEBUG set-disable-deny-scripts).
      ctx.reply.error('ERR This Redis command is not allowed from script');
      return;
    }
    const obey = (ctx.callFlags & (CALL_FROM_AOF | CALL_FROM_MASTER)) !== 0;
    const err = this.prepareCheck(flags, ro, obey);
    if (err !== null) {
      replyError(ctx.reply, err);
      return;
    }
    const compat = (flags & SCRIPT_FLAG_EVAL_COMPAT_MODE) !== 0;
    const client = isEval ? this.evalClient : this.fnClient;
    client.dbIndex = caller.dbIndex;
    client.resp = 2;
    client.writer.discard();
    const thread = vm.takeThread();
    const command = this.e.registry.base(argv[0] as string) as Command;
    const now = performance.now();
    const run: ScriptRun = {
      vm, caller, client, command, funcname, isEval, argv: [...argv],
      readOnly: ro || (!compat && (flags & SCRIPT_FLAG_NO_WRITES) !== 0),
      allowOom: !compat && (flags & SCRIPT_FLAG_ALLOW_OOM) !== 0,
      writeDirty: false, replFlags: PROPAGATE_ALL, killed: false, timedOut: false,
      start: now, sliceStart: now, thread, canYield: this.e.canSuspend(), suspended: false, obey,
    };
    this.current = run;
    vm.current = run;
    const T = thread.L;
    lua.lua_rawgeti(T, lua.LUA_REGISTRYINDEX, ref);
    let nargs = 0;
    if (isEval) {
      vm.setEvalArrays(keys, args);
    } else {
      pushStringArray(T, keys);
      pushStringArray(T, args);
      nargs = 2;
    }
    if (this.busyThreshold > 0) lua.lua_sethook(T, this.hook, lua.LUA_MASKCOUNT, HOOK_COUNT);
    this.step(run, nargs);
  }

  /** Resume the script's coroutine once; finish it, or schedule the next slice. */
  private step(run: ScriptRun, nargs: number): void {
    const T = run.thread.L;
    let status: number;
    try {
      status = lua.lua_resume(T, null, nargs);
    } catch (e) {
      this.e.log('warning', `Lua VM error: ${(e as Error).stack ?? e}`);
      lua.lua_settop(T, 0);
      pushErrorTable(T, `internal error: ${(e as Error).message}`);
      status = lua.LUA_ERRRUN;
    }
    if (status === lua.LUA_YIELD) {
      if (!run.suspended) {
        if (!this.e.requestSuspend()) {
          // Cannot happen (the hook yields only when canYield); finish synchronously.
          this.step(run, 0);
          return;
        }
        run.suspended = true;
      }
      setImmediate(() => this.resume(run));
      return;
    }
    this.finish(run, status);
  }

  private resume(run: ScriptRun): void {
    if (this.current !== run) return;
    if (this.e.isClosing) {
      // SHUTDOWN NOSAVE while the script was busy: drop it, nothing is answered or propagated.
      run.vm.giveThread(run.thread, false);
      this.current = null;
      run.vm.current = null;
      this.e.busy.kind = null;
      return;
    }
    run.sliceStart = performance.now();
    this.e.resumeSuspended(() => this.step(run, 0));
  }

  /** Write the script's result or error to the caller, then end the run. */
  private finish(run: ScriptRun, status: number): void {
    const T = run.thread.L;
    const w = run.caller.writer;
    w.resp = run.caller.resp;
    // A finished coroutine's frame leaves no free stack slots: make room for the conversion.
    lua.lua_checkstack(T, 20);
    let silent: boolean;
    if (status === lua.LUA_OK) {
      if (lua.lua_gettop(T) === 0) lua.lua_pushnil(T);
      else lua.lua_settop(T, 1);
      silent = writeLuaReply(T, w, run.client.resp);
    } else {
      const err = this.errorReply(run, T);
      writeError(w, err.text, err.ignoreStats);
      silent = err.ignoreStats;
    }
    if (silent) run.command.failedCalls++;
    this.endRun(run, status === lua.LUA_OK);
  }

  /** The error reply of a script that failed (what Redis's error handler and reply make). */
  private errorReply(run: ScriptRun, T: LuaState): { text: string; ignoreStats: boolean } {
    const where = findErrorPosition(T, 0);
    let msg: string | null;
    let ignoreStats = false;
    let source: string | null = null;
    let line: string | null = null;
    if (lua.lua_type(T, -1) === lua.LUA_TTABLE) {
      const info = errorInfo(T);
      msg = info.msg;
      ignoreStats = info.ignoreStats;
      source = info.source;
      line = info.line;
    } else {
      msg = 'ERR ' + latin1Of(lauxlib.luaL_tolstring(T, -1));
    }
    if (where !== null) {
      source = where.source;
      line = String(where.line);
    }
    let text = msg ?? 'ERR unknown error';
    const nul = text.indexOf('\0');
    if (nul !== -1) text = text.slice(0, nul);
    text = text.replace(/[\r\n]+$/, '');
    if (source !== null && line !== null) text += ` script: ${run.funcname}, on ${source}:${line}.`;
    return { text, ignoreStats };
  }

  private endRun(run: ScriptRun, ok: boolean): void {
    run.vm.giveThread(run.thread, ok);
    this.current = null;
    run.vm.current = null;
    run.client.writer.discard();
    if (run.timedOut) this.e.busy.kind = null;
    if (run.suspended) this.e.finishSuspended();
  }

  /** The instruction-count hook: busy detection, yielding, SCRIPT KILL. */
  private readonly hook = (L: LuaState): void => {
    const run = this.current;
    if (run === null) return;
    if (run.killed) {
      this.e.log('warning', 'Lua script killed by user with SCRIPT KILL.');
      lua.lua_sethook(L, this.hook, lua.LUA_MASKLINE, 0);
      pushErrorTable(L, KILLED_MESSAGE);
      lua.lua_error(L);
    }
    const now = performance.now();
    if (!run.timedOut) {
      const elapsed = now - run.start;
      if (elapsed < this.busyThreshold) return;
      this.e.log('warning', `Slow script detected: still in execution after ${Math.floor(elapsed)} milliseconds. ` +
        `You can try killing the script using the ${run.isEval ? 'SCRIPT KILL' : 'FUNCTION KILL'} command. ` +
        `Script name is: ${run.funcname}.`);
      run.timedOut = true;
      this.e.busy.kind = run.isEval ? 'eval' : 'function';
    }
    if (run.canYield && L === run.thread.L && now - run.sliceStart >= BUSY_SLICE_MS && lua.lua_isyieldable(L)) {
      lua.lua_yield(L, 0);
    }
  };

  /* ---- ScriptHost: redis.call from scripts ---------------------------------------------------- */

  execute(run: ScriptRun, argv: string[]): string | null {
    const e = this.e;
    const cmd = e.registry.lookup(argv);
    if (cmd === undefined || (cmd.spec.handler === undefined && cmd.subcommands === null)) {
      return this.rejected(null, 'Unknown Redis command called from script');
    }
    if (!arityAccepts(cmd.spec, argv.length)) {
      return this.rejected(cmd, 'Wrong number of args calling Redis command from script');
    }
    const flags = cmd.flagBits;
    if (!this.disableDenyScripts && flags & F_NOSCRIPT) {
      return this.rejected(cmd, 'This Redis command is not allowed from script');
    }
    if (!run.caller.aclUser.unrestricted && e.acl !== null) {
      const denied = e.acl.denied(run.caller, cmd, argv, 'lua');
      if (denied !== null) return this.rejected(cmd, denied);
    }
    if (run.readOnly && flags & (F_WRITE | F_MAY_REPLICATE)) {
      return this.rejected(cmd, 'Write commands are not allowed from read-only scripts.');
    }
    if (flags & F_WRITE && !run.writeDirty) {
      const obey = run.obey;
      if (this.isReadonlyReplica() && !obey) return this.rejected(cmd, `-${E.READONLY_REPLICA}`);
      if (!(e.replication?.enoughGoodReplicas() ?? true)) return this.rejected(cmd, `-${E.NOREPLICAS}`);
    }
    const mm = e.maxmemory;
    if (!run.allowOom && mm.limit !== 0 && !run.writeDirty && mm.preCommandOom && flags & F_DENYOOM) {
      return this.rejected(cmd, `-${E.OOM}`);
    }
    if (flags & F_WRITE) run.writeDirty = true;
    const client = run.client;
    const prop = e.propagation;
    const savedMask = prop.mask;
    prop.mask = run.replFlags;
    try {
      e.call(client, cmd, argv, e.ks.now, CALL_FROM_SCRIPT);
    } finally {
      prop.mask = savedMask;
    }
    return null;
  }

  /** A command refused before running: counted as Redis's afterErrorReply + rejected call. */
  private rejected(cmd: Command | null, text: string): string {
    this.e.countRejectedError(text.startsWith('-') ? text.slice(1) : `ERR ${text}`);
    if (cmd !== null) cmd.rejectedCalls++;
    return text;
  }

  takeReply(run: ScriptRun): Buffer {
    const chunks = run.client.writer.take();
    if (chunks === null || chunks.length === 0) return Buffer.from('$-1\r\n', 'latin1');
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  }

  aclCheck(run: ScriptRun, argv: string[]): boolean | null {
    const cmd = this.e.registry.lookup(argv);
    if (cmd === undefined) return null;
    const acl = this.e.acl;
    return run.caller.aclUser.unrestricted || acl === null || acl.allows(run.caller, cmd, argv);
  }

  log(level: number, msg: string): void {
    this.e.log(LOG_LEVELS[level] ?? 'warning', msg);
  }

  verbosity(): number {
    return VERBOSITY[this.e.config.getStr('loglevel')] ?? 2;
  }

  /* ---- SCRIPT ------------------------------------------------------------------------------------ */

  scriptLoad(body: string): { sha: string } | { error: string } {
    const sha = this.shaOf(body);
    const s = this.createScript(body, sha);
    if (typeof s === 'string') return { error: s.startsWith('-') ? s.slice(1) : `ERR ${s}` };
    return { sha };
  }

  scriptExists(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  scriptFlush(_async: boolean): void {
    // scriptingReset: a new interpreter and an empty cache.
    this.scripts = new Map();
    this.scriptsBytes = 0;
    this.lastBody = null;
    this.evalVm = new LuaVM('eval', this);
  }

  kill(isEval: boolean): string | null {
    const run = this.current;
    if (run === null) return NOTBUSY;
    if (run.writeDirty) return UNKILLABLE;
    if (isEval && !run.isEval) return BUSY_FUNCTION;
    if (!isEval && run.isEval) return BUSY_EVAL;
    run.killed = true;
    return null;
  }

  /* ---- FUNCTION ------------------------------------------------------------------------------ */

  functionLoad(code: string, replace: boolean, obey: boolean): { name: string } | { error: string } {
    const res = this.functions.load(code, replace, obey ? 0 : LOAD_TIMEOUT_MS);
    if ('error' in res) return { error: res.error.startsWith('-') ? res.error.slice(1) : `ERR ${res.error}` };
    return res;
  }

  functionDelete(name: string): boolean {
    return this.functions.delete(name);
  }

  functionFlush(_async: boolean): void {
    this.functions.flush();
  }

  functionList(pattern: string | null): FunctionLibraryView[] {
    const out: FunctionLibraryView[] = [];
    for (const lib of this.functions.ctx.libraries.values()) {
      if (pattern !== null && !stringMatch(pattern, lib.name, true)) continue;
      out.push({
        name: lib.name,
        engine: lib.engine,
        code: lib.code,
        functions: [...lib.functions.values()].map((f) => ({
          name: f.name, description: f.desc, flags: flagNames(f.flags),
        })),
      });
    }
    return out;
  }

  functionDump(): string {
    return this.functions.dump(this.e.config.getBool('rdbcompression')).latin1Slice();
  }

  functionRestore(payload: string, policy: 'flush' | 'append' | 'replace'): string | null {
    const err = this.functions.restore(Buffer.from(payload, 'latin1'), policy, false);
    return err === null ? null : `ERR ${err}`;
  }

  functionStats(): FunctionStatsView | { error: string } {
    const run = this.current;
    if (run !== null && run.isEval) return { error: BUSY_EVAL };
    const ctx = this.functions.ctx;
    return {
      running: run === null ? null : {
        name: run.funcname, command: run.argv, durationMs: Math.floor(performance.now() - run.start),
      },
      engines: [{ name: ENGINE_NAME, libraries: ctx.libraries.size, functions: ctx.functionCount }],
    };
  }

  /* ---- ScriptingHooks ------------------------------------------------------------------------ */

  memoryInfo(): ScriptingMemoryInfo {
    const ctx = this.functions.ctx;
    let fnBytes = 0;
    for (const lib of ctx.libraries.values()) fnBytes += lib.code.length + 64 * (lib.functions.size + 1);
    return {
      usedMemoryLua: this.evalVm.memory() + this.scriptsBytes,
      usedMemoryScriptsEval: this.scriptsBytes + this.scripts.size * 64,
      numberOfCachedScripts: this.scripts.size,
      numberOfFunctions: ctx.functionCount,
      numberOfLibraries: ctx.libraries.size,
      usedMemoryVmFunctions: this.fnVm.memory() + fnBytes,
      usedMemoryFunctions: fnBytes,
    };
  }

  rdbFunctionRecords(compress: boolean): Buffer {
    return this.functions.rdbRecords(compress);
  }

  functionCodes(): string[] {
    return this.functions.codes();
  }

  loadLibrary(code: string, replace: boolean): string | null {
    return this.functions.loadFromPersistence(code, replace);
  }

  flushFunctions(): void {
    this.functions.flush();
  }
}
