/*
 * MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP. Key sizes come from the
 * keyspace's memory model (src/keyspace/memory.ts); the server-wide figures from the engine
 * (src/engine/memory-report.ts). nodis has no jemalloc: MALLOC-STATS answers as a Redis built
 * with another allocator does, and PURGE runs V8's memory-reducing full collection (util/heap.ts).
 */

import type { Ctx } from './context.js';
import { keyRange, type CommandSpec } from './spec.js';
import { is } from './args.js';
import { replyHelp } from './lookup.js';
import { DEFAULT_SAMPLES, keyUsage } from '../keyspace/memory.js';
import * as E from '../protocol/errors.js';
import { formatDouble17g, string2ll } from '../util/numbers.js';
import { purgeHeap } from '../util/heap.js';

function memoryUsageCommand(c: Ctx, argv: string[]): void {
  let samples = DEFAULT_SAMPLES;
  for (let j = 3; j < argv.length; j++) {
    if (is(argv[j], 'samples') && j + 1 < argv.length) {
      const n = string2ll(argv[j + 1] as string);
      if (n === null) {
        c.reply.error(E.NOT_INTEGER);
        return;
      }
      if (n < 0n) {
        c.reply.error(E.SYNTAX);
        return;
      }
      // 0 means every element.
      samples = n === 0n ? 0 : Number(n);
      j++;
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  const key = argv[2] as string;
  // Like Redis's dictFind: no expiry check and no access-time update.
  const o = c.db.peek(key);
  if (o === undefined) {
    c.reply.null();
    return;
  }
  c.reply.integer(keyUsage(key, o, samples));
}

function memoryStatsCommand(c: Ctx): void {
  const stats = c.server.introspection.memoryStats();
  const r = c.reply;
  r.map(stats.length);
  for (const [name, value] of stats) {
    r.bulk(name);
    if (typeof value === 'number') r.integer(value);
    else if (Array.isArray(value)) {
      r.map(value.length);
      for (const [k, v] of value) {
        r.bulk(k);
        r.integer(v);
      }
    } else {
      r.doubleText(formatDouble17g(value.double));
    }
  }
}

function memoryDoctorCommand(c: Ctx): void {
  c.reply.verbatim(c.server.introspection.memoryDoctor());
}

function memoryMallocStatsCommand(c: Ctx): void {
  c.reply.bulk('Stats not supported for the current allocator');
}

function memoryPurgeCommand(c: Ctx): void {
  purgeHeap();
  c.reply.ok();
}

const MEMORY_HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

function memoryHelpCommand(c: Ctx, argv: string[]): void {
  replyHelp(c, argv[0] as string, MEMORY_HELP);
}

/* ---- metadata (Redis 7.0.15's memory*.json) ------------------------------------------------- */

const memorySubcommands: CommandSpec[] = [
  {
    name: 'doctor',
    arity: 2,
    flags: [],
    group: 'server',
    since: '4.0.0',
    summary: 'Outputs memory problems report',
    complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    handler: memoryDoctorCommand,
  },
  {
    name: 'help',
    arity: 2,
    flags: ['loading', 'stale'],
    group: 'server',
    since: '4.0.0',
    summary: 'Show helpful text about the different subcommands',
    complexity: 'O(1)',
    handler: memoryHelpCommand,
  },
  {
    name: 'malloc-stats',
    arity: 2,
    flags: [],
    group: 'server',
    since: '4.0.0',
    summary: 'Show allocator internal stats',
    complexity: 'Depends on how much memory is allocated, could be slow',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    handler: memoryMallocStatsCommand,
  },
  {
    name: 'purge',
    arity: 2,
    flags: [],
    group: 'server',
    since: '4.0.0',
    summary: 'Ask the allocator to release memory',
    complexity: 'Depends on how much memory is allocated, could be slow',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler: memoryPurgeCommand,
  },
  {
    name: 'stats',
    arity: 2,
    flags: [],
    group: 'server',
    since: '4.0.0',
    summary: 'Show memory usage details',
    complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    handler: memoryStatsCommand,
  },
  {
    name: 'usage',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [keyRange(['RO'], 2, 0, 1, 0)],
    group: 'server',
    since: '4.0.0',
    summary: 'Estimate the memory usage of a key',
    complexity: 'O(N) where N is the number of samples.',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'count', type: 'integer', token: 'SAMPLES', optional: true },
    ],
    handler: memoryUsageCommand,
  },
];

export const commands: CommandSpec[] = [
  {
    name: 'memory',
    arity: -2,
    flags: [],
    group: 'server',
    since: '4.0.0',
    summary: 'A container for memory diagnostics commands',
    complexity: 'Depends on subcommand.',
    subcommands: memorySubcommands,
  },
];

