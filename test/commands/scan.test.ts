// KEYS and SCAN: cursor parsing, MATCH / COUNT / TYPE, expired-key filtering, the SCAN guarantee
// under concurrent deletes and inserts; over the wire (ioredis RESP2/RESP3) and through a fake
// context for the effects.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { FakeServer } from '../helpers/fake-ctx.js';
import { parseCursor } from '../../src/commands/scan.js';


/** The error message a command fails with (exactly as the server sent it). */
async function err(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error reply');
}
const NOW = 1_700_000_000_000;

/** Parse a fake-context SCAN reply: [cursor, keys]. */
function parseScan(raw: string): [string, string[]] {
  const lines = raw.split('\r\n');
  const cursor = lines[2] as string;
  const n = Number((lines[3] as string).slice(1));
  const keys: string[] = [];
  for (let i = 0; i < n; i++) keys.push(lines[5 + 2 * i] as string);
  return [cursor, keys];
}

describe('SCAN cursor parsing (strtoul rules)', () => {
  it('accepts what strtoul accepts', () => {
    expect(parseCursor('0')).toBe(0n);
    expect(parseCursor('')).toBe(0n);
    expect(parseCursor('+7')).toBe(7n);
    expect(parseCursor('-0')).toBe(0n);
    expect(parseCursor('-1')).toBe(18446744073709551615n);
    expect(parseCursor('18446744073709551615')).toBe(18446744073709551615n);
    expect(parseCursor('000123')).toBe(123n);
  });
  it('rejects the rest', () => {
    for (const s of [' 1', '\t1', '1 ', 'x', '1x', '+', '-', '18446744073709551616', '1.5', '0x10', '-18446744073709551616']) {
      expect(parseCursor(s)).toBeNull();
    }
  });
});

describe('KEYS / SCAN effects (fake context)', () => {
  let f: FakeServer;
  beforeEach(() => {
    f = new FakeServer();
    f.ks.setTime(NOW);
  });

  it('KEYS hides expired keys without deleting them', () => {
    f.set('a', '1');
    f.set('b', '2');
    f.db().setExpire('b', NOW - 1);
    expect(f.run('keys', '*')).toBe('*1\r\n$1\r\na\r\n');
    expect(f.db().size).toBe(2);
    expect(f.effects.events).toEqual([]);
  });

  it('SCAN deletes expired keys it meets (propagating DEL)', () => {
    f.set('a', '1');
    f.set('b', '2');
    f.db().setExpire('b', NOW - 1);
    const [cursor, keys] = parseScan(f.run('scan', '0', 'count', '100'));
    expect(cursor).toBe('0');
    expect(keys).toEqual(['a']);
    expect(f.db().size).toBe(1);
    expect(f.effects.events).toEqual(['0:expired:b']);
    expect(f.effects.propagated).toEqual([{ db: 0, argv: ['DEL', 'b'] }]);
  });

  it('SCAN filters by pattern before type, and by type before expiry', () => {
    f.set('a1', '1');
    f.set('b1', '1');
    f.db().setExpire('b1', NOW - 1);
    // pattern mismatch: the expired key is not even looked at
    parseScan(f.run('scan', '0', 'match', 'a*', 'count', '100'));
    expect(f.db().size).toBe(2);
    const hits = f.ks.stats.hits;
    const [, keys] = parseScan(f.run('scan', '0', 'type', 'STRING', 'count', '100'));
    expect(keys).toEqual(['a1']);
    expect(f.ks.stats.hits).toBe(hits + 1); // the TYPE lookup counts as a read
    expect(f.effects.events.sort()).toEqual(['0:expired:b1', '0:keymiss:b1']);
  });
});

