// Which directives nodis acts on. Every other directive in the schema is
// accepted, validated, stored, shown by CONFIG GET and written by CONFIG
// REWRITE exactly as Redis 7.0 does, but changes nothing in the server's
// behaviour. Keep this list honest: add a name only when the server reads
// the value; the README's directive table is generated from it.

const ACTED_ON = [
  // network
  'port', 'bind', 'protected-mode', 'unixsocket', 'unixsocketperm', 'tcp-backlog', 'tcp-keepalive',
  'timeout', 'maxclients',
  // security
  'requirepass', 'aclfile', 'acllog-max-len', 'acl-pubsub-default',
  'enable-debug-command', 'enable-protected-configs', 'enable-module-command',
  // general
  'databases', 'hz', 'dynamic-hz', 'loglevel', 'logfile', 'pidfile', 'daemonize', 'dir',
  'proto-max-bulk-len', 'client-query-buffer-limit', 'client-output-buffer-limit',
  'notify-keyspace-events', 'slowlog-log-slower-than', 'slowlog-max-len', 'latency-monitor-threshold',
  'busy-reply-threshold', 'shutdown-on-sigint', 'shutdown-on-sigterm', 'shutdown-timeout',
  'tracking-table-max-keys', 'active-expire-effort',
  // memory
  'maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'maxmemory-eviction-tenacity',
  'lfu-log-factor', 'lfu-decay-time',
  // encodings
  'hash-max-listpack-entries', 'hash-max-listpack-value', 'zset-max-listpack-entries',
  'zset-max-listpack-value', 'set-max-intset-entries', 'list-max-listpack-size', 'list-compress-depth',
  'stream-node-max-bytes', 'stream-node-max-entries', 'hll-sparse-max-bytes',
  // persistence
  'save', 'dbfilename', 'rdbcompression', 'rdbchecksum', 'stop-writes-on-bgsave-error',
  'appendonly', 'appendfilename', 'appenddirname', 'appendfsync', 'aof-use-rdb-preamble',
  'aof-load-truncated', 'aof-timestamp-enabled', 'auto-aof-rewrite-percentage', 'auto-aof-rewrite-min-size',
  // replication
  'replicaof', 'masterauth', 'masteruser', 'replica-read-only', 'replica-serve-stale-data',
  'repl-backlog-size', 'repl-backlog-ttl', 'repl-timeout', 'repl-ping-replica-period',
  'min-replicas-to-write', 'min-replicas-max-lag', 'replica-announce-ip', 'replica-announce-port',
  'replica-priority',
  // cluster
  'cluster-enabled', 'cluster-config-file', 'cluster-node-timeout', 'cluster-port',
  'cluster-announce-ip', 'cluster-announce-port', 'cluster-announce-bus-port',
  'cluster-require-full-coverage', 'cluster-allow-reads-when-down',
] as const;

const SET: ReadonlySet<string> = new Set(ACTED_ON);

/** Does the server act on this directive (by primary name)? */
export function isImplemented(name: string): boolean {
  return SET.has(name);
}

/** The primary names nodis acts on. */
export const IMPLEMENTED_DIRECTIVES: readonly string[] = ACTED_ON;
