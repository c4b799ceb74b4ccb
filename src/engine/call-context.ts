/*
 * The context object handed to command handlers. One instance per engine is reused for every
 * call (no allocation per command); nested calls (EXEC, scripts) save and restore its fields.
 * Effects recorded here are applied immediately to the engine's counters and hooks, or, for
 * propagation, collected until the call ends.
 */

import { CALL_FROM_MULTI, CALL_FROM_SCRIPT, type ClientView, type Ctx, type ServerPorts } from '../commands/context.js';
import type { CommandSpec } from '../commands/spec.js';
import type { Db, Keyspace } from '../keyspace/db.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { Client } from './client.js';
import type { Engine } from './engine.js';
import type { Command } from './registry.js';

export interface SavedCall {
  client: Client;
  db: Db;
  reply: ReplyWriter;
  spec: CommandSpec;
  command: Command;
  argv: string[];
  callFlags: number;
  propagateAs: string[] | null | undefined;
  blockedAgain: boolean;
}

export class CallContext implements Ctx {
  readonly ks: Keyspace;
  readonly server: ServerPorts;
  db!: Db;
  reply!: ReplyWriter;
  client!: Client;
  spec!: CommandSpec;
  command!: Command;
  argv!: string[];
  callFlags = 0;
  /** Propagation override for the current call: undefined = argv as is, null = nothing. */
  private propagateAs: string[] | null | undefined = undefined;

  constructor(private readonly engine: Engine) {
    this.ks = engine.ks;
    this.server = engine.ports;
  }

  get now(): number {
    return this.ks.now;
  }

  begin(c: Client, cmd: Command, argv: string[], flags: number): void {
    this.client = c;
    this.command = cmd;
    this.argv = argv;
    this.blockedAgain = false;
    this.db = this.ks.dbs[c.dbIndex] as Db;
    this.reply = c.writer;
    this.spec = cmd.spec;
    this.callFlags = flags;
    this.propagateAs = undefined;
  }

  /** The fields a nested call overwrites, to restore afterwards. */
  save(): SavedCall {
    return {
      client: this.client, db: this.db, reply: this.reply, spec: this.spec, command: this.command,
      argv: this.argv, callFlags: this.callFlags, propagateAs: this.propagateAs, blockedAgain: this.blockedAgain,
    };
  }

  restore(s: SavedCall): void {
    this.client = s.client;
    this.db = s.db;
    this.reply = s.reply;
    this.spec = s.spec;
    this.command = s.command;
    this.argv = s.argv;
    this.callFlags = s.callFlags;
    this.propagateAs = s.propagateAs;
    this.blockedAgain = s.blockedAgain;
  }

  /** Finish the call; returns the propagation override (undefined = the argv itself). */
  end(): string[] | null | undefined {
    return this.propagateAs;
  }

  /** Re-point `db` after SELECT or SWAPDB changed the client's database. */
  refreshDb(): void {
    this.db = this.ks.dbs[this.client.dbIndex] as Db;
  }

  get clientView(): ClientView {
    return this.client;
  }

  dirty(n = 1): void {
    this.engine.dirty += n;
  }

  modified(db: Db, key: string): void {
    this.engine.signalModifiedKey(db, key);
  }

  notify(type: number, event: string, key: string, dbid: number): void {
    this.engine.notify(type, event, key, dbid);
  }

  rewritePropagation(argv: string[] | null): void {
    this.propagateAs = argv;
  }

  alsoPropagate(dbid: number, argv: string[]): void {
    this.engine.propagate(dbid, argv);
  }

  get canBlock(): boolean {
    return (this.callFlags & (CALL_FROM_MULTI | CALL_FROM_SCRIPT)) === 0;
  }

  /** Set when the handler asked to block (read by the engine after the call). */
  blockedAgain = false;

  blockForKeys(keys: string[], deadline: number): void {
    this.blockedAgain = true;
    this.engine.blocking.block(this.client, this.db, keys, deadline, this.argv, this.command);
  }

  signalKeyAsReady(db: Db, key: string): void {
    this.engine.blocking.signalKeyAsReady(db, key);
  }
}
