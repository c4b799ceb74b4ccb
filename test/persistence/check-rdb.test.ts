// nodis-check-rdb reports like redis-check-rdb: OK with counts for a good file, the error and
// its offset for a damaged one (exit status 0 / 1).
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Keyspace } from '../../src/keyspace/db.js';
import { createStringObject } from '../../src/keyspace/types/string.js';
import { encodeKeyspaceToBuffer } from '../../src/persistence/rdb/encoder.js';
import { checkRdb } from '../../src/persistence/rdb/check-rdb.js';

describe('nodis-check-rdb', () => {
  it('accepts a good file and refuses a damaged one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-checkrdb-'));
    try {
      const ks = new Keyspace(16, { expired: () => {} });
      for (let i = 0; i < 10; i++) ks.dbs[0]!.add(`k${i}`, createStringObject(`v${i}`));
      ks.dbs[0]!.setExpire('k1', Date.now() + 100000);
      ks.dbs[0]!.setExpire('k2', 1000);
      const good = encodeKeyspaceToBuffer(ks);
      fs.writeFileSync(path.join(dir, 'good.rdb'), good);
      const lines: string[] = [];
      expect(checkRdb(path.join(dir, 'good.rdb'), (l) => lines.push(l))).toBe(0);
      expect(lines).toContain(`[offset ${good.length}] \\o/ RDB looks OK! \\o/`);
      expect(lines).toContain("[offset 27] AUX FIELD redis-ver = '7.0.15'");
      expect(lines).toContain('[info] 10 keys read');
      expect(lines).toContain('[info] 2 expires');
      expect(lines).toContain('[info] 1 already expired');
      fs.writeFileSync(path.join(dir, 'bad.rdb'), good.subarray(0, good.length - 20));
      const bad: string[] = [];
      expect(checkRdb(path.join(dir, 'bad.rdb'), (l) => bad.push(l))).toBe(1);
      expect(bad).toContain('--- RDB ERROR DETECTED ---');
      expect(bad.some((l) => /^\[offset \d+\] Unexpected EOF reading RDB file$/.test(l))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
