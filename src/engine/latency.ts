/*
 * Latency monitoring, in two independent parts, as in Redis 7.0:
 *
 * 1. Latency events (LATENCY LATEST / HISTORY / GRAPH / DOCTOR / RESET). Code paths that may
 *    stall the server report how long they took ("command", "fast-command", "expire-cycle",
 *    ...); a sample is kept only when it reaches `latency-monitor-threshold` milliseconds
 *    (0 disables the monitor). Each event keeps a ring of the last 160 samples, one per
 *    second at most (a second sample in the same second keeps the larger value), and the
 *    all-time maximum.
 *
 * 2. Per-command latency histograms (LATENCY HISTOGRAM, INFO latencystats), recorded for every
 *    call while `latency-tracking` is on. They follow the HDR histogram layout Redis uses
 *    (values in nanoseconds from 1 to 10^9, two significant digits): 24 half-buckets of 128
 *    counters, bucket b covering [128·2^b, 256·2^b) with a resolution of 2^b. Recording is one
 *    clz32, two shifts and an increment; the 24 KiB of counters are allocated on a command's
 *    first call. LATENCY HISTOGRAM walks the counters with the same logarithmic iterator
 *    (first step 1024 ns, doubling) and INFO reports the configured percentiles, so both give
 *    Redis's numbers for the same samples.
 */

/* ---- HDR histogram ------------------------------------------------------------------------- */

/** Values below one (nanosecond) and above one second are clamped, as Redis does. */
const MIN_VALUE = 1;
const MAX_VALUE = 1_000_000_000;
/** 2 significant digits: 2·10^2 = 200 needs 8 bits of sub-bucket, half of them per bucket. */
const SUB_BUCKET_HALF_MAGNITUDE = 7;
const SUB_BUCKET_HALF = 1 << SUB_BUCKET_HALF_MAGNITUDE; // 128
const SUB_BUCKET_COUNT = SUB_BUCKET_HALF * 2; // 256
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
/** Buckets needed so that 256·2^(n-1) exceeds 10^9: 23. */
const BUCKET_COUNT = ((): number => {
  let smallestUntrackable = SUB_BUCKET_COUNT;
  let n = 1;
  while (smallestUntrackable <= MAX_VALUE) {
    smallestUntrackable *= 2;
    n++;
  }
  return n;
})();
const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF;

/** Bucket of a value (< 2^32): how many doublings above the first 256 values it lies. */
function bucketOf(v: number): number {
  return 32 - Math.clz32(v | SUB_BUCKET_MASK) - (SUB_BUCKET_HALF_MAGNITUDE + 1);
}

function indexOf(v: number): number {
  const b = bucketOf(v);
  const sub = v >>> b;
  return ((b + 1) << SUB_BUCKET_HALF_MAGNITUDE) + sub - SUB_BUCKET_HALF;
}

/** The smallest value counted at `index`. */
function valueAtIndex(index: number): number {
  let b = (index >> SUB_BUCKET_HALF_MAGNITUDE) - 1;
  let sub = (index & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
  if (b < 0) {
    sub -= SUB_BUCKET_HALF;
    b = 0;
  }
  return sub * 2 ** b;
}

/** Width of the range of values counted together with `v`. */
function rangeSize(v: number): number {
  const b = bucketOf(v);
  const sub = Math.floor(v / 2 ** b);
  return 2 ** (sub >= SUB_BUCKET_COUNT ? b + 1 : b);
}

function lowestEquivalent(v: number): number {
  const b = bucketOf(v);
  return Math.floor(v / 2 ** b) * 2 ** b;
}

function highestEquivalent(v: number): number {
  return lowestEquivalent(v) + rangeSize(v) - 1;
}

export class LatencyHistogram {
  readonly counts = new Float64Array(COUNTS_LEN);
  total = 0;

  /** Record one duration in nanoseconds. */
  record(ns: number): void {
    const v = ns < MIN_VALUE ? MIN_VALUE : ns > MAX_VALUE ? MAX_VALUE : Math.floor(ns);
    this.counts[indexOf(v)]! += 1;
    this.total++;
  }

  /** hdr_value_at_percentile: the highest value equivalent to the p-th percentile sample. */
  valueAtPercentile(p: number): number {
    const requested = p < 100 ? p : 100;
    let target = Math.floor((requested / 100) * this.total + 0.5);
    if (target < 1) target = 1;
    let seen = 0;
    let value = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i]!;
      if (seen >= target) {
        value = valueAtIndex(i);
        break;
      }
    }
    return p === 0 ? lowestEquivalent(value) : highestEquivalent(value);
  }

  /**
   * The cumulative distribution LATENCY HISTOGRAM reports: [upper bound in µs, samples at or
   * below it] pairs, walking reporting levels 1024 ns, 2048 ns, ... (hdr_iter_log with base 2)
   * and emitting a pair only when the count grew.
   */
  cdf(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let level = 1024;
    let levelLowest = lowestEquivalent(level);
    let index = -1;
    let value = 0;
    let highest = 0;
    let cumulative = 0;
    let previous = 0;
    const total = this.total;
    for (;;) {
      // One step of the logarithmic iterator.
      if (!(cumulative < total || (index < COUNTS_LEN && valueAtIndex(index + 1) > levelLowest))) break;
      for (;;) {
        if (value >= levelLowest) {
          level *= 2;
          levelLowest = lowestEquivalent(level);
          break;
        }
        index++;
        if (index >= COUNTS_LEN) break;
        cumulative += this.counts[index]!;
        value = valueAtIndex(index);
        highest = lowestEquivalent(value) + rangeSize(value) - 1;
      }
      if (cumulative > previous) out.push([Math.floor(highest / 1000), cumulative]);
      previous = cumulative;
      if (index >= COUNTS_LEN) break;
    }
    return out;
  }
}

