/*
 * Publish/subscribe: who listens to what, and delivery of messages.
 *
 * Three kinds of subscription exist, as in Redis 7.0: channels (SUBSCRIBE), glob patterns
 * (PSUBSCRIBE) and shard channels (SSUBSCRIBE, which ignore patterns). The server side keeps,
 * per kind, a map from the channel (or pattern) to the set of its subscribers; a client keeps
 * the mirror image (its own channels, patterns and shard channels) so that unsubscribing
 * everything, RESET and disconnection are proportional to the client's subscriptions. An
 * entry whose last subscriber leaves is deleted, so the number of live channels is the map's
 * size (PUBSUB CHANNELS / NUMSUB, INFO pubsub_channels).
 *
 * PUBLISH looks the channel up in O(1), then tests every distinct pattern with the glob
 * matcher (O(patterns)), the same cost model as Redis. Sets keep subscription order, so
 * delivery order is the order clients subscribed.
 *
 * Messages and (un)subscription confirmations are "push" replies: RESP2 arrays, RESP3 `>`
 * frames. They are written even when the client asked for CLIENT REPLY OFF/SKIP (Redis's
 * CLIENT_PUSHING), and the receiving client is queued for the end-of-tick flush.
 */

import { stringMatch } from '../util/glob.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { Client } from './client.js';
import type { Command } from './registry.js';

/** A client's own subscriptions; Client.pubsub is null while it has none (no CLIENT_PUBSUB). */
export class ClientSubscriptions {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shard = new Set<string>();

  /** Channels + patterns (the count SUBSCRIBE / PSUBSCRIBE replies carry). */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }

  get total(): number {
    return this.channels.size + this.patterns.size + this.shard.size;
  }
}

export interface PubSubHost {
  /** Queue a client for the end-of-tick flush. */
  schedule(c: Client): void;
}

type Kind = 'channel' | 'shard';

/** Commands a RESP2 client may send while subscribed. */
const SUBSCRIBED_CONTEXT = new Set([
  'ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset',
]);

/**
 * Run `write` on the client's writer as a push: in the client's protocol and not silenced
 * by CLIENT REPLY OFF/SKIP (the writer's own settings are restored afterwards). Shared with
 * client tracking's invalidation messages.
 */
export function writePush(c: Client, write: (w: ReplyWriter) => void): void {
  const w = c.writer;
  const suppressed = w.suppressed;
  const resp = w.resp;
  w.suppressed = false;
  w.resp = c.resp;
  write(w);
  w.suppressed = suppressed;
  w.resp = resp;
}

/** The RESP2 pub/sub context gate: may `cmd` run while the client is subscribed? */
export function allowedWhileSubscribed(cmd: Command): boolean {
  return cmd.parent === null && SUBSCRIBED_CONTEXT.has(cmd.spec.name);
}

export class PubSub {
  /** channel → subscribers (server.pubsub_channels). */
  readonly channels = new Map<string, Set<Client>>();
  /** pattern → subscribers (server.pubsub_patterns). */
  readonly patterns = new Map<string, Set<Client>>();
  /** shard channel → subscribers (server.pubsubshard_channels). */
  readonly shardChannels = new Map<string, Set<Client>>();

  constructor(private readonly host: PubSubHost) {}

  /* ---- push replies ---------------------------------------------------------------------- */

  private push(c: Client, write: (w: ReplyWriter) => void): void {
    // A client about to be closed (QUIT, CLIENT KILL, output limits) gets nothing more.
    if (c.closed || c.closeAfter || c.killed) return;
    writePush(c, write);
    this.host.schedule(c);
  }

  private confirm(c: Client, kind: string, name: string | null, count: number): void {
    this.push(c, (w) => {
      w.push(3);
      w.bulk(kind);
      if (name === null) w.nullBulk();
      else w.bulk(name);
      w.integer(count);
    });
  }

  private subs(c: Client): ClientSubscriptions {
    let s = c.pubsub;
    if (s === null) {
      s = new ClientSubscriptions();
      c.pubsub = s;
    }
    return s;
  }

  /** Leave pub/sub mode when nothing is left (Redis clears CLIENT_PUBSUB). */
  private settle(c: Client): void {
    if (c.pubsub !== null && c.pubsub.total === 0) c.pubsub = null;
  }

  private static add(map: Map<string, Set<Client>>, name: string, c: Client): void {
    let set = map.get(name);
    if (set === undefined) {
      set = new Set();
      map.set(name, set);
    }
    set.add(c);
  }

  private static remove(map: Map<string, Set<Client>>, name: string, c: Client): void {
    const set = map.get(name);
    if (set === undefined) return;
    set.delete(c);
    if (set.size === 0) map.delete(name);
  }

  /* ---- subscribe / unsubscribe ----------------------------------------------------------- */

  /** SUBSCRIBE / SSUBSCRIBE one channel (replies the confirmation). */
  subscribe(c: Client, channel: string, kind: Kind): void {
    const s = this.subs(c);
    const own = kind === 'shard' ? s.shard : s.channels;
    if (!own.has(channel)) {
      own.add(channel);
      PubSub.add(kind === 'shard' ? this.shardChannels : this.channels, channel, c);
    }
    if (kind === 'shard') this.confirm(c, 'ssubscribe', channel, s.shard.size);
    else this.confirm(c, 'subscribe', channel, s.count);
  }

