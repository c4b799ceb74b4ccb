/*
 * FUNCTION libraries: the registry behind FUNCTION LOAD / DELETE / FLUSH / LIST / DUMP /
 * RESTORE / STATS and FCALL (Redis 7.0's functions.c semantics).
 *
 * A library is its source text ("#!lua name=<lib>\n..." — the first line is metadata), the
 * engine ("LUA") and the functions its body registered with redis.register_function while
 * FUNCTION LOAD ran it (each a reference to a Lua function in the functions interpreter, with
 * a description and flags). Library names are case-sensitive; function names are unique
 * across libraries and looked up case-insensitively. A load is all or nothing: the new library
 * is built aside and linked only when its body ran, registered at least one function and none
 * of them collides with another library's.
 *
 * DUMP is the RDB encoding of the libraries (an RDB_OPCODE_FUNCTION2 byte and the source as an
 * RDB string, per library) followed by the RDB version (2 bytes) and a CRC-64 (8 bytes), as
 * DUMP payloads are; RESTORE verifies and decodes it into a separate registry, then flushes,
 * appends or replaces.
 */

import { splitArgs } from '../config/text.js';
import { RdbWriter } from '../persistence/rdb/byte-writer.js';
import { RDB_OPCODE_FUNCTION, RDB_OPCODE_FUNCTION2, RDB_VERSION } from '../persistence/rdb/constants.js';
import { crc64 } from '../util/crc64.js';
import { lzfDecompress } from '../util/lzf.js';
import { bytesOf } from './lua/fengari.js';
import { SCRIPT_FLAGS, type LoadContext, type LuaVM } from './vm.js';

export const LOAD_TIMEOUT_MS = 500;
export const ENGINE_NAME = 'LUA';

export interface FunctionInfo {
  readonly name: string;
  readonly desc: string | null;
  readonly flags: number;
  /** Registry reference of the Lua function. */
  readonly ref: number;
  readonly lib: Library;
}

export interface Library {
  readonly name: string;
  readonly engine: string;
  /** The full source, metadata line included. */
  readonly code: string;
  readonly functions: Map<string, FunctionInfo>;
}

/** A set of libraries and the function index over them (functionsLibCtx). */
export class LibraryCtx {
  readonly libraries = new Map<string, Library>();
  /** Lowercased function name → function. */
  readonly functions = new Map<string, FunctionInfo>();
  functionCount = 0;

  link(lib: Library): void {
    for (const f of lib.functions.values()) this.functions.set(f.name.toLowerCase(), f);
    this.libraries.set(lib.name, lib);
    this.functionCount += lib.functions.size;
  }

  unlink(lib: Library): void {
    for (const f of lib.functions.values()) this.functions.delete(f.name.toLowerCase());
    this.libraries.delete(lib.name);
    this.functionCount -= lib.functions.size;
  }
}

/** [a-zA-Z0-9_]+ */
export function validName(name: string): boolean {
  return /^[a-zA-Z0-9_]+$/.test(name);
}

const BAD_NAME = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one ' +
  'character long';

interface MetaData {
  engine: string;
  name: string;
  /** The code after the metadata line (from its newline on, keeping line numbers). */
  body: string;
}

function extractMetaData(code: string): MetaData | string {
  if (!code.startsWith('#!')) return 'Missing library metadata';
  const nl = code.indexOf('\n');
  if (nl === -1) return 'Invalid library metadata';
  let shebang = code.slice(0, nl);
  const nul = shebang.indexOf('\0');
  if (nul !== -1) shebang = shebang.slice(0, nul);
  const parts = splitArgs(shebang);
  if (parts === null || parts.length === 0) return 'Invalid library metadata';
  const engine = (parts[0] as string).slice(2);
  let name: string | null = null;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return 'Invalid metadata value, name argument was given multiple times';
      name = part.slice(5);
      continue;
    }
    return `Invalid metadata value given: ${part}`;
  }
  if (name === null) return 'Library name was not given';
  return { engine, name, body: code.slice(nl) };
}

export class FunctionsRegistry {
  /** The current libraries. */
  ctx = new LibraryCtx();

  constructor(private readonly vm: LuaVM) {}

  /** Drop a library's Lua functions. */
  private free(lib: Library): void {
    for (const f of lib.functions.values()) this.vm.release(f.ref);
  }

