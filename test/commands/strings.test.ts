// String family tests.
//
// 1. Handler-level tests with a recording context: exact propagation forms (SET ... PXAT,
//    PEXPIREAT, SET ... KEEPTTL, DEL/UNLINK, PERSIST), keyspace events, dirty counts and
//    OBJECT ENCODING choices, with the clock fixed.
// 2. Server tests over ioredis, in RESP2 and RESP3.
// 3. Raw RESP bytes where the exact reply shape matters.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { CALL_FROM_MASTER } from '../../src/commands/context.js';
import type { Db } from '../../src/keyspace/db.js';
import { encodingName, RObject, OBJ_LIST, ENC_QUICKLIST } from '../../src/keyspace/object.js';
import { FakeServer } from '../helpers/fake-ctx.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/resp.js';

/* ---- A recording context (the shared fake, with this file's view of the effects) ---------- */

interface Recorded {
  reply: string;
  notes: string[];
  dirty: number;
  prop: string[] | null | undefined;
  modified: string[];
}

class Harness {
  private readonly fake = new FakeServer();
  /** Config overrides by name (the fake reads them live). */
  readonly config = new Proxy({} as Record<string, string>, {
    set: (_t, name: string, value: string) => {
      this.fake.config.set(name, value);
      return true;
    },
  });
  now = 1_700_000_000_000;

  set role(r: 'master' | 'slave') {
    this.fake.role = r;
  }

  set callFlags(f: number) {
    this.fake.callFlags = f;
  }

  get db(): Db {
    return this.fake.db();
  }

  run(...argv: string[]): Recorded {
    this.fake.ks.setTime(this.now);
    const reply = this.fake.run(...argv);
    const e = this.fake.effects;
    return {
      reply,
      notes: e.events.map((ev) => {
        const [db, event, ...key] = ev.split(':');
        return `${event}:${key.join(':')}@${db}`;
      }),
      dirty: e.dirty,
      prop: e.propagateAs,
      modified: e.modified.map((m) => m.slice(m.indexOf(':') + 1)),
    };
  }

  enc(key: string): string {
    const o = this.db.peek(key);
    return o === undefined ? 'none' : encodingName(o);
  }
}

