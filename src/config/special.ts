// Directives with a grammar of their own: save, client-output-buffer-limit,
// oom-score-adj-values, notify-keyspace-events, bind, replicaof, dir and
// latency-tracking-info-percentiles. Each one parses its arguments, formats
// its value for CONFIG GET, and writes its own lines for CONFIG REWRITE,
// with Redis 7.0's error texts.

import { string2d } from '../util/numbers.js';
import { formatMemoryUnits, formatPercentile, parseMemory, quoteArg, strtollStrict } from './text.js';
import { F, special, type SpecialDef } from './types.js';

// ---------------------------------------------------------------------------
// save

export interface SaveParam {
  /** Seconds since the last save (a time_t). */
  readonly seconds: bigint;
  /** Changes needed within that time (a C int). */
  readonly changes: number;
}

export const DEFAULT_SAVE: readonly SaveParam[] = [
  { seconds: 3600n, changes: 1 },
  { seconds: 300n, changes: 100 },
  { seconds: 60n, changes: 10000 },
];

const save: SpecialDef<readonly SaveParam[]> = {
  kind: 'special',
  name: 'save',
  flags: F.MULTI_ARG,
  init: () => DEFAULT_SAVE,
  set(args, current, ctx) {
    // A single empty argument means "no save points".
    if (args.length === 1 && args[0] === '') args = [];
    if (args.length % 2 !== 0) return { error: 'Invalid save parameters' };
    const parsed: SaveParam[] = [];
    for (let j = 0; j < args.length; j += 2) {
      const secs = strtollStrict(args[j] as string);
      const changes = strtollStrict(args[j + 1] as string);
      if (secs === null || secs < 1n || changes === null || changes < 0n) {
        return { error: 'Invalid save parameters' };
      }
      parsed.push({ seconds: secs, changes: Number(BigInt.asIntN(32, changes)) });
    }
    // While a file is read, save lines accumulate: only the first one of the
    // load replaces the built-in defaults. CONFIG SET always replaces.
    let base: readonly SaveParam[] = [];
    if (ctx.reading) {
      if (ctx.session.saveLoaded) base = current;
      ctx.session.saveLoaded = true;
      if (args.length === 0) base = [];
    }
    return { value: [...base, ...parsed], changed: true };
  },
  format: (v) => v.map((p) => `${p.seconds} ${p.changes}`).join(' '),
  rewrite(v, rw, ctx) {
    if (ctx.view.sentinelMode) {
      rw.processed('save');
      return;
    }
    if (v.length === 0) rw.line('save', 'save ""', true);
    for (const p of v) rw.line('save', `save ${p.seconds} ${p.changes}`, true);
    rw.processed('save');
  },
};

// ---------------------------------------------------------------------------
// client-output-buffer-limit

export interface OutputBufferLimit {
  readonly hard: bigint;
  readonly soft: bigint;
  readonly softSeconds: number;
}

export interface OutputBufferLimits {
  readonly normal: OutputBufferLimit;
  readonly replica: OutputBufferLimit;
  readonly pubsub: OutputBufferLimit;
}

export const DEFAULT_OUTPUT_BUFFER_LIMITS: OutputBufferLimits = {
  normal: { hard: 0n, soft: 0n, softSeconds: 0 },
  replica: { hard: 256n * 1024n * 1024n, soft: 64n * 1024n * 1024n, softSeconds: 60 },
  pubsub: { hard: 32n * 1024n * 1024n, soft: 8n * 1024n * 1024n, softSeconds: 60 },
};

const OBUF_CLASSES = ['normal', 'replica', 'pubsub'] as const;
type ObufClass = (typeof OBUF_CLASSES)[number];

function obufClass(name: string): ObufClass | 'master' | null {
  switch (name.toLowerCase()) {
    case 'normal': return 'normal';
    case 'slave': case 'replica': return 'replica';
    case 'pubsub': return 'pubsub';
    case 'master': return 'master';
    default: return null;
  }
}

