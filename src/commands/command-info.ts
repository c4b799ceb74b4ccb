/*
 * COMMAND and its subcommands: the command table described to clients, generated from the
 * CommandSpec metadata every family declares next to its handlers.
 *
 * This file also owns the conversion of that metadata into Redis 7.0's reply shapes:
 * - COMMAND INFO entries (name, arity, flags, legacy first/last/step, ACL categories, tips,
 *   key specs, subcommands), with the flags and categories Redis derives at startup: the
 *   implicit ACL categories of setImplicitACLCategories and the movablekeys flag and legacy key
 *   range of populateCommandLegacyRangeSpec;
 * - COMMAND DOCS maps (summary, since, group, complexity, doc flags, history, arguments);
 * - key extraction from key specs (getKeysUsingKeySpecs) for COMMAND GETKEYS[ANDFLAGS].
 */

import type { Ctx } from './context.js';
import { arityAccepts, type ArgSpec, type CommandFlag, type CommandSpec, type KeyRef, type KeySpec, type KeySpecFlag } from './spec.js';
import { is } from './args.js';
import { replyHelp } from './lookup.js';
import * as E from '../protocol/errors.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import { stringMatch } from '../util/glob.js';
import { string2ll } from '../util/numbers.js';


/* ---- flags and ACL categories -------------------------------------------------------------- */

/** Flags COMMAND INFO shows, in Redis's order (may_replicate, sentinel, protected are hidden). */
const SHOWN_FLAGS: readonly CommandFlag[] = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading',
  'stale', 'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys',
  'no_async_loading', 'no_multi', 'movablekeys', 'allow_busy',
];

/** ACL categories in the order Redis lists them. */
export const ACL_CATEGORIES: readonly string[] = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap',
  'hyperloglog', 'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous',
  'connection', 'transaction', 'scripting',
];

const KEY_FLAG_ORDER: readonly KeySpecFlag[] = [
  'RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete',
  'variable_flags',
];

/** The explicit categories plus the implicit ones setImplicitACLCategories derives from flags. */
export function aclCategories(spec: CommandSpec): Set<string> {
  const cats = new Set<string>((spec.acl ?? []).map((a) => a.toLowerCase()));
  const f = spec.flags;
  if (f.includes('write')) cats.add('write');
  if (f.includes('readonly') && !cats.has('scripting')) cats.add('read');
  if (f.includes('admin')) {
    cats.add('admin');
    cats.add('dangerous');
  }
  if (f.includes('pubsub')) cats.add('pubsub');
  if (f.includes('fast')) cats.add('fast');
  if (f.includes('blocking')) cats.add('blocking');
  if (!cats.has('fast')) cats.add('slow');
  return cats;
}

/* ---- key specs --------------------------------------------------------------------------- */

type LooseBegin = KeySpec['begin'];
type LooseFind = KeySpec['find'];

function beginIndex(b: LooseBegin): number | null {
  return 'index' in b ? b.index : null;
}

function isRange(f: LooseFind): f is { range: { lastkey: number; step: number; limit: number } } {
  return 'range' in f;
}

export interface LegacyRange {
  first: number;
  last: number;
  step: number;
  movable: boolean;
}

