// EXPIRE family, TTL family, PERSIST: replies and errors over the wire (ioredis, RESP2 and
// RESP3), and the recorded effects (propagation form, events, dirty) through a fake context.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { FakeServer } from '../helpers/fake-ctx.js';


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

describe('expire effects (fake context)', () => {
  let f: FakeServer;
  beforeEach(() => {
    f = new FakeServer();
    f.ks.setTime(NOW);
    f.set('k', 'v');
  });

  it('EXPIRE propagates as PEXPIREAT with the absolute ms deadline and fires expire', () => {
    expect(f.run('expire', 'k', '100')).toBe(':1\r\n');
    expect(f.effects.propagateAs).toEqual(['PEXPIREAT', 'k', String(NOW + 100_000)]);
    expect(f.effects.events).toEqual(['0:expire:k']);
    expect(f.effects.modified).toEqual(['0:k']);
    expect(f.effects.dirty).toBe(1);
    expect(f.db().getExpire('k')).toBe(NOW + 100_000);
  });

  it('PEXPIRE, EXPIREAT rewrite; PEXPIREAT propagates as sent; options are kept', () => {
    f.run('pexpire', 'k', '1500', 'nx');
    expect(f.effects.propagateAs).toEqual(['PEXPIREAT', 'k', String(NOW + 1500), 'nx']);
    f.run('expireat', 'k', String(NOW / 1000 + 50), 'GT');
    expect(f.effects.propagateAs).toEqual(['PEXPIREAT', 'k', String(NOW + 50_000), 'GT']);
    f.run('pexpireat', 'k', String(NOW + 90_000));
    expect(f.effects.propagateAs).toBeUndefined();
    expect(f.effects.dirty).toBe(1);
    expect(f.db().getExpire('k')).toBe(NOW + 90_000);
  });

  it('EXPIREAT with a huge deadline propagates exact 64-bit text', () => {
    expect(f.run('expireat', 'k', '9223372036854775')).toBe(':1\r\n');
    expect(f.effects.propagateAs).toEqual(['PEXPIREAT', 'k', '9223372036854775000']);
  });

  it('a deadline in the past deletes the key and propagates DEL (UNLINK with lazyfree-lazy-expire)', () => {
    expect(f.run('expire', 'k', '-1')).toBe(':1\r\n');
    expect(f.db().peek('k')).toBeUndefined();
    expect(f.effects.propagateAs).toEqual(['DEL', 'k']);
    expect(f.effects.events).toEqual(['0:del:k']);
    expect(f.effects.modified).toEqual(['0:k']);
    expect(f.effects.dirty).toBe(1);
    f.set('k', 'v');
    f.config.set('lazyfree-lazy-expire', 'yes');
    expect(f.run('pexpireat', 'k', String(NOW))).toBe(':1\r\n');
    expect(f.effects.propagateAs).toEqual(['UNLINK', 'k']);
  });

  it('a past deadline on a replica or while loading the AOF is stored, not applied', () => {
    f.ks.isReplica = true;
    expect(f.run('expire', 'k', '-10')).toBe(':1\r\n');
    expect(f.db().peek('k')).toBeDefined();
    expect(f.db().getExpire('k')).toBe(NOW - 10_000);
    expect(f.effects.propagateAs).toEqual(['PEXPIREAT', 'k', String(NOW - 10_000)]);
    f.ks.isReplica = false;
    f.set('j', 'v');
    f.callFlags = 4; // CALL_FROM_AOF
    expect(f.run('pexpireat', 'j', '1')).toBe(':1\r\n');
    expect(f.db().getExpire('j')).toBe(1);
  });

  it('no effects when the condition fails or the key is missing', () => {
    expect(f.run('expire', 'nokey', '10')).toBe(':0\r\n');
    expect(f.effects.dirty).toBe(0);
    expect(f.run('expire', 'k', '10', 'xx')).toBe(':0\r\n');
    expect(f.effects).toMatchObject({ dirty: 0, events: [], modified: [] });
  });

  it('PERSIST fires persist only when a TTL was removed', () => {
    expect(f.run('persist', 'k')).toBe(':0\r\n');
    expect(f.effects.dirty).toBe(0);
    f.run('expire', 'k', '100');
    expect(f.run('persist', 'k')).toBe(':1\r\n');
    expect(f.effects.events).toEqual(['0:persist:k']);
    expect(f.effects.dirty).toBe(1);
    expect(f.db().getExpire('k')).toBe(-1);
  });

  it('TTL of an expired key expires it lazily (DEL propagated, expired event, keymiss)', () => {
    f.db().setExpire('k', NOW + 1000);
    f.ks.setTime(NOW + 1001);
    expect(f.run('ttl', 'k')).toBe(':-2\r\n');
    expect(f.effects.propagated).toEqual([{ db: 0, argv: ['DEL', 'k'] }]);
    expect(f.effects.events).toEqual(['0:expired:k', '0:keymiss:k']);
  });

  it('TTL rounds to the nearest second, PTTL is exact, EXPIRETIME rounds too', () => {
    f.db().setExpire('k', NOW + 1499);
    expect(f.run('ttl', 'k')).toBe(':1\r\n');
    f.db().setExpire('k', NOW + 1500);
    expect(f.run('ttl', 'k')).toBe(':2\r\n');
    expect(f.run('pttl', 'k')).toBe(':1500\r\n');
    f.db().setExpire('k', 1_700_000_000_500);
    expect(f.run('expiretime', 'k')).toBe(':1700000001\r\n');
    expect(f.run('pexpiretime', 'k')).toBe(':1700000000500\r\n');
  });

  it('TTL of a logically expired key on a replica is -2 (key kept)', () => {
    f.db().setExpire('k', NOW - 5);
    f.ks.isReplica = true;
    expect(f.run('ttl', 'k')).toBe(':-2\r\n');
    expect(f.db().peek('k')).toBeDefined();
  });
});

