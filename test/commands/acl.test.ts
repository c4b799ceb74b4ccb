// ACL over real sockets: every ACL subcommand, AUTH / HELLO AUTH with users, NOPERM for commands,
// keys and channels (top level, EXEC, scripts), ACL LOG, the ACL file and user lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';

const WRONGPASS = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

let s: RunningServer;
let admin: RawClient;

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning' } });
  admin = await RawClient.connect(s.port);
});

afterAll(async () => {
  admin.close();
  await s.close();
});

beforeEach(async () => {
  for (const u of ['alice', 'bob', 'carol', 'ps']) await admin.call('ACL', 'DELUSER', u);
  await admin.call('ACL', 'LOG', 'RESET');
});

/** A new connection to `port` (the shared server by default) authenticated as `user`. */
async function as(user: string, pass: string, port = s.port): Promise<RawClient> {
  const c = await RawClient.connect(port);
  expect(await c.call('AUTH', user, pass)).toBe('+OK\r\n');
  return c;
}

describe('users and AUTH', () => {
  it('starts as the default user with every permission', async () => {
    expect(await admin.call('ACL', 'WHOAMI')).toBe(bulk('default'));
    expect(await admin.call('ACL', 'LIST')).toBe('*1\r\n' + bulk('user default on nopass ~* &* +@all'));
    expect(await admin.call('ACL', 'USERS')).toBe('*1\r\n' + bulk('default'));
  });

  it('creates disabled users; AUTH works once on with the right password', async () => {
    expect(await admin.call('ACL', 'SETUSER', 'alice')).toBe('+OK\r\n');
    const c = await RawClient.connect(s.port);
    expect(await c.call('AUTH', 'alice', 'x')).toBe(WRONGPASS);
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>p1', '>p2');
    expect(await c.call('AUTH', 'alice', 'p3')).toBe(WRONGPASS);
    expect(await c.call('AUTH', 'alice', 'p2')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'WHOAMI')).toBe('-NOPERM this user has no permissions to run the \'acl|whoami\' command\r\n');
    expect(await c.call('AUTH', 'nobody', 'p2')).toBe(WRONGPASS);
    c.close();
  });

  it('removes passwords by value and by hash, validates hashes', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>a', '>b');
    expect(await admin.call('ACL', 'SETUSER', 'alice', '<a')).toBe('+OK\r\n');
    expect(await admin.call('ACL', 'SETUSER', 'alice', '<zz')).toBe(
      "-ERR Error in ACL SETUSER modifier '<zz': The password you are trying to remove from the user does not exist\r\n");
    expect(await admin.call('ACL', 'SETUSER', 'alice', '#abc')).toBe(
      "-ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters and contain only " +
      'lowercase hexadecimal characters\r\n');
    const hashB = '3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d';
    expect(await admin.call('ACL', 'SETUSER', 'alice', `!${hashB}`)).toBe('+OK\r\n');
    expect(await admin.call('ACL', 'LIST')).toContain('user alice on resetchannels -@all');
  });

  it('rejects usernames with spaces and unknown rules, leaving the user unchanged', async () => {
    expect(await admin.call('ACL', 'SETUSER', 'a b')).toBe("-ERR Usernames can't contain spaces or null characters\r\n");
    expect(await admin.call('ACL', 'SETUSER', 'alice', 'on', '+nosuch')).toBe(
      "-ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL\r\n");
    expect(await admin.call('ACL', 'GETUSER', 'alice')).toBe('$-1\r\n');
    expect(await admin.call('ACL', 'SETUSER', 'alice', 'bogus')).toBe(
      "-ERR Error in ACL SETUSER modifier 'bogus': Syntax error\r\n");
    expect(await admin.call('ACL', 'SETUSER', 'alice', '~*', '~x')).toContain('Adding a pattern after the * pattern');
    expect(await admin.call('ACL', 'SETUSER', 'alice', '(+get', '~x')).toBe(
      "-ERR Unmatched parenthesis in acl selector starting at '(+get'.\r\n");
    expect(await admin.call('ACL', 'SETUSER', 'alice', '+select|0|1')).toBe(
      "-ERR Error in ACL SETUSER modifier '+select|0|1': Unknown command or category name in ACL\r\n");
    expect(await admin.call('ACL', 'SETUSER', 'alice', '+config|get|x')).toBe(
      "-ERR Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand is not supported\r\n");
  });

  it('AUTH <password> without a default password is an error; requirepass sets it', async () => {
    expect(await admin.call('AUTH', 'x')).toBe('-ERR AUTH <password> called without any password configured for the ' +
      'default user. Are you sure your configuration is correct?\r\n');
    await admin.call('CONFIG', 'SET', 'requirepass', 'secret');
    expect(await admin.call('ACL', 'LIST')).toContain('user default on #2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* &* +@all');
    const c = await RawClient.connect(s.port);
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'nope')).toBe(WRONGPASS);
    expect(await c.call('AUTH', 'secret')).toBe('+OK\r\n');
    expect(await c.call('PING')).toBe('+PONG\r\n');
    c.close();
    await admin.call('CONFIG', 'SET', 'requirepass', '');
    expect(await admin.call('ACL', 'LIST')).toBe('*1\r\n' + bulk('user default on nopass ~* &* +@all'));
  });

  it('HELLO AUTH authenticates a user; a wrong pair is WRONGPASS', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>pw', '+@all', '~*');
    const c = await RawClient.connect(s.port);
    expect(await c.call('HELLO', '2', 'AUTH', 'alice', 'bad')).toBe(WRONGPASS);
    expect(await c.call('HELLO', '2', 'AUTH', 'alice', 'pw')).toMatch(/^\*14\r\n/);
    expect(await c.call('ACL', 'WHOAMI')).toBe(bulk('alice'));
    expect(await c.call('CLIENT', 'INFO')).toMatch(/ user=alice /);
    expect(await c.call('RESET')).toBe('+RESET\r\n');
    expect(await c.call('ACL', 'WHOAMI')).toBe(bulk('default'));
    c.close();
  });

  it('ioredis connects as a user in RESP2 (AUTH) and RESP3 (HELLO AUTH)', async () => {
    await admin.call('ACL', 'SETUSER', 'carol', 'on', '>cpw', '+@all', '-flushall', '~*');
    for (const protocol of [2, 3] as const) {
      const r = new Redis({ port: s.port, protocol, username: 'carol', password: 'cpw', lazyConnect: true });
      await r.connect();
      expect(await r.call('ACL', 'WHOAMI')).toBe('carol');
      await expect(r.flushall()).rejects.toThrow("NOPERM this user has no permissions to run the 'flushall' command");
      r.disconnect();
    }
  });

  it('a disabled default user makes new connections unauthenticated', async () => {
    await admin.call('ACL', 'SETUSER', 'default', 'off');
    const c = await RawClient.connect(s.port);
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    await admin.call('ACL', 'SETUSER', 'default', 'on');
    expect(await c.call('PING')).toBe('+PONG\r\n');
    c.close();
  });

  it('DELUSER closes the clients of the user and refuses the default user', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>pw', '+@all');
    const c = await as('alice', 'pw');
    expect(await admin.call('ACL', 'DELUSER', 'default')).toBe("-ERR The 'default' user cannot be removed\r\n");
    expect(await admin.call('ACL', 'DELUSER', 'alice', 'nobody')).toBe(':1\r\n');
    await c.waitClose();
    const self = await as('default', '');
    await admin.call('ACL', 'SETUSER', 'bob', 'on', '>pw', '+acl');
    expect(await self.call('AUTH', 'bob', 'pw')).toBe('+OK\r\n');
    expect(await self.call('ACL', 'DELUSER', 'bob')).toBe(':1\r\n');
    await self.waitClose();
  });

  it('CLIENT KILL USER knows the users', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>pw', '+@all');
    const c = await as('alice', 'pw');
    expect(await admin.call('CLIENT', 'KILL', 'USER', 'nobody')).toBe("-ERR No such user 'nobody'\r\n");
    expect(await admin.call('CLIENT', 'KILL', 'USER', 'alice')).toBe(':1\r\n');
    await c.waitClose();
  });
});

