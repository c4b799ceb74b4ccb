/*
 * Canonical error replies, worded exactly as Redis 7.0 sends them (clients match on these).
 * Each constant is the text after the leading '-'.
 */

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const SYNTAX = 'ERR syntax error';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const NOT_FLOAT = 'ERR value is not a valid float';
export const NO_SUCH_KEY = 'ERR no such key';
export const OUT_OF_RANGE = 'ERR index out of range';
export const INVALID_DB = 'ERR DB index is out of range';
export const NOAUTH = 'NOAUTH Authentication required.';
export const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
export const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const NOREPLICAS = 'NOREPLICAS Not enough good replicas to write.';
export const READONLY_REPLICA = "READONLY You can't write against a read only replica.";
export const MASTERDOWN = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
export const INVALID_EXPIRE = (cmd: string): string => `ERR invalid expire time in '${cmd}' command`;
export const SELECT_NOT_ALLOWED_IN_CLUSTER = 'ERR SELECT is not allowed in cluster mode';

export function wrongArity(cmd: string): string {
  return `ERR wrong number of arguments for '${cmd}' command`;
}

export function unknownCommand(name: string, args: readonly string[]): string {
  let argsText = '';
  for (let i = 0; i < args.length && argsText.length < 128; i++) {
    argsText += `'${clip(args[i] ?? '', 128 - argsText.length)}' `;
  }
  return `ERR unknown command '${clip(name, 128)}', with args beginning with: ${argsText}`;
}

export function unknownSubcommand(sub: string, container: string): string {
  return `ERR unknown subcommand '${clip(sub, 128)}'. Try ${container.toUpperCase()} HELP.`;
}

/** What C's "%s" prints of a string: everything up to the first NUL byte. */
export function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

/** What C's "%.<max>s" prints of a string: at most `max` chars, stopping at a NUL byte. */
function clip(s: string, max: number): string {
  const nul = s.indexOf('\0');
  const end = nul === -1 ? max : Math.min(nul, max);
  return s.length > end ? s.slice(0, end) : s;
}

export function subcommandSyntax(sub: string, container: string): string {
  return `ERR unknown subcommand or wrong number of arguments for '${clip(sub, 128)}'. Try ${container.toUpperCase()} HELP.`;
}
