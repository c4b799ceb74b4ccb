/*
 * ACL selectors: one set of command, key and channel permissions. A user has a root selector
 * (the rules written outside parentheses) and any number of extra selectors `(...)`; a command
 * is allowed when one selector allows it whole.
 *
 * Commands are a byte-per-id bitmap over the CommandTable plus, per command id, the list of
 * first arguments allowed for an otherwise denied command (+select|0). Key patterns carry read
 * and/or write permission (%R~, %W~, ~ for both); channel patterns are plain globs.
 */

import type { Command } from '../engine/registry.js';
import type { CommandTable } from './command-table.js';
import { CATEGORIES, categoryBit } from './command-table.js';

export const SEL_ROOT = 1;
export const SEL_ALLKEYS = 2;
export const SEL_ALLCHANNELS = 4;
export const SEL_ALLCOMMANDS = 8;

export const PERM_READ = 1;
export const PERM_WRITE = 2;
const PERM_ALL = PERM_READ | PERM_WRITE;

/** The errno-like codes of ACLSetUser / ACLSetSelector failures. */
export type RuleError = 'ENOENT' | 'EINVAL' | 'EEXIST' | 'EISDIR' | 'ENODEV' | 'EBADMSG' | 'EALREADY' | 'ECHILD';

export interface KeyPattern {
  pattern: string;
  flags: number;
}

/** Redis's isspace() plus NUL: bytes not allowed in usernames and patterns. */
export function hasSpaces(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 32 || (c >= 9 && c <= 13)) return true;
  }
  return false;
}

export class Selector {
  flags: number;
  allowed: Uint8Array;
  /** Allowed first arguments per command id (lowercase compare), or null when none. */
  firstArgs: Map<number, string[]> | null = null;
  patterns: KeyPattern[] = [];
  channels: string[] = [];

  constructor(readonly table: CommandTable, flags: number, pubsubDefault: number) {
    this.flags = flags | pubsubDefault;
    this.allowed = new Uint8Array(table.size);
  }

  clone(): Selector {
    const s = new Selector(this.table, this.flags, 0);
    s.allowed.set(this.allowed);
    if (this.firstArgs !== null) {
      s.firstArgs = new Map();
      for (const [id, list] of this.firstArgs) s.firstArgs.set(id, list.slice());
    }
    s.patterns = this.patterns.map((p) => ({ pattern: p.pattern, flags: p.flags }));
    s.channels = this.channels.slice();
    return s;
  }

  canRunFutureCommands(): boolean {
    return this.allowed[this.table.futureId] === 1;
  }

  private setBit(id: number, on: boolean): void {
    this.allowed[id] = on ? 1 : 0;
    if (!on) this.flags &= ~SEL_ALLCOMMANDS;
  }

  /** ACLChangeSelectorPerm: a command and all its subcommands. */
  changePerm(cmd: Command, allow: boolean): void {
    const id = this.table.id(cmd);
    this.setBit(id, allow);
    this.firstArgs?.delete(id);
    if (cmd.subcommands !== null) for (const sub of cmd.subcommands.values()) this.setBit(this.table.id(sub), allow);
  }

  /** +@cat / -@cat: false for an unknown category. */
  setCategoryByName(name: string, allow: boolean): boolean {
    const bit = categoryBit(name);
    if (bit === 0) return false;
    for (const cmd of this.table.inCategory(bit)) this.changePerm(cmd, allow);
    return true;
  }

  private addFirstArg(id: number, sub: string): void {
    if (this.firstArgs === null) this.firstArgs = new Map();
    const list = this.firstArgs.get(id);
    if (list === undefined) {
      this.firstArgs.set(id, [sub]);
      return;
    }
    const low = sub.toLowerCase();
    if (list.some((s) => s.toLowerCase() === low)) return;
    list.push(sub);
  }

  /** ACLSetSelector: apply one rule; returns null or the error code. */
  apply(op: string): RuleError | null {
    const low = op.toLowerCase();
    if (low === 'allkeys' || op === '~*') {
      this.flags |= SEL_ALLKEYS;
      this.patterns = [];
    } else if (low === 'resetkeys') {
      this.flags &= ~SEL_ALLKEYS;
      this.patterns = [];
    } else if (low === 'allchannels' || op === '&*') {
      this.flags |= SEL_ALLCHANNELS;
      this.channels = [];
    } else if (low === 'resetchannels') {
      this.flags &= ~SEL_ALLCHANNELS;
      this.channels = [];
    } else if (low === 'allcommands' || low === '+@all') {
      this.allowed.fill(1);
      this.flags |= SEL_ALLCOMMANDS;
      this.firstArgs = null;
    } else if (low === 'nocommands' || low === '-@all') {
      this.allowed.fill(0);
      this.flags &= ~SEL_ALLCOMMANDS;
      this.firstArgs = null;
    } else if (op[0] === '~' || op[0] === '%') {
      return this.addKeyPattern(op);
    } else if (op[0] === '&') {
      if (this.flags & SEL_ALLCHANNELS) return 'EISDIR';
      const pat = op.slice(1);
      if (hasSpaces(pat)) return 'EINVAL';
      if (!this.channels.includes(pat)) this.channels.push(pat);
      this.flags &= ~SEL_ALLCHANNELS;
    } else if (op[0] === '+' && op[1] !== '@') {
      return this.allowCommand(op.slice(1));
    } else if (op[0] === '-' && op[1] !== '@') {
      const cmd = this.table.lookup(op.slice(1));
      if (cmd === null) return 'ENOENT';
      this.changePerm(cmd, false);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      if (!this.setCategoryByName(op.slice(2), op[0] === '+')) return 'ENOENT';
    } else {
      return 'EINVAL';
    }
    return null;
  }

