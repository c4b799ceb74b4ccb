/*
 * BGREWRITEAOF: rewrite the append-only file (the engine's AOF service does the work).
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';

function bgrewriteaofCommand(c: Ctx): void {
  const r = c.server.bgrewriteaof(c.callFlags);
  if ('error' in r) c.reply.error(r.error);
  else c.reply.simple(r.status);
}

export const commands: CommandSpec[] = [
  {
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['no_async_loading', 'admin', 'noscript'],
    acl: ['admin', 'slow', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Asynchronously rewrite the append-only file',
    complexity: 'O(1)',
    handler: bgrewriteaofCommand,
  },
];
