// Active-expiry measurement: load N keys (default 1,000,000) with a 1 s TTL, then stop all
// traffic except a probe that PINGs every millisecond on its own connection. Reports how long
// after the keys expired the keyspace became empty (reclaimed by the active cycle alone) and the
// longest PING round trip meanwhile (an upper bound on the event-loop stall a client sees).
// Usage: npm run build && node bench/expire.mjs [--n 1000000] [--server redis]
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from './lib/servers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const N = Number(opt('n', 1_000_000));
const which = opt('server', 'nodis');
const port = 17000 + Math.floor(Math.random() * 1000);

const child =
  which === 'redis'
    ? spawn('redis-server', ['--port', String(port), '--save', '', '--loglevel', 'warning'], { stdio: 'inherit' })
    : spawn('node', [...NODE_FLAGS, path.join(here, '../dist/main.js'), '--port', String(port), '--save', '', '--loglevel', 'warning'], { stdio: 'inherit' });

function connect() {
  return new Promise((resolve, reject) => {
    const tryit = (left) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', (e) => (left ? setTimeout(() => tryit(left - 1), 100) : reject(e)));
    };
    tryit(50);
  });
}

/** Send a command and resolve with the first complete line of its reply (simple replies only). */
function cmd(sock, line) {
  return new Promise((resolve) => {
    let buf = '';
    const on = (d) => {
      buf += d.toString('latin1');
      const i = buf.indexOf('\r\n');
      if (i === -1) return;
      if (buf[0] === '$') {
        const len = Number(buf.slice(1, i));
        if (buf.length < i + 2 + len + 2) return;
        sock.off('data', on);
        resolve(buf.slice(i + 2, i + 2 + len));
        return;
      }
      sock.off('data', on);
      resolve(buf.slice(0, i));
    };
    sock.on('data', on);
    sock.write(line + '\r\n');
  });
}

const loader = await connect();
const t0 = Date.now();
{
  // Pipelined load: batches of 10k SET key val PX 1000, waiting for each batch's replies.
  const BATCH = 10_000;
  for (let i = 0; i < N; i += BATCH) {
    let req = '';
    const n = Math.min(BATCH, N - i);
    for (let j = 0; j < n; j++) {
      const k = `key:${i + j}`;
      req += `*5\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$1\r\nv\r\n$2\r\nPX\r\n$4\r\n1000\r\n`;
    }
    await new Promise((resolve) => {
      let got = 0;
      const on = (d) => {
        for (const c of d) if (c === 10) got++;
        if (got >= n) {
          loader.off('data', on);
          resolve();
        }
      };
      loader.on('data', on);
      loader.write(req);
    });
  }
}
const loadedAt = Date.now();
const lastExpiry = loadedAt + 1000; // the last key's deadline (upper bound)
console.log(`loaded ${N} keys in ${loadedAt - t0} ms`);

const probe = await connect();
let maxRtt = 0;
let probing = true;
(async () => {
  while (probing) {
    const s = performance.now();
    await cmd(probe, 'PING');
    const rtt = performance.now() - s;
    if (rtt > maxRtt) maxRtt = rtt;
    await new Promise((r) => setTimeout(r, 1));
  }
})();

let emptyAt = 0;
const deadline = lastExpiry + 30_000;
while (Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 100));
  const info = await cmd(loader, 'INFO keyspace');
  if (!/db0:keys=/.test(info)) {
    emptyAt = Date.now();
    break;
  }
}
probing = false;
console.log(
  emptyAt
    ? `${which}: all ${N} keys reclaimed ${(emptyAt - lastExpiry) / 1000} s after the last TTL passed`
    : `${which}: keys still present 30 s after expiry`,
);
console.log(`${which}: longest PING round trip during reclamation: ${maxRtt.toFixed(2)} ms`);
loader.destroy();
probe.destroy();
child.kill('SIGTERM');
