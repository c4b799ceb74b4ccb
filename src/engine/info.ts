/*
 * INFO: the sections and fields of Redis 7.0's genRedisInfoString, in its order. Fields nodis
 * has no counterpart for (allocator internals, forks, io threads) report the values an idle
 * Redis would, so parsers that expect them keep working; nodis_version is added to Server.
 */

import os from 'node:os';
import type { Engine } from './engine.js';
import { NODIS_VERSION, REDIS_VERSION } from './engine.js';
import { latencyStatsInfo } from './introspection.js';
import { memoryOverhead } from './memory-report.js';
import { migrateCachedSockets } from '../commands/migrate.js';

const DEFAULT_SECTIONS = [
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list',
  'errorstats', 'cluster', 'keyspace',
];
const ALL_SECTIONS = [
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list',
  'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace',
];

type Section = (e: Engine) => string;

function lines(title: string, fields: Array<[string, string | number]>): string {
  let s = `# ${title}\r\n`;
  for (const [k, v] of fields) s += `${k}:${v}\r\n`;
  return s;
}

/** Redis's bytesToHuman. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}

const sections: Record<string, Section> = {
  server(e) {
    const now = Date.now();
    const uptime = Math.floor((now - e.startTime) / 1000);
    return lines('Server', [
      ['redis_version', REDIS_VERSION],
      ['redis_git_sha1', '00000000'],
      ['redis_git_dirty', 0],
      ['redis_build_id', '0'],
      ['redis_mode', 'standalone'],
      ['os', `${os.type()} ${os.release()} ${os.machine()}`],
      ['arch_bits', 64],
      ['monotonic_clock', 'POSIX clock_gettime'],
      ['multiplexing_api', 'epoll'],
      ['atomicvar_api', 'c11-builtin'],
      ['gcc_version', '0.0.0'],
      ['process_id', process.pid],
      ['process_supervised', 'no'],
      ['run_id', e.runId],
      ['tcp_port', e.listener.port],
      ['server_time_usec', now * 1000],
      ['uptime_in_seconds', uptime],
      ['uptime_in_days', Math.floor(uptime / 86400)],
      ['hz', e.hz],
      ['configured_hz', e.config.getNum('hz')],
      ['lru_clock', e.ks.lruClock],
      ['executable', process.argv[1] ?? ''],
      ['config_file', e.configFile],
      ['io_threads_active', 0],
      ['nodis_version', NODIS_VERSION],
    ]);
  },
  clients(e) {
    return lines('Clients', [
      ['connected_clients', e.clients.size],
      ['cluster_connections', 0],
      ['maxclients', e.config.getNum('maxclients')],
      ['client_recent_max_input_buffer', 0],
      ['client_recent_max_output_buffer', 0],
      ['blocked_clients', e.blocking.count + e.clientPause.heldCount],
      ['tracking_clients', e.introspection.tracking.clientCount],
      ['clients_in_timeout_table', 0],
    ]);
  },
  memory(e) {
    // The same figures as MEMORY STATS (getMemoryOverheadData).
    const mh = memoryOverhead(e);
    const mu = { heapUsed: mh.allocatorAllocated, heapTotal: mh.allocatorActive, rss: mh.rss };
    const used = mh.totalAllocated;
    const peak = mh.peakAllocated;
    const maxmemory = e.config.getNum('maxmemory');
    const total = os.totalmem();
    const startup = mh.startupAllocated;
    const overhead = mh.overheadTotal;
    const dataset = mh.dataset;
    const netUsed = used - startup;
    const sm = e.scripting?.memoryInfo() ?? {
      usedMemoryLua: 0, usedMemoryScriptsEval: 0, numberOfCachedScripts: 0, numberOfFunctions: 0,
      numberOfLibraries: 0, usedMemoryVmFunctions: 0, usedMemoryFunctions: 0,
    };
    const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '0.00');
    return lines('Memory', [
      ['used_memory', used],
      ['used_memory_human', bytesToHuman(used)],
      ['used_memory_rss', mu.rss],
      ['used_memory_rss_human', bytesToHuman(mu.rss)],
      ['used_memory_peak', peak],
      ['used_memory_peak_human', bytesToHuman(peak)],
      ['used_memory_peak_perc', `${((used * 100) / peak).toFixed(2)}%`],
      ['used_memory_overhead', overhead],
      ['used_memory_startup', startup],
      ['used_memory_dataset', dataset],
      ['used_memory_dataset_perc', `${netUsed > 0 ? ((dataset * 100) / netUsed).toFixed(2) : '0.00'}%`],
      ['allocator_allocated', mu.heapUsed],
      ['allocator_active', mu.heapTotal],
      ['allocator_resident', mu.rss],
      ['total_system_memory', total],
      ['total_system_memory_human', bytesToHuman(total)],
      ['used_memory_lua', sm.usedMemoryLua],
      ['used_memory_vm_eval', sm.usedMemoryLua],
      ['used_memory_lua_human', bytesToHuman(sm.usedMemoryLua)],
      ['used_memory_scripts_eval', sm.usedMemoryScriptsEval],
      ['number_of_cached_scripts', sm.numberOfCachedScripts],
      ['number_of_functions', sm.numberOfFunctions],
      ['number_of_libraries', sm.numberOfLibraries],
      ['used_memory_vm_functions', sm.usedMemoryVmFunctions],
      ['used_memory_vm_total', sm.usedMemoryLua + sm.usedMemoryVmFunctions],
      ['used_memory_vm_total_human', bytesToHuman(sm.usedMemoryLua + sm.usedMemoryVmFunctions)],
      ['used_memory_functions', sm.usedMemoryFunctions],
      ['used_memory_scripts', sm.usedMemoryScriptsEval + sm.usedMemoryFunctions],
      ['used_memory_scripts_human', bytesToHuman(sm.usedMemoryScriptsEval + sm.usedMemoryFunctions)],
      ['maxmemory', maxmemory],
      ['maxmemory_human', bytesToHuman(maxmemory)],
      ['maxmemory_policy', e.config.getStr('maxmemory-policy')],
      ['allocator_frag_ratio', ratio(mu.heapTotal, mu.heapUsed)],
      ['allocator_frag_bytes', Math.max(0, mu.heapTotal - mu.heapUsed)],
      ['allocator_rss_ratio', ratio(mu.rss, mu.heapTotal)],
      ['allocator_rss_bytes', mu.rss - mu.heapTotal],
      ['rss_overhead_ratio', '1.00'],
      ['rss_overhead_bytes', 0],
      ['mem_fragmentation_ratio', ratio(mu.rss, used)],
      ['mem_fragmentation_bytes', mu.rss - used],
      ['mem_not_counted_for_evict', e.maxmemory.notCounted()],
      ['mem_replication_backlog', e.replication?.backlogMemory ?? 0],
      ['mem_total_replication_buffers', 0],
      ['mem_clients_slaves', 0],
      ['mem_clients_normal', mh.clientsNormal],
      ['mem_cluster_links', 0],
      ['mem_aof_buffer', 0],
      ['mem_allocator', `v8-${process.versions.v8}`],
      ['active_defrag_running', 0],
      ['lazyfree_pending_objects', 0],
      ['lazyfreed_objects', e.ks.stats.lazyfreedObjects],
    ]);
  },
  persistence(e) {
    return lines('Persistence', [
      ['loading', e.loading ? 1 : 0],
      ['async_loading', 0],
      ['current_cow_peak', 0],
      ['current_cow_size', 0],
      ['current_cow_size_age', 0],
      ['current_fork_perc', '0.00'],
      ['current_save_keys_processed', e.rdb?.info().current_save_keys_processed ?? 0],
      ['current_save_keys_total', e.rdb?.info().current_save_keys_total ?? 0],
      ['rdb_changes_since_last_save', e.dirty],
      ['rdb_bgsave_in_progress', e.rdb?.info().rdb_bgsave_in_progress ?? 0],
      ['rdb_last_save_time', e.rdb?.info().rdb_last_save_time ?? Math.floor(e.startTime / 1000)],
      ['rdb_last_bgsave_status', e.rdb?.info().rdb_last_bgsave_status ?? 'ok'],
      ['rdb_last_bgsave_time_sec', e.rdb?.info().rdb_last_bgsave_time_sec ?? -1],
      ['rdb_current_bgsave_time_sec', e.rdb?.info().rdb_current_bgsave_time_sec ?? -1],
      ['rdb_saves', e.rdb?.info().rdb_saves ?? 0],
      ['rdb_last_cow_size', 0],
      ['rdb_last_load_keys_expired', e.rdbLoad.lastLoadKeysExpired],
      ['rdb_last_load_keys_loaded', e.rdbLoad.lastLoadKeysLoaded],
      ...(e.aof?.infoFields() ?? [
        ['aof_enabled', 0],
        ['aof_rewrite_in_progress', 0],
        ['aof_rewrite_scheduled', 0],
        ['aof_last_rewrite_time_sec', -1],
        ['aof_current_rewrite_time_sec', -1],
        ['aof_last_bgrewrite_status', 'ok'],
        ['aof_rewrites', 0],
        ['aof_rewrites_consecutive_failures', 0],
        ['aof_last_write_status', 'ok'],
        ['aof_last_cow_size', 0],
      ] as Array<[string, string | number]>),
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
      ...(e.aof?.infoOnFields() ?? []),
      ...e.rdbLoad.infoFields(),
    ]);
  },
  stats(e) {
    const s = e.stats;
    const k = e.ks.stats;
    return lines('Stats', [
      ['total_connections_received', s.totalConnections],
      ['total_commands_processed', s.totalCommands],
      ['instantaneous_ops_per_sec', Math.round(s.opsPerSec.value)],
      ['total_net_input_bytes', s.netInputBytes],
      ['total_net_output_bytes', s.netOutputBytes],
      ['total_net_repl_input_bytes', e.replication?.replInputBytes ?? 0],
      ['total_net_repl_output_bytes', 0],
      ['instantaneous_input_kbps', (s.inputKbps.value / 1024).toFixed(2)],
      ['instantaneous_output_kbps', (s.outputKbps.value / 1024).toFixed(2)],
      ['instantaneous_input_repl_kbps', '0.00'],
      ['instantaneous_output_repl_kbps', '0.00'],
      ['rejected_connections', s.rejectedConnections],
      ['sync_full', e.replication?.syncFull ?? 0],
      ['sync_partial_ok', e.replication?.syncPartialOk ?? 0],
      ['sync_partial_err', e.replication?.syncPartialErr ?? 0],
      ['expired_keys', k.expiredKeys],
      ['expired_stale_perc', k.expiredStalePerc.toFixed(2)],
      ['expired_time_cap_reached_count', k.expiredTimeCapReachedCount],
      ['expire_cycle_cpu_milliseconds', Math.round(k.expireCycleCpuMilliseconds)],
      ['evicted_keys', e.maxmemory.evictedKeys],
      ['evicted_clients', 0],
      ['total_eviction_exceeded_time', Math.floor((e.maxmemory.totalExceededUs + e.maxmemory.currentExceededUs) / 1000)],
      ['current_eviction_exceeded_time', Math.floor(e.maxmemory.currentExceededUs / 1000)],
      ['keyspace_hits', k.hits],
      ['keyspace_misses', k.misses],
      ['pubsub_channels', e.pubsub.channels.size],
      ['pubsub_patterns', e.pubsub.patterns.size],
      ['pubsubshard_channels', e.pubsub.shardChannels.size],
      ['latest_fork_usec', 0],
      ['total_forks', 0],
      ['migrate_cached_sockets', migrateCachedSockets(e.ports)],
      ['slave_expires_tracked_keys', 0],
      ['active_defrag_hits', 0],
      ['active_defrag_misses', 0],
      ['active_defrag_key_hits', 0],
      ['active_defrag_key_misses', 0],
      ['total_active_defrag_time', 0],
      ['current_active_defrag_time', 0],
      ['tracking_total_keys', e.introspection.tracking.totalKeys],
      ['tracking_total_items', e.introspection.tracking.totalItems],
      ['tracking_total_prefixes', e.introspection.tracking.totalPrefixes],
      ['unexpected_error_replies', 0],
      ['total_error_replies', s.errorReplies],
      ['dump_payload_sanitizations', 0],
      ['total_reads_processed', 0],
      ['total_writes_processed', 0],
      ['io_threaded_reads_processed', 0],
      ['io_threaded_writes_processed', 0],
      ['reply_buffer_shrinks', e.introspection.replyBufferShrinks],
      ['reply_buffer_expands', e.introspection.replyBufferExpands],
      // Not in 7.0.15 (Redis 7.2+ reports them); kept last so 7.0 parsers see 7.0's order.
      ['client_query_buffer_limit_disconnections', s.clientQbufLimitDisconnections],
      ['client_output_buffer_limit_disconnections', s.clientOutputBufferLimitDisconnections],
    ]);
  },
  replication(e) {
    if (e.replication !== null) return lines('Replication', e.replication.infoFields());
    return lines('Replication', [
      ['role', e.ks.isReplica ? 'slave' : 'master'],
      ['connected_slaves', 0],
      ['master_failover_state', 'no-failover'],
      ['master_replid', e.runId],
      ['master_replid2', '0000000000000000000000000000000000000000'],
      ['master_repl_offset', 0],
      ['second_repl_offset', -1],
      ['repl_backlog_active', 0],
      ['repl_backlog_size', e.config.getNum('repl-backlog-size')],
      ['repl_backlog_first_byte_offset', 0],
      ['repl_backlog_histlen', 0],
    ]);
  },
  cpu() {
    const u = process.resourceUsage();
    const sys = (u.systemCPUTime / 1e6).toFixed(6);
    const user = (u.userCPUTime / 1e6).toFixed(6);
    return lines('CPU', [
      ['used_cpu_sys', sys],
      ['used_cpu_user', user],
      ['used_cpu_sys_children', '0.000000'],
      ['used_cpu_user_children', '0.000000'],
      ['used_cpu_sys_main_thread', sys],
      ['used_cpu_user_main_thread', user],
    ]);
  },
  module_list() {
    return '# Modules\r\n';
  },
  commandstats(e) {
    let s = '# Commandstats\r\n';
    for (const c of e.registry.all()) {
      if (c.calls === 0 && c.failedCalls === 0 && c.rejectedCalls === 0) continue;
      const name = c.fullName.replace('|', '|');
      const per = c.calls ? (c.usec / c.calls).toFixed(2) : '0.00';
      s +=
        `cmdstat_${name}:calls=${c.calls},usec=${Math.round(c.usec)},usec_per_call=${per},` +
        `rejected_calls=${c.rejectedCalls},failed_calls=${c.failedCalls}\r\n`;
    }
    return s;
  },
  errorstats(e) {
    let s = '# Errorstats\r\n';
    for (const [code, n] of e.stats.errors) s += `errorstat_${code}:count=${n}\r\n`;
    return s;
  },
  latencystats(e) {
    return '# Latencystats\r\n' + latencyStatsInfo(e, e.config.getLatencyPercentiles());
  },
  cluster() {
    return lines('Cluster', [['cluster_enabled', 0]]);
  },
  keyspace(e) {
    let s = '# Keyspace\r\n';
    for (const db of e.ks.dbs) {
      if (db.size === 0) continue;
      s += `db${db.id}:keys=${db.size},expires=${db.expires.size},avg_ttl=${Math.round(db.avgTtl)}\r\n`;
    }
    return s;
  },
};

/** The INFO reply for the requested section names (lowercase; empty = default). */
export function buildInfo(e: Engine, requested: readonly string[]): string {
  let names: string[];
  const want = new Set<string>();
  if (requested.length === 0) names = DEFAULT_SECTIONS;
  else {
    for (const r of requested) {
      if (r === 'default') DEFAULT_SECTIONS.forEach((s) => want.add(s));
      else if (r === 'all') ALL_SECTIONS.forEach((s) => want.add(s));
      else if (r === 'everything') {
        ALL_SECTIONS.forEach((s) => want.add(s));
        want.add('modules');
      } else if (r === 'modules') want.add('module_list');
      else want.add(r);
    }
    names = ALL_SECTIONS.filter((s) => want.has(s));
  }
  const parts: string[] = [];
  for (const n of names) {
    const fn = sections[n];
    if (fn) parts.push(fn(e));
  }
  return parts.join('\r\n');
}
