// Output-buffer-limit measurement: a subscriber SUBSCRIBEs and then stops reading while a
// publisher floods its channel. The server must disconnect the subscriber once its pending output
// crosses the pubsub hard limit, and its RSS must not grow by much more than that limit.
// Reports: messages/bytes published until the subscriber was dropped (PUBLISH answering 0), the
// server's RSS before, at its peak and after, and whether the limit's log line was written.
// Usage: npm run build && node bench/obuf-flood.mjs [--limit 32mb] [--size 1024] [--server redis] [--no-warmup]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from './lib/servers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const limit = opt('limit', '32mb');
const size = Number(opt('size', 1024));
const which = opt('server', 'nodis');
const port = 18000 + Math.floor(Math.random() * 1000);
const MB = 1024 * 1024;
const limitBytes = Number(limit.replace(/mb$/i, '')) * (limit.toLowerCase().endsWith('mb') ? MB : 1);

const serverArgs = ['--port', String(port), '--save', '', '--loglevel', 'notice',
  '--client-output-buffer-limit', `pubsub ${limit} 0 0`];
const child =
  which === 'redis'
    ? spawn('redis-server', serverArgs, { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('node', [...NODE_FLAGS, path.join(here, '../dist/main.js'), ...serverArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
let log = '';
child.stdout.on('data', (d) => {
  log += d.toString();
});

function rss() {
  const m = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) * 1024 : 0;
}

function connect() {
  return new Promise((resolve, reject) => {
    const tryit = (left) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', (e) => (left ? setTimeout(() => tryit(left - 1), 100) : reject(e)));
    };
    tryit(50);
  });
}

const enc = (...a) => {
  let s = `*${a.length}\r\n`;
  for (const x of a) s += `$${Buffer.byteLength(x)}\r\n${x}\r\n`;
  return s;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const sub = await connect();
let subClosed = false;
sub.on('close', () => {
  subClosed = true;
});
sub.on('error', () => {});
sub.write(enc('SUBSCRIBE', 'flood'));
await sleep(200);
const pub = await connect();

// Warm-up (default; --no-warmup skips it): the same volume first goes to the subscriber while it
// still reads, so that what the runtime grows once for any traffic (V8's young generation, reply
// buffers) is in the "before" figure and the growth measured is what the stalled reader costs.
const warm = !args.includes('--no-warmup');
if (warm) {
  const frameW = Buffer.from(enc('PUBLISH', 'flood', 'x'.repeat(size)));
  let got = 0;
  let want = 0;
  const onWarm = (d) => {
    for (let i = 0; i < d.length; i++) if (d[i] === 10) got++;
  };
  pub.on('data', onWarm);
  sub.on('data', () => {});
  for (let b = 0; b * 256 * size < limitBytes; b++) {
    pub.write(Buffer.concat(Array(256).fill(frameW)));
    want += 256;
    while (got < want - 1024) await sleep(1);
  }
  while (got < want) await sleep(1);
  pub.off('data', onWarm);
  await sleep(500);
}
sub.pause(); // stop reading: the kernel's buffers fill, then the server's
await sleep(200);
const base = rss();
let peak = base;
const msg = 'x'.repeat(size);
const frame = Buffer.from(enc('PUBLISH', 'flood', msg));
const BATCH = 256;
let sent = 0;
let buf = '';
let lastReceivers = 1;
let replies = 0;
let delivered = 0;
pub.on('data', (d) => {
  buf += d.toString('latin1');
  let i;
  while ((i = buf.indexOf('\r\n')) !== -1) {
    lastReceivers = Number(buf.slice(1, i));
    if (lastReceivers === 1) delivered++;
    buf = buf.slice(i + 2);
    replies++;
  }
});
const started = Date.now();
const cap = Math.max(limitBytes * 8, 256 * MB);
while (lastReceivers !== 0 && sent * size < cap) {
  const batch = Buffer.concat(Array(BATCH).fill(frame));
  pub.write(batch);
  sent += BATCH;
  while (replies < sent - BATCH * 4) await sleep(1); // keep a few batches in flight
  peak = Math.max(peak, rss());
}
while (replies < sent) await sleep(1);
const elapsed = Date.now() - started;
peak = Math.max(peak, rss());
await sleep(500);
const after = rss();
const fmt = (n) => `${(n / MB).toFixed(1)} MB`;
console.log(`server: ${which}, pubsub hard limit ${limit}, message ${size} B, warm-up ${warm ? 'yes' : 'no'}`);
console.log(`subscriber dropped: ${lastReceivers === 0 ? 'yes' : 'NO'} (connection closed: ${subClosed ? 'yes' : 'no'})`);
console.log(`queued for the subscriber before the drop: ${delivered} messages, ${fmt(delivered * size)} (${elapsed} ms)`);
console.log(`RSS: before ${fmt(base)}, peak ${fmt(peak)} (+${fmt(peak - base)}), after ${fmt(after)}`);
console.log(`RSS growth / limit: ${((peak - base) / limitBytes).toFixed(2)}`);
console.log(`log line: ${/scheduled to be closed ASAP for overcoming of output buffer limits/.test(log) ? 'yes' : 'no'}`);
pub.destroy();
sub.destroy();
child.kill('SIGTERM');
