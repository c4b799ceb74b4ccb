// The directive table: every configuration directive Redis 7.0 knows, with
// its type, bounds, default and flags. Directives with a grammar of their own
// (save, bind, client-output-buffer-limit, ...) live in special.ts and are
// appended at the end. Whether nodis acts on a directive is recorded in
// implemented.ts; the rest are accepted and stored so CONFIG GET/SET,
// redis.conf and CONFIG REWRITE treat them exactly as Redis does.

import {
  F, INT_MAX, INT_MIN, LLONG_MAX, LONG_MAX, SSIZE_MAX, UINT_MAX, ULLONG_MAX,
  type BoolDef, type CType, type ConfigView, type DirectiveDef, type EnumDef,
  type NumericDef, type NumericUnit, type StringDef, type Validator,
} from './types.js';
import { SPECIAL_DIRECTIVES } from './special.js';

const M = 0; // "modifiable": no flag
const { IMMUTABLE: I, SENSITIVE, DEBUG, MULTI_ARG, HIDDEN, PROTECTED, DENY_LOADING, VOLATILE } = F;

function bool(name: string, alias: string | null, flags: number, def: boolean,
  validate?: Validator<boolean>): BoolDef {
  return { kind: 'bool', name, ...(alias ? { alias } : {}), flags, default: def, ...(validate ? { validate } : {}) };
}

function num(ctype: CType, name: string, alias: string | null, flags: number, min: bigint, max: bigint,
  def: bigint, unit: NumericUnit = 'integer', normalize?: (v: bigint) => bigint): NumericDef {
  return {
    kind: 'numeric', ctype, name, ...(alias ? { alias } : {}), flags, min, max, default: def, unit,
    ...(normalize ? { normalize } : {}),
  };
}

function str(name: string, alias: string | null, flags: number, emptyIsNull: boolean, def: string | null,
  validate?: Validator<string>): StringDef {
  return {
    kind: 'string', sds: false, name, ...(alias ? { alias } : {}), flags, emptyIsNull, default: def,
    ...(validate ? { validate } : {}),
  };
}

function sds(name: string, flags: number, def: string | null): StringDef {
  return { kind: 'string', sds: true, name, flags, emptyIsNull: true, default: def };
}

function enm(name: string, flags: number, values: ReadonlyArray<readonly [string, number]>, def: number,
  validate?: Validator<number>): EnumDef {
  return { kind: 'enum', name, flags, values, default: def, ...(validate ? { validate } : {}) };
}

// ---------------------------------------------------------------------------
// Enumerations (values follow Redis's so bit-flag sets combine the same way)

export const MAXMEMORY_POLICIES = [
  ['volatile-lru', 1], ['volatile-lfu', 258], ['volatile-random', 768], ['volatile-ttl', 512],
  ['allkeys-lru', 1029], ['allkeys-lfu', 1286], ['allkeys-random', 1540], ['noeviction', 1792],
] as const;
const SYSLOG_FACILITIES = [
  ['user', 8], ['local0', 128], ['local1', 136], ['local2', 144], ['local3', 152],
  ['local4', 160], ['local5', 168], ['local6', 176], ['local7', 184],
] as const;
export const LOGLEVELS = [['debug', 0], ['verbose', 1], ['notice', 2], ['warning', 3]] as const;
const SUPERVISED = [['upstart', 3], ['systemd', 2], ['auto', 1], ['no', 0]] as const;
const APPENDFSYNC = [['everysec', 2], ['always', 1], ['no', 0]] as const;
/** Bit flags of shutdown-on-sigint / shutdown-on-sigterm. */
export const SHUTDOWN_FLAGS = { SAVE: 1, NOSAVE: 2, NOW: 4, FORCE: 8 } as const;
const SHUTDOWN_ON_SIG = [['default', 0], ['save', 1], ['nosave', 2], ['now', 4], ['force', 8]] as const;
const REPL_DISKLESS_LOAD = [['disabled', 0], ['on-empty-db', 1], ['swapdb', 2]] as const;
const TLS_AUTH_CLIENTS = [['no', 0], ['yes', 1], ['optional', 2]] as const;
const OOM_SCORE_ADJ = [['no', 0], ['yes', 1], ['relative', 1], ['absolute', 2]] as const;
const ACL_PUBSUB_DEFAULT = [['allchannels', 8], ['resetchannels', 0]] as const;
const SANITIZE_DUMP = [['no', 0], ['yes', 1], ['clients', 2]] as const;
/** Values of enable-protected-configs / enable-debug-command / enable-module-command. */
export const PROTECTED_ACTION = { NO: 0, YES: 1, LOCAL: 2 } as const;
const PROTECTED_ACTION_ENUM = [['no', 0], ['yes', 1], ['local', 2]] as const;
const ENDPOINT_TYPE = [['ip', 0], ['hostname', 1], ['unknown-endpoint', 2]] as const;
const PROPAGATION_ERROR = [['ignore', 0], ['panic', 1], ['panic-on-replicas', 2]] as const;

