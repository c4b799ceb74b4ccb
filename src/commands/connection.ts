/*
 * Connection commands (Redis 7.0's "connection" group): PING, ECHO, HELLO, AUTH, SELECT, QUIT,
 * RESET, plus the CLIENT container from client.ts. Handlers only touch the calling client through
 * ClientView and reach other connections through c.server.clients (the engine's ClientsPort).
 */

import type { Ctx } from './context.js';
import type { CommandSpec } from './spec.js';
import { is } from './args.js';
import { dbByIndex, int32Arg } from './lookup.js';
import { clientSpec, NAME_ERROR, validClientAttr } from './client.js';
import * as E from '../protocol/errors.js';
import { string2l } from '../util/numbers.js';

/** The Redis version nodis reports to clients (HELLO, INFO): clients gate features on it. */
export const REDIS_VERSION = '7.0.15';

const HELLO_NOAUTH =
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH ' +
  '<user> <pass> option can be used to authenticate the client and select the RESP protocol ' +
  'version at the same time';
const AUTH_NOPASS =
  'ERR AUTH <password> called without any password configured for the default user. Are you ' +
  'sure your configuration is correct?';

/** A directive's value, or `fallback` when the config schema does not know it. */
function configOr(c: Ctx, name: string, fallback: string): string {
  try {
    return c.server.configString(name);
  } catch {
    return fallback;
  }
}

/** ACLAuthenticateUser: true when the pair is valid (the client is then authenticated as `user`). */
function tryAuth(c: Ctx, argv: readonly string[], user: string, password: string): boolean {
  return c.server.acl.authenticate(c.client, user, password, argv[0] as string);
}

/* ---- PING / ECHO ---------------------------------------------------------------------- */

function pingCommand(c: Ctx, argv: string[]): void {
  if (argv.length > 2) {
    c.reply.error(E.wrongArity('ping'));
    return;
  }
  if (c.client.subscribed && c.client.resp === 2) {
    // A RESP2 subscriber reads replies as pub/sub messages: PING answers in that shape.
    c.reply.array(2);
    c.reply.bulk('pong');
    c.reply.bulk(argv.length === 1 ? '' : (argv[1] as string));
    return;
  }
  if (argv.length === 1) c.reply.simple('PONG');
  else c.reply.bulk(argv[1] as string);
}

function echoCommand(c: Ctx, argv: string[]): void {
  c.reply.bulk(argv[1] as string);
}

/* ---- HELLO / AUTH ------------------------------------------------------------------------ */

function helloCommand(c: Ctx, argv: string[]): void {
  let ver = 0;
  let next = 1;
  if (argv.length >= 2) {
    const v = string2l(argv[next++] as string);
    if (v === null) {
      c.reply.error('ERR Protocol version is not an integer or out of range');
      return;
    }
    if (v < 2 || v > 3) {
      c.reply.error('NOPROTO unsupported protocol version');
      return;
    }
    ver = v;
  }
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j] as string;
    if (is(opt, 'auth') && more >= 2) {
      if (!tryAuth(c, argv, argv[j + 1] as string, argv[j + 2] as string)) {
        c.reply.error(E.WRONGPASS);
        return;
      }
      j += 2;
    } else if (is(opt, 'setname') && more >= 1) {
      const name = argv[j + 1] as string;
      if (!validClientAttr(name)) {
        c.reply.error(NAME_ERROR);
        return;
      }
      c.client.name = name === '' ? null : name;
      j++;
    } else {
      c.reply.error(`ERR Syntax error in HELLO option '${opt}'`);
      return;
    }
  }
  if (!c.client.authenticated) {
    c.reply.error(HELLO_NOAUTH);
    return;
  }
  if (ver !== 0) {
    c.client.resp = ver as 2 | 3;
    c.reply.resp = ver as 2 | 3;
  }
  const r = c.reply;
  r.map(7);
  r.bulk('server');
  r.bulk('redis');
  r.bulk('version');
  r.bulk(REDIS_VERSION);
  r.bulk('proto');
  r.integer(c.client.resp);
  r.bulk('id');
  r.integer(c.client.id);
  r.bulk('mode');
  r.bulk(configOr(c, 'cluster-enabled', 'no') === 'yes' ? 'cluster' : 'standalone');
  r.bulk('role');
  r.bulk(c.server.role === 'master' ? 'master' : 'replica');
  r.bulk('modules');
  r.array(0);
}

