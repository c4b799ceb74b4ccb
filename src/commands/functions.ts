/*
 * FUNCTION: the library registry arrives with scripting. Until then no library can be loaded,
 * so FLUSH (which empties the registry) is complete as it is; the other subcommands come with
 * the scripting family.
 */

import type { CommandSpec } from './spec.js';
import { is } from './args.js';
import { subcommandSyntax } from '../protocol/errors.js';

export const commands: CommandSpec[] = [
  {
    name: 'function',
    arity: -2,
    flags: [],
    group: 'scripting',
    since: '7.0.0',
    summary: 'A container for function commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'flush',
        arity: -2,
        flags: ['noscript', 'write'],
        acl: ['scripting'],
        group: 'scripting',
        since: '7.0.0',
        summary: 'Deleting all functions',
        complexity: 'O(N) where N is the number of functions deleted',
        args: [
          {
            name: 'async',
            type: 'oneof',
            optional: true,
            arguments: [
              { name: 'async', type: 'pure-token', token: 'ASYNC' },
              { name: 'sync', type: 'pure-token', token: 'SYNC' },
            ],
          },
        ],
        handler(c, argv) {
          if (argv.length > 3) {
            c.reply.error(subcommandSyntax(argv[1] ?? '', argv[0] ?? ''));
            return;
          }
          if (argv.length === 3 && !is(argv[2], 'async') && !is(argv[2], 'sync')) {
            c.reply.error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
            return;
          }
          c.dirty();
          c.reply.ok();
        },
      },
    ],
  },
];
