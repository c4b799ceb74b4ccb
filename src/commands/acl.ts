/*
 * ACL (Redis 7.0's "server" group container): SETUSER, GETUSER, DELUSER, USERS, LIST, WHOAMI,
 * CAT, GENPASS, LOG, DRYRUN, LOAD, SAVE, HELP. The users, rules and checks live in the ACL
 * layer (src/acl/), reached through c.server.acl; these handlers parse and format.
 */

import { randomBytes } from 'node:crypto';
import type { AclSelectorView, Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { replyHelp } from './lookup.js';
import * as E from '../protocol/errors.js';
import { formatDouble17g } from '../util/numbers.js';
import { intArg, is } from './args.js';

const GENPASS_MAX_BITS = 4096;

/** CAT, GENPASS and LOG take at most one argument: replies the syntax error past it. */
function tooManyArgs(c: Ctx, argv: string[]): boolean {
  if (argv.length <= 3) return false;
  c.reply.error(E.subcommandSyntax(argv[1] as string, argv[0] as string));
  return true;
}

function setuserCommand(c: Ctx, argv: string[]): void {
  const err = c.server.acl.setUser(argv[2] as string, argv.slice(3));
  if (err === null) c.reply.ok();
  else c.reply.error(err);
}

function deluserCommand(c: Ctx, argv: string[]): void {
  const r = c.server.acl.delUsers(argv.slice(2));
  if (typeof r === 'number') c.reply.integer(r);
  else c.reply.error(r.error);
}

function replySelector(c: Ctx, s: AclSelectorView): void {
  const r = c.reply;
  r.bulk('commands');
  r.bulk(s.commands);
  r.bulk('keys');
  r.bulk(s.keys);
  r.bulk('channels');
  r.bulk(s.channels);
}

function getuserCommand(c: Ctx, argv: string[]): void {
  const u = c.server.acl.getUser(argv[2] as string);
  const r = c.reply;
  if (u === null) {
    r.null();
    return;
  }
  r.map(6);
  r.bulk('flags');
  r.set(u.flags.length);
  for (const f of u.flags) r.bulk(f);
  r.bulk('passwords');
  r.bulkArray(u.passwords);
  replySelector(c, u.root);
  r.bulk('selectors');
  r.array(u.selectors.length);
  for (const s of u.selectors) {
    r.map(3);
    replySelector(c, s);
  }
}

function usersCommand(c: Ctx): void {
  c.reply.bulkArray(c.server.acl.userNames());
}

function listCommand(c: Ctx): void {
  c.reply.bulkArray(c.server.acl.list());
}

function whoamiCommand(c: Ctx): void {
  c.reply.bulk(c.client.user);
}

function loadCommand(c: Ctx): void {
  const err = c.server.acl.load();
  if (err === null) c.reply.ok();
  else c.reply.error(err);
}

function saveCommand(c: Ctx): void {
  const err = c.server.acl.save();
  if (err === null) c.reply.ok();
  else c.reply.error(err);
}

function catCommand(c: Ctx, argv: string[]): void {
  if (tooManyArgs(c, argv)) return;
  if (argv.length === 2) {
    c.reply.bulkArray(c.server.acl.categories());
    return;
  }
  const name = argv[2] as string;
  const list = c.server.acl.categoryCommands(name);
  if (list === null) {
    c.reply.error(`ERR Unknown category '${name.slice(0, 128)}'`);
    return;
  }
  c.reply.bulkArray(list);
}

function genpassCommand(c: Ctx, argv: string[]): void {
  if (tooManyArgs(c, argv)) return;
  let bits = 256;
  if (argv.length === 3) {
    const n = intArg(c, argv[2]);
    if (n === null) return;
    if (n <= 0 || n > GENPASS_MAX_BITS) {
      c.reply.error('ERR ACL GENPASS argument must be the number of bits for the output password, a positive number ' +
        `up to ${GENPASS_MAX_BITS}`);
      return;
    }
    bits = n;
  }
  const chars = Math.floor((bits + 3) / 4);
  c.reply.bulk(randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars));
}

function logCommand(c: Ctx, argv: string[]): void {
  if (tooManyArgs(c, argv)) return;
  let count = 10;
  if (argv.length === 3) {
    if (is(argv[2], 'reset')) {
      c.server.acl.logReset();
      c.reply.ok();
      return;
    }
    const n = intArg(c, argv[2]);
    if (n === null) return;
    count = Math.min(Math.max(n, 0), 1000000000);
  }
  const entries = c.server.acl.log(count);
  const r = c.reply;
  r.array(entries.length);
  for (const e of entries) {
    r.map(7);
    r.bulk('count');
    r.integer(e.count);
    r.bulk('reason');
    r.bulk(e.reason);
    r.bulk('context');
    r.bulk(e.context);
    r.bulk('object');
    r.bulk(e.object);
    r.bulk('username');
    r.bulk(e.username);
    r.bulk('age-seconds');
    r.doubleText(formatDouble17g(e.ageSeconds));
    r.bulk('client-info');
    r.bulk(e.clientInfo);
  }
}

function dryrunCommand(c: Ctx, argv: string[]): void {
  const r = c.server.acl.dryRun(argv[2] as string, argv.slice(3));
  if (r === null) c.reply.ok();
  else if ('denied' in r) c.reply.bulk(r.denied);
  else c.reply.error(r.error);
}

const ACL_HELP = [
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
];

function helpCommand(c: Ctx, argv: string[]): void {
  replyHelp(c, argv[0] as string, ACL_HELP);
}

