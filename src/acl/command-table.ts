/*
 * The command universe ACL rules talk about: every command and subcommand of the registry gets
 * a small integer id (the index of its bit in a selector's allowed-commands bitmap) and a
 * bitmask of its ACL categories (explicit ones from the spec plus the implicit ones derived
 * from its flags, as Redis's setImplicitACLCategories does). One extra id past the last command
 * stands for "commands added in the future": only +@all / allcommands sets it, and ACL LIST
 * uses it to decide between starting with +@all or -@all.
 */

import type { Command, Registry } from '../engine/registry.js';
import { aclCategories } from '../commands/command-info.js';

/** Redis 7.0's categories in its order (ACL CAT, COMMAND INFO and describe all follow it). */
export const CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog',
  'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection',
  'transaction', 'scripting',
] as const;

/** The category's bit, or 0 for an unknown name (case-insensitive, as Redis compares). */
export function categoryBit(name: string): number {
  const i = (CATEGORIES as readonly string[]).indexOf(name.toLowerCase());
  return i < 0 ? 0 : 1 << i;
}

/** Channel arguments of the pub/sub commands (Redis's commands_with_channels table). */
export const CH_PUBLISH = 1;
export const CH_SUBSCRIBE = 2;
const CH_UNSUBSCRIBE = 4;
export const CH_PATTERN = 8;
const CHANNEL_SPECS: Record<string, { flags: number; count: number }> = {
  subscribe: { flags: CH_SUBSCRIBE, count: -1 },
  ssubscribe: { flags: CH_SUBSCRIBE, count: -1 },
  unsubscribe: { flags: CH_UNSUBSCRIBE, count: -1 },
  sunsubscribe: { flags: CH_UNSUBSCRIBE, count: -1 },
  psubscribe: { flags: CH_PATTERN | CH_SUBSCRIBE, count: -1 },
  punsubscribe: { flags: CH_PATTERN | CH_UNSUBSCRIBE, count: -1 },
  publish: { flags: CH_PUBLISH, count: 1 },
  spublish: { flags: CH_PUBLISH, count: 1 },
};

export class CommandTable {
  /** Commands by id. */
  readonly byId: Command[] = [];
  /** Category bitmask by id. */
  readonly cats: number[] = [];
  /** Channel spec by id (null for commands without channel arguments). */
  readonly channels: Array<{ flags: number; count: number } | null> = [];
  private readonly ids = new Map<Command, number>();
  /** Top-level commands in table order. */
  readonly top: readonly Command[];
  /** Where rule warnings go (the server log once attached). */
  warn: (msg: string) => void = () => {};

  constructor(readonly registry: Registry) {
    this.top = registry.commands;
    for (const cmd of registry.all()) {
      this.ids.set(cmd, this.byId.length);
      this.byId.push(cmd);
      let mask = 0;
      for (const cat of aclCategories(cmd.spec)) mask |= categoryBit(cat);
      this.cats.push(mask);
      this.channels.push(cmd.parent === null ? CHANNEL_SPECS[cmd.spec.name] ?? null : null);
    }
  }

  /** Bitmap size: one bit per command plus the "future commands" bit. */
  get size(): number {
    return this.byId.length + 1;
  }

  /** The id of the reserved "future commands" bit. */
  get futureId(): number {
    return this.byId.length;
  }

  id(cmd: Command): number {
    const id = this.ids.get(cmd);
    if (id === undefined) throw new Error(`command ${cmd.fullName} is not in the ACL table`);
    return id;
  }

  /** The commands and subcommands in a category (its bit), in table order. */
  inCategory(bit: number): Command[] {
    return this.byId.filter((_, id) => this.cats[id]! & bit);
  }

  /**
   * ACLLookupCommand: `name` or `container|sub` (any case); null when unknown, when the
   * container has no such subcommand, or when the name has more than one '|'.
   */
  lookup(name: string): Command | null {
    const parts = name.split('|');
    if (parts.length > 2) return null;
    const base = this.registry.base(parts[0] as string);
    if (base === undefined) return null;
    if (parts.length === 1) return base;
    if (base.subcommands === null) return null;
    return base.subcommands.get((parts[1] as string).toLowerCase()) ?? null;
  }
}
