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
import { commands as scripting } from './scripting.js';
import { commands as pubsub } from './pubsub.js';
import { commands as transactions } from './transactions.js';
import { commands as sets } from './sets.js';
import { commands as sort } from './sort.js';
import { commands as hashes } from './hashes.js';
import { commands as bitops } from './bitops.js';
import { commands as bitfield } from './bitfield.js';
import { commands as hyperloglog } from './hyperloglog.js';
import { commands as lists } from './lists.js';
import { commands as listsBlocking } from './lists-blocking.js';
import { commands as zsets } from './zsets.js';
import { commands as slowlog } from './slowlog.js';
import { commands as latency } from './latency.js';
import { commands as memory } from './memory.js';
import { commands as monitor } from './monitor.js';
import { commands as replication } from './replication.js';
import { commands as streams } from './streams.js';
import { commands as geo } from './geo.js';
import { commands as aof } from './aof.js';
import { commands as persistence } from './persistence.js';
import { commands as acl } from './acl.js';
import { commands as cluster } from './cluster.js';
import { commands as migrate } from './migrate.js';

export const COMMANDS: readonly CommandSpec[] = [
  ...connection,
  ...server,
  ...introspection,
  ...strings,
  ...keys,
  ...functions,
  ...scripting,
  ...pubsub,
  ...transactions,
  ...sets,
  ...sort,
  ...hashes,
  ...bitops,
  ...bitfield,
  ...hyperloglog,
  ...lists,
  ...listsBlocking,
  ...zsets,
  ...slowlog,
  ...latency,
  ...memory,
  ...monitor,
  ...replication,
  ...streams,
  ...geo,
  ...aof,
  ...persistence,
  ...acl,
  ...cluster,
  ...migrate,
];