// ---------------------------------------------------------------------------
// Validators

const noDefrag: Validator<boolean> = (v) =>
  v
    ? 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution'
    : null;

const isBaseName = (s: string): boolean => !s.includes('/') && !s.includes('\\');

const dbFilename: Validator<string> = (v) =>
  isBaseName(v) ? null : "dbfilename can't be a path, just a filename";

const aofFilename: Validator<string> = (v) => {
  if (v === '') return "appendfilename can't be empty";
  return isBaseName(v) ? null : "appendfilename can't be a path, just a filename";
};

const aofDirname: Validator<string> = (v) => {
  if (v === '') return "appenddirname can't be empty";
  return isBaseName(v) ? null : "appenddirname can't be a path, just a dirname";
};

const shutdownFlags: Validator<number> = (v) =>
  v & SHUTDOWN_FLAGS.SAVE && v & SHUTDOWN_FLAGS.NOSAVE
    ? "shutdown options SAVE and NOSAVE can't be used simultaneously"
    : null;

const announcedHostname: Validator<string> = (v) => {
  if (v.length >= 256) return 'Hostnames must be less than 256 characters';
  if (!/^[A-Za-z0-9.-]*$/.test(v)) return 'Hostnames may only contain alphanumeric characters, hyphens or dots';
  return null;
};

/**
 * Expand a proc-title-template the way the process title would be built
 * (with an empty title); null when the template is malformed or names an
 * unknown variable.
 */
export function expandProcTitle(template: string, title: string, view: ConfigView): string | null {
  let out = '';
  let p = 0;
  while (p < template.length) {
    const open = template.indexOf('{', p);
    if (open < 0) { out += template.slice(p); break; }
    out += template.slice(p, open);
    if (open + 1 >= template.length) return null;
    if (template[open + 1] === '{') { out += '{'; p = open + 2; continue; }
    const close = template.indexOf('}', open + 1);
    if (close < 0) return null;
    const v = procTitleVariable(template.slice(open + 1, close), title, view);
    if (v === null) return null;
    out += v;
    p = close + 1;
  }
  return out.replace(/^ +| +$/g, '');
}

function procTitleVariable(name: string, title: string, view: ConfigView): string | null {
  const port = view.getNum('port');
  const tlsPort = view.getNum('tls-port');
  switch (name) {
    case 'title': return title;
    case 'listen-addr':
      if (port || tlsPort) {
        const bind = (view.getStrOrNull('bind') ?? '').split(' ')[0] || '*';
        return `${bind}:${port || tlsPort}`;
      }
      return `unixsocket:${view.getStrOrNull('unixsocket') ?? ''}`;
    case 'server-mode':
      if (view.getBool('cluster-enabled')) return '[cluster]';
      return view.sentinelMode ? '[sentinel]' : '';
    case 'config-file': return view.configFile ?? '-';
    case 'port': return String(port);
    case 'tls-port': return String(tlsPort);
    case 'unixsocket': return view.getStrOrNull('unixsocket') ?? '';
    default: return null;
  }
}

