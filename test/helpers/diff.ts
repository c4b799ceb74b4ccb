// The runners shared by the differential tests (test/diff): a nodis server and the real
// redis-server started side by side, seeded random command sequences replayed on both with every
// reply compared, and blocked-client scenarios replayed on each server in turn.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from './resp.js';
import { startRealRedis, type RealRedis } from './real-redis.js';
import { pick, rng } from './random.js';

export interface DiffServers {
  nodis: RunningServer;
  redis: RealRedis;
}

/** Starts both servers before the enclosing describe's tests and stops them after; the fields are set in beforeAll. */
export function diffServers(nodisConfig: Record<string, string> = {}): DiffServers {
  // Filled in by beforeAll, before any test reads it.
  const s = {} as DiffServers;
  beforeAll(async () => {
    s.redis = await startRealRedis();
    s.nodis = await startServer({ port: 0, config: { loglevel: 'warning', ...nodisConfig } });
  });
  afterAll(async () => {
    await s.nodis?.close();
    await s.redis?.stop();
  });
  return s;
}

export type Gen = (r: () => number) => string[];

/** One compared step of a random sequence: the command, both replies (nodis, redis) and a failure message. */
export interface Step {
  seq: number;
  i: number;
  argv: string[];
  x: string;
  y: string;
  context: string;
  a: RawClient;
  b: RawClient;
}

export interface RandomDiff {
  sequences: number;
  /** The rng seed of sequence `seq` under protocol `proto` (2 or 3). */
  seed(seq: number, proto: number): number;
  /**
   * Draws the sequence's preparation from `r`: `reset` runs on each client in turn (nodis first),
   * `setup` runs on both at once with equal replies required; `label` goes into step messages.
   */
  begin?(r: () => number): { reset?: string[][]; setup?: string[][]; label?: string };
  /** Number of steps of a sequence, drawn after begin. */
  length(r: () => number): number;
  /** The next command; defaults to a random pick of `gens`. */
  gens?: readonly Gen[];
  command?(r: () => number): string[];
  /** Compared as `normalize(argv, reply)` (steps and `final`); identity by default. */
  normalize?(argv: string[], reply: string): string;
  /** Replaces the default step comparison. */
  check?(step: Step): void | Promise<void>;
  /** Commands compared (normalized) after each sequence. */
  final?: readonly string[][];
  /** Runs after each sequence (after `final`). */
  end?(a: RawClient, b: RawClient, seq: number): Promise<void>;
  /** Sent to each client when the test ends, pass or fail. */
  restore?: readonly string[][];
}

/**
 * Replays `spec.sequences` seeded random sequences on nodis and redis-server over one connection
 * each in RESP`proto`, database 9 unless a reset says otherwise; returns the number of steps compared.
 */
export async function runRandomDiff(servers: DiffServers, proto: '2' | '3', spec: RandomDiff): Promise<number> {
  const a = await RawClient.connect(servers.nodis.port);
  const b = await RawClient.connect(servers.redis.port);
  const norm = spec.normalize ?? ((_argv: string[], reply: string): string => reply);
  const gens = spec.gens ?? [];
  const command = spec.command ?? ((r: () => number): string[] => (pick(r, gens) as Gen)(r));
  try {
    await a.call('HELLO', proto);
    await b.call('HELLO', proto);
    let compared = 0;
    for (let seq = 0; seq < spec.sequences; seq++) {
      const r = rng(spec.seed(seq, Number(proto)));
      const { reset = [], setup = [], label = '' } = spec.begin?.(r) ?? {};
      for (const c of [a, b]) for (const argv of reset) await c.call(...argv);
      for (const argv of setup) {
        const [x, y] = await Promise.all([a.call(...argv), b.call(...argv)]);
        expect(x, `seq ${seq} setup ${JSON.stringify(argv)}`).toBe(y);
      }
      const len = spec.length(r);
      for (let i = 0; i < len; i++) {
        const argv = command(r);
        const [x, y] = await Promise.all([a.call(...argv), b.call(...argv)]);
        const context = `seq ${seq} step ${i}${label}: ${JSON.stringify(argv).slice(0, 300)}`;
        if (spec.check) await spec.check({ seq, i, argv, x, y, context, a, b });
        else expect(norm(argv, x), context).toBe(norm(argv, y));
        compared++;
      }
      for (const argv of spec.final ?? []) {
        const [x, y] = await Promise.all([a.call(...argv), b.call(...argv)]);
        expect(norm(argv, x), `seq ${seq} final ${JSON.stringify(argv)}`).toBe(norm(argv, y));
      }
      await spec.end?.(a, b, seq);
    }
    return compared;
  } finally {
    for (const c of [a, b]) for (const argv of spec.restore ?? []) await c.call(...argv);
    a.close();
    b.close();
  }
}

/* ---- blocked-client scenarios ------------------------------------------------------------- */

/** Runs on one server; returns every reply observed, in a fixed order. `blocked(n)` waits until n clients are blocked. */
export type Scenario = (main: RawClient, clients: RawClient[], blocked: (n: number) => Promise<void>) => Promise<string[]>;

/** Runs `scenario` on the server at `port` after a FLUSHALL, with `nclients` extra connections. */
export async function runScenario(port: number, nclients: number, scenario: Scenario): Promise<string[]> {
  const main = await RawClient.connect(port);
  const clients = await Promise.all(Array.from({ length: nclients }, () => RawClient.connect(port)));
  const blocked = async (n: number): Promise<void> => {
    for (let i = 0; i < 400; i++) {
      const info = await main.call('INFO', 'clients');
      if (new RegExp(`blocked_clients:${n}\\r`).test(info)) return;
      await new Promise((res) => setTimeout(res, 5));
    }
    throw new Error(`never reached ${n} blocked clients`);
  };
  try {
    await main.call('FLUSHALL');
    return await scenario(main, clients, blocked);
  } finally {
    main.close();
    for (const c of clients) c.close();
  }
}

/** One test per scenario (name -> [extra clients, scenario]): nodis must observe what redis-server does. */
export function blockingScenarios(servers: DiffServers, scenarios: Record<string, [number, Scenario]>): void {
  for (const [name, [n, scenario]] of Object.entries(scenarios)) {
    it(`blocking: ${name}`, async () => {
      const x = await runScenario(servers.nodis.port, n, scenario);
      const y = await runScenario(servers.redis.port, n, scenario);
      expect(x).toEqual(y);
    }, 20_000);
  }
}
