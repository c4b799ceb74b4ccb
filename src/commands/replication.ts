/*
 * Replication commands: SYNC, PSYNC, REPLCONF, WAIT, ROLE (master side) and REPLICAOF /
 * SLAVEOF (replica side). The replication state lives in src/replication/ behind
 * c.server.replication; these handlers parse arguments with Redis's error replies and delegate.
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { intArg, timeoutArg } from './args.js';
import { parseInt64, string2l } from '../util/numbers.js';

/** NET_HOST_STR_LEN: the longest ip-address a replica may announce (exclusive). */
const NET_HOST_STR_LEN = 256;

function syncCommand(c: Ctx, argv: string[]): void {
  c.server.replication.sync(c.client, argv, c.reply);
}

function replconfCommand(c: Ctx, argv: string[]): void {
  const rep = c.server.replication;
  if (argv.length % 2 === 0) {
    c.reply.error('ERR syntax error');
    return;
  }
  for (let j = 1; j < argv.length; j += 2) {
    const opt = (argv[j] as string).toLowerCase();
    const val = argv[j + 1] as string;
    if (opt === 'listening-port') {
      const port = intArg(c, val);
      if (port === null) return;
      rep.setListeningPort(c.client, port);
    } else if (opt === 'ip-address') {
      if (val.length >= NET_HOST_STR_LEN) {
        c.reply.error(`ERR REPLCONF ip-address provided by replica instance is too long: ${val.length} bytes`);
        return;
      }
      rep.setAnnouncedIp(c.client, val);
    } else if (opt === 'capa') {
      rep.addCapability(c.client, val.toLowerCase());
    } else if (opt === 'ack') {
      // Sent by replicas only; never replied to (not even an error).
      if (!rep.isReplica(c.client)) return;
      const off = parseInt64(val);
      if (off === null) return;
      rep.ack(c.client, Number(off));
      return;
    } else if (opt === 'getack') {
      // From our master, the replica side answers before the command runs (replica.ts); a
      // master has no master to acknowledge to.
      return;
    } else if (opt === 'rdb-only') {
      const v = string2l(val);
      if (v === null) {
        c.reply.error('ERR value is not an integer or out of range');
        return;
      }
      if (v < 0 || v > 1) {
        c.reply.error('ERR value is out of range, value must between 0 and 1');
        return;
      }
      rep.setRdbOnly(c.client, v === 1);
    } else if (opt === 'rdb-filter-only') {
      const filters = val.split(/[ \t\r\n]+/).filter((s) => s !== '');
      for (const f of filters) {
        if (f.toLowerCase() !== 'functions') {
          c.reply.error(`ERR Unsupported rdb-filter-only option: ${f}`);
          return;
        }
      }
      // Only "functions" can be kept: the keys are always filtered out.
      rep.setExcludeData(c.client, true);
    } else {
      c.reply.error(`ERR Unrecognized REPLCONF option: ${argv[j] as string}`);
      return;
    }
  }
  c.reply.ok();
}

function waitCommand(c: Ctx, argv: string[]): void {
  const n = intArg(c, argv[1]);
  if (n === null) return;
  const deadline = timeoutArg(c, argv[2], 'ms');
  if (deadline === null) return;
  c.server.replication.wait(c.client, n, deadline, c.canBlock, c.reply);
}

function replicaofCommand(c: Ctx, argv: string[]): void {
  c.server.replication.replicaof(c.client, argv[1] as string, argv[2] as string, c.reply);
}

function roleCommand(c: Ctx): void {
  const r = c.reply;
  const asReplica = c.server.replication.replicaRole();
  if (asReplica !== null) {
    r.array(5);
    r.bulk('slave');
    r.bulk(asReplica.host);
    r.integer(asReplica.port);
    r.bulk(asReplica.state);
    r.integer(asReplica.offset);
    return;
  }
  const { offset, replicas } = c.server.replication.role();
  r.array(3);
  r.bulk('master');
  r.integer(offset);
  r.array(replicas.length);
  for (const [ip, port, ack] of replicas) {
    r.array(3);
    r.bulk(ip);
    r.bulk(String(port));
    r.bulk(String(ack));
  }
}

/** REPLICAOF / SLAVEOF arguments (COMMAND DOCS). */
const REPLICAOF_ARGS = [
  {
    name: 'args',
    type: 'oneof',
    arguments: [
      {
        name: 'host-port',
        type: 'block',
        arguments: [
          { name: 'host', type: 'string' },
          { name: 'port', type: 'integer' },
        ],
      },
      {
        name: 'no-one',
        type: 'block',
        arguments: [
          { name: 'no', type: 'pure-token', token: 'NO' },
          { name: 'one', type: 'pure-token', token: 'ONE' },
        ],
      },
    ],
  },
] as const;

const specs: CommandSpec[] = [
  {
    name: 'replicaof',
    arity: 3,
    flags: ['no_async_loading', 'admin', 'noscript', 'stale'],
    group: 'server',
    since: '5.0.0',
    summary: 'Make the server a replica of another instance, or promote it as master.',
    complexity: 'O(1)',
    args: REPLICAOF_ARGS,
    handler: replicaofCommand,
  },
  {
    name: 'slaveof',
    arity: 3,
    flags: ['no_async_loading', 'admin', 'noscript', 'stale'],
    group: 'server',
    since: '1.0.0',
    summary: 'Make the server a replica of another instance, or promote it as master.',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '5.0.0',
    replacedBy: '`REPLICAOF`',
    args: REPLICAOF_ARGS,
    handler: replicaofCommand,
  },
  {
    name: 'sync',
    arity: 1,
    flags: ['no_async_loading', 'admin', 'no_multi', 'noscript'],
    group: 'server',
    since: '1.0.0',
    summary: 'Internal command used for replication',
    handler: syncCommand,
  },
  {
    name: 'psync',
    arity: -3,
    flags: ['no_async_loading', 'admin', 'no_multi', 'noscript'],
    group: 'server',
    since: '2.8.0',
    summary: 'Internal command used for replication',
    args: [
      { name: 'replicationid', type: 'string' },
      { name: 'offset', type: 'integer' },
    ],
    handler: syncCommand,
  },
  {
    name: 'replconf',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'allow_busy'],
    group: 'server',
    since: '3.0.0',
    summary: 'An internal command for configuring the replication stream',
    complexity: 'O(1)',
    docFlags: ['syscmd'],
    handler: replconfCommand,
  },
  {
    name: 'wait',
    arity: 3,
    flags: ['noscript'],
    acl: ['connection'],
    group: 'generic',
    since: '3.0.0',
    summary: 'Wait for the synchronous replication of all the write commands sent in the context of the current connection',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_min'],
    args: [
      { name: 'numreplicas', type: 'integer' },
      { name: 'timeout', type: 'integer' },
    ],
    handler: waitCommand,
  },
  {
    name: 'role',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'sentinel'],
    acl: ['admin', 'dangerous'],
    group: 'server',
    since: '2.8.12',
    summary: 'Return the role of the instance in the context of replication',
    complexity: 'O(1)',
    handler: roleCommand,
  },
];

export const commands: CommandSpec[] = specs;