describe('strings: handler effects (propagation, events, dirty, encodings)', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });

  it('SET: events, dirty, plain propagation', () => {
    const r = h.run('SET', 'k', 'v');
    expect(r.reply).toBe('+OK\r\n');
    expect(r.notes).toEqual(['new:k@0', 'set:k@0']);
    expect(r.dirty).toBe(1);
    expect(r.prop).toBeUndefined();
    expect(r.modified).toEqual(['k']);
    const r2 = h.run('SET', 'k', 'w');
    expect(r2.notes).toEqual(['set:k@0']);
  });

  it('SET EX/PX/EXAT/PXAT propagate as SET key value PXAT <abs ms> and fire expire', () => {
    const r = h.run('SET', 'k', 'v', 'EX', '100');
    expect(r.prop).toEqual(['SET', 'k', 'v', 'PXAT', String(h.now + 100_000)]);
    expect(r.notes).toEqual(['new:k@0', 'set:k@0', 'expire:k@0']);
    expect(h.db.getExpire('k')).toBe(h.now + 100_000);
    expect(h.run('SET', 'k', 'v', 'px', '1500', 'XX').prop).toEqual(['SET', 'k', 'v', 'PXAT', String(h.now + 1500)]);
    expect(h.run('SET', 'k', 'v', 'EXAT', '1800000000').prop).toEqual(['SET', 'k', 'v', 'PXAT', '1800000000000']);
    expect(h.run('SET', 'k', 'v', 'PXAT', '1800000000123', 'GET').prop).toEqual([
      'SET', 'k', 'v', 'PXAT', '1800000000123',
    ]);
    // An absolute time in the past is stored as is (the key expires on next access).
    const p = h.run('SET', 'old', 'v', 'PXAT', '1');
    expect(p.reply).toBe('+OK\r\n');
    expect(h.db.getExpire('old')).toBe(1);
    expect(h.run('GET', 'old').reply).toBe('$-1\r\n');
  });

  it('SET ... GET propagates without the GET token(s)', () => {
    h.run('SET', 'k', 'old');
    const r = h.run('SET', 'k', 'new', 'get', 'NX', 'GeT', 'KEEPTTL');
    expect(r.reply).toBe('$3\r\nold\r\n');
    expect(r.prop).toBeUndefined(); // NX aborted: nothing changed
    expect(r.dirty).toBe(0);
    const r2 = h.run('SET', 'k', 'new', 'get', 'XX', 'GeT', 'KEEPTTL');
    expect(r2.reply).toBe('$3\r\nold\r\n');
    expect(r2.prop).toEqual(['SET', 'k', 'new', 'XX', 'KEEPTTL']);
  });

  it('SET KEEPTTL keeps the TTL, plain SET clears it', () => {
    h.run('SET', 'k', 'v', 'EX', '100');
    h.run('SET', 'k', 'w', 'KEEPTTL');
    expect(h.db.getExpire('k')).toBe(h.now + 100_000);
    h.run('SET', 'k', 'x');
    expect(h.db.getExpire('k')).toBe(-1);
  });

  it('SET on a non-string with GET is WRONGTYPE and changes nothing', () => {
    h.db.add('l', new RObject(OBJ_LIST, ENC_QUICKLIST, null));
    const r = h.run('SET', 'l', 'v', 'GET');
    expect(r.reply).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(r.dirty).toBe(0);
    expect(h.run('SET', 'l', 'v').reply).toBe('+OK\r\n'); // plain SET overwrites any type
    expect(h.enc('l')).toBe('embstr');
  });

  it('encodings follow tryObjectEncoding', () => {
    h.run('SET', 'a', '12345');
    h.run('SET', 'b', 'x'.repeat(44));
    h.run('SET', 'c', 'x'.repeat(45));
    h.run('SET', 'd', '-9223372036854775808');
    h.run('SET', 'e', '9223372036854775808');
    h.run('SET', 'f', '007');
    expect(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => h.enc(k))).toEqual(['int', 'embstr', 'raw', 'int', 'embstr', 'embstr']);
    h.run('APPEND', 'a', '6');
    expect(h.enc('a')).toBe('raw');
    h.run('APPEND', 'new', '42');
    expect(h.enc('new')).toBe('int');
    h.run('SETRANGE', 'b', '0', 'y');
    expect(h.enc('b')).toBe('raw');
    h.run('SETRANGE', 'fresh', '2', 'z');
    expect(h.enc('fresh')).toBe('raw');
    h.run('INCR', 'a');
    expect(h.enc('a')).toBe('int');
    h.run('INCRBYFLOAT', 'g', '3');
    expect(h.enc('g')).toBe('embstr');
    h.run('MSET', 'm1', '1', 'm2', 'hello');
    expect([h.enc('m1'), h.enc('m2')]).toEqual(['int', 'embstr']);
  });

  it('SETNX / SETEX / PSETEX / GETSET', () => {
    expect(h.run('SETNX', 'k', 'v').reply).toBe(':1\r\n');
    const r = h.run('SETNX', 'k', 'w');
    expect(r.reply).toBe(':0\r\n');
    expect(r.dirty).toBe(0);
    const ex = h.run('SETEX', 'k', '10', 'v2');
    expect(ex.prop).toEqual(['SET', 'k', 'v2', 'PXAT', String(h.now + 10_000)]);
    const pex = h.run('PSETEX', 'k', '10', 'v3');
    expect(pex.prop).toEqual(['SET', 'k', 'v3', 'PXAT', String(h.now + 10)]);
    expect(h.run('SETEX', 'k', '0', 'v').reply).toBe("-ERR invalid expire time in 'setex' command\r\n");
    expect(h.run('PSETEX', 'k', '-1', 'v').reply).toBe("-ERR invalid expire time in 'psetex' command\r\n");
    expect(h.run('SETEX', 'k', 'x', 'v').reply).toBe('-ERR value is not an integer or out of range\r\n');
    const gs = h.run('GETSET', 'k', 'v4');
    expect(gs.reply).toBe('$2\r\nv3\r\n');
    expect(gs.prop).toEqual(['SET', 'k', 'v4']);
    expect(gs.notes).toEqual(['set:k@0']);
    expect(h.db.getExpire('k')).toBe(-1);
  });

  it('expire argument validation and overflow', () => {
    const err = "-ERR invalid expire time in 'set' command\r\n";
    expect(h.run('SET', 'k', 'v', 'EX', '0').reply).toBe(err);
    expect(h.run('SET', 'k', 'v', 'PX', '-100').reply).toBe(err);
    expect(h.run('SET', 'k', 'v', 'EX', '9223372036854776').reply).toBe(err); // > LLONG_MAX/1000
    expect(h.run('SET', 'k', 'v', 'EXAT', '9223372036854775807').reply).toBe(err);
    expect(h.run('SET', 'k', 'v', 'PX', '9223372036854775807').reply).toBe(err); // + now overflows
    expect(h.run('SET', 'k', 'v', 'EX', '9223372036854775').reply).toBe(err); // *1000 + now overflows
    expect(h.run('SET', 'k', 'v', 'PXAT', '9223372036854775807').reply).toBe('+OK\r\n');
    expect(h.run('SET', 'k', 'v', 'EX', '10.5').reply).toBe('-ERR value is not an integer or out of range\r\n');
    expect(h.run('SET', 'k', 'v', 'EX', '99999999999999999999').reply).toBe('-ERR value is not an integer or out of range\r\n');
    // The expire is validated before GET looks at the key.
    h.db.add('l', new RObject(OBJ_LIST, ENC_QUICKLIST, null));
    expect(h.run('SET', 'l', 'v', 'GET', 'EX', '0').reply).toBe(err);
  });

  it('SET syntax errors', () => {
    const syn = '-ERR syntax error\r\n';
    for (const extra of [
      ['NX', 'XX'], ['XX', 'NX'], ['EX', '10', 'PX', '10'], ['PX', '10', 'EXAT', '10'], ['KEEPTTL', 'EX', '10'],
      ['EX', '10', 'KEEPTTL'], ['EX'], ['PXAT'], ['PERSIST'], ['FOO'], ['EX', '10', 'EX', '10'].slice(0, 3),
      ['nx\0', 'xx'], ['KEEPTTL', 'PXAT', '5'],
    ]) {
      expect(h.run('SET', 'k', 'v', ...extra).reply, extra.join(' ')).toBe(syn);
    }
    // Repeating the same option is allowed.
    expect(h.run('SET', 'k', 'v', 'EX', '10', 'EX', '20').reply).toBe('+OK\r\n');
    expect(h.run('SET', 'k', 'v', 'NX', 'nx').reply).toBe('$-1\r\n');
    // C compares option tokens up to the first NUL byte.
    expect(h.run('SET', 'k', 'v2', 'xx\0junk').reply).toBe('+OK\r\n');
  });

  it('GETDEL: DEL or UNLINK propagation, del event', () => {
    h.run('SET', 'k', 'v');
    const r = h.run('GETDEL', 'k');
    expect(r.reply).toBe('$1\r\nv\r\n');
    expect(r.prop).toEqual(['DEL', 'k']);
    expect(r.notes).toEqual(['del:k@0']);
    expect(r.dirty).toBe(1);
    const miss = h.run('GETDEL', 'k');
    expect(miss.reply).toBe('$-1\r\n');
    expect(miss.dirty).toBe(0);
    expect(miss.notes).toEqual(['keymiss:k@0']);
    h.config['lazyfree-lazy-user-del'] = 'yes';
    h.run('SET', 'k', 'v');
    expect(h.run('GETDEL', 'k').prop).toEqual(['UNLINK', 'k']);
  });

  it('GETEX: PEXPIREAT, PERSIST, DEL forms', () => {
    h.run('SET', 'k', 'v');
    const plain = h.run('GETEX', 'k');
    expect(plain.reply).toBe('$1\r\nv\r\n');
    expect(plain.dirty).toBe(0);
    const ex = h.run('GETEX', 'k', 'EX', '10');
    expect(ex.prop).toEqual(['PEXPIREAT', 'k', String(h.now + 10_000)]);
    expect(ex.notes).toEqual(['expire:k@0']);
    expect(ex.dirty).toBe(1);
    expect(h.db.getExpire('k')).toBe(h.now + 10_000);
    const pers = h.run('GETEX', 'k', 'PERSIST');
    expect(pers.prop).toEqual(['PERSIST', 'k']);
    expect(pers.notes).toEqual(['persist:k@0']);
    expect(h.db.getExpire('k')).toBe(-1);
    const pers2 = h.run('GETEX', 'k', 'PERSIST');
    expect(pers2.dirty).toBe(0);
    expect(pers2.notes).toEqual([]);
    const past = h.run('GETEX', 'k', 'PXAT', String(h.now - 1));
    expect(past.reply).toBe('$1\r\nv\r\n');
    expect(past.prop).toEqual(['DEL', 'k']);
    expect(past.notes).toEqual(['del:k@0']);
    expect(h.db.peek('k')).toBeUndefined();
    h.config['lazyfree-lazy-expire'] = 'yes';
    h.run('SET', 'k', 'v');
    expect(h.run('GETEX', 'k', 'EXAT', '1').prop).toEqual(['UNLINK', 'k']);
  });

  it('GETEX on a replica or from the AOF keeps a past deadline instead of deleting', () => {
    h.role = 'slave';
    h.run('SET', 'k', 'v');
    const r = h.run('GETEX', 'k', 'PXAT', '5');
    expect(r.prop).toEqual(['PEXPIREAT', 'k', '5']);
    expect(h.db.peek('k')).toBeDefined();
  });

  it('GETEX errors: syntax before lookup, bad expire only for existing strings', () => {
    expect(h.run('GETEX', 'nokey', 'FOO').reply).toBe('-ERR syntax error\r\n');
    expect(h.run('GETEX', 'nokey', 'EX', '10', 'PERSIST').reply).toBe('-ERR syntax error\r\n');
    expect(h.run('GETEX', 'nokey', 'PERSIST', 'EX', '10').reply).toBe('-ERR syntax error\r\n');
    expect(h.run('GETEX', 'nokey', 'KEEPTTL').reply).toBe('-ERR syntax error\r\n');
    expect(h.run('GETEX', 'nokey', 'NX').reply).toBe('-ERR syntax error\r\n');
    expect(h.run('GETEX', 'nokey', 'EX', '-1').reply).toBe('$-1\r\n');
    h.run('SET', 'k', 'v');
    expect(h.run('GETEX', 'k', 'EX', '-1').reply).toBe("-ERR invalid expire time in 'getex' command\r\n");
    expect(h.run('GETEX', 'k', 'EX', 'x').reply).toBe('-ERR value is not an integer or out of range\r\n');
  });

  it('INCR family: events, propagation as is, TTL kept', () => {
    h.run('SET', 'n', '10', 'EX', '100');
    const r = h.run('INCRBY', 'n', '5');
    expect(r.reply).toBe(':15\r\n');
    expect(r.notes).toEqual(['incrby:n@0']);
    expect(r.prop).toBeUndefined();
    expect(h.db.getExpire('n')).toBe(h.now + 100_000);
    expect(h.run('DECR', 'fresh').notes).toEqual(['new:fresh@0', 'incrby:fresh@0']);
  });

  it('INCR updates an int-encoded object in place, replaces others', () => {
    h.run('SET', 'n', '20000');
    const before = h.db.peek('n');
    h.run('INCR', 'n');
    expect(h.db.peek('n')).toBe(before);
    expect(h.run('GET', 'n').reply).toBe('$5\r\n20001\r\n');
    h.run('SET', 'r', '1');
    h.run('APPEND', 'r', '0');
    const raw = h.db.peek('r');
    expect(h.run('INCRBY', 'r', '-20').reply).toBe(':-10\r\n');
    expect(h.db.peek('r')).not.toBe(raw);
    expect(h.enc('r')).toBe('int');
  });

  it('INCRBYFLOAT rejects values with a NUL byte and never yields -0', () => {
    h.run('SET', 'f', '1');
    h.run('SETRANGE', 'f', '2', '2');
    expect(h.run('INCRBYFLOAT', 'f', '1').reply).toBe('-ERR value is not a valid float\r\n');
    h.run('INCRBYFLOAT', 'z', String(1 / 41));
    expect(h.run('INCRBYFLOAT', 'z', String(-1 / 41)).reply).toBe('$1\r\n0\r\n');
  });

  it('INCRBYFLOAT propagates as SET key value KEEPTTL', () => {
    h.run('SET', 'f', '10.5', 'EX', '100');
    const r = h.run('INCRBYFLOAT', 'f', '0.1');
    expect(r.reply).toBe('$4\r\n10.6\r\n');
    expect(r.prop).toEqual(['SET', 'f', '10.6', 'KEEPTTL']);
    expect(r.notes).toEqual(['incrbyfloat:f@0']);
    expect(h.db.getExpire('f')).toBe(h.now + 100_000);
    const bad = h.run('INCRBYFLOAT', 'f', 'inf');
    expect(bad.reply).toBe('-ERR increment would produce NaN or Infinity\r\n');
    expect(bad.dirty).toBe(0);
  });

  it('APPEND / SETRANGE events and the proto-max-bulk-len limit', () => {
    expect(h.run('APPEND', 'a', 'xy').notes).toEqual(['new:a@0', 'append:a@0']);
    expect(h.run('SETRANGE', 'a', '1', 'Z').notes).toEqual(['setrange:a@0']);
    expect(h.run('SETRANGE', 'a', '1', '').dirty).toBe(0);
    h.config['proto-max-bulk-len'] = '10';
    const big = '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n';
    expect(h.run('APPEND', 'a', '123456789').reply).toBe(big);
    expect(h.run('APPEND', 'a', '12345678').reply).toBe(':10\r\n');
    expect(h.run('SETRANGE', 'a', '10', 'x').reply).toBe(big);
    expect(h.run('SETRANGE', 'b', '9', 'xy').reply).toBe(big);
    expect(h.run('SETRANGE', 'b', '8', 'xy').reply).toBe(':10\r\n');
    // The master and the AOF are obeyed whatever the limit.
    h.callFlags = CALL_FROM_MASTER;
    expect(h.run('APPEND', 'a', 'more').reply).toBe(':14\r\n');
    h.callFlags = 0;
    expect(h.run('LCS', 'a', 'b').reply).toBe(
      '-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n',
    );
  });

  it('MSET / MSETNX dirty and events', () => {
    const r = h.run('MSET', 'a', '1', 'b', '2', 'a', '3');
    expect(r.dirty).toBe(3);
    expect(r.notes).toEqual(['new:a@0', 'set:a@0', 'new:b@0', 'set:b@0', 'set:a@0']);
    expect(h.run('GET', 'a').reply).toBe('$1\r\n3\r\n');
    const nx = h.run('MSETNX', 'c', '1', 'a', '2');
    expect(nx.reply).toBe(':0\r\n');
    expect(nx.dirty).toBe(0);
    expect(h.db.peek('c')).toBeUndefined();
    expect(h.run('MSETNX', 'c', '1', 'd', '2').reply).toBe(':1\r\n');
    expect(h.run('MSET', 'a', '1', 'b').reply).toBe("-ERR wrong number of arguments for 'mset' command\r\n");
    expect(h.run('MSETNX', 'a', '1', 'b').reply).toBe("-ERR wrong number of arguments for 'msetnx' command\r\n");
  });

  it('WRONGTYPE for every command on a non-string key', () => {
    h.db.add('l', new RObject(OBJ_LIST, ENC_QUICKLIST, null));
    h.run('SET', 's', 'x');
    const wt = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
    for (const argv of [
      ['GET', 'l'], ['GETSET', 'l', 'v'], ['GETDEL', 'l'], ['GETEX', 'l'], ['GETEX', 'l', 'EX', '0'],
      ['INCR', 'l'], ['DECR', 'l'], ['INCRBY', 'l', '1'], ['DECRBY', 'l', '1'], ['INCRBYFLOAT', 'l', '1'],
      ['APPEND', 'l', 'x'], ['STRLEN', 'l'], ['GETRANGE', 'l', '0', '1'], ['SUBSTR', 'l', '0', '1'],
      ['SETRANGE', 'l', '0', ''], ['SETRANGE', 'l', '0', 'x'], ['SET', 'l', 'v', 'NX', 'GET'],
    ]) {
      expect(h.run(...argv).reply, argv.join(' ')).toBe(wt);
    }
    expect(h.db.peek('l')?.type).toBe(OBJ_LIST);
    expect(h.run('MGET', 's', 'l').reply).toBe('*2\r\n$1\r\nx\r\n$-1\r\n');
    expect(h.run('LCS', 's', 'l').reply).toBe('-ERR The specified keys must contain string values\r\n');
    expect(h.run('SETNX', 'l', 'v').reply).toBe(':0\r\n');
    expect(h.run('MSETNX', 'l', 'v').reply).toBe(':0\r\n');
  });

  it('read commands fire keymiss on a miss', () => {
    expect(h.run('GET', 'x').notes).toEqual(['keymiss:x@0']);
    expect(h.run('MGET', 'x', 'y').notes).toEqual(['keymiss:x@0', 'keymiss:y@0']);
    expect(h.run('STRLEN', 'x').notes).toEqual(['keymiss:x@0']);
    expect(h.run('LCS', 'x', 'y').notes).toEqual(['keymiss:x@0', 'keymiss:y@0']);
  });
});

