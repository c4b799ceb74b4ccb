#!/usr/bin/env -S node --v8-pool-size=1
/*
 * nodis-server [config-file] [--directive value ...]: the command line, as redis-server's.
 * SIGTERM and SIGINT shut down gracefully.
 *
 * Node runs with one V8 worker thread (--v8-pool-size=1, here, in `npm start` and in the
 * Dockerfile): the garbage collector's concurrent marking and parallel scavenging then take at
 * most one core beside the event loop. With Node's default of four workers, on a small machine
 * under a maxmemory write flood, the event loop often sits runnable while its own GC workers hold
 * the CPUs, which lengthens its stalls; the measurements (bench/maxmemory-flood.mjs) are in
 * bench/RESULTS.md, "Other figures", the maxmemory flood rows. An embedding application decides
 * this for its own process.
 */

import { parseServerArgs } from './config/argv.js';
import { startServer } from './server.js';
import { NODIS_VERSION, REDIS_VERSION } from './engine/engine.js';

async function main(): Promise<void> {
  let args;
  try {
    args = parseServerArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  if (args.version) {
    process.stdout.write(`nodis v=${NODIS_VERSION} (Redis ${REDIS_VERSION} compatible) node=${process.version}\n`);
    return;
  }
  if (args.help) {
    process.stdout.write(args.helpText ?? '');
    return;
  }
  let server;
  try {
    const stdinText = args.stdin ? await readStdin() : undefined;
    server = await startServer({
      embedded: false,
      configFile: args.configFile,
      configText: args.configText,
      stdinText,
      onShutdown: () => process.exit(0),
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  const stop = (sig: string): void => {
    server.engine.log('warning', `Received ${sig} scheduling shutdown...`);
    // prepareForShutdown: the final RDB snapshot when save points exist (shutdown-on-sig* 'default').
    server.engine.rdb?.onShutdown('default');
    void server.close();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('latin1');
    process.stdin.on('data', (d) => (text += d));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

void main();
