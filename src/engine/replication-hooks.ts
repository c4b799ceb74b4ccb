/*
 * What the engine needs from the replication layer, which sits above it (src/replication/):
 * declared here, implemented there, attached by the composition root (server.ts). The engine
 * feeds propagated commands to replication through its Propagation sinks; these hooks cover
 * the rest: INFO fields and statistics.
 */

import type { ReplicationPort } from '../commands/context.js';
import type { Client } from './client.js';

/** Replication state the engine reports (INFO replication / stats / memory). */
export interface ReplicationHooks {
  /** The fields of INFO's Replication section, in Redis's order. */
  infoFields(): Array<[string, string | number]>;
  /** INFO stats: full resyncs, accepted and refused partial resyncs. */
  readonly syncFull: number;
  readonly syncPartialOk: number;
  readonly syncPartialErr: number;
  /** INFO memory mem_replication_backlog. */
  readonly backlogMemory: number;
  /** INFO stats total_net_repl_input_bytes: bytes read from our master's stream. */
  readonly replInputBytes: number;
  /**
   * processCommand's replication gates: stage 0 (asked for write commands) min-replicas-to-write
   * (-NOREPLICAS) then the read-only replica check (-READONLY); stage 1 (asked while the server
   * is a replica) the stale-data check (-MASTERDOWN). Returns the error to reject with, or null.
   */
  replicaGate(c: Client, flags: number, stage: 0 | 1): string | null;
  /** checkGoodReplicasStatus: min-replicas-to-write is met or off (scripts check it up front). */
  enoughGoodReplicas(): boolean;
}

/**
 * The replica-side state of a client attached with SYNC/PSYNC (owned by the replication
 * layer; the engine only checks its presence: CLIENT LIST flag S, client type 'replica').
 */
export interface ReplicaClientState {
  readonly isReplica: true;
}

/**
 * The replication port of an engine with no replication layer attached (an engine built
 * without server.ts): no replica can attach, WAIT sees none.
 */
export const DETACHED_REPLICATION: ReplicationPort = {
  sync(_client, _argv, reply) {
    reply.error('ERR replication is not available on this server');
  },
  isReplica: () => false,
  setListeningPort() {},
  setAnnouncedIp() {},
  addCapability() {},
  setRdbOnly() {},
  setExcludeData() {},
  ack() {},
  wait(_client, _n, _deadline, _canBlock, reply) {
    reply.integer(0);
  },
  role: () => ({ offset: 0, replicas: [] }),
  replicaRole: () => null,
  replicaof(_client, _host, _port, reply) {
    reply.error('ERR replication is not available on this server');
  },
};