describe('permissions', () => {
  it('denies commands, subcommands, keys and channels with NOPERM', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>pw', '+@all', '-ping', '-client|kill', '~obj:*',
      'resetchannels', '&news');
    const c = await as('alice', 'pw');
    expect(await c.call('PING')).toBe("-NOPERM this user has no permissions to run the 'ping' command\r\n");
    expect(await c.call('CLIENT', 'KILL', 'x')).toBe(
      "-NOPERM this user has no permissions to run the 'client|kill' command\r\n");
    expect(await c.call('SET', 'obj:1', 'v')).toBe('+OK\r\n');
    expect(await c.call('SET', 'other', 'v')).toBe(
      '-NOPERM this user has no permissions to access one of the keys used as arguments\r\n');
    expect(await c.call('PUBLISH', 'news', 'm')).toBe(':0\r\n');
    expect(await c.call('PUBLISH', 'sport', 'm')).toBe(
      '-NOPERM this user has no permissions to access one of the channels used as arguments\r\n');
    expect(await c.call('PSUBSCRIBE', 'n*')).toBe(
      '-NOPERM this user has no permissions to access one of the channels used as arguments\r\n');
    c.close();
  });

  it('read and write key permissions follow the key specs', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>pw', '+@all', '%R~r:*', '%W~w:*');
    const c = await as('alice', 'pw');
    expect(await c.call('GET', 'r:1')).toBe('$-1\r\n');
    expect(await c.call('SET', 'r:1', 'x')).toMatch(/^-NOPERM/);
    expect(await c.call('SET', 'w:1', 'x')).toBe('+OK\r\n');
    expect(await c.call('GET', 'w:1')).toMatch(/^-NOPERM/);
    expect(await c.call('COPY', 'r:1', 'w:2')).toBe(':0\r\n');
    c.close();
  });

  it('SORT BY and GET need read access to every key', async () => {
    await admin.call('RPUSH', 'l:1', '2', '1');
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>pw', '+@all', '~l:*');
    await admin.call('ACL', 'SETUSER', 'bob', 'on', '>pw', '+@all', '%R~*', '~l:*');
    const a = await as('alice', 'pw');
    expect(await a.call('SORT', 'l:1')).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(await a.call('SORT', 'l:1', 'BY', 'nosort')).toBe('*2\r\n$1\r\n2\r\n$1\r\n1\r\n');
    expect(await a.call('SORT', 'l:1', 'BY', 'w_*')).toBe(
      '-ERR BY option of SORT denied due to insufficient ACL permissions.\r\n');
    expect(await a.call('SORT', 'l:1', 'GET', '#')).toBe(
      '-ERR GET option of SORT denied due to insufficient ACL permissions.\r\n');
    const b = await as('bob', 'pw');
    expect(await b.call('SORT', 'l:1', 'BY', 'w_*', 'GET', '#')).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    a.close();
    b.close();
    await admin.call('DEL', 'l:1');
  });

  it('first-arg rules and selectors', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>pw', '-@all', '+select|0', '~*', '(+get ~sel:*)');
    const c = await as('alice', 'pw');
    expect(await c.call('SELECT', '0')).toBe('+OK\r\n');
    expect(await c.call('SELECT', '1')).toMatch(/^-NOPERM .*'select'/);
    expect(await c.call('GET', 'sel:1')).toBe('$-1\r\n');
    expect(await c.call('GET', 'x')).toBe(
      '-NOPERM this user has no permissions to access one of the keys used as arguments\r\n');
    expect(await c.call('SET', 'sel:1', 'x')).toMatch(/^-NOPERM .*'set'/);
    c.close();
  });

  it('EXEC re-checks queued commands; MULTI queueing is denied too', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>pw', '+@all', '~*');
    const c = await as('alice', 'pw');
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('INCR', 'n')).toBe('+QUEUED\r\n');
    await admin.call('ACL', 'SETUSER', 'alice', '-incr');
    expect(await c.call('EXEC')).toBe('*1\r\n-NOPERM ACLs rules changed between the moment the transaction was ' +
      'accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to ' +
      'execute the command or subcommand\r\n');
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('INCR', 'n')).toMatch(/^-NOPERM/);
    expect(await c.call('EXEC')).toMatch(/^-EXECABORT/);
    c.close();
    const log = await admin.call('ACL', 'LOG', '1');
    expect(log).toContain(bulk('context') + bulk('multi'));
  });

  it('scripts: redis.call is checked for the caller and acl_check_cmd answers', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>pw', '+@scripting', '+set', '~x*');
    const c = await as('alice', 'pw');
    expect(await c.call('EVAL', "return redis.acl_check_cmd('set','xx',1)", '0')).toBe(':1\r\n');
    expect(await c.call('EVAL', "return redis.acl_check_cmd('hset','xx','f',1)", '0')).toBe('$-1\r\n');
    expect(await c.call('EVAL', "return redis.acl_check_cmd('set','yy',1)", '0')).toBe('$-1\r\n');
    expect(await c.call('EVAL', "return redis.call('incr','x')", '0')).toMatch(
      /^-ERR The user executing the script can't run this command or subcommand/);
    c.close();
    const log = await admin.call('ACL', 'LOG', '1');
    expect(log).toContain(bulk('context') + bulk('lua'));
    expect(log).toContain(bulk('object') + bulk('incr'));
  });

  it('kills subscribers whose channels are revoked, keeps the others', async () => {
    await admin.call('ACL', 'SETUSER', 'ps', 'on', '>pw', '+@all', 'resetchannels', '&foo', '&bar:*');
    const c1 = await as('ps', 'pw');
    const c2 = await as('ps', 'pw');
    await c1.call('SUBSCRIBE', 'foo');
    await c2.call('PSUBSCRIBE', 'bar:*');
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));
    await admin.call('ACL', 'SETUSER', 'ps', '&more');
    // A close would reach the test after the admin's reply: give it the time to arrive.
    await settle();
    expect(c1.closed || c2.closed).toBe(false);
    await admin.call('ACL', 'SETUSER', 'ps', 'resetchannels', '&bar:*');
    await c1.waitClose();
    await settle();
    expect(c2.closed).toBe(false);
    c2.close();
  });
});

