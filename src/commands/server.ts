/*
 * Server commands (part of Redis 7.0's "server" group): INFO, CONFIG, DBSIZE, FLUSHDB,
 * FLUSHALL, SWAPDB, TIME, LOLWUT, SHUTDOWN and DEBUG (handlers of the last two families of
 * output in debug.ts). Everything that touches server state goes through c.server.
 */

import { performance } from 'node:perf_hooks';
import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { is } from './args.js';
import { replyHelp } from './lookup.js';
import { debugCommand, lolwutCommand } from './debug.js';
import * as E from '../protocol/errors.js';
import { string2l } from '../util/numbers.js';

/** A directive's value, or `fallback` when the config schema does not know it. */
function configOr(c: Ctx, name: string, fallback: string): string {
  try {
    return c.server.configString(name);
  } catch {
    return fallback;
  }
}

/* ---- INFO / TIME / DBSIZE --------------------------------------------------------------- */

/** INFO [section ...]: a bulk string in RESP2, a verbatim string (txt) in RESP3. */
function infoCommand(c: Ctx, argv: string[]): void {
  const sections = argv.slice(1).map((s) => s.toLowerCase());
  c.reply.verbatim(c.server.info(sections));
}

function timeCommand(c: Ctx): void {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const sec = Math.floor(us / 1e6);
  c.reply.array(2);
  c.reply.bulk(String(sec));
  c.reply.bulk(String(us - sec * 1e6));
}

function dbsizeCommand(c: Ctx): void {
  c.reply.integer(c.db.size);
}

/* ---- FLUSHDB / FLUSHALL / SWAPDB ------------------------------------------------------------- */

/** getFlushCommandFlags: true for ASYNC, false for SYNC, null after a syntax error reply. */
function flushMode(c: Ctx, argv: string[]): boolean | null {
  if (argv.length === 2 && is(argv[1], 'sync')) return false;
  if (argv.length === 2 && is(argv[1], 'async')) return true;
  if (argv.length === 1) return configOr(c, 'lazyfree-lazy-user-flush', 'no') === 'yes';
  c.reply.error(E.SYNTAX);
  return null;
}

function flushdbCommand(c: Ctx, argv: string[]): void {
  const async = flushMode(c, argv);
  if (async === null) return;
  c.server.flushDb(c.db, async);
  c.reply.ok();
}

function flushallCommand(c: Ctx, argv: string[]): void {
  const async = flushMode(c, argv);
  if (async === null) return;
  c.server.flushAll(async);
  c.reply.ok();
}

/** getIntFromObjectOrReply with a custom message. */
function dbIndexArg(c: Ctx, s: string, msg: string): number | null {
  const v = string2l(s);
  if (v === null || v < -2147483648 || v > 2147483647) {
    c.reply.error(msg);
    return null;
  }
  return v;
}

function swapdbCommand(c: Ctx, argv: string[]): void {
  if (configOr(c, 'cluster-enabled', 'no') === 'yes') {
    c.reply.error('ERR SWAPDB is not allowed in cluster mode');
    return;
  }
  const a = dbIndexArg(c, argv[1] as string, 'ERR invalid first DB index');
  if (a === null) return;
  const b = dbIndexArg(c, argv[2] as string, 'ERR invalid second DB index');
  if (b === null) return;
  const err = c.server.swapDb(a, b);
  if (err !== null) c.reply.error(err);
  else c.reply.ok();
}

/* ---- SHUTDOWN ---------------------------------------------------------------------------------- */

function shutdownCommand(c: Ctx, argv: string[]): void {
  let save: 'default' | 'save' | 'nosave' = 'default';
  let nosave = false;
  let saveFlag = false;
  let now = false;
  let force = false;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (is(a, 'nosave')) nosave = true;
    else if (is(a, 'save')) saveFlag = true;
    else if (is(a, 'now')) now = true;
    else if (is(a, 'force')) force = true;
    else if (is(a, 'abort')) abort = true;
    else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  if ((abort && (nosave || saveFlag || now || force)) || (nosave && saveFlag)) {
    c.reply.error(E.SYNTAX);
    return;
  }
  if (nosave) save = 'nosave';
  else if (saveFlag) save = 'save';
  const err = c.server.shutdown({ save, now, force, abort });
  if (err !== null) c.reply.error(err);
  else if (abort) c.reply.ok();
}

/* ---- CONFIG -------------------------------------------------------------------------------- */

function configGetCommand(c: Ctx, argv: string[]): void {
  const pairs = c.server.configGet(argv.slice(2));
  c.reply.map(pairs.length);
  for (const [k, v] of pairs) {
    c.reply.bulk(k);
    c.reply.bulk(v);
  }
}

function configSetCommand(c: Ctx, argv: string[]): void {
  if (argv.length % 2 !== 0) {
    c.reply.error(E.SYNTAX);
    return;
  }
  const err = c.server.configSet(argv.slice(2));
  if (err !== null) c.reply.error(err);
  else c.reply.ok();
}

function configResetstatCommand(c: Ctx): void {
  c.server.resetStats();
  c.reply.ok();
}

