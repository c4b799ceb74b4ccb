/*
 * Pub/Sub commands (Redis 7.0's "pubsub" group): SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE,
 * PUNSUBSCRIBE, PUBLISH, SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH and the PUBSUB container.
 * Subscriptions live in the engine (c.server.pubsub); confirmations are push replies the
 * engine writes. PING in a RESP2 subscribed context is in connection.ts.
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import { replyHelp } from './lookup.js';
import * as E from '../protocol/errors.js';

/* ---- (un)subscribe -------------------------------------------------------------------------- */

/**
 * A client that must get one reply per command (a script; a transaction for shard channels,
 * Redis's CLIENT_DENY_BLOCKING) cannot enter pub/sub mode. SUBSCRIBE and PSUBSCRIBE are
 * allowed inside MULTI for backward compatibility.
 */
function denied(c: Ctx, name: string, allowInMulti: boolean): boolean {
  if (c.canBlock || (allowInMulti && c.client.inMulti)) return false;
  c.reply.error(`ERR ${name} isn't allowed for a DENY BLOCKING client`);
  return true;
}

function subscribeCommand(c: Ctx, argv: string[]): void {
  if (denied(c, 'SUBSCRIBE', true)) return;
  c.server.pubsub.subscribe(c.client, argv.slice(1), false);
}

function psubscribeCommand(c: Ctx, argv: string[]): void {
  if (denied(c, 'PSUBSCRIBE', true)) return;
  c.server.pubsub.psubscribe(c.client, argv.slice(1));
}

function ssubscribeCommand(c: Ctx, argv: string[]): void {
  if (denied(c, 'SSUBSCRIBE', false)) return;
  c.server.pubsub.subscribe(c.client, argv.slice(1), true);
}

function unsubscribeCommand(c: Ctx, argv: string[]): void {
  c.server.pubsub.unsubscribe(c.client, argv.length === 1 ? null : argv.slice(1), false);
}

function punsubscribeCommand(c: Ctx, argv: string[]): void {
  c.server.pubsub.punsubscribe(c.client, argv.length === 1 ? null : argv.slice(1));
}

function sunsubscribeCommand(c: Ctx, argv: string[]): void {
  c.server.pubsub.unsubscribe(c.client, argv.length === 1 ? null : argv.slice(1), true);
}

/* ---- publish ---------------------------------------------------------------------------------- */

function publishGeneric(c: Ctx, argv: string[], sharded: boolean): void {
  const ps = c.server.pubsub;
  const receivers = ps.publish(argv[1] as string, argv[2] as string, sharded);
  ps.replicatePublish(c.db.id, argv);
  c.reply.integer(receivers);
}

function publishCommand(c: Ctx, argv: string[]): void {
  publishGeneric(c, argv, false);
}

function spublishCommand(c: Ctx, argv: string[]): void {
  publishGeneric(c, argv, true);
}

/* ---- PUBSUB ------------------------------------------------------------------------------------ */

function channelsReply(c: Ctx, argv: string[], sharded: boolean): void {
  if (argv.length > 3) {
    c.reply.error(E.subcommandSyntax(argv[1] as string, argv[0] as string));
    return;
  }
  const list = c.server.pubsub.channels(argv.length === 3 ? (argv[2] as string) : null, sharded);
  c.reply.array(list.length);
  for (const ch of list) c.reply.bulk(ch);
}

function numsubReply(c: Ctx, argv: string[], sharded: boolean): void {
  const r = c.reply;
  // A flat array of channel/count pairs in both protocols, as Redis replies.
  r.array((argv.length - 2) * 2);
  for (let j = 2; j < argv.length; j++) {
    const ch = argv[j] as string;
    r.bulk(ch);
    r.integer(c.server.pubsub.numsub(ch, sharded));
  }
}

function pubsubChannelsCommand(c: Ctx, argv: string[]): void {
  channelsReply(c, argv, false);
}

function pubsubShardchannelsCommand(c: Ctx, argv: string[]): void {
  channelsReply(c, argv, true);
}

function pubsubNumsubCommand(c: Ctx, argv: string[]): void {
  numsubReply(c, argv, false);
}

function pubsubShardnumsubCommand(c: Ctx, argv: string[]): void {
  numsubReply(c, argv, true);
}

function pubsubNumpatCommand(c: Ctx): void {
  c.reply.integer(c.server.pubsub.numpat());
}

function pubsubHelpCommand(c: Ctx): void {
  replyHelp(c, 'pubsub', [
    'CHANNELS [<pattern>]',
    "    Return the currently active channels matching a <pattern> (default: '*').",
    'NUMPAT',
    '    Return number of subscriptions to patterns.',
    'NUMSUB [<channel> ...]',
    '    Return the number of subscribers for the specified channels, excluding',
    '    pattern subscriptions(default: no channels).',
    'SHARDCHANNELS [<pattern>]',
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    'SHARDNUMSUB [<shardchannel> ...]',
    '    Return the number of subscribers for the specified shard level channel(s)',
  ]);
}

/* ---- metadata (Redis 7.0.15's src/commands/*.json) --------------------------------------------- */

const SUB_FLAGS = ['pubsub', 'noscript', 'loading', 'stale', 'sentinel'] as const;
const SHARD_SUB_FLAGS = ['pubsub', 'noscript', 'loading', 'stale'] as const;
const INTROSPECTION_FLAGS = ['pubsub', 'loading', 'stale'] as const;

