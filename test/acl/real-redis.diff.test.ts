// Differential check against the real redis-server (required: fails when it is missing): the same
// ACL SETUSER rules give the same ACL GETUSER / ACL LIST descriptions, ACL CAT lists, DRYRUN
// answers and errors. Redis emits single-command rules in its command hash table's (random)
// order, so those tokens are compared as a sorted list after the ordered category prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffServers } from '../helpers/diff.js';
import { RawClient } from '../helpers/resp.js';

const servers = diffServers();
/** `a` talks to redis-server, `b` to nodis. */
let a: RawClient;
let b: RawClient;

beforeAll(async () => {
  a = await RawClient.connect(servers.redis.port);
  b = await RawClient.connect(servers.nodis.port);
});

afterAll(() => {
  a?.close();
  b?.close();
});

async function both(...argv: string[]): Promise<[string, string]> {
  return [await a.call(...argv), await b.call(...argv)];
}

/** Rule text with the single-command rules sorted (categories keep their order). */
function normalizeRules(text: string): string {
  const parts = text.split(' (');
  return parts.map((part) => {
    const toks = part.split(' ');
    const head: string[] = [];
    const cmds: string[] = [];
    for (const t of toks) {
      if (/^[+-][a-z_|0-9-]+\)?$/i.test(t) && !t.startsWith('+@') && !t.startsWith('-@')) cmds.push(t.replace(/\)$/, ''));
      else head.push(t.replace(/\)$/, ''));
    }
    return [...head, ...cmds.sort()].join(' ');
  }).join(' (');
}

function normalizeReply(raw: string): string {
  // Bulk lengths change with nothing else when tokens are reordered: compare the text lines.
  return raw.split('\r\n').filter((l) => !/^\$\d+$/.test(l)).map(normalizeRules).join('\n');
}

const RULE_SETS: string[][] = [
  ['reset', '+@all', '-@string', '+incr', '-debug', '+debug|digest'],
  ['reset', '-@all', '+@string', '-incr', '+acl', '+debug|digest', '+debug|segfault'],
  ['on', 'nopass', '-@all', '+@set', '+acl', '~set*', '&*'],
  ['reset', '-@all', '+@hash', '+@list', '-@blocking'],
  ['reset', '+@all', '-@pubsub', '-config|set', '+select|0'],
  ['reset', '-@all', '+@scripting', '+@transaction', '+@geo', '+@stream', '+@bitmap', '+@hyperloglog'],
  ['reset', 'on', '>pw1', '>pw2', '<pw1', '%R~r*', '%W~w*', '%RW~b*', '~k', '&c1', '&c2'],
  ['reset', '-@all', '+get', '(+set ~s*)', '(+@sortedset %R~z* &zc)'],
  ['reset', 'allkeys', 'allchannels', 'allcommands', 'skip-sanitize-payload', 'clearselectors'],
  ['reset', '-@all', '+client', '-client|kill', '+config|get', '+memory|usage'],
];

