// COMMAND and its subcommands. The metadata-to-reply conversion is checked three ways: unit
// tests of the derivations (legacy key range, movablekeys, implicit ACL categories, key
// extraction) on synthetic specs, byte-for-byte comparison of COMMAND INFO / DOCS with the real
// redis-server 7.0.15 for the commands of the connection, server and COMMAND families, and
// behaviour tests of LIST / GETKEYS / COUNT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';
import { startRealRedis, type RealRedis } from '../helpers/real-redis.js';
import { aclCategories, commandFlags, commandKeys, legacyRange } from '../../src/commands/command-info.js';
import { keyNum, keyRange, type CommandSpec, type KeySpec } from '../../src/commands/spec.js';

function spec(partial: Partial<CommandSpec>): CommandSpec {
  return { name: 'x', arity: -2, flags: [], group: 'generic', since: '1.0.0', summary: '', ...partial };
}

describe('metadata derivations', () => {
  it('legacy range from a single range spec', () => {
    expect(legacyRange(spec({ keySpecs: [keyRange(['RO', 'access'], 1)] }))).toEqual({ first: 1, last: 1, step: 1, movable: false });
    expect(legacyRange(spec({ keySpecs: [keyRange(['RW'], 1, -1, 2)] }))).toEqual({ first: 1, last: -1, step: 2, movable: false });
    expect(legacyRange(spec({ keySpecs: [keyRange(['RW', 'incomplete'], 1, 0)] })).movable).toBe(true);
    expect(legacyRange(spec({}))).toEqual({ first: 0, last: 0, step: 0, movable: false });
  });

  it('legacy range merges consecutive specs and flags the rest as movable', () => {
    // LMOVE-like: two consecutive single-key specs.
    const lmove = spec({ keySpecs: [keyRange(['RW', 'access', 'delete'], 1), keyRange(['RW', 'insert'], 2)] });
    expect(legacyRange(lmove)).toEqual({ first: 1, last: 2, step: 1, movable: false });
    // ZUNIONSTORE-like: a destination and a keynum spec.
    const zu = spec({ keySpecs: [keyRange(['OW', 'update'], 1), keyNum(['RO', 'access'], 2, 0, 1, 1)] });
    expect(legacyRange(zu)).toEqual({ first: 1, last: 1, step: 1, movable: true });
    // EVAL-like: only keynum.
    expect(legacyRange(spec({ keySpecs: [keyNum(['RW'], 2)] }))).toEqual({ first: 0, last: 0, step: 0, movable: true });
    // A keyword spec (begin search) is movable.
    const kw: KeySpec = { flags: ['RO'], begin: { keyword: 'STREAMS', startfrom: 1 }, find: { range: { lastkey: -1, step: 1, limit: 2 } } };
    expect(legacyRange(spec({ keySpecs: [kw] })).movable).toBe(true);
    expect(commandFlags(spec({ flags: ['readonly'], keySpecs: [kw] }))).toEqual(['readonly', 'movablekeys']);
  });

  it('implicit ACL categories', () => {
    expect([...aclCategories(spec({ flags: ['write', 'denyoom'], acl: ['string'] }))].sort()).toEqual(['slow', 'string', 'write']);
    expect([...aclCategories(spec({ flags: ['readonly', 'fast'] }))].sort()).toEqual(['fast', 'read']);
    expect([...aclCategories(spec({ flags: ['readonly'], acl: ['scripting'] }))].sort()).toEqual(['scripting', 'slow']);
    expect([...aclCategories(spec({ flags: ['admin', 'blocking', 'pubsub'] }))].sort()).toEqual(
      ['admin', 'blocking', 'dangerous', 'pubsub', 'slow'],
    );
  });

  it('key extraction from specs', () => {
    const mset = spec({ keySpecs: [keyRange(['OW', 'update'], 1, -1, 2)] });
    expect(commandKeys(mset, ['mset', 'a', '1', 'b', '2']).map((k) => k.pos)).toEqual([1, 3]);
    const zu = spec({ keySpecs: [keyRange(['OW', 'update'], 1), keyNum(['RO', 'access'], 2, 0, 1, 1)] });
    const keys = commandKeys(zu, ['zunionstore', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2']);
    expect(keys.map((k) => [k.pos, k.flags.join(' ')])).toEqual([[1, 'OW update'], [3, 'RO access'], [4, 'RO access']]);
    // XREAD-like: keyword begin, range limited to half of the rest.
    const xread = spec({
      keySpecs: [{ flags: ['RO', 'access'], begin: { keyword: 'STREAMS', startfrom: 1 }, find: { range: { lastkey: -1, step: 1, limit: 2 } } }],
    });
    expect(commandKeys(xread, ['xread', 'COUNT', '2', 'STREAMS', 's1', 's2', '0', '0']).map((k) => k.pos)).toEqual([4, 5]);
    // Invalid numkeys: the spec does not apply and there is no getKeys fallback.
    expect(commandKeys(zu, ['zunionstore', 'd', 'x', 'a'])).toEqual([]);
    // A getKeys fallback borrows the flags of the spec starting at each position.
    const sortLike = spec({
      keySpecs: [keyRange(['RO', 'access'], 1), { flags: ['OW', 'update'], begin: { unknown: true }, find: { unknown: true } } as unknown as KeySpec],
      getKeys: (argv) => (argv.length > 3 ? [1, 3] : [1]),
    });
    expect(commandKeys(sortLike, ['sort', 'k1', 'store', 'k2']).map((k) => [k.pos, k.flags.join(' ')])).toEqual([
      [1, 'RO access'],
      [3, 'OW update'],
    ]);
    // getKeys may return positions with their own flags (SET's flags depend on GET).
    const setLike = spec({
      keySpecs: [keyRange(['RW', 'access', 'update', 'variable_flags'], 1)],
      getKeys: ((argv: readonly string[]) => [{ pos: 1, flags: argv.length > 3 ? ['RW', 'access', 'update'] : ['OW', 'update'] }]) as unknown as CommandSpec['getKeys'],
    });
    expect(commandKeys(setLike, ['set', 'k', 'v'])).toEqual([{ pos: 1, flags: ['OW', 'update'] }]);
    // Variable flags without a getKeys function: the positions the specs give.
    const noFn = spec({ keySpecs: [keyRange(['RW', 'access', 'update', 'variable_flags'], 1)] });
    expect(commandKeys(noFn, ['set', 'k', 'v'])).toEqual([{ pos: 1, flags: ['RW', 'access', 'update'] }]);
  });
});

let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  s = await startServer({ port: 0, config: { loglevel: 'warning' } });
  r = new Redis({ port: s.port, protocol: 2, lazyConnect: true });
  await r.connect();
});

