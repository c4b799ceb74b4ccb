/*
 * The ACL layer's entry points for the composition root: validate `user` lines while the
 * configuration is read, then attach the ACL service to an engine (load the configured users
 * or the ACL file, follow requirepass, answer the engine's gate and the ACL commands).
 */

import type { Engine } from '../engine/engine.js';
import { Registry } from '../engine/registry.js';
import { COMMANDS } from '../commands/table.js';
import { Acl } from './acl.js';
import { CommandTable } from './command-table.js';
import { User, mergeSelectorArgs, ruleErrorText } from './user.js';

let validationTable: CommandTable | null = null;

/**
 * ACLAppendUserForLoading's check of the `user <name> <rules...>` lines of one configuration
 * load (args without the `user` keyword): a name defined twice and syntax errors are refused;
 * unknown commands are accepted here (reported when the users are loaded). The returned
 * function gives null or the config error text.
 */
export function userDirectiveValidator(): (args: readonly string[]) => string | null {
  const seen = new Set<string>();
  return (args) => {
    const err = validateUserDirective(args, seen);
    if (err === null) seen.add(args[0] as string);
    return err;
  };
}

function validateUserDirective(args: readonly string[], seen: ReadonlySet<string>): string | null {
  validationTable ??= new CommandTable(new Registry(COMMANDS));
  // Redis names the argument at the failing rule's index counted from the `user` keyword.
  const shown = (j: number): string => (j === 0 ? 'user' : (args[j - 1] as string));
  if (seen.has(args[0] as string)) return `Error in user declaration '${shown(1)}': ${ruleErrorText('EALREADY')}`;
  const merged = mergeSelectorArgs(args.slice(1));
  if (!Array.isArray(merged)) {
    return `Error in user declaration '${shown(merged.unmatched)}': ${ruleErrorText('ENOENT')}`;
  }
  const fake = new User('__fakeuser__', validationTable, () => 0);
  for (let j = 0; j < merged.length; j++) {
    const err = fake.apply(merged[j] as string);
    if (err !== null && err !== 'ENOENT') return `Error in user declaration '${shown(j)}': ${ruleErrorText(err)}`;
  }
  return null;
}

/** Attach the ACL layer: throws (startup fails) when the configured users cannot be loaded. */
export function attachAcl(engine: Engine): Acl {
  const acl = new Acl(engine);
  const config = engine.config;
  engine.acl = acl;
  engine.ports.acl = acl;
  acl.setDefaultPassword(config.getStr('requirepass'));
  acl.loadAtStartup(config.users);
  config.onChange('requirepass', () => {
    acl.setDefaultPassword(config.getStr('requirepass'));
    return null;
  });
  config.setRewriteProviders({ users: () => acl.list() });
  // Clients accepted before the layer was attached start as the default user.
  for (const c of engine.clients.values()) c.aclUser = acl.defaultUser;
  return acl;
}