describe('ACL subcommands', () => {
  it('GETUSER in RESP2 and RESP3', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', 'nopass', '%R~r*', '~k', '&ch', '+get', '(+set ~s*)');
    expect(await admin.call('ACL', 'GETUSER', 'alice')).toBe(
      '*12\r\n' + bulk('flags') + '*2\r\n' + bulk('on') + bulk('nopass') + bulk('passwords') + '*0\r\n' +
      bulk('commands') + bulk('-@all +get') + bulk('keys') + bulk('%R~r* ~k') + bulk('channels') + bulk('&ch') +
      bulk('selectors') + '*1\r\n*6\r\n' + bulk('commands') + bulk('-@all +set') + bulk('keys') + bulk('~s*') +
      bulk('channels') + bulk(''));
    const r3 = new Redis({ port: s.port, protocol: 3 });
    // ioredis flattens RESP3 maps into arrays: the flags came as a set, the selectors as maps.
    const u = await r3.call('ACL', 'GETUSER', 'alice') as unknown[];
    expect(u).toEqual(['flags', ['on', 'nopass'], 'passwords', [], 'commands', '-@all +get', 'keys', '%R~r* ~k',
      'channels', '&ch', 'selectors', [['commands', '-@all +set', 'keys', '~s*', 'channels', '']]]);
    expect(await r3.call('ACL', 'GETUSER', 'nobody')).toBeNull();
    r3.disconnect();
    expect(await admin.call('ACL', 'LIST')).toContain(
      bulk('user alice on nopass %R~r* ~k resetchannels &ch -@all +get (~s* resetchannels -@all +set)'));
  });

  it('describes category rules back', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'reset', '+@all', '~*', '-@string', '+incr', '-debug', '+debug|digest');
    // Single-command rules follow the command table's order (Redis: its hash table's order).
    const u = await admin.call('ACL', 'GETUSER', 'alice');
    expect(u).toContain(bulk('+@all -@string -debug +debug|digest +incr'));
    await admin.call('ACL', 'SETUSER', 'bob', 'reset', '-@all', '+@hash');
    expect(await admin.call('ACL', 'GETUSER', 'bob')).toContain(bulk('-@all +@hash'));
  });

  it('CAT, GENPASS, DRYRUN, HELP and errors', async () => {
    const cats = await admin.call('ACL', 'CAT');
    expect(cats.startsWith('*21\r\n' + bulk('keyspace') + bulk('read'))).toBe(true);
    expect(await admin.call('ACL', 'CAT', 'NON_EXISTS')).toBe("-ERR Unknown category 'NON_EXISTS'\r\n");
    expect(await admin.call('ACL', 'CAT', 'a', 'b')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.\r\n");
    expect(await admin.call('ACL', 'CAT', 'transaction')).toContain(bulk('multi'));
    expect((await admin.call('ACL', 'GENPASS')).length).toBe(bulk('x'.repeat(64)).length);
    expect(await admin.call('ACL', 'GENPASS', '5')).toMatch(/^\$2\r\n[0-9a-f]{2}\r\n$/);
    expect(await admin.call('ACL', 'GENPASS', '5000')).toMatch(/^-ERR ACL GENPASS argument must be the number/);
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '+get', '~k*', 'resetchannels', '+publish');
    expect(await admin.call('ACL', 'DRYRUN', 'alice', 'get', 'k1')).toBe('+OK\r\n');
    expect(await admin.call('ACL', 'DRYRUN', 'alice', 'get', 'z')).toBe(
      bulk("This user has no permissions to access the 'z' key"));
    expect(await admin.call('ACL', 'DRYRUN', 'alice', 'set', 'k', 'v')).toBe(
      bulk("This user has no permissions to run the 'set' command"));
    expect(await admin.call('ACL', 'DRYRUN', 'alice', 'publish', 'c', 'm')).toBe(
      bulk("This user has no permissions to access the 'c' channel"));
    expect(await admin.call('ACL', 'DRYRUN', 'nobody', 'get', 'k')).toBe("-ERR User 'nobody' not found\r\n");
    expect(await admin.call('ACL', 'DRYRUN', 'alice', 'nocmd', 'k')).toBe("-ERR Command 'nocmd' not found\r\n");
    expect(await admin.call('ACL', 'DRYRUN', 'alice', 'get', 'k', 'x')).toBe(
      "-ERR wrong number of arguments for 'get' command\r\n");
    expect(await admin.call('ACL', 'HELP')).toMatch(/^\*29\r\n\+ACL <subcommand>/);
    expect(await admin.call('ACL', 'HELP', 'x')).toBe("-ERR wrong number of arguments for 'acl|help' command\r\n");
    expect(await admin.call('ACL', 'LOAD')).toMatch(/^-ERR This Redis instance is not configured to use an ACL file/);
    expect(await admin.call('ACL', 'SAVE')).toMatch(/^-ERR This Redis instance is not configured to use an ACL file/);
  });

  it('LOG records denials and failed AUTH, groups repeats, honours count and the max length', async () => {
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>pw', '+set', '~obj:*', 'resetchannels', '+publish');
    const c = await as('alice', 'pw');
    await c.call('GET', 'x');
    await c.call('GET', 'x');
    await c.call('SET', 'other', '1');
    await c.call('PUBLISH', 'ch', 'm');
    await c.call('AUTH', 'alice', 'wrong');
    const r2 = new Redis({ port: s.port, protocol: 2 });
    const log = await r2.call('ACL', 'LOG') as unknown[][];
    expect(log.length).toBe(4);
    const entry = (i: number): Record<string, unknown> => {
      const e = log[i] as unknown[];
      const o: Record<string, unknown> = {};
      for (let j = 0; j < e.length; j += 2) o[e[j] as string] = e[j + 1];
      return o;
    };
    expect(entry(0)).toMatchObject({ count: 1, reason: 'auth', context: 'toplevel', object: 'AUTH', username: 'alice' });
    expect(entry(1)).toMatchObject({ reason: 'channel', object: 'ch' });
    expect(entry(2)).toMatchObject({ reason: 'key', object: 'other' });
    expect(entry(3)).toMatchObject({ count: 2, reason: 'command', object: 'get', username: 'alice' });
    expect(Number(entry(3)['age-seconds'])).toBeGreaterThanOrEqual(0);
    expect(String(entry(3)['client-info'])).toMatch(/^id=\d+ addr=.* user=alice/);
    expect(await r2.call('ACL', 'LOG', '2')).toHaveLength(2);
    const r3 = new Redis({ port: s.port, protocol: 3 });
    const log3 = await r3.call('ACL', 'LOG', '1') as unknown[][];
    expect(log3[0]?.[10]).toBe('age-seconds');
    expect(await rawResp3AgeIsDouble(s.port)).toBe(true);
    r3.disconnect();
    await r2.call('CONFIG', 'SET', 'acllog-max-len', '2');
    for (let j = 0; j < 5; j++) await c.call('SET', `k${j}`, '1');
    expect(await r2.call('ACL', 'LOG')).toHaveLength(2);
    await r2.call('CONFIG', 'SET', 'acllog-max-len', '128');
    expect(await r2.call('ACL', 'LOG', 'RESET')).toBe('OK');
    expect(await r2.call('ACL', 'LOG')).toEqual([]);
    r2.disconnect();
    c.close();
  });
});

