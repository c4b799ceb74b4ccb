// Crash test: nodis (built to dist/, run as a child process) with appendonly yes and
// appendfsync always is killed with SIGKILL in the middle of a pipelined write load; after a
// restart on the same directory every acknowledged write must be present. AOF_CRASH_TRIALS
// sets the number of trials (default 5; the figures in the notes use 20).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort } from '../helpers/real-redis.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TRIALS = Number(process.env.AOF_CRASH_TRIALS ?? 5);

async function launch(dir: string, port: number, fsync: string): Promise<ChildProcess> {
  const child = spawn('node', ['dist/main.js', '--port', String(port), '--save', '', '--dir', dir,
    '--appendonly', 'yes', '--appendfsync', fsync, '--loglevel', 'warning'], { cwd: root, stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((res) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        res(true);
      });
      s.on('error', () => res(false));
    });
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('nodis did not start');
}

/** One trial: returns [acknowledged, missing after restart]. */
async function trial(fsync: string): Promise<[number, number]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-crash-'));
  const port = await freePort();
  const child = await launch(dir, port, fsync);
  const r = new Redis({ port, protocol: 2, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  await new Promise((res) => r.once('ready', res));
  const acked: string[] = [];
  let running = true;
  let seq = 0;
  const worker = async (): Promise<void> => {
    while (running) {
      const k = `key:${seq++}`;
      try {
        await r.set(k, `value-${k}`);
        acked.push(k);
      } catch {
        return;
      }
    }
  };
  const workers = Array.from({ length: 32 }, worker);
  await new Promise((res) => setTimeout(res, 150 + Math.floor(Math.random() * 350)));
  const exited = new Promise((res) => child.once('exit', res));
  child.kill('SIGKILL');
  running = false;
  await Promise.all(workers);
  await exited;
  r.disconnect();
  const child2 = await launch(dir, port, fsync);
  const r2 = new Redis({ port, protocol: 2 });
  let missing = 0;
  for (let i = 0; i < acked.length; i += 500) {
    const vals = await r2.mget(...acked.slice(i, i + 500));
    vals.forEach((v, j) => {
      if (v !== `value-${acked[i + j]}`) missing++;
    });
  }
  r2.disconnect();
  const exited2 = new Promise((res) => child2.once('exit', res));
  child2.kill('SIGKILL');
  await exited2;
  fs.rmSync(dir, { recursive: true, force: true });
  return [acked.length, missing];
}

describe('AOF crash safety', () => {
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
  }, 180_000);

  it(`appendfsync always: every acknowledged write survives kill -9 (${TRIALS} trials)`, async () => {
    const results: Array<[number, number]> = [];
    for (let i = 0; i < TRIALS; i++) results.push(await trial('always'));
    console.log(`appendfsync always: ${results.map(([a, m]) => `${a} acked/${m} lost`).join(', ')}`);
    for (const [acked, missing] of results) {
      expect(acked).toBeGreaterThan(0);
      expect(missing).toBe(0);
    }
  }, 300_000);
});