for (const protocol of [2, 3] as const) {
  describe(`expire commands over RESP${protocol}`, () => {
    let s: RunningServer;
    let r: Redis;
    beforeAll(async () => {
      s = await startServer({ port: 0, config: { loglevel: 'warning' } });
      r = new Redis({ port: s.port, protocol, lazyConnect: false });
    });
    afterAll(async () => {
      r.disconnect();
      await s.close();
    });
    beforeEach(async () => {
      await r.flushall();
    });

    it('EXPIRE sets a TTL; TTL/PTTL/EXPIRETIME/PEXPIRETIME read it', async () => {
      await r.set('foo', 'bar');
      expect(await r.expire('foo', 100)).toBe(1);
      const ttl = await r.ttl('foo');
      expect(ttl).toBeGreaterThanOrEqual(99);
      expect(ttl).toBeLessThanOrEqual(100);
      const pttl = await r.pttl('foo');
      expect(pttl).toBeGreaterThan(98_000);
      expect(pttl).toBeLessThanOrEqual(100_000);
      const at = await r.pexpiretime('foo');
      expect(Math.abs(at - (Date.now() + 100_000))).toBeLessThan(2000);
      expect(await r.expiretime('foo')).toBe(Math.floor((at + 500) / 1000));
    });

    it('TTL family: -2 for a missing key, -1 without a TTL', async () => {
      expect(await r.ttl('nokey')).toBe(-2);
      expect(await r.pttl('nokey')).toBe(-2);
      expect(await r.expiretime('nokey')).toBe(-2);
      expect(await r.pexpiretime('nokey')).toBe(-2);
      await r.set('foo', 'bar');
      expect(await r.ttl('foo')).toBe(-1);
      expect(await r.pttl('foo')).toBe(-1);
      expect(await r.expiretime('foo')).toBe(-1);
      expect(await r.pexpiretime('foo')).toBe(-1);
    });

    it('EXPIREAT / PEXPIREAT set absolute deadlines', async () => {
      await r.set('foo', 'bar');
      const at = Math.floor(Date.now() / 1000) + 1000;
      expect(await r.expireat('foo', at)).toBe(1);
      expect(await r.expiretime('foo')).toBe(at);
      expect(await r.pexpiretime('foo')).toBe(at * 1000);
      expect(await r.pexpireat('foo', at * 1000 + 123)).toBe(1);
      expect(await r.pexpiretime('foo')).toBe(at * 1000 + 123);
    });

    it('a deadline in the past deletes the key', async () => {
      await r.set('foo', 'bar');
      expect(await r.expire('foo', -1)).toBe(1);
      expect(await r.exists('foo')).toBe(0);
      await r.set('foo', 'bar');
      expect(await r.pexpireat('foo', 1)).toBe(1);
      expect(await r.get('foo')).toBeNull();
      await r.set('foo', 'bar');
      expect(await r.expire('foo', 0)).toBe(1);
      expect(await r.exists('foo')).toBe(0);
    });

    it('keys expire for real', async () => {
      await r.set('foo', 'bar');
      expect(await r.pexpire('foo', 30)).toBe(1);
      await new Promise((res) => setTimeout(res, 60));
      expect(await r.get('foo')).toBeNull();
      expect(await r.ttl('foo')).toBe(-2);
    });

    it('missing key: 0', async () => {
      expect(await r.expire('nokey', 10)).toBe(0);
      expect(await r.pexpireat('nokey', Date.now() + 1000)).toBe(0);
    });

    it('NX / XX / GT / LT', async () => {
      await r.set('foo', 'bar');
      expect(await r.call('expire', 'foo', '100', 'XX')).toBe(0);
      expect(await r.call('expire', 'foo', '100', 'GT')).toBe(0); // no TTL = infinite
      expect(await r.ttl('foo')).toBe(-1);
      expect(await r.call('expire', 'foo', '100', 'LT')).toBe(1); // anything is less than infinite
      expect(await r.call('expire', 'foo', '200', 'NX')).toBe(0);
      expect(await r.call('expire', 'foo', '200', 'XX')).toBe(1);
      expect(await r.call('expire', 'foo', '100', 'GT')).toBe(0);
      expect(await r.call('expire', 'foo', '300', 'gt')).toBe(1);
      expect(await r.call('expire', 'foo', '400', 'LT')).toBe(0);
      expect(await r.call('expire', 'foo', '50', 'lt')).toBe(1);
      expect(await r.call('expire', 'foo', '50', 'XX', 'LT')).toBe(0); // equal is not less
      expect(await r.call('expire', 'foo', '40', 'XX', 'LT')).toBe(1);
      expect(await r.ttl('foo')).toBeLessThanOrEqual(40);
      await r.persist('foo');
      expect(await r.call('pexpire', 'foo', '5000', 'NX')).toBe(1);
      expect(await r.call('pexpire', 'foo', '-1', 'GT')).toBe(0);
      expect(await r.call('pexpire', 'foo', '-1', 'LT')).toBe(1);
      expect(await r.exists('foo')).toBe(0);
    });

    it('option errors (7.0 wording), checked before the time argument', async () => {
      await r.set('foo', 'bar');
      expect(await err(r.call('expire', 'foo', '100', 'NX', 'XX'))).toBe('ERR NX and XX, GT or LT options at the same time are not compatible');
      expect(await err(r.call('expire', 'foo', '100', 'NX', 'GT'))).toBe('ERR NX and XX, GT or LT options at the same time are not compatible');
      expect(await err(r.call('pexpire', 'foo', '100', 'lt', 'nx'))).toBe('ERR NX and XX, GT or LT options at the same time are not compatible');
      expect(await err(r.call('expire', 'foo', '100', 'GT', 'LT'))).toBe('ERR GT and LT options at the same time are not compatible');
      expect(await err(r.call('expire', 'foo', '100', 'XX', 'GT', 'LT'))).toBe('ERR GT and LT options at the same time are not compatible');
      expect(await err(r.call('expire', 'foo', 'abc', 'BAD'))).toBe('ERR Unsupported option BAD');
      expect(await err(r.call('expire', 'foo', 'abc'))).toBe('ERR value is not an integer or out of range');
      expect(await err(r.call('expire', 'foo', ''))).toBe('ERR value is not an integer or out of range');
      expect(await err(r.call('expire', 'foo', '1.5'))).toBe('ERR value is not an integer or out of range');
      expect(await r.call('expire', 'foo', '100', 'xx', 'xx')).toBe(0); // repeated flags are fine
    });

    it('overflow checks: invalid expire time in the command name', async () => {
      await r.set('foo', 'bar');
      for (const v of ['9223370399119966', '9223372036854776', '10000000000000000', '18446744073709561',
        '-9223372036854776', '-9999999999999999']) {
        expect(await err(r.call('expire', 'foo', v))).toBe("ERR invalid expire time in 'expire' command");
      }
      expect(await err(r.call('pexpire', 'foo', '9223372036854770000'))).toBe("ERR invalid expire time in 'pexpire' command");
      expect(await err(r.call('expireat', 'foo', '9223372036854776'))).toBe("ERR invalid expire time in 'expireat' command");
      expect(await r.ttl('foo')).toBe(-1);
      expect(await r.call('pexpireat', 'foo', '9223372036854770000')).toBe(1);
      expect(await r.ttl('foo')).toBeGreaterThan(1e14);
      expect(await r.call('pexpireat', 'foo', '-9223372036854770000')).toBe(1);
      expect(await r.ttl('foo')).toBe(-2);
      await r.set('foo', 'bar');
      expect(await r.call('expire', 'foo', '-9223372036854775')).toBe(1);
      expect(await r.exists('foo')).toBe(0);
    });

    it('PERSIST', async () => {
      expect(await r.persist('nokey')).toBe(0);
      await r.set('foo', 'bar');
      expect(await r.persist('foo')).toBe(0);
      await r.expire('foo', 100);
      expect(await r.persist('foo')).toBe(1);
      expect(await r.ttl('foo')).toBe(-1);
      expect(await r.persist('foo')).toBe(0);
    });

    it('SET clears the TTL; RENAME keeps it', async () => {
      await r.set('foo', 'bar');
      await r.expire('foo', 100);
      await r.set('foo', 'baz');
      expect(await r.ttl('foo')).toBe(-1);
      await r.expire('foo', 100);
      await r.rename('foo', 'foo2');
      expect(await r.ttl('foo2')).toBeGreaterThan(90);
    });

    it('the server clock is never behind the client\'s: PTTL after PXAT now+10000 is at most 10000', async () => {
      // The engine derives command times from one monotonic read per command; a client that read
      // its wall clock before sending must never see a remaining TTL above what it asked for.
      for (let i = 0; i < 300; i++) {
        await r.set('foo', 'bar');
        await r.call('getex', 'foo', 'pxat', String(Date.now() + 10000));
        const pttl = await r.pttl('foo');
        expect(pttl).toBeLessThanOrEqual(10000);
        expect(pttl).toBeGreaterThan(9000);
      }
    });

    it('arity errors', async () => {
      expect(await err(r.call('expire', 'foo'))).toBe("ERR wrong number of arguments for 'expire' command");
      expect(await err(r.call('ttl', 'a', 'b'))).toBe("ERR wrong number of arguments for 'ttl' command");
      expect(await err(r.call('persist'))).toBe("ERR wrong number of arguments for 'persist' command");
    });
  });
}
