/*
 * FUNCTION (LOAD DELETE FLUSH LIST DUMP RESTORE STATS KILL HELP): Redis 7.0's function
 * libraries. The registry lives in the scripting layer (c.server.scripting); this file holds
 * the metadata, the argument parsing and the reply shapes.
 */

import type { Ctx } from './context.js';
import { CALL_FROM_AOF, CALL_FROM_MASTER } from './context.js';
import type { CommandSpec } from './spec.js';
import { is } from './args.js';
import { configYes, replyHelp } from './lookup.js';
import { cstr, subcommandSyntax } from '../protocol/errors.js';

const FUNCTION_HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

function functionLoad(c: Ctx, argv: string[]): void {
  let replace = false;
  let pos = 2;
  while (pos < argv.length - 1) {
    const arg = argv[pos++] as string;
    if (is(arg, 'replace')) {
      replace = true;
      continue;
    }
    c.reply.error(`ERR Unknown option given: ${cstr(arg)}`);
    return;
  }
  if (pos >= argv.length) {
    c.reply.error('ERR Function code is missing');
    return;
  }
  const obey = (c.callFlags & (CALL_FROM_AOF | CALL_FROM_MASTER)) !== 0;
  const res = c.server.scripting.functionLoad(argv[pos] as string, replace, obey);
  if ('error' in res) {
    c.reply.error(res.error);
    return;
  }
  c.dirty();
  c.reply.bulk(res.name);
}

function functionDelete(c: Ctx, argv: string[]): void {
  if (!c.server.scripting.functionDelete(argv[2] as string)) {
    c.reply.error('ERR Library not found');
    return;
  }
  c.dirty();
  c.reply.ok();
}

function functionFlush(c: Ctx, argv: string[]): void {
  if (argv.length > 3) {
    c.reply.error(subcommandSyntax(argv[1] ?? '', argv[0] ?? ''));
    return;
  }
  let async: boolean;
  if (argv.length === 3 && is(argv[2], 'sync')) async = false;
  else if (argv.length === 3 && is(argv[2], 'async')) async = true;
  else if (argv.length === 2) async = configYes(c, 'lazyfree-lazy-user-flush');
  else {
    c.reply.error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    return;
  }
  c.server.scripting.functionFlush(async);
  c.dirty();
  c.reply.ok();
}

function functionList(c: Ctx, argv: string[]): void {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!withCode && is(arg, 'withcode')) {
      withCode = true;
      continue;
    }
    if (pattern === null && is(arg, 'libraryname')) {
      if (i >= argv.length - 1) {
        c.reply.error('ERR library name argument was not given');
        return;
      }
      pattern = argv[++i] as string;
      continue;
    }
    c.reply.error(`ERR Unknown argument ${cstr(arg)}`);
    return;
  }
  const libs = c.server.scripting.functionList(pattern);
  const r = c.reply;
  r.array(libs.length);
  for (const lib of libs) {
    r.map(withCode ? 4 : 3);
    r.bulk('library_name');
    r.bulk(lib.name);
    r.bulk('engine');
    r.bulk(lib.engine);
    r.bulk('functions');
    r.array(lib.functions.length);
    for (const f of lib.functions) {
      r.map(3);
      r.bulk('name');
      r.bulk(f.name);
      r.bulk('description');
      r.bulk(f.description);
      r.bulk('flags');
      r.set(f.flags.length);
      for (const flag of f.flags) r.simple(flag);
    }
    if (withCode) {
      r.bulk('library_code');
      r.bulk(lib.code);
    }
  }
}

function functionDump(c: Ctx): void {
  c.reply.bulk(c.server.scripting.functionDump());
}

function functionRestore(c: Ctx, argv: string[]): void {
  if (argv.length > 4) {
    c.reply.error(subcommandSyntax(argv[1] ?? '', argv[0] ?? ''));
    return;
  }
  let policy: 'flush' | 'append' | 'replace' = 'append';
  if (argv.length === 4) {
    const p = argv[3] as string;
    if (is(p, 'append')) policy = 'append';
    else if (is(p, 'replace')) policy = 'replace';
    else if (is(p, 'flush')) policy = 'flush';
    else {
      c.reply.error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
      return;
    }
  }
  const err = c.server.scripting.functionRestore(argv[2] as string, policy);
  if (err !== null) {
    c.reply.error(err);
    return;
  }
  c.dirty();
  c.reply.ok();
}

function functionStats(c: Ctx): void {
  const stats = c.server.scripting.functionStats();
  const r = c.reply;
  if ('error' in stats) {
    r.error(stats.error);
    return;
  }
  r.map(2);
  r.bulk('running_script');
  const run = stats.running;
  if (run === null) {
    r.null();
  } else {
    r.map(3);
    r.bulk('name');
    r.bulk(run.name);
    r.bulk('command');
    r.bulkArray(run.command);
    r.bulk('duration_ms');
    r.integer(run.durationMs);
  }
  r.bulk('engines');
  r.map(stats.engines.length);
  for (const e of stats.engines) {
    r.bulk(e.name);
    r.map(2);
    r.bulk('libraries_count');
    r.integer(e.libraries);
    r.bulk('functions_count');
    r.integer(e.functions);
  }
}