function configRewriteCommand(c: Ctx): void {
  const err = c.server.configRewrite();
  if (err !== null) c.reply.error(err);
  else c.reply.ok();
}

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

function configHelpCommand(c: Ctx, argv: string[]): void {
  replyHelp(c, argv[0] as string, CONFIG_HELP);
}

/* ---- metadata (Redis 7.0.15's src/commands/*.json) ------------------------------------------- */

const FLUSH_ARGS: CommandSpec['args'] = [
  { name: 'async', type: 'oneof', optional: true, arguments: [
    { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' },
    { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' },
  ] },
];

const FLUSH_HISTORY: CommandSpec['history'] = [
  ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
  ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
];

const specs: CommandSpec[] = [
  {
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale', 'sentinel'],
    acl: ['dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Get information and statistics about the server',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added support for taking multiple section arguments.']],
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    args: [{ name: 'section', type: 'string', optional: true, multiple: true }],
    handler: infoCommand,
  },
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    group: 'server',
    since: '1.0.0',
    summary: 'Return the number of keys in the selected database',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    handler: dbsizeCommand,
  },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Remove all keys from the current database',
    complexity: 'O(N) where N is the number of keys in the selected database',
    history: FLUSH_HISTORY,
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    args: FLUSH_ARGS,
    handler: flushdbCommand,
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    acl: ['keyspace', 'dangerous'],
    group: 'server',
    since: '1.0.0',
    summary: 'Remove all keys from all databases',
    complexity: 'O(N) where N is the total number of keys in all databases',
    history: FLUSH_HISTORY,
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    args: FLUSH_ARGS,
    handler: flushallCommand,
  },
  {
    name: 'swapdb',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['keyspace', 'dangerous'],
    group: 'server',
    since: '4.0.0',
    summary: 'Swaps two Redis databases',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    args: [
      { name: 'index1', type: 'integer' },
      { name: 'index2', type: 'integer' },
    ],
    handler: swapdbCommand,
  },
  {
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    group: 'server',
    since: '2.6.0',
    summary: 'Return the current server time',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler: timeCommand,
  },
  {
    name: 'lolwut',
    arity: -1,
    flags: ['readonly', 'fast'],
    group: 'server',
    since: '5.0.0',
    summary: 'Display some computer art and the Redis version',
    args: [{ name: 'version', type: 'integer', token: 'VERSION', optional: true }],
    handler: lolwutCommand,
  },
  {
    name: 'shutdown',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'sentinel', 'allow_busy'],
    group: 'server',
    since: '1.0.0',
    summary: 'Synchronously save the dataset to disk and then shut down the server',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    history: [['7.0.0', 'Added the `NOW`, `FORCE` and `ABORT` modifiers.']],
    args: [
      { name: 'nosave_save', type: 'oneof', optional: true, arguments: [
        { name: 'nosave', type: 'pure-token', token: 'NOSAVE' },
        { name: 'save', type: 'pure-token', token: 'SAVE' },
      ] },
      { name: 'now', type: 'pure-token', token: 'NOW', optional: true, since: '7.0.0' },
      { name: 'force', type: 'pure-token', token: 'FORCE', optional: true, since: '7.0.0' },
      { name: 'abort', type: 'pure-token', token: 'ABORT', optional: true, since: '7.0.0' },
    ],
    handler: shutdownCommand,
  },
  {
    name: 'debug',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale', 'protected'],
    group: 'server',
    since: '1.0.0',
    summary: 'A container for debugging commands',
    complexity: 'Depends on subcommand.',
    docFlags: ['syscmd'],
    handler: debugCommand,
  },
  {
    name: 'config',
    arity: -2,
    flags: [],
    group: 'server',
    since: '2.0.0',
    summary: 'A container for server configuration commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'get',
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        group: 'server',
        since: '2.0.0',
        summary: 'Get the values of configuration parameters',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to pass multiple pattern parameters in one call']],
        args: [
          { name: 'parameter', type: 'block', multiple: true, arguments: [
            { name: 'parameter', type: 'string' },
          ] },
        ],
        handler: configGetCommand,
      },
      {
        name: 'set',
        arity: -4,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        group: 'server',
        since: '2.0.0',
        summary: 'Set configuration parameters to the given values',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to set multiple parameters in one call.']],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        args: [
          { name: 'parameter_value', type: 'block', multiple: true, arguments: [
            { name: 'parameter', type: 'string' },
            { name: 'value', type: 'string' },
          ] },
        ],
        handler: configSetCommand,
      },
      {
        name: 'resetstat',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        group: 'server',
        since: '2.0.0',
        summary: 'Reset the stats returned by INFO',
        complexity: 'O(1)',
        handler: configResetstatCommand,
      },
      {
        name: 'rewrite',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        group: 'server',
        since: '2.8.0',
        summary: 'Rewrite the configuration file with the in memory configuration',
        complexity: 'O(1)',
        handler: configRewriteCommand,
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'server',
        since: '5.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: configHelpCommand,
      },
    ],
  },
];

export const commands: CommandSpec[] = specs;
