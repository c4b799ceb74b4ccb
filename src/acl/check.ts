/*
 * Permission checks (ACLCheckAllUserCommandPerm): a command is allowed when one selector of the
 * user allows the command (or its first argument), every key it names with the access the key
 * spec declares, and every channel it publishes or subscribes to. When every selector denies,
 * the reported reason is "command" unless some selector got past the command check, then the
 * key or channel at the highest argument position among the selectors' failures.
 */

import { F_NO_AUTH, type Command } from '../engine/registry.js';
import { commandHasKeys, commandKeys, type KeyRef } from '../commands/command-info.js';
import { stringMatch } from '../util/glob.js';
import { CH_PATTERN, CH_PUBLISH, CH_SUBSCRIBE } from './command-table.js';
import { PERM_READ, PERM_WRITE, SEL_ALLCHANNELS, SEL_ALLCOMMANDS, SEL_ALLKEYS, type Selector } from './selector.js';
import type { User } from './user.js';

export const ACL_OK = 0;
export const DENIED_CMD = 1;
export const DENIED_KEY = 2;
export const DENIED_AUTH = 3;
export const DENIED_CHANNEL = 4;

export interface CheckResult {
  reason: number;
  /** Argument index of the denied key or channel. */
  pos: number;
}

function keyAccess(flags: readonly string[]): number {
  let need = 0;
  for (const f of flags) {
    if (f === 'access') need |= PERM_READ;
    else if (f === 'insert' || f === 'delete' || f === 'update') need |= PERM_WRITE;
  }
  return need;
}

function keyAllowed(sel: Selector, key: string, specFlags: readonly string[]): boolean {
  if (sel.flags & SEL_ALLKEYS) return true;
  const need = keyAccess(specFlags);
  for (const p of sel.patterns) {
    if ((p.flags & need) !== need) continue;
    if (stringMatch(p.pattern, key)) return true;
  }
  return false;
}

/** ACLCheckChannelAgainstList: a pattern subscription matches ACL patterns literally. */
export function channelAllowed(list: readonly string[], channel: string, isPattern: boolean): boolean {
  for (const p of list) {
    if (isPattern ? p === channel : stringMatch(p, channel)) return true;
  }
  return false;
}

/** Memo of the key positions shared by the selectors of one check. */
interface KeyCache {
  keys: KeyRef[] | null;
}

function selectorCheck(
  sel: Selector, cmd: Command, id: number, argv: readonly string[], cache: KeyCache, out: CheckResult,
): number {
  const table = sel.table;
  if (!(sel.flags & SEL_ALLCOMMANDS) && !(cmd.flagBits & F_NO_AUTH) && sel.allowed[id] !== 1) {
    const firsts = sel.firstArgs?.get(id);
    if (argv.length < 2 || firsts === undefined) return DENIED_CMD;
    const arg = (argv[cmd.parent !== null ? 2 : 1] ?? '').toLowerCase();
    if (!firsts.some((f) => f.toLowerCase() === arg)) return DENIED_CMD;
  }
  if (!(sel.flags & SEL_ALLKEYS) && commandHasKeys(cmd.spec)) {
    if (cache.keys === null) cache.keys = commandKeys(cmd.spec, argv);
    for (const k of cache.keys) {
      if (!keyAllowed(sel, argv[k.pos] as string, k.flags)) {
        out.pos = k.pos;
        return DENIED_KEY;
      }
    }
  }
  const ch = table.channels[id];
  if (!(sel.flags & SEL_ALLCHANNELS) && ch != null && ch.flags & (CH_PUBLISH | CH_SUBSCRIBE)) {
    const stop = ch.count === -1 ? argv.length : Math.min(argv.length, 1 + ch.count);
    const isPattern = (ch.flags & CH_PATTERN) !== 0;
    for (let i = 1; i < stop; i++) {
      if (!channelAllowed(sel.channels, argv[i] as string, isPattern)) {
        out.pos = i;
        return DENIED_CHANNEL;
      }
    }
  }
  return ACL_OK;
}

/** ACLCheckAllUserCommandPerm. */
export function checkCommand(user: User, cmd: Command, argv: readonly string[]): CheckResult {
  const id = user.table.id(cmd);
  const cache: KeyCache = { keys: null };
  let relevant = DENIED_CMD;
  let lastIdx = 0;
  const local: CheckResult = { reason: 0, pos: 0 };
  for (const sel of user.selectors) {
    local.pos = 0;
    const r = selectorCheck(sel, cmd, id, argv, cache, local);
    if (r === ACL_OK) return { reason: ACL_OK, pos: 0 };
    if (r > relevant || (r === relevant && local.pos > lastIdx)) {
      relevant = r;
      lastIdx = local.pos;
    }
  }
  return { reason: relevant, pos: lastIdx };
}

/** ACLSelectorHasUnrestrictedKeyAccess: a `*` pattern (or allkeys) with the access `need`. */
function unrestrictedKeys(sel: Selector, need: number): boolean {
  if (sel.flags & SEL_ALLKEYS) return true;
  return sel.patterns.some((p) => (p.flags & need) === need && p.pattern === '*');
}

/** ACLUserCheckCmdWithUnrestrictedKeyAccess with read access. */
export function checkCommandWithAllKeysRead(user: User, cmd: Command, argv: readonly string[]): boolean {
  const id = user.table.id(cmd);
  const cache: KeyCache = { keys: null };
  const local: CheckResult = { reason: 0, pos: 0 };
  for (const sel of user.selectors) {
    if (selectorCheck(sel, cmd, id, argv, cache, local) === ACL_OK && unrestrictedKeys(sel, PERM_READ)) return true;
  }
  return false;
}
