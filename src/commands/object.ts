/*
 * OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP: introspection of a key's value.
 *
 * Lookups here neither touch the access time nor fire `keymiss` (Redis's
 * LOOKUP_NOTOUCH|LOOKUP_NONOTIFY); they do count as keyspace hits/misses and expire the key
 * lazily.
 *
 * REFCOUNT: nodis never shares value objects, so it reports what Redis 7.0 would for the common
 * cases: 2147483647 (a shared object) for an int-encoded string in 0..9999 while shared integers
 * are in use (maxmemory 0, or a maxmemory-policy that is neither LRU nor LFU), else 1. Redis
 * decides at write time; nodis at OBJECT time, so switching the policy afterwards, or a COPY of a
 * shared integer (which Redis un-shares), report differently.
 *
 * IDLETIME follows estimateObjectIdleTime: the 24-bit seconds LRU clock wraps about every 194
 * days, and an object stamped "after" the current clock is taken to be from before the wrap.
 * FREQ decodes Redis's LFU layout of the same field (16-bit minutes of the last decrement, 8-bit
 * logarithmic counter) and applies the pending decay by lfu-decay-time, as LFUDecrAndReturn.
 */

import type { CommandSpec } from './spec.js';
import { keyRange } from './spec.js';
import type { Ctx } from './context.js';
import { replyHelp } from './lookup.js';
import { type RObject, OBJ_STRING, ENC_INT, encodingName } from '../keyspace/object.js';
import { idleSeconds, lfuDecayed } from '../keyspace/evict.js';
import { string2l } from '../util/numbers.js';

const OBJ_SHARED_INTEGERS = 10000;
const OBJ_SHARED_REFCOUNT = 2147483647;

function policy(c: Ctx): string {
  return c.server.configString('maxmemory-policy');
}

function isLfu(c: Ctx): boolean {
  return policy(c).endsWith('-lfu');
}

/** objectCommandLookupOrReply: no touch, no keymiss event; null reply when missing. */
function lookupOrNull(c: Ctx, argv: string[]): RObject | null {
  const o = c.db.lookupRead(argv[2] as string, true);
  if (o === null) c.reply.nullBulk();
  return o;
}

function sharedIntegersInUse(c: Ctx): boolean {
  if (c.server.configNumber('maxmemory') === 0) return true;
  const p = policy(c);
  return !(p.endsWith('-lru') || p.endsWith('-lfu'));
}

function refcountOf(c: Ctx, o: RObject): number {
  if (o.type === OBJ_STRING && o.enc === ENC_INT && typeof o.ptr === 'string') {
    const v = string2l(o.ptr);
    if (v !== null && v >= 0 && v < OBJ_SHARED_INTEGERS && sharedIntegersInUse(c)) return OBJ_SHARED_REFCOUNT;
  }
  return 1;
}

const HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

function objectHelp(c: Ctx, argv: string[]): void {
  replyHelp(c, argv[0] as string, HELP);
}

function objectEncoding(c: Ctx, argv: string[]): void {
  const o = lookupOrNull(c, argv);
  if (o !== null) c.reply.bulk(encodingName(o));
}

function objectRefcount(c: Ctx, argv: string[]): void {
  const o = lookupOrNull(c, argv);
  if (o !== null) c.reply.integer(refcountOf(c, o));
}

function objectIdletime(c: Ctx, argv: string[]): void {
  const o = lookupOrNull(c, argv);
  if (o === null) return;
  if (isLfu(c)) {
    c.reply.error(
      'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when ' +
        'switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    return;
  }
  c.reply.integer(idleSeconds(o.lru, c.ks.lruClock));
}

function objectFreq(c: Ctx, argv: string[]): void {
  const o = lookupOrNull(c, argv);
  if (o === null) return;
  if (!isLfu(c)) {
    c.reply.error(
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note ' +
        'that when switching between policies at runtime LRU and LFU data will take some time ' +
        'to adjust.',
    );
    return;
  }
  c.reply.integer(lfuDecayed(o.lru, c.now, c.server.configNumber('lfu-decay-time')));
}

/* ---- metadata (src/commands/*.json of Redis 7.0.15) --------------------------------------- */

const objectSubcommands: CommandSpec[] = [
  {
    name: 'encoding',
    arity: 3,
    flags: ['readonly'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO'], 2)],
    group: 'generic',
    since: '2.2.3',
    summary: 'Inspect the internal encoding of a Redis object',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    // tips: NONDETERMINISTIC_OUTPUT
    handler: objectEncoding,
  },
  {
    name: 'freq',
    arity: 3,
    flags: ['readonly'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO'], 2)],
    group: 'generic',
    since: '4.0.0',
    summary: 'Get the logarithmic access frequency counter of a Redis object',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    // tips: NONDETERMINISTIC_OUTPUT
    handler: objectFreq,
  },
  {
    name: 'help',
    arity: 2,
    flags: ['loading', 'stale'],
    acl: ['keyspace'],
    group: 'generic',
    since: '6.2.0',
    summary: 'Show helpful text about the different subcommands',
    complexity: 'O(1)',
    handler: objectHelp,
  },
  {
    name: 'idletime',
    arity: 3,
    flags: ['readonly'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO'], 2)],
    group: 'generic',
    since: '2.2.3',
    summary: 'Get the time since a Redis object was last accessed',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    // tips: NONDETERMINISTIC_OUTPUT
    handler: objectIdletime,
  },
  {
    name: 'refcount',
    arity: 3,
    flags: ['readonly'],
    acl: ['keyspace'],
    keySpecs: [keyRange(['RO'], 2)],
    group: 'generic',
    since: '2.2.3',
    summary: 'Get the number of references to the value of the key',
    complexity: 'O(1)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    // tips: NONDETERMINISTIC_OUTPUT
    handler: objectRefcount,
  },
];

export const commands: CommandSpec[] = [
  {
    name: 'object',
    arity: -2,
    flags: [],
    group: 'generic',
    since: '2.2.3',
    summary: 'A container for object introspection commands',
    complexity: 'Depends on subcommand.',
    subcommands: objectSubcommands,
  },
];
