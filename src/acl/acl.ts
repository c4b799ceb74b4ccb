/*
 * The ACL service: the table of users, the default user every connection starts with, the
 * permission gate the engine calls for restricted users, the ACL LOG, and the ACL file.
 *
 * The default user object lives for the whole server: requirepass, `user default ...` lines,
 * ACL SETUSER default and ACL LOAD all change it in place, so every client keeps pointing at
 * the current rules. Other users are replaced on ACL LOAD (their clients are disconnected, as
 * Redis frees them) and freed on ACL DELUSER.
 */

import fs from 'node:fs';
import path from 'node:path';
import type {
  AclLogEntryView, AclPort, AclUserView, ClientView,
} from '../commands/context.js';
import type { AclContext, AclHooks } from '../engine/acl-hooks.js';
import type { Client } from '../engine/client.js';
import type { Engine } from '../engine/engine.js';
import type { Command } from '../engine/registry.js';
import { errnoText, trimChars } from '../config/text.js';
import { wrongArity } from '../protocol/errors.js';
import { arityAccepts } from '../commands/spec.js';
import { CATEGORIES, CommandTable, categoryBit } from './command-table.js';
import {
  ACL_OK, DENIED_AUTH, DENIED_CHANNEL, DENIED_CMD, DENIED_KEY, channelAllowed, checkCommand,
  checkCommandWithAllKeysRead,
} from './check.js';
import { AclLog } from './log.js';
import { SEL_ALLCHANNELS, hasSpaces, type Selector } from './selector.js';
import { U_DISABLED, U_NOPASS, User, mergeSelectorArgs, ruleErrorText } from './user.js';