const specs: CommandSpec[] = [
  {
    name: 'subscribe',
    arity: -2,
    flags: SUB_FLAGS,
    group: 'pubsub',
    since: '2.0.0',
    summary: 'Listen for messages published to the given channels',
    complexity: 'O(N) where N is the number of channels to subscribe to.',
    args: [{ name: 'channel', type: 'string', multiple: true }],
    handler: subscribeCommand,
  },
  {
    name: 'psubscribe',
    arity: -2,
    flags: SUB_FLAGS,
    group: 'pubsub',
    since: '2.0.0',
    summary: 'Listen for messages published to channels matching the given patterns',
    complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
    args: [{ name: 'pattern', type: 'block', multiple: true, arguments: [{ name: 'pattern', type: 'pattern' }] }],
    handler: psubscribeCommand,
  },
  {
    name: 'unsubscribe',
    arity: -1,
    flags: SUB_FLAGS,
    group: 'pubsub',
    since: '2.0.0',
    summary: 'Stop listening for messages posted to the given channels',
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
    args: [{ name: 'channel', type: 'string', optional: true, multiple: true }],
    handler: unsubscribeCommand,
  },
  {
    name: 'punsubscribe',
    arity: -1,
    flags: SUB_FLAGS,
    group: 'pubsub',
    since: '2.0.0',
    summary: 'Stop listening for messages posted to channels matching the given patterns',
    complexity:
      'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total ' +
      'patterns subscribed in the system (by any client).',
    args: [{ name: 'pattern', type: 'pattern', optional: true, multiple: true }],
    handler: punsubscribeCommand,
  },
  {
    name: 'publish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate', 'sentinel'],
    group: 'pubsub',
    since: '2.0.0',
    summary: 'Post a message to a channel',
    complexity:
      'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of ' +
      'subscribed patterns (by any client).',
    args: [
      { name: 'channel', type: 'string' },
      { name: 'message', type: 'string' },
    ],
    handler: publishCommand,
  },
  {
    name: 'ssubscribe',
    arity: -2,
    flags: SHARD_SUB_FLAGS,
    keySpecs: [keyRange(['not_key'], 1, -1)],
    group: 'pubsub',
    since: '7.0.0',
    summary: 'Listen for messages published to the given shard channels',
    complexity: 'O(N) where N is the number of shard channels to subscribe to.',
    args: [{ name: 'shardchannel', type: 'string', multiple: true }],
    handler: ssubscribeCommand,
  },
  {
    name: 'sunsubscribe',
    arity: -1,
    flags: SHARD_SUB_FLAGS,
    keySpecs: [keyRange(['not_key'], 1, -1)],
    group: 'pubsub',
    since: '7.0.0',
    summary: 'Stop listening for messages posted to the given shard channels',
    complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
    args: [{ name: 'shardchannel', type: 'string', optional: true, multiple: true }],
    handler: sunsubscribeCommand,
  },
  {
    name: 'spublish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
    keySpecs: [keyRange(['not_key'], 1, 0)],
    group: 'pubsub',
    since: '7.0.0',
    summary: 'Post a message to a shard channel',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    args: [
      { name: 'shardchannel', type: 'string' },
      { name: 'message', type: 'string' },
    ],
    handler: spublishCommand,
  },
  {
    name: 'pubsub',
    arity: -2,
    flags: [],
    group: 'pubsub',
    since: '2.8.0',
    summary: 'A container for Pub/Sub commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'channels',
        arity: -2,
        flags: INTROSPECTION_FLAGS,
        group: 'pubsub',
        since: '2.8.0',
        summary: 'List active channels',
        complexity:
          'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively ' +
          'short channels and patterns)',
        args: [{ name: 'pattern', type: 'pattern', optional: true }],
        handler: pubsubChannelsCommand,
      },
      {
        name: 'numsub',
        arity: -2,
        flags: INTROSPECTION_FLAGS,
        group: 'pubsub',
        since: '2.8.0',
        summary: 'Get the count of subscribers for channels',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        args: [{ name: 'channel', type: 'string', optional: true, multiple: true }],
        handler: pubsubNumsubCommand,
      },
      {
        name: 'numpat',
        arity: 2,
        flags: INTROSPECTION_FLAGS,
        group: 'pubsub',
        since: '2.8.0',
        summary: 'Get the count of unique patterns pattern subscriptions',
        complexity: 'O(1)',
        handler: pubsubNumpatCommand,
      },
      {
        name: 'shardchannels',
        arity: -2,
        flags: INTROSPECTION_FLAGS,
        group: 'pubsub',
        since: '7.0.0',
        summary: 'List active shard channels',
        complexity:
          'O(N) where N is the number of active shard channels, and assuming constant time pattern matching ' +
          '(relatively short shard channels).',
        args: [{ name: 'pattern', type: 'pattern', optional: true }],
        handler: pubsubShardchannelsCommand,
      },
      {
        name: 'shardnumsub',
        arity: -2,
        flags: INTROSPECTION_FLAGS,
        group: 'pubsub',
        since: '7.0.0',
        summary: 'Get the count of subscribers for shard channels',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        args: [{ name: 'shardchannel', type: 'string', optional: true, multiple: true }],
        handler: pubsubShardnumsubCommand,
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'pubsub',
        since: '6.2.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: pubsubHelpCommand,
      },
    ],
  },
];

export const commands: CommandSpec[] = specs;