  /**
   * functionsCreateWithLibraryCtx: compile and link `code` into `ctx`. Returns the library
   * name, or an error text.
   */
  create(code: string, replace: boolean, ctx: LibraryCtx, timeoutMs: number): { name: string } | { error: string } {
    const md = extractMetaData(code);
    if (typeof md === 'string') return { error: md };
    if (!validName(md.name)) return { error: BAD_NAME };
    if (md.engine.toUpperCase() !== ENGINE_NAME) return { error: `Engine '${md.engine}' not found` };
    const old = ctx.libraries.get(md.name) ?? null;
    if (old !== null && !replace) return { error: `Library '${md.name}' already exists` };
    if (old !== null) ctx.unlink(old);
    const lib: Library = { name: md.name, engine: ENGINE_NAME, code, functions: new Map() };
    const fail = (error: string): { error: string } => {
      this.free(lib);
      if (old !== null) ctx.link(old);
      return { error };
    };
    const ref = this.vm.compile(bytesOf(md.body), '@user_function');
    if (typeof ref === 'string') return fail(`Error compiling function: ${ref}`);
    const load: LoadContext = {
      start: performance.now(),
      timeoutMs,
      register: (name, fref, desc, flags) => {
        if (!validName(name)) return BAD_NAME;
        if (lib.functions.has(name)) return 'Function already exists in the library';
        lib.functions.set(name, { name, desc, flags, ref: fref, lib });
        return null;
      },
    };
    const err = this.vm.runLibraryBody(ref, load);
    this.vm.release(ref);
    if (err !== null) return fail(`Error registering functions: ${err}`);
    if (lib.functions.size === 0) return fail('No functions registered');
    for (const f of lib.functions.values()) {
      if (ctx.functions.has(f.name.toLowerCase())) return fail(`Function ${f.name} already exists`);
    }
    ctx.link(lib);
    if (old !== null) this.free(old);
    return { name: md.name };
  }

  /** FUNCTION LOAD. */
  load(code: string, replace: boolean, timeoutMs: number): { name: string } | { error: string } {
    return this.create(code, replace, this.ctx, timeoutMs);
  }

  /** FUNCTION DELETE: false when there is no such library. */
  delete(name: string): boolean {
    const lib = this.ctx.libraries.get(name);
    if (lib === undefined) return false;
    this.ctx.unlink(lib);
    this.free(lib);
    return true;
  }

  /** FUNCTION FLUSH. */
  flush(): void {
    for (const lib of this.ctx.libraries.values()) this.free(lib);
    this.ctx = new LibraryCtx();
  }

  lookup(name: string): FunctionInfo | undefined {
    return this.ctx.functions.get(name.toLowerCase());
  }

  /** The libraries' sources, for RDB snapshots and AOF rewrites. */
  codes(): string[] {
    return [...this.ctx.libraries.values()].map((l) => l.code);
  }

  /** rdbSaveFunctions: the libraries as RDB records (opcode + source string each). */
  rdbRecords(compress: boolean): Buffer {
    const w = new RdbWriter(compress);
    for (const lib of this.ctx.libraries.values()) {
      w.byte(RDB_OPCODE_FUNCTION2);
      w.rawString(lib.code);
    }
    return w.take();
  }

  /** FUNCTION DUMP. */
  dump(compress: boolean): Buffer {
    const body = this.rdbRecords(compress);
    const out = Buffer.alloc(body.length + 10);
    body.copy(out, 0);
    out[body.length] = RDB_VERSION & 0xff;
    out[body.length + 1] = (RDB_VERSION >> 8) & 0xff;
    const crc = crc64(0n, out, 0, body.length + 2);
    out.writeBigUInt64LE(crc, body.length + 2);
    return out;
  }

  /**
   * FUNCTION RESTORE with a policy; returns null or an error text. Nothing changes on error.
   */
  restore(payload: Buffer, policy: 'flush' | 'append' | 'replace', skipChecksum: boolean): string | null {
    if (!verifyPayload(payload, skipChecksum)) return 'DUMP payload version or checksum are wrong';
    const tmp = new LibraryCtx();
    const r = new RdbReader(payload, payload.length - 10);
    const abort = (err: string): string => {
      for (const lib of tmp.libraries.values()) this.free(lib);
      return err;
    };
    while (payload.length - 10 - r.pos > 0) {
      const type = r.byte();
      if (type === null) return abort('can not read data type');
      if (type !== RDB_OPCODE_FUNCTION && type !== RDB_OPCODE_FUNCTION2) return abort('given type is not a function');
      const code = readFunctionRecord(r, type);
      if (typeof code !== 'string') return abort(code.error);
      const res = this.create(code, false, tmp, 0);
      if ('error' in res) return abort(res.error);
    }
    if (policy === 'flush') {
      this.flush();
      this.ctx = tmp;
      return null;
    }
    const err = this.join(tmp, policy === 'replace');
    if (err !== null) return abort(err);
    return null;
  }

