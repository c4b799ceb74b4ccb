// Proves the Dockerfile's build and start steps without a Docker engine (none runs in CI):
// each stage gets its own directory standing in for its filesystem root; WORKDIR, COPY
// (from the build context or --from a stage) and RUN are carried out there, in order, with the
// machine's node standing in for the base image's; then the final stage's CMD is started from
// its WORKDIR, with absolute paths mapped into the stage root, and must answer PING on 6379.
import { execSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ctx = path.resolve(process.argv[2] ?? '.');
const lines = fs.readFileSync(path.join(ctx, 'Dockerfile'), 'utf8').split('\n');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-docker-'));
const stages = new Map();
let stage = null;
let cmd = null;

const inRoot = (root, p) => path.join(root, p);
for (const raw of lines) {
  const line = raw.trim();
  if (line === '' || line.startsWith('#')) continue;
  const [op, ...rest] = line.split(/\s+/);
  const arg = line.slice(op.length).trim();
  switch (op.toUpperCase()) {
    case 'FROM': {
      const name = rest[2] ?? `stage${stages.size}`;
      stage = { name, root: path.join(tmp, name), workdir: '/' };
      fs.mkdirSync(stage.root, { recursive: true });
      stages.set(name, stage);
      console.log(`[docker-check] FROM ${rest[0]} -> ${stage.root}`);
      break;
    }
    case 'WORKDIR':
      stage.workdir = path.resolve(stage.workdir, arg);
      fs.mkdirSync(inRoot(stage.root, stage.workdir), { recursive: true });
      break;
    case 'COPY': {
      let from = null;
      let parts = rest;
      if (parts[0].startsWith('--from=')) {
        from = stages.get(parts[0].slice(7));
        parts = parts.slice(1);
      }
      const dst = parts[parts.length - 1];
      const srcs = parts.slice(0, -1);
      const dstAbs = inRoot(stage.root, path.resolve(stage.workdir, dst));
      for (const s of srcs) {
        const srcAbs = from ? inRoot(from.root, s) : path.join(ctx, s);
        const target = dst.endsWith('/') || srcs.length > 1 ? path.join(dstAbs, path.basename(s)) : dstAbs;
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.cpSync(srcAbs, target, { recursive: true });
      }
      break;
    }
    case 'RUN':
      console.log(`[docker-check] RUN ${arg}`);
      execSync(arg, { cwd: inRoot(stage.root, stage.workdir), stdio: 'inherit', shell: '/bin/bash' });
      break;
    case 'CMD':
      cmd = { argv: JSON.parse(arg), stage: { ...stage } };
      break;
    case 'EXPOSE':
      break;
    default:
      throw new Error(`dockerfile-check: unsupported instruction ${op}`);
  }
}
if (!cmd) throw new Error('no CMD');
const argv = cmd.argv.map((a) => (a.startsWith('/') && fs.existsSync(inRoot(cmd.stage.root, a)) ? inRoot(cmd.stage.root, a) : a));
const cwd = inRoot(cmd.stage.root, cmd.stage.workdir);
console.log(`[docker-check] CMD ${argv.join(' ')} (cwd ${cwd})`);
const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

function ping() {
  return new Promise((resolve) => {
    const s = net.connect(6379, '127.0.0.1');
    let data = '';
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      data += d;
      if (data.includes('\r\n')) {
        s.end();
        resolve(data);
      }
    });
    s.on('error', () => resolve(null));
  });
}
let reply = null;
for (let i = 0; i < 100 && reply === null; i++) {
  await new Promise((r) => setTimeout(r, 100));
  reply = await ping();
}
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
fs.rmSync(tmp, { recursive: true, force: true });
if (reply !== '+PONG\r\n') {
  console.error(`[docker-check] FAILED: PING on 6379 answered ${JSON.stringify(reply)}`);
  process.exit(1);
}
console.log('[docker-check] OK: the image built and answered PING on 6379');