const procTitleTemplate: Validator<string> = (v, view) => {
  const r = expandProcTitle(v, '', view);
  return r === null || r === '' ? 'template format is invalid or contains unknown variables' : null;
};

const clampHz = (v: bigint): bigint => (v < 1n ? 1n : v > 500n ? 500n : v);

// ---------------------------------------------------------------------------
// The table (Redis's order; CONFIG REWRITE appends new lines in this order)

const STANDARD: DirectiveDef[] = [
  // yes/no
  bool('rdbchecksum', null, I, true),
  bool('daemonize', null, I, false),
  bool('io-threads-do-reads', null, DEBUG | I, false),
  bool('always-show-logo', null, I, false),
  bool('protected-mode', null, M, true),
  bool('rdbcompression', null, M, true),
  bool('rdb-del-sync-files', null, M, false),
  bool('activerehashing', null, M, true),
  bool('stop-writes-on-bgsave-error', null, M, true),
  bool('set-proc-title', null, I, true),
  bool('dynamic-hz', null, M, true),
  bool('lazyfree-lazy-eviction', null, DEBUG, false),
  bool('lazyfree-lazy-expire', null, DEBUG, false),
  bool('lazyfree-lazy-server-del', null, DEBUG, false),
  bool('lazyfree-lazy-user-del', null, DEBUG, false),
  bool('lazyfree-lazy-user-flush', null, DEBUG, false),
  bool('repl-disable-tcp-nodelay', null, M, false),
  bool('repl-diskless-sync', null, DEBUG, true),
  bool('aof-rewrite-incremental-fsync', null, M, true),
  bool('no-appendfsync-on-rewrite', null, M, false),
  bool('cluster-require-full-coverage', null, M, true),
  bool('rdb-save-incremental-fsync', null, M, true),
  bool('aof-load-truncated', null, M, true),
  bool('aof-use-rdb-preamble', null, M, true),
  bool('aof-timestamp-enabled', null, M, false),
  bool('cluster-replica-no-failover', 'cluster-slave-no-failover', M, false),
  bool('replica-lazy-flush', 'slave-lazy-flush', M, false),
  bool('replica-serve-stale-data', 'slave-serve-stale-data', M, true),
  bool('replica-read-only', 'slave-read-only', DEBUG, true),
  bool('replica-ignore-maxmemory', 'slave-ignore-maxmemory', M, true),
  bool('jemalloc-bg-thread', null, M, true),
  bool('activedefrag', null, DEBUG, false, noDefrag),
  bool('syslog-enabled', null, I, false),
  bool('cluster-enabled', null, I, false),
  bool('appendonly', null, DENY_LOADING, false),
  bool('cluster-allow-reads-when-down', null, M, false),
  bool('cluster-allow-pubsubshard-when-down', null, M, true),
  bool('crash-log-enabled', null, M, true),
  bool('crash-memcheck-enabled', null, M, true),
  bool('use-exit-on-panic', null, HIDDEN, false),
  bool('disable-thp', null, I, true),
  bool('cluster-allow-replica-migration', null, M, true),
  bool('replica-announced', null, M, true),
  bool('latency-tracking', null, M, true),
  bool('aof-disable-auto-gc', null, M, false),
  bool('replica-ignore-disk-write-errors', null, M, false),

  // strings
  str('aclfile', null, I, false, ''),
  str('unixsocket', null, I, true, null),
  str('pidfile', null, I, true, null),
  str('replica-announce-ip', 'slave-announce-ip', M, true, null),
  str('masteruser', null, SENSITIVE, true, null),
  str('cluster-announce-ip', null, M, true, null),
  str('cluster-config-file', null, I, false, 'nodes.conf'),
  str('cluster-announce-hostname', null, M, true, null, announcedHostname),
  str('syslog-ident', null, I, false, 'redis'),
  str('dbfilename', null, PROTECTED, false, 'dump.rdb', dbFilename),
  str('appendfilename', null, I, false, 'appendonly.aof', aofFilename),
  str('appenddirname', null, I, false, 'appendonlydir', aofDirname),
  str('server_cpulist', null, I, true, null),
  str('bio_cpulist', null, I, true, null),
  str('aof_rewrite_cpulist', null, I, true, null),
  str('bgsave_cpulist', null, I, true, null),
  str('ignore-warnings', null, M, false, ''),
  str('proc-title-template', null, M, false, '{title} {listen-addr} {server-mode}', procTitleTemplate),
  str('bind-source-addr', null, M, true, null),
  str('logfile', null, I, false, ''),
  sds('masterauth', SENSITIVE, null),
  sds('requirepass', SENSITIVE, null),

  // enumerations
  enm('supervised', I, SUPERVISED, 0),
  enm('syslog-facility', I, SYSLOG_FACILITIES, 128),
  enm('repl-diskless-load', DEBUG | DENY_LOADING, REPL_DISKLESS_LOAD, 0),
  enm('loglevel', M, LOGLEVELS, 2),
  enm('maxmemory-policy', M, MAXMEMORY_POLICIES, 1792),
  enm('appendfsync', M, APPENDFSYNC, 2),
  enm('oom-score-adj', M, OOM_SCORE_ADJ, 0),
  enm('acl-pubsub-default', M, ACL_PUBSUB_DEFAULT, 0),
  enm('sanitize-dump-payload', DEBUG, SANITIZE_DUMP, 0),
  enm('enable-protected-configs', I, PROTECTED_ACTION_ENUM, 0),
  enm('enable-debug-command', I, PROTECTED_ACTION_ENUM, 0),
  enm('enable-module-command', I, PROTECTED_ACTION_ENUM, 0),
  enm('cluster-preferred-endpoint-type', M, ENDPOINT_TYPE, 0),
  enm('propagation-error-behavior', M, PROPAGATION_ERROR, 0),
  enm('shutdown-on-sigint', MULTI_ARG, SHUTDOWN_ON_SIG, 0, shutdownFlags),
  enm('shutdown-on-sigterm', MULTI_ARG, SHUTDOWN_ON_SIG, 0, shutdownFlags),

  // int
  num('int', 'databases', null, I, 1n, INT_MAX, 16n),
  num('int', 'port', null, M, 0n, 65535n, 6379n),
  num('int', 'io-threads', null, DEBUG | I, 1n, 128n, 1n),
  num('int', 'auto-aof-rewrite-percentage', null, M, 0n, INT_MAX, 100n),
  num('int', 'cluster-replica-validity-factor', 'cluster-slave-validity-factor', M, 0n, INT_MAX, 10n),
  num('int', 'list-max-listpack-size', 'list-max-ziplist-size', M, INT_MIN, INT_MAX, -2n),
  num('int', 'tcp-keepalive', null, M, 0n, INT_MAX, 300n),
  num('int', 'cluster-migration-barrier', null, M, 0n, INT_MAX, 1n),
  num('int', 'active-defrag-cycle-min', null, M, 1n, 99n, 1n),
  num('int', 'active-defrag-cycle-max', null, M, 1n, 99n, 25n),
  num('int', 'active-defrag-threshold-lower', null, M, 0n, 1000n, 10n),
  num('int', 'active-defrag-threshold-upper', null, M, 0n, 1000n, 100n),
  num('int', 'lfu-log-factor', null, M, 0n, INT_MAX, 10n),
  num('int', 'lfu-decay-time', null, M, 0n, INT_MAX, 1n),
  num('int', 'replica-priority', 'slave-priority', M, 0n, INT_MAX, 100n),
  num('int', 'repl-diskless-sync-delay', null, M, 0n, INT_MAX, 5n),
  num('int', 'maxmemory-samples', null, M, 1n, INT_MAX, 5n),
  num('int', 'maxmemory-eviction-tenacity', null, M, 0n, 100n, 10n),
  num('int', 'timeout', null, M, 0n, INT_MAX, 0n),
  num('int', 'replica-announce-port', 'slave-announce-port', M, 0n, 65535n, 0n),
  num('int', 'tcp-backlog', null, I, 0n, INT_MAX, 511n),
  num('int', 'cluster-port', null, I, 0n, 65535n, 0n),
  num('int', 'cluster-announce-bus-port', null, M, 0n, 65535n, 0n),
  num('int', 'cluster-announce-port', null, M, 0n, 65535n, 0n),
  num('int', 'cluster-announce-tls-port', null, M, 0n, 65535n, 0n),
  num('int', 'repl-timeout', null, M, 1n, INT_MAX, 60n),
  num('int', 'repl-ping-replica-period', 'repl-ping-slave-period', M, 1n, INT_MAX, 10n),
  num('int', 'list-compress-depth', null, DEBUG, 0n, INT_MAX, 0n),
  num('int', 'rdb-key-save-delay', null, HIDDEN, INT_MIN, INT_MAX, 0n),
  num('int', 'key-load-delay', null, HIDDEN, INT_MIN, INT_MAX, 0n),
  num('int', 'active-expire-effort', null, M, 1n, 10n, 1n),
  num('int', 'hz', null, M, 0n, INT_MAX, 10n, 'integer', clampHz),
  num('int', 'min-replicas-to-write', 'min-slaves-to-write', M, 0n, INT_MAX, 0n),
  num('int', 'min-replicas-max-lag', 'min-slaves-max-lag', M, 0n, INT_MAX, 10n),
  num('int', 'watchdog-period', null, HIDDEN, 0n, INT_MAX, 0n),
  num('int', 'shutdown-timeout', null, M, 0n, INT_MAX, 10n),
  num('int', 'repl-diskless-sync-max-replicas', null, M, 0n, INT_MAX, 0n),

  // unsigned int
  num('uint', 'maxclients', null, M, 1n, UINT_MAX, 10000n),
  num('uint', 'unixsocketperm', null, I, 0n, 0o777n, 0n, 'octal'),
  num('uint', 'socket-mark-id', null, I, 0n, UINT_MAX, 0n),

  // unsigned long
  num('ulong', 'active-defrag-max-scan-fields', null, M, 1n, LONG_MAX, 1000n),
  num('ulong', 'slowlog-max-len', null, M, 0n, LONG_MAX, 128n),
  num('ulong', 'acllog-max-len', null, M, 0n, LONG_MAX, 128n),

  // long long
  num('longlong', 'busy-reply-threshold', 'lua-time-limit', M, 0n, LONG_MAX, 5000n),
  num('longlong', 'cluster-node-timeout', null, M, 0n, LLONG_MAX, 15000n),
  num('longlong', 'slowlog-log-slower-than', null, M, -1n, LLONG_MAX, 10000n),
  num('longlong', 'latency-monitor-threshold', null, M, 0n, LLONG_MAX, 0n),
  num('longlong', 'proto-max-bulk-len', null, DEBUG, 1024n * 1024n, LONG_MAX, 512n * 1024n * 1024n, 'memory'),
  num('longlong', 'stream-node-max-entries', null, M, 0n, LLONG_MAX, 100n),
  num('longlong', 'repl-backlog-size', null, M, 1n, LLONG_MAX, 1024n * 1024n, 'memory'),

  // unsigned long long
  num('ulonglong', 'maxmemory', null, M, 0n, ULLONG_MAX, 0n, 'memory'),
  num('ulonglong', 'cluster-link-sendbuf-limit', null, M, 0n, ULLONG_MAX, 0n, 'memory'),

  // size_t / ssize_t
  num('size_t', 'hash-max-listpack-entries', 'hash-max-ziplist-entries', M, 0n, LONG_MAX, 512n),
  num('size_t', 'set-max-intset-entries', null, M, 0n, LONG_MAX, 512n),
  num('size_t', 'zset-max-listpack-entries', 'zset-max-ziplist-entries', M, 0n, LONG_MAX, 128n),
  num('size_t', 'active-defrag-ignore-bytes', null, M, 1n, LLONG_MAX, 100n << 20n, 'memory'),
  num('size_t', 'hash-max-listpack-value', 'hash-max-ziplist-value', M, 0n, LONG_MAX, 64n, 'memory'),
  num('size_t', 'stream-node-max-bytes', null, M, 0n, LONG_MAX, 4096n, 'memory'),
  num('size_t', 'zset-max-listpack-value', 'zset-max-ziplist-value', M, 0n, LONG_MAX, 64n, 'memory'),
  num('size_t', 'hll-sparse-max-bytes', null, M, 0n, LONG_MAX, 3000n, 'memory'),
  num('size_t', 'tracking-table-max-keys', null, M, 0n, LONG_MAX, 1000000n),
  num('size_t', 'client-query-buffer-limit', null, DEBUG, 1024n * 1024n, LONG_MAX, 1024n * 1024n * 1024n, 'memory'),
  num('ssize_t', 'maxmemory-clients', null, M, -100n, SSIZE_MAX, 0n, 'memory-percent'),

  // time_t / off_t
  num('time_t', 'repl-backlog-ttl', null, M, 0n, LONG_MAX, 3600n),
  num('off_t', 'auto-aof-rewrite-min-size', null, M, 0n, LLONG_MAX, 64n * 1024n * 1024n, 'memory'),
  num('off_t', 'loading-process-events-interval-bytes', null, HIDDEN, 1024n, INT_MAX, 2n * 1024n * 1024n),

  // TLS (Debian's redis-server is built with TLS, so these exist there)
  num('int', 'tls-port', null, M, 0n, 65535n, 0n),
  num('int', 'tls-session-cache-size', null, M, 0n, INT_MAX, 20n * 1024n),
  num('int', 'tls-session-cache-timeout', null, M, 0n, INT_MAX, 300n),
  bool('tls-cluster', null, M, false),
  bool('tls-replication', null, M, false),
  enm('tls-auth-clients', M, TLS_AUTH_CLIENTS, 1),
  bool('tls-prefer-server-ciphers', null, M, false),
  bool('tls-session-caching', null, M, true),
  str('tls-cert-file', null, VOLATILE, true, null),
  str('tls-key-file', null, VOLATILE, true, null),
  str('tls-key-file-pass', null, M, true, null),
  str('tls-client-cert-file', null, VOLATILE, true, null),
  str('tls-client-key-file', null, VOLATILE, true, null),
  str('tls-client-key-file-pass', null, M, true, null),
  str('tls-dh-params-file', null, VOLATILE, true, null),
  str('tls-ca-cert-file', null, VOLATILE, true, null),
  str('tls-ca-cert-dir', null, VOLATILE, true, null),
  str('tls-protocols', null, M, true, null),
  str('tls-ciphers', null, M, true, null),
  str('tls-ciphersuites', null, M, true, null),
];

/** Every directive CONFIG GET/SET knows, primary names first in table order. */
export const DIRECTIVES: readonly DirectiveDef[] = [...STANDARD, ...SPECIAL_DIRECTIVES];

/**
 * Directives accepted only in redis.conf / on the command line (not by
 * CONFIG GET/SET), and the old names Redis 7.0 still swallows silently.
 */
export const FILE_ONLY_DIRECTIVES = ['include', 'rename-command', 'user', 'loadmodule', 'sentinel'] as const;
export const DEPRECATED_DIRECTIVES: ReadonlyArray<{ name: string; minArgs: number; maxArgs: number }> = [
  { name: 'list-max-ziplist-entries', minArgs: 2, maxArgs: 2 },
  { name: 'list-max-ziplist-value', minArgs: 2, maxArgs: 2 },
  { name: 'lua-replicate-commands', minArgs: 2, maxArgs: 2 },
];
