/*
 * The only list of command families. Adding a family: one file exporting `commands` and one
 * line here.
 */

import type { CommandSpec } from './spec.js';
import { commands as connection } from './connection.js';
import { commands as server } from './server.js';
import { commands as introspection } from './command-info.js';
import { commands as strings } from './strings.js';
import { commands as keys } from './keys.js';
import { commands as functions } from './functions.js';

export const COMMANDS: readonly CommandSpec[] = [
  ...connection,
  ...server,
  ...introspection,
  ...strings,
  ...keys,
  ...functions,
];