/* ---- latency events ------------------------------------------------------------------------ */

export const LATENCY_TS_LEN = 160;

interface Sample {
  /** Unix seconds (0 = empty slot). */
  time: number;
  /** Milliseconds. */
  latency: number;
}

export class LatencyTimeSeries {
  idx = 0;
  max = 0;
  readonly samples: Sample[] = Array.from({ length: LATENCY_TS_LEN }, () => ({ time: 0, latency: 0 }));

  add(latency: number, now: number): void {
    if (latency > this.max) this.max = latency;
    const prev = this.samples[(this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN]!;
    if (prev.time === now) {
      if (latency > prev.latency) prev.latency = latency;
      return;
    }
    const s = this.samples[this.idx]!;
    s.time = now;
    s.latency = latency;
    this.idx = (this.idx + 1) % LATENCY_TS_LEN;
  }

  /** Samples oldest first (LATENCY HISTORY, GRAPH). */
  history(): Sample[] {
    const out: Sample[] = [];
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const s = this.samples[(this.idx + j) % LATENCY_TS_LEN]!;
      if (s.time !== 0) out.push(s);
    }
    return out;
  }

  latest(): Sample {
    return this.samples[(this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN]!;
  }
}

export interface LatencyStats {
  allTimeHigh: number;
  avg: number;
  min: number;
  max: number;
  mad: number;
  samples: number;
  period: number;
}

/** What LATENCY DOCTOR needs from the rest of the server. */
export interface DoctorContext {
  slowlogLogSlowerThan: number;
  appendfsyncAlways: boolean;
  hz: number;
}

export class LatencyMonitor {
  /** Event name → time series, in creation order. */
  readonly events = new Map<string, LatencyTimeSeries>();
  /** latency-monitor-threshold in milliseconds (0 = off). */
  threshold = 0;

  /** latencyAddSampleIfNeeded: `ms` is the duration in milliseconds. */
  addSampleIfNeeded(event: string, ms: number): void {
    if (this.threshold > 0 && ms >= this.threshold) this.addSample(event, ms);
  }

  addSample(event: string, ms: number, now = Math.floor(Date.now() / 1000)): void {
    let ts = this.events.get(event);
    if (ts === undefined) {
      ts = new LatencyTimeSeries();
      this.events.set(event, ts);
    }
    ts.add(Math.floor(ms), now);
  }

  /** LATENCY RESET [event]: how many events were removed (event names match case-insensitively). */
  reset(event: string | null): number {
    if (event === null) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    const lower = event.toLowerCase();
    for (const name of [...this.events.keys()]) {
      if (name.toLowerCase() === lower) {
        this.events.delete(name);
        n++;
      }
    }
    return n;
  }