for (const protocol of [2, 3] as const) {
  describe(`KEYS / SCAN over RESP${protocol}`, () => {
    let s: RunningServer;
    let r: Redis;
    beforeAll(async () => {
      s = await startServer({ port: 0, config: { loglevel: 'warning' } });
      r = new Redis({ port: s.port, protocol });
    });
    afterAll(async () => {
      r.disconnect();
      await s.close();
    });
    beforeEach(async () => {
      await r.flushall();
    });

    async function populate(n: number, prefix = 'key:'): Promise<void> {
      const p = r.pipeline();
      for (let i = 0; i < n; i++) p.set(`${prefix}${i}`, String(i));
      await p.exec();
    }

    async function scanAll(...opts: (string | number)[]): Promise<string[]> {
      let cur = '0';
      const out: string[] = [];
      do {
        const [next, keys] = (await r.call('scan', cur, ...opts)) as [string, string[]];
        cur = next;
        out.push(...keys);
      } while (cur !== '0');
      return out;
    }

    it('KEYS with glob patterns', async () => {
      await r.mset('foo_a', '1', 'foo_b', '1', 'foo_c', '1', 'key_x', '1', 'key_y', '1', 'key_z', '1');
      expect((await r.keys('foo*')).sort()).toEqual(['foo_a', 'foo_b', 'foo_c']);
      expect((await r.keys('*')).sort()).toEqual(['foo_a', 'foo_b', 'foo_c', 'key_x', 'key_y', 'key_z']);
      expect((await r.keys('key_[xy]')).sort()).toEqual(['key_x', 'key_y']);
      expect((await r.keys('?oo_?')).sort()).toEqual(['foo_a', 'foo_b', 'foo_c']);
      expect(await r.keys('nomatch*')).toEqual([]);
    });

    it('KEYS * includes the empty key; other patterns do not match it', async () => {
      await r.set('', 'empty');
      await r.set('a', '1');
      expect((await r.keys('*')).sort()).toEqual(['', 'a']);
      expect(await r.keys('*a*')).toEqual(['a']);
    });

    it('KEYS with an expired key', async () => {
      await r.set('live', '1');
      await r.set('dead', '1', 'PX', 1);
      await new Promise((res) => setTimeout(res, 10));
      expect(await r.keys('*')).toEqual(['live']);
    });

    it('SCAN returns every key, with default and small COUNT', async () => {
      await populate(1000);
      expect(new Set(await scanAll()).size).toBe(1000);
      expect(new Set(await scanAll('COUNT', 5)).size).toBe(1000);
      expect(new Set(await scanAll('count', 1000)).size).toBe(1000);
    });

    it('SCAN MATCH and TYPE', async () => {
      await populate(1000);
      expect(new Set(await scanAll('MATCH', 'key:1??')).size).toBe(100);
      expect(await scanAll('TYPE', 'list')).toEqual([]);
      expect(new Set(await scanAll('TYPE', 'string')).size).toBe(1000);
      expect(new Set(await scanAll('type', 'String', 'match', 'key:*', 'count', 10)).size).toBe(1000);
    });

    it('SCAN cursor replies are bulk strings; one pass of COUNT n visits about n keys', async () => {
      await populate(100);
      const [cur, keys] = (await r.call('scan', '0', 'COUNT', '10')) as [string, string[]];
      expect(typeof cur).toBe('string');
      expect(cur).not.toBe('0');
      expect(keys.length).toBe(10);
    });

    it('SCAN guarantees: keys present for the whole scan are returned despite deletes and inserts', async () => {
      await populate(500, 'stay:');
      await populate(500, 'gone:');
      let cur = '0';
      const seen = new Set<string>();
      let round = 0;
      do {
        const [next, keys] = (await r.call('scan', cur, 'COUNT', '20')) as [string, string[]];
        cur = next;
        for (const k of keys) seen.add(k);
        const p = r.pipeline();
        for (let i = 0; i < 10; i++) p.del(`gone:${round * 10 + i}`);
        for (let i = 0; i < 5; i++) p.set(`new:${round}:${i}`, '1');
        await p.exec();
        round++;
      } while (cur !== '0');
      for (let i = 0; i < 500; i++) expect(seen.has(`stay:${i}`)).toBe(true);
    });

    it('SCAN with expired keys', async () => {
      await populate(100);
      const p = r.pipeline();
      for (let i = 0; i < 50; i++) p.set(`exp:${i}`, '1', 'PX', 1);
      await p.exec();
      await r.call('debug', 'set-active-expire', '0').catch(() => undefined);
      await new Promise((res) => setTimeout(res, 10));
      const keys = await scanAll('COUNT', 10);
      expect(keys.filter((k) => k.startsWith('exp:'))).toEqual([]);
      expect(new Set(keys).size).toBe(100);
    });

    it('SCAN errors', async () => {
      expect(await err(r.call('scan', 'x'))).toBe('ERR invalid cursor');
      expect(await err(r.call('scan', ' 0'))).toBe('ERR invalid cursor');
      expect(await err(r.call('scan', '18446744073709551616'))).toBe('ERR invalid cursor');
      expect(await err(r.call('scan', 'x', 'COUNT', '0'))).toBe('ERR invalid cursor');
      expect(await err(r.call('scan', '0', 'COUNT', '0'))).toBe('ERR syntax error');
      expect(await err(r.call('scan', '0', 'COUNT', '-1'))).toBe('ERR syntax error');
      expect(await err(r.call('scan', '0', 'COUNT', 'x'))).toBe('ERR value is not an integer or out of range');
      expect(await err(r.call('scan', '0', 'COUNT'))).toBe('ERR syntax error');
      expect(await err(r.call('scan', '0', 'MATCH'))).toBe('ERR syntax error');
      expect(await err(r.call('scan', '0', 'FOO', 'bar'))).toBe('ERR syntax error');
      expect(await err(r.call('scan'))).toBe("ERR wrong number of arguments for 'scan' command");
      expect(await err(r.call('keys'))).toBe("ERR wrong number of arguments for 'keys' command");
    });

    it('SCAN accepts odd but valid cursors', async () => {
      await r.set('a', '1');
      // -1 is 2^64-1 for strtoul: a cursor the dict never handed out, clamped (not an error)
      const [cur] = (await r.call('scan', '-1')) as [string, string[]];
      expect(cur).toBe('0');
      expect(((await r.call('scan', '')) as [string, string[]])[1]).toEqual(['a']);
    });
  });
}