describe('ACL descriptions match redis-server', () => {
  it('GETUSER and LIST after the same rules', async () => {
    for (const [i, rules] of RULE_SETS.entries()) {
      const name = `user${i}`;
      const [r1, r2] = await both('ACL', 'SETUSER', name, ...rules);
      expect(r2, rules.join(' ')).toBe(r1);
      const [g1, g2] = await both('ACL', 'GETUSER', name);
      expect(normalizeReply(g2), rules.join(' ')).toBe(normalizeReply(g1));
    }
    const [l1, l2] = await both('ACL', 'LIST');
    expect(normalizeReply(l2)).toBe(normalizeReply(l1));
    expect(await b.call('ACL', 'USERS')).toBe(await a.call('ACL', 'USERS'));
  });

  it('every single category round-trips as +@all -@cat and -@all +@cat', async () => {
    const [c1, c2] = await both('ACL', 'CAT');
    expect(c2).toBe(c1);
    const cats = c1.split('\r\n').filter((l) => /^[a-z]+$/.test(l));
    expect(cats.length).toBe(21);
    for (const cat of cats) {
      await both('ACL', 'SETUSER', 'cat1', 'reset', '+@all', `-@${cat}`);
      await both('ACL', 'SETUSER', 'cat2', 'reset', '-@all', `+@${cat}`);
      const [x1, x2] = await both('ACL', 'GETUSER', 'cat1');
      expect(normalizeReply(x2)).toBe(normalizeReply(x1));
      const [y1, y2] = await both('ACL', 'GETUSER', 'cat2');
      expect(normalizeReply(y2)).toBe(normalizeReply(y1));
    }
  });

  it('ACL CAT <category> agrees on every command both servers have', async () => {
    const list = async (c: RawClient, ...argv: string[]): Promise<string[]> =>
      (await c.call(...argv)).split('\r\n').filter((l) => l !== '' && !/^[*$]/.test(l));
    const redisCmds = new Set<string>();
    const nodisCmds = new Set<string>();
    const [c1] = await both('ACL', 'CAT');
    const cats = c1.split('\r\n').filter((l) => /^[a-z]+$/.test(l));
    const per: Array<[string, string[], string[]]> = [];
    for (const cat of cats) {
      const x = await list(a, 'ACL', 'CAT', cat);
      const y = await list(b, 'ACL', 'CAT', cat);
      x.forEach((n) => redisCmds.add(n));
      y.forEach((n) => nodisCmds.add(n));
      per.push([cat, x, y]);
    }
    for (const [cat, x, y] of per) {
      const common = (n: string): boolean => redisCmds.has(n) && nodisCmds.has(n);
      expect(y.filter(common).sort(), cat).toEqual(x.filter(common).sort());
    }
    expect(await b.call('ACL', 'CAT', 'nosuch')).toBe(await a.call('ACL', 'CAT', 'nosuch'));
  });

  it('errors and DRYRUN answers are identical', async () => {
    const cases: string[][] = [
      ['SETUSER', 'bad', '+nosuch'], ['SETUSER', 'bad', 'bogus'], ['SETUSER', 'bad', '~*', '~x'],
      ['SETUSER', 'bad', '&*', '&x'], ['SETUSER', 'bad', '#abc'], ['SETUSER', 'bad', '<nope'],
      ['SETUSER', 'bad', '(+get'], ['SETUSER', 'bad', '+config|get|x'], ['SETUSER', 'bad x'],
      ['SETUSER', 'bad', '+@nosuch'], ['SETUSER', 'bad', '%Q~x'], ['DELUSER', 'default'],
      ['DRYRUN', 'nobody', 'get', 'x'], ['DRYRUN', 'user2', 'nosuch'], ['DRYRUN', 'user2', 'get'],
      ['DRYRUN', 'user2', 'get', 'k'], ['DRYRUN', 'user2', 'set', 'k', 'v'], ['DRYRUN', 'user6', 'get', 'r1'],
      ['DRYRUN', 'user6', 'set', 'r1', 'v'], ['DRYRUN', 'user6', 'publish', 'c3', 'm'],
      ['DRYRUN', 'user6', 'publish', 'c1', 'm'], ['DRYRUN', 'user7', 'set', 's1', 'v'],
      ['DRYRUN', 'user7', 'zadd', 'zz', '1', 'm'], ['DRYRUN', 'user4', 'select', '0'],
      ['DRYRUN', 'user4', 'select', '1'], ['GETUSER', 'nobody'], ['LOAD'], ['SAVE'],
      ['GENPASS', '0'], ['GENPASS', 'x'], ['LOG', 'x'], ['HELP'], ['WHOAMI'], ['CAT', 'a', 'b'],
    ];
    for (const argv of cases) {
      const [x, y] = await both('ACL', ...argv);
      expect(y, argv.join(' ')).toBe(x);
    }
  });
});
