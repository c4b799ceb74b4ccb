/*
 * Lua scripting commands (Redis 7.0's "scripting" group): EVAL, EVALSHA, EVAL_RO, EVALSHA_RO,
 * FCALL, FCALL_RO and SCRIPT (LOAD EXISTS FLUSH KILL DEBUG HELP). The scripting layer runs the
 * scripts (c.server.scripting, implemented by src/scripting/); this file holds the metadata and
 * the argument handling.
 */

import type { Ctx } from './context.js';
import type { ArgSpec, CommandSpec, KeySpec } from './spec.js';
import { is } from './args.js';
import { replyHelp } from './lookup.js';

const EVAL_ARGS = (first: string): readonly ArgSpec[] => [
  { name: first, type: 'string' },
  { name: 'numkeys', type: 'integer' },
  { name: 'key', type: 'key', key_spec_index: 0, optional: true, multiple: true },
  { name: 'arg', type: 'string', optional: true, multiple: true },
];

function keySpec(ro: boolean, notes: boolean): KeySpec {
  const spec: KeySpec = {
    flags: ro ? ['RO', 'access'] : ['RW', 'access', 'update'],
    begin: { index: 2 },
    find: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } },
  };
  if (notes) {
    spec.notes = ro
      ? 'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS'
      : 'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE';
  }
  return spec;
}

/** The fields EVAL* and FCALL* share: name to since. */
function scriptCallBase(name: string, ro: boolean, since: string, notes: boolean) {
  return {
    name,
    arity: -3,
    flags: ro
      ? ['noscript', 'skip_monitor', 'no_mandatory_keys', 'stale', 'readonly']
      : ['noscript', 'skip_monitor', 'may_replicate', 'no_mandatory_keys', 'stale'],
    acl: ['scripting'],
    keySpecs: [keySpec(ro, notes)],
    group: 'scripting',
    since,
  } satisfies Partial<CommandSpec>;
}

function evalSpec(name: string, sha: boolean, ro: boolean, since: string, notes: boolean): CommandSpec {
  return {
    ...scriptCallBase(name, ro, since, notes),
    summary: ro ? 'Execute a read-only Lua script server side' : 'Execute a Lua script server side',
    complexity: 'Depends on the script that is executed.',
    args: EVAL_ARGS(sha ? 'sha1' : 'script'),
    handler(c, argv) {
      c.server.scripting.eval(c, argv, sha, ro);
    },
  };
}

function fcallSpec(name: string, ro: boolean): CommandSpec {
  return {
    ...scriptCallBase(name, ro, '7.0.0', true),
    summary: ro ? 'Invoke a read-only function' : 'Invoke a function',
    complexity: 'Depends on the function that is executed.',
    args: EVAL_ARGS('function'),
    handler(c, argv) {
      c.server.scripting.fcall(c, argv, ro);
    },
  };
}

const SCRIPT_HELP = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

function scriptFlush(c: Ctx, argv: string[]): void {
  let async = false;
  if (argv.length === 3 && is(argv[2], 'sync')) async = false;
  else if (argv.length === 3 && is(argv[2], 'async')) async = true;
  else if (argv.length === 2) async = c.server.configString('lazyfree-lazy-user-flush') === 'yes';
  else {
    c.reply.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    return;
  }
  c.server.scripting.scriptFlush(async);
  c.reply.ok();
}

function scriptExists(c: Ctx, argv: string[]): void {
  const r = c.reply;
  r.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) r.integer(c.server.scripting.scriptExists(argv[j] as string) ? 1 : 0);
}

function scriptLoad(c: Ctx, argv: string[]): void {
  const res = c.server.scripting.scriptLoad(argv[2] as string);
  if ('error' in res) c.reply.error(res.error);
  else c.reply.bulk(res.sha);
}

function scriptKill(c: Ctx): void {
  const err = c.server.scripting.kill(true);
  if (err !== null) c.reply.error(err);
  else c.reply.ok();
}

function scriptDebug(c: Ctx, argv: string[]): void {
  const mode = argv[2] as string;
  if (is(mode, 'no')) {
    c.reply.ok();
  } else if (is(mode, 'yes') || is(mode, 'sync')) {
    c.reply.error('ERR The Lua debugger is not supported by this server');
  } else {
    c.reply.error('ERR Use SCRIPT DEBUG YES/SYNC/NO');
  }
}

export const commands: CommandSpec[] = [
  evalSpec('eval', false, false, '2.6.0', true),
  evalSpec('evalsha', true, false, '2.6.0', false),
  evalSpec('eval_ro', false, true, '7.0.0', true),
  evalSpec('evalsha_ro', true, true, '7.0.0', false),
  fcallSpec('fcall', false),
  fcallSpec('fcall_ro', true),
  {
    name: 'script',
    arity: -2,
    flags: [],
    group: 'scripting',
    since: '2.6.0',
    summary: 'A container for Lua scripts management commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'debug',
        arity: 3,
        flags: ['noscript'],
        acl: ['scripting'],
        group: 'scripting',
        since: '3.2.0',
        summary: 'Set the debug mode for executed scripts.',
        complexity: 'O(1)',
        args: [
          {
            name: 'mode',
            type: 'oneof',
            arguments: [
              { name: 'yes', type: 'pure-token', token: 'YES' },
              { name: 'sync', type: 'pure-token', token: 'SYNC' },
              { name: 'no', type: 'pure-token', token: 'NO' },
            ],
          },
        ],
        handler: scriptDebug,
      },
      {
        name: 'exists',
        arity: -3,
        flags: ['noscript'],
        acl: ['scripting'],
        group: 'scripting',
        since: '2.6.0',
        summary: 'Check existence of scripts in the script cache.',
        complexity: 'O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).',
        tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'],
        args: [{ name: 'sha1', type: 'string', multiple: true }],
        handler: scriptExists,
      },
      {
        name: 'flush',
        arity: -2,
        flags: ['noscript'],
        acl: ['scripting'],
        group: 'scripting',
        since: '2.6.0',
        summary: 'Remove all the scripts from the script cache.',
        complexity: 'O(N) with N being the number of scripts in cache',
        history: [['6.2.0', 'Added the `ASYNC` and `SYNC` flushing mode modifiers.']],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        args: [
          {
            name: 'async',
            type: 'oneof',
            optional: true,
            since: '6.2.0',
            arguments: [
              { name: 'async', type: 'pure-token', token: 'ASYNC' },
              { name: 'sync', type: 'pure-token', token: 'SYNC' },
            ],
          },
        ],
        handler: scriptFlush,
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['scripting'],
        group: 'scripting',
        since: '5.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler(c, argv) {
          replyHelp(c, argv[0] as string, SCRIPT_HELP);
        },
      },
      {
        name: 'kill',
        arity: 2,
        flags: ['noscript', 'allow_busy'],
        acl: ['scripting'],
        group: 'scripting',
        since: '2.6.0',
        summary: 'Kill the script currently in execution.',
        complexity: 'O(1)',
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
        handler: scriptKill,
      },
      {
        name: 'load',
        arity: 3,
        flags: ['noscript', 'stale'],
        acl: ['scripting'],
        group: 'scripting',
        since: '2.6.0',
        summary: 'Load the specified Lua script into the script cache.',
        complexity: 'O(N) with N being the length in bytes of the script body.',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        args: [{ name: 'script', type: 'string' }],
        handler: scriptLoad,
      },
    ],
  },
];