function authCommand(c: Ctx, argv: string[]): void {
  if (argv.length > 3) {
    c.reply.error(E.SYNTAX);
    return;
  }
  let user = 'default';
  let password: string;
  if (argv.length === 2) {
    if (c.server.acl.defaultUserNopass) {
      c.reply.error(AUTH_NOPASS);
      return;
    }
    password = argv[1] as string;
  } else {
    user = argv[1] as string;
    password = argv[2] as string;
  }
  if (tryAuth(c, argv, user, password)) c.reply.ok();
  else c.reply.error(E.WRONGPASS);
}

/* ---- SELECT / QUIT / RESET ---------------------------------------------------------------- */

function selectCommand(c: Ctx, argv: string[]): void {
  const id = int32Arg(c, argv[1] as string);
  if (id === null) return;
  if (id !== 0 && configOr(c, 'cluster-enabled', 'no') === 'yes') {
    c.reply.error(E.SELECT_NOT_ALLOWED_IN_CLUSTER);
    return;
  }
  if (dbByIndex(c, id) === null) {
    c.reply.error(E.INVALID_DB);
    return;
  }
  c.server.clients.select(c.client, id);
  c.reply.ok();
}

function quitCommand(c: Ctx): void {
  c.reply.ok();
  c.client.closeAfterReply();
}

function resetCommand(c: Ctx): void {
  c.server.clients.reset(c.client);
  // The reset client speaks RESP2 and has replies on again: +RESET itself is always sent.
  c.reply.resp = c.client.resp;
  c.reply.suppressed = false;
  c.reply.simple('RESET');
}

/* ---- metadata (Redis 7.0.15's src/commands/*.json; SETINFO and NO-TOUCH from 7.2) ---------- */

const specs: CommandSpec[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast', 'sentinel'],
    acl: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Ping the server',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    args: [{ name: 'message', type: 'string', optional: true }],
    handler: pingCommand,
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Echo the given string',
    complexity: 'O(1)',
    args: [{ name: 'message', type: 'string' }],
    handler: echoCommand,
  },
  {
    name: 'hello',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'],
    acl: ['connection'],
    group: 'connection',
    since: '6.0.0',
    summary: 'Handshake with Redis',
    complexity: 'O(1)',
    history: [
      ['6.2.0', '`protover` made optional; when called without arguments the command reports the current connection\'s context.'],
    ],
    args: [
      { name: 'arguments', type: 'block', optional: true, arguments: [
        { name: 'protover', type: 'integer' },
        { name: 'username_password', type: 'block', token: 'AUTH', optional: true, arguments: [
          { name: 'username', type: 'string' },
          { name: 'password', type: 'string' },
        ] },
        { name: 'clientname', type: 'string', token: 'SETNAME', optional: true },
      ] },
    ],
    handler: helloCommand,
  },
  {
    name: 'auth',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'],
    acl: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Authenticate to the server',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    history: [['6.0.0', 'Added ACL style (username and password).']],
    args: [
      { name: 'username', type: 'string', optional: true, since: '6.0.0' },
      { name: 'password', type: 'string' },
    ],
    handler: authCommand,
  },
  {
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Change the selected database for the current connection',
    complexity: 'O(1)',
    args: [{ name: 'index', type: 'integer' }],
    handler: selectCommand,
  },
  {
    name: 'quit',
    arity: -1,
    flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
    acl: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Close the connection',
    complexity: 'O(1)',
    handler: quitCommand,
  },
  {
    name: 'reset',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['connection'],
    group: 'connection',
    since: '6.2.0',
    summary: 'Reset the connection',
    complexity: 'O(1)',
    handler: resetCommand,
  },
  clientSpec,
];

export const commands: CommandSpec[] = specs;
