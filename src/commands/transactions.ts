/*
 * Transaction commands (Redis 7.0's "transactions" group): MULTI, EXEC, DISCARD, WATCH,
 * UNWATCH. The dispatcher queues commands sent after MULTI; EXEC asks the engine to run the
 * queue (c.server.transactions), which writes the whole reply.
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';

function multiCommand(c: Ctx): void {
  if (c.client.inMulti) {
    c.reply.error('ERR MULTI calls can not be nested');
    return;
  }
  c.server.transactions.begin(c.client);
  c.reply.ok();
}

function execCommand(c: Ctx): void {
  if (!c.client.inMulti) {
    c.reply.error('ERR EXEC without MULTI');
    return;
  }
  c.server.transactions.exec(c.client);
  // EXEC itself never propagates: its commands did, grouped in MULTI/EXEC by the engine.
  c.rewritePropagation(null);
}

function discardCommand(c: Ctx): void {
  if (!c.client.inMulti) {
    c.reply.error('ERR DISCARD without MULTI');
    return;
  }
  c.server.transactions.discard(c.client);
  c.reply.ok();
}

function watchCommand(c: Ctx, argv: string[]): void {
  if (c.client.inMulti) {
    c.reply.error('ERR WATCH inside MULTI is not allowed');
    return;
  }
  c.server.transactions.watch(c.client, c.db, argv.slice(1));
  c.reply.ok();
}

function unwatchCommand(c: Ctx): void {
  c.server.transactions.unwatch(c.client);
  c.reply.ok();
}

/* ---- metadata (Redis 7.0.15's src/commands/*.json) --------------------------------------------- */

const specs: CommandSpec[] = [
  {
    name: 'multi',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    group: 'transactions',
    since: '1.2.0',
    summary: 'Mark the start of a transaction block',
    complexity: 'O(1)',
    handler: multiCommand,
  },
  {
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    acl: ['transaction'],
    group: 'transactions',
    since: '1.2.0',
    summary: 'Execute all commands issued after MULTI',
    complexity: 'Depends on commands in the transaction',
    handler: execCommand,
  },
  {
    name: 'discard',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    group: 'transactions',
    since: '2.0.0',
    summary: 'Discard all commands issued after MULTI',
    complexity: 'O(N), when N is the number of queued commands',
    handler: discardCommand,
  },
  {
    name: 'watch',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    keySpecs: [keyRange(['RO'], 1, -1)],
    group: 'transactions',
    since: '2.2.0',
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    complexity: 'O(1) for every key.',
    args: [{ name: 'key', type: 'key', key_spec_index: 0, multiple: true }],
    handler: watchCommand,
  },
  {
    name: 'unwatch',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    group: 'transactions',
    since: '2.2.0',
    summary: 'Forget about all watched keys',
    complexity: 'O(1)',
    handler: unwatchCommand,
  },
];

export const commands: CommandSpec[] = specs;
