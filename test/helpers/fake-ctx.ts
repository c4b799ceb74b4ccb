// A handler context without an engine or sockets, for tests of a command's recorded effects
// (dirty count, modified keys, keyspace events, propagation form) that the wire cannot show yet.
// It runs any command of the table against a real Keyspace with a settable clock.
import type { ClientView, Ctx, ServerPorts } from '../../src/commands/context.js';
import { detachedAcl } from '../../src/engine/acl-hooks.js';
import type { CommandSpec } from '../../src/commands/spec.js';
import { COMMANDS } from '../../src/commands/table.js';
import { createStringObject } from '../../src/keyspace/types/string.js';
import { Keyspace, type Db } from '../../src/keyspace/db.js';
import { ReplyWriter } from '../../src/protocol/reply-writer.js';

export interface Effects {
  dirty: number;
  modified: string[]; // "db:key"
  events: string[]; // "db:event:key"
  propagated: Array<{ db: number; argv: string[] }>; // also-propagated (expired keys...)
  /** undefined: the argv as sent; null: nothing; else the rewritten argv. */
  propagateAs: string[] | null | undefined;
}

function findSpec(argv: readonly string[]): CommandSpec {
  const name = (argv[0] ?? '').toLowerCase();
  const base = COMMANDS.find((s) => s.name === name);
  if (!base) throw new Error(`no command ${name}`);
  if (!base.subcommands) return base;
  const sub = base.subcommands.find((s) => s.name === (argv[1] ?? '').toLowerCase());
  if (!sub) throw new Error(`no subcommand ${argv[1]}`);
  return sub;
}

export class FakeServer {
  readonly ks: Keyspace;
  readonly config = new Map<string, string>([
    ['lazyfree-lazy-expire', 'no'],
    ['lazyfree-lazy-user-del', 'no'],
    ['cluster-enabled', 'no'],
    ['maxmemory', '0'],
    ['maxmemory-policy', 'noeviction'],
    ['lfu-decay-time', '1'],
    ['proto-max-bulk-len', '536870912'],
  ]);
  role: 'master' | 'slave' = 'master';
  effects: Effects = FakeServer.noEffects();
  dbIndex = 0;
  callFlags = 0;
  resp: 2 | 3 = 2;

  constructor(dbs = 16) {
    this.ks = new Keyspace(dbs, {
      expired: (db: Db, key: string) => {
        this.effects.propagated.push({ db: db.id, argv: ['DEL', key] });
        this.effects.events.push(`${db.id}:expired:${key}`);
        this.effects.modified.push(`${db.id}:${key}`);
      },
    });
    this.ks.setTime(1_700_000_000_000);
  }

  static noEffects(): Effects {
    return { dirty: 0, modified: [], events: [], propagated: [], propagateAs: undefined };
  }

  db(i = this.dbIndex): Db {
    return this.ks.dbs[i] as Db;
  }

  /** Store a string value (as SET would, clearing any TTL). */
  set(key: string, value: string, dbIndex = this.dbIndex): void {
    this.db(dbIndex).set(key, createStringObject(value));
  }

  /** Run one command; returns the raw reply text. Effects of this call are in `effects`. */
  run(...argv: string[]): string {
    const spec = findSpec(argv);
    if (!spec.handler) throw new Error('container');
    const reply = new ReplyWriter();
    reply.resp = this.resp;
    const effects = FakeServer.noEffects();
    this.effects = effects;
    const self = this;
    const cfg = this.config;
    const configNumber = (n: string): number => {
      const v = cfg.get(n);
      if (v === undefined) throw new Error(`config ${n} not faked`);
      return Number(v);
    };
    const server = {
      role: this.role,
      configString: (n: string) => {
        const v = cfg.get(n);
        if (v === undefined) throw new Error(`config ${n} not faked`);
        return v;
      },
      configNumber,
      get hashLimits() {
        return { maxEntries: configNumber('hash-max-listpack-entries'), maxValue: configNumber('hash-max-listpack-value') };
      },
      get zsetLimits() {
        return { maxEntries: configNumber('zset-max-listpack-entries'), maxValue: configNumber('zset-max-listpack-value') };
      },
      acl: detachedAcl(() => ''),
    } as unknown as ServerPorts;
    const view = {
      id: 1, resp: this.resp, dbIndex: this.dbIndex, authenticated: true,
      setAuthenticated(ok: boolean): void {
        view.authenticated = ok;
      },
    };
    const ctx: Ctx = {
      ks: this.ks,
      db: this.db(),
      reply,
      client: view as unknown as ClientView,
      server,
      get now() {
        return self.ks.now;
      },
      callFlags: this.callFlags,
      spec,
      dirty(n = 1) {
        effects.dirty += n;
      },
      modified(db: Db, key: string) {
        effects.modified.push(`${db.id}:${key}`);
      },
      notify(_type: number, event: string, key: string, dbid: number) {
        effects.events.push(`${dbid}:${event}:${key}`);
      },
      rewritePropagation(a: string[] | null) {
        effects.propagateAs = a;
      },
      alsoPropagate(dbid: number, a: string[]) {
        effects.propagated.push({ db: dbid, argv: a });
      },
      canBlock: false,
      blockForKeys() {
        throw new Error('blocking is not faked');
      },
      signalKeyAsReady() {},
    };
    spec.handler(ctx, argv);
    const chunks = reply.take();
    return chunks ? Buffer.concat(chunks).toString('latin1') : '';
  }
}