  /** UNSUBSCRIBE / SUNSUBSCRIBE one channel; true if the client was subscribed. */
  unsubscribe(c: Client, channel: string, kind: Kind, notify: boolean): boolean {
    const s = c.pubsub;
    const own = s === null ? null : kind === 'shard' ? s.shard : s.channels;
    let removed = false;
    if (own !== null && own.delete(channel)) {
      removed = true;
      PubSub.remove(kind === 'shard' ? this.shardChannels : this.channels, channel, c);
    }
    if (notify) this.confirmUnsubscribe(c, kind, channel);
    return removed;
  }

  private confirmUnsubscribe(c: Client, kind: Kind, channel: string | null): void {
    const s = c.pubsub;
    if (kind === 'shard') this.confirm(c, 'sunsubscribe', channel, s === null ? 0 : s.shard.size);
    else this.confirm(c, 'unsubscribe', channel, s === null ? 0 : s.count);
  }

  /** UNSUBSCRIBE / SUNSUBSCRIBE without arguments; returns how many were removed. */
  unsubscribeAll(c: Client, kind: Kind, notify: boolean): number {
    const s = c.pubsub;
    let n = 0;
    if (s !== null) {
      const own = kind === 'shard' ? s.shard : s.channels;
      for (const ch of [...own]) if (this.unsubscribe(c, ch, kind, notify)) n++;
    }
    if (notify && n === 0) this.confirmUnsubscribe(c, kind, null);
    return n;
  }

  /** PSUBSCRIBE one pattern. */
  psubscribe(c: Client, pattern: string): void {
    const s = this.subs(c);
    if (!s.patterns.has(pattern)) {
      s.patterns.add(pattern);
      PubSub.add(this.patterns, pattern, c);
    }
    this.confirm(c, 'psubscribe', pattern, s.count);
  }

  /** PUNSUBSCRIBE one pattern; true if the client was subscribed to it. */
  punsubscribe(c: Client, pattern: string, notify: boolean): boolean {
    const s = c.pubsub;
    let removed = false;
    if (s !== null && s.patterns.delete(pattern)) {
      removed = true;
      PubSub.remove(this.patterns, pattern, c);
    }
    if (notify) this.confirm(c, 'punsubscribe', pattern, c.pubsub === null ? 0 : c.pubsub.count);
    return removed;
  }

  /** PUNSUBSCRIBE without arguments. */
  punsubscribeAll(c: Client, notify: boolean): number {
    const s = c.pubsub;
    let n = 0;
    if (s !== null) for (const p of [...s.patterns]) if (this.punsubscribe(c, p, notify)) n++;
    if (notify && n === 0) this.confirm(c, 'punsubscribe', null, c.pubsub === null ? 0 : c.pubsub.count);
    return n;
  }

  /** After an (un)subscribe command: leave pub/sub mode when nothing is left. */
  done(c: Client): void {
    this.settle(c);
  }

  /** Disconnection and RESET: forget every subscription without replying. */
  dropClient(c: Client): void {
    const s = c.pubsub;
    if (s === null) return;
    for (const ch of s.channels) PubSub.remove(this.channels, ch, c);
    for (const ch of s.shard) PubSub.remove(this.shardChannels, ch, c);
    for (const p of s.patterns) PubSub.remove(this.patterns, p, c);
    c.pubsub = null;
  }

  /* ---- publish ------------------------------------------------------------------------------ */

  /** Deliver `message` to subscribers of `channel` (and matching patterns unless sharded). */
  publish(channel: string, message: string, sharded = false): number {
    let receivers = 0;
    const set = (sharded ? this.shardChannels : this.channels).get(channel);
    if (set !== undefined) {
      const kind = sharded ? 'smessage' : 'message';
      for (const c of set) {
        this.push(c, (w) => {
          w.push(3);
          w.bulk(kind);
          w.bulk(channel);
          w.bulk(message);
        });
        receivers++;
      }
    }
    if (sharded || this.patterns.size === 0) return receivers;
    for (const [pattern, clients] of this.patterns) {
      if (!stringMatch(pattern, channel)) continue;
      for (const c of clients) {
        this.push(c, (w) => {
          w.push(4);
          w.bulk('pmessage');
          w.bulk(pattern);
          w.bulk(channel);
          w.bulk(message);
        });
        receivers++;
      }
    }
    return receivers;
  }

  /* ---- introspection ------------------------------------------------------------------------ */

  /** PUBSUB CHANNELS / SHARDCHANNELS: active channels matching `pattern` (all when null). */
  channelList(pattern: string | null, sharded: boolean): string[] {
    const out: string[] = [];
    for (const ch of (sharded ? this.shardChannels : this.channels).keys()) {
      if (pattern === null || stringMatch(pattern, ch)) out.push(ch);
    }
    return out;
  }

  /** PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one channel (patterns excluded). */
  numsub(channel: string, sharded: boolean): number {
    return (sharded ? this.shardChannels : this.channels).get(channel)?.size ?? 0;
  }

  /** PUBSUB NUMPAT: distinct patterns with at least one subscriber. */
  numpat(): number {
    return this.patterns.size;
  }
}
