/*
 * Server statistics reported by INFO (stats, errorstats) and reset by CONFIG RESETSTAT.
 * instantaneous_ops_per_sec and friends follow Redis's trackInstantaneousMetric: a sample of
 * the counter's rate every 100 ms into a ring of 16, averaged.
 */

const SAMPLES = 16;
const SAMPLE_PERIOD_MS = 100;

class InstantMetric {
  private readonly samples = new Array<number>(SAMPLES).fill(0);
  private idx = 0;
  private lastTime = 0;
  private lastValue = 0;

  sample(now: number, value: number): void {
    if (this.lastTime === 0) {
      this.lastTime = now;
      this.lastValue = value;
      return;
    }
    const dt = now - this.lastTime;
    if (dt < SAMPLE_PERIOD_MS) return;
    const rate = ((value - this.lastValue) * 1000) / dt;
    this.samples[this.idx] = rate;
    this.idx = (this.idx + 1) % SAMPLES;
    this.lastTime = now;
    this.lastValue = value;
  }

  get value(): number {
    let sum = 0;
    for (const s of this.samples) sum += s;
    return sum / SAMPLES;
  }

  reset(): void {
    this.samples.fill(0);
    this.lastTime = 0;
  }
}

export class Stats {
  totalConnections = 0;
  rejectedConnections = 0;
  totalCommands = 0;
  rejectedCalls = 0;
  errorReplies = 0;
  clientQbufLimitDisconnections = 0;
  clientOutputBufferLimitDisconnections = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  readonly errors = new Map<string, number>();
  readonly opsPerSec = new InstantMetric();
  readonly inputKbps = new InstantMetric();
  readonly outputKbps = new InstantMetric();

  countError(message: string): void {
    this.errorReplies++;
    const sp = message.indexOf(' ');
    const code = sp === -1 ? message : message.slice(0, sp);
    // Redis caps the errorstats table at 128 distinct codes.
    if (!this.errors.has(code) && this.errors.size >= 128) return;
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  sampleOps(now: number): void {
    this.opsPerSec.sample(now, this.totalCommands);
    this.inputKbps.sample(now, this.netInputBytes);
    this.outputKbps.sample(now, this.netOutputBytes);
  }

  reset(): void {
    this.totalConnections = 0;
    this.rejectedConnections = 0;
    this.totalCommands = 0;
    this.rejectedCalls = 0;
    this.errorReplies = 0;
    this.clientQbufLimitDisconnections = 0;
    this.clientOutputBufferLimitDisconnections = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.errors.clear();
    this.opsPerSec.reset();
    this.inputKbps.reset();
    this.outputKbps.reset();
  }
}