function functionKill(c: Ctx): void {
  const err = c.server.scripting.kill(false);
  if (err !== null) c.reply.error(err);
  else c.reply.ok();
}

const ALL_SHARDS_ALL_SUCCEEDED = ['request_policy:all_shards', 'response_policy:all_succeeded'];

export const commands: CommandSpec[] = [
  {
    name: 'function',
    arity: -2,
    flags: [],
    group: 'scripting',
    since: '7.0.0',
    summary: 'A container for function commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'delete',
        arity: 3,
        flags: ['noscript', 'write'],
        acl: ['scripting'],
        group: 'scripting',
        since: '7.0.0',
        summary: 'Delete a function by name',
        complexity: 'O(1)',
        tips: ALL_SHARDS_ALL_SUCCEEDED,
        args: [{ name: 'library-name', type: 'string' }],
        handler: functionDelete,
      },
      {
        name: 'dump',
        arity: 2,
        flags: ['noscript'],
        acl: ['scripting'],
        group: 'scripting',
        since: '7.0.0',
        summary: 'Dump all functions into a serialized binary payload',
        complexity: 'O(N) where N is the number of functions',
        handler: functionDump,
      },
      {
        name: 'flush',
        arity: -2,
        flags: ['noscript', 'write'],
        acl: ['scripting'],
        group: 'scripting',
        since: '7.0.0',
        summary: 'Deleting all functions',
        complexity: 'O(N) where N is the number of functions deleted',
        tips: ALL_SHARDS_ALL_SUCCEEDED,
        args: [
          {
            name: 'async',
            type: 'oneof',
            optional: true,
            arguments: [
              { name: 'async', type: 'pure-token', token: 'ASYNC' },
              { name: 'sync', type: 'pure-token', token: 'SYNC' },
            ],
          },
        ],
        handler: functionFlush,
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['scripting'],
        group: 'scripting',
        since: '7.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler(c, argv) {
          replyHelp(c, argv[0] as string, FUNCTION_HELP);
        },
      },
      {
        name: 'kill',
        arity: 2,
        flags: ['noscript', 'allow_busy'],
        acl: ['scripting'],
        group: 'scripting',
        since: '7.0.0',
        summary: 'Kill the function currently in execution.',
        complexity: 'O(1)',
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
        handler: functionKill,
      },
      {
        name: 'list',
        arity: -2,
        flags: ['noscript'],
        acl: ['scripting'],
        group: 'scripting',
        since: '7.0.0',
        summary: 'List information about all the functions',
        complexity: 'O(N) where N is the number of functions',
        tips: ['nondeterministic_output_order'],
        args: [
          { name: 'library-name-pattern', type: 'string', token: 'LIBRARYNAME', optional: true },
          { name: 'withcode', type: 'pure-token', token: 'WITHCODE', optional: true },
        ],
        handler: functionList,
      },
      {
        name: 'load',
        arity: -3,
        flags: ['noscript', 'write', 'denyoom'],
        acl: ['scripting'],
        group: 'scripting',
        since: '7.0.0',
        summary: 'Create a function with the given arguments (name, code, description)',
        complexity: 'O(1) (considering compilation time is redundant)',
        tips: ALL_SHARDS_ALL_SUCCEEDED,
        args: [
          { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true },
          { name: 'function-code', type: 'string' },
        ],
        handler: functionLoad,
      },
      {
        name: 'restore',
        arity: -3,
        flags: ['noscript', 'write', 'denyoom'],
        acl: ['scripting'],
        group: 'scripting',
        since: '7.0.0',
        summary: 'Restore all the functions on the given payload',
        complexity: 'O(N) where N is the number of functions on the payload',
        tips: ALL_SHARDS_ALL_SUCCEEDED,
        args: [
          { name: 'serialized-value', type: 'string' },
          {
            name: 'policy',
            type: 'oneof',
            optional: true,
            arguments: [
              { name: 'flush', type: 'pure-token', token: 'FLUSH' },
              { name: 'append', type: 'pure-token', token: 'APPEND' },
              { name: 'replace', type: 'pure-token', token: 'REPLACE' },
            ],
          },
        ],
        handler: functionRestore,
      },
      {
        name: 'stats',
        arity: 2,
        flags: ['noscript', 'allow_busy'],
        acl: ['scripting'],
        group: 'scripting',
        since: '7.0.0',
        summary: 'Return information about the function currently running (name, description, duration)',
        complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        handler: functionStats,
      },
    ],
  },
];