/** populateCommandLegacyRangeSpec: COMMAND INFO's first/last/step and the movablekeys flag. */
export function legacyRange(spec: CommandSpec): LegacyRange {
  const specs = spec.keySpecs ?? [];
  const none: LegacyRange = { first: 0, last: 0, step: 0, movable: false };
  if (specs.length === 0) return none;
  const toAbs = (first: number, lastkey: number): number => (lastkey < 0 ? lastkey : first + lastkey);
  if (specs.length === 1) {
    const ks = specs[0] as KeySpec;
    const pos = beginIndex(ks.begin as LooseBegin);
    const find = ks.find as LooseFind;
    if (pos !== null && isRange(find)) {
      return {
        first: pos,
        last: toAbs(pos, find.range.lastkey),
        step: find.range.step,
        movable: ks.flags.includes('incomplete'),
      };
    }
  }
  let movable = false;
  let first = Infinity;
  let last = 0;
  let prevLast = 0;
  // Redis compares lastkeys as unsigned: a negative (relative to the end) one always wins.
  const unsignedMax = (a: number, b: number): number => ((a >>> 0) >= (b >>> 0) ? a : b);
  for (const ks of specs) {
    const pos = beginIndex(ks.begin as LooseBegin);
    const find = ks.find as LooseFind;
    if (pos === null || !isRange(find)) {
      movable = true;
      continue;
    }
    if (find.range.step !== 1 || (prevLast !== 0 && prevLast !== pos - 1)) {
      movable = true;
      continue;
    }
    if (ks.flags.includes('incomplete')) movable = true;
    first = Math.min(first, pos);
    last = unsignedMax(last, find.range.lastkey >= 0 ? find.range.lastkey + pos : find.range.lastkey);
    prevLast = last;
  }
  if (first === Infinity) return { ...none, movable: true };
  return { first, last, step: 1, movable };
}

/** doesCommandHaveKeys. */
export function commandHasKeys(spec: CommandSpec): boolean {
  if (spec.getKeys) return true;
  return (spec.keySpecs ?? []).some((k) => !k.flags.includes('not_key'));
}

export type { KeyRef };

/**
 * getKeysUsingKeySpecs: the key positions the specs describe, or null when a spec cannot be
 * applied to these arguments (unknown type, keyword or count missing, out of bounds,
 * incomplete).
 */
