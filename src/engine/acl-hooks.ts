/*
 * What the engine needs from the ACL layer (src/acl/), which sits above it: declared here,
 * implemented there, attached by the composition root (server.ts).
 *
 * Every client points at an AclSubject (its user). The dispatcher reads one boolean of it per
 * command: a user whose permissions cover every command, key and channel (the default user's
 * `+@all ~* &*`) is never checked further, so the common case costs a property read.
 */

import type { AclPort } from '../commands/context.js';
import type { Client } from './client.js';
import type { Command } from './registry.js';

/** The engine's view of an ACL user. */
export interface AclSubject {
  readonly name: string;
  /** True while some selector of the user allows every command, key and channel. */
  readonly unrestricted: boolean;
}

/**
 * Where a denied command was called from: ACL LOG's "context" ('exec' is a queued command
 * checked again when EXEC runs it, logged as 'multi').
 */
export type AclContext = 'toplevel' | 'multi' | 'exec' | 'lua';

export interface AclHooks {
  /** The user new connections (and RESET) start with. */
  readonly defaultUser: AclSubject;
  /** The default user needs a password (it lacks nopass, or it is off). */
  readonly authRequired: boolean;
  /**
   * Check `cmd` with `argv` for `c`'s user. Returns null when allowed; otherwise logs the denial
   * (ACL LOG) and returns the error reply for the context.
   */
  denied(c: Client, cmd: Command, argv: readonly string[], context: AclContext): string | null;
  /** The same check without logging (redis.acl_check_cmd). */
  allows(c: Client, cmd: Command, argv: readonly string[]): boolean;
}

/** The user of clients of an engine without the ACL layer (an engine built by hand). */
export const UNRESTRICTED_SUBJECT: AclSubject = { name: 'default', unrestricted: true };

/**
 * The ACL port of an engine without the ACL layer: only the default user, whose password is
 * `requirepass` (read through `requirepass()`).
 */
export function detachedAcl(requirepass: () => string): AclPort {
  const unavailable = 'ERR ACL is not available on this server';
  const none = (): { error: string } => ({ error: unavailable });
  return {
    authenticate(client, user, password) {
      const required = requirepass();
      if (user !== 'default' || (required !== '' && password !== required)) return false;
      client.setAuthenticated(true);
      return true;
    },
    get defaultUserNopass() {
      return requirepass() === '';
    },
    setUser: () => unavailable,
    delUsers: none,
    getUser: () => null,
    userExists: (name) => name === 'default',
    userNames: () => ['default'],
    list: () => [],
    categories: () => [],
    categoryCommands: () => null,
    log: () => [],
    logReset() {},
    dryRun: none,
    fullKeyReadAccess: () => true,
    load: () => unavailable,
    save: () => unavailable,
  };
}
