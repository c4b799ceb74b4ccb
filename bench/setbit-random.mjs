// SETBIT throughput at random offsets near the end of a 512 MB bitmap, against any server.
// redis-benchmark cannot do this: its __rand_int__ is zero-padded to 12 digits, which Redis's
// integer parser rejects as a bit offset. This client keeps C connections each with one
// request in flight (like `redis-benchmark -c C -P 1`), offsets uniform in [LO, 2^32-1].
// Usage: node bench/setbit-random.mjs --port 6379 [--n 200000] [--c 50] [--lo 4000000000]
import net from 'node:net';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const port = Number(opt('port', 6379));
const N = Number(opt('n', 200_000));
const C = Number(opt('c', 50));
const LO = Number(opt('lo', 4_000_000_000));
const HI = 2 ** 32 - 1;

function cmd(argv) {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

function conn() {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

// Make sure the bitmap exists at full size first.
const setup = await conn();
await new Promise((r) => {
  setup.once('data', r);
  setup.write(cmd(['SETBIT', 'bm', String(HI), '1']));
});
setup.destroy();

let sent = 0;
let done = 0;
const t0 = performance.now();
await new Promise((finish) => {
  for (let i = 0; i < C; i++) {
    conn().then((s) => {
      let buf = '';
      const next = () => {
        if (sent >= N) {
          s.destroy();
          return;
        }
        sent++;
        const off = LO + Math.floor(Math.random() * (HI - LO + 1));
        s.write(cmd(['SETBIT', 'bm', String(off), String(sent & 1)]));
      };
      s.on('data', (d) => {
        buf += d.toString('latin1');
        let nl;
        while ((nl = buf.indexOf('\r\n')) !== -1) {
          if (buf[0] !== ':') throw new Error(`unexpected reply ${buf.slice(0, nl)}`);
          buf = buf.slice(nl + 2);
          done++;
          if (done === N) finish();
          next();
        }
      });
      next();
    });
  }
});
const secs = (performance.now() - t0) / 1000;
console.log(`SETBIT random offsets in [${LO}, ${HI}] on :${port}: ${N} requests, ${C} connections, ${(N / secs).toFixed(0)} requests/s`);
