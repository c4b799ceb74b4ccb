/*
 * Long commands that yield to the event loop: Redis's "busy" scripts.
 *
 * Handlers are synchronous, so a script that runs past busy-reply-threshold cannot keep the
 * stack of the call that started it and still let the event loop answer other clients. The
 * scripting layer makes its Lua coroutine yield (from the VM's instruction-count hook), and the
 * handler asks the engine to *suspend* the call instead of finishing it:
 *
 *  - call() returns without its epilogue: the call depth stays at one (so everything the
 *    script still runs is a nested call that keeps the script's cached time and collects its
 *    propagation), the caller's parser is paused, and the frame is kept here;
 *  - while suspended, the dispatcher rejects other clients' commands with -BUSY unless they
 *    are flagged allow-busy (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE, AUTH, MULTI...),
 *    and the background work that would change the dataset under the script (active expiry,
 *    serving blocked clients) is held, as Redis does while it processes events from inside a
 *    busy script;
 *  - the scripting layer resumes the coroutine on later event-loop turns, and when the script
 *    ends it writes the reply and asks the engine to finish the call: statistics, the slow log,
 *    the propagation of everything the script wrote (wrapped in MULTI/EXEC), then the caller's
 *    next commands and whatever was held.
 *
 * Only an outermost call from a connected client can be suspended. A script run by EXEC, by
 * the AOF loader or by a master link runs to its end without yielding (the BUSY state is then
 * reported but no other client gets a turn), as there is no caller frame to unwind to.
 */

import type { Client } from './client.js';
import type { Command } from './registry.js';

export const BUSY_SCRIPT = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
export const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';

/** What call() needs to finish a suspended call later. */
export interface SuspendedCall {
  c: Client;
  cmd: Command;
  argv: string[];
  flags: number;
  t0: number;
  dirtyBefore: number;
  dbIndex: number;
  rerun: boolean;
  propagateAs: string[] | null | undefined;
  /** The call's cached time (restored for each resumed slice). */
  now: number;
}

export class Busy {
  /** A script is past its busy-reply-threshold: 'eval' or 'function' (which error others get). */
  kind: 'eval' | 'function' | null = null;
  /** Set by a handler that asks to finish its call later (read by Engine.call). */
  suspendRequested = false;
  /** The suspended call, while one is. */
  suspended: SuspendedCall | null = null;
  /** Work held while a call is suspended (background steps that would touch the dataset). */
  private held: Array<() => void> = [];

  get active(): boolean {
    return this.kind !== null;
  }

  /** The -BUSY error for commands refused while a script is busy. */
  error(): string {
    return this.kind === 'function' ? BUSY_FUNCTION : BUSY_SCRIPT;
  }

  /** Wrap a background step: it runs now, or after the suspended call finishes. */
  gate(fn: () => void): () => void {
    return () => {
      if (this.suspended === null) fn();
      else this.held.push(fn);
    };
  }

  /** The suspended call finished: run what was held. */
  release(): void {
    const list = this.held;
    this.held = [];
    for (const fn of list) fn();
  }
}
