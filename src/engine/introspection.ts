/*
 * What the engine does around each command for the introspection features (the tail of
 * Redis's call()): latency events, the slow log, MONITOR, per-command latency histograms and
 * client-side caching's read tracking. One object owns those subsystems and their cached
 * config, so the engine calls a single hook per command; every step is a cheap check when its
 * feature is off.
 */

import { CALL_FROM_SCRIPT } from '../commands/context.js';
import type { Client } from './client.js';
import type { Engine } from './engine.js';
import { LatencyHistogram, LatencyMonitor } from './latency.js';
import { Monitors, redactArgv } from './monitor.js';
import { F_ADMIN, F_FAST, F_PUBSUB, F_READONLY, F_SKIP_MONITOR, F_SKIP_SLOWLOG, type Command } from './registry.js';
import type { OutputLimitHost } from './output-limits.js';
import { SlowLog } from './slowlog.js';
import { Tracking } from './tracking.js';
import { atoi, string2l } from '../util/numbers.js';

/** PROTO_REPLY_MIN_BYTES / PROTO_REPLY_CHUNK_BYTES and the default peak reset period. */
const REPLY_MIN_BYTES = 1024;
const REPLY_CHUNK_BYTES = 16 * 1024;
const REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME = 5000;

/** Read-only script commands: their keys count as read only if the script reads something. */
const RO_SCRIPT_COMMANDS = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

export class Introspection {
  readonly tracking: Tracking;
  readonly monitors: Monitors;
  readonly slowlog = new SlowLog();
  readonly latency = new LatencyMonitor();
  latencyTracking = true;
  /** DEBUG PAUSE-CRON: serverCron does nothing while set. */
  cronPaused = false;
  replyBufferShrinks = 0;
  replyBufferExpands = 0;
  /** DEBUG REPLYBUFFER PEAK-RESET-TIME (ms; -1 = never) and RESIZING. */
  replyBufferPeakResetTime = REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME;
  replyBufferResizing = true;
  private readonly peakResetAt = new WeakMap<Client, number>();
  private cronIter: Iterator<Client> | null = null;
  /** The engine as closeOnOutputLimit sees it. */
  readonly outputLimitHost: OutputLimitHost;

  constructor(private readonly e: Engine) {
    this.outputLimitHost = {
      get outputLimits() {
        return e.outputLimits;
      },
      clientType: (c) => e.clientType(c),
      clientInfoLine: (c) => e.ports.clientInfoLine(c),
      log: (level, msg) => e.log(level, msg),
      stats: e.stats,
      schedule: (c) => e.schedule(c),
    };
    this.tracking = new Tracking({
      clients: e.clients,
      schedule: (c) => e.schedule(c),
      get currentClient() {
        return e.currentClient;
      },
      inPubSub: (c) => (c as Client & { pubsub?: unknown }).pubsub != null,
    });
    this.monitors = new Monitors({
      schedule: (c) => e.schedule(c),
      unixSocketPath: () => e.config.getStr('unixsocket'),
    });
    const cfg = e.config;
    cfg.watch(['slowlog-log-slower-than', 'slowlog-max-len', 'latency-monitor-threshold', 'latency-tracking',
      'tracking-table-max-keys'], () => {
      this.slowlog.slowerThan = cfg.getNum('slowlog-log-slower-than');
      this.slowlog.maxLen = cfg.getNum('slowlog-max-len');
      this.latency.threshold = cfg.getNum('latency-monitor-threshold');
      this.latencyTracking = cfg.getBool('latency-tracking');
      this.tracking.maxKeys = cfg.getNum('tracking-table-max-keys');
    });
    e.ports.registerDebug('replybuffer', (argv, reply) => {
      if (argv.length !== 4) return false;
      const what = (argv[2] as string).toLowerCase();
      const v = argv[3] as string;
      if (what === 'peak-reset-time') {
        if (v.toLowerCase() === 'never') this.replyBufferPeakResetTime = -1;
        else if (v.toLowerCase() === 'reset') this.replyBufferPeakResetTime = REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME;
        else {
          const n = string2l(v);
          if (n === null) {
            reply.error('ERR value is not an integer or out of range');
            return true;
          }
          this.replyBufferPeakResetTime = n;
        }
      } else if (what === 'resizing') {
        this.replyBufferResizing = atoi(v) !== 0;
      } else {
        return false;
      }
      reply.ok();
      return true;
    });
    e.ports.registerDebug('pause-cron', (argv, reply) => {
      if (argv.length !== 3) return false;
      this.cronPaused = atoi(argv[2] as string) !== 0;
      reply.ok();
      return true;
    });
  }

