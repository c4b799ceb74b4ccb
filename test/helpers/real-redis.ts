// Starts the real redis-server (Debian's package) for differential tests. It is required: a
// missing binary fails the test run rather than skipping it.
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RealRedis {
  port: number;
  stop(): Promise<void>;
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const p = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(p));
    });
  });
}

export async function startRealRedis(extra: string[] = []): Promise<RealRedis> {
  try {
    execFileSync('redis-server', ['--version']);
  } catch {
    throw new Error('redis-server is not installed: the differential tests need Debian\'s redis-server package (apt-get install redis-server)');
  }
  const port = await freePort();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'real-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes', '--loglevel', 'warning', ...extra],
    // A private working directory: a dump.rdb left in the repository (or in any shared cwd) must
    // not be loaded, and whatever this server writes (replica sync files) goes away with it.
    { stdio: 'ignore', cwd: workDir },
  );
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          fs.rmSync(workDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGKILL');
      }),
  };
}
