// Set family tests.
//
// 1. Handler-level tests with the shared recording context: keyspace events, dirty counts,
//    modified keys, propagation forms (SPOP -> SREM / DEL / batches of SREM) and encodings.
// 2. Server tests over ioredis in RESP2 and RESP3.
// 3. Raw RESP bytes where the reply shape matters (RESP3 sets, empty array vs empty set).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { FakeServer } from '../helpers/fake-ctx.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';
import { encodingName } from '../../src/keyspace/object.js';
import { createSetFrom, setMembers } from '../../src/keyspace/types/set.js';
import { duplicateObject } from '../../src/keyspace/duplicate.js';

function fake(): FakeServer {
  const f = new FakeServer();
  f.config.set('set-max-intset-entries', '512');
  return f;
}

function enc(f: FakeServer, key: string): string {
  const o = f.db().peek(key);
  return o === undefined ? 'none' : encodingName(o);
}

/** Bulk strings of a flat RESP array reply, sorted. */
function members(reply: string): string[] {
  const parts = reply.split('\r\n');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) if ((parts[i] ?? '').startsWith('$')) out.push(parts[i + 1] as string);
  return out.sort();
}

describe('set handlers: effects', () => {
  let f: FakeServer;
  beforeEach(() => {
    f = fake();
  });

  it('SADD creates an intset for an integer first member, records sadd and dirty', () => {
    expect(f.run('SADD', 's', '1', '2', '2')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:new:s', '0:sadd:s']);
    expect(f.effects.dirty).toBe(2);
    expect(f.effects.modified).toEqual(['0:s']);
    expect(enc(f, 's')).toBe('intset');
    expect(f.run('SADD', 's', '1')).toBe(':0\r\n');
    expect(f.effects.events).toEqual([]);
    expect(f.effects.dirty).toBe(0);
    expect(f.effects.modified).toEqual([]);
  });

  it('SADD of a non-integer converts to hashtable; non-canonical integers are strings', () => {
    f.run('SADD', 's', '1', '2');
    f.run('SADD', 's', 'a');
    expect(enc(f, 's')).toBe('hashtable');
    for (const m of ['01', '+1', ' 1', '-0', '9223372036854775808', '1.0']) {
      f.run('DEL', 'x');
      f.run('SADD', 'x', m);
      expect(enc(f, 'x'), m).toBe('hashtable');
    }
    f.run('SADD', 'y', '-9223372036854775808', '9223372036854775807');
    expect(enc(f, 'y')).toBe('intset');
  });

  it('converts past set-max-intset-entries, reading the config at each add', () => {
    f.config.set('set-max-intset-entries', '3');
    f.run('SADD', 's', '1', '2', '3');
    expect(enc(f, 's')).toBe('intset');
    f.run('SADD', 's', '4');
    expect(enc(f, 's')).toBe('hashtable');
    f.config.set('set-max-intset-entries', '0');
    f.run('SADD', 'z', '5');
    expect(enc(f, 'z')).toBe('hashtable');
  });

  it('SREM that empties the set deletes the key: srem then del', () => {
    f.run('SADD', 's', 'a', 'b');
    expect(f.run('SREM', 's', 'a', 'x', 'b', 'c')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:srem:s', '0:del:s']);
    expect(f.effects.dirty).toBe(2);
    expect(f.db().peek('s')).toBeUndefined();
    expect(f.run('SREM', 's', 'a')).toBe(':0\r\n');
    f.set('str', 'v');
    expect(f.run('SREM', 'str', 'a')).toMatch(/^-WRONGTYPE/);
  });

  it('SPOP without count propagates as SREM and deletes an emptied key', () => {
    f.run('SADD', 's', 'only');
    expect(f.run('SPOP', 's')).toBe('$4\r\nonly\r\n');
    expect(f.effects.propagateAs).toEqual(['SREM', 's', 'only']);
    expect(f.effects.events).toEqual(['0:spop:s', '0:del:s']);
    expect(f.effects.dirty).toBe(1);
    expect(f.run('SPOP', 's')).toBe('$-1\r\n');
    expect(f.effects.propagateAs).toBeUndefined();
    expect(f.run('SPOP', 's', '1', '2')).toBe('-ERR syntax error\r\n');
  });

  it('SPOP with a count covering the set replies with everything and propagates DEL', () => {
    f.run('SADD', 's', '3', '1', '2');
    expect(f.run('SPOP', 's', '10')).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    expect(f.effects.propagateAs).toEqual(['DEL', 's']);
    expect(f.effects.events).toEqual(['0:spop:s', '0:del:s']);
    expect(f.effects.dirty).toBe(3);
    expect(f.db().peek('s')).toBeUndefined();
  });

  it('SPOP with a small count pops one by one and propagates one SREM each', () => {
    f.run('SADD', 's', ...Array.from({ length: 20 }, (_, i) => `m${i}`));
    const reply = f.run('SPOP', 's', '3');
    const popped = members(reply);
    expect(popped).toHaveLength(3);
    expect(f.effects.propagateAs).toBeNull();
    expect(f.effects.propagated.map((p) => p.argv[0])).toEqual(['SREM', 'SREM', 'SREM']);
    expect(f.effects.propagated.map((p) => p.argv[2]).sort()).toEqual(popped);
    expect(f.effects.dirty).toBe(3);
    expect(f.effects.events).toEqual(['0:spop:s']);
    expect(f.run('SCARD', 's')).toBe(':17\r\n');
  });

  it('SPOP with a large count rebuilds the survivors, which may become an intset', () => {
    // A hashtable set whose survivors are integers: path 3 recreates it as an intset.
    f.run('SADD', 's', ...Array.from({ length: 20 }, (_, i) => String(i)), 'x');
    f.run('SREM', 's', 'x');
    expect(enc(f, 's')).toBe('hashtable');
    f.db().setExpire('s', f.ks.now + 100000);
    const popped = members(f.run('SPOP', 's', '18'));
    expect(popped).toHaveLength(18);
    expect(f.effects.propagated).toHaveLength(18);
    expect(f.effects.propagateAs).toBeNull();
    const left = members(f.run('SMEMBERS', 's'));
    expect(left).toHaveLength(2);
    expect([...popped, ...left].sort()).toEqual(Array.from({ length: 20 }, (_, i) => String(i)).sort());
    expect(enc(f, 's')).toBe('intset');
    expect(f.db().getExpire('s')).toBe(f.ks.now + 100000);
  });

  it('SPOP count argument errors and empty replies', () => {
    expect(f.run('SPOP', 's', '-1')).toBe('-ERR value is out of range, must be positive\r\n');
    expect(f.run('SPOP', 's', 'x')).toBe('-ERR value is out of range, must be positive\r\n');
    expect(f.run('SPOP', 's', '5')).toBe('*0\r\n');
    f.run('SADD', 's', 'a');
    expect(f.run('SPOP', 's', '0')).toBe('*0\r\n');
    expect(f.effects.events).toEqual([]);
  });

  it('SMOVE records srem/del on the source and sadd on the destination', () => {
    f.run('SADD', 'a', 'x');
    f.run('SADD', 'b', 'y');
    expect(f.run('SMOVE', 'a', 'b', 'x')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['0:srem:a', '0:del:a', '0:sadd:b']);
    expect(f.effects.dirty).toBe(2);
    expect(f.effects.modified).toEqual(['0:a', '0:b']);
    // Already in the destination: only the source changes.
    f.run('SADD', 'a', 'y', 'z');
    expect(f.run('SMOVE', 'a', 'b', 'y')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['0:srem:a']);
    expect(f.effects.modified).toEqual(['0:a']);
    expect(f.effects.dirty).toBe(1);
    // Creating the destination with the member's encoding.
    f.run('SADD', 'c', '5', 'q');
    expect(f.run('SMOVE', 'c', 'd', '5')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['0:srem:c', '0:new:d', '0:sadd:d']);
    expect(enc(f, 'd')).toBe('intset');
    expect(f.run('SMOVE', 'c', 'c', 'q')).toBe(':1\r\n');
    expect(f.run('SMOVE', 'c', 'c', 'nope')).toBe(':0\r\n');
    expect(f.run('SMOVE', 'missing', 'c', 'q')).toBe(':0\r\n');
    f.set('str', 'v');
    expect(f.run('SMOVE', 'missing', 'str', 'q')).toBe(':0\r\n');
    expect(f.run('SMOVE', 'c', 'str', 'q')).toMatch(/^-WRONGTYPE/);
    expect(f.run('SMOVE', 'str', 'c', 'q')).toMatch(/^-WRONGTYPE/);
  });

  it('STORE forms: new + event on success, del when empty, encoding of the result', () => {
    f.run('SADD', 'a', '1', '2', '3', 'x');
    f.run('SADD', 'b', '2', '3', '4', 'x');
    expect(f.run('SINTERSTORE', 'd', 'a', 'b')).toBe(':3\r\n');
    expect(f.effects.events).toEqual(['0:new:d', '0:sinterstore:d']);
    expect(f.effects.dirty).toBe(1);
    expect(enc(f, 'd')).toBe('hashtable');
    f.run('SREM', 'a', 'x');
    expect(f.run('SINTERSTORE', 'd', 'a', 'b')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:sinterstore:d']);
    expect(enc(f, 'd')).toBe('intset');
    expect(f.run('SUNIONSTORE', 'u', 'a', 'b')).toBe(':5\r\n');
    expect(f.effects.events).toEqual(['0:new:u', '0:sunionstore:u']);
    expect(f.run('SDIFFSTORE', 'df', 'a', 'b')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['0:new:df', '0:sdiffstore:df']);
    expect(enc(f, 'df')).toBe('intset');
    expect(f.run('SDIFFSTORE', 'df', 'a', 'a')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:del:df']);
    expect(f.effects.dirty).toBe(1);
    expect(f.run('SINTERSTORE', 'nothing', 'a', 'missing')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:missing']);
    expect(f.effects.dirty).toBe(0);
    f.set('str', 'v');
    expect(f.run('SUNIONSTORE', 'str', 'a')).toBe(':3\r\n');
    expect(f.run('TYPE', 'str')).toBe('+set\r\n');
    expect(f.run('SUNIONSTORE', 'x', 'a', 'str2', 'b')).toBe(':5\r\n');
  });

  it('the STORE result overwrites the destination and clears its TTL', () => {
    f.run('SADD', 'a', '1');
    f.run('SADD', 'd', 'old');
    f.db().setExpire('d', f.ks.now + 5000);
    f.run('SUNIONSTORE', 'd', 'a');
    expect(f.db().getExpire('d')).toBe(-1);
    expect(f.run('SMEMBERS', 'd')).toBe('*1\r\n$1\r\n1\r\n');
  });

  it('SDIFF algorithm choice decides the stored encoding, as in Redis', () => {
    // 600 integers minus 599 of them: algorithm 1 adds only the survivor (an intset).
    const all = Array.from({ length: 600 }, (_, i) => String(i));
    f.run('SADD', 'a', ...all);
    f.run('SADD', 'b', ...all.slice(1));
    expect(enc(f, 'a')).toBe('hashtable');
    expect(f.run('SDIFFSTORE', 'd', 'a', 'b')).toBe(':1\r\n');
    expect(enc(f, 'd')).toBe('intset');
    // Many subtracted sets make algorithm 2 cheaper: it copies the first set (600 > 512 ->
    // hashtable) before removing.
    const small = ['1000'];
    for (let i = 0; i < 5; i++) f.run('SADD', `s${i}`, ...small);
    expect(f.run('SDIFFSTORE', 'e', 'a', 's0', 's1', 's2', 's3', 's4', 'b')).toBe(':1\r\n');
    expect(enc(f, 'e')).toBe('hashtable');
  });

  it('keeps intset replies in ascending order', () => {
    f.run('SADD', 's', '10', '-5', '3', '100000', '-9223372036854775808');
    expect(f.run('SMEMBERS', 's')).toBe(
      '*5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-5\r\n$1\r\n3\r\n$2\r\n10\r\n$6\r\n100000\r\n',
    );
    expect(f.run('SSCAN', 's', '0')).toBe(
      '*2\r\n$1\r\n0\r\n*5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-5\r\n$1\r\n3\r\n$2\r\n10\r\n$6\r\n100000\r\n',
    );
  });

  it('COPY of a set is deep and keeps the encoding', () => {
    const o = createSetFrom(['1', '2'], 512);
    const d = duplicateObject(o);
    expect(encodingName(d)).toBe('intset');
    const h = createSetFrom(['a', 'b'], 512);
    const hd = duplicateObject(h);
    expect(encodingName(hd)).toBe('hashtable');
    f.db().set('h', hd);
    f.run('SADD', 'h', 'c');
    expect(setMembers(h).sort()).toEqual(['a', 'b']);
    expect(setMembers(hd).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('set commands over the wire', () => {
  let server: RunningServer;
  let r2: Redis;
  let r3: Redis;
  let raw: RawClient;
  beforeAll(async () => {
    server = await startServer({ port: 0, config: { loglevel: 'warning' } });
    r2 = new Redis({ port: server.port, protocol: 2 });
    r3 = new Redis({ port: server.port, protocol: 3 });
    raw = await RawClient.connect(server.port);
  });
  afterAll(async () => {
    raw.close();
    r2.disconnect();
    r3.disconnect();
    await server.close();
  });
  beforeEach(async () => {
    await r2.flushall();
  });

  for (const proto of [2, 3] as const) {
    it(`basic commands (RESP${proto})`, async () => {
      const r = proto === 2 ? r2 : r3;
      expect(await r.sadd('s', 'a', 'b', 'c')).toBe(3);
      expect(await r.scard('s')).toBe(3);
      expect(await r.sismember('s', 'a')).toBe(1);
      expect(await r.sismember('s', 'z')).toBe(0);
      expect(await r.smismember('s', 'a', 'z', 'c')).toEqual([1, 0, 1]);
      expect(await r.smismember('nokey', 'a')).toEqual([0]);
      expect((await r.smembers('s')).sort()).toEqual(['a', 'b', 'c']);
      expect(await r.srem('s', 'a', 'q')).toBe(1);
      expect(await r.smove('s', 't', 'b')).toBe(1);
      expect(await r.smembers('t')).toEqual(['b']);
      expect(await r.sadd('n', '3', '1', '2')).toBe(3);
      expect(await r.smembers('n')).toEqual(['1', '2', '3']);
      expect(await r.sinter('n', 'n')).toEqual(['1', '2', '3']);
      expect(await r.sunion('n', 's', 'missing')).toHaveLength(4);
      expect(await r.sdiff('n', 'missing')).toEqual(['1', '2', '3']);
      expect(await r.sintercard(2, 'n', 'n', 'LIMIT', 2)).toBe(2);
      expect(await r.sintercard(1, 'missing')).toBe(0);
      expect(await r.sinterstore('d', 'n', 's')).toBe(0);
      expect(await r.sunionstore('d', 'n', 's')).toBe(4);
      expect(await r.sdiffstore('d', 'n', 'missing')).toBe(3);
      expect(await r.object('ENCODING', 'd')).toBe('intset');
      expect(await r.srandmember('missing')).toBeNull();
      expect(await r.spop('missing')).toBeNull();
      expect((await r.srandmember('n', 10)).sort()).toEqual(['1', '2', '3']);
      expect(await r.srandmember('n', -5)).toHaveLength(5);
      expect(await r.srandmember('n', 2)).toHaveLength(2);
      expect((await r.spop('n', 5)).sort()).toEqual(['1', '2', '3']);
      expect(await r.exists('n')).toBe(0);
      expect(await r.type('d')).toBe('set');
    });
  }

  it('errors worded as Redis', async () => {
    await r2.set('str', 'v');
    await r2.sadd('s', 'a');
    await expect(r2.sadd('str', 'a')).rejects.toThrow(/^WRONGTYPE/);
    await expect(r2.smembers('str')).rejects.toThrow(/^WRONGTYPE/);
    await expect(r2.sinter('s', 'str')).rejects.toThrow(/^WRONGTYPE/);
    await expect(r2.sintercard(0, 's')).rejects.toThrow('ERR numkeys should be greater than 0');
    await expect(r2.call('SINTERCARD', 'a', 's')).rejects.toThrow('ERR numkeys should be greater than 0');
    await expect(r2.sintercard(2, 's')).rejects.toThrow("ERR Number of keys can't be greater than number of args");
    await expect(r2.call('SINTERCARD', '1', 's', 'LIMIT')).rejects.toThrow('ERR syntax error');
    await expect(r2.call('SINTERCARD', '1', 's', 'LIMIT', '-1')).rejects.toThrow("ERR LIMIT can't be negative");
    await expect(r2.call('SINTERCARD', '1', 's', 'LIMIT', 'a')).rejects.toThrow("ERR LIMIT can't be negative");
    await expect(r2.call('SRANDMEMBER', 's', '-9223372036854775808')).rejects.toThrow(
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
    await expect(r2.call('SRANDMEMBER', 's', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(r2.call('SRANDMEMBER', 's', '1', '2')).rejects.toThrow('ERR syntax error');
    await expect(r2.call('SSCAN', 's', 'x')).rejects.toThrow('ERR invalid cursor');
    await expect(r2.call('SSCAN', 's', '0', 'COUNT', '0')).rejects.toThrow('ERR syntax error');
    await expect(r2.call('SSCAN', 's', '0', 'TYPE', 'set')).rejects.toThrow('ERR syntax error');
    await expect(r2.call('SSCAN', 's', '0', 'COUNT', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    // A missing key short-circuits before the options are parsed.
    expect(await r2.call('SSCAN', 'nokey', '0', 'COUNT', '0')).toEqual(['0', []]);
    await expect(r2.call('SMISMEMBER', 's')).rejects.toThrow("ERR wrong number of arguments for 'smismember' command");
  });

  it('raw RESP3 shapes: sets for SMEMBERS/SINTER/SUNION/SPOP count, arrays for SRANDMEMBER', async () => {
    expect(await raw.call('HELLO', '3')).toMatch(/^%/);
    await raw.call('SADD', 'n', '2', '1');
    expect(await raw.call('SMEMBERS', 'n')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(await raw.call('SMEMBERS', 'missing')).toBe('~0\r\n');
    expect(await raw.call('SINTER', 'n', 'missing')).toBe('~0\r\n');
    expect(await raw.call('SUNION', 'n')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(await raw.call('SDIFF', 'n', 'n')).toBe('~0\r\n');
    expect(await raw.call('SRANDMEMBER', 'n', '5')).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(await raw.call('SRANDMEMBER', 'missing', '5')).toBe('*0\r\n');
    expect(await raw.call('SRANDMEMBER', 'n', '0')).toBe('*0\r\n');
    expect(await raw.call('SRANDMEMBER', 'missing')).toBe('_\r\n');
    expect(await raw.call('SPOP', 'missing', '3')).toBe('~0\r\n');
    expect(await raw.call('SPOP', 'n', '0')).toBe('~0\r\n');
    expect(await raw.call('SPOP', 'n', '2')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(await raw.call('SPOP', 'missing')).toBe('_\r\n');
    expect(await raw.call('SISMEMBER', 'missing', 'a')).toBe(':0\r\n');
    expect(await raw.call('HELLO', '2')).toMatch(/^\*/);
    expect(await raw.call('SMEMBERS', 'missing')).toBe('*0\r\n');
    expect(await raw.call('SPOP', 'missing', '3')).toBe('*0\r\n');
  });

  it('SSCAN walks a hashtable set completely, across deletions', async () => {
    const all = Array.from({ length: 500 }, (_, i) => `m:${i}`);
    await r2.sadd('big', ...all);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, batch] = (await r2.sscan('big', cursor, 'COUNT', 20)) as [string, string[]];
      for (const m of batch) seen.add(m);
      // Delete some members we have already seen: the rest must still come back.
      if (batch.length > 0) await r2.srem('big', batch[0] as string);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(calls).toBeGreaterThan(10);
    expect([...seen].sort()).toEqual(all.sort());
    const [c, matched] = (await r2.sscan('big', '0', 'MATCH', 'm:1?', 'COUNT', 1000)) as [string, string[]];
    expect(c).toBe('0');
    expect(matched.every((m) => /^m:1\d$/.test(m))).toBe(true);
  });

  it('SINTER with the same integers in different encodings', async () => {
    await r2.sadd('a', 1, 2, 3);
    await r2.sadd('b', 1, 2, 3, 'a');
    await r2.srem('b', 'a');
    expect(await r2.object('ENCODING', 'b')).toBe('hashtable');
    expect((await r2.sinter('a', 'b')).sort()).toEqual(['1', '2', '3']);
    expect((await r2.sinter('b', 'a')).sort()).toEqual(['1', '2', '3']);
    expect(await r2.sintercard(2, 'a', 'b')).toBe(3);
  });

  it('binary-safe members', async () => {
    const m = Buffer.from([0, 255, 128, 10, 13]);
    expect(await r2.sadd('bin', m)).toBe(1);
    expect(await r2.sismember('bin', m)).toBe(1);
    const got = await r2.smembersBuffer('bin');
    expect(got).toEqual([m]);
  });
});
