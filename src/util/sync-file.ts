/*
 * Synchronous file helpers for the paths that must finish before they return (SAVE, the AOF's
 * appends and manifest, CONFIG REWRITE): a write that loops over short writes, the fsync of a
 * directory that makes a rename durable, and the atomic replacement of a file built from both.
 */

import fs from 'node:fs';
import path from 'node:path';

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

/**
 * Replace `file` atomically: open `tmp` (`flags`, `mode`), fill it with write(fd), fsync and
 * close it, rename it over `file`, fsync the directory. On a failure the temp file is removed
 * and the error (a Node fs error: its `syscall` says which step failed) is thrown; `file` is
 * left as it was.
 */
export function replaceFileSync(file: string, tmp: string, write: (fd: number) => void, flags: fs.OpenMode = 'w', mode?: fs.Mode): void {
  const fd = fs.openSync(tmp, flags, mode);
  let open = true;
  try {
    write(fd);
    fs.fsyncSync(fd);
    open = false;
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (e) {
    if (open) fs.closeSync(fd);
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing to remove
    }
    throw e;
  }
  fsyncDir(path.dirname(file));
}
