/*
 * The engine-side halves of the Pub/Sub and transaction commands (PubSubPort,
 * TransactionsPort of commands/context.ts), kept out of ports.ts so each subsystem owns its
 * glue. Handler-visible ClientView objects are the engine's Client instances.
 */

import type { ClientView, PubSubPort, TransactionsPort } from '../commands/context.js';
import type { Db } from '../keyspace/db.js';
import type { Client } from './client.js';
import type { Engine } from './engine.js';
import { PROPAGATE_REPL } from './propagation.js';

export function makePubSubPort(e: Engine): PubSubPort {
  const ps = e.pubsub;
  return {
    subscribe(client: ClientView, channels: readonly string[], sharded: boolean): void {
      const c = client as Client;
      for (const ch of channels) ps.subscribe(c, ch, sharded ? 'shard' : 'channel');
    },
    unsubscribe(client: ClientView, channels: readonly string[] | null, sharded: boolean): void {
      const c = client as Client;
      const kind = sharded ? 'shard' : 'channel';
      if (channels === null) ps.unsubscribeAll(c, kind, true);
      else for (const ch of channels) ps.unsubscribe(c, ch, kind, true);
      ps.done(c);
    },
    psubscribe(client: ClientView, patterns: readonly string[]): void {
      const c = client as Client;
      for (const p of patterns) ps.psubscribe(c, p);
    },
    punsubscribe(client: ClientView, patterns: readonly string[] | null): void {
      const c = client as Client;
      if (patterns === null) ps.punsubscribeAll(c, true);
      else for (const p of patterns) ps.punsubscribe(c, p, true);
      ps.done(c);
    },
    publish(channel: string, message: string, sharded: boolean): number {
      return ps.publish(channel, message, sharded);
    },
    replicatePublish(dbid: number, argv: readonly string[]): void {
      if (e.config.getBool('cluster-enabled')) return;
      e.propagate(dbid, [...argv], PROPAGATE_REPL);
    },
    channels(pattern: string | null, sharded: boolean): string[] {
      return ps.channelList(pattern, sharded);
    },
    numsub(channel: string, sharded: boolean): number {
      return ps.numsub(channel, sharded);
    },
    numpat(): number {
      return ps.numpat();
    },
  };
}

export function makeTransactionsPort(e: Engine): TransactionsPort {
  const m = e.multi;
  return {
    begin: (client: ClientView) => m.begin(client as Client),
    exec: (client: ClientView) => m.exec(client as Client),
    discard: (client: ClientView) => m.discard(client as Client),
    watch: (client: ClientView, db: Db, keys: readonly string[]) => m.watch(client as Client, db, keys),
    unwatch: (client: ClientView) => m.unwatch(client as Client),
  };
}