  private addKeyPattern(op: string): RuleError | null {
    if (this.flags & SEL_ALLKEYS) return 'EEXIST';
    let flags = 0;
    let offset = 1;
    if (op[0] === '%') {
      for (; offset < op.length; offset++) {
        const ch = op[offset] as string;
        const up = ch.toUpperCase();
        if (up === 'R' && !(flags & PERM_READ)) flags |= PERM_READ;
        else if (up === 'W' && !(flags & PERM_WRITE)) flags |= PERM_WRITE;
        else if (ch === '~') {
          offset++;
          break;
        } else return 'EINVAL';
      }
    } else {
      flags = PERM_ALL;
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) return 'EINVAL';
    const existing = this.patterns.find((p) => p.pattern === pattern);
    if (existing === undefined) this.patterns.push({ pattern, flags });
    else existing.flags |= flags;
    this.flags &= ~SEL_ALLKEYS;
    return null;
  }

  private allowCommand(name: string): RuleError | null {
    const bar = name.lastIndexOf('|');
    if (bar < 0) {
      const cmd = this.table.lookup(name);
      if (cmd === null) return 'ENOENT';
      this.changePerm(cmd, true);
      return null;
    }
    const cmd = this.table.lookup(name.slice(0, bar));
    if (cmd === null) return 'ENOENT';
    if (cmd.parent !== null) return 'ECHILD';
    const sub = name.slice(bar + 1);
    if (sub === '') return 'EINVAL';
    if (cmd.subcommands !== null) {
      const subCmd = this.table.lookup(name);
      if (subCmd === null) return 'ENOENT';
      this.changePerm(subCmd, true);
    } else {
      this.table.warn('Deprecation warning: Allowing a first arg of an otherwise blocked command is a misuse of ACL ' +
        `and may get disabled in the future (offender: +${name})`);
      this.addFirstArg(this.table.id(cmd), sub);
    }
    return null;
  }

  /* ---- description ------------------------------------------------------------------------ */

  /** Key patterns as rules (`~a %R~b`), space separated. */
  describeKeys(): string {
    if (this.flags & SEL_ALLKEYS) return '~*';
    return this.patterns.map(patternRule).join(' ');
  }

  describeCommands(): string {
    return describeCommandRules(this);
  }

  describeChannels(): string {
    if (this.flags & SEL_ALLCHANNELS) return '&*';
    return this.channels.map((c) => '&' + c).join(' ');
  }

  /** ACLDescribeSelector: keys, channels and command rules, as ACL LIST shows a selector. */
  describe(): string {
    const channels = this.flags & SEL_ALLCHANNELS ? '' : 'resetchannels';
    const parts = [this.describeKeys(), channels, this.describeChannels(), describeCommandRules(this)];
    return parts.filter((p) => p !== '').join(' ');
  }
}

function patternRule(p: KeyPattern): string {
  if (p.flags === PERM_ALL) return '~' + p.pattern;
  return (p.flags === PERM_READ ? '%R~' : '%W~') + p.pattern;
}

/** Allowed and denied counts of a category's commands in a bitmap (subcommands included). */
function countCategory(table: CommandTable, allowed: Uint8Array, bit: number): [number, number] {
  let on = 0;
  let off = 0;
  for (let id = 0; id < table.byId.length; id++) {
    if (table.cats[id]! & bit) {
      if (allowed[id]) on++;
      else off++;
    }
  }
  return [on, off];
}

/**
 * ACLDescribeSelectorCommandRules: rules that rebuild the selector's command bitmap. Start from
 * +@all (when the selector may run future commands) or -@all, then greedily apply the category
 * that fits best (more commands in common than different, fewest differences, then most in
 * common), and finally fix single commands, emitting first-arg rules of denied commands.
 */
function describeCommandRules(sel: Selector): string {
  const table = sel.table;
  const additive = !sel.canRunFutureCommands();
  const fake = new Selector(table, 0, 0);
  const rules: string[] = [];
  fake.apply(additive ? '-@all' : '+@all');
  rules.push(additive ? '-@all' : '+@all');
  const temp = new Selector(table, 0, 0);
  temp.allowed.set(sel.allowed);
  const applied = new Array<boolean>(CATEGORIES.length).fill(false);
  for (;;) {
    let best = -1;
    let minDiff = Number.MAX_SAFE_INTEGER;
    let maxSame = 0;
    for (let j = 0; j < CATEGORIES.length; j++) {
      if (applied[j]) continue;
      const [on, off] = countCategory(table, temp.allowed, 1 << j);
      const diff = additive ? off : on;
      const same = additive ? on : off;
      if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
        best = j;
        minDiff = diff;
        maxSame = same;
      }
    }
    if (best < 0) break;
    const name = CATEGORIES[best] as string;
    fake.setCategoryByName(name, additive);
    temp.setCategoryByName(name, !additive);
    rules.push((additive ? '+@' : '-@') + name);
    applied[best] = true;
  }
  describeSingle(sel, fake, table.top, rules);
  return rules.join(' ');
}

function describeSingle(sel: Selector, fake: Selector, list: Iterable<Command>, rules: string[]): void {
  const table = sel.table;
  for (const cmd of list) {
    const id = table.id(cmd);
    const userBit = sel.allowed[id] === 1;
    if (userBit !== (fake.allowed[id] === 1)) {
      rules.push((userBit ? '+' : '-') + cmd.fullName);
      fake.changePerm(cmd, userBit);
    }
    if (cmd.subcommands !== null) describeSingle(sel, fake, cmd.subcommands.values(), rules);
    const firsts = sel.firstArgs?.get(id);
    if (!userBit && firsts !== undefined) for (const f of firsts) rules.push(`+${cmd.fullName}|${f}`);
  }
}
