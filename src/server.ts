/*
 * Composition root: builds the config, logger and engine, and starts listening.
 * `startServer` is the public, embeddable entry point (see index.ts); main.ts wraps it for the
 * command line.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config, privateDirEnv } from './config/config.js';
import { Engine } from './engine/engine.js';
import { AofAttachment } from './engine/aof-hook.js';
import { loadRdbAtStartup, startupRdbPath } from './engine/rdb-load.js';
import { RdbSaver } from './engine/rdb-save.js';
import { attachReplicationMaster } from './replication/master.js';
import { attachScripting } from './scripting/index.js';
import { attachAcl, userDirectiveValidator } from './acl/index.js';
import { createLogger, type LogLevel } from './util/log.js';

export interface StartOptions {
  /** TCP port; 0 picks a free one. Overrides the config's `port`. */
  port?: number;
  /** Directives as name → value (value text as in redis.conf, e.g. { maxmemory: '1gb' }). */
  config?: Record<string, string | number | boolean>;
  /** redis.conf-syntax text applied after the file (if any). */
  configText?: string;
  /** Path of a redis.conf file to load (also used by CONFIG REWRITE). */
  configFile?: string;
  /** Configuration read from standard input (`nodis-server -`), applied after the file. */
  stdinText?: string;
  /** Called once the server has shut down (SHUTDOWN command, close()). */
  onShutdown?: () => void;
  /**
   * Embedded defaults (default true): no save points and a private temporary `dir` (removed on
   * close) that `dir` changes without moving the process's working directory, so in-process
   * servers in a test suite neither load nor leave dump.rdb files in the caller's directory and
   * do not disturb each other. The config file and options still override both. The command
   * line (nodis-server) sets this to false and keeps redis-server's defaults, chdir included.
   */
  embedded?: boolean;
}

export interface RunningServer {
  /** The TCP port the server listens on. */
  readonly port: number;
  /** Stop listening and disconnect every client. */
  close(): Promise<void>;
  /** The engine, for in-process inspection (tests, embedding). */
  readonly engine: Engine;
}

function quote(v: string): string {
  return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r') + '"';
}

/** Start a nodis server. Resolves once it is listening. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  let privateDir: string | null = null;
  let config: Config;
  if (opts.embedded !== false) {
    privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-'));
    config = new Config({ env: privateDirEnv(privateDir) });
    config.loadText('save ""');
  } else {
    config = new Config();
  }
  const removePrivateDir = (): void => {
    if (privateDir !== null) fs.rmSync(privateDir, { recursive: true, force: true });
  };
  let text = opts.configText ?? '';
  for (const [name, value] of Object.entries(opts.config ?? {})) {
    const v = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
    // A value with spaces is several arguments (save "3600 1 300 100"); anything else is quoted.
    text += `\n${name} ${v.includes(' ') ? v : quote(v)}`;
  }
  config.setFileDirectiveHandlers({ user: userDirectiveValidator() });
  // One pass, as redis-server does: file, stdin, then options (line numbers count from the top).
  config.loadStartup({ configFile: opts.configFile, stdinText: opts.stdinText, options: text });
  const logger = createLogger(config.getStr('loglevel') as LogLevel, config.getStr('logfile'));
  /** The start succeeded: only then does a close mean a shutdown (a failed start rejects instead). */
  let started = false;
  const engine = new Engine({
    config,
    logger,
    onShutdown: () => {
      if (started) opts.onShutdown?.();
    },
    configFile: opts.configFile,
    port: opts.port,
  });
  const replication = attachReplicationMaster(engine);
  attachScripting(engine);
  try {
    attachAcl(engine);
  } catch (e) {
    // Redis exits when the configured users or the ACL file cannot be loaded.
    engine.log('warning', (e as Error).message);
    replication.detach();
    removePrivateDir();
    throw e;
  }
  // Append-only file: loaded in preference to the RDB when appendonly is yes (Redis exits when
  // it cannot load: here startServer rejects).
  engine.rdb = new RdbSaver(engine);
  const aof = new AofAttachment(engine);
  engine.aof = aof;
  const aofLoad = aof.loadAtStartup();
  if (aofLoad.status === 'failed') {
    engine.log('warning', aofLoad.message ?? 'Error loading the append only file');
    throw new Error(aofLoad.message ?? 'Error loading the append only file');
  }
  // The RDB loads after the listen: a client that connects in between must get -LOADING, never
  // an empty dataset (the loader clears the flag when done).
  if (aofLoad.status === 'not-exist' && fs.existsSync(startupRdbPath(engine))) engine.loading = true;
  const port = await engine.start();
  if (aofLoad.status === 'not-exist') {
    try {
      // No AOF: the RDB file, loaded while listening (clients get -LOADING meanwhile).
      await loadRdbAtStartup(engine, engine.rdbLoad);
      engine.loading = false; // also when the file vanished before it could be read
      // appendonly yes without an AOF on disk: the base is created from the loaded dataset.
      const err = config.getBool('appendonly') ? aof.startAfterLoad() : null;
      if (err !== null) throw new Error(err);
    } catch (e) {
      replication.detach();
      await engine.close();
      removePrivateDir();
      throw e;
    }
  }
  started = true;
  // The `replicaof` directive: follow that master once the local dataset is loaded.
  replication.replica.startFromConfig();
  return {
    port,
    engine,
    close: async () => {
      replication.detach();
      await engine.close();
      removePrivateDir();
    },
  };
}