/* ---- Server tests (RESP2 and RESP3) ------------------------------------------------------- */

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, config: { loglevel: 'warning' } });
});
afterAll(async () => {
  await server?.close();
});

for (const protocol of [2, 3] as const) {
  describe(`strings over ioredis (RESP${protocol})`, () => {
    let r: Redis;
    beforeAll(async () => {
      r = new Redis({ port: server.port, protocol, lazyConnect: true });
      await r.connect();
    });
    afterAll(async () => {
      r.disconnect();
    });
    beforeEach(async () => {
      await r.select(protocol);
      await r.flushdb();
    });

    it('GET / SET / options', async () => {
      expect(await r.get('k')).toBeNull();
      expect(await r.set('k', 'v')).toBe('OK');
      expect(await r.get('k')).toBe('v');
      expect(await r.call('SET', 'k', 'w', 'NX')).toBeNull();
      expect(await r.call('SET', 'k', 'w', 'XX', 'GET')).toBe('v');
      expect(await r.call('SET', 'k2', 'w', 'XX')).toBeNull();
      expect(await r.call('SET', 'k2', 'w', 'NX', 'GET')).toBeNull();
      expect(await r.get('k2')).toBe('w');
      expect(await r.call('SET', 'k', 'x', 'EX', '100')).toBe('OK');
      expect(await r.ttl('k')).toBe(100);
      expect(await r.call('SET', 'k', 'y', 'KEEPTTL')).toBe('OK');
      expect(await r.ttl('k')).toBe(100);
      expect(await r.call('SET', 'k', 'z', 'PX', '5000')).toBe('OK');
      const pttl = Number(await r.pttl('k'));
      expect(pttl).toBeGreaterThan(4000);
      expect(pttl).toBeLessThanOrEqual(5000);
      await r.call('SET', 'k', 'z', 'EXAT', String(Math.floor(Date.now() / 1000) + 200));
      expect(Number(await r.ttl('k'))).toBeGreaterThan(190);
      await expect(r.call('SET', 'k', 'v', 'EX', '0')).rejects.toThrow("ERR invalid expire time in 'set' command");
      await expect(r.call('SET', 'k', 'v', 'NX', 'XX')).rejects.toThrow('ERR syntax error');
    });

    it('key expires after SET PX', async () => {
      await r.call('SET', 'short', 'v', 'PX', '30');
      await new Promise((res) => setTimeout(res, 80));
      expect(await r.get('short')).toBeNull();
    });

    it('SETNX / SETEX / PSETEX / GETSET / GETDEL / GETEX', async () => {
      expect(await r.setnx('a', '1')).toBe(1);
      expect(await r.setnx('a', '2')).toBe(0);
      expect(await r.setex('b', 50, 'x')).toBe('OK');
      expect(await r.ttl('b')).toBe(50);
      expect(await r.psetex('c', 50000, 'y')).toBe('OK');
      expect(await r.ttl('c')).toBe(50);
      expect(await r.getset('a', '3')).toBe('1');
      expect(await r.getset('nope', '3')).toBeNull();
      expect(await r.getdel('a')).toBe('3');
      expect(await r.exists('a')).toBe(0);
      expect(await r.getdel('a')).toBeNull();
      expect(await r.call('GETEX', 'b', 'PERSIST')).toBe('x');
      expect(await r.ttl('b')).toBe(-1);
      expect(await r.call('GETEX', 'b', 'EX', '30')).toBe('x');
      expect(await r.ttl('b')).toBe(30);
      expect(await r.call('GETEX', 'b', 'EXAT', '1')).toBe('x');
      expect(await r.exists('b')).toBe(0);
      expect(await r.call('GETEX', 'missing', 'EX', '10')).toBeNull();
    });

    it('MGET / MSET / MSETNX', async () => {
      expect(await r.mset('a', '1', 'b', '2')).toBe('OK');
      expect(await r.mget('a', 'b', 'nokey')).toEqual(['1', '2', null]);
      expect(await r.msetnx('a', '9', 'c', '3')).toBe(0);
      expect(await r.exists('c')).toBe(0);
      expect(await r.msetnx('c', '3', 'd', '4')).toBe(1);
      await expect(r.call('MSET', 'a', '1', 'b')).rejects.toThrow("ERR wrong number of arguments for 'mset' command");
    });

    it('INCR family with 64-bit limits', async () => {
      expect(await r.incr('n')).toBe(1);
      expect(await r.incrby('n', 10)).toBe(11);
      expect(await r.decr('n')).toBe(10);
      expect(await r.decrby('n', 20)).toBe(-10);
      await r.set('big', '9223372036854775806');
      await r.call('INCR', 'big');
      expect(await r.get('big')).toBe('9223372036854775807');
      await expect(r.incr('big')).rejects.toThrow('ERR increment or decrement would overflow');
      await r.set('small', '-9223372036854775807');
      await r.call('DECR', 'small');
      expect(await r.get('small')).toBe('-9223372036854775808');
      await expect(r.decr('small')).rejects.toThrow('ERR increment or decrement would overflow');
      await expect(r.call('DECRBY', 'x', '-9223372036854775808')).rejects.toThrow('ERR decrement would overflow');
      await r.set('s', '9007199254740993');
      expect(await r.call('INCRBY', 's', '2')).toBeDefined();
      expect(await r.get('s')).toBe('9007199254740995');
      await r.set('sp', ' 1');
      await expect(r.incr('sp')).rejects.toThrow('ERR value is not an integer or out of range');
      await r.set('f', '1.5');
      await expect(r.incr('f')).rejects.toThrow('ERR value is not an integer or out of range');
      await expect(r.call('INCRBY', 'n', '1.5')).rejects.toThrow('ERR value is not an integer or out of range');
      await r.set('raw', '1');
      await r.append('raw', '2');
      expect(await r.incr('raw')).toBe(13);
    });

    it('INCRBYFLOAT matches Redis formatting (80-bit long double)', async () => {
      await r.set('f', '10.5');
      expect(await r.incrbyfloat('f', 0.1)).toBe('10.6');
      expect(await r.call('INCRBYFLOAT', 'g', '0.1')).toBe('0.1');
      expect(await r.call('INCRBYFLOAT', 'g', '0.2')).toBe('0.3');
      expect(await r.call('INCRBYFLOAT', 'h', '5.0e3')).toBe('5000');
      expect(await r.call('INCRBYFLOAT', 'h', '-5000')).toBe('0');
      expect(await r.call('INCRBYFLOAT', 'i', '1e-20')).toBe('0');
      await r.set('e', '1e3');
      expect(await r.call('INCRBYFLOAT', 'e', '0x10')).toBe('1016');
      await expect(r.call('INCRBYFLOAT', 'e', 'abc')).rejects.toThrow('ERR value is not a valid float');
      await expect(r.call('INCRBYFLOAT', 'e', '+inf')).rejects.toThrow('ERR increment would produce NaN or Infinity');
      await r.set('bad', 'x');
      await expect(r.call('INCRBYFLOAT', 'bad', '1')).rejects.toThrow('ERR value is not a valid float');
      await r.set('sp', '1 ');
      await expect(r.call('INCRBYFLOAT', 'sp', '1')).rejects.toThrow('ERR value is not a valid float');
    });

    it('APPEND / STRLEN / GETRANGE / SUBSTR / SETRANGE', async () => {
      expect(await r.append('a', 'hello')).toBe(5);
      expect(await r.append('a', ' world')).toBe(11);
      expect(await r.strlen('a')).toBe(11);
      expect(await r.strlen('none')).toBe(0);
      expect(await r.getrange('a', 0, 4)).toBe('hello');
      expect(await r.getrange('a', -5, -1)).toBe('world');
      expect(await r.getrange('a', 5, 3)).toBe('');
      expect(await r.getrange('a', -1, -5)).toBe('');
      expect(await r.getrange('a', 0, 1000)).toBe('hello world');
      expect(await r.getrange('a', -1000, 1)).toBe('he');
      expect(await r.getrange('none', 0, -1)).toBe('');
      expect(await r.call('SUBSTR', 'a', '6', '-1')).toBe('world');
      await r.set('n', '12345');
      expect(await r.getrange('n', 1, 2)).toBe('23');
      expect(await r.strlen('n')).toBe(5);
      expect(await r.setrange('a', 6, 'WORLD')).toBe(11);
      expect(await r.get('a')).toBe('hello WORLD');
      expect(await r.setrange('z', 3, 'x')).toBe(4);
      expect(await r.get('z')).toBe('\x00\x00\x00x');
      expect(await r.setrange('empty', 10, '')).toBe(0);
      expect(await r.exists('empty')).toBe(0);
      expect(await r.setrange('a', 100, '')).toBe(11);
      await expect(r.setrange('a', -1, 'x')).rejects.toThrow('ERR offset is out of range');
      await expect(r.call('SETRANGE', 'a', 'x', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
      await expect(r.setrange('a', 536870911, 'xx')).rejects.toThrow(
        'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
      );
      await expect(r.call('GETRANGE', 'a', 'x', '1')).rejects.toThrow('ERR value is not an integer or out of range');
    });

    it('LCS', async () => {
      await r.mset('a', 'ohmytext', 'b', 'mynewtext');
      expect(await r.call('LCS', 'a', 'b')).toBe('mytext');
      expect(await r.call('LCS', 'a', 'b', 'LEN')).toBe(6);
      expect(await r.call('LCS', 'a', 'b', 'IDX')).toEqual([
        'matches',
        [
          [[4, 7], [5, 8]],
          [[2, 3], [0, 1]],
        ],
        'len',
        6,
      ]);
      expect(await r.call('LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN')).toEqual([
        'matches',
        [[[4, 7], [5, 8], 4]],
        'len',
        6,
      ]);
      expect(await r.call('LCS', 'a', 'nokey')).toBe('');
      await expect(r.call('LCS', 'a', 'b', 'LEN', 'IDX')).rejects.toThrow(
        'ERR If you want both the length and indexes, please just use IDX.',
      );
      await expect(r.call('LCS', 'a', 'b', 'MINMATCHLEN')).rejects.toThrow('ERR syntax error');
      await expect(r.call('LCS', 'a', 'b', 'MINMATCHLEN', 'x')).rejects.toThrow('ERR value is not an integer');
    });

    it('binary-safe values', async () => {
      const v = Buffer.from([0, 1, 0xff, 0xfe, 0x80, 13, 10, 0x41]);
      await r.set(Buffer.from([0xff, 0]), v);
      expect(await r.getBuffer(Buffer.from([0xff, 0]))).toEqual(v);
      await r.append(Buffer.from([0xff, 0]), Buffer.from([0xc3]));
      expect(await r.getBuffer(Buffer.from([0xff, 0]))).toEqual(Buffer.concat([v, Buffer.from([0xc3])]));
      expect(await r.getrangeBuffer(Buffer.from([0xff, 0]), 2, 3)).toEqual(Buffer.from([0xff, 0xfe]));
    });
  });
}

/* ---- Raw bytes ------------------------------------------------------------------------------ */

describe('strings: exact reply bytes', () => {
  for (const proto of ['2', '3']) {
    it(`RESP${proto} reply shapes`, async () => {
      const c = await RawClient.connect(server.port);
      try {
        await c.call('HELLO', proto);
        await c.call('SELECT', '5');
        await c.call('FLUSHDB');
        const nil = proto === '2' ? '$-1\r\n' : '_\r\n';
        expect(await c.call('GET', 'missing')).toBe(nil);
        expect(await c.call('SET', 'k', 'v', 'NX', 'GET')).toBe(nil);
        expect(await c.call('SET', 'k', 'w', 'XX', 'GET')).toBe('$1\r\nv\r\n');
        expect(await c.call('SET', 'k', 'w', 'NX')).toBe(nil);
        expect(await c.call('GETRANGE', 'missing', '0', '-1')).toBe('$0\r\n\r\n');
        expect(await c.call('MGET', 'k', 'missing')).toBe(`*2\r\n$1\r\nw\r\n${nil}`);
        expect(await c.call('INCRBYFLOAT', 'f', '1.5')).toBe('$3\r\n1.5\r\n');
        expect(await c.call('INCR', 'i')).toBe(':1\r\n');
        await c.call('SET', 'i', '9223372036854775806');
        expect(await c.call('INCR', 'i')).toBe(':9223372036854775807\r\n');
        expect(await c.call('INCR', 'i')).toBe('-ERR increment or decrement would overflow\r\n');
        expect(await c.call('INCRBY', 'i', '-9223372036854775808')).toBe(':-1\r\n');
        expect(await c.call('SET', 'bin', '\x00\xff\r\n')).toBe('+OK\r\n');
        expect(await c.call('GET', 'bin')).toBe('$4\r\n\x00\xff\r\n\r\n');
        await c.call('MSET', 'a', 'hello', 'b', 'hallo');
        const head = proto === '2' ? '*4\r\n' : '%2\r\n';
        expect(await c.call('LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN')).toBe(
          head +
            '$7\r\nmatches\r\n*2\r\n' +
            '*3\r\n*2\r\n:2\r\n:4\r\n*2\r\n:2\r\n:4\r\n:3\r\n' +
            '*3\r\n*2\r\n:0\r\n:0\r\n*2\r\n:0\r\n:0\r\n:1\r\n' +
            '$3\r\nlen\r\n:4\r\n',
        );
        expect(await c.call('LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '10')).toBe(
          head + '$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:4\r\n',
        );
        expect(await c.call('LCS', 'a', 'b')).toBe('$4\r\nhllo\r\n');
        expect(await c.call('SET', 'k', 'v', 'EX')).toBe('-ERR syntax error\r\n');
        expect(await c.call('GETSET', 'k', 'z')).toBe('$1\r\nw\r\n');
      } finally {
        c.close();
      }
    });
  }
});
