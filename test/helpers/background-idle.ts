// Waiting in persistence tests for the background work (BGSAVE, AOF rewrite) to end.
import type { Redis } from 'ioredis';
import { until } from './replication.js';

/** Poll INFO persistence until no BGSAVE or AOF rewrite runs or is scheduled. */
export async function waitBackgroundIdle(r: Redis): Promise<void> {
  await until(async () => {
    const info = await r.info('persistence');
    return info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrite_scheduled:0') &&
      info.includes('rdb_bgsave_in_progress:0');
  }, 'background work to finish');
}
