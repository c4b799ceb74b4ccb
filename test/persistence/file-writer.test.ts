// AsyncFileWriter (the BGSAVE file writer on libuv's pool): chunks land in order, commit()
// fsyncs and renames over the target, a write error is reported by commit() and leaves the
// target untouched, abort() drops what is pending.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncFileWriter } from '../../src/persistence/rdb/file-writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-fw-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const commit = (w: AsyncFileWriter, tmp: string, file: string): Promise<Error | null> =>
  new Promise((resolve) => w.commit(tmp, file, resolve));

describe('AsyncFileWriter', () => {
  it('writes every chunk in order, then renames over the target', async () => {
    const tmp = path.join(dir, 'a.tmp');
    const file = path.join(dir, 'a.rdb');
    fs.writeFileSync(file, 'old');
    const w = new AsyncFileWriter(fs.openSync(tmp, 'w'));
    const parts: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const b = Buffer.alloc(1 + ((i * 7919) % 70000), i & 255);
      parts.push(b);
      w.write(b);
      w.write(Buffer.alloc(0));
    }
    expect(w.queuedBytes).toBeGreaterThan(0);
    expect(await commit(w, tmp, file)).toBeNull();
    expect(w.queuedBytes).toBe(0);
    expect(fs.existsSync(tmp)).toBe(false);
    expect(fs.readFileSync(file).equals(Buffer.concat(parts))).toBe(true);
  });

  it('reports a write error at commit and keeps the old file', async () => {
    const tmp = path.join(dir, 'b.tmp');
    const file = path.join(dir, 'b.rdb');
    fs.writeFileSync(file, 'old');
    fs.writeFileSync(tmp, '');
    const w = new AsyncFileWriter(fs.openSync(tmp, 'r')); // writes fail: EBADF
    w.write(Buffer.from('data'));
    w.write(Buffer.from('more'));
    const err = await commit(w, tmp, file);
    expect(err).not.toBeNull();
    expect(w.error).toBe(err);
    expect(fs.readFileSync(file, 'latin1')).toBe('old');
  });

  it('abort drops pending chunks', async () => {
    const tmp = path.join(dir, 'c.tmp');
    const fd = fs.openSync(tmp, 'w');
    const w = new AsyncFileWriter(fd);
    for (let i = 0; i < 50; i++) w.write(Buffer.alloc(65536, 1));
    w.abort();
    expect(w.queuedBytes).toBe(0);
    w.write(Buffer.from('ignored'));
    await new Promise((r) => setTimeout(r, 100));
    expect(fs.statSync(tmp).size).toBeLessThanOrEqual(65536); // at most the write in flight
  });
});
