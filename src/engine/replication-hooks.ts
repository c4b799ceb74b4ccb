/*
 * What the engine needs from the replication layer, which sits above it (src/replication/):
 * declared here, implemented there, attached by the composition root (server.ts). The engine
 * feeds propagated commands to replication through its Propagation sinks; these hooks cover
 * the rest: INFO fields and statistics.
 */

import type { ReplicationPort } from '../commands/context.js';

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
};