const NO_ACL_FILE =
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ' +
  'ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) ' +
  'in order to store users in the Redis configuration.';

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Acl implements AclHooks, AclPort {
  private readonly table: CommandTable;
  readonly defaultUser: User;
  private users = new Map<string, User>();
  private readonly aclLog = new AclLog();

  constructor(private readonly e: Engine) {
    this.table = new CommandTable(e.registry);
    this.table.warn = (msg) => e.log('warning', msg);
    this.defaultUser = this.createDefaultUser();
    this.users.set('default', this.defaultUser);
  }

  /** acl-pubsub-default as selector flags. */
  private readonly pubsubDefault = (): number =>
    this.e.config.getStr('acl-pubsub-default') === 'allchannels' ? SEL_ALLCHANNELS : 0;

  private newUser(name: string): User {
    return new User(name, this.table, this.pubsubDefault);
  }

  private createDefaultUser(): User {
    const u = this.newUser('default');
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) u.apply(op);
    return u;
  }

  /** Does a new connection need AUTH (the default user lacks nopass, or it is off)? */
  get authRequired(): boolean {
    const f = this.defaultUser.flags;
    return !(f & U_NOPASS) || (f & U_DISABLED) !== 0;
  }

  /** After the default user changed: tell the engine whether new connections need AUTH. */
  private refreshAuth(): void {
    this.e.authRequired = this.authRequired;
    // The pre-auth request limits apply while a client still has to authenticate.
    for (const c of this.e.clients.values()) if (!c.authenticated) c.conn.parser.authRequired = this.authRequired;
  }

  /** ACLUpdateDefaultUserPassword: requirepass sets (or, empty, clears) the default password. */
  setDefaultPassword(password: string): void {
    this.defaultUser.apply('resetpass');
    this.defaultUser.apply(password === '' ? 'nopass' : '>' + password);
    this.refreshAuth();
  }

  /* ---- the engine's gate (AclHooks) -------------------------------------------------------- */

  denied(c: Client, cmd: Command, argv: readonly string[], context: AclContext): string | null {
    const user = c.aclUser;
    if (!(user instanceof User)) return null;
    const r = checkCommand(user, cmd, argv);
    if (r.reason === ACL_OK) return null;
    const object = r.reason === DENIED_CMD ? cmd.fullName : (argv[r.pos] as string);
    // Redis has already made the denied command the client's last one (CLIENT LIST cmd=).
    if (context === 'toplevel' || context === 'multi') c.lastCmd = cmd;
    this.addLog(c, r.reason, context === 'exec' ? 'multi' : context, object, user.name);
    if (context === 'exec') {
      // A queued command checked again by EXEC.
      const why = r.reason === DENIED_CMD ? 'no permission to execute the command or subcommand'
        : r.reason === DENIED_KEY ? 'no permission to touch the specified keys'
          : 'no permission to access one of the channels used as arguments';
      return 'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. ' +
        `This command is no longer allowed for the following reason: ${why}`;
    }
    if (context === 'lua') {
      const why = r.reason === DENIED_CMD ? "can't run this command or subcommand"
        : r.reason === DENIED_KEY ? "can't access at least one of the keys mentioned in the command arguments"
          : "can't publish to the channel mentioned in the command";
      return `The user executing the script ${why}`;
    }
    if (r.reason === DENIED_CMD) return `NOPERM this user has no permissions to run the '${cmd.fullName}' command`;
    if (r.reason === DENIED_KEY) return 'NOPERM this user has no permissions to access one of the keys used as arguments';
    return 'NOPERM this user has no permissions to access one of the channels used as arguments';
  }

  /** redis.acl_check_cmd: may `c`'s user run this command? */
  allows(c: Client, cmd: Command, argv: readonly string[]): boolean {
    const user = c.aclUser;
    if (!(user instanceof User)) return true;
    return checkCommand(user, cmd, argv).reason === ACL_OK;
  }

  private addLog(c: Client, reason: number, context: string, object: string, username: string): void {
    const cinfo = this.e.ports.clientInfoLine(c);
    this.aclLog.add(reason, context, object, username, cinfo, this.e.config.getNum('acllog-max-len'));
  }

  /* ---- clients ----------------------------------------------------------------------------- */

  /** Close a client now, or after its reply when it is the one running the command. */
  private closeClient(c: Client): void {
    this.e.closeSoon(c, c === this.e.currentClient);
  }

  /** ACLFreeUserAndKillClients: the user is gone; its connections are closed. */
  private killUserClients(u: User): void {
    for (const c of this.e.clients.values()) {
      if (c.aclUser !== u) continue;
      c.aclUser = this.defaultUser;
      c.setAuthenticated(false);
      this.closeClient(c);
    }
  }

  /**
   * ACLKillPubsubClientsIfNeeded: when the new rules of a user no longer cover the channels it
   * had, close its subscribed clients whose subscriptions fall outside the new rules.
   */
  private killPubsubClientsIfNeeded(next: User, original: User): void {
    if (next.selectors.some((s) => s.flags & SEL_ALLCHANNELS)) return;
    const upcoming = next.selectors.flatMap((s) => s.channels);
    const superset = original.selectors.every(
      (s) => !(s.flags & SEL_ALLCHANNELS) && s.channels.every((ch) => upcoming.includes(ch)));
    if (superset) return;
    const outside = (list: Iterable<string>, isPattern: boolean): boolean => {
      for (const ch of list) if (!channelAllowed(upcoming, ch, isPattern)) return true;
      return false;
    };
    for (const c of this.e.clients.values()) {
      const subs = c.pubsub;
      if (c.aclUser !== original || subs === null || this.e.clientType(c) !== 'pubsub') continue;
      if (outside(subs.patterns, true) || outside(subs.channels, false) || outside(subs.shard, false)) {
        this.closeClient(c);
      }
    }
  }

  /* ---- AclPort ------------------------------------------------------------------------------ */

  authenticate(client: ClientView, username: string, password: string, command: string): boolean {
    const c = client as Client;
    const u = this.users.get(username);
    if (u !== undefined && u.checkPassword(password)) {
      c.aclUser = u;
      c.setAuthenticated(true);
      return true;
    }
    c.lastCmd = this.e.registry.lookup([command]) ?? c.lastCmd;
    this.addLog(c, DENIED_AUTH, c.inMulti ? 'multi' : 'toplevel', command, username);
    return false;
  }

  get defaultUserNopass(): boolean {
    return (this.defaultUser.flags & U_NOPASS) !== 0;
  }

  /** ACLStringSetUser: validate every rule on a copy, then apply them all. */
  setUser(name: string, rules: readonly string[]): string | null {
    if (hasSpaces(name)) return "ERR Usernames can't contain spaces or null characters";
    const merged = mergeSelectorArgs(rules);
    if (!Array.isArray(merged)) {
      return `ERR Unmatched parenthesis in acl selector starting at '${rules[merged.unmatched] as string}'.`;
    }
    const existing = this.users.get(name);
    const temp = this.newUser(name);
    if (existing !== undefined) temp.copyFrom(existing);
    for (const op of merged) {
      const err = temp.apply(op);
      if (err !== null) return `ERR Error in ACL SETUSER modifier '${op}': ${ruleErrorText(err)}`;
    }
    if (existing !== undefined) this.killPubsubClientsIfNeeded(temp, existing);
    let u = existing;
    if (u === undefined) {
      u = this.newUser(name);
      this.users.set(name, u);
    }
    u.copyFrom(temp);
    if (u === this.defaultUser) this.refreshAuth();
    return null;
  }

  delUsers(names: readonly string[]): number | { error: string } {
    if (names.includes('default')) return { error: "ERR The 'default' user cannot be removed" };
    let n = 0;
    for (const name of names) {
      const u = this.users.get(name);
      if (u === undefined) continue;
      this.users.delete(name);
      this.killUserClients(u);
      n++;
    }
    return n;
  }

  getUser(name: string): AclUserView | null {
    const u = this.users.get(name);
    if (u === undefined) return null;
    const view = (s: Selector): AclUserView['root'] => ({
      commands: s.describeCommands(), keys: s.describeKeys(), channels: s.describeChannels(),
    });
    return {
      flags: u.flagNames(),
      passwords: u.passwords.slice(),
      root: view(u.root),
      selectors: u.selectors.slice(1).map(view),
    };
  }

  userExists(name: string): boolean {
    return this.users.has(name);
  }

  userNames(): string[] {
    return [...this.users.keys()].sort(byteOrder);
  }

  list(): string[] {
    return this.userNames().map((n) => `user ${n} ${(this.users.get(n) as User).describe()}`);
  }

  categories(): readonly string[] {
    return CATEGORIES;
  }

  categoryCommands(category: string): string[] | null {
    const bit = categoryBit(category);
    if (bit === 0) return null;
    return this.table.inCategory(bit).map((cmd) => cmd.fullName);
  }

  log(count: number): AclLogEntryView[] {
    return this.aclLog.view(count);
  }

  logReset(): void {
    this.aclLog.reset();
  }

  fullKeyReadAccess(client: ClientView, argv: readonly string[]): boolean {
    const user = (client as Client).aclUser;
    if (!(user instanceof User) || user.unrestricted) return true;
    const cmd = this.e.registry.lookup(argv);
    return cmd !== undefined && checkCommandWithAllKeysRead(user, cmd, argv);
  }

  dryRun(username: string, argv: readonly string[]): null | { denied: string } | { error: string } {
    const u = this.users.get(username);
    if (u === undefined) return { error: `ERR User '${username}' not found` };
    const cmd = this.e.registry.lookup(argv);
    if (cmd === undefined) return { error: `ERR Command '${argv[0] as string}' not found` };
    if (!arityAccepts(cmd.spec, argv.length)) return { error: wrongArity(cmd.fullName) };
    const r = checkCommand(u, cmd, argv);
    switch (r.reason) {
      case ACL_OK: return null;
      case DENIED_CMD: return { denied: `This user has no permissions to run the '${cmd.fullName}' command` };
      case DENIED_KEY: return { denied: `This user has no permissions to access the '${argv[r.pos] as string}' key` };
      case DENIED_CHANNEL:
        return { denied: `This user has no permissions to access the '${argv[r.pos] as string}' channel` };
      default: return { error: 'ERR Invalid permission result' };
    }
  }

  /* ---- the ACL file -------------------------------------------------------------------------- */

  private get aclFile(): string {
    return this.e.config.getStr('aclfile');
  }

  private aclFilePath(): string {
    return path.resolve(this.e.config.getStr('dir') || '.', this.aclFile);
  }

  load(): string | null {
    if (this.aclFile === '') return NO_ACL_FILE;
    const err = this.loadFromFile();
    return err === null ? null : `ERR ${err}`;
  }

  save(): string | null {
    if (this.aclFile === '') return NO_ACL_FILE;
    return this.saveToFile()
      ? null
      : 'ERR There was an error trying to save the ACLs. Please check the server logs for more information';
  }

  /** ACLLoadFromFile: all users or nothing; returns null or the errors found (one line). */
  private loadFromFile(): string | null {
    const name = this.aclFile;
    let text: string;
    try {
      text = fs.readFileSync(this.aclFilePath()).latin1Slice();
    } catch (e) {
      return `Error loading ACLs, opening file '${name}': ${errnoText(e)}`;
    }
    let errors = '';
    const fresh = new Map<string, User>();
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = trimChars(lines[i] as string, ' \t\r\n');
      const lineno = i + 1;
      if (line === '') continue;
      const argv = line.split(' ');
      if (argv[0] !== 'user' || argv.length < 2) {
        errors += `${name}:${lineno} should start with user keyword followed by the username. `;
        continue;
      }
      const uname = argv[1] as string;
      if (hasSpaces(uname)) {
        errors += `'${name}:${lineno}: username '${uname}' contains invalid characters. `;
        continue;
      }
      if (fresh.has(uname)) {
        errors += `WARNING: Duplicate user '${uname}' found on line ${lineno}. `;
        continue;
      }
      const u = this.newUser(uname);
      fresh.set(uname, u);
      const merged = mergeSelectorArgs(argv.slice(2));
      let rules: string[] = [];
      if (!Array.isArray(merged)) errors += `${name}:${lineno}: Unmatched parenthesis in selector definition.`;
      else rules = merged;
      let syntaxError = false;
      for (const raw of rules) {
        const op = trimChars(raw, '\t\r\n');
        const err = u.apply(op);
        if (err === null) continue;
        if (err === 'ENOENT') {
          errors += `${name}:${lineno}: Error in applying operation '${op}': ${ruleErrorText(err)}. `;
        } else if (!syntaxError) {
          errors += `${name}:${lineno}: ${ruleErrorText(err)}. `;
          syntaxError = true;
        }
      }
    }
    if (errors !== '') {
      return errors + 'WARNING: ACL errors detected, no change to the previously active ACL rules was performed';
    }
    const newDefault = fresh.get('default') ?? this.createDefaultUser();
    this.defaultUser.copyFrom(newDefault);
    fresh.set('default', this.defaultUser);
    const old = this.users;
    this.users = fresh;
    for (const [n, u] of old) if (n !== 'default') this.killUserClients(u);
    this.refreshAuth();
    return null;
  }

  /** ACLSaveToFile: write every user to a temporary file, then rename it over the ACL file. */
  private saveToFile(): boolean {
    const body = this.list().join('\n') + (this.users.size ? '\n' : '');
    const file = this.aclFilePath();
    const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
    try {
      fs.writeFileSync(tmp, Buffer.from(body, 'latin1'), { mode: 0o644 });
    } catch (e) {
      this.e.log('warning', `Opening temp ACL file for ACL SAVE: ${errnoText(e)}`);
      return false;
    }
    try {
      fs.renameSync(tmp, file);
    } catch (e) {
      this.e.log('warning', `Renaming ACL file for ACL SAVE: ${errnoText(e)}`);
      try {
        fs.unlinkSync(tmp);
      } catch {
        // already gone
      }
      return false;
    }
    return true;
  }

  /* ---- startup ------------------------------------------------------------------------------- */

  /**
   * ACLLoadUsersAtStartup: the `user` lines of the configuration (`[name, ...rules]` each), or
   * the ACL file; throws with the message Redis logs before exiting.
   */
  loadAtStartup(configUsers: readonly string[][]): void {
    if (this.aclFile !== '' && configUsers.length !== 0) {
      throw new Error('Configuring Redis with users defined in redis.conf and at the same setting an ACL file path ' +
        'is invalid. This setup is very likely to lead to configuration errors and security holes, please define ' +
        'either an ACL file or declare users directly in your redis.conf, but not both.');
    }
    for (const args of configUsers) {
      const name = args[0] as string;
      if (hasSpaces(name)) throw new Error('Spaces not allowed in ACL usernames');
      let u = this.users.get(name);
      if (u === undefined) {
        u = this.newUser(name);
        this.users.set(name, u);
      } else {
        u.apply('reset');
      }
      const merged = mergeSelectorArgs(args.slice(1));
      const rules = Array.isArray(merged) ? merged : [];
      for (const op of rules) {
        const err = u.apply(op);
        if (err !== null) {
          throw new Error(`Error loading ACL rule '${op}' for the user named '${name}': ${ruleErrorText(err)}`);
        }
      }
      if (u.flags & U_DISABLED) {
        this.e.log('notice', `The user '${name}' is disabled (there is no 'on' modifier in the user description). ` +
          'Make sure this is not a configuration error.');
      }
    }
    if (this.aclFile !== '') {
      const err = this.loadFromFile();
      if (err !== null) throw new Error(`Aborting Redis startup because of ACL errors: ${err}`);
    }
    this.refreshAuth();
  }
}
