// GEO family tests.
//
// 1. Handler-level tests with the fake context: GEOADD propagates as ZADD with the encoded
//    scores, the store forms' events / dirty counts, deleting the destination on empty results.
// 2. Server tests over ioredis (RESP2 and RESP3): replies, formats, errors, COMMAND GETKEYS.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { FakeServer } from '../helpers/fake-ctx.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { formatDistance, formatFixed6 } from '../../src/commands/geo.js';

describe('geo: formatting helpers', () => {
  it('distances: four decimals, llrint rounding', () => {
    expect(formatDistance(0)).toBe('0.0000');
    expect(formatDistance(166274.15156960033)).toBe('166274.1516');
    expect(formatDistance(0.00005)).toBe('0.0000'); // 0.5 rounds to even
    expect(formatDistance(2.5 / 10000)).toBe('0.0002');
    expect(formatDistance(0.0007)).toBe('0.0007');
    expect(formatDistance(12)).toBe('12.0000');
  });
  it('%f: six exact decimals, ties to even', () => {
    expect(formatFixed6(200)).toBe('200.000000');
    expect(formatFixed6(0.0078125)).toBe('0.007812');
    expect(formatFixed6(-181.5)).toBe('-181.500000');
    expect(formatFixed6(1e22)).toBe('10000000000000000000000.000000');
    expect(formatFixed6(Infinity)).toBe('inf');
    expect(formatFixed6(-Infinity)).toBe('-inf');
  });
});

