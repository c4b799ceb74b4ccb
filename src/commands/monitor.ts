/*
 * MONITOR: turn the connection into a monitor that receives every command the server runs
 * (the engine's monitor.ts writes the lines). Like Redis, a second MONITOR on the same
 * connection is ignored without a reply, and it is refused where a reply per command is
 * expected (inside MULTI/EXEC or a script).
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';

function monitorCommand(c: Ctx): void {
  if (!c.canBlock) {
    c.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  if (c.server.introspection.monitor(c.client)) c.reply.ok();
}

export const commands: CommandSpec[] = [
  {
    name: 'monitor',
    arity: 1,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'server',
    since: '1.0.0',
    summary: 'Listen for all requests received by the server in real time',
    handler: monitorCommand,
  },
];
