/*
 * CLIENT and its subcommands (part of Redis 7.0's "connection" group), exported to
 * connection.ts. Other connections are reached through c.server.clients (the engine's
 * ClientsPort); the caller's own state through ClientView.
 *
 * CLIENT SETINFO and CLIENT NO-TOUCH come from Redis 7.2 (clients send SETINFO on connect).
 * CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO drive client-side caching (the engine's
 * tracking.ts).
 */

import type { ClientFilter, Ctx, TrackingOptions } from './context.js';
import type { CommandSpec } from './spec.js';
import { is } from './args.js';
import { replyHelp } from './lookup.js';
import * as E from '../protocol/errors.js';
import { string2l, string2ll } from '../util/numbers.js';

export const NAME_ERROR = 'ERR Client names cannot contain spaces, newlines or special characters.';

/**
 * Names and CLIENT SETINFO values must print as one CLIENT LIST field: only the printable ASCII
 * range '!'..'~' is allowed (bytes above 0x7e count as special, as in Redis).
 */
export function validClientAttr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

/* ---- CLIENT ------------------------------------------------------------------------------ */

/** Bytes of `argv` sent as a multibulk request (what Redis still holds in the query buffer). */
function requestBytes(argv: readonly string[]): number {
  let n = 3 + String(argv.length).length;
  for (const a of argv) n += 5 + String(a.length).length + a.length;
  return n;
}

/**
 * The engine describes clients as they are between commands. Redis, while running a command,
 * still holds that command's request in the caller's query buffer and its arguments in argv,
 * and already counts it as the caller's last command: add all three to the caller's own line so
 * `qbuf`, `argv-mem`, `tot-mem` and `cmd` read as in Redis.
 */
function withOwnRequest(line: string, argv: readonly string[], cmd: string): string {
  const raw = requestBytes(argv);
  let argvMem = 0;
  for (const a of argv) argvMem += a.length;
  return line
    .replace(/ qbuf=(\d+) /, (_m, q: string) => ` qbuf=${Number(q) + raw} `)
    .replace(/ argv-mem=(\d+) /, (_m, a: string) => ` argv-mem=${Number(a) + argvMem} `)
    .replace(/ tot-mem=(\d+) /, (_m, t: string) => ` tot-mem=${Number(t) + raw + argvMem} `)
    .replace(/ cmd=\S+ /, ` cmd=${cmd} `);
}

function adjustOwnLines(c: Ctx, text: string, argv: readonly string[]): string {
  const prefix = `id=${c.client.id} `;
  if (!text.includes(prefix)) return text;
  const cmd = c.server.commands.fullName(c.spec);
  return text
    .split('\n')
    .map((l) => (l.startsWith(prefix) ? withOwnRequest(l, argv, cmd) : l))
    .join('\n');
}

function clientIdCommand(c: Ctx): void {
  c.reply.integer(c.client.id);
}

function clientInfoCommand(c: Ctx, argv: string[]): void {
  c.reply.verbatim(adjustOwnLines(c, c.server.clients.infoLine(c.client.id), argv));
}

/** CLIENT LIST / KILL TYPE names (slave is the old name of replica). */
function clientType(name: string): ClientFilter['type'] | null {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'pubsub':
      return 'pubsub';
    case 'master':
      return 'master';
    default:
      return null;
  }
}

function clientListCommand(c: Ctx, argv: string[]): void {
  const clients = c.server.clients;
  let out: string;
  if (argv.length === 4 && is(argv[2], 'type')) {
    const type = clientType(argv[3] as string);
    if (type === null) {
      c.reply.error(`ERR Unknown client type '${E.cstr(argv[3] as string)}'`);
      return;
    }
    out = clients.list({ type });
  } else if (argv.length > 3 && is(argv[2], 'id')) {
    out = '';
    for (let j = 3; j < argv.length; j++) {
      const id = string2l(argv[j] as string);
      if (id === null) {
        c.reply.error('ERR Invalid client ID');
        return;
      }
      out += clients.infoLine(id);
    }
  } else if (argv.length !== 2) {
    c.reply.error(E.SYNTAX);
    return;
  } else {
    out = clients.list({});
  }
  c.reply.verbatim(adjustOwnLines(c, out, argv));
}

