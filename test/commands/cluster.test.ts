// The cluster command family with cluster support off (CLUSTER and every subcommand, ASKING,
// READONLY, READWRITE) and MIGRATE's metadata: COMMAND INFO / DOCS byte-identical to
// redis-server 7.0.15 (required: a missing binary fails the run), the non-cluster replies, and
// CLUSTER RESET refused inside scripts by its noscript flag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RawClient } from '../helpers/resp.js';
import { diffServers } from '../helpers/diff.js';

const SUBCOMMANDS = [
  'addslots', 'addslotsrange', 'bumpepoch', 'count-failure-reports', 'countkeysinslot', 'delslots',
  'delslotsrange', 'failover', 'flushslots', 'forget', 'getkeysinslot', 'help', 'info', 'keyslot', 'links',
  'meet', 'myid', 'nodes', 'replicas', 'replicate', 'reset', 'saveconfig', 'set-config-epoch', 'setslot',
  'shards', 'slaves', 'slots',
];

describe('cluster commands', () => {
  const servers = diffServers();
  let r: Redis;
  let rr: Redis;

  beforeAll(() => {
    r = new Redis({ port: servers.nodis.port, protocol: 2 });
    rr = new Redis({ port: servers.redis.port, protocol: 2 });
  });

  afterAll(() => {
    r?.disconnect();
    rr?.disconnect();
  });

  for (const proto of ['2', '3']) {
    it(`COMMAND INFO / DOCS equal redis-server byte for byte (RESP${proto})`, async () => {
      const a = await RawClient.connect(servers.nodis.port);
      const b = await RawClient.connect(servers.redis.port);
      try {
        await a.call('HELLO', proto);
        await b.call('HELLO', proto);
        const names = [...SUBCOMMANDS.map((x) => `cluster|${x}`), 'asking', 'readonly', 'readwrite', 'migrate'];
        for (const name of names) {
          for (const sub of ['INFO', 'DOCS']) {
            expect({ name, sub, reply: await a.call('COMMAND', sub, name) })
              .toEqual({ name, sub, reply: await b.call('COMMAND', sub, name) });
          }
        }
        // Not the container itself: its subcommands come in dict order (seeded per process), so
        // the next test compares them sorted.
        expect(await a.call('COMMAND', 'COUNT')).toMatch(/^:\d+\r\n$/);
      } finally {
        a.close();
        b.close();
      }
    });
  }

  it('the container lists the same subcommands', async () => {
    const subs = async (c: Redis): Promise<string[]> => {
      const info = ((await c.call('COMMAND', 'INFO', 'cluster')) as unknown[][])[0] as unknown[];
      return (info[9] as unknown[][]).map((x) => String(x[0])).sort();
    };
    expect(await subs(r)).toEqual(await subs(rr));
    expect(await subs(r)).toEqual(SUBCOMMANDS.map((x) => `cluster|${x}`).sort());
  });

  it('every subcommand and ASKING / READONLY / READWRITE answer that cluster support is disabled', async () => {
    const calls: string[][] = [
      ['CLUSTER', 'INFO'], ['CLUSTER', 'HELP'], ['CLUSTER', 'MYID'], ['CLUSTER', 'NODES'], ['CLUSTER', 'SLOTS'],
      ['CLUSTER', 'SHARDS'], ['CLUSTER', 'KEYSLOT', 'k'], ['CLUSTER', 'RESET', 'HARD'], ['CLUSTER', 'ADDSLOTS', '1'],
      ['CLUSTER', 'SETSLOT', '1', 'STABLE'], ['ASKING'], ['READONLY'], ['READWRITE'],
      // Arity is checked first.
      ['CLUSTER', 'INFO', 'extra'], ['CLUSTER', 'KEYSLOT'], ['CLUSTER', 'NOSUCH'], ['READONLY', 'x'],
    ];
    const outcome = async (c: Redis, argv: string[]): Promise<string> => {
      try {
        return `ok:${JSON.stringify(await c.call(argv[0] as string, ...argv.slice(1)))}`;
      } catch (e) {
        return `err:${(e as Error).message}`;
      }
    };
    for (const argv of calls) {
      expect({ argv, got: await outcome(r, argv) }).toEqual({ argv, got: await outcome(rr, argv) });
    }
    expect(await outcome(r, ['CLUSTER', 'INFO'])).toBe('err:ERR This instance has cluster support disabled');
  });

  it('CLUSTER RESET cannot be called from a script', async () => {
    await expect(r.eval("return redis.call('cluster', 'reset', 'hard')", 0)).rejects.toThrow(
      /This Redis command is not allowed from script/,
    );
  });
});