  /** libraryJoin: move every library of `src` into the current registry (all or nothing). */
  private join(src: LibraryCtx, replace: boolean): string | null {
    const dst = this.ctx;
    const replaced: Library[] = [];
    const undo = (): void => {
      for (const lib of replaced) dst.link(lib);
    };
    for (const lib of src.libraries.values()) {
      const old = dst.libraries.get(lib.name);
      if (old === undefined) continue;
      if (!replace) {
        undo();
        return `Library ${lib.name} already exists`;
      }
      dst.unlink(old);
      replaced.push(old);
    }
    for (const f of src.functions.values()) {
      if (dst.functions.has(f.name.toLowerCase())) {
        undo();
        return `Function ${f.name} already exists`;
      }
    }
    for (const lib of src.libraries.values()) dst.link(lib);
    for (const lib of replaced) this.free(lib);
    return null;
  }

  /**
   * Load a library found in an RDB file or an AOF (FUNCTION2 record payload): the library
   * is created (replacing one of the same name when `replace`). Returns an error text or null.
   */
  loadFromPersistence(code: string, replace: boolean): string | null {
    const res = this.create(code, replace, this.ctx, 0);
    return 'error' in res ? res.error : null;
  }
}

/** The flag names of a function, in Redis's order. */
export function flagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of SCRIPT_FLAGS) if (flags & bit) out.push(name);
  return out;
}

/* ---- DUMP payloads ---------------------------------------------------------------------------- */

function verifyPayload(p: Buffer, skipChecksum: boolean): boolean {
  if (p.length < 10) return false;
  const f = p.length - 10;
  const ver = (p[f + 1] as number) << 8 | (p[f] as number);
  if (ver > RDB_VERSION) return false;
  if (skipChecksum) return true;
  return crc64(0n, p, 0, p.length - 8) === p.readBigUInt64LE(f + 2);
}

/** A reader of the RDB string encodings (length prefixes, integer and LZF strings). */
class RdbReader {
  pos = 0;
  constructor(
    readonly b: Buffer,
    readonly end: number,
  ) {}

  byte(): number | null {
    if (this.pos >= this.end) return null;
    return this.b[this.pos++] as number;
  }

  /** rdbLoadLen: [value, isEncoded] or null. */
  len(): [number, boolean] | null {
    const first = this.byte();
    if (first === null) return null;
    const type = (first & 0xc0) >> 6;
    if (type === 3) return [first & 0x3f, true];
    if (type === 0) return [first & 0x3f, false];
    if (type === 1) {
      const second = this.byte();
      if (second === null) return null;
      return [((first & 0x3f) << 8) | second, false];
    }
    if (first === 0x80) {
      if (this.pos + 4 > this.end) return null;
      const v = this.b.readUInt32BE(this.pos);
      this.pos += 4;
      return [v, false];
    }
    if (first === 0x81) {
      if (this.pos + 8 > this.end) return null;
      const v = Number(this.b.readBigUInt64BE(this.pos));
      this.pos += 8;
      return [v, false];
    }
    return null;
  }

  take(n: number): Buffer | null {
    if (this.pos + n > this.end) return null;
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** rdbGenericLoadStringObject as a latin1 string, or null on a short or bad record. */
  string(): string | null {
    const l = this.len();
    if (l === null) return null;
    const [v, enc] = l;
    if (!enc) {
      const b = this.take(v);
      return b === null ? null : b.latin1Slice();
    }
    switch (v) {
      case 0: {
        const b = this.take(1);
        return b === null ? null : String(b.readInt8(0));
      }
      case 1: {
        const b = this.take(2);
        return b === null ? null : String(b.readInt16LE(0));
      }
      case 2: {
        const b = this.take(4);
        return b === null ? null : String(b.readInt32LE(0));
      }
      case 3: {
        const c = this.len();
        const u = this.len();
        if (c === null || u === null) return null;
        const src = this.take(c[0]);
        if (src === null) return null;
        const dst = Buffer.alloc(u[0]);
        if (lzfDecompress(src, c[0], dst, u[0]) !== u[0]) return null;
        return dst.latin1Slice();
      }
      default:
        return null;
    }
  }
}

function readFunctionRecord(r: RdbReader, type: number): string | { error: string } {
  if (type === RDB_OPCODE_FUNCTION2) {
    const code = r.string();
    return code === null ? { error: 'Failed loading library payload' } : code;
  }
  const name = r.string();
  if (name === null) return { error: 'Failed loading library name' };
  const engine = r.string();
  if (engine === null) return { error: 'Failed loading engine name' };
  const hasDesc = r.len();
  if (hasDesc === null) return { error: 'Failed loading library description indicator' };
  if (hasDesc[0] !== 0 && r.string() === null) return { error: 'Failed loading library description' };
  const blob = r.string();
  if (blob === null) return { error: 'Failed loading library blob' };
  return `#!${engine} name=${name}\n${blob}`;
}