/* ---- metadata (Redis 7.0.15's acl*.json) ---------------------------------------------------- */

const ADMIN_FLAGS = ['admin', 'noscript', 'loading', 'stale', 'sentinel'] as const;
const PLAIN_FLAGS = ['noscript', 'loading', 'stale', 'sentinel'] as const;

const aclSubcommands: CommandSpec[] = [
  {
    name: 'cat',
    arity: -2,
    flags: PLAIN_FLAGS,
    group: 'server',
    since: '6.0.0',
    summary: 'List the ACL categories or the commands inside a category',
    complexity: 'O(1) since the categories and commands are a fixed set.',
    args: [{ name: 'categoryname', type: 'string', optional: true }],
    handler: catCommand,
  },
  {
    name: 'deluser',
    arity: -3,
    flags: ADMIN_FLAGS,
    group: 'server',
    since: '6.0.0',
    summary: 'Remove the specified ACL users and the associated rules',
    complexity: 'O(1) amortized time considering the typical user.',
    args: [{ name: 'username', type: 'string', multiple: true }],
    handler: deluserCommand,
  },
  {
    name: 'dryrun',
    arity: -4,
    flags: ADMIN_FLAGS,
    group: 'server',
    since: '7.0.0',
    summary: 'Returns whether the user can execute the given command without executing the command.',
    complexity: 'O(1).',
    args: [
      { name: 'username', type: 'string' },
      { name: 'command', type: 'string' },
      { name: 'arg', type: 'string', optional: true, multiple: true },
    ],
    handler: dryrunCommand,
  },
  {
    name: 'genpass',
    arity: -2,
    flags: PLAIN_FLAGS,
    group: 'server',
    since: '6.0.0',
    summary: 'Generate a pseudorandom secure password to use for ACL users',
    complexity: 'O(1)',
    args: [{ name: 'bits', type: 'integer', optional: true }],
    handler: genpassCommand,
  },
  {
    name: 'getuser',
    arity: 3,
    flags: ADMIN_FLAGS,
    group: 'server',
    since: '6.0.0',
    summary: 'Get the rules for a specific ACL user',
    complexity: 'O(N). Where N is the number of password, command and pattern rules that the user has.',
    history: [
      ['6.2.0', 'Added Pub/Sub channel patterns.'],
      ['7.0.0', 'Added selectors and changed the format of key and channel patterns from a list to their rule representation.'],
    ],
    args: [{ name: 'username', type: 'string' }],
    handler: getuserCommand,
  },
  {
    name: 'help',
    arity: 2,
    flags: ['loading', 'stale', 'sentinel'],
    group: 'server',
    since: '6.0.0',
    summary: 'Show helpful text about the different subcommands',
    complexity: 'O(1)',
    handler: helpCommand,
  },
  {
    name: 'list',
    arity: 2,
    flags: ADMIN_FLAGS,
    group: 'server',
    since: '6.0.0',
    summary: 'List the current ACL rules in ACL config file format',
    complexity: 'O(N). Where N is the number of configured users.',
    handler: listCommand,
  },
  {
    name: 'load',
    arity: 2,
    flags: ADMIN_FLAGS,
    group: 'server',
    since: '6.0.0',
    summary: 'Reload the ACLs from the configured ACL file',
    complexity: 'O(N). Where N is the number of configured users.',
    handler: loadCommand,
  },
  {
    name: 'log',
    arity: -2,
    flags: ADMIN_FLAGS,
    group: 'server',
    since: '6.0.0',
    summary: 'List latest events denied because of ACLs in place',
    complexity: 'O(N) with N being the number of entries shown.',
    args: [
      { name: 'operation', type: 'oneof', optional: true, arguments: [
        { name: 'count', type: 'integer' },
        { name: 'reset', type: 'pure-token', token: 'RESET' },
      ] },
    ],
    handler: logCommand,
  },
  {
    name: 'save',
    arity: 2,
    flags: ADMIN_FLAGS,
    group: 'server',
    since: '6.0.0',
    summary: 'Save the current ACL rules in the configured ACL file',
    complexity: 'O(N). Where N is the number of configured users.',
    handler: saveCommand,
  },
  {
    name: 'setuser',
    arity: -3,
    flags: ADMIN_FLAGS,
    group: 'server',
    since: '6.0.0',
    summary: 'Modify or create the rules for a specific ACL user',
    complexity: 'O(N). Where N is the number of rules provided.',
    history: [
      ['6.2.0', 'Added Pub/Sub channel patterns.'],
      ['7.0.0', 'Added selectors and key based permissions.'],
    ],
    args: [
      { name: 'username', type: 'string' },
      { name: 'rule', type: 'string', optional: true, multiple: true },
    ],
    handler: setuserCommand,
  },
  {
    name: 'users',
    arity: 2,
    flags: ADMIN_FLAGS,
    group: 'server',
    since: '6.0.0',
    summary: 'List the username of all the configured ACL rules',
    complexity: 'O(N). Where N is the number of configured users.',
    handler: usersCommand,
  },
  {
    name: 'whoami',
    arity: 2,
    flags: PLAIN_FLAGS,
    group: 'server',
    since: '6.0.0',
    summary: 'Return the name of the user associated to the current connection',
    complexity: 'O(1)',
    handler: whoamiCommand,
  },
];

export const commands: CommandSpec[] = [
  {
    name: 'acl',
    arity: -2,
    flags: ['sentinel'],
    group: 'server',
    since: '6.0.0',
    summary: 'A container for Access List Control commands ',
    complexity: 'Depends on subcommand.',
    subcommands: aclSubcommands,
  },
];
