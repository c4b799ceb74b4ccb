// redis.conf loading. A configuration text is read line by line: each line
// is trimmed, comments (#) and blank lines are skipped, the rest is split
// into arguments with Redis's quoting rules (text.ts splitArgs) and the
// first argument, case-insensitive, names the directive. Schema directives
// take exactly one argument unless they are multi-argument ones (which also
// accept all their arguments quoted as one, e.g. save "3600 1 300 100").
// "include" loads another file (or a glob of files) in place, relative to
// the current directory; rename-command, user, loadmodule, module settings
// (names with a dot) and sentinel lines are collected for the layers that
// own them. The first error stops loading with Redis's exact report.

import fs from 'node:fs';
import path from 'node:path';
import { stringMatch } from '../util/glob.js';
import { DEPRECATED_DIRECTIVES } from './schema.js';
import { errnoText, splitArgs, trimChars } from './text.js';
import type { LoadSession } from './types.js';

export const REDIS_VERSION = '7.0.15';

/** A configuration error that stops the server, worded as Redis prints it. */
export class ConfigFileError extends Error {
  /**
   * 'directive': a bad line (lineNumber/line are set); 'check': a check after
   * a file was read (log file, cluster + replicaof); 'open': a file that
   * could not be read (its message is logged, not framed).
   */
  readonly kind: 'directive' | 'check' | 'open';
  readonly reason: string;
  readonly lineNumber: number | undefined;
  readonly line: string | undefined;
  readonly source: string | undefined;

  constructor(kind: 'directive' | 'check' | 'open', reason: string, lineNumber?: number, line?: string,
    source?: string) {
    super(ConfigFileError.format(kind, reason, lineNumber, line));
    this.name = 'ConfigFileError';
    this.kind = kind;
    this.reason = reason;
    this.lineNumber = lineNumber;
    this.line = line;
    this.source = source;
  }