function clientGetnameCommand(c: Ctx): void {
  const name = c.client.name;
  if (name === null) c.reply.nullBulk();
  else c.reply.bulk(name);
}

function clientSetnameCommand(c: Ctx, argv: string[]): void {
  const name = argv[2] as string;
  if (!validClientAttr(name)) {
    c.reply.error(NAME_ERROR);
    return;
  }
  c.client.name = name === '' ? null : name;
  c.reply.ok();
}

function clientSetinfoCommand(c: Ctx, argv: string[]): void {
  const attr = argv[2] as string;
  const value = argv[3] as string;
  const isName = is(attr, 'lib-name');
  if (!isName && !is(attr, 'lib-ver')) {
    c.reply.error(`ERR Unrecognized option '${attr}'`);
    return;
  }
  if (!validClientAttr(value)) {
    c.reply.error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
    return;
  }
  if (isName) c.client.libName = value;
  else c.client.libVer = value;
  c.reply.ok();
}

function clientKillCommand(c: Ctx, argv: string[]): void {
  const filter: ClientFilter = {};
  let skipMe = true;
  if (argv.length === 3) {
    // The old form: CLIENT KILL addr:port, which may kill the caller itself.
    filter.addr = argv[2] as string;
    skipMe = false;
  } else if (argv.length > 3) {
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i] as string;
      const val = argv[i + 1];
      if (val === undefined) {
        c.reply.error(E.SYNTAX);
        return;
      }
      if (is(opt, 'id')) {
        const id = string2l(val);
        if (id === null || id < 1) {
          c.reply.error('ERR client-id should be greater than 0');
          return;
        }
        filter.ids = [id];
      } else if (is(opt, 'type')) {
        const type = clientType(val);
        if (type === null) {
          c.reply.error(`ERR Unknown client type '${val}'`);
          return;
        }
        filter.type = type;
      } else if (is(opt, 'addr')) {
        filter.addr = val;
      } else if (is(opt, 'laddr')) {
        filter.laddr = val;
      } else if (is(opt, 'user')) {
        if (!c.server.acl.userExists(val)) {
          c.reply.error(`ERR No such user '${val}'`);
          return;
        }
        filter.user = val;
      } else if (is(opt, 'skipme')) {
        if (is(val, 'yes')) skipMe = true;
        else if (is(val, 'no')) skipMe = false;
        else {
          c.reply.error(E.SYNTAX);
          return;
        }
      } else if (is(opt, 'maxage')) {
        // MAXAGE (Redis 7.4): clients connected at least this many seconds ago.
        const age = string2l(val);
        if (age === null) {
          c.reply.error('ERR maxage is not an integer or out of range');
          return;
        }
        filter.maxAge = age;
      } else {
        c.reply.error(E.SYNTAX);
        return;
      }
    }
  } else {
    c.reply.error(E.SYNTAX);
    return;
  }
  filter.skipMe = skipMe;
  const killed = c.server.clients.kill(filter, c.client.id);
  if (argv.length === 3) {
    if (killed === 0) c.reply.error('ERR No such client');
    else c.reply.ok();
  } else {
    c.reply.integer(killed);
  }
}

function onOffArg(c: Ctx, arg: string | undefined): boolean | null {
  if (is(arg, 'on')) return true;
  if (is(arg, 'off')) return false;
  c.reply.error(E.SYNTAX);
  return null;
}

function clientNoEvictCommand(c: Ctx, argv: string[]): void {
  const on = onOffArg(c, argv[2]);
  if (on === null) return;
  c.client.noEvict = on;
  c.reply.ok();
}

function clientNoTouchCommand(c: Ctx, argv: string[]): void {
  const on = onOffArg(c, argv[2]);
  if (on === null) return;
  c.client.noTouch = on;
  c.reply.ok();
}