const clientOutputBufferLimit: SpecialDef<OutputBufferLimits> = {
  kind: 'special',
  name: 'client-output-buffer-limit',
  flags: F.MULTI_ARG,
  init: () => DEFAULT_OUTPUT_BUFFER_LIMITS,
  set(args, current) {
    if (args.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
    const next: Record<ObufClass, OutputBufferLimit> = { ...current };
    for (let j = 0; j < args.length; j += 4) {
      const cls = obufClass(args[j] as string);
      if (cls === null || cls === 'master') {
        return { error: 'Invalid client class specified in buffer limit configuration.' };
      }
      const hard = parseMemory(args[j + 1] as string);
      const soft = parseMemory(args[j + 2] as string);
      const secs = strtollStrict(args[j + 3] as string);
      // The seconds land in a C int before the sign check.
      const secsInt = secs === null ? -1 : Number(BigInt.asIntN(32, secs));
      if (hard === null || soft === null || secs === null || secsInt < 0) {
        return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
      }
      next[cls] = { hard, soft, softSeconds: secsInt };
    }
    return { value: next, changed: true };
  },
  format: (v) =>
    OBUF_CLASSES.map((c) => {
      const l = v[c];
      return `${c === 'replica' ? 'slave' : c} ${l.hard} ${l.soft} ${l.softSeconds}`;
    }).join(' '),
  rewrite(v, rw) {
    for (const c of OBUF_CLASSES) {
      const l = v[c];
      const d = DEFAULT_OUTPUT_BUFFER_LIMITS[c];
      const force = l.hard !== d.hard || l.soft !== d.soft || l.softSeconds !== d.softSeconds;
      const hard = formatMemoryUnits(BigInt.asIntN(64, l.hard));
      const soft = formatMemoryUnits(BigInt.asIntN(64, l.soft));
      rw.line('client-output-buffer-limit', `client-output-buffer-limit ${c} ${hard} ${soft} ${l.softSeconds}`, force);
    }
  },
};

// ---------------------------------------------------------------------------
// oom-score-adj-values

export const DEFAULT_OOM_SCORE_ADJ_VALUES: readonly number[] = [0, 200, 800];

const oomScoreAdjValues: SpecialDef<readonly number[]> = {
  kind: 'special',
  name: 'oom-score-adj-values',
  flags: F.MULTI_ARG,
  init: () => DEFAULT_OOM_SCORE_ADJ_VALUES,
  set(args, current) {
    if (args.length !== 3) return { error: 'wrong number of arguments' };
    const vals: number[] = [];
    for (const a of args) {
      const v = strtollStrict(a);
      if (v === null || v < -2000n || v > 2000n) {
        return { error: 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.' };
      }
      vals.push(Number(v));
    }
    const changed = vals.some((v, i) => v !== current[i]);
    return { value: vals, changed };
  },
  format: (v) => v.join(' '),
  rewrite(v, rw) {
    const force = v.some((x, i) => x !== DEFAULT_OOM_SCORE_ADJ_VALUES[i]);
    rw.line('oom-score-adj-values', `oom-score-adj-values ${v.join(' ')}`, force);
  },
};

// ---------------------------------------------------------------------------
// notify-keyspace-events

/** Keyspace notification classes (bit values as in Redis). */
export const NOTIFY = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m (not part of A)
  LOADED: 1 << 12, // module-only
  MODULE: 1 << 13, // d
  NEW: 1 << 14, // n (not part of A)
  ALL: 0,
};
NOTIFY.ALL = NOTIFY.GENERIC | NOTIFY.STRING | NOTIFY.LIST | NOTIFY.SET | NOTIFY.HASH | NOTIFY.ZSET |
  NOTIFY.EXPIRED | NOTIFY.EVICTED | NOTIFY.STREAM | NOTIFY.MODULE;

/** Parse a notify-keyspace-events class string; -1 on an unknown character. */
export function notifyFlagsFromString(s: string): number {
  let flags = 0;
  for (const ch of s) {
    switch (ch) {
      case 'A': flags |= NOTIFY.ALL; break;
      case 'g': flags |= NOTIFY.GENERIC; break;
      case '$': flags |= NOTIFY.STRING; break;
      case 'l': flags |= NOTIFY.LIST; break;
      case 's': flags |= NOTIFY.SET; break;
      case 'h': flags |= NOTIFY.HASH; break;
      case 'z': flags |= NOTIFY.ZSET; break;
      case 'x': flags |= NOTIFY.EXPIRED; break;
      case 'e': flags |= NOTIFY.EVICTED; break;
      case 'K': flags |= NOTIFY.KEYSPACE; break;
      case 'E': flags |= NOTIFY.KEYEVENT; break;
      case 't': flags |= NOTIFY.STREAM; break;
      case 'm': flags |= NOTIFY.KEY_MISS; break;
      case 'd': flags |= NOTIFY.MODULE; break;
      case 'n': flags |= NOTIFY.NEW; break;
      default: return -1;
    }
  }
  return flags;
}

/** The canonical class string of a flag set (what CONFIG GET shows). */
export function notifyFlagsToString(flags: number): string {
  let s = '';
  if ((flags & NOTIFY.ALL) === NOTIFY.ALL) {
    s += 'A';
  } else {
    if (flags & NOTIFY.GENERIC) s += 'g';
    if (flags & NOTIFY.STRING) s += '$';
    if (flags & NOTIFY.LIST) s += 'l';
    if (flags & NOTIFY.SET) s += 's';
    if (flags & NOTIFY.HASH) s += 'h';
    if (flags & NOTIFY.ZSET) s += 'z';
    if (flags & NOTIFY.EXPIRED) s += 'x';
    if (flags & NOTIFY.EVICTED) s += 'e';
    if (flags & NOTIFY.STREAM) s += 't';
    if (flags & NOTIFY.MODULE) s += 'd';
    if (flags & NOTIFY.NEW) s += 'n';
  }
  if (flags & NOTIFY.KEYSPACE) s += 'K';
  if (flags & NOTIFY.KEYEVENT) s += 'E';
  if (flags & NOTIFY.KEY_MISS) s += 'm';
  return s;
}

const notifyKeyspaceEvents: SpecialDef<number> = {
  kind: 'special',
  name: 'notify-keyspace-events',
  flags: 0,
  init: () => 0,
  set(args) {
    if (args.length !== 1) return { error: 'wrong number of arguments' };
    const flags = notifyFlagsFromString(args[0] as string);
    if (flags === -1) return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
    return { value: flags, changed: true };
  },
  format: (v) => notifyFlagsToString(v),
  rewrite(v, rw) {
    rw.line('notify-keyspace-events', `notify-keyspace-events ${quoteArg(notifyFlagsToString(v))}`, v !== 0);
  },
};

// ---------------------------------------------------------------------------
// bind

export const DEFAULT_BIND: readonly string[] = ['*', '-::*'];
const BIND_MAX = 16;

const bind: SpecialDef<readonly string[]> = {
  kind: 'special',
  name: 'bind',
  flags: F.MULTI_ARG,
  init: () => DEFAULT_BIND,
  set(args) {
    if (args.length > BIND_MAX) return { error: 'Too many bind addresses specified.' };
    if (args.length === 1 && args[0] === '') args = [];
    return { value: [...args], changed: true };
  },
  format: (v) => v.join(' '),
  rewrite(v, rw) {
    const isDefault = v.length === DEFAULT_BIND.length && v.every((a, i) => a === DEFAULT_BIND[i]);
    if (isDefault) {
      rw.processed('bind');
      return;
    }
    rw.line('bind', `bind ${v.length > 0 ? v.join(' ') : '""'}`, true);
  },
};

// ---------------------------------------------------------------------------
// replicaof / slaveof

export interface ReplicaOf {
  readonly host: string;
  readonly port: number;
}

const replicaof: SpecialDef<ReplicaOf | null> = {
  kind: 'special',
  name: 'replicaof',
  alias: 'slaveof',
  flags: F.IMMUTABLE | F.MULTI_ARG,
  init: () => null,
  set(args) {
    if (args.length !== 2) return { error: 'wrong number of arguments' };
    const [host, portText] = args as [string, string];
    if (host.toLowerCase() === 'no' && portText.toLowerCase() === 'one') return { value: null, changed: true };
    const parsed = strtollStrict(portText);
    // The port lands in a C int before the range check.
    const port = parsed === null ? -1 : Number(BigInt.asIntN(32, parsed));
    if (port < 0 || port > 65535) return { error: 'Invalid master port' };
    return { value: { host, port }, changed: true };
  },
  format: (v) => (v ? `${v.host} ${v.port}` : ''),
  rewrite(v, rw, ctx) {
    if (v === null || ctx.view.getBool('cluster-enabled')) {
      rw.processed('replicaof');
      return;
    }
    rw.line('replicaof', `replicaof ${v.host} ${v.port}`, true);
  },
};

// ---------------------------------------------------------------------------
// dir: the process's working directory itself

const dir: SpecialDef<null> = {
  kind: 'special',
  name: 'dir',
  flags: F.PROTECTED | F.DENY_LOADING,
  init: () => null,
  set(args, _current, ctx) {
    if (args.length !== 1) return { error: 'wrong number of arguments' };
    const err = ctx.env.chdir(args[0] as string);
    return err === null ? { value: null, changed: true } : { error: err };
  },
  format: (_v, ctx) => ctx.env.cwd(),
  rewrite(_v, rw, ctx) {
    rw.line('dir', `dir ${quoteArg(ctx.env.cwd())}`, true);
  },
};

// ---------------------------------------------------------------------------
// latency-tracking-info-percentiles

export const DEFAULT_LATENCY_PERCENTILES: readonly number[] = [50, 99, 99.9];

const latencyPercentiles: SpecialDef<readonly number[]> = {
  kind: 'special',
  name: 'latency-tracking-info-percentiles',
  flags: F.MULTI_ARG,
  init: () => DEFAULT_LATENCY_PERCENTILES,
  set(args) {
    if (args.length === 1 && args[0] === '') args = [];
    const vals: number[] = [];
    for (const a of args) {
      const d = string2d(a);
      if (d === null) return { error: 'Invalid latency-tracking-info-percentiles parameters' };
      if (d > 100 || d < 0) {
        return { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
      }
      vals.push(d);
    }
    return { value: vals, changed: true };
  },
  format: (v) => v.map(formatPercentile).join(' '),
  rewrite(v, rw) {
    const name = 'latency-tracking-info-percentiles';
    rw.line(name, v.length === 0 ? `${name} ""` : `${name} ${v.map(formatPercentile).join(' ')}`, true);
  },
};

export const SPECIAL_DIRECTIVES = [
  special(dir),
  special(save),
  special(clientOutputBufferLimit),
  special(oomScoreAdjValues),
  special(notifyKeyspaceEvents),
  special(bind),
  special(replicaof),
  special(latencyPercentiles),
];
