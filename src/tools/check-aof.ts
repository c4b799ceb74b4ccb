#!/usr/bin/env node
/*
 * nodis-check-aof [--fix] <file.manifest|file.aof|dir>: the command-line wrapper of
 * persistence/aof/check-aof.ts (exit status 0 when valid or fixed, 1 otherwise).
 */

import * as fs from 'node:fs';
import { checkAof } from '../persistence/aof/check-aof.js';

function confirm(question: string): boolean {
  process.stdout.write(question);
  const b = Buffer.alloc(64);
  let n = 0;
  try {
    n = fs.readSync(0, b, 0, b.length, null);
  } catch {
    return false;
  }
  const answer = b.latin1Slice(0, n).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

const args = process.argv.slice(2);
let fix = false;
let target: string | undefined;
if (args.length === 1) target = args[0];
else if (args.length === 2 && args[0] === '--fix') {
  fix = true;
  target = args[1];
}
if (target === undefined) {
  process.stdout.write('Usage: nodis-check-aof [--fix] <file.manifest|file.aof>\n');
  process.exit(1);
}
process.exit(checkAof(target, { fix, confirm, out: (l) => process.stdout.write(l + '\n') }));
