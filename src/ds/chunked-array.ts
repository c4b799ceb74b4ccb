/*
 * ChunkedArray: a dense, growable array stored as a list of fixed-size chunks.
 *
 * Why: a plain JS array grows by allocating a bigger backing store and copying
 * every element into it, so appending to an array of 50 million elements stalls
 * for the length of a 400 MB copy, and V8 caps a single backing store at roughly
 * 2^27 elements. Here element i lives in chunk i >>> 16 at offset i & 0xffff, so
 * growth never moves an existing element: it only allocates one new chunk of
 * 2^16 slots (512 KB) every 65,536 pushes.
 *
 * Layout and invariants:
 * - chunks[0] is an ordinary array grown with push/pop, so a small collection
 *   pays only for the elements it has (most dicts never leave chunk 0).
 * - chunks[1..] are allocated at their full size (exact capacity: no 1.5x
 *   growth slack on the big chunks, which matters at hundreds of millions of
 *   elements) and written by index.
 * - Elements 0..length-1 are live. Slots at or beyond `length` inside a chunk
 *   hold `undefined` (or a stale number, see pop), never a live object: pop
 *   drops the reference so the garbage collector can reclaim a removed value.
 * - At most one wholly empty chunk is kept after the last used one, so a
 *   push/pop seesaw across a chunk boundary does not allocate each time.
 *
 * Complexity: get/set/push/pop O(1) with no copying beyond chunk 0's own
 * growth (bounded by the chunk size). Indexes are unchecked: callers keep
 * 0 <= i < length (the Dict does).
 */

const CHUNK_BITS = 16;
/** Elements per chunk (2^16). */
export const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;

export class ChunkedArray<T> {
  private chunks: (T | undefined)[][];
  private len = 0;

  constructor() {
    this.chunks = [[]];
  }

  get length(): number {
    return this.len;
  }

  /** Element at i; requires 0 <= i < length (unchecked). */
  get(i: number): T {
    return this.chunks[i >>> CHUNK_BITS]![i & CHUNK_MASK] as T;
  }

  /** Overwrite element i; requires 0 <= i < length (unchecked). */
  set(i: number, value: T): void {
    this.chunks[i >>> CHUNK_BITS]![i & CHUNK_MASK] = value;
  }

  push(value: T): void {
    const i = this.len;
    if (i < CHUNK_SIZE) {
      this.chunks[0]!.push(value);
    } else {
      const ci = i >>> CHUNK_BITS;
      let chunk = this.chunks[ci];
      if (chunk === undefined) {
        // Full-size from the start: exact capacity, filled by index.
        chunk = new Array<T | undefined>(CHUNK_SIZE);
        this.chunks.push(chunk);
      }
      chunk[i & CHUNK_MASK] = value;
    }
    this.len = i + 1;
  }

  /** Remove and return the last element (undefined when empty). */
  pop(): T | undefined {
    const i = this.len - 1;
    if (i < 0) return undefined;
    this.len = i;
    if (i < CHUNK_SIZE) return this.chunks[0]!.pop();
    const ci = i >>> CHUNK_BITS;
    const chunk = this.chunks[ci]!;
    const j = i & CHUNK_MASK;
    const value = chunk[j];
    // Drop the reference so a removed value can be collected. A number holds
    // nothing alive, and writing undefined into a chunk of unboxed doubles
    // would turn it into a chunk of boxed values, so numbers are left as is.
    if (typeof value !== 'number') chunk[j] = undefined;
    // Chunks in use after the pop: ci of them if j === 0 (chunk ci is now
    // empty), else ci + 1. Keep one spare empty chunk beyond them; each pop
    // frees at most one chunk, so dropping one here keeps that bound.
    const keep = (j === 0 ? ci : ci + 1) + 1;
    if (this.chunks.length > keep) this.chunks.pop();
    return value as T;
  }

  /** Remove every element and release all chunks. */
  clear(): void {
    this.chunks = [[]];
    this.len = 0;
  }
}
