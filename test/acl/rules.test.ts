// ACL rule parsing, description and permission checks, without a server.
import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/engine/registry.js';
import { COMMANDS } from '../../src/commands/table.js';
import { CommandTable, CATEGORIES, categoryBit } from '../../src/acl/command-table.js';
import { SEL_ALLCHANNELS } from '../../src/acl/selector.js';
import { User, hashPassword, mergeSelectorArgs } from '../../src/acl/user.js';
import {
  ACL_OK, DENIED_CHANNEL, DENIED_CMD, DENIED_KEY, checkCommand,
} from '../../src/acl/check.js';

const registry = new Registry(COMMANDS);
const table = new CommandTable(registry);

/** A new user (acl-pubsub-default resetchannels). */
function blank(): User {
  return new User('u', table, () => 0);
}

function user(...rules: string[]): User {
  const u = blank();
  for (const r of rules) expect(u.apply(r)).toBeNull();
  return u;
}

function check(u: User, ...argv: string[]): { reason: number; pos: number } {
  const cmd = registry.lookup(argv);
  if (cmd === undefined) throw new Error(`no command ${argv[0]}`);
  return checkCommand(u, cmd, argv);
}

describe('command table', () => {
  it('knows the categories and looks commands up like ACLLookupCommand', () => {
    expect(CATEGORIES.length).toBe(21);
    expect(categoryBit('KEYSPACE')).toBe(1);
    expect(categoryBit('nope')).toBe(0);
    expect(table.lookup('GET')?.fullName).toBe('get');
    expect(table.lookup('config|GET')?.fullName).toBe('config|get');
    expect(table.lookup('get|x')).toBeNull();
    expect(table.lookup('config|get|x')).toBeNull();
    const get = table.lookup('get');
    expect(get && table.cats[table.id(get)]! & categoryBit('string')).toBeTruthy();
  });
});

describe('rules', () => {
  it('new users are off, deny everything and describe themselves', () => {
    const u = blank();
    expect(u.describe()).toBe('off resetchannels -@all');
    expect(u.unrestricted).toBe(false);
    const d = user('on', 'nopass', '+@all', '~*', '&*');
    expect(d.describe()).toBe('on nopass ~* &* +@all');
    expect(d.unrestricted).toBe(true);
    d.apply('-get');
    expect(d.unrestricted).toBe(false);
    expect(d.describe()).toBe('on nopass ~* &* +@all -get');
  });

  it('passwords: add, dedupe, remove, hashes, nopass and resetpass', () => {
    const u = user('>a', '>a', '>b');
    expect(u.passwords).toEqual([hashPassword('a'), hashPassword('b')]);
    expect(u.apply('<c')).toBe('ENODEV');
    expect(u.apply('#xyz')).toBe('EBADMSG');
    expect(u.apply('!' + hashPassword('a'))).toBeNull();
    expect(u.passwords).toEqual([hashPassword('b')]);
    u.apply('on');
    expect(u.checkPassword('b')).toBe(true);
    expect(u.checkPassword('a')).toBe(false);
    u.apply('nopass');
    expect(u.checkPassword('anything')).toBe(true);
    u.apply('resetpass');
    expect(u.checkPassword('anything')).toBe(false);
    u.apply('off');
    u.apply('nopass');
    expect(u.checkPassword('x')).toBe(false);
  });

  it('key and channel patterns', () => {
    const u = user('~a*', '%R~b*', '%W~c*', '%RW~d*', '%R~a*', '&x', '&x');
    expect(u.root.describeKeys()).toBe('~a* %R~b* %W~c* ~d*');
    expect(u.root.describeChannels()).toBe('&x');
    expect(u.apply('%X~k')).toBe('EINVAL');
    expect(u.apply('~a b')).toBe('EINVAL');
    u.apply('allkeys');
    expect(u.apply('~z')).toBe('EEXIST');
    u.apply('allchannels');
    expect(u.apply('&z')).toBe('EISDIR');
    u.apply('resetkeys');
    expect(u.root.describeKeys()).toBe('');
  });

  it('commands, categories, subcommands and first args', () => {
    expect(blank().apply('+nosuch')).toBe('ENOENT');
    expect(blank().apply('+@nosuch')).toBe('ENOENT');
    expect(blank().apply('+config|get|x')).toBe('ECHILD');
    expect(blank().apply('+select|')).toBe('EINVAL');
    expect(blank().apply('-select|0')).toBe('ENOENT');
    expect(blank().apply('whatever')).toBe('EINVAL');
    const u = user('+@all', '-@string', '+incr', '-debug', '+debug|digest');
    expect(u.root.describeCommands()).toBe('+@all -@string -debug +debug|digest +incr');
    const v = user('+@string', '-incr', '+acl', '+select|0', '+select|1', '+select|0');
    // Single commands follow the table's order (Redis: its command dict's order).
    expect(v.root.describeCommands()).toBe('-@all +@string +select|0 +select|1 -incr +acl');
    for (const cat of CATEGORIES) {
      expect(user('+@all', `-@${cat}`).root.describeCommands()).toBe(`+@all -@${cat}`);
      expect(user('-@all', `+@${cat}`).root.describeCommands()).toBe(`-@all +@${cat}`);
    }
  });

  it('selectors, clearselectors and reset', () => {
    const u = user('on', '(+get ~k*)', '(+set "~x")');
    expect(blank().apply('(+set "~x y")')).toBe('EINVAL');
    expect(u.selectors.length).toBe(3);
    expect(u.describe()).toBe('on resetchannels -@all (~k* resetchannels -@all +get) (~x resetchannels -@all +set)');
    const bad = blank();
    expect(bad.apply('(+nosuch)')).toBe('ENOENT');
    expect(bad.selectors.length).toBe(1);
    u.apply('clearselectors');
    expect(u.selectors.length).toBe(1);
    u.apply('reset');
    expect(u.describe()).toBe('off sanitize-payload resetchannels -@all');
    const ps = new User('p', table, () => SEL_ALLCHANNELS);
    expect(ps.describe()).toBe('off &* -@all');
  });

  it('merges selectors spread over several arguments', () => {
    expect(mergeSelectorArgs(['on', '(+get', '~k)', '>p'])).toEqual(['on', '(+get ~k)', '>p']);
    expect(mergeSelectorArgs(['(+get', '~k'])).toEqual({ unmatched: 0 });
  });
});