describe('geo: handler effects', () => {
  let f: FakeServer;
  beforeEach(() => {
    f = new FakeServer();
    f.config.set('zset-max-listpack-entries', '128');
    f.config.set('zset-max-listpack-value', '64');
  });

  it('GEOADD runs as ZADD and propagates the ZADD form', () => {
    expect(f.run('GEOADD', 'g', 'CH', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania')).toBe(':2\r\n');
    expect(f.effects.propagateAs).toEqual(['zadd', 'g', 'CH', '3479099956230698', 'Palermo', '3479447370796909', 'Catania']);
    expect(f.effects.events).toEqual(['0:new:g', '0:zadd:g']);
    expect(f.effects.dirty).toBe(2);
    expect(f.run('GEOADD', 'g', 'NX', '13.361389', '38.115556', 'Palermo')).toBe(':0\r\n');
    expect(f.effects.dirty).toBe(0);
    expect(f.run('GEOADD', 'g', 'XX', 'CH', '13', '38', 'Palermo')).toBe(':1\r\n');
    expect(f.run('GEOADD', 'g', 'NX', 'XX', '13', '38', 'Palermo')).toBe('-ERR syntax error\r\n');
    expect(f.run('GEOADD', 'g', '13', '38', 'a', '14')).toBe('-ERR syntax error\r\n');
    expect(f.run('GEOADD', 'g', '200', '38', 'a')).toBe('-ERR invalid longitude,latitude pair 200.000000,38.000000\r\n');
    expect(f.run('GEOADD', 'g', 'x', '38', 'a')).toBe('-ERR value is not a valid float\r\n');
  });

  it('GEOSEARCHSTORE / GEORADIUS STORE: events, dirty, and deleting the destination', () => {
    f.run('GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
    expect(f.run('GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:new:dst', '0:geosearchstore:dst']);
    expect(f.effects.dirty).toBe(2);
    expect(f.run('ZRANGE', 'dst', '0', '-1', 'WITHSCORES')).toBe('*4\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n');
    expect(f.run('GEORADIUS', 'g', '15', '37', '200', 'km', 'STOREDIST', 'dst')).toBe(':2\r\n');
    expect(f.effects.events).toEqual(['0:georadiusstore:dst']);
    expect(f.run('ZSCORE', 'dst', 'Catania')).toBe('$18\r\n56.441257870158204\r\n');
    expect(f.run('GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:del:dst']);
    expect(f.effects.dirty).toBe(1);
    expect(f.run('EXISTS', 'dst')).toBe(':0\r\n');
    f.run('SET', 'dst', 'x');
    expect(f.run('GEORADIUS', 'missing', '0', '0', '1', 'km', 'STORE', 'dst')).toBe(':0\r\n');
    expect(f.effects.events).toEqual(['0:keymiss:missing', '0:del:dst']);
  });
});

for (const protocol of [2, 3] as const) {
  describe(`geo over the wire (RESP${protocol})`, () => {
    let s: RunningServer;
    let r: Redis;
    beforeAll(async () => {
      s = await startServer({ port: 0, config: { loglevel: 'warning' } });
      r = new Redis({ port: s.port, protocol, lazyConnect: false });
      await r.flushall();
      await r.geoadd('Sicily', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
    });
    afterAll(async () => {
      r.disconnect();
      await s.close();
    });

    it('GEOPOS / GEOHASH / GEODIST', async () => {
      const pos = await r.geopos('Sicily', 'Palermo', 'nope');
      const n = (x: unknown): string => String(x);
      expect((pos[0] as unknown[]).map(n)).toEqual(['13.36138933897018433', '38.11555639549629859']);
      expect(pos[1]).toBeNull();
      expect(await r.geohash('Sicily', 'Palermo', 'Catania', 'nope')).toEqual(['sqc8b49rny0', 'sqdtr74hyu0', null]);
      expect(await r.geodist('Sicily', 'Palermo', 'Catania')).toBe('166274.1516');
      expect(await r.call('GEODIST', 'Sicily', 'Palermo', 'Catania', 'km')).toBe('166.2742');
      expect(await r.call('GEODIST', 'Sicily', 'Palermo', 'Catania', 'MI')).toBe('103.3182');
      expect(await r.geodist('Sicily', 'Palermo', 'nope')).toBeNull();
      expect(await r.geodist('missing', 'a', 'b')).toBeNull();
      await expect(r.call('GEODIST', 'Sicily', 'Palermo', 'Catania', 'yd')).rejects.toThrow('ERR unsupported unit provided. please use M, KM, FT, MI');
      await expect(r.call('GEODIST', 'Sicily', 'a', 'b', 'km', 'x')).rejects.toThrow('ERR syntax error');
    });

    it('GEORADIUS with every option', async () => {
      const res = (await r.call('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'WITHCOORD', 'WITHHASH', 'ASC')) as unknown[];
      const flat = JSON.stringify(res, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? String(v) : v));
      expect(flat).toContain('"Catania","56.4413",3479447370796909');
      expect((res[0] as unknown[])[0]).toBe('Catania');
      expect((res[1] as unknown[])[1]).toBe('190.4424');
      expect(await r.call('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'DESC', 'COUNT', '1')).toEqual(['Palermo']);
      expect(await r.call('GEORADIUS_RO', 'Sicily', '15', '37', '100', 'km')).toEqual(['Catania']);
      expect(await r.call('GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '170', 'km', 'ASC')).toEqual(['Palermo', 'Catania']);
      await expect(r.call('GEORADIUSBYMEMBER', 'Sicily', 'nope', '170', 'km')).rejects.toThrow('ERR could not decode requested zset member');
      await expect(r.call('GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'STORE', 'x')).rejects.toThrow('ERR syntax error');
      await expect(r.call('GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'STORE', 'x')).rejects.toThrow(
        'ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options',
      );
      await expect(r.call('GEORADIUS', 'Sicily', '15', '37', '-1', 'km')).rejects.toThrow('ERR radius cannot be negative');
      await expect(r.call('GEORADIUS', 'Sicily', '15', '37', 'x', 'km')).rejects.toThrow('ERR need numeric radius');
      await expect(r.call('GEORADIUS', 'Sicily', '15', '37', '1', 'km', 'COUNT', '0')).rejects.toThrow('ERR COUNT must be > 0');
      await expect(r.call('GEORADIUS', 'Sicily', '15', '37', '1', 'km', 'ANY')).rejects.toThrow('ERR the ANY argument requires COUNT argument');
      expect(await r.call('GEORADIUS', 'missing', '15', '37', '1', 'km')).toEqual([]);
    });

    it('GEOSEARCH / GEOSEARCHSTORE', async () => {
      expect(await r.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC')).toEqual(['Catania', 'Palermo']);
      expect(await r.call('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'm', 'WITHDIST')).toEqual([['Palermo', '0.0000']]);
      expect(await r.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'COUNT', '1', 'ANY')).toHaveLength(1);
      await expect(r.call('GEOSEARCH', 'Sicily', 'BYRADIUS', '1', 'm', 'ASC', 'WITHDIST')).rejects.toThrow('ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH');
      await expect(r.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '1', '1', 'ASC', 'WITHDIST')).rejects.toThrow('ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH');
      await expect(r.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '1', '1', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'm')).rejects.toThrow('ERR syntax error');
      await expect(r.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '1', '1', 'BYBOX', '1', '-1', 'm')).rejects.toThrow('ERR height or width cannot be negative');
      await expect(r.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '1', '1', 'BYBOX', 'x', '1', 'm')).rejects.toThrow('ERR need numeric width');
      await expect(r.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '1', '1', 'BYBOX', '1', 'y', 'm')).rejects.toThrow('ERR need numeric height');
      await expect(r.call('GEOSEARCH', 'Sicily', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'm', 'STORE', 'x')).rejects.toThrow('ERR syntax error');
      await expect(r.call('GEOSEARCHSTORE', 'd', 'Sicily', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'm', 'WITHDIST')).rejects.toThrow(
        'ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options',
      );
      expect(await r.call('GEOSEARCHSTORE', 'd', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST', 'COUNT', '1')).toBe(1);
      expect(await r.call('ZRANGE', 'd', '0', '-1', 'WITHSCORES')).toEqual(protocol === 2 ? ['Catania', '56.441257870158204'] : [['Catania', '56.441257870158204']]);
      await r.set('str', 'x');
      await expect(r.call('GEOSEARCH', 'str', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'm')).rejects.toThrow('WRONGTYPE');
      await expect(r.call('GEOPOS', 'str', 'a')).rejects.toThrow('WRONGTYPE');
    });

    it('ties: a full sort is stable, COUNT uses Redis\'s partial quicksort order', async () => {
      await r.del('t');
      const args: Array<string | number> = [];
      for (const m of 'abcdefghij') args.push(1, 1, m);
      await r.geoadd('t', ...args, 1.001, 1, 'k');
      expect(await r.call('GEORADIUS', 't', '1', '1', '10', 'km', 'ASC')).toEqual([...'abcdefghijk']);
      expect(await r.call('GEORADIUS', 't', '1', '1', '10', 'km', 'COUNT', '4')).toEqual([...'abcd']);
      // Values observed on redis-server 7.0.15.
      expect(await r.call('GEORADIUS', 't', '1', '1', '10', 'km', 'COUNT', '9', 'DESC')).toEqual([...'kbcdeaghi']);
    });

    it('metadata: GEORADIUS is a movablekeys write command; GETKEYS finds STORE keys', async () => {
      const info = (await r.call('COMMAND', 'INFO', 'georadius')) as unknown[][];
      expect(JSON.stringify(info[0]?.[2])).toContain('movablekeys');
      expect(JSON.stringify(info[0]?.[2])).toContain('write');
      expect(await r.call('COMMAND', 'GETKEYS', 'GEORADIUS', 'src', '1', '2', '3', 'km', 'STORE', 'dst')).toEqual(['src', 'dst']);
      expect(await r.call('COMMAND', 'GETKEYS', 'GEORADIUSBYMEMBER', 'src', 'm', '3', 'km', 'STOREDIST', 'dst')).toEqual(['src', 'dst']);
      expect(await r.call('COMMAND', 'GETKEYS', 'GEOSEARCHSTORE', 'dst', 'src', 'FROMMEMBER', 'm', 'BYRADIUS', '1', 'km')).toEqual(['dst', 'src']);
      expect(await r.call('COMMAND', 'GETKEYS', 'GEORADIUS_RO', 'src', '1', '2', '3', 'km')).toEqual(['src']);
    });
  });
}
