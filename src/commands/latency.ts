/*
 * LATENCY LATEST / HISTORY / RESET / GRAPH / DOCTOR / HISTOGRAM / HELP: the engine's latency
 * monitor (events over latency-monitor-threshold) and per-command latency histograms
 * (src/engine/latency.ts).
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { replyHelp } from './lookup.js';
import * as E from '../protocol/errors.js';

function latencyLatestCommand(c: Ctx): void {
  const events = c.server.introspection.latencyLatest();
  const r = c.reply;
  r.array(events.length);
  for (const [name, time, latency, max] of events) {
    r.array(4);
    r.bulk(name);
    r.integer(time);
    r.integer(latency);
    r.integer(max);
  }
}

function latencyHistoryCommand(c: Ctx, argv: string[]): void {
  const samples = c.server.introspection.latencyHistory(argv[2] as string);
  const r = c.reply;
  r.array(samples.length);
  for (const [time, latency] of samples) {
    r.array(2);
    r.integer(time);
    r.integer(latency);
  }
}

function latencyResetCommand(c: Ctx, argv: string[]): void {
  c.reply.integer(c.server.introspection.latencyReset(argv.length === 2 ? null : argv.slice(2)));
}

function latencyGraphCommand(c: Ctx, argv: string[]): void {
  const graph = c.server.introspection.latencyGraph(argv[2] as string);
  if (graph === null) {
    c.reply.error(`ERR No samples available for event '${E.cstr(argv[2] as string)}'`);
    return;
  }
  c.reply.verbatim(graph);
}

function latencyDoctorCommand(c: Ctx): void {
  c.reply.verbatim(c.server.introspection.latencyDoctor());
}

function latencyHistogramCommand(c: Ctx, argv: string[]): void {
  const list = c.server.introspection.latencyHistogram(argv.length === 2 ? null : argv.slice(2));
  const r = c.reply;
  r.map(list.length);
  for (const [name, calls, cdf] of list) {
    r.bulk(name);
    r.map(2);
    r.bulk('calls');
    r.integer(calls);
    r.bulk('histogram_usec');
    r.map(cdf.length);
    for (const [usec, count] of cdf) {
      r.integer(usec);
      r.integer(count);
    }
  }
}

const LATENCY_HELP = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

function latencyHelpCommand(c: Ctx, argv: string[]): void {
  replyHelp(c, argv[0] as string, LATENCY_HELP);
}

/* ---- metadata (Redis 7.0.15's latency*.json) ------------------------------------------------ */

const latencySubcommands: CommandSpec[] = [
  {
    name: 'doctor',
    arity: 2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'server',
    since: '2.8.13',
    summary: 'Return a human readable latency analysis report.',
    complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
    handler: latencyDoctorCommand,
  },
  {
    name: 'graph',
    arity: 3,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'server',
    since: '2.8.13',
    summary: 'Return a latency graph for the event.',
    complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
    args: [
      { name: 'event', type: 'string' },
    ],
    handler: latencyGraphCommand,
  },
  {
    name: 'help',
    arity: 2,
    flags: ['loading', 'stale'],
    group: 'server',
    since: '2.8.13',
    summary: 'Show helpful text about the different subcommands.',
    complexity: 'O(1)',
    handler: latencyHelpCommand,
  },
  {
    name: 'histogram',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'server',
    since: '7.0.0',
    summary: 'Return the cumulative distribution of latencies of a subset of commands or all.',
    complexity: 'O(N) where N is the number of commands with latency information being retrieved.',
    tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
    args: [
      { name: 'COMMAND', type: 'string', optional: true, multiple: true },
    ],
    handler: latencyHistogramCommand,
  },
  {
    name: 'history',
    arity: 3,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'server',
    since: '2.8.13',
    summary: 'Return timestamp-latency samples for the event.',
    complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
    args: [
      { name: 'event', type: 'string' },
    ],
    handler: latencyHistoryCommand,
  },
  {
    name: 'latest',
    arity: 2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'server',
    since: '2.8.13',
    summary: 'Return the latest latency samples for all events.',
    complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
    handler: latencyLatestCommand,
  },
  {
    name: 'reset',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'server',
    since: '2.8.13',
    summary: 'Reset latency data for one or more events.',
    complexity: 'O(1)',
    tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
    args: [
      { name: 'event', type: 'string', optional: true, multiple: true },
    ],
    handler: latencyResetCommand,
  },
];

export const commands: CommandSpec[] = [
  {
    name: 'latency',
    arity: -2,
    flags: [],
    group: 'server',
    since: '2.8.13',
    summary: 'A container for latency diagnostics commands',
    complexity: 'Depends on subcommand.',
    subcommands: latencySubcommands,
  },
];

