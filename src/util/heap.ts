/*
 * A full garbage collection on demand (MEMORY PURGE), without starting node with --expose-gc:
 * the flag is switched on at run time and V8's gc() is taken from a fresh context, where the
 * extension is installed. A forced full collection also compacts the heap and shrinks the
 * young generation; V8's background unmapper then hands the freed pages back to the system
 * within a few ms (RSS drops), as an allocator purge does. It stops the process for a time
 * that grows with the live heap (tens of ms per 100 MB). (Node 20's gc() ignores the call
 * entirely when given an options object, so it is called bare.)
 */

import v8 from 'node:v8';
import vm from 'node:vm';

type GcFn = () => void;

let gcFn: GcFn | null | undefined;

function getGc(): GcFn | null {
  if (gcFn !== undefined) return gcFn;
  const existing = (globalThis as { gc?: GcFn }).gc;
  if (typeof existing === 'function') return (gcFn = existing);
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    gcFn = typeof fn === 'function' ? (fn as GcFn) : null;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/** Collect all garbage and release free memory to the system; false if unavailable. */
export function purgeHeap(): boolean {
  const gc = getGc();
  if (gc === null) return false;
  gc();
  return true;
}