/**
 * CLIENT REPLY: the handler sets the mode; the engine applies it (OFF drops every reply until
 * ON; SKIP drops the next command's reply). ON always answers, even when replies were off or
 * this very command was being skipped.
 */
function clientReplyCommand(c: Ctx, argv: string[]): void {
  const mode = argv[2];
  if (is(mode, 'on')) {
    c.client.replyMode = 'on';
    c.reply.suppressed = false;
    c.reply.ok();
  } else if (is(mode, 'off')) {
    c.client.replyMode = 'off';
  } else if (is(mode, 'skip')) {
    if (c.client.replyMode !== 'off') c.client.replyMode = 'skip';
  } else {
    c.reply.error(E.SYNTAX);
  }
}

function clientPauseCommand(c: Ctx, argv: string[]): void {
  let mode: 'all' | 'write' = 'all';
  if (argv.length === 4) {
    if (is(argv[3], 'write')) mode = 'write';
    else if (is(argv[3], 'all')) mode = 'all';
    else {
      c.reply.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
      return;
    }
  } else if (argv.length !== 3) {
    c.reply.error(E.subcommandSyntax(argv[1] as string, argv[0] as string));
    return;
  }
  const t = string2l(argv[2] as string);
  if (t === null) {
    c.reply.error('ERR timeout is not an integer or out of range');
    return;
  }
  if (t < 0) {
    c.reply.error('ERR timeout is negative');
    return;
  }
  c.server.clients.pause(t > 0 ? Date.now() + t : 0, mode);
  c.reply.ok();
}

function clientUnpauseCommand(c: Ctx): void {
  c.server.clients.unpause();
  c.reply.ok();
}

function clientUnblockCommand(c: Ctx, argv: string[]): void {
  if (argv.length > 4) {
    c.reply.error(E.subcommandSyntax(argv[1] as string, argv[0] as string));
    return;
  }
  let withError = false;
  if (argv.length === 4) {
    if (is(argv[3], 'timeout')) withError = false;
    else if (is(argv[3], 'error')) withError = true;
    else {
      c.reply.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      return;
    }
  }
  const id = string2l(argv[2] as string);
  if (id === null) {
    c.reply.error(E.NOT_INTEGER);
    return;
  }
  c.reply.integer(c.server.clients.unblock(id, withError) ? 1 : 0);
}

/* ---- client-side caching ------------------------------------------------------------------ */

/** CLIENT TRACKING (ON|OFF) [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP] */
function clientTrackingCommand(c: Ctx, argv: string[]): void {
  let redirect = 0;
  const opts: TrackingOptions = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const a = argv[j];
    if (is(a, 'redirect') && more) {
      j++;
      if (redirect !== 0) {
        c.reply.error('ERR A client can only redirect to a single other client');
        return;
      }
      const id = string2ll(argv[j] as string);
      if (id === null) {
        c.reply.error(E.NOT_INTEGER);
        return;
      }
      // The target must exist now (it may still disconnect later).
      if (!c.server.clients.exists(Number(id))) {
        c.reply.error('ERR The client ID you want redirect to does not exist');
        return;
      }
      redirect = Number(id);
    } else if (is(a, 'bcast')) {
      opts.bcast = true;
    } else if (is(a, 'optin')) {
      opts.optin = true;
    } else if (is(a, 'optout')) {
      opts.optout = true;
    } else if (is(a, 'noloop')) {
      opts.noloop = true;
    } else if (is(a, 'prefix') && more) {
      j++;
      prefixes.push(argv[j] as string);
    } else {
      c.reply.error(E.SYNTAX);
      return;
    }
  }
  if (is(argv[2], 'on')) {
    const err = c.server.clients.trackingOn(c.client, redirect, opts, prefixes);
    if (err !== null) {
      c.reply.error(err);
      return;
    }
  } else if (is(argv[2], 'off')) {
    c.server.clients.trackingOff(c.client);
  } else {
    c.reply.error(E.SYNTAX);
    return;
  }
  c.reply.ok();
}

