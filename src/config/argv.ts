// The server's command line, with redis-server's grammar:
//
//   nodis-server [config-file] [--directive arg arg ...]... [-]
//
// The first argument, when it does not start with '-', is the config file.
// A lone '-' as the first or last argument reads configuration from stdin.
// Every "--name" starts a directive whose arguments are the following words
// up to the next "--" word, and is turned into a redis.conf line appended
// after the file ("--port 7777" becomes `port "7777"`), so the command line
// wins over the file. A word starting with "--" right after a name that has
// no argument yet is taken as that argument. "--save" with nothing after it
// means `save ""`; "--sentinel" switches to sentinel mode.
//
// yargs only renders the help text. It does not parse: it would read
// "--save ''" as a boolean, "--maxmemory 1gb" is fine but repeated options
// turn into arrays, "--replicaof host port" loses its second word, and
// negative numbers or a lone "-" are taken as flags, none of which matches
// redis-server. The grammar is walked by hand below instead.

import yargs from 'yargs';
import { quoteArg, splitArgs } from './text.js';

export interface ServerArgs {
  /** The config file named on the command line (as given; resolve against the cwd). */
  configFile?: string;
  /** Directives from the command line, as redis.conf text to load after the file and stdin. */
  configText: string;
  /** Read more configuration from stdin (a lone '-'). */
  stdin?: boolean;
  /** --sentinel was given. */
  sentinel?: boolean;
  /** -h / --help: print helpText and exit. */
  help?: boolean;
  helpText?: string;
  /** -v / --version: print the version and exit. */
  version?: boolean;
}

export function parseServerArgs(argv: string[]): ServerArgs {
  const out: ServerArgs = { configText: '' };
  if (argv.length === 0) return out;
  const first = argv[0] as string;
  if (first === '-v' || first === '--version') return { ...out, version: true };
  if (first === '-h' || first === '--help') return { ...out, help: true, helpText: helpText() };
  if (argv.includes('--sentinel')) out.sentinel = true;

  let j = 0;
  if (!first.startsWith('-')) {
    out.configFile = first;
    j = 1;
  }
  const last = argv.length - 1;
  let options = '';
  let lastHasArg = true;
  for (; j < argv.length; j++) {
    const a = argv[j] as string;
    const next = argv[j + 1];
    if (a === '-' && (j === 0 || j === last)) {
      out.stdin = true;
    } else if (lastHasArg && a.startsWith('--')) {
      if (options.length > 0) options += '\n';
      options += a.slice(2) + ' ';
      // "--name value" in one word carries its own argument.
      const words = splitArgs(a)?.length ?? 0;
      if (words === 1) {
        lastHasArg = false;
        const lower = a.toLowerCase();
        const nextIsName = next !== undefined && next.startsWith('--');
        if (lower === '--save' && (nextIsName || j === last)) {
          options += '""';
          lastHasArg = nextIsName;
        } else if (lower === '--sentinel' && nextIsName) {
          lastHasArg = true;
        }
      } else {
        lastHasArg = true;
      }
    } else {
      options += quoteArg(a) + ' ';
      lastHasArg = true;
    }
  }
  out.configText = options;
  return out;
}

/** The usage text for -h / --help. */
export function helpText(): string {
  let text = '';
  yargs([])
    .scriptName('nodis-server')
    .usage(
      [
        'Usage: $0 [/path/to/redis.conf] [--directive value ...] [-]',
        '       $0 -            (read the configuration from stdin)',
        '       $0 -v | --version',
        '       $0 -h | --help',
        '',
        'Any redis.conf directive can be given as --name followed by its arguments;',
        'command-line directives are applied after the config file and stdin.',
      ].join('\n'),
    )
    .example('$0', 'start with the built-in defaults')
    .example('$0 /etc/nodis/nodis.conf', 'start from a config file')
    .example('$0 --port 7777', 'listen on another port')
    .example('$0 --port 7777 --replicaof 127.0.0.1 8888', 'start as a replica')
    .example("$0 --save '' --appendonly yes", 'no snapshots, append-only file instead')
    .example("echo 'maxmemory 128mb' | $0 -", 'configuration from stdin')
    .example('$0 /etc/nodis/nodis.conf --loglevel verbose', 'a file plus an override')
    .example('$0 /etc/nodis/sentinel.conf --sentinel', 'run as a Sentinel')
    .version(false)
    .help(false)
    .wrap(null)
    .showHelp((s: string) => {
      text = s;
    });
  return text + '\n';
}
