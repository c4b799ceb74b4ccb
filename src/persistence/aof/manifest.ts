/*
 * The multi-part AOF manifest (Redis 7.0's layout).
 *
 * An append-only "file" is a directory (`appenddirname`) holding one base file (a snapshot:
 * RDB preamble or plain commands), zero or more incremental files (commands appended since
 * that base) and, transiently, history files (older bases and incrementals that a finished
 * rewrite made obsolete and that are deleted as soon as possible). The manifest
 * `<appendfilename>.manifest` names them, one line each:
 *
 *   file <name> seq <n> type b|h|i
 *
 * with the base first, then history, then the incrementals in replay order. Sequence numbers
 * grow monotonically per kind (base and incr counters are separate), so new names never clash
 * with files still on disk. A name containing spaces or unprintable bytes is written quoted
 * (C-style escapes) and read back with the same rules.
 *
 * The manifest is replaced atomically: written to `temp-<appendfilename>.manifest`, fsynced,
 * renamed over the old one and the directory fsynced. A reader therefore sees either the old
 * set of files or the new one, never a mix. Parsing is linear in the manifest's size.
 */

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

export class AofManifest {
  base: AofFileInfo | null = null;
  incrs: AofFileInfo[] = [];
  history: AofFileInfo[] = [];
  currBaseSeq = 0;
  currIncrSeq = 0;

  clone(): AofManifest {
    const m = new AofManifest();
    m.base = this.base ? { ...this.base } : null;
    m.incrs = this.incrs.map((x) => ({ ...x }));
    m.history = this.history.map((x) => ({ ...x }));
    m.currBaseSeq = this.currBaseSeq;
    m.currIncrSeq = this.currIncrSeq;
    return m;
  }

  /** The next incremental file's entry (currIncrSeq advanced; the caller adds it). */
  nextIncr(aofName: string): AofFileInfo {
    const seq = ++this.currIncrSeq;
    return { name: incrName(aofName, seq), seq, type: 'i' };
  }

  /**
   * A rewrite's new base in place: the old base and the incrementals it covers (those below
   * `keepFromSeq`: by default all) become history.
   */
  installBase(base: AofFileInfo, keepFromSeq = Infinity): void {
    if (this.base) this.history.push({ ...this.base, type: 'h' });
    this.base = base;
    this.currBaseSeq = base.seq;
    for (const i of this.incrs) if (i.seq < keepFromSeq) this.history.push({ ...i, type: 'h' });
    this.incrs = this.incrs.filter((i) => i.seq >= keepFromSeq);
  }

  /** Files to replay, in order (base, then incrementals). */
  get loadOrder(): AofFileInfo[] {
    return this.base ? [this.base, ...this.incrs] : [...this.incrs];
  }
}

export const manifestName = (aofName: string): string => `${aofName}.manifest`;
export const tempManifestName = (aofName: string): string => `temp-${aofName}.manifest`;
export const baseName = (aofName: string, seq: number, rdb: boolean): string =>
  `${aofName}.${seq}.base.${rdb ? 'rdb' : 'aof'}`;
export const incrName = (aofName: string, seq: number): string => `${aofName}.${seq}.incr.aof`;

function needsQuoting(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 34 || c === 39 || c === 92) return true;
  }
  return false;
}

/** sdscatrepr-style quoting. */
function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c > 32 && c < 127 || ch === ' ') out += ch;
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return out + '"';
}

function formatLine(f: AofFileInfo): string {
  return `file ${needsQuoting(f.name) ? quote(f.name) : f.name} seq ${f.seq} type ${f.type}\n`;
}

export function formatManifest(m: AofManifest): string {
  let s = '';
  if (m.base) s += formatLine(m.base);
  for (const h of m.history) s += formatLine(h);
  for (const i of m.incrs) s += formatLine(i);
  return s;
}

/** sdssplitargs: words separated by blanks, "double" (escapes) and 'single' quoted words. */
function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    while (i < n && /\s/.test(line[i] as string)) i++;
    if (i >= n) return out;
    let cur = '';
    const q = line[i];
    if (q === '"') {
      i++;
      for (;;) {
        if (i >= n) return null;
        const ch = line[i] as string;
        if (ch === '\\' && i + 1 < n) {
          const e = line[i + 1] as string;
          if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          cur += ({ n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' } as Record<string, string>)[e] ?? e;
          i += 2;
          continue;
        }
        if (ch === '"') {
          i++;
          if (i < n && !/\s/.test(line[i] as string)) return null;
          break;
        }
        cur += ch;
        i++;
      }
    } else if (q === "'") {
      i++;
      for (;;) {
        if (i >= n) return null;
        const ch = line[i] as string;
        if (ch === '\\' && line[i + 1] === "'") {
          cur += "'";
          i += 2;
          continue;
        }
        if (ch === "'") {
          i++;
          if (i < n && !/\s/.test(line[i] as string)) return null;
          break;
        }
        cur += ch;
        i++;
      }
    } else {
      while (i < n && !/\s/.test(line[i] as string)) cur += line[i++];
    }
    out.push(cur);
  }
}

export class ManifestError extends Error {}

/** aofLoadManifestFromFile's rules; throws ManifestError with Redis's messages. */
export function parseManifest(text: string): AofManifest {
  const m = new AofManifest();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new ManifestError('Found an empty AOF manifest');
  let maxIncrSeq = 0;
  for (const raw of lines) {
    if (raw.startsWith('#')) continue;
    const line = raw.trim();
    const argv = splitArgs(line);
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) {
      throw new ManifestError('Invalid AOF manifest file format');
    }
    let name: string | null = null;
    let seq = 0;
    let type: string | null = null;
    for (let i = 0; i < argv.length; i += 2) {
      const k = (argv[i] as string).toLowerCase();
      const v = argv[i + 1] as string;
      if (k === 'file') name = v;
      else if (k === 'seq') seq = parseInt(v, 10) || 0;
      else if (k === 'type') type = v;
    }
    if (name === null || seq === 0 || type === null || type.length !== 1) {
      throw new ManifestError('Invalid AOF manifest file format');
    }
    if (type === 'b') {
      if (m.base) throw new ManifestError('Found duplicate base file information');
      m.base = { name, seq, type: 'b' };
      m.currBaseSeq = seq;
    } else if (type === 'h') {
      m.history.push({ name, seq, type: 'h' });
    } else if (type === 'i') {
      if (seq <= maxIncrSeq) throw new ManifestError('Found a non-monotonic sequence number');
      m.incrs.push({ name, seq, type: 'i' });
      m.currIncrSeq = seq;
      maxIncrSeq = seq;
    } else {
      throw new ManifestError('Unknown AOF file type');
    }
  }
  return m;
}
