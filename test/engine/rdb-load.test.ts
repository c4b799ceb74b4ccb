// Startup loading of dir/dbfilename: the server listens while it loads, answers -LOADING (and
// INFO with loading_* fields) meanwhile, then serves the loaded dataset; a corrupt file makes
// startServer fail instead of serving a partial dataset.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Redis } from 'ioredis';
import { freePort } from '../helpers/real-redis.js';
import { startServer } from '../../src/index.js';
import { Keyspace } from '../../src/keyspace/db.js';
import { createStringObject } from '../../src/keyspace/types/string.js';
import { createListFromValues } from '../../src/keyspace/types/list.js';
import { encodeKeyspaceToBuffer } from '../../src/persistence/rdb/encoder.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-rdbload-'));
const cwd = process.cwd();
afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Send one inline command on a fresh socket; resolve with the first reply line. */
function rawCommand(port: number, cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`${cmd}\r\n`));
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const m = /^\$(-?\d+)\r\n/.exec(buf);
      const complete = m ? Number(m[1]) < 0 || buf.length >= m[0].length + Number(m[1]) + 2 : !buf.startsWith('$') && buf.includes('\r\n');
      if (complete) {
        s.destroy();
        resolve(buf);
      }
    });
    s.on('error', reject);
  });
}

describe('RDB loading at startup', () => {
  it('serves -LOADING and loading_* INFO while loading, then the dataset', async () => {
    const ks = new Keyspace(16, { expired: () => {} });
    const db = ks.dbs[0]!;
    for (let i = 0; i < 150000; i++) db.add(`key:${i}`, createStringObject(`value-${i}-${'x'.repeat(20)}`));
    ks.dbs[2]!.add('list', createListFromValues(['a', 'b', 'c']));
    ks.dbs[2]!.add('gone', createStringObject('old'));
    ks.dbs[2]!.setExpire('gone', 1000);
    ks.dbs[2]!.add('ttl', createStringObject('v'));
    ks.dbs[2]!.setExpire('ttl', Date.now() + 100000);
    fs.writeFileSync(path.join(dir, 'big.rdb'), encodeKeyspaceToBuffer(ks));

    const port = await freePort();
    const starting = startServer({ port, config: { loglevel: 'warning', dir, dbfilename: 'big.rdb' } });
    let sawLoading = '';
    let sawInfo = '';
    let settled = false;
    void starting.then(() => (settled = true), () => (settled = true));
    while (!settled && (sawLoading === '' || sawInfo === '')) {
      try {
        const r = await rawCommand(port, 'GET key:1');
        if (r.startsWith('-LOADING')) sawLoading = r;
        if (sawLoading) {
          const info = await rawCommand(port, 'INFO persistence');
          if (info.includes('loading:1')) sawInfo = info;
        }
      } catch {
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    const s = await starting;
    try {
      expect(sawLoading).toBe('-LOADING Redis is loading the dataset in memory\r\n');
      expect(sawInfo).toMatch(/loading_total_bytes:\d+/);
      expect(sawInfo).toMatch(/loading_loaded_perc:\d+\.\d\d/);
      expect(sawInfo).toMatch(/loading_eta_seconds:\d+/);
      const c = new Redis({ port: s.port, protocol: 2 } as never);
      expect(await c.dbsize()).toBe(150000);
      expect(await c.get('key:149999')).toBe(`value-149999-${'x'.repeat(20)}`);
      await c.select(2);
      expect(await c.lrange('list', 0, -1)).toEqual(['a', 'b', 'c']);
      expect(await c.exists('gone')).toBe(0);
      expect(await c.ttl('ttl')).toBeGreaterThan(90);
      const info = await c.info('persistence');
      expect(info).toContain('loading:0');
      expect(info).toContain('rdb_last_load_keys_loaded:150002');
      expect(info).toContain('rdb_last_load_keys_expired:1');
      expect(info).not.toContain('loading_total_bytes');
      c.disconnect();
    } finally {
      await s.close();
    }
  }, 60000);

  it('finds every key after loading, LZF-compressed and integer-encoded key names included', async () => {
    // Keys of 21+ bytes that compress are stored LZF-encoded; numeric ones as integers. The
    // loader hands plain keys' hashes to the dict from the file bytes: only plain ones.
    const ks = new Keyspace(16, { expired: () => {} });
    const db = ks.dbs[0]!;
    const keys: string[] = [];
    for (let i = 0; i < 300; i++) keys.push(i % 3 === 0 ? 'k'.repeat(100) + i : i % 3 === 1 ? String(i * 7) : `plain:${i}`);
    for (const k of keys) db.add(k, createStringObject(`v:${k}`));
    const file = encodeKeyspaceToBuffer(ks, { compression: true });
    expect(file.includes(Buffer.from('k'.repeat(100)))).toBe(false); // the long names really are compressed
    fs.writeFileSync(path.join(dir, 'keys.rdb'), file);
    const s = await startServer({ port: 0, config: { loglevel: 'warning', dir, dbfilename: 'keys.rdb' } });
    const c = new Redis({ port: s.port, protocol: 2 } as never);
    try {
      expect(await c.dbsize()).toBe(keys.length);
      for (const k of keys) expect(await c.get(k)).toBe(`v:${k}`);
    } finally {
      c.disconnect();
      await s.close();
    }
  }, 60000);

  it('refuses a corrupt file: startServer rejects', async () => {
    const good = fs.readFileSync(path.join(dir, 'big.rdb'));
    const bad = Buffer.from(good.subarray(0, Math.floor(good.length / 2)));
    fs.writeFileSync(path.join(dir, 'bad.rdb'), bad);
    await expect(startServer({ port: 0, config: { loglevel: 'warning', dir, dbfilename: 'bad.rdb' } })).rejects.toThrow(/Unexpected EOF/);
  }, 60000);
});
