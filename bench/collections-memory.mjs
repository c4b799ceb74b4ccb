// Memory of the three collection datasets of issue 3, side by side with real redis-server:
// one 1,000,000-member sorted set (skiplist encoding), 100,000 hashes of 10 small fields
// (listpack), 100,000 lists of 10 short items (quicklist of one listpack node each), and, as
// the dict-heavy case, 2,000 hashes of 1,000 fields (hashtable encoding).
// Each dataset goes into a fresh server of each kind; reported per element (member, hash,
// list, field): the growth of INFO used_memory, and the growth of RSS after MEMORY PURGE
// (V8's garbage collected for nodis, jemalloc's free pages returned for Redis).
// Usage: npx tsc -p tsconfig.build.json && node bench/collections-memory.mjs [--only zset,hash,list,hashbig]
import { connect, encode, info, sleep, startServer } from './lib/servers.mjs';

const args = process.argv.slice(2);
const ONLY = (args.includes('--only') ? args[args.indexOf('--only') + 1] : 'zset,hash,list,hashbig').split(',');

const DATASETS = {
  zset: { per: 'member', count: 1_000_000, *commands() {
    for (let i = 0; i < 1_000_000; i += 100) {
      const argv = ['ZADD', 'bigzset'];
      for (let j = i; j < i + 100; j++) argv.push(String((j * 7919) % 1_000_003), `member:${j}`);
      yield argv;
    }
  } },
  hash: { per: 'hash', count: 100_000, *commands() {
    for (let i = 0; i < 100_000; i++) {
      const argv = ['HSET', `hash:${i}`];
      for (let f = 0; f < 10; f++) argv.push(`field${f}`, `value${(i * 31 + f) % 1000}`);
      yield argv;
    }
  } },
  list: { per: 'list', count: 100_000, *commands() {
    for (let i = 0; i < 100_000; i++) {
      const argv = ['RPUSH', `list:${i}`];
      for (let f = 0; f < 10; f++) argv.push(`item-${(i + f) % 977}`);
      yield argv;
    }
  } },
  hashbig: { per: 'field', count: 2_000_000, *commands() {
    for (let i = 0; i < 2_000; i++) {
      const argv = ['HSET', `bighash:${i}`];
      for (let f = 0; f < 1000; f++) argv.push(`field:${f}`, `v${(i + f) % 1000}`);
      yield argv;
    }
  } },
};

async function settledRss(s, c) {
  await c.call(['MEMORY', 'PURGE']);
  await sleep(1500);
  await c.call(['MEMORY', 'PURGE']);
  await sleep(1500);
  return s.rss();
}

async function measure(kind, name) {
  const d = DATASETS[name];
  const s = await startServer(kind);
  const c = await connect(s.port);
  try {
    const used0 = Number((await info(c, 'memory')).used_memory);
    const rss0 = await settledRss(s, c);
    let batch = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const replies = await c.send(Buffer.concat(batch), batch.length);
      for (const r of replies) if (r instanceof Error) throw r;
      batch = [];
    };
    for (const argv of d.commands()) {
      batch.push(encode(argv));
      if (batch.length === 50) await flush();
    }
    await flush();
    const m = await info(c, 'memory');
    const used = Number(m.used_memory) - used0;
    const rss = (await settledRss(s, c)) - rss0;
    const enc = await c.call(['OBJECT', 'ENCODING', name === 'zset' ? 'bigzset' : name === 'hash' ? 'hash:0' : name === 'list' ? 'list:0' : 'bighash:0']);
    return { used: used / d.count, rss: rss / d.count, enc };
  } finally {
    c.close();
    await s.stop();
  }
}

console.log('dataset        per      encoding    nodis used  redis used   nodis RSS   redis RSS   (bytes per element)');
for (const name of ONLY) {
  const n = await measure('nodis', name);
  const r = await measure('redis', name);
  const f = (x) => x.toFixed(0).padStart(10);
  console.log(`${name.padEnd(14)} ${DATASETS[name].per.padEnd(8)} ${String(n.enc).padEnd(11)}${f(n.used)}  ${f(r.used)}  ${f(n.rss)}  ${f(r.rss)}` +
    (n.enc !== r.enc ? `   (redis: ${r.enc})` : ''));
}
