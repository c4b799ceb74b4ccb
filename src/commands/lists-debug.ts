/*
 * The DEBUG subcommands about lists: QUICKLIST-PACKED-THRESHOLD <size> (the element size from
 * which an element gets a PLAIN node of its own) and QUICKLIST <key> [<0|1>] (writes the node
 * layout to the server log, as Redis prints it on stdout). debug.ts dispatches to them.
 */

import type { Ctx } from './context.js';
import * as E from '../protocol/errors.js';
import { ENC_QUICKLIST } from '../keyspace/object.js';
import { listQuicklist, setPackedThreshold } from '../keyspace/types/list.js';

/** memtoull: digits with an optional b/k/kb/m/mb/g/gb unit; null on error. */
export function memToBytes(s: string): number | null {
  if (s.startsWith('-')) return null;
  const m = /^(\d*)(.*)$/.exec(s);
  if (m === null) return null;
  const mul: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1 << 20, g: 1e9, gb: 1 << 30 };
  const unit = mul[(m[2] as string).toLowerCase()];
  if (unit === undefined || (m[1] as string).length >= 128) return null;
  const digits = m[1] as string;
  return (digits === '' ? 0 : Number(digits)) * unit;
}

/** Handle DEBUG QUICKLIST-PACKED-THRESHOLD / QUICKLIST; false when `argv` is neither. */
export function listDebugSubcommand(c: Ctx, argv: string[]): boolean {
  const sub = (argv[1] as string).toLowerCase();
  const argc = argv.length;
  if (sub === 'quicklist-packed-threshold' && argc === 3) {
    const sz = memToBytes(argv[2] as string);
    if (sz === null || !setPackedThreshold(sz)) {
      c.reply.error('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
    } else {
      c.reply.ok();
    }
    return true;
  }
  if (sub === 'quicklist' && (argc === 3 || argc === 4)) {
    const o = c.db.lookupRead(argv[2] as string, true);
    if (o === null) {
      c.reply.error(E.NO_SUCH_KEY);
      return true;
    }
    const full = argc === 4 && parseInt(argv[3] as string, 10) !== 0 && !Number.isNaN(parseInt(argv[3] as string, 10));
    if (o.enc !== ENC_QUICKLIST) {
      c.reply.error('ERR Not a quicklist encoded object.');
    } else {
      for (const line of listQuicklist(o).repr(full)) c.server.log('notice', line);
      c.reply.simple('Quicklist structure printed on stdout');
    }
    return true;
  }
  return false;
}
