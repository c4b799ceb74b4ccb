// The running configuration: one value per directive of the schema, set from
// redis.conf / the command line at startup and by CONFIG SET afterwards,
// read by CONFIG GET and written back by CONFIG REWRITE, all with Redis
// 7.0's semantics and error texts.
//
// CONFIG SET is atomic: every name is checked first, then every value is
// parsed and stored, then the apply hooks the server registered (onChange)
// run; if any step fails, every value of the command is restored (from its
// CONFIG GET text, as Redis does) and the hooks that already ran are called
// again so the server follows the restored values.

import fs from 'node:fs';
import path from 'node:path';
import { stringMatch } from '../util/glob.js';
import { loadConfigText, newSession, readConfigFiles, type LoadTarget } from './conf-file.js';
import { isImplemented } from './implemented.js';
import { rewriteFile, rewriteText, type RewriteSource } from './rewrite.js';
import { DIRECTIVES, PROTECTED_ACTION } from './schema.js';
import type { OutputBufferLimits, ReplicaOf, SaveParam } from './special.js';
import { errnoText, quoteArg, splitOn } from './text.js';
import {
  F, type ConfigEnv, type ConfigValue, type ConfigView, type DirectiveDef, type LoadSession,
  type RewriteSink, type SetContext,
} from './types.js';
import {
  formatEnum, formatNumeric, numericValue, parseBool, parseEnum, parseNumeric, parseString,
  rewriteNumeric, rewriteString,
} from './values.js';

/** One name CONFIG GET/SET accepts: a primary name or an alias of a directive. */
export interface DirectiveEntry {
  /** The name as registered (lower case). */
  readonly name: string;
  readonly def: DirectiveDef;
  readonly isAlias: boolean;
  /** Does nodis act on this directive? (see implemented.ts) */
  readonly implemented: boolean;
}

/** An apply hook: return null to accept the new value or an error text to reject it. */
export type ChangeHook = (value: ConfigValue, name: string) => string | null;

export interface ConfigSetOptions {
  /** Is the client on a loopback / unix socket connection? (enable-protected-configs local) */
  isLocalClient?: boolean;
  /** Is a dataset being loaded? (directives flagged deny-loading are refused) */
  loading?: boolean;
}

/** Hooks for the directives other layers own (ACL users, command renames, ...). */
export interface FileDirectiveHandlers {
  /** Validate and apply `rename-command from to`; return null or the error text. */
  renameCommand?: (from: string, to: string) => string | null;
  /** Validate `user <args...>`; return null or the full error text. */
  user?: (args: string[]) => string | null;
}

/** Line producers for CONFIG REWRITE of the directives other layers own. */
export interface RewriteProviders {
  /** `user ...` lines (without ACL file); defaults to the lines read at startup. */
  users?: () => string[];
  /** `loadmodule ...` lines; defaults to the lines read at startup. */
  loadModules?: () => string[];
  /**
   * Sentinel state, in sentinel mode: write each line with
   * rw.line(`sentinel <subcommand>`, line, true) so old lines are reused.
   */
  sentinel?: (rw: RewriteSink) => void;
}

export interface ConfigOptions {
  env?: ConfigEnv;
  sentinelMode?: boolean;
}

const defaultEnv: ConfigEnv = {
  cwd: () => process.cwd(),
  chdir(dir) {
    try {
      process.chdir(dir);
      return null;
    } catch (e) {
      return errnoText(e);
    }
  },
};

/**
 * A working directory private to one Config: `dir` moves it without touching the process's cwd,
 * so several embedded servers in one Node process (a test suite) each keep their own `dir`.
 * Paths the server opens are resolved against `getStr('dir')`.
 */
export function privateDirEnv(start: string): ConfigEnv {
  let cwd = path.resolve(start);
  return {
    cwd: () => cwd,
    chdir(dir) {
      const target = path.resolve(cwd, dir);
      try {
        if (!fs.statSync(target).isDirectory()) return 'Not a directory';
      } catch (e) {
        return errnoText(e);
      }
      cwd = target;
      return null;
    },
  };
}

