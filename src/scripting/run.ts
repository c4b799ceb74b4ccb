/*
 * One script invocation (Redis's scriptRunCtx): who called, what the script may do, and what
 * it did so far.
 */

import type { Client } from '../engine/client.js';
import type { Command } from '../engine/registry.js';
import type { LuaState } from './lua/fengari.js';
import type { LuaVM } from './vm.js';

export interface ScriptRun {
  readonly vm: LuaVM;
  /** The client that sent EVAL / FCALL. */
  readonly caller: Client;
  /** The script's own client: its selected db, its protocol (setresp), its reply buffer. */
  readonly client: Client;
  /** The EVAL / FCALL command (failed-call statistics). */
  readonly command: Command;
  /** The SHA1 of an EVAL script, or the function's name. */
  readonly funcname: string;
  readonly isEval: boolean;
  /** The command that started it (FUNCTION STATS). */
  readonly argv: readonly string[];
  /** Write commands are refused (EVAL_RO, FCALL_RO, no-writes). */
  readonly readOnly: boolean;
  /** allow-oom: deny-oom commands run even when memory is exhausted. */
  readonly allowOom: boolean;
  /** A write command ran: the script can no longer be killed or refused mid-way. */
  writeDirty: boolean;
  /** redis.set_repl: where the commands it runs propagate (PROPAGATE_AOF | PROPAGATE_REPL). */
  replFlags: number;
  /** SCRIPT KILL / FUNCTION KILL asked it to stop. */
  killed: boolean;
  /** Past busy-reply-threshold. */
  timedOut: boolean;
  /** performance.now() at the start. */
  readonly start: number;
  /** performance.now() when the current slice of execution began (busy scripts yield between). */
  sliceStart: number;
  /** The coroutine it runs in. */
  readonly thread: { L: LuaState; ref: number };
  /** Whether it may yield to the event loop (an outermost call from a client). */
  readonly canYield: boolean;
  /** The engine suspended its call: it finishes through Engine.finishSuspended. */
  suspended: boolean;
  /** Sent by the AOF loader or a master: runs regardless of replica read-only state. */
  readonly obey: boolean;
}