describe('configuration', () => {
  it('user directives at startup and CONFIG REWRITE', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-acl-'));
    const conf = path.join(dir, 'redis.conf');
    fs.writeFileSync(conf, 'user default on nopass ~* &* +@all -flushdb\nuser alice on >pw +get ~k*\n');
    const srv = await startServer({ port: 0, configFile: conf });
    const c = await RawClient.connect(srv.port);
    expect(await c.call('FLUSHDB')).toBe("-NOPERM this user has no permissions to run the 'flushdb' command\r\n");
    expect(await c.call('AUTH', 'alice', 'pw')).toBe('+OK\r\n');
    expect(await c.call('GET', 'k1')).toBe('$-1\r\n');
    expect(await c.call('AUTH', 'default', '')).toBe('+OK\r\n');
    expect(await c.call('CONFIG', 'REWRITE')).toBe('+OK\r\n');
    const text = fs.readFileSync(conf, 'latin1');
    // A `user default` line resets the default user first, which sets sanitize-payload (as in Redis).
    expect(text).toContain('user default on nopass sanitize-payload ~* &* +@all -flushdb');
    expect(text).toContain('user alice on #');
    c.close();
    await srv.close();
    await expect(startServer({ port: 0, configText: 'user bob on bogus' })).rejects.toThrow(
      "Error in user declaration 'bob': Syntax error");
    await expect(startServer({ port: 0, configText: 'user bob on\nuser bob off' })).rejects.toThrow(
      "Error in user declaration 'bob': Duplicate user found. A user can only be defined once in config files");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('requirepass at startup is the default user\'s password; acl-pubsub-default shapes new users', async () => {
    const srv = await startServer({ port: 0, config: { requirepass: 'pw', 'acl-pubsub-default': 'allchannels' } });
    const c = await RawClient.connect(srv.port);
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'default', 'pw')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'SETUSER', 'dave')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'LIST')).toContain(bulk('user dave off &* -@all'));
    expect(await c.call('CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'SETUSER', 'erin')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'LIST')).toContain(bulk('user erin off resetchannels -@all'));
    expect(await c.call('ACL', 'LIST')).toContain(bulk('user dave off &* -@all'));
    c.close();
    await srv.close();
  });

  it('aclfile: load at startup, ACL SAVE / ACL LOAD round trip, errors keep the old rules', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodis-acl-'));
    await expect(startServer({ port: 0, config: { dir, aclfile: 'missing.acl' } })).rejects.toThrow(
      "Aborting Redis startup because of ACL errors: Error loading ACLs, opening file 'missing.acl': No such file or directory");
    await expect(startServer({ port: 0, config: { aclfile: 'x.acl' }, configText: 'user bob on' })).rejects.toThrow(
      'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid.');
    fs.writeFileSync(path.join(dir, 'users.acl'), 'user alice on >pw ~* &* +@all\nuser default on nopass ~* &* +@all\n');
    const srv = await startServer({ port: 0, config: { dir, aclfile: 'users.acl', 'acl-pubsub-default': 'allchannels' } });
    const c = await RawClient.connect(srv.port);
    expect(await c.call('ACL', 'USERS')).toBe('*2\r\n' + bulk('alice') + bulk('default'));
    expect(await c.call('ACL', 'SETUSER', 'bob', 'on', '>x', '+@set', '~set*')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'SAVE')).toBe('+OK\r\n');
    const saved = fs.readFileSync(path.join(dir, 'users.acl'), 'latin1');
    expect(saved.split('\n')[1]).toBe(
      'user bob on #2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881 ~set* &* -@all +@set');
    const other = await as('bob', 'x', srv.port);
    expect(await c.call('ACL', 'DELUSER', 'bob')).toBe(':1\r\n');
    await other.waitClose();
    expect(await c.call('ACL', 'LOAD')).toBe('+OK\r\n');
    expect(await c.call('ACL', 'USERS')).toBe('*3\r\n' + bulk('alice') + bulk('bob') + bulk('default'));
    fs.writeFileSync(path.join(dir, 'users.acl'), 'user alice on bogus\nuser x +nocmd\nuser alice on\n');
    expect(await c.call('ACL', 'LOAD')).toBe(
      '-ERR users.acl:1: Syntax error. users.acl:2: Error in applying operation \'+nocmd\': Unknown command or ' +
      "category name in ACL. WARNING: Duplicate user 'alice' found on line 3. WARNING: ACL errors detected, no change " +
      'to the previously active ACL rules was performed\r\n');
    expect(await c.call('ACL', 'USERS')).toBe('*3\r\n' + bulk('alice') + bulk('bob') + bulk('default'));
    c.close();
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/** In RESP3 ACL LOG's age-seconds is a double (`,`). */
async function rawResp3AgeIsDouble(port: number): Promise<boolean> {
  const c = await RawClient.connect(port);
  await c.call('HELLO', '3');
  const reply = await c.call('ACL', 'LOG', '1');
  c.close();
  return /\$11\r\nage-seconds\r\n,[0-9.e-]+\r\n/.test(reply);
}
