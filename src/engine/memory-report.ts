/*
 * The server's memory picture, as Redis's getMemoryOverheadData builds it for MEMORY STATS,
 * MEMORY DOCTOR and INFO memory: total use, the part that is overhead (startup baseline,
 * client buffers, keyspace tables), the dataset (the rest), and allocator / RSS ratios.
 *
 * "Allocated" is the server's memory account (used_memory, engine/evict.ts): the startup
 * baseline plus the keyspace's per-key estimates plus client buffers and the replication
 * backlog, the figure maxmemory is enforced against. It follows the data, not V8's garbage
 * collector; the "allocator" figures show V8's own view (heap used / heap total) and the RSS.
 */

import { EXPIRE_ENTRY_BYTES } from '../keyspace/db.js';
import { DICT_ENTRY_BYTES, ROBJECT_BYTES } from '../keyspace/memory.js';
import type { Client } from './client.js';
import type { Engine } from './engine.js';
import { pendingOutput } from './output-limits.js';

/** A Client with its connection, parser and writer objects (without their buffers). */
const CLIENT_STRUCT_BYTES = 1024;

/** getClientMemoryUsage: output, query buffer, reply buffer, arguments, MULTI and Pub/Sub state. */
export function clientMemory(e: Engine, c: Client, inFlight = 0): { total: number; output: number } {
  // `inFlight`: bytes just handed to the socket, not to count as pending (engine/evict.ts).
  const pending = c.conn.pendingBytes - inFlight;
  const output = c.writer.listBytes + (pending > 0 ? pending : 0);
  const parser = c.conn.parser;
  let total = output + parser.bufferedBytes + parser.partialArgBytes + parser.heldFreeCapacity + CLIENT_STRUCT_BYTES;
  total += c.writer.bufferSize + c.argvMem + e.multi.memOverhead(c);
  const subs = c.pubsub;
  if (subs !== null) total += 8 * subs.total;
  const prefixes = c.tracking?.prefixes;
  if (prefixes) total += 64 * prefixes.size;
  return { total, output };
}

export interface DbOverhead {
  id: number;
  main: number;
  expires: number;
}

export interface MemoryOverhead {
  peakAllocated: number;
  totalAllocated: number;
  startupAllocated: number;
  clientsNormal: number;
  overheadTotal: number;
  dataset: number;
  datasetPerc: number;
  peakPerc: number;
  totalKeys: number;
  bytesPerKey: number;
  dbs: DbOverhead[];
  allocatorAllocated: number;
  allocatorActive: number;
  allocatorResident: number;
  rss: number;
  allocatorFrag: number;
  allocatorFragBytes: number;
  allocatorRss: number;
  allocatorRssBytes: number;
  rssExtra: number;
  rssExtraBytes: number;
  totalFrag: number;
  totalFragBytes: number;
}

export function memoryOverhead(e: Engine): MemoryOverhead {
  const mu = process.memoryUsage();
  const mm = e.maxmemory;
  const used = mm.usedMemory();
  const peak = Math.max(mm.peak, used);
  const startup = Math.min(mm.startup, used);
  let total = startup + (e.replication?.backlogMemory ?? 0);
  // The client buffers as the account last measured them (so dataset = used - overhead holds).
  const clientsNormal = mm.clientBytes - mm.notCounted();
  total += mm.clientBytes;
  const dbs: DbOverhead[] = [];
  let keys = 0;
  for (const db of e.ks.dbs) {
    const n = db.size;
    if (n === 0) continue;
    keys += n;
    // The dict tables' per-entry cost (their empty size is part of used_memory_startup).
    const main = n * (DICT_ENTRY_BYTES + ROBJECT_BYTES);
    const expires = db.expires.size * EXPIRE_ENTRY_BYTES;
    dbs.push({ id: db.id, main, expires });
    total += main + expires;
  }
  const overheadTotal = Math.min(total, used);
  const dataset = used - overheadTotal;
  const net = used > startup ? used - startup : 1;
  // V8's heap plus the memory outside it (typed arrays, Buffers) that its objects own.
  const allocated = mu.heapUsed + mu.external;
  const active = mu.heapTotal + mu.external;
  const resident = mu.rss;
  return {
    peakAllocated: peak,
    totalAllocated: used,
    startupAllocated: startup,
    clientsNormal,
    overheadTotal,
    dataset,
    datasetPerc: (dataset * 100) / net,
    peakPerc: (used * 100) / peak,
    totalKeys: keys,
    bytesPerKey: keys ? Math.floor(net / keys) : 0,
    dbs,
    allocatorAllocated: allocated,
    allocatorActive: active,
    allocatorResident: resident,
    rss: mu.rss,
    allocatorFrag: active / allocated,
    allocatorFragBytes: active - allocated,
    allocatorRss: resident / active,
    allocatorRssBytes: resident - active,
    rssExtra: mu.rss / resident,
    rssExtraBytes: mu.rss - resident,
    totalFrag: mu.rss / used,
    totalFragBytes: mu.rss - used,
  };
}