const LOADING_ERROR = 'LOADING Redis is loading the dataset in memory';

export class Config implements ConfigView {
  readonly env: ConfigEnv;
  sentinelMode: boolean;
  /** Absolute path of the config file (CONFIG REWRITE target), or null. */
  configFile: string | null = null;

  /** `user` lines read from the configuration (arguments after "user"). */
  readonly users: string[][] = [];
  /** `rename-command` pairs, in file order. */
  readonly renamedCommands: Array<[string, string]> = [];
  /** `loadmodule` lines. */
  readonly loadModules: Array<{ path: string; args: string[] }> = [];
  /** Module settings (`module.name value`) waiting for their module. */
  readonly moduleConfigs = new Map<string, string>();
  /** `sentinel ...` lines (sentinel mode only). */
  readonly sentinelLines: Array<{ args: string[]; lineNumber: number; line: string }> = [];

  private readonly entries = new Map<string, DirectiveEntry>();
  private readonly values = new Map<DirectiveDef, unknown>();
  /**
   * getNum's answers by the name asked for (commands read limits on every call). Emptied
   * whenever any value is stored.
   */
  private readonly numCache = new Map<string, number>();
  private readonly hooks = new Map<DirectiveDef, ChangeHook[]>();
  private fileHandlers: FileDirectiveHandlers = {};
  private rewriteProviders: RewriteProviders = {};

  constructor(opts: ConfigOptions = {}) {
    this.env = opts.env ?? defaultEnv;
    this.sentinelMode = opts.sentinelMode ?? false;
    for (const def of DIRECTIVES) {
      const implemented = isImplemented(def.name);
      this.entries.set(def.name, { name: def.name, def, isAlias: false, implemented });
      if (def.alias) this.entries.set(def.alias, { name: def.alias, def, isAlias: true, implemented });
      this.values.set(def, initialValue(def));
    }
  }

  // -------------------------------------------------------------------------
  // Schema access

  /** The entry for a name (case-insensitive; aliases included). */
  lookup(name: string): DirectiveEntry | undefined {
    return this.entries.get(name.toLowerCase());
  }

  /** Every registered name, primary names and aliases. */
  allEntries(): IterableIterator<DirectiveEntry> {
    return this.entries.values();
  }

  private def(name: string): DirectiveDef {
    // Callers pass lowercase literals: try the name as given before lowercasing it.
    const e = this.entries.get(name) ?? this.entries.get(name.toLowerCase());
    if (!e) throw new Error(`unknown config directive '${name}'`);
    return e.def;
  }

  // -------------------------------------------------------------------------
  // Typed getters

  /**
   * The typed value: boolean for yes/no, number for numbers (a negative
   * value of maxmemory-clients is a percentage), the name for enumerations,
   * the text for strings ('' when unset) and the CONFIG GET text otherwise.
   */
  get(name: string): ConfigValue {
    return this.typed(this.def(name));
  }

  private typed(d: DirectiveDef): ConfigValue {
    const v = this.values.get(d);
    switch (d.kind) {
      case 'bool': return v as boolean;
      case 'numeric': return Number(numericValue(d, v as bigint));
      case 'enum': return formatEnum(d, v as number);
      case 'string': return (v as string | null) ?? '';
      case 'special': return this.formatDef(d);
    }
  }

  /** Every value change goes through here, so getNum's cache can never be stale. */
  private store(d: DirectiveDef, value: unknown): void {
    this.values.set(d, value);
    this.numCache.clear();
  }

  getNum(name: string): number {
    const cached = this.numCache.get(name);
    if (cached !== undefined) return cached;
    const d = this.def(name);
    if (d.kind !== 'numeric') throw new Error(`config '${name}' is not numeric`);
    const value = Number(numericValue(d, this.values.get(d) as bigint));
    this.numCache.set(name, value);
    return value;
  }

  /** The exact 64-bit value of a numeric directive. */
  getBigInt(name: string): bigint {
    const d = this.def(name);
    if (d.kind !== 'numeric') throw new Error(`config '${name}' is not numeric`);
    return numericValue(d, this.values.get(d) as bigint);
  }

