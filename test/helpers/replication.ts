// Waiting on replication in tests: INFO fields, polling, and "the replica applied everything".
import type { Redis } from 'ioredis';
import { expect } from 'vitest';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One `name:value` line of an INFO text ('' when absent). */
export function infoField(info: string, name: string): string {
  const m = new RegExp(`^${name}:(.*)$`, 'm').exec(info);
  return m ? (m[1] as string).trim() : '';
}

export async function field(c: Redis, section: string, name: string): Promise<string> {
  return infoField(await c.info(section), name);
}

/** Poll `check` every 50 ms, `tries` times at most. */
export async function until(check: () => boolean | Promise<boolean>, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Wait until the replica's link is up and it applied everything the master produced. */
export async function inSync(master: Redis, replica: Redis): Promise<void> {
  await until(async () => {
    const mo = await field(master, 'replication', 'master_repl_offset');
    const ro = await field(replica, 'replication', 'slave_repl_offset');
    return (await field(replica, 'replication', 'master_link_status')) === 'up' && mo === ro;
  }, 'offsets to match');
}

/**
 * Kill `replica`'s link to `master`, run `write` while it is down, and wait for the partial
 * resync that brings the replica back in sync, without a new full sync.
 */
export async function partialResyncAfterKill(master: Redis, replica: Redis, write: () => Promise<unknown>): Promise<void> {
  const full = await field(master, 'stats', 'sync_full');
  const ok = Number(await field(master, 'stats', 'sync_partial_ok'));
  expect(await replica.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(1);
  await write();
  await until(async () => Number(await field(master, 'stats', 'sync_partial_ok')) === ok + 1, 'partial resync');
  await inSync(master, replica);
  expect(await field(master, 'stats', 'sync_full')).toBe(full);
}
