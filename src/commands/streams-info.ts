/*
 * XINFO STREAM [FULL [COUNT n]] / GROUPS / CONSUMERS / HELP with Redis 7.0.15's fields:
 * STREAM reports length, radix-tree-keys/-nodes, last-generated-id, max-deleted-entry-id,
 * entries-added, recorded-first-entry-id, then groups and first/last entry (or, FULL, the
 * entries and every group with its PEL and consumers); GROUPS adds entries-read and lag;
 * CONSUMERS gives name, pending and idle (7.2's inactive is not in 7.0).
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import { intArg, is } from './args.js';
import * as E from '../protocol/errors.js';
import { cstr } from '../protocol/errors.js';
import type { Stream } from '../ds/stream-store.js';
import { ID_MAX, ID_ZERO, idFromKey } from '../ds/stream-id.js';
import { ENTRIES_READ_INVALID, type ConsumerGroup, type StreamNack } from '../ds/stream-groups.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import { lookupRead, replyHelp } from './lookup.js';
import { OBJ_STREAM } from '../keyspace/object.js';
import { RWR_RAWENTRIES, lookupGroup, replyGroupLag, replyRange, replyStreamId } from './streams-common.js';

/** lookupKeyReadOrReply(nokeyerr) + checkType. */
function infoStream(c: Ctx, key: string): Stream | null {
  const o = lookupRead(c, c.db, key);
  if (o === null) {
    c.reply.error(E.NO_SUCH_KEY);
    return null;
  }
  if (o.type !== OBJ_STREAM) {
    c.reply.error(E.WRONGTYPE);
    return null;
  }
  return o.ptr as Stream;
}

function xinfoStream(c: Ctx, argv: string[]): void {
  const s = infoStream(c, argv[2] as string);
  if (s === null) return;
  let full = true;
  let count = 10;
  const optc = argv.length - 3;
  if (optc === 0) {
    full = false;
  } else {
    if ((optc !== 1 && optc !== 3) || !is(argv[3], 'full')) {
      c.reply.error(E.subcommandSyntax(argv[1] as string, argv[0] as string));
      return;
    }
    if (optc === 3) {
      if (!is(argv[4], 'count')) {
        c.reply.error(E.subcommandSyntax(argv[1] as string, argv[0] as string));
        return;
      }
      const n = intArg(c, argv[5]);
      if (n === null) return;
      count = n < 0 ? 10 : n;
    }
  }
  const r = c.reply;
  r.map(full ? 9 : 10);
  r.bulk('length');
  r.integer(s.length);
  r.bulk('radix-tree-keys');
  r.integer(s.blockCount);
  r.bulk('radix-tree-nodes');
  r.integer(s.raxNodes());
  r.bulk('last-generated-id');
  replyStreamId(r, s.lastId);
  r.bulk('max-deleted-entry-id');
  replyStreamId(r, s.maxDeletedId);
  r.bulk('entries-added');
  r.integer(s.entriesAdded);
  r.bulk('recorded-first-entry-id');
  replyStreamId(r, s.firstId);
  if (!full) {
    r.bulk('groups');
    r.integer(s.cgroups === null ? 0 : s.cgroups.size);
    r.bulk('first-entry');
    if (!replyRange(c, r, s, ID_ZERO, ID_MAX, 1, false, null, null, RWR_RAWENTRIES, null)) r.nullBulk();
    r.bulk('last-entry');
    if (!replyRange(c, r, s, ID_ZERO, ID_MAX, 1, true, null, null, RWR_RAWENTRIES, null)) r.nullBulk();
    return;
  }
  r.bulk('entries');
  replyRange(c, r, s, null, null, count, false, null, null, 0, null);
  r.bulk('groups');
  if (s.cgroups === null) {
    r.array(0);
    return;
  }
  r.array(s.cgroups.size);
  s.cgroups.forEach((name, g) => {
    r.map(7);
    r.bulk('name');
    r.bulk(name);
    replyGroupPosition(r, s, g);
    r.bulk('pel-count');
    r.integer(g.pel.size);
    r.bulk('pending');
    const pel = firstOf(g.pel, count);
    r.array(pel.length);
    for (const [k, nack] of pel) {
      r.array(4);
      replyStreamId(r, idFromKey(k));
      r.bulk(nack.consumer?.name ?? '');
      r.integer(nack.deliveryTime);
      r.integer(nack.deliveryCount);
    }
    r.bulk('consumers');
    r.array(g.consumers.size);
    g.consumers.forEach((cname, cons) => {
      r.map(4);
      r.bulk('name');
      r.bulk(cname);
      r.bulk('seen-time');
      r.integer(cons.seenTime);
      r.bulk('pel-count');
      r.integer(cons.pel.size);
      r.bulk('pending');
      const cp = firstOf(cons.pel, count);
      r.array(cp.length);
      for (const [k, nack] of cp) {
        r.array(3);
        replyStreamId(r, idFromKey(k));
        r.integer(nack.deliveryTime);
        r.integer(nack.deliveryCount);
      }
    });
  });
}