  getBool(name: string): boolean {
    const d = this.def(name);
    if (d.kind !== 'bool') throw new Error(`config '${name}' is not yes/no`);
    return this.values.get(d) as boolean;
  }

  /** String directive text, '' when unset; for other kinds their CONFIG GET text. */
  getStr(name: string): string {
    return this.getStrOrNull(name) ?? '';
  }

  /** String directive text, null when unset; for other kinds their CONFIG GET text. */
  getStrOrNull(name: string): string | null {
    const d = this.def(name);
    if (d.kind === 'string') return this.values.get(d) as string | null;
    return this.formatDef(d);
  }

  /** Enumeration value name(s), e.g. 'allkeys-lru' or 'save now'. */
  getEnum(name: string): string {
    const d = this.def(name);
    if (d.kind !== 'enum') throw new Error(`config '${name}' is not an enumeration`);
    return formatEnum(d, this.values.get(d) as number);
  }

  /** Enumeration value as a number (bit flags for shutdown-on-sig*). */
  getEnumValue(name: string): number {
    const d = this.def(name);
    if (d.kind !== 'enum') throw new Error(`config '${name}' is not an enumeration`);
    return this.values.get(d) as number;
  }

  getSaveParams(): readonly SaveParam[] {
    return this.values.get(this.def('save')) as readonly SaveParam[];
  }

  getBindAddresses(): readonly string[] {
    return this.values.get(this.def('bind')) as readonly string[];
  }

  getReplicaOf(): ReplicaOf | null {
    return this.values.get(this.def('replicaof')) as ReplicaOf | null;
  }

  getOutputBufferLimits(): OutputBufferLimits {
    return this.values.get(this.def('client-output-buffer-limit')) as OutputBufferLimits;
  }

  /** notify-keyspace-events as NOTIFY bit flags. */
  getNotifyFlags(): number {
    return this.values.get(this.def('notify-keyspace-events')) as number;
  }

  getOomScoreAdjValues(): readonly number[] {
    return this.values.get(this.def('oom-score-adj-values')) as readonly number[];
  }

  getLatencyPercentiles(): readonly number[] {
    return this.values.get(this.def('latency-tracking-info-percentiles')) as readonly number[];
  }

  /** The CONFIG GET text of one directive. */
  format(name: string): string {
    return this.formatDef(this.def(name));
  }

  private formatDef(d: DirectiveDef): string {
    const v = this.values.get(d);
    switch (d.kind) {
      case 'bool': return v ? 'yes' : 'no';
      case 'numeric': return formatNumeric(d, v as bigint);
      case 'enum': return formatEnum(d, v as number);
      case 'string': return (v as string | null) ?? '';
      case 'special': return d.format(v, { env: this.env, view: this });
    }
  }

  // -------------------------------------------------------------------------
  // Setting values

  /**
   * Parse and store one directive's arguments, without hooks or
   * mutability checks. Returns the error text, or whether the value changed.
   */
  private setArgs(d: DirectiveDef, args: string[], ctx: SetContext): { error: string } | { changed: boolean } {
    const old = this.values.get(d);
    let next: unknown;
    switch (d.kind) {
      case 'bool': {
        const r = parseBool(d, args[0] ?? '', this);
        if ('error' in r) return r;
        next = r.value;
        break;
      }
      case 'numeric': {
        const r = parseNumeric(d, args[0] ?? '', this);
        if ('error' in r) return r;
        next = d.normalize ? d.normalize(r.value) : r.value;
        if (r.value !== old || (d.flags & F.VOLATILE) !== 0) {
          this.store(d, next);
          return { changed: true };
        }
        return { changed: false };
      }
      case 'enum': {
        const r = parseEnum(d, args, this);
        if ('error' in r) return r;
        next = r.value;
        break;
      }
      case 'string': {
        const r = parseString(d, args[0] ?? '', this);
        if ('error' in r) return r;
        next = r.value;
        break;
      }
      case 'special': {
        const r = d.set(args, old, ctx);
        if ('error' in r) return r;
        this.store(d, r.value);
        return { changed: r.changed };
      }
    }
    if (next !== old) {
      this.store(d, next);
      return { changed: true };
    }
    return { changed: (d.flags & F.VOLATILE) !== 0 };
  }

