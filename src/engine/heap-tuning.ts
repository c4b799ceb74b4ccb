/*
 * V8 heap settings while maxmemory is set.
 *
 * used_memory counts the data; the process also holds V8's garbage and free space, and by
 * default V8 lets both grow large: after each full GC the old generation may grow to up to 4x
 * its live size before the next one, and the young generation grows from 1 MB to 32 MB under
 * load. A cache under maxmemory rewrites its whole budget again and again (every write evicts
 * about as much as it adds), so with the defaults a 100 MB budget measured 400-600 MB of RSS
 * (bench/maxmemory-flood.mjs). While maxmemory is set, nodis asks V8 to:
 * - grow the old generation only 15% past its live size before collecting again
 *   (--heap-growing-percent=15), trading more frequent, mostly concurrent, marking for a heap
 *   that stays near the data (20% measured 260-276 MB peak RSS in the 1 GB flood against the
 *   270 MB budget once the GC ran on one worker thread, see main.ts; 15%: 259 MB);
 * - stop growing the young generation (--semi-space-growth-factor=1): it keeps the size it has
 *   when maxmemory is set (1-8 MB at startup), so scavenges stay short and it does not add
 *   24 MB of RSS. Long-lived values are promoted whatever its size.
 * Both flags are read by V8 at each use, so setting them at run time takes effect at the next
 * collection; maxmemory 0 restores V8's defaults. The flags are process-wide: every engine in
 * the process shares them (the last maxmemory change decides).
 */

import v8 from 'node:v8';

const ON = ['--heap-growing-percent=15', '--semi-space-growth-factor=1'];
const OFF = ['--heap-growing-percent=0', '--semi-space-growth-factor=2'];

let applied = false;

/** Apply (or undo) the maxmemory heap settings; idempotent. */
export function tuneHeapForMaxmemory(on: boolean): void {
  if (on === applied) return;
  applied = on;
  for (const flag of on ? ON : OFF) v8.setFlagsFromString(flag);
}