/** A group's last-delivered-id, entries-read and lag fields. */
function replyGroupPosition(r: ReplyWriter, s: Stream, g: ConsumerGroup): void {
  r.bulk('last-delivered-id');
  replyStreamId(r, g.lastId);
  r.bulk('entries-read');
  if (g.entriesRead !== ENTRIES_READ_INVALID) r.integer(g.entriesRead);
  else r.nullBulk();
  r.bulk('lag');
  replyGroupLag(r, s, g);
}

/** The first `count` entries of a PEL (0 = all). */
function firstOf(pel: { forEach(fn: (k: string, v: StreamNack) => boolean | void): void }, count: number): Array<[string, StreamNack]> {
  const out: Array<[string, StreamNack]> = [];
  pel.forEach((k, v) => {
    if (count !== 0 && out.length >= count) return false;
    out.push([k, v]);
    return true;
  });
  return out;
}

function xinfoGroups(c: Ctx, argv: string[]): void {
  const s = infoStream(c, argv[2] as string);
  if (s === null) return;
  const r = c.reply;
  if (s.cgroups === null) {
    r.array(0);
    return;
  }
  r.array(s.cgroups.size);
  s.cgroups.forEach((name, g) => {
    r.map(6);
    r.bulk('name');
    r.bulk(name);
    r.bulk('consumers');
    r.integer(g.consumers.size);
    r.bulk('pending');
    r.integer(g.pel.size);
    replyGroupPosition(r, s, g);
  });
}

function xinfoConsumers(c: Ctx, argv: string[]): void {
  const key = argv[2] as string;
  const s = infoStream(c, key);
  if (s === null) return;
  const g = lookupGroup(s, argv[3] as string);
  if (g === null) {
    c.reply.error(`NOGROUP No such consumer group '${cstr(argv[3] as string)}' for key name '${cstr(key)}'`);
    return;
  }
  const r = c.reply;
  const now = c.now;
  r.array(g.consumers.size);
  g.consumers.forEach((name, cons) => {
    const idle = now - cons.seenTime;
    r.map(3);
    r.bulk('name');
    r.bulk(name);
    r.bulk('pending');
    r.integer(cons.pel.size);
    r.bulk('idle');
    r.integer(idle < 0 ? 0 : idle);
  });
}

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

const xinfoSubcommands: CommandSpec[] = [
  {
    name: 'consumers',
    arity: 4,
    flags: ['readonly'],
    acl: ['stream'],
    keySpecs: [keyRange(['RO', 'access'], 2)],
    group: 'stream',
    since: '5.0.0',
    summary: 'List the consumers in a consumer group',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'groupname', type: 'string' },
    ],
    handler: xinfoConsumers,
  },
  {
    name: 'stream',
    arity: -3,
    flags: ['readonly'],
    acl: ['stream'],
    keySpecs: [keyRange(['RO', 'access'], 2)],
    group: 'stream',
    since: '5.0.0',
    summary: 'Get information about a stream',
    complexity: 'O(1)',
    history: [
      ['6.0.0', 'Added the `FULL` modifier.'],
      ['7.0.0', 'Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields'],
    ],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'full',
        token: 'FULL',
        type: 'block',
        optional: true,
        arguments: [{ token: 'COUNT', name: 'count', type: 'integer', optional: true }],
      },
    ],
    handler: xinfoStream,
  },
  {
    name: 'groups',
    arity: 3,
    flags: ['readonly'],
    acl: ['stream'],
    keySpecs: [keyRange(['RO', 'access'], 2)],
    group: 'stream',
    since: '5.0.0',
    summary: 'List the consumer groups of a stream',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added the `entries-read` and `lag` fields']],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: xinfoGroups,
  },
  {
    name: 'help',
    arity: 2,
    flags: ['loading', 'stale'],
    acl: ['stream'],
    group: 'stream',
    since: '5.0.0',
    summary: 'Show helpful text about the different subcommands',
    complexity: 'O(1)',
    handler: (c) => replyHelp(c, 'XINFO', XINFO_HELP),
  },
];

export const commands: CommandSpec[] = [
  {
    name: 'xinfo',
    arity: -2,
    flags: [],
    group: 'stream',
    since: '5.0.0',
    summary: 'A container for stream introspection commands',
    complexity: 'Depends on subcommand.',
    subcommands: xinfoSubcommands,
  },
];

