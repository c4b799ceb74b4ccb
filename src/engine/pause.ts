/*
 * CLIENT PAUSE: while a pause lasts, commands it covers (every command for ALL; writes and
 * commands that may replicate for WRITE) are held: the client's parser stops at that command
 * and the command runs when the pause ends (deadline reached in serverCron or at the next
 * command, or CLIENT UNPAUSE), in the order the clients were held. A pause never shortens an
 * earlier one: a longer deadline wins, and ALL is not weakened to WRITE before its deadline.
 * Expiry is suspended meanwhile (keys that expire read as missing but stay), and eviction waits.
 */

import type { Client } from './client.js';
import { F_MAY_REPLICATE, F_WRITE } from './registry.js';

export interface PauseHost {
  /** Run a held command; false when the client stopped again (blocked, paused, closing). */
  processCommand(c: Client, argv: string[]): boolean;
}

export class ClientPause {
  mode: 'all' | 'write' | null = null;
  until = 0;
  private held: Client[] = [];

  constructor(private readonly host: PauseHost) {}

  /** Clients held right now (INFO blocked_clients counts them, as Redis does). */
  get heldCount(): number {
    return this.held.length;
  }

  /** Whether a command with these flags is held while the pause lasts. */
  covers(flags: number): boolean {
    return this.mode === 'all' || (flags & (F_WRITE | F_MAY_REPLICATE)) !== 0;
  }

  /**
   * processCommand's gate: hold `c` (true) when a pause covers the command and lasts past
   * `now`; a pause found expired is lifted first.
   */
  hold(c: Client, argv: string[], flags: number, now: number): boolean {
    if (this.mode === null || c.monitor || !this.covers(flags)) return false;
    if (now < this.until) {
      c.paused = true;
      c.pausedArgv = argv;
      this.held.push(c);
      return true;
    }
    this.release();
    return false;
  }

  pause(untilMs: number, mode: 'all' | 'write'): void {
    if (this.mode === 'all' && mode === 'write' && untilMs <= this.until) return;
    this.mode = this.mode === 'all' && untilMs <= this.until ? 'all' : mode;
    this.until = Math.max(untilMs, this.mode === mode ? untilMs : this.until);
  }

  /** Lift the pause without running the held commands yet (CLIENT UNPAUSE: see release). */
  lift(): void {
    this.mode = null;
    this.until = 0;
  }

  /** Lift the pause and run every held command, oldest first. */
  release(): void {
    this.lift();
    const list = this.held;
    this.held = [];
    for (const c of list) {
      c.paused = false;
      const argv = c.pausedArgv;
      c.pausedArgv = null;
      if (c.closed) continue;
      if (argv === null || this.host.processCommand(c, argv)) c.conn.parser.resume();
    }
  }

  /** No key may expire while a pause lasts (the clock is read only while one is set). */
  expiryPaused(): boolean {
    return this.mode !== null && Date.now() < this.until;
  }

  /** serverCron: end a pause whose deadline passed. */
  cron(now: number): void {
    if (this.mode !== null && now >= this.until) this.release();
  }
}