  private setContext(reading: boolean, session: LoadSession): SetContext {
    return { reading, session, env: this.env, view: this };
  }

  /** Set from a CONFIG GET-style text (multi-argument values split on spaces). */
  private setFromText(d: DirectiveDef, text: string): { error: string } | { changed: boolean } {
    const args = d.flags & F.MULTI_ARG ? splitOn(text, ' ') : [text];
    return this.setArgs(d, args, this.setContext(false, { saveLoaded: true }));
  }

  /**
   * Register an apply hook for a directive (any of its names). Hooks run
   * after CONFIG SET stored a changed value; a hook returning an error text
   * makes the whole CONFIG SET fail and roll back. A function registered for
   * several directives runs once per CONFIG SET. Loading a file does not run
   * hooks: read the values after loading.
   */
  onChange(name: string, fn: ChangeHook): void {
    const d = this.def(name);
    const list = this.hooks.get(d);
    if (list) list.push(fn);
    else this.hooks.set(d, [fn]);
  }

  /**
   * Keep state derived from several directives current: `refresh` runs once now and again
   * after every CONFIG SET that changes any of `names` (once per CONFIG SET however many of
   * them it sets). It cannot fail the CONFIG SET.
   */
  watch(names: readonly string[], refresh: () => void): void {
    const hook: ChangeHook = () => {
      refresh();
      return null;
    };
    for (const name of names) this.onChange(name, hook);
    refresh();
  }

  /**
   * CONFIG SET name value [name value ...]. Returns null on success or the
   * error reply text without its leading "-".
   */
  configSet(pairs: string[], opts: ConfigSetOptions = {}): string | null {
    if (pairs.length % 2 !== 0) return 'ERR syntax error';
    const count = pairs.length / 2;
    const chosen: DirectiveEntry[] = [];
    let invalidName: string | null = null;
    let invalid = false;
    let denyLoading = false;
    let errText: string | null = null;
    let errArg: string | null = null;
    const protectedMode = this.getEnumValue('enable-protected-configs');
    const allowProtected = protectedMode === PROTECTED_ACTION.YES ||
      (protectedMode === PROTECTED_ACTION.LOCAL && opts.isLocalClient === true);

    for (let i = 0; i < count; i++) {
      const typed = pairs[2 * i] as string;
      const entry = this.lookup(typed);
      if (!entry) {
        if (!invalid) {
          invalidName = typed;
          invalid = true;
        }
        continue;
      }
      if (invalid) continue;
      const flags = entry.def.flags;
      if (flags & F.IMMUTABLE || (flags & F.PROTECTED && !allowProtected)) {
        errText = flags & F.IMMUTABLE ? "can't set immutable config" : "can't set protected config";
        errArg = typed;
        invalid = true;
        continue;
      }
      if (opts.loading && flags & F.DENY_LOADING) {
        denyLoading = true;
        invalid = true;
        continue;
      }
      // The same name twice is refused; a name and its alias are not the same name.
      if (chosen.includes(entry)) {
        errText = 'duplicate parameter';
        errArg = typed;
        invalid = true;
      }
      chosen.push(entry);
    }

    const fail = (): string => {
      if (denyLoading) return LOADING_ERROR;
      if (invalidName !== null) return `ERR Unknown option or number of arguments for CONFIG SET - '${invalidName}'`;
      if (errText !== null) return `ERR CONFIG SET failed (possibly related to argument '${errArg}') - ${errText}`;
      return `ERR CONFIG SET failed (possibly related to argument '${errArg}')`;
    };
    if (invalid) return fail();

    const oldValues = chosen.map((e) => this.formatDef(e.def));
    const restore = (upto: number): void => {
      for (let i = 0; i < upto; i++) this.setFromText((chosen[i] as DirectiveEntry).def, oldValues[i] as string);
    };

    // Store every new value; collect each distinct hook once, in order.
    const toRun: Array<{ fn: ChangeHook; entry: DirectiveEntry }> = [];
    for (let i = 0; i < count; i++) {
      const entry = chosen[i] as DirectiveEntry;
      const r = this.setFromText(entry.def, pairs[2 * i + 1] as string);
      if ('error' in r) {
        restore(i + 1);
        errText = r.error;
        errArg = entry.name;
        return fail();
      }
      if (!r.changed) continue;
      for (const fn of this.hooks.get(entry.def) ?? []) {
        if (!toRun.some((h) => h.fn === fn)) toRun.push({ fn, entry });
      }
    }

    for (const h of toRun) {
      const err = h.fn(this.typed(h.entry.def), h.entry.def.name);
      if (err !== null) {
        restore(count);
        for (const again of toRun) again.fn(this.typed(again.entry.def), again.entry.def.name);
        errText = err;
        errArg = h.entry.name;
        return fail();
      }
    }
    return null;
  }

