/*
 * client-output-buffer-limit: per client class a hard limit (close at once when the pending
 * output exceeds it) and a soft limit (close when it stays above it for `seconds`). Pending
 * output is what the reply writer holds plus what the socket has not sent yet.
 */

import type { Client } from './client.js';

export type OutputLimitClass = 'normal' | 'replica' | 'pubsub';

export interface Limit {
  hard: number;
  soft: number;
  seconds: number;
}

export type OutputLimits = Record<OutputLimitClass, Limit>;

/** Parse the `client-output-buffer-limit` value as CONFIG GET formats it (class hard soft secs ...). */
export function parseOutputLimits(text: string): OutputLimits {
  const limits: OutputLimits = {
    normal: { hard: 0, soft: 0, seconds: 0 },
    replica: { hard: 0, soft: 0, seconds: 0 },
    pubsub: { hard: 0, soft: 0, seconds: 0 },
  };
  const parts = text.split(/\s+/).filter((s) => s !== '');
  for (let i = 0; i + 3 < parts.length; i += 4) {
    const cls = parts[i] === 'slave' ? 'replica' : (parts[i] as OutputLimitClass);
    if (!(cls in limits)) continue;
    limits[cls] = { hard: Number(parts[i + 1]), soft: Number(parts[i + 2]), seconds: Number(parts[i + 3]) };
  }
  return limits;
}

/** Pending output bytes of a client (CLIENT LIST omem). */
export function pendingOutput(c: Client): number {
  return c.writer.pendingBytes + c.conn.pendingBytes;
}

/**
 * Check a client against its class's limits; returns 'hard' or 'soft' when it must be closed,
 * null otherwise (and tracks when the soft limit was first exceeded). As in Redis, the soft
 * limit counts whole seconds: it must stay exceeded for more than `seconds` of them.
 */
export function checkOutputLimits(c: Client, limit: Limit, now: number): 'hard' | 'soft' | null {
  if (limit.hard === 0 && limit.soft === 0) return null;
  const used = pendingOutput(c);
  if (limit.hard && used >= limit.hard) return 'hard';
  if (limit.soft && used >= limit.soft) {
    const sec = Math.floor(now / 1000);
    if (c.obufSoftLimitSince === 0) {
      c.obufSoftLimitSince = sec;
      return null;
    }
    if (sec - c.obufSoftLimitSince > limit.seconds) return 'soft';
    return null;
  }
  c.obufSoftLimitSince = 0;
  return null;
}

/** What closing a client over its output limits needs from the engine. */
export interface OutputLimitHost {
  readonly outputLimits: OutputLimits;
  clientType(c: Client): OutputLimitClass;
  clientInfoLine(c: Client): string;
  log(level: 'warning', msg: string): void;
  readonly stats: { clientOutputBufferLimitDisconnections: number };
  schedule(c: Client): void;
}

/**
 * closeClientOnOutputBufferLimitReached (async form): when the client's pending output is over
 * its class's hard limit, or over the soft limit for too long, it is marked to be closed at
 * the end of the event-loop turn and everything it would still receive is dropped, so its
 * memory stops growing at once. Called whenever the reply writer grows its chunk list (the
 * moment Redis checks) and after each flush to the socket. Returns true when it closed it.
 */
export function closeOnOutputLimit(h: OutputLimitHost, c: Client): boolean {
  if (c.killed || c.closed) return false;
  const limit = h.outputLimits[h.clientType(c)];
  if (limit.hard === 0 && limit.soft === 0) return false;
  if (pendingOutput(c) === 0 || checkOutputLimits(c, limit, Date.now()) === null) return false;
  const info = h.clientInfoLine(c);
  c.killed = true;
  c.writer.discard();
  c.writer.dead = true;
  h.schedule(c);
  h.log('warning', `Client ${info} scheduled to be closed ASAP for overcoming of output buffer limits.`);
  h.stats.clientOutputBufferLimitDisconnections++;
  return true;
}