  analyze(event: string, now = Math.floor(Date.now() / 1000)): LatencyStats {
    const ts = this.events.get(event);
    const ls: LatencyStats = { allTimeHigh: ts ? ts.max : 0, avg: 0, min: 0, max: 0, mad: 0, samples: 0, period: 0 };
    if (!ts) return ls;
    let sum = 0;
    for (const s of ts.samples) {
      if (s.time === 0) continue;
      ls.samples++;
      if (ls.samples === 1) ls.min = ls.max = s.latency;
      else {
        if (ls.min > s.latency) ls.min = s.latency;
        if (ls.max < s.latency) ls.max = s.latency;
      }
      sum += s.latency;
      if (ls.period === 0 || s.time < ls.period) ls.period = s.time;
    }
    if (ls.samples) {
      ls.avg = Math.floor(sum / ls.samples);
      ls.period = now - ls.period;
      if (ls.period === 0) ls.period = 1;
    }
    sum = 0;
    for (const s of ts.samples) {
      if (s.time === 0) continue;
      sum += Math.abs(ls.avg - s.latency);
    }
    if (ls.samples) ls.mad = Math.floor(sum / ls.samples);
    return ls;
  }

  /** LATENCY GRAPH: the ASCII sparkline of an event (null when the event has no samples). */
  graph(event: string, now = Math.floor(Date.now() / 1000)): string | null {
    const ts = this.events.get(event);
    if (ts === undefined) return null;
    const seq: SparkSample[] = [];
    let min = 0;
    let max = 0;
    for (const s of ts.history()) {
      if (seq.length === 0) min = max = s.latency;
      else {
        if (s.latency > max) max = s.latency;
        if (s.latency < min) min = s.latency;
      }
      const elapsed = now - s.time;
      let label: string;
      if (elapsed < 60) label = `${elapsed}s`;
      else if (elapsed < 3600) label = `${Math.floor(elapsed / 60)}m`;
      else if (elapsed < 86400) label = `${Math.floor(elapsed / 3600)}h`;
      else label = `${Math.floor(elapsed / 86400)}d`;
      seq.push({ value: s.latency, label });
    }
    let out = `${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n`;
    out += '-'.repeat(GRAPH_COLS) + '\n';
    return renderSparkline(out, seq, GRAPH_COLS, 4);
  }

