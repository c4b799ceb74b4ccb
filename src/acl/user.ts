/*
 * ACL users: flags (on/off, nopass, payload sanitizing), SHA-256 password hashes, and the
 * selectors. Rules are applied one at a time with ACLSetUser's semantics; ACL SETUSER stages
 * them on a copy so a bad rule leaves the user untouched.
 */

import { createHash } from 'node:crypto';
import type { AclSubject } from '../engine/acl-hooks.js';
import { splitArgs } from '../config/text.js';
import type { CommandTable } from './command-table.js';
import {
  Selector, SEL_ALLCHANNELS, SEL_ALLCOMMANDS, SEL_ALLKEYS, SEL_ROOT, type RuleError,
} from './selector.js';

const U_ENABLED = 1;
export const U_DISABLED = 2;
export const U_NOPASS = 4;
const U_SKIP_SANITIZE = 8;
const U_SANITIZE = 16;

/** Flag names in the order ACL LIST / GETUSER show them. */
const USER_FLAGS: ReadonlyArray<[string, number]> = [
  ['on', U_ENABLED], ['off', U_DISABLED], ['nopass', U_NOPASS],
  ['skip-sanitize-payload', U_SKIP_SANITIZE], ['sanitize-payload', U_SANITIZE],
];

/** SHA-256 of the password bytes (latin1), lowercase hex. */
export function hashPassword(password: string): string {
  return createHash('sha256').update(Buffer.from(password, 'latin1')).digest('hex');
}

function validHash(h: string): boolean {
  return /^[0-9a-f]{64}$/.test(h);
}

/** ACLSetUserStringError. */
export function ruleErrorText(e: RuleError): string {
  switch (e) {
    case 'ENOENT': return 'Unknown command or category name in ACL';
    case 'EINVAL': return 'Syntax error';
    case 'EEXIST':
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any " +
        "effect. Try 'resetkeys' to start with an empty list of patterns";
    case 'EISDIR':
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any " +
        "effect. Try 'resetchannels' to start with an empty list of channels";
    case 'ENODEV': return 'The password you are trying to remove from the user does not exist';
    case 'EBADMSG': return 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
    case 'EALREADY': return 'Duplicate user found. A user can only be defined once in config files';
    case 'ECHILD': return 'Allowing first-arg of a subcommand is not supported';
  }
}

/**
 * ACLMergeSelectorArguments: join a selector written over several arguments (`(+get`, `~k)`)
 * into one. Returns the merged rules, or the index of an unterminated selector's first part.
 */
export function mergeSelectorArgs(args: readonly string[]): string[] | { unmatched: number } {
  const out: string[] = [];
  let open = -1;
  let sel = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j] as string;
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      sel = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      sel += ' ' + op;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(sel);
      }
      continue;
    }
    out.push(op);
  }
  return open !== -1 ? { unmatched: open } : out;
}

export class User implements AclSubject {
  flags = U_DISABLED;
  passwords: string[] = [];
  selectors: Selector[];
  unrestricted = false;
  private described: string | null = null;

  constructor(readonly name: string, readonly table: CommandTable, private readonly pubsubDefault: () => number) {
    this.selectors = [new Selector(table, SEL_ROOT, pubsubDefault())];
  }

  get root(): Selector {
    return this.selectors[0] as Selector;
  }

  /** Make this user's rules a copy of `src`'s (the name stays). */
  copyFrom(src: User): void {
    this.flags = src.flags;
    this.passwords = src.passwords.slice();
    this.selectors = src.selectors.map((s) => s.clone());
    this.described = null;
    this.refresh();
  }

  /** Recompute the cached "no check needed" flag after a change. */
  private refresh(): void {
    const all = SEL_ALLKEYS | SEL_ALLCHANNELS | SEL_ALLCOMMANDS;
    this.unrestricted = this.selectors.some((s) => (s.flags & all) === all);
  }

  /** ACLSetUser: apply one rule (an empty rule does nothing). */
  apply(op: string): RuleError | null {
    this.described = null;
    const r = this.applyRule(op);
    this.refresh();
    return r;
  }

  private applyRule(op: string): RuleError | null {
    if (op === '') return null;
    const low = op.toLowerCase();
    switch (low) {
      case 'on':
        this.flags = (this.flags | U_ENABLED) & ~U_DISABLED;
        return null;
      case 'off':
        this.flags = (this.flags | U_DISABLED) & ~U_ENABLED;
        return null;
      case 'skip-sanitize-payload':
        this.flags = (this.flags | U_SKIP_SANITIZE) & ~U_SANITIZE;
        return null;
      case 'sanitize-payload':
        this.flags = (this.flags | U_SANITIZE) & ~U_SKIP_SANITIZE;
        return null;
      case 'nopass':
        this.flags |= U_NOPASS;
        this.passwords = [];
        return null;
      case 'resetpass':
        this.flags &= ~U_NOPASS;
        this.passwords = [];
        return null;
      case 'clearselectors':
        this.selectors = [this.root];
        return null;
      case 'reset':
        this.applyRule('resetpass');
        this.applyRule('resetkeys');
        this.applyRule('resetchannels');
        if (this.pubsubDefault() & SEL_ALLCHANNELS) this.applyRule('allchannels');
        this.applyRule('off');
        this.applyRule('sanitize-payload');
        this.applyRule('clearselectors');
        this.applyRule('-@all');
        return null;
    }
    const c = op[0];
    if (c === '>' || c === '#' || c === '<' || c === '!') {
      // '>' and '<' name a password, '#' and '!' its hash.
      const given = c === '#' || c === '!';
      const hash = given ? op.slice(1) : hashPassword(op.slice(1));
      if (given && !validHash(hash)) return 'EBADMSG';
      if (c === '>' || c === '#') {
        if (!this.passwords.includes(hash)) this.passwords.push(hash);
        this.flags &= ~U_NOPASS;
        return null;
      }
      const i = this.passwords.indexOf(hash);
      if (i < 0) return 'ENODEV';
      this.passwords.splice(i, 1);
      return null;
    }
    if (c === '(' && op[op.length - 1] === ')') {
      const sel = new Selector(this.table, 0, this.pubsubDefault());
      const args = splitArgs(op.slice(1, -1)) ?? [];
      for (const a of args) {
        const e = sel.apply(a);
        if (e !== null) return e;
      }
      this.selectors.push(sel);
      return null;
    }
    return this.root.apply(op);
  }

  /** ACLCheckUserCredentials for an existing user. */
  checkPassword(password: string): boolean {
    if (this.flags & U_DISABLED) return false;
    if (this.flags & U_NOPASS) return true;
    const h = hashPassword(password);
    return this.passwords.includes(h);
  }

  flagNames(): string[] {
    const out: string[] = [];
    for (const [name, bit] of USER_FLAGS) if (this.flags & bit) out.push(name);
    return out;
  }

  /** ACLDescribeUser: the rules ACL LIST and the ACL file show after the user name. */
  describe(): string {
    if (this.described !== null) return this.described;
    let out = '';
    for (const f of this.flagNames()) out += f + ' ';
    for (const p of this.passwords) out += '#' + p + ' ';
    for (const s of this.selectors) {
      if (s.flags & SEL_ROOT) out += s.describe();
      else out += ` (${s.describe()})`;
    }
    this.described = out;
    return out;
  }
}
