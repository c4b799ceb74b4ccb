/*
 * SLOWLOG GET / LEN / RESET / HELP: the engine's slow log (src/engine/slowlog.ts), fed by
 * call() with every command that took at least slowlog-log-slower-than microseconds.
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { replyHelp } from './lookup.js';
import * as E from '../protocol/errors.js';
import { string2ll } from '../util/numbers.js';

function slowlogGetCommand(c: Ctx, argv: string[]): void {
  let count = 10;
  if (argv.length === 3) {
    const n = string2ll(argv[2] as string);
    if (n === null || n < -1n) {
      c.reply.error('ERR count should be greater than or equal to -1');
      return;
    }
    // -1 means every entry.
    count = n === -1n ? -1 : Number(n);
  } else if (argv.length > 3) {
    c.reply.error(E.subcommandSyntax(argv[1] as string, argv[0] as string));
    return;
  }
  const entries = c.server.introspection.slowlogGet(count);
  const r = c.reply;
  r.array(entries.length);
  for (const e of entries) {
    r.array(6);
    r.integer(e.id);
    r.integer(e.time);
    r.integer(e.duration);
    r.array(e.argv.length);
    for (const a of e.argv) r.bulk(a);
    r.bulk(e.peer);
    r.bulk(e.name);
  }
}

function slowlogLenCommand(c: Ctx): void {
  c.reply.integer(c.server.introspection.slowlogLen());
}

function slowlogResetCommand(c: Ctx): void {
  c.server.introspection.slowlogReset();
  c.reply.ok();
}

const SLOWLOG_HELP = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

function slowlogHelpCommand(c: Ctx, argv: string[]): void {
  replyHelp(c, argv[0] as string, SLOWLOG_HELP);
}

/* ---- metadata (Redis 7.0.15's slowlog*.json) ------------------------------------------------ */

const slowlogSubcommands: CommandSpec[] = [
  {
    name: 'get',
    arity: -2,
    flags: ['admin', 'loading', 'stale'],
    group: 'server',
    since: '2.2.12',
    summary: 'Get the slow log\'s entries',
    complexity: 'O(N) where N is the number of entries returned',
    history: [['4.0.0', 'Added client IP address, port and name to the reply.']],
    tips: ['request_policy:all_nodes', 'nondeterministic_output'],
    args: [
      { name: 'count', type: 'integer', optional: true },
    ],
    handler: slowlogGetCommand,
  },
  {
    name: 'len',
    arity: 2,
    flags: ['admin', 'loading', 'stale'],
    group: 'server',
    since: '2.2.12',
    summary: 'Get the slow log\'s length',
    complexity: 'O(1)',
    tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
    handler: slowlogLenCommand,
  },
  {
    name: 'reset',
    arity: 2,
    flags: ['admin', 'loading', 'stale'],
    group: 'server',
    since: '2.2.12',
    summary: 'Clear all entries from the slow log',
    complexity: 'O(N) where N is the number of entries in the slowlog',
    tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
    handler: slowlogResetCommand,
  },
  {
    name: 'help',
    arity: 2,
    flags: ['loading', 'stale'],
    group: 'server',
    since: '6.2.0',
    summary: 'Show helpful text about the different subcommands',
    complexity: 'O(1)',
    handler: slowlogHelpCommand,
  },
];

export const commands: CommandSpec[] = [
  {
    name: 'slowlog',
    arity: -2,
    flags: [],
    group: 'server',
    since: '2.2.12',
    summary: 'A container for slow log commands',
    complexity: 'Depends on subcommand.',
    subcommands: slowlogSubcommands,
  },
];
