/*
 * Wiring of the append-only file (src/persistence/aof/) into the engine: the propagation sink,
 * the executor the loader replays through (a fake client, calls with CALL_FROM_AOF), the
 * beforeSleep / serverCron / shutdown hooks, CONFIG SET appendonly, BGREWRITEAOF and DEBUG
 * LOADAOF.
 */

import { Socket } from 'node:net';
import { CALL_FROM_AOF, CALL_FROM_MULTI, CALL_FROM_SCRIPT } from '../commands/context.js';
import { arityAccepts } from '../commands/spec.js';
import { Connection } from '../net/connection.js';
import { AofManager } from '../persistence/aof/aof.js';
import type { AofExecutor, LoadResult } from '../persistence/aof/loader.js';
import { applyRdb, decodeRdb } from '../persistence/rdb/decoder.js';
import { PROPAGATE_AOF } from './propagation.js';
import { loadRdbFunctions } from './rdb-load.js';
import { rdbOptionsFor } from './rdb-save.js';
import { Client } from './client.js';
import type { Engine } from './engine.js';

/** What the engine calls (engine.aof). */
export interface AofHooks {
  beforeSleep(): void;
  cron(): void;
  shutdown(): void;
  /** BGREWRITEAOF: null when started, else the reply (status text or error). */
  bgrewrite(callFlags: number): { status: string } | { error: string };
  /** A background rewrite runs (BGSAVE then waits: one "child" at a time). */
  rewriteInProgress(): boolean;
  /**
   * restartAOFAfterSYNC: a replica that loaded a new dataset turns the AOF off and on again
   * (a rewrite in progress walks the old dataset and is killed). Returns an error text or null.
   */
  restartAfterSync(): string | null;
  infoFields(): Array<[string, string | number]>;
  infoOnFields(): Array<[string, string | number]>;
}

/** RDB preamble loading: decode the snapshot at the start of a base file into the keyspace. */
export type RdbBufferLoader = (buf: Buffer) => number;

function defaultRdbLoader(engine: Engine): RdbBufferLoader {
  return (buf) => {
    const d = decodeRdb(buf, {
      databases: engine.ks.dbs.length,
      log: (level, msg) => engine.log(level, msg),
    });
    const fn = loadRdbFunctions(engine, d.functions, false);
    if (typeof fn === 'string') throw new Error(fn);
    applyRdb(engine.ks, d);
    return d.loadedBytes;
  };
}

function makeExecutor(engine: Engine, loadRdb: RdbBufferLoader): AofExecutor {
  const conn = new Connection(new Socket(), engine.parserLimits, '/aof-loader', { netInputBytes: 0, netOutputBytes: 0 });
  const client = new Client(Number.MAX_SAFE_INTEGER, conn, engine, Date.now());
  client.setAuthenticated(true);
  return {
    loadRdb,
    execute(argv: string[]): string | null {
      const cmd = engine.registry.lookup(argv);
      if (cmd === undefined || (cmd.spec.handler === undefined && cmd.subcommands === null)) {
        return `Unknown command '${argv[0] ?? ''}'`;
      }
      if (!arityAccepts(cmd.spec, argv.length)) return `Wrong number of arguments for command '${argv[0] ?? ''}'`;
      engine.call(client, cmd, argv, Date.now(), CALL_FROM_AOF);
      client.writer.take();
      return null;
    },
  };
}

export class AofAttachment implements AofHooks {
  readonly manager: AofManager;
  private readonly detachSink: () => void;

  private readonly loadRdb: RdbBufferLoader;

  constructor(private readonly engine: Engine, loadRdb?: RdbBufferLoader) {
    this.loadRdb = loadRdb ?? defaultRdbLoader(engine);
    const config = engine.config;
    this.manager = new AofManager({
      config,
      ks: engine.ks,
      log: (level, msg) => engine.log(level, msg),
      functionCodes: () => engine.scripting?.functionCodes() ?? [],
      otherChildActive: () => engine.rdb?.inProgress ?? false,
      rdbOptions: () => rdbOptionsFor(engine),
    });
    this.detachSink = engine.propagation.addSink(PROPAGATE_AOF, (dbid, argv) => this.manager.feed(dbid, argv),
      () => this.manager.accepting);
    config.onChange('appendonly', () => {
      if (config.getBool('appendonly')) return this.manager.start();
      this.manager.stop();
      return null;
    });
    engine.ports.registerDebug('loadaof', (argv, reply) => {
      if (argv.length !== 2) return false;
      const err = this.loadAof();
      if (err === null) reply.ok();
      else reply.error(`ERR ${err}`);
      return true;
    });
  }