afterAll(async () => {
  r.disconnect();
  await s.close();
});

/** Commands of the connection, server and COMMAND families that Redis 7.0.15 also has. */
const OWN = [
  'ping', 'echo', 'hello', 'auth', 'select', 'quit', 'reset',
  'client|id', 'client|info', 'client|list', 'client|getname', 'client|setname', 'client|kill',
  'client|no-evict', 'client|reply', 'client|pause', 'client|unpause', 'client|unblock', 'client|help',
  'info', 'dbsize', 'flushdb', 'flushall', 'swapdb', 'time', 'lolwut', 'shutdown', 'debug',
  'config|get', 'config|set', 'config|resetstat', 'config|rewrite', 'config|help',
  'command|count', 'command|docs', 'command|getkeys', 'command|getkeysandflags', 'command|help',
  'command|info', 'command|list',
  'cluster|help', 'cluster|setslot', 'cluster|slaves', 'cluster|nodes', 'asking', 'readonly', 'readwrite',
];

describe('compared with redis-server 7.0.15', () => {
  let real: RealRedis;
  beforeAll(async () => {
    real = await startRealRedis();
  });
  afterAll(async () => {
    await real.stop();
  });

  for (const proto of ['2', '3']) {
    it(`COMMAND INFO and COMMAND DOCS are byte-identical (RESP${proto})`, async () => {
      const a = await RawClient.connect(s.port);
      const b = await RawClient.connect(real.port);
      await a.call('HELLO', proto);
      await b.call('HELLO', proto);
      for (const name of OWN) {
        for (const sub of ['INFO', 'DOCS']) {
          const ours = await a.call('COMMAND', sub, name);
          const theirs = await b.call('COMMAND', sub, name);
          expect({ name, sub, reply: ours }).toEqual({ name, sub, reply: theirs });
        }
      }
      a.close();
      b.close();
    });
  }

  it('container entries match once subcommands are put in the same order', async () => {
    const real2 = new Redis({ port: real.port, protocol: 2, lazyConnect: true });
    await real2.connect();
    const sortSubs = (info: unknown[]): unknown[] => {
      const copy = [...info];
      copy[9] = [...(copy[9] as unknown[][])].sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      return copy;
    };
    for (const name of ['config', 'command', 'cluster']) {
      const ours = ((await r.call('COMMAND', 'INFO', name)) as unknown[][])[0] as unknown[];
      const theirs = ((await real2.call('COMMAND', 'INFO', name)) as unknown[][])[0] as unknown[];
      expect(sortSubs(ours)).toEqual(sortSubs(theirs));
    }
    real2.disconnect();
  });
});