  /** LATENCY DOCTOR: Redis's human readable report and advice. */
  doctor(ctx: DoctorContext, thpBytes = 0): string {
    if (this.events.size === 0 && this.threshold === 0) {
      return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
    }
    const advise = new Set<string>();
    let advices = 0;
    let report = '';
    let eventnum = 0;
    for (const [event, ts] of this.events) {
      eventnum++;
      if (eventnum === 1) {
        report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
      }
      const ls = this.analyze(event);
      report +=
        `${eventnum}. ${event}: ${ls.samples} latency spikes (average ${ls.avg}ms, mean deviation ${ls.mad}ms, ` +
        `period ${(ls.period / ls.samples).toFixed(2)} sec). Worst all time event ${ts.max}ms.`;
      const e = event.toLowerCase();
      const add = (...names: string[]): void => {
        for (const n of names) advise.add(n);
        advices += names.length;
      };
      if (e === 'command') {
        if (ctx.slowlogLogSlowerThan < 0) add('slowlog_enabled');
        else if (Math.trunc(ctx.slowlogLogSlowerThan / 1000) > this.threshold) add('slowlog_tuning');
        add('slowlog_inspect', 'large_objects');
      }
      if (e === 'fast-command') add('scheduler');
      if (e === 'aof-write-pending-fsync') add('local_disk', 'disk_contention', 'ssd', 'data_writeback');
      if (e === 'aof-write-active-child') add('no_appendfsync', 'data_writeback', 'ssd');
      if (e === 'aof-write-alone') add('local_disk', 'data_writeback', 'ssd');
      if (e === 'aof-fsync-always') add('relax_fsync_policy');
      if (e === 'aof-fstat' || e === 'rdb-unlink-temp-file') add('disk_contention', 'local_disk');
      if (e === 'aof-rewrite-diff-write' || e === 'aof-rename') add('write_load_info', 'data_writeback', 'ssd', 'local_disk');
      if (e === 'expire-cycle') add('hz', 'large_objects');
      if (e === 'eviction-del') add('large_objects');
      if (e === 'eviction-cycle') add('mass_eviction');
      report += '\n';
    }
    if (thpBytes > 0) {
      advise.add('disable_thp');
      advices++;
    }
    if (eventnum === 0 && advices === 0) {
      return report + "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n";
    }
    if (eventnum > 0 && advices === 0) {
      return report + "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n";
    }
    report += '\nI have a few advices for you:\n\n';
    const thr = this.threshold * 1000;
    if (advise.has('slowlog_enabled')) {
      report += `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${thr}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
    }
    if (advise.has('slowlog_tuning')) {
      report += `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${thr}'.\n`;
    }
    if (advise.has('slowlog_inspect')) {
      report += '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
    }
    if (advise.has('scheduler')) {
      report +=
        '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
        '  1) Lower the system load.\n' +
        '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
        '  3) Check if you have a "noisy neighbour" problem.\n' +
        "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
        '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n';
    }
    if (advise.has('local_disk')) {
      report += '- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n';
    }
    if (advise.has('ssd')) {
      report += '- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log rewriting (resulting in smaller memory usage). With extremely high write load SSD disks can be a good option. However Redis should perform reasonably with high load using normal disks. Use this advice as a last resort.\n';
    }
    if (advise.has('data_writeback')) {
      report += '- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that after a hard crash the AOF file will have a half-written command at the end and will require to be repaired before Redis restarts.\n';
    }
    if (advise.has('disk_contention')) {
      report += '- Try to lower the disk contention. This is often caused by other disk intensive processes running in the same computer (including other Redis instances).\n';
    }
    if (advise.has('no_appendfsync')) {
      report += "- Assuming from the point of view of data safety this is viable in your environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a child rewriting the AOF file or producing an RDB file (the moment where there is high disk contention).\n";
    }
    if (advise.has('relax_fsync_policy') && ctx.appendfsyncAlways) {
      report += "- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to 'onesec'.\n";
    }
    if (advise.has('write_load_info')) {
      report += '- Latency during the AOF atomic rename operation or when the final difference is flushed to the AOF file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer to get very large. If possible try to send less commands to accomplish the same work, or use Lua scripts to group multiple operations into a single EVALSHA call.\n';
    }
    if (advise.has('hz') && ctx.hz < 100) {
      report += "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
    }
    if (advise.has('large_objects')) {
      report += '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
    }
    if (advise.has('mass_eviction')) {
      report += "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n";
    }
    if (advise.has('disable_thp')) {
      report += "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n";
    }
    return report;
  }
}

/* ---- sparkline (LATENCY GRAPH) -------------------------------------------------------------- */

const GRAPH_COLS = 80;
const CHARSET_FILL = '_o#';
const CHARSET_LEN = 3;
const LABEL_MARGIN_TOP = 1;

interface SparkSample {
  value: number;
  label: string | null;
}

/**
 * Render samples as `rows` rows of fill characters (each row has three levels), then the
 * labels printed vertically under each column after one blank line; sequences longer than
 * `columns` are split into blocks separated by an empty line.
 */
export function renderSparkline(output: string, seq: SparkSample[], columns: number, rows: number): string {
  let min = 0;
  let max = 0;
  let labels = 0;
  seq.forEach((s, i) => {
    if (i === 0) min = max = s.value;
    else if (s.value < min) min = s.value;
    else if (s.value > max) max = s.value;
    if (s.label) labels++;
  });
  let out = output;
  for (let j = 0; j < seq.length; j += columns) {
    const len = Math.min(columns, seq.length - j);
    if (j !== 0) out += '\n';
    out += renderRange(seq, min, max, labels, rows, j, len);
  }
  return out;
}

function renderRange(seq: SparkSample[], min: number, max: number, labels: number, rows: number, offset: number, len: number): string {
  let relmax = max - min;
  if (relmax === 0) relmax = 1;
  const steps = CHARSET_LEN * rows;
  let out = '';
  for (let row = 0; ; row++) {
    let loop = false;
    const chars: string[] = new Array<string>(len).fill(' ');
    for (let j = 0; j < len; j++) {
      const s = seq[j + offset]!;
      const relval = s.value - min;
      let step = Math.trunc(Math.trunc(relval * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < rows) {
        const charidx = step - (rows - row - 1) * CHARSET_LEN;
        loop = true;
        if (charidx >= 0 && charidx < CHARSET_LEN) chars[j] = CHARSET_FILL[charidx]!;
        else if (charidx >= CHARSET_LEN) chars[j] = '|';
      } else {
        if (labels && row - rows < LABEL_MARGIN_TOP) {
          loop = true;
          break;
        }
        if (s.label) {
          const labelChar = row - rows - LABEL_MARGIN_TOP;
          if (s.label.length > labelChar) {
            loop = true;
            chars[j] = s.label[labelChar]!;
          }
        }
      }
    }
    if (!loop) break;
    out += chars.join('') + '\n';
  }
  return out;
}