  /**
   * The introspection part of serverCron: keep the tracking table within its limit, and visit
   * some clients (all of them once a second, at least 5 per call, like Redis's clientsCron)
   * to resize their reply buffers.
   */
  cron(now: number): void {
    if (this.tracking.clientCount !== 0) this.tracking.limitUsedSlots();
    const clients = this.e.clients;
    if (clients.size === 0) return;
    let budget = Math.max(5, Math.ceil(clients.size / Math.max(1, this.e.hz)));
    budget = Math.min(budget, clients.size);
    while (budget-- > 0) {
      let next = this.cronIter?.next();
      if (next === undefined || next.done) {
        this.cronIter = clients.values();
        next = this.cronIter.next();
        if (next.done) return;
      }
      const c = next.value;
      if (!c.closed) this.resizeReplyBuffer(c, now);
    }
  }

  /**
   * clientsCronResizeOutputBuffer: halve an idle client's reply buffer (not below 1 KiB) when
   * it used less than half of it since the last peak reset, double a busy one (up to 16 KiB)
   * when it filled it; the peak restarts every replyBufferPeakResetTime ms.
   */
  private resizeReplyBuffer(c: Client, now: number): void {
    if (!this.replyBufferResizing) return;
    const w = c.writer;
    const size = w.bufferSize;
    const peak = w.bufferPeak;
    let newSize = 0;
    if (size >> 1 >= REPLY_MIN_BYTES && peak < size >> 1) {
      newSize = Math.max(REPLY_MIN_BYTES, peak + 1);
      this.replyBufferShrinks++;
    } else if (size * 2 < REPLY_CHUNK_BYTES * 2 && peak === size) {
      newSize = Math.min(REPLY_CHUNK_BYTES, size * 2);
      this.replyBufferExpands++;
    }
    const last = this.peakResetAt.get(c) ?? c.createdAt;
    if (this.replyBufferPeakResetTime >= 0 && now - last >= this.replyBufferPeakResetTime) {
      w.resetPeak();
      this.peakResetAt.set(c, now);
    }
    if (newSize) w.resize(newSize);
  }

  /**
   * After a command ran. `us` is its execution time in microseconds; `blocked` when the
   * handler blocked the client; `rerun` when this call re-ran a blocked client's command;
   * `callFlags` the CALL_* flags (commands run by a script show as "lua" in MONITOR).
   */
  afterCall(c: Client, cmd: Command, argv: string[], us: number, blocked: boolean, rerun: boolean, callFlags: number): void {
    const duration = Math.floor(us);
    const flags = cmd.flagBits;
    if (!rerun) this.latency.addSampleIfNeeded(flags & F_FAST ? 'fast-command' : 'command', Math.floor(duration / 1000));
    if (!blocked) {
      if (this.slowlog.slowerThan >= 0 && !(flags & F_SKIP_SLOWLOG)) {
        this.slowlog.pushIfNeeded(duration, cmd.fullName, argv, c.conn.addr, c.name);
      }
      if (this.latencyTracking) {
        (cmd.histogram ??= new LatencyHistogram()).record(duration * 1000);
      }
      // A read-only script command remembers its keys only when the script reads (engine.endCall).
      if (flags & F_READONLY && c.tracking !== null && !(flags & F_PUBSUB) && !RO_SCRIPT_COMMANDS.has(cmd.spec.name)) {
        this.tracking.rememberCommandKeys(c, cmd.spec, argv);
      }
    }
    if (!rerun && this.monitors.size !== 0 && !(flags & (F_SKIP_MONITOR | F_ADMIN)) && !this.e.loading) {
      // The database after the command ran (SELECT shows its new one), as Redis does.
      this.monitors.feed(callFlags & CALL_FROM_SCRIPT ? null : c, c.dbIndex, redactArgv(cmd.fullName, argv));
    }
  }

  /** A client is going away (or RESET): forget its monitor and tracking state. */
  forgetClient(c: Client): void {
    if (c.monitor) {
      c.monitor = false;
      this.monitors.remove(c);
    }
    if (c.tracking !== null) this.tracking.disable(c);
  }
}

/** INFO latencystats: one line per command with a histogram, at the configured percentiles. */
export function latencyStatsInfo(e: Engine, percentiles: readonly number[]): string {
  let s = '';
  const ins = e.introspection;
  if (!ins.latencyTracking) return s;
  for (const cmd of e.registry.all()) {
    const h = cmd.histogram;
    if (h === null) continue;
    s += `latency_percentiles_usec_${safeInfoName(cmd.fullName)}:`;
    s += percentiles.map((p) => `p${trimDouble(p.toFixed(6))}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`).join(',');
    s += '\r\n';
  }
  return s;
}

/** getSafeInfoString: INFO field names cannot contain '#', ':', '\r' or '\n'. */
export function safeInfoName(s: string): string {
  return s.replace(/[#:\r\n]/g, '_');
}

/** trimDoubleString: drop trailing zeros of a fixed-point number (and a trailing dot). */
function trimDouble(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}