describe('COMMAND subcommands', () => {
  it('COUNT matches the table, COMMAND lists every top-level command', async () => {
    const count = (await r.call('COMMAND', 'COUNT')) as number;
    const all = (await r.call('COMMAND')) as unknown[][];
    expect(all.length).toBe(count);
    expect(all.map((e) => e[0])).toContain('ping');
    expect((await r.call('COMMAND', 'INFO')) as unknown[]).toHaveLength(count);
    const docs = (await r.call('COMMAND', 'DOCS')) as unknown[];
    expect(docs.length).toBe(count * 2);
  });

  it('INFO of unknown and invalid names is null', async () => {
    expect(await r.call('COMMAND', 'INFO', 'get|key')).toEqual([null]);
    expect(await r.call('COMMAND', 'INFO', 'config|get|key')).toEqual([null]);
    expect(await r.call('COMMAND', 'INFO', 'nosuch', 'PING')).toEqual([null, expect.arrayContaining(['ping'])]);
    expect(await r.call('COMMAND', 'INFO', 'CONFIG|GET')).toEqual([expect.arrayContaining(['config|get'])]);
    expect(await r.call('COMMAND', 'DOCS', 'nosuch')).toEqual([]);
    const c = await RawClient.connect(s.port);
    expect(await c.call('COMMAND', 'INFO', 'nosuch')).toBe('*1\r\n$-1\r\n');
    c.close();
  });

  it('LIST with and without filters', async () => {
    const all = (await r.call('COMMAND', 'LIST')) as string[];
    expect(all).toContain('config|get');
    expect(all).toContain('client|kill');
    expect(all.length).toBeGreaterThan((await r.call('COMMAND', 'COUNT')) as number);
    expect(await r.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'ping')).toEqual(['ping']);
    const cfg = (await r.call('COMMAND', 'LIST', 'FILTERBY', 'pattern', 'config*')) as string[];
    expect(cfg.sort()).toEqual(['config', 'config|get', 'config|help', 'config|resetstat', 'config|rewrite', 'config|set']);
    expect(((await r.call('COMMAND', 'LIST', 'FILTERBY', 'pattern', 'config|*re*')) as string[]).sort()).toEqual([
      'config|resetstat', 'config|rewrite',
    ]);
    expect(((await r.call('COMMAND', 'LIST', 'FILTERBY', 'pattern', 'cl*help')) as string[]).sort()).toEqual([
      'client|help', 'cluster|help',
    ]);
    expect(await r.call('COMMAND', 'LIST', 'FILTERBY', 'pattern', 'non_exists*')).toEqual([]);
    const conn = (await r.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'connection')) as string[];
    expect(conn).toContain('hello');
    expect(conn).not.toContain('flushall');
    expect((await r.call('COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'dangerous')) as string[]).toContain('flushall');
    expect(await r.call('COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'non_existing_category')).toEqual([]);
    expect(await r.call('COMMAND', 'LIST', 'FILTERBY', 'module', 'non_existing_module')).toEqual([]);
    await expect(r.call('COMMAND', 'LIST', 'bad_arg')).rejects.toThrow('ERR syntax error');
    await expect(r.call('COMMAND', 'LIST', 'FILTERBY', 'bad_arg')).rejects.toThrow('ERR syntax error');
    await expect(r.call('COMMAND', 'LIST', 'FILTERBY', 'bad_arg', 'x')).rejects.toThrow('ERR syntax error');
  });

  it('GETKEYS and GETKEYSANDFLAGS', async () => {
    expect(await r.call('COMMAND', 'GETKEYS', 'GET', 'key')).toEqual(['key']);
    expect(await r.call('COMMAND', 'GETKEYSANDFLAGS', 'GET', 'k1')).toEqual([['k1', ['RO', 'access']]]);
    expect(await r.call('COMMAND', 'GETKEYS', 'SET', 'k1', 'v1')).toEqual(['k1']);
    // SET's key spec has variable flags: without GET the key is only overwritten.
    expect(await r.call('COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k1', 'v1')).toEqual([['k1', ['OW', 'update']]]);
    expect(await r.call('COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k1', 'v1', 'get')).toEqual([['k1', ['RW', 'access', 'update']]]);
    expect(await r.call('COMMAND', 'GETKEYSANDFLAGS', 'MSET', 'k1', 'v1', 'k2', 'v2')).toEqual([
      ['k1', ['OW', 'update']], ['k2', ['OW', 'update']],
    ]);
    expect(await r.call('COMMAND', 'GETKEYSANDFLAGS', 'LMOVE', 'k1', 'k2', 'left', 'right')).toEqual([
      ['k1', ['RW', 'access', 'delete']], ['k2', ['RW', 'insert']],
    ]);
    expect(await r.call('COMMAND', 'GETKEYSANDFLAGS', 'SORT', 'k1', 'STORE', 'k2')).toEqual([
      ['k1', ['RO', 'access']], ['k2', ['OW', 'update']],
    ]);
    expect(await r.call('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2')).toEqual(['a', 'b']);
    await expect(r.call('COMMAND', 'GETKEYS', 'NOSUCH', 'x')).rejects.toThrow('ERR Invalid command specified');
    await expect(r.call('COMMAND', 'GETKEYS', 'PING', 'x')).rejects.toThrow('ERR The command has no key arguments');
    await expect(r.call('COMMAND', 'GETKEYS', 'CONFIG', 'GET', 'x')).rejects.toThrow('ERR The command has no key arguments');
    await expect(r.call('COMMAND', 'GETKEYS', 'GET', 'a', 'b')).rejects.toThrow(
      'ERR Invalid number of arguments specified for command',
    );
    await expect(r.call('COMMAND', 'GETKEYS')).rejects.toThrow("wrong number of arguments for 'command|getkeys'");
  });

  it('cluster commands answer that cluster support is disabled', async () => {
    for (const argv of [['CLUSTER', 'HELP'], ['CLUSTER', 'INFO'], ['CLUSTER', 'KEYSLOT', 'k'], ['ASKING'], ['READONLY'], ['READWRITE']]) {
      await expect(r.call(argv[0] as string, ...argv.slice(1))).rejects.toThrow('ERR This instance has cluster support disabled');
    }
    await expect(r.call('CLUSTER', 'NOSUCH')).rejects.toThrow("ERR unknown subcommand 'NOSUCH'. Try CLUSTER HELP.");
  });

  it('HELP', async () => {
    const help = (await r.call('COMMAND', 'HELP')) as string[];
    expect(help[0]).toBe('COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toContain('GETKEYSANDFLAGS <full-command>');
    expect(help.length).toBe(21);
  });
});
