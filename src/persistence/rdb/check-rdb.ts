/*
 * nodis-check-rdb: verify an RDB file the way redis-check-rdb reports it: the aux fields and
 * databases met on the way with their offsets, then "\o/ RDB looks OK! \o/" and key counts,
 * or "--- RDB ERROR DETECTED ---" with the offset and reason. The file is decoded completely
 * (every value rebuilt), so it also proves nodis can load it. Returns the exit status.
 */

import fs from 'node:fs';
import { RdbDecoder, RdbFormatError } from './decoder.js';

export function checkRdb(file: string, out: (line: string) => void): number {
  out(`[offset 0] Checking RDB file ${file}`);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    out(`Cannot check RDB that is a directory or doesn't exist: ${(e as Error).message}`);
    return 1;
  }
  let d: RdbDecoder | null = null;
  try {
    d = new RdbDecoder(buf, { trackDuplicates: true, trace: (off, msg) => out(`[offset ${off}] ${msg}`), log: (_l, m) => out(`[info] ${m}`) });
    while (!d.step(1e9));
  } catch (e) {
    const off = e instanceof RdbFormatError ? e.offset : d?.loadedBytes ?? 0;
    const msg = e instanceof RdbFormatError ? e.message.replace(/ \(at offset \d+\)$/, '') : (e as Error).message;
    out('--- RDB ERROR DETECTED ---');
    out(`[offset ${off}] ${msg}`);
    if (d !== null) {
      out(`[info] ${d.keys} keys read`);
      out(`[info] ${d.expires} expires`);
      out(`[info] ${d.alreadyExpired} already expired`);
    }
    return 1;
  }
  out(`[offset ${buf.length}] ${d.version >= 5 ? 'Checksum OK' : 'No checksum (RDB version < 5)'}`);
  out(`[offset ${buf.length}] \\o/ RDB looks OK! \\o/`);
  out(`[info] ${d.keys} keys read`);
  out(`[info] ${d.expires} expires`);
  out(`[info] ${d.alreadyExpired} already expired`);
  return 0;
}