type StatValue = number | { double: number } | Array<[string, number]>;

/** MEMORY STATS, in Redis's order. */
export function memoryStats(e: Engine): Array<[string, StatValue]> {
  const mh = memoryOverhead(e);
  const out: Array<[string, StatValue]> = [
    ['peak.allocated', mh.peakAllocated],
    ['total.allocated', mh.totalAllocated],
    ['startup.allocated', mh.startupAllocated],
    ['replication.backlog', e.replication?.backlogMemory ?? 0],
    ['clients.slaves', 0],
    ['clients.normal', mh.clientsNormal],
    ['cluster.links', 0],
    ['aof.buffer', 0],
    ['lua.caches', 0],
    ['functions.caches', 0],
  ];
  for (const db of mh.dbs) {
    out.push([`db.${db.id}`, [
      ['overhead.hashtable.main', db.main],
      ['overhead.hashtable.expires', db.expires],
      ['overhead.hashtable.slot-to-keys', 0],
    ]]);
  }
  out.push(
    ['overhead.total', mh.overheadTotal],
    ['keys.count', mh.totalKeys],
    ['keys.bytes-per-key', mh.bytesPerKey],
    ['dataset.bytes', mh.dataset],
    ['dataset.percentage', { double: Math.fround(mh.datasetPerc) }],
    ['peak.percentage', { double: Math.fround(mh.peakPerc) }],
    ['allocator.allocated', mh.allocatorAllocated],
    ['allocator.active', mh.allocatorActive],
    ['allocator.resident', mh.allocatorResident],
    ['allocator-fragmentation.ratio', { double: Math.fround(mh.allocatorFrag) }],
    ['allocator-fragmentation.bytes', mh.allocatorFragBytes],
    ['allocator-rss.ratio', { double: Math.fround(mh.allocatorRss) }],
    ['allocator-rss.bytes', mh.allocatorRssBytes],
    ['rss-overhead.ratio', { double: Math.fround(mh.rssExtra) }],
    ['rss-overhead.bytes', mh.rssExtraBytes],
    ['fragmentation', { double: Math.fround(mh.totalFrag) }],
    ['fragmentation.bytes', mh.totalFragBytes],
  );
  return out;
}

/** MEMORY DOCTOR: Redis's report, from the same figures. */
export function memoryDoctor(e: Engine): string {
  const mh = memoryOverhead(e);
  let empty = false;
  let bigPeak = false;
  let highFrag = false;
  let highAllocFrag = false;
  let highAllocRss = false;
  let highProcRss = false;
  let bigClientBuf = false;
  let reports = 0;
  // The V8 runtime's own baseline (startup.allocated) is not the instance's data: an instance
  // is "empty" while it uses less than 5 MB beyond it.
  if (mh.totalAllocated - mh.startupAllocated < 1024 * 1024 * 5) {
    empty = true;
    reports++;
  } else {
    if (mh.peakAllocated / mh.totalAllocated > 1.5) {
      bigPeak = true;
      reports++;
    }
    if (mh.totalFrag > 1.4 && mh.totalFragBytes > 10 << 20) {
      highFrag = true;
      reports++;
    }
    if (mh.allocatorFrag > 1.1 && mh.allocatorFragBytes > 10 << 20) {
      highAllocFrag = true;
      reports++;
    }
    if (mh.allocatorRss > 1.1 && mh.allocatorRssBytes > 10 << 20) {
      highAllocRss = true;
      reports++;
    }
    if (mh.rssExtra > 1.1 && mh.rssExtraBytes > 10 << 20) {
      highProcRss = true;
      reports++;
    }
    const clients = e.clients.size;
    if (clients > 0 && Math.floor(mh.clientsNormal / clients) > 1024 * 200) {
      bigClientBuf = true;
      reports++;
    }
  }
  if (reports === 0) {
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  }
  if (empty) {
    return (
      'Hi Sam, this instance is empty or is using very little memory, my issues detector can\'t be used in these ' +
      'conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be ' +
      'back to our programming as soon as I finished rebooting.\n'
    );
  }
  let s = 'Sam, I detected a few issues in this Redis instance memory implants:\n\n';
  if (bigPeak) {
    s += ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n';
  }
  if (highFrag) {
    s += ` * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "v8-${process.versions.v8}".\n\n`;
  }
  if (highAllocFrag) {
    s += " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n";
  }
  if (highAllocRss) {
    s += ' * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n';
  }
  if (highProcRss) {
    s += ' * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator holds). This problem may be due to Lua scripts or Modules.\n\n';
  }
  if (bigClientBuf) {
    s += ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n';
  }
  s += "I'm here to keep you safe, Sam. I want to help you.\n";
  return s;
}

/** CLIENT LIST omem: the reply list plus what the socket has not sent. */
export function clientOutputMemory(c: Client): number {
  return pendingOutput(c) - c.writer.openBytes;
}