function keysFromSpecs(spec: CommandSpec, argv: readonly string[]): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const ks of spec.keySpecs ?? []) {
    if (ks.flags.includes('not_key')) continue;
    const begin = ks.begin as LooseBegin;
    const find = ks.find as LooseFind;
    let first = 0;
    if ('index' in begin) {
      first = begin.index;
    } else if ('keyword' in begin) {
      const from = begin.startfrom;
      const start = from > 0 ? from : argc + from;
      const end = from > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (is(argv[i], begin.keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else {
      return null;
    }
    let last: number;
    let step: number;
    if (isRange(find)) {
      step = find.range.step;
      if (find.range.lastkey >= 0) last = first + find.range.lastkey;
      else if (find.range.limit === 0) last = argc + find.range.lastkey;
      else last = first + (Math.trunc((argc - first) / find.range.limit) + find.range.lastkey);
    } else if ('keynum' in find) {
      step = find.keynum.step;
      if (find.keynum.keynumidx >= argc) return null;
      const n = string2ll(argv[first + find.keynum.keynumidx] ?? '');
      if (n === null || n < 0n) return null;
      first += find.keynum.firstkey;
      last = first + Number(n) - 1;
    } else {
      return null;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      if (i >= argc || i < first) continue;
      out.push({ pos: i, flags: ks.flags });
    }
    if (ks.flags.includes('incomplete')) return null;
  }
  return out;
}

/** What a getKeys function returns: positions, or positions with their own flags. */
type GetKeysResult = ReadonlyArray<number | KeyRef>;

/**
 * getKeysFromCommandWithSpecs: key positions and flags. Specs are preferred when they apply
 * and their flags are fixed; otherwise the command's own getKeys function decides. A bare
 * position it returns gets the flags of the spec that begins there (or, failing that, of the
 * next spec whose position the arguments decide). Without a getKeys function, specs with
 * variable flags still give the positions, with the flags they declare.
 */
export function commandKeys(spec: CommandSpec, argv: readonly string[]): KeyRef[] {
  const specs = spec.keySpecs ?? [];
  const hasKeySpec = specs.some((k) => !k.flags.includes('not_key'));
  const variable = specs.some((k) => k.flags.includes('variable_flags'));
  if (hasKeySpec && !variable) {
    const keys = keysFromSpecs(spec, argv);
    if (keys !== null) return keys;
  }
  if (!spec.getKeys) {
    if (!variable) return [];
    const keys = keysFromSpecs(spec, argv) ?? [];
    return keys.map((k) => ({ pos: k.pos, flags: k.flags.filter((f) => f !== 'variable_flags') }));
  }
  const found = spec.getKeys(argv) as GetKeysResult;
  const movableSpecs = specs.filter((k) => beginIndex(k.begin as LooseBegin) === null);
  let nextMovable = 0;
  return found.map((k) => {
    if (typeof k !== 'number') return k;
    let owner = specs.find((ks) => beginIndex(ks.begin as LooseBegin) === k);
    if (owner === undefined) {
      owner = movableSpecs[Math.min(nextMovable, movableSpecs.length - 1)] ?? specs[0];
      nextMovable++;
    }
    return { pos: k, flags: owner?.flags ?? [] };
  });
}

/* ---- replies --------------------------------------------------------------------------------- */

function replyFlagSet(r: ReplyWriter, flags: readonly string[]): void {
  r.set(flags.length);
  for (const f of flags) r.simple(f);
}

function keyFlags(flags: readonly KeySpecFlag[]): string[] {
  return KEY_FLAG_ORDER.filter((f) => flags.includes(f));
}

function replyKeySpecs(r: ReplyWriter, spec: CommandSpec): void {
  const specs = spec.keySpecs ?? [];
  r.set(specs.length);
  for (const ks of specs) {
    r.map(ks.notes ? 4 : 3);
    if (ks.notes) {
      r.bulk('notes');
      r.bulk(ks.notes);
    }
    r.bulk('flags');
    replyFlagSet(r, keyFlags(ks.flags));
    r.bulk('begin_search');
    r.map(2);
    const b = ks.begin as LooseBegin;
    if ('index' in b) {
      r.bulk('type');
      r.bulk('index');
      r.bulk('spec');
      r.map(1);
      r.bulk('index');
      r.integer(b.index);
    } else if ('keyword' in b) {
      r.bulk('type');
      r.bulk('keyword');
      r.bulk('spec');
      r.map(2);
      r.bulk('keyword');
      r.bulk(b.keyword);
      r.bulk('startfrom');
      r.integer(b.startfrom);
    } else {
      r.bulk('type');
      r.bulk('unknown');
      r.bulk('spec');
      r.map(0);
    }
    r.bulk('find_keys');
    r.map(2);
    const f = ks.find as LooseFind;
    if (isRange(f)) {
      r.bulk('type');
      r.bulk('range');
      r.bulk('spec');
      r.map(3);
      r.bulk('lastkey');
      r.integer(f.range.lastkey);
      r.bulk('keystep');
      r.integer(f.range.step);
      r.bulk('limit');
      r.integer(f.range.limit);
    } else if ('keynum' in f) {
      r.bulk('type');
      r.bulk('keynum');
      r.bulk('spec');
      r.map(3);
      r.bulk('keynumidx');
      r.integer(f.keynum.keynumidx);
      r.bulk('firstkey');
      r.integer(f.keynum.firstkey);
      r.bulk('keystep');
      r.integer(f.keynum.step);
    } else {
      r.bulk('type');
      r.bulk('unknown');
      r.bulk('spec');
      r.map(0);
    }
  }
}

/** The flags COMMAND INFO reports, movablekeys included. */
export function commandFlags(spec: CommandSpec): string[] {
  const movable = legacyRange(spec).movable;
  return SHOWN_FLAGS.filter((f) => (f === 'movablekeys' ? movable : spec.flags.includes(f)));
}

/** addReplyCommandInfo: one COMMAND INFO entry (null for an unknown command). */
export function replyCommandInfo(c: Ctx, spec: CommandSpec | null): void {
  const r = c.reply;
  if (spec === null) {
    r.nullBulk();
    return;
  }
  const range = legacyRange(spec);
  r.array(10);
  r.bulk(c.server.commands.fullName(spec));
  r.integer(spec.arity);
  replyFlagSet(r, commandFlags(spec));
  r.integer(range.first);
  r.integer(range.last);
  r.integer(range.step);
  const cats = aclCategories(spec);
  replyFlagSet(r, ACL_CATEGORIES.filter((a) => cats.has(a)).map((a) => `@${a}`));
  const tips = spec.tips ?? [];
  r.set(tips.length);
  for (const t of tips) r.bulk(t);
  replyKeySpecs(r, spec);
  const subs = spec.subcommands ?? [];
  if (subs.length === 0) {
    r.set(0);
  } else {
    r.array(subs.length);
    for (const s of subs) replyCommandInfo(c, s);
  }
}

function replyArgs(r: ReplyWriter, args: readonly ArgSpec[]): void {
  r.array(args.length);
  for (const a of args) {
    const flags: string[] = [];
    if (a.optional) flags.push('optional');
    if (a.multiple) flags.push('multiple');
    if (a.multiple_token) flags.push('multiple_token');
    const nested = a.type === 'oneof' || a.type === 'block';
    let n = 2;
    if (a.key_spec_index !== undefined && a.key_spec_index !== -1) n++;
    if (a.token !== undefined) n++;
    if (a.summary !== undefined) n++;
    if (a.since !== undefined) n++;
    if (a.deprecated_since !== undefined) n++;
    if (flags.length) n++;
    if (nested) n++;
    r.map(n);
    r.bulk('name');
    r.bulk(a.name);
    r.bulk('type');
    r.bulk(a.type);
    if (a.key_spec_index !== undefined && a.key_spec_index !== -1) {
      r.bulk('key_spec_index');
      r.integer(a.key_spec_index);
    }
    if (a.token !== undefined) {
      r.bulk('token');
      r.bulk(a.token.toUpperCase());
    }
    if (a.summary !== undefined) {
      r.bulk('summary');
      r.bulk(a.summary);
    }
    if (a.since !== undefined) {
      r.bulk('since');
      r.bulk(a.since);
    }
    if (a.deprecated_since !== undefined) {
      r.bulk('deprecated_since');
      r.bulk(a.deprecated_since);
    }
    if (flags.length) {
      r.bulk('flags');
      replyFlagSet(r, flags);
    }
    if (nested) {
      r.bulk('arguments');
      replyArgs(r, a.arguments ?? []);
    }
  }
}

/** addReplyCommandDocs: the documentation map of one command. */
export function replyCommandDocs(c: Ctx, spec: CommandSpec): void {
  const r = c.reply;
  const subs = spec.subcommands ?? [];
  const docFlags = spec.docFlags ?? [];
  const isModule = spec.flags.includes('module');
  let n = 1;
  if (spec.summary) n++;
  if (spec.since) n++;
  if (isModule) n++;
  if (spec.complexity) n++;
  if (docFlags.length) n++;
  if (spec.deprecatedSince) n++;
  if (spec.replacedBy) n++;
  if (spec.history) n++;
  if (spec.args) n++;
  if (subs.length) n++;
  r.map(n);
  if (spec.summary) {
    r.bulk('summary');
    r.bulk(spec.summary);
  }
  if (spec.since) {
    r.bulk('since');
    r.bulk(spec.since);
  }
  r.bulk('group');
  r.bulk(isModule ? 'module' : spec.group);
  if (spec.complexity) {
    r.bulk('complexity');
    r.bulk(spec.complexity);
  }
  if (isModule) {
    r.bulk('module');
    r.bulk('');
  }
  if (docFlags.length) {
    r.bulk('doc_flags');
    replyFlagSet(r, (['deprecated', 'syscmd'] as const).filter((f) => docFlags.includes(f)));
  }
  if (spec.deprecatedSince) {
    r.bulk('deprecated_since');
    r.bulk(spec.deprecatedSince);
  }
  if (spec.replacedBy) {
    r.bulk('replaced_by');
    r.bulk(spec.replacedBy);
  }
  if (spec.history) {
    r.bulk('history');
    r.set(spec.history.length);
    for (const [since, changes] of spec.history) {
      r.array(2);
      r.bulk(since);
      r.bulk(changes);
    }
  }
  if (spec.args) {
    r.bulk('arguments');
    replyArgs(r, spec.args);
  }
  if (subs.length) {
    r.bulk('subcommands');
    r.map(subs.length);
    for (const s of subs) {
      r.bulk(c.server.commands.fullName(s));
      replyCommandDocs(c, s);
    }
  }
}

/**
 * lookupCommandBySds: a command by its full name ('get', 'config|get'), case-insensitive.
 * Strict: 'get|x' (get has no subcommands) and deeper names are unknown.
 */
export function lookupByFullName(c: Ctx, name: string): CommandSpec | null {
  const parts = name.split('|');
  if (parts.length > 2) return null;
  const lookup = c.server.commands.lookup;
  const base = lookup([parts[0] as string]);
  if (parts.length === 1 || base === null) return base;
  if (!base.subcommands || base.subcommands.length === 0) return null;
  return lookup(parts);
}

/* ---- COMMAND and subcommands --------------------------------------------------------------- */

function commandCommand(c: Ctx): void {
  const all = c.server.commands.all();
  c.reply.array(all.length);
  for (const spec of all) replyCommandInfo(c, spec);
}

function commandCountCommand(c: Ctx): void {
  c.reply.integer(c.server.commands.all().length);
}

function commandInfoCommand(c: Ctx, argv: string[]): void {
  if (argv.length === 2) {
    commandCommand(c);
    return;
  }
  c.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) replyCommandInfo(c, lookupByFullName(c, argv[i] as string));
}

function commandDocsCommand(c: Ctx, argv: string[]): void {
  const found: CommandSpec[] = [];
  if (argv.length === 2) {
    found.push(...c.server.commands.all());
  } else {
    for (let i = 2; i < argv.length; i++) {
      const spec = lookupByFullName(c, argv[i] as string);
      if (spec !== null) found.push(spec);
    }
  }
  c.reply.map(found.length);
  for (const spec of found) {
    c.reply.bulk(c.server.commands.fullName(spec));
    replyCommandDocs(c, spec);
  }
}

function commandListCommand(c: Ctx, argv: string[]): void {
  let filter: ((spec: CommandSpec, fullName: string) => boolean) | null = null;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (is(argv[i], 'filterby') && more === 2) {
      const type = argv[i + 1];
      const arg = argv[i + 2] as string;
      if (is(type, 'module')) {
        filter = () => false; // no modules are ever loaded
      } else if (is(type, 'aclcat')) {
        const cat = arg.toLowerCase();
        const valid = ACL_CATEGORIES.includes(cat);
        filter = (spec) => valid && aclCategories(spec).has(cat);
      } else if (is(type, 'pattern')) {
        filter = (_spec, full) => stringMatch(arg, full, true);
      } else {
        c.reply.error(E.SYNTAX);
        return;
      }
      i += 2;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  const names: string[] = [];
  const fullName = c.server.commands.fullName;
  const visit = (specs: readonly CommandSpec[]): void => {
    for (const spec of specs) {
      const full = fullName(spec);
      if (filter === null || filter(spec, full)) names.push(full);
      if (spec.subcommands) visit(spec.subcommands);
    }
  };
  visit(c.server.commands.all());
  c.reply.array(names.length);
  for (const n of names) c.reply.bulk(n);
}

function getKeysGeneric(c: Ctx, argv: string[], withFlags: boolean): void {
  const target = argv.slice(2);
  const spec = c.server.commands.lookup(target);
  if (spec === null) {
    c.reply.error('ERR Invalid command specified');
    return;
  }
  if (!commandHasKeys(spec)) {
    c.reply.error('ERR The command has no key arguments');
    return;
  }
  const argc = target.length;
  if (!arityAccepts(spec, argc)) {
    c.reply.error('ERR Invalid number of arguments specified for command');
    return;
  }
  const keys = commandKeys(spec, target);
  if (keys.length === 0) {
    if (spec.flags.includes('no_mandatory_keys')) c.reply.array(0);
    else c.reply.error('ERR Invalid arguments specified for command');
    return;
  }
  const r = c.reply;
  r.array(keys.length);
  for (const k of keys) {
    if (!withFlags) {
      r.bulk(target[k.pos] as string);
    } else {
      r.array(2);
      r.bulk(target[k.pos] as string);
      replyFlagSet(r, keyFlags(k.flags));
    }
  }
}

function commandGetkeysCommand(c: Ctx, argv: string[]): void {
  getKeysGeneric(c, argv, false);
}

function commandGetkeysandflagsCommand(c: Ctx, argv: string[]): void {
  getKeysGeneric(c, argv, true);
}

const COMMAND_HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

function commandHelpCommand(c: Ctx, argv: string[]): void {
  replyHelp(c, argv[0] as string, COMMAND_HELP);
}

/* ---- metadata (Redis 7.0.15's command*.json) --------------------------------------------- */

const specs: CommandSpec[] = [
  {
    name: 'command',
    arity: -1,
    flags: ['loading', 'stale', 'sentinel'],
    acl: ['connection'],
    group: 'server',
    since: '2.8.13',
    summary: 'Get array of Redis command details',
    complexity: 'O(N) where N is the total number of Redis commands',
    tips: ['nondeterministic_output_order'],
    handler: commandCommand,
    subcommands: [
      {
        name: 'count',
        arity: 2,
        flags: ['loading', 'stale', 'sentinel'],
        acl: ['connection'],
        group: 'server',
        since: '2.8.13',
        summary: 'Get total number of Redis commands',
        complexity: 'O(1)',
        handler: commandCountCommand,
      },
      {
        name: 'docs',
        arity: -2,
        flags: ['loading', 'stale', 'sentinel'],
        acl: ['connection'],
        group: 'server',
        since: '7.0.0',
        summary: 'Get array of specific Redis command documentation',
        complexity: 'O(N) where N is the number of commands to look up',
        tips: ['nondeterministic_output_order'],
        args: [{ name: 'command-name', type: 'string', optional: true, multiple: true }],
        handler: commandDocsCommand,
      },
      {
        name: 'getkeys',
        arity: -4,
        flags: ['loading', 'stale', 'sentinel'],
        acl: ['connection'],
        group: 'server',
        since: '2.8.13',
        summary: 'Extract keys given a full Redis command',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: commandGetkeysCommand,
      },
      {
        name: 'getkeysandflags',
        arity: -4,
        flags: ['loading', 'stale', 'sentinel'],
        acl: ['connection'],
        group: 'server',
        since: '7.0.0',
        summary: 'Extract keys and access flags given a full Redis command',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: commandGetkeysandflagsCommand,
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale', 'sentinel'],
        acl: ['connection'],
        group: 'server',
        since: '5.0.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: commandHelpCommand,
      },
      {
        name: 'info',
        arity: -2,
        flags: ['loading', 'stale', 'sentinel'],
        acl: ['connection'],
        group: 'server',
        since: '2.8.13',
        summary: 'Get array of specific Redis command details, or all when no argument is given.',
        complexity: 'O(N) where N is the number of commands to look up',
        history: [['7.0.0', 'Allowed to be called with no argument to get info on all commands.']],
        tips: ['nondeterministic_output_order'],
        args: [{ name: 'command-name', type: 'string', optional: true, multiple: true }],
        handler: commandInfoCommand,
      },
      {
        name: 'list',
        arity: -2,
        flags: ['loading', 'stale', 'sentinel'],
        acl: ['connection'],
        group: 'server',
        since: '7.0.0',
        summary: 'Get an array of Redis command names',
        complexity: 'O(N) where N is the total number of Redis commands',
        tips: ['nondeterministic_output_order'],
        args: [
          { name: 'filterby', type: 'oneof', token: 'FILTERBY', optional: true, arguments: [
            { name: 'module-name', type: 'string', token: 'MODULE' },
            { name: 'category', type: 'string', token: 'ACLCAT' },
            { name: 'pattern', type: 'pattern', token: 'PATTERN' },
          ] },
        ],
        handler: commandListCommand,
      },
    ],
  },
];

export const commands: CommandSpec[] = specs;