describe('checks', () => {
  it('denies commands, keys by access type, and channels, with the argument position', () => {
    const u = user('+@all', '-flushdb', '%R~r*', '%W~w*', 'resetchannels', '&news', '&sp:*');
    expect(check(u, 'flushdb').reason).toBe(DENIED_CMD);
    expect(check(u, 'get', 'r1').reason).toBe(ACL_OK);
    expect(check(u, 'set', 'r1', 'v')).toEqual({ reason: DENIED_KEY, pos: 1 });
    expect(check(u, 'set', 'w1', 'v').reason).toBe(ACL_OK);
    expect(check(u, 'lmove', 'r1', 'w1', 'left', 'left').reason).toBe(DENIED_KEY);
    expect(check(u, 'mset', 'w1', 'v', 'x', 'v')).toEqual({ reason: DENIED_KEY, pos: 3 });
    expect(check(u, 'publish', 'news', 'm').reason).toBe(ACL_OK);
    expect(check(u, 'subscribe', 'news', 'sp:1')).toEqual({ reason: ACL_OK, pos: 0 });
    expect(check(u, 'subscribe', 'news', 'other')).toEqual({ reason: DENIED_CHANNEL, pos: 2 });
    expect(check(u, 'psubscribe', 'sp:*').reason).toBe(ACL_OK);
    expect(check(u, 'psubscribe', 'sp:1').reason).toBe(DENIED_CHANNEL);
    expect(check(u, 'unsubscribe', 'whatever').reason).toBe(ACL_OK);
  });

  it('no_auth commands pass the command check; first args; selectors pick the best error', () => {
    const u = user('-@all', '+select|0', '~k', '(+get ~s*)');
    expect(check(u, 'auth', 'a', 'b').reason).toBe(ACL_OK);
    expect(check(u, 'select', '0').reason).toBe(ACL_OK);
    expect(check(u, 'SELECT', '9').reason).toBe(DENIED_CMD);
    expect(check(u, 'get', 's1').reason).toBe(ACL_OK);
    expect(check(u, 'get', 'x')).toEqual({ reason: DENIED_KEY, pos: 1 });
    expect(check(u, 'set', 's1', 'v').reason).toBe(DENIED_CMD);
    const sub = user('-@all', '+config|get');
    expect(check(sub, 'config', 'get', 'x').reason).toBe(ACL_OK);
    expect(check(sub, 'config', 'set', 'x', 'y').reason).toBe(DENIED_CMD);
  });
});