function clientCachingCommand(c: Ctx, argv: string[]): void {
  const clients = c.server.clients;
  const opt = argv[2];
  // Tracking must be on before the argument is even looked at.
  if (clients.trackingRedirect(c.client) !== -1 && !is(opt, 'yes') && !is(opt, 'no')) {
    c.reply.error(E.SYNTAX);
    return;
  }
  const err = clients.trackingCaching(c.client, is(opt, 'yes'));
  if (err !== null) c.reply.error(err);
  else c.reply.ok();
}

function clientGetredirCommand(c: Ctx): void {
  c.reply.integer(c.server.clients.trackingRedirect(c.client));
}

function clientTrackinginfoCommand(c: Ctx): void {
  const info = c.server.clients.trackingInfo(c.client);
  const r = c.reply;
  r.map(3);
  r.bulk('flags');
  r.set(info.flags.length);
  for (const f of info.flags) r.bulk(f);
  r.bulk('redirect');
  r.integer(info.redirect);
  r.bulk('prefixes');
  r.array(info.prefixes.length);
  for (const p of info.prefixes) r.bulk(p);
}

const CLIENT_HELP = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  '    * MAXAGE <seconds>',
  '      Kill connections older than the given number of seconds.',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <LIB-NAME|LIB-VER> <value>',
  '    Record the name or the version of the client library of the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Leave the LRU/LFU access time of keys alone for the commands of this connection.',
];

function clientHelpCommand(c: Ctx, argv: string[]): void {
  replyHelp(c, argv[0] as string, CLIENT_HELP);
}

/* ---- metadata (Redis 7.0.15's client-*.json; SETINFO and NO-TOUCH from 7.2) -------------- */