  /**
   * Replay inside a command (DEBUG LOADAOF): the replayed commands must neither count as
   * changes of that command (it would be propagated) nor be propagated themselves.
   */
  private replay(): LoadResult {
    const engine = this.engine;
    const dirty = engine.dirty;
    const r = this.manager.load(makeExecutor(engine, this.loadRdb), (l, m) => engine.log(l, m));
    engine.propagation.discardPending();
    engine.dirty = dirty;
    return r;
  }

  /**
   * Startup with appendonly yes: load the AOF (upgrading an old single file). Returns
   * 'not-exist' when there is none (the caller loads the RDB, then calls startAfterLoad()).
   */
  loadAtStartup(): LoadResult {
    if (!this.engine.config.getBool('appendonly')) return { status: 'not-exist', bytes: 0, baseBytes: 0 };
    const engine = this.engine;
    engine.loading = true;
    try {
      const t0 = Date.now();
      const r = this.manager.loadAtStartup(makeExecutor(engine, this.loadRdb), (l, m) => engine.log(l, m));
      engine.ks.setTime(Date.now());
      engine.dirty = 0;
      if (r.status === 'ok' || r.status === 'empty') {
        engine.log('notice', `DB loaded from append only file: ${((Date.now() - t0) / 1000).toFixed(3)} seconds`);
      }
      return r;
    } finally {
      engine.loading = false;
    }
  }

  /** appendonly yes but no AOF on disk: create the base from the (RDB-loaded) dataset. */
  startAfterLoad(): string | null {
    return this.manager.startSync();
  }

  /** DEBUG LOADAOF: flush the AOF, empty the dataset, replay the files. */
  loadAof(): string | null {
    const m = this.manager;
    if (m.state !== 'off') m.flush(true);
    this.engine.flushAll();
    this.engine.scripting?.flushFunctions(); // emptyData drops the libraries too
    m.reloadManifest();
    const r = this.replay();
    if (r.status === 'failed') return r.message ?? 'Error loading the AOF';
    this.engine.log('notice', 'Append Only File loaded by DEBUG LOADAOF');
    return null;
  }

  beforeSleep(): void {
    this.manager.beforeSleep();
  }

  cron(): void {
    this.manager.cron();
  }

  shutdown(): void {
    this.manager.shutdown();
    this.detachSink();
  }

  /** bgrewriteaofCommand: one rewrite at a time; behind a BGSAVE or inside MULTI, scheduled. */
  bgrewrite(callFlags: number): { status: string } | { error: string } {
    const m = this.manager;
    if (m.rewriteInProgress) return { error: 'ERR Background append only file rewriting already in progress' };
    if ((this.engine.rdb?.inProgress ?? false) || (callFlags & (CALL_FROM_MULTI | CALL_FROM_SCRIPT)) !== 0) {
      m.rewriteScheduled = true;
      m.consecutiveFailures = 0;
      return { status: 'Background append only file rewriting scheduled' };
    }
    if (m.rewriteBackground() !== null) {
      return { error: "ERR Can't execute an AOF background rewriting. Please check the server logs for more information." };
    }
    return { status: 'Background append only file rewriting started' };
  }

  rewriteInProgress(): boolean {
    return this.manager.rewriteInProgress;
  }

  restartAfterSync(): string | null {
    if (!this.engine.config.getBool('appendonly')) return null;
    this.manager.stop();
    return this.manager.start();
  }

  infoFields(): Array<[string, string | number]> {
    return this.manager.infoFields();
  }

  infoOnFields(): Array<[string, string | number]> {
    return this.manager.infoOnFields();
  }
}