  /**
   * CONFIG GET pattern [pattern ...]: [name, value] pairs. A pattern without
   * glob characters is an exact (case-insensitive) lookup that also finds
   * hidden directives and echoes the name as given; a glob pattern matches
   * every visible name, aliases included. Each directive name appears once.
   */
  configGet(patterns: string[]): Array<[string, string]> {
    const found = new Map<string, [string, DirectiveDef]>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const key = pattern.toLowerCase();
        if (found.has(key)) continue;
        const e = this.entries.get(key);
        if (e) found.set(key, [pattern, e.def]);
        continue;
      }
      for (const e of this.entries.values()) {
        if (e.def.flags & F.HIDDEN) continue;
        if (found.has(e.name)) continue;
        if (stringMatch(pattern, e.name, true)) found.set(e.name, [e.name, e.def]);
      }
    }
    const out: Array<[string, string]> = [];
    for (const [name, d] of found.values()) out.push([name, this.formatDef(d)]);
    return out;
  }

  // -------------------------------------------------------------------------
  // Loading redis.conf

  /** Hooks for rename-command and user lines (owned by other layers). */
  setFileDirectiveHandlers(h: FileDirectiveHandlers): void {
    this.fileHandlers = h;
  }

  /** Line producers for CONFIG REWRITE of users, modules and sentinel state. */
  setRewriteProviders(p: RewriteProviders): void {
    this.rewriteProviders = { ...this.rewriteProviders, ...p };
  }

  /** Load redis.conf-syntax text. Throws ConfigFileError. */
  loadText(text: string, source?: string): void {
    loadConfigText(this.loadTarget(), text, newSession(), source);
  }

  /** Load a config file (and what it includes); remembers it for CONFIG REWRITE. */
  loadFile(file: string): void {
    this.loadStartup({ configFile: file });
  }

  /**
   * Startup loading as redis-server does it: the config file's text, then
   * stdin's, then a newline and the command-line options, parsed as one text
   * (so line numbers in errors count from the top of the file).
   */
  loadStartup(opts: { configFile?: string; stdinText?: string; options?: string }): void {
    let text = '';
    if (opts.configFile !== undefined) {
      this.configFile = path.resolve(opts.configFile);
      text += readConfigFiles(opts.configFile);
    }
    if (opts.stdinText !== undefined) text += opts.stdinText;
    if (opts.options !== undefined && opts.options !== '') text += '\n' + opts.options;
    loadConfigText(this.loadTarget(), text, newSession(), opts.configFile);
  }

  private loadTarget(): LoadTarget {
    const target: LoadTarget = {
      sentinelMode: this.sentinelMode,
      findDirective: (name) => {
        const e = this.entries.get(name);
        return e ? { multiArg: (e.def.flags & F.MULTI_ARG) !== 0 } : null;
      },
      setFromFile: (name, args, session) => {
        const e = this.entries.get(name) as DirectiveEntry;
        const r = this.setArgs(e.def, args, this.setContext(session.reading, session));
        return 'error' in r ? r.error : null;
      },
      renameCommand: (from, to) => {
        const err = this.fileHandlers.renameCommand?.(from, to) ?? null;
        if (err === null) this.renamedCommands.push([from, to]);
        return err;
      },
      userDirective: (args) => {
        const err = this.fileHandlers.user?.(args) ?? null;
        if (err === null) this.users.push(args);
        return err;
      },
      loadModule: (p, args) => {
        this.loadModules.push({ path: p, args });
      },
      moduleConfig: (name, value) => {
        this.moduleConfigs.set(name, value);
      },
      sentinelDirective: (args, lineNumber, line) => {
        this.sentinelLines.push({ args, lineNumber, line });
      },
      afterLoad: () => this.afterLoad(),
    };
    return target;
  }

  private afterLoad(): string | null {
    const logfile = this.getStr('logfile');
    if (logfile !== '') {
      try {
        fs.closeSync(fs.openSync(logfile, 'a'));
      } catch (e) {
        return `Can't open the log file: ${errnoText(e)}`;
      }
    }
    if (this.getBool('cluster-enabled') && this.getReplicaOf() !== null) {
      return 'replicaof directive not allowed in cluster mode';
    }
    return null;
  }

  // -------------------------------------------------------------------------
  // CONFIG REWRITE

  /**
   * CONFIG REWRITE: returns null on success or the error reply text
   * without its leading "-".
   */
  rewrite(): string | null {
    if (this.configFile === null) return 'ERR The server is running without a config file';
    return rewriteFile(this.configFile, this.rewriteSource());
  }

  /** The text CONFIG REWRITE would write over `oldText` (for tests and debugging). */
  rewriteToString(oldText: string, forceAll = false): string {
    return rewriteText(oldText, this.rewriteSource(), forceAll);
  }

  private rewriteSource(): RewriteSource {
    return {
      primaryName: (name) => this.entries.get(name)?.def.name ?? null,
      sentinelMode: this.sentinelMode,
      emit: (rw) => this.emitRewrite(rw),
    };
  }

  private emitRewrite(rw: RewriteSink): void {
    const ctx = { env: this.env, view: this };
    for (const d of DIRECTIVES) {
      const v = this.values.get(d);
      switch (d.kind) {
        case 'bool': {
          const b = v as boolean;
          rw.line(d.name, `${d.name} ${b ? 'yes' : 'no'}`, b !== d.default);
          break;
        }
        case 'numeric': rewriteNumeric(d, v as bigint, rw); break;
        case 'enum':
          rw.line(d.name, `${d.name} ${formatEnum(d, v as number)}`, v !== d.default);
          break;
        case 'string': rewriteString(d, v as string | null, rw); break;
        case 'special': d.rewrite(v, rw, ctx); break;
      }
    }
    // Users: with an ACL file, user lines do not belong in redis.conf.
    if (this.getStr('aclfile') !== '') {
      rw.processed('user');
    } else {
      const lines = this.rewriteProviders.users?.() ??
        this.users.map((a) => 'user ' + a.map(argText).join(' '));
      for (const l of lines) rw.line('user', l, true);
      rw.processed('user');
    }
    const mods = this.rewriteProviders.loadModules?.() ??
      this.loadModules.map((m) => ['loadmodule', m.path, ...m.args].map(argText).join(' '));
    for (const l of mods) rw.line('loadmodule', l, true);
    rw.processed('loadmodule');
    if (this.sentinelMode) this.rewriteProviders.sentinel?.(rw);
  }
}

/** Write an argument bare when splitArgs reads it back unchanged, quoted otherwise. */
function argText(a: string): string {
  return /^[\x21-\x7e]+$/.test(a) && !/["']/.test(a) ? a : quoteArg(a);
}

function initialValue(d: DirectiveDef): unknown {
  switch (d.kind) {
    case 'bool': return d.default;
    case 'numeric': return d.default;
    case 'enum': return d.default;
    case 'string': return d.emptyIsNull && d.default === '' ? null : d.default;
    case 'special': return d.init();
  }
}