export const clientSpec: CommandSpec = {
  name: 'client',
  arity: -2,
  flags: ['sentinel'],
  group: 'connection',
  since: '2.4.0',
  summary: 'A container for client connection commands',
  complexity: 'Depends on subcommand.',
  subcommands: [
    {
      name: 'id',
      arity: 2,
      flags: ['noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '5.0.0',
      summary: 'Returns the client ID for the current connection',
      complexity: 'O(1)',
      handler: clientIdCommand,
    },
    {
      name: 'info',
      arity: 2,
      flags: ['noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '6.2.0',
      summary: 'Returns information about the current client connection.',
      complexity: 'O(1)',
      tips: ['nondeterministic_output'],
      handler: clientInfoCommand,
    },
    {
      name: 'list',
      arity: -2,
      flags: ['admin', 'noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '2.4.0',
      summary: 'Get the list of client connections',
      complexity: 'O(N) where N is the number of client connections',
      history: [
        ['2.8.12', 'Added unique client `id` field.'],
        ['5.0.0', 'Added optional `TYPE` filter.'],
        ['6.0.0', 'Added `user` field.'],
        ['6.2.0', 'Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.'],
        ['7.0.0', 'Added `resp`, `multi-mem`, `rbs` and `rbp` fields.'],
        ['7.0.3', 'Added `ssub` field.'],
      ],
      tips: ['nondeterministic_output'],
      args: [
        { name: 'normal_master_replica_pubsub', type: 'oneof', token: 'TYPE', optional: true, since: '5.0.0', arguments: [
          { name: 'normal', type: 'pure-token', token: 'normal' },
          { name: 'master', type: 'pure-token', token: 'master' },
          { name: 'replica', type: 'pure-token', token: 'replica' },
          { name: 'pubsub', type: 'pure-token', token: 'pubsub' },
        ] },
        { name: 'id', type: 'block', token: 'ID', optional: true, since: '6.2.0', arguments: [
          { name: 'client-id', type: 'integer', multiple: true },
        ] },
      ],
      handler: clientListCommand,
    },
    {
      name: 'getname',
      arity: 2,
      flags: ['noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '2.6.9',
      summary: 'Get the current connection name',
      complexity: 'O(1)',
      handler: clientGetnameCommand,
    },
    {
      name: 'setname',
      arity: 3,
      flags: ['noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '2.6.9',
      summary: 'Set the current connection name',
      complexity: 'O(1)',
      args: [{ name: 'connection-name', type: 'string' }],
      handler: clientSetnameCommand,
    },
    {
      name: 'kill',
      arity: -3,
      flags: ['admin', 'noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '2.4.0',
      summary: 'Kill the connection of a client',
      complexity: 'O(N) where N is the number of client connections',
      history: [
        ['2.8.12', 'Added new filter format.'],
        ['2.8.12', '`ID` option.'],
        ['3.2.0', 'Added `master` type in for `TYPE` option.'],
        ['5.0.0', 'Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.'],
        ['6.2.0', '`LADDR` option.'],
      ],
      args: [
        { name: 'filter', type: 'oneof', arguments: [
          { name: 'ip:port', type: 'string', deprecated_since: '2.8.12' },
          { name: 'new-format', type: 'oneof', multiple: true, arguments: [
            { name: 'client-id', type: 'integer', token: 'ID', optional: true, since: '2.8.12' },
            { name: 'normal_master_slave_pubsub', type: 'oneof', token: 'TYPE', optional: true, since: '2.8.12', arguments: [
              { name: 'normal', type: 'pure-token', token: 'normal' },
              { name: 'master', type: 'pure-token', token: 'master', since: '3.2.0' },
              { name: 'slave', type: 'pure-token', token: 'slave' },
              { name: 'replica', type: 'pure-token', token: 'replica', since: '5.0.0' },
              { name: 'pubsub', type: 'pure-token', token: 'pubsub' },
            ] },
            { name: 'username', type: 'string', token: 'USER', optional: true },
            { name: 'ip:port', type: 'string', token: 'ADDR', optional: true },
            { name: 'ip:port', type: 'string', token: 'LADDR', optional: true, since: '6.2.0' },
            { name: 'yes/no', type: 'string', token: 'SKIPME', optional: true },
          ] },
        ] },
      ],
      handler: clientKillCommand,
    },
    {
      name: 'setinfo',
      arity: 4,
      flags: ['noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '7.2.0',
      summary: 'Sets information specific to the client or connection.',
      complexity: 'O(1)',
      args: [
        { name: 'attr', type: 'oneof', arguments: [
          { name: 'libname', type: 'string', token: 'lib-name' },
          { name: 'libver', type: 'string', token: 'lib-ver' },
        ] },
      ],
      handler: clientSetinfoCommand,
    },
    {
      name: 'no-evict',
      arity: 3,
      flags: ['admin', 'noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '7.0.0',
      summary: 'Set client eviction mode for the current connection',
      complexity: 'O(1)',
      args: [
        { name: 'enabled', type: 'oneof', arguments: [
          { name: 'on', type: 'pure-token', token: 'ON' },
          { name: 'off', type: 'pure-token', token: 'OFF' },
        ] },
      ],
      handler: clientNoEvictCommand,
    },
    {
      name: 'no-touch',
      arity: 3,
      flags: ['noscript', 'loading', 'stale'],
      acl: ['connection'],
      group: 'connection',
      since: '7.2.0',
      summary: 'Controls whether commands sent by the client affect the LRU/LFU of accessed keys.',
      complexity: 'O(1)',
      args: [
        { name: 'enabled', type: 'oneof', arguments: [
          { name: 'on', type: 'pure-token', token: 'ON' },
          { name: 'off', type: 'pure-token', token: 'OFF' },
        ] },
      ],
      handler: clientNoTouchCommand,
    },
    {
      name: 'reply',
      arity: 3,
      flags: ['noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '3.2.0',
      summary: 'Instruct the server whether to reply to commands',
      complexity: 'O(1)',
      args: [
        { name: 'on_off_skip', type: 'oneof', arguments: [
          { name: 'on', type: 'pure-token', token: 'ON' },
          { name: 'off', type: 'pure-token', token: 'OFF' },
          { name: 'skip', type: 'pure-token', token: 'SKIP' },
        ] },
      ],
      handler: clientReplyCommand,
    },
    {
      name: 'pause',
      arity: -3,
      flags: ['admin', 'noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '2.9.50',
      summary: 'Stop processing commands from clients for some time',
      complexity: 'O(1)',
      history: [['6.2.0', '`CLIENT PAUSE WRITE` mode added along with the `mode` option.']],
      args: [
        { name: 'timeout', type: 'integer' },
        { name: 'mode', type: 'oneof', optional: true, since: '6.2.0', arguments: [
          { name: 'write', type: 'pure-token', token: 'WRITE' },
          { name: 'all', type: 'pure-token', token: 'ALL' },
        ] },
      ],
      handler: clientPauseCommand,
    },
    {
      name: 'unpause',
      arity: 2,
      flags: ['admin', 'noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '6.2.0',
      summary: 'Resume processing of clients that were paused',
      complexity: 'O(N) Where N is the number of paused clients',
      handler: clientUnpauseCommand,
    },
    {
      name: 'unblock',
      arity: -3,
      flags: ['admin', 'noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '5.0.0',
      summary: 'Unblock a client blocked in a blocking command from a different connection',
      complexity: 'O(log N) where N is the number of client connections',
      args: [
        { name: 'client-id', type: 'integer' },
        { name: 'timeout_error', type: 'oneof', optional: true, arguments: [
          { name: 'timeout', type: 'pure-token', token: 'TIMEOUT' },
          { name: 'error', type: 'pure-token', token: 'ERROR' },
        ] },
      ],
      handler: clientUnblockCommand,
    },
    {
      name: 'tracking',
      arity: -3,
      flags: ['noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '6.0.0',
      summary: 'Enable or disable server assisted client side caching support',
      complexity: 'O(1). Some options may introduce additional complexity.',
      args: [
        { name: 'status', type: 'oneof', arguments: [
          { name: 'on', type: 'pure-token', token: 'ON' },
          { name: 'off', type: 'pure-token', token: 'OFF' },
        ] },
        { name: 'client-id', type: 'integer', token: 'REDIRECT', optional: true },
        { name: 'prefix', type: 'string', token: 'PREFIX', optional: true, multiple: true, multiple_token: true },
        { name: 'BCAST', type: 'pure-token', token: 'BCAST', optional: true },
        { name: 'OPTIN', type: 'pure-token', token: 'OPTIN', optional: true },
        { name: 'OPTOUT', type: 'pure-token', token: 'OPTOUT', optional: true },
        { name: 'NOLOOP', type: 'pure-token', token: 'NOLOOP', optional: true },
      ],
      handler: clientTrackingCommand,
    },
    {
      name: 'caching',
      arity: 3,
      flags: ['noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '6.0.0',
      summary: 'Instruct the server about tracking or not keys in the next request',
      complexity: 'O(1)',
      args: [
        { name: 'mode', type: 'oneof', arguments: [
          { name: 'yes', type: 'pure-token', token: 'YES' },
          { name: 'no', type: 'pure-token', token: 'NO' },
        ] },
      ],
      handler: clientCachingCommand,
    },
    {
      name: 'getredir',
      arity: 2,
      flags: ['noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '6.0.0',
      summary: 'Get tracking notifications redirection client ID if any',
      complexity: 'O(1)',
      handler: clientGetredirCommand,
    },
    {
      name: 'trackinginfo',
      arity: 2,
      flags: ['noscript', 'loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '6.2.0',
      summary: 'Return information about server assisted client side caching for the current connection',
      complexity: 'O(1)',
      handler: clientTrackinginfoCommand,
    },
    {
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale', 'sentinel'],
      acl: ['connection'],
      group: 'connection',
      since: '5.0.0',
      summary: 'Show helpful text about the different subcommands',
      complexity: 'O(1)',
      handler: clientHelpCommand,
    },
  ],
};
