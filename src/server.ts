/*
 * Composition root: builds the config, logger and engine, and starts listening.
 * `startServer` is the public, embeddable entry point (see index.ts); main.ts wraps it for the
 * command line.
 */

import { Config } from './config/config.js';
import { Engine } from './engine/engine.js';
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
  const config = new Config();
  let text = opts.configText ?? '';
  for (const [name, value] of Object.entries(opts.config ?? {})) {
    const v = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
    // A value with spaces is several arguments (save "3600 1 300 100"); anything else is quoted.
    text += `\n${name} ${v.includes(' ') ? v : quote(v)}`;
  }
  // One pass, as redis-server does: file, stdin, then options (line numbers count from the top).
  config.loadStartup({ configFile: opts.configFile, stdinText: opts.stdinText, options: text });
  const logger = createLogger(config.getStr('loglevel') as LogLevel, config.getStr('logfile'));
  const engine = new Engine({
    config,
    logger,
    onShutdown: opts.onShutdown,
    configFile: opts.configFile,
    port: opts.port,
  });
  const port = await engine.start();
  return {
    port,
    engine,
    close: () => engine.close(),
  };
}
