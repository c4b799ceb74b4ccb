/*
 * Synchronous file helpers for the paths that must finish before they return (SAVE, the AOF's
 * appends and manifest, CONFIG REWRITE): a write that loops over short writes, and the fsync of
 * a directory that makes a rename durable.
 */

import fs from 'node:fs';

/** Write all of `b` at the file position of `fd` (fs.writeSync may write less than asked). */
export function writeAll(fd: number, b: Buffer): void {
  let off = 0;
  while (off < b.length) off += fs.writeSync(fd, b, off, b.length - off);
}

/** fsync a directory after a rename in it (best effort: some filesystems refuse, as in Redis). */
export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories: best effort, as in Redis.
  }
}