  /** The text Redis writes to stderr before exiting. */
  static format(kind: string, reason: string, lineNumber?: number, line?: string): string {
    if (kind === 'open') return reason;
    let s = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`;
    if (lineNumber !== undefined) {
      s += `Reading the configuration file, at line ${lineNumber}\n`;
      s += `>>> '${line ?? ''}'\n`;
    }
    return s + reason + '\n';
  }
}

/** Outcome of handing a file-only directive to the layer that owns it. */
export type DirectiveCheck = string | null;

/** What the loader needs from the configuration it fills. */
export interface LoadTarget {
  readonly sentinelMode: boolean;
  /** Primary or alias entry by (lower-case) name, with whether it takes several arguments. */
  findDirective(name: string): { multiArg: boolean } | null;
  /** Set a directive from file arguments; returns null or the error text. */
  setFromFile(name: string, args: string[], session: LoadSession & { reading: boolean }): string | null;
  /** rename-command from to; null or error text. */
  renameCommand(from: string, to: string): DirectiveCheck;
  /** user name rules...; null or the full error text. */
  userDirective(args: string[]): DirectiveCheck;
  loadModule(modulePath: string, args: string[]): void;
  moduleConfig(name: string, value: string): void;
  sentinelDirective(args: string[], lineNumber: number, line: string): void;
  /** Checks run after each file: returns null or the error text. */
  afterLoad(): string | null;
}

const DEPRECATED = new Map(DEPRECATED_DIRECTIVES.map((d) => [d.name, d] as const));

interface Session extends LoadSession {
  reading: boolean;
}

export function newSession(): Session {
  return { saveLoaded: false, reading: true };
}

/**
 * Load configuration text (the contents of one file, possibly followed by
 * stdin and command-line options). Throws ConfigFileError on the first error.
 */
export function loadConfigText(target: LoadTarget, text: string, session: Session, source?: string): void {
  session.reading = true;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    const line = trimChars(lines[i] as string, ' \t\r\n');
    if (line.startsWith('#') || line === '') continue;
    const fail = (reason: string): never => {
      throw new ConfigFileError('directive', reason, lineNumber, line, source);
    };
    const argv = splitArgs(line);
    if (argv === null) fail('Unbalanced quotes in configuration line');
    const args = argv as string[];
    if (args.length === 0) continue;
    const name = (args[0] as string).toLowerCase();
    const argc = args.length;

    const dir = target.findDirective(name);
    if (dir !== null) {
      if (!dir.multiArg && argc !== 2) fail('wrong number of arguments');
      let values = args.slice(1);
      // One non-empty argument of a multi-argument directive holds them all.
      if (dir.multiArg && argc === 2 && (args[1] as string).length > 0) {
        values = splitArgs(args[1] as string) ?? [];
      }
      const err = target.setFromFile(name, values, session);
      if (err !== null) fail(err);
      continue;
    }
    const dep = DEPRECATED.get(name);
    if (dep && dep.minArgs <= argc && argc <= dep.maxArgs) continue;

    if (name === 'include' && argc === 2) {
      includeFiles(target, args[1] as string, session);
      // Redis marks the end of reading after an included file, so later save
      // lines of this file replace the save points instead of adding to them.
      session.reading = false;
    } else if (name === 'rename-command' && argc === 3) {
      const err = target.renameCommand(args[1] as string, args[2] as string);
      if (err !== null) fail(err);
    } else if (name === 'user' && argc >= 2) {
      const err = target.userDirective(args.slice(1));
      if (err !== null) fail(err);
    } else if (name === 'loadmodule' && argc >= 2) {
      target.loadModule(args[1] as string, args.slice(2));
    } else if (name.includes('.')) {
      if (argc < 2) fail('Module config specified without value');
      target.moduleConfig(name, args.slice(1).join(' '));
    } else if (name === 'sentinel') {
      if (argc !== 1) {
        if (!target.sentinelMode) fail('sentinel directive while not in sentinel mode');
        target.sentinelDirective(args.slice(1), lineNumber, line);
      }
    } else {
      fail('Bad directive or wrong number of arguments');
    }
  }
  const err = target.afterLoad();
  if (err !== null) throw new ConfigFileError('check', err, undefined, undefined, source);
  session.reading = false;
}

/** Read one config file (or every file a glob pattern names, in order). */
export function readConfigFiles(pattern: string): string {
  if (/[*?[]/.test(pattern)) {
    let text = '';
    for (const f of globFiles(pattern)) text += readOne(f);
    return text;
  }
  return readOne(pattern);
}

function readOne(file: string): string {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch (e) {
    throw new ConfigFileError('open', `Fatal error, can't open config file '${file}': ${errnoText(e)}`);
  }
}

function includeFiles(target: LoadTarget, pattern: string, session: Session): void {
  const text = readConfigFiles(pattern);
  loadConfigText(target, text, session, pattern);
}

/**
 * Expand a glob(3) pattern against the file system: each path component
 * may hold * ? [...]; names starting with a dot only match a literal dot;
 * results come sorted, and a pattern matching nothing yields nothing.
 */
export function globFiles(pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let bases: string[] = [absolute ? '/' : ''];
  const start = absolute ? 1 : 0;
  for (let i = start; i < parts.length; i++) {
    const part = parts[i] as string;
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(part)) {
        const p = base === '' ? part : path.join(base, part);
        if (last ? fs.existsSync(p) : isDir(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = fs.readdirSync(base === '' ? '.' : base);
      } catch {
        continue;
      }
      names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const n of names) {
        if (n.startsWith('.') && !part.startsWith('.')) continue;
        if (!stringMatch(part, n)) continue;
        const p = base === '' ? n : path.join(base, n);
        if (last ? !isDir(p) : isDir(p)) next.push(p);
      }
    }
    bases = next;
  }
  return bases.filter((b) => b !== '' && b !== '/');
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
