#!/usr/bin/env node
/*
 * nodis-check-rdb <file.rdb>: the command-line wrapper of persistence/rdb/check-rdb.ts
 * (exit status 0 when the file is valid, 1 otherwise).
 */

import { checkRdb } from '../persistence/rdb/check-rdb.js';

const file = process.argv[2];
if (file === undefined || process.argv.length !== 3) {
  process.stdout.write('Usage: nodis-check-rdb <rdb-file-name>\n');
  process.exit(1);
}
process.exit(checkRdb(file, (l) => process.stdout.write(l + '\n')));
