import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Config } from '../../src/config/config.js';
import type { ConfigEnv } from '../../src/config/types.js';
import { NOTIFY } from '../../src/config/special.js';
import { IMPLEMENTED_DIRECTIVES } from '../../src/config/implemented.js';

/** A fake working directory so `dir` never moves the test process. */
function fakeEnv(start = '/srv/nodis'): ConfigEnv & { dirs: Set<string> } {
  let cwd = start;
  const dirs = new Set([start, '/tmp', '/data']);
  return {
    dirs,
    cwd: () => cwd,
    chdir(d) {
      const abs = path.resolve(cwd, d);
      if (!dirs.has(abs)) return 'No such file or directory';
      cwd = abs;
      return null;
    },
  };
}

const ERR_PREFIX = "ERR CONFIG SET failed (possibly related to argument '";
const setErr = (name: string, msg: string): string => `${ERR_PREFIX}${name}') - ${msg}`;

describe('defaults', () => {
  // CONFIG GET * of a freshly started Debian redis-server 7.0.15 (see the file's note).
  const data = JSON.parse(
    fs.readFileSync(path.join(__dirname, 'data/redis-7.0.15-config-get-all.json'), 'utf8'),
  ) as { values: Record<string, string> };

  it('CONFIG GET * has exactly the names and default values of Redis 7.0.15', () => {
    const c = new Config({ env: fakeEnv('/tmp') });
    const got = Object.fromEntries(c.configGet(['*']));
    const expected = { ...data.values, port: '6379', dir: '/tmp' };
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
    expect(got).toEqual(expected);
  });

  it('typed getters', () => {
    const c = new Config();
    expect(c.getNum('port')).toBe(6379);
    expect(c.getNum('maxmemory')).toBe(0);
    expect(c.getNum('list-max-listpack-size')).toBe(-2);
    expect(c.getBool('protected-mode')).toBe(true);
    expect(c.getBool('appendonly')).toBe(false);
    expect(c.getEnum('maxmemory-policy')).toBe('noeviction');
    expect(c.getEnum('loglevel')).toBe('notice');
    expect(c.getEnumValue('shutdown-on-sigint')).toBe(0);
    expect(c.getStr('dbfilename')).toBe('dump.rdb');
    expect(c.getStrOrNull('requirepass')).toBeNull();
    expect(c.getStr('requirepass')).toBe('');
    expect(c.get('hz')).toBe(10);
    expect(c.get('daemonize')).toBe(false);
    expect(c.get('appendfsync')).toBe('everysec');
    expect(c.get('save')).toBe('3600 1 300 100 60 10000');
    expect(c.getSaveParams()).toEqual([
      { seconds: 3600n, changes: 1 }, { seconds: 300n, changes: 100 }, { seconds: 60n, changes: 10000 },
    ]);
    expect(c.getBindAddresses()).toEqual(['*', '-::*']);
    expect(c.getReplicaOf()).toBeNull();
    expect(c.getOutputBufferLimits().pubsub).toEqual({ hard: 32n << 20n, soft: 8n << 20n, softSeconds: 60 });
    expect(c.getNotifyFlags()).toBe(0);
    expect(c.getOomScoreAdjValues()).toEqual([0, 200, 800]);
    expect(c.getLatencyPercentiles()).toEqual([50, 99, 99.9]);
    // getStr also gives the CONFIG GET text of non-string directives
    expect(c.getStr('loglevel')).toBe('notice');
    expect(c.getStr('client-output-buffer-limit')).toMatch(/^normal 0 0 0 slave/);
  });

  it('aliases resolve to the same value; lookups are case-insensitive', () => {
    const c = new Config();
    expect(c.configSet(['hash-max-ziplist-entries', '77'])).toBeNull();
    expect(c.getNum('hash-max-listpack-entries')).toBe(77);
    expect(c.getNum('HASH-MAX-ZIPLIST-ENTRIES')).toBe(77);
    expect(c.lookup('slaveof')?.def.name).toBe('replicaof');
    expect(c.lookup('slaveof')?.isAlias).toBe(true);
    expect(c.lookup('lua-time-limit')?.def.name).toBe('busy-reply-threshold');
    expect(c.lookup('nope')).toBeUndefined();
  });

  it('marks implemented directives, and every name in that list exists', () => {
    const c = new Config();
    for (const n of IMPLEMENTED_DIRECTIVES) expect(c.lookup(n)?.implemented, n).toBe(true);
    expect(c.lookup('maxmemory')?.implemented).toBe(true);
    expect(c.lookup('jemalloc-bg-thread')?.implemented).toBe(false);
    expect(c.lookup('tls-port')?.implemented).toBe(false);
  });
});

describe('CONFIG SET values', () => {
  it('memory units', () => {
    const c = new Config();
    const cases: Array<[string, string]> = [
      ['1k', '1000'], ['1kb', '1024'], ['1K', '1000'], ['1KB', '1024'], ['2m', '2000000'], ['2mb', '2097152'],
      ['1g', '1000000000'], ['1gb', '1073741824'], ['1GB', '1073741824'], ['123', '123'], ['5b', '5'],
      ['', '0'], ['99999999999999999999999', '18446744073709551615'],
    ];
    for (const [input, out] of cases) {
      expect(c.configSet(['maxmemory', input]), input).toBeNull();
      expect(c.configGet(['maxmemory'])).toEqual([['maxmemory', out]]);
    }
    expect(c.getBigInt('maxmemory')).toBe(2n ** 64n - 1n);
  });

  it('percent or memory (maxmemory-clients)', () => {
    const c = new Config();
    expect(c.configSet(['maxmemory-clients', '10%'])).toBeNull();
    expect(c.format('maxmemory-clients')).toBe('10%');
    expect(c.getNum('maxmemory-clients')).toBe(-10);
    expect(c.configSet(['maxmemory-clients', '1mb'])).toBeNull();
    expect(c.format('maxmemory-clients')).toBe('1048576');
    expect(c.configSet(['maxmemory-clients', '200%'])).toBe(
      setErr('maxmemory-clients', 'percentage argument must be less or equal to 100'));
    expect(c.configSet(['maxmemory-clients', '-5'])).toBe(
      setErr('maxmemory-clients', 'argument must be a memory or percent value'));
  });

  it('booleans, enums and multi-word enums are case-insensitive', () => {
    const c = new Config();
    expect(c.configSet(['appendonly', 'YES', 'LogLevel', 'Warning'])).toBeNull();
    expect(c.getBool('appendonly')).toBe(true);
    expect(c.format('loglevel')).toBe('warning');
    expect(c.configSet(['shutdown-on-sigint', 'now save'])).toBeNull();
    expect(c.format('shutdown-on-sigint')).toBe('save now');
    expect(c.configSet(['shutdown-on-sigint', 'default force'])).toBeNull();
    expect(c.format('shutdown-on-sigint')).toBe('force');
    // two names for one value show the first
    expect(c.configSet(['oom-score-adj', 'relative'])).toBeNull();
    expect(c.format('oom-score-adj')).toBe('yes');
  });

  it('hz is clamped to 1..500 rather than refused', () => {
    const c = new Config();
    expect(c.configSet(['hz', '1000'])).toBeNull();
    expect(c.getNum('hz')).toBe(500);
    expect(c.configSet(['hz', '0'])).toBeNull();
    expect(c.getNum('hz')).toBe(1);
  });

  it('special directives: formats', () => {
    const c = new Config();
    expect(c.configSet(['save', '10 0'])).toBeNull();
    expect(c.format('save')).toBe('10 0');
    expect(c.configSet(['save', ''])).toBeNull();
    expect(c.format('save')).toBe('');
    expect(c.configSet(['notify-keyspace-events', 'KEA'])).toBeNull();
    expect(c.format('notify-keyspace-events')).toBe('AKE');
    expect(c.getNotifyFlags()).toBe(NOTIFY.ALL | NOTIFY.KEYSPACE | NOTIFY.KEYEVENT);
    expect(c.configSet(['notify-keyspace-events', 'Egx$'])).toBeNull();
    expect(c.format('notify-keyspace-events')).toBe('g$xE');
    expect(c.configSet(['client-output-buffer-limit', 'pubsub 1mb 2kb 3 Slave 3 4 5'])).toBeNull();
    expect(c.format('client-output-buffer-limit')).toBe('normal 0 0 0 slave 3 4 5 pubsub 1048576 2048 3');
    expect(c.configSet(['latency-tracking-info-percentiles', '1.5 2e1'])).toBeNull();
    expect(c.format('latency-tracking-info-percentiles')).toBe('1.5 20');
    expect(c.configSet(['bind', '127.0.0.1 ::1'])).toBeNull();
    expect(c.getBindAddresses()).toEqual(['127.0.0.1', '::1']);
    expect(c.configSet(['oom-score-adj-values', '-1 2 3'])).toBeNull();
    expect(c.format('oom-score-adj-values')).toBe('-1 2 3');
  });

  it('dir changes the working directory (protected unless enabled)', () => {
    const env = fakeEnv();
    const c = new Config({ env });
    expect(c.configSet(['dir', '/tmp'])).toBe(setErr('dir', "can't set protected config"));
    c.loadText('enable-protected-configs yes');
    expect(c.configSet(['dir', '/tmp'])).toBeNull();
    expect(env.cwd()).toBe('/tmp');
    expect(c.configGet(['dir'])).toEqual([['dir', '/tmp']]);
    expect(c.configSet(['dir', '/nope'])).toBe(setErr('dir', 'No such file or directory'));
    expect(env.cwd()).toBe('/tmp');
  });

  it('enable-protected-configs local only allows local clients', () => {
    const c = new Config({ env: fakeEnv() });
    c.loadText('enable-protected-configs local');
    expect(c.configSet(['dbfilename', 'a.rdb'])).toBe(setErr('dbfilename', "can't set protected config"));
    expect(c.configSet(['dbfilename', 'a.rdb'], { isLocalClient: true })).toBeNull();
    expect(c.getStr('dbfilename')).toBe('a.rdb');
  });
});

describe('CONFIG SET errors (Redis 7.0.15 texts)', () => {
  const c = new Config();
  const cases: Array<[string[], string]> = [
    [['foo', 'bar'], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [['daemonize', 'yes'], setErr('daemonize', "can't set immutable config")],
    [['DAEMONIZE', 'yes'], setErr('DAEMONIZE', "can't set immutable config")],
    [['slaveof', 'a b'], setErr('slaveof', "can't set immutable config")],
    [['dbfilename', 'x.rdb'], setErr('dbfilename', "can't set protected config")],
    [['appendonly', 'maybe'], setErr('appendonly', "argument must be 'yes' or 'no'")],
    [['loglevel', 'loud'], setErr('loglevel', 'argument(s) must be one of the following: debug, verbose, notice, warning')],
    [['maxmemory', '1x'], setErr('maxmemory', 'argument must be a memory value')],
    [['maxmemory', '-1'], setErr('maxmemory', 'argument must be a memory value')],
    [['port', '99999'], setErr('port', 'argument must be between 0 and 65535 inclusive')],
    [['port', 'abc'], setErr('port', "argument couldn't be parsed into an integer")],
    [['tcp-keepalive', ' 5'], setErr('tcp-keepalive', "argument couldn't be parsed into an integer")],
    [['maxclients', '0'], setErr('maxclients', 'argument must be between 1 and 4294967295 inclusive')],
    [['maxclients', '-1'], setErr('maxclients', 'argument must be between 1 and 4294967295 inclusive')],
    [['slowlog-max-len', '-1'], setErr('slowlog-max-len', 'argument must be between 0 and 9223372036854775807 inclusive')],
    [['hash-max-listpack-entries', '-1'],
      setErr('hash-max-listpack-entries', 'argument must be between 0 and 9223372036854775807 inclusive')],
    [['list-max-listpack-size', '99999999999'],
      setErr('list-max-listpack-size', 'argument must be between -2147483648 and 2147483647 inclusive')],
    [['client-query-buffer-limit', '1'],
      setErr('client-query-buffer-limit', 'argument must be between 1048576 and 9223372036854775807 inclusive')],
    [['maxmemory', '1mb', 'maxmemory', '2mb'], setErr('maxmemory', 'duplicate parameter')],
    [['maxmemory', '1mb', 'MAXMEMORY', '2mb'], setErr('MAXMEMORY', 'duplicate parameter')],
    [['save', '1 2 3'], setErr('save', 'Invalid save parameters')],
    [['save', '0 1'], setErr('save', 'Invalid save parameters')],
    [['save', '10 -1'], setErr('save', 'Invalid save parameters')],
    [['shutdown-on-sigint', 'save nosave'],
      setErr('shutdown-on-sigint', "shutdown options SAVE and NOSAVE can't be used simultaneously")],
    [['shutdown-on-sigint', ''],
      setErr('shutdown-on-sigint', 'argument(s) must be one of the following: default, save, nosave, now, force')],
    [['notify-keyspace-events', 'Kq'],
      setErr('notify-keyspace-events', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")],
    [['client-output-buffer-limit', 'normal 1 2'],
      setErr('client-output-buffer-limit', 'Wrong number of arguments in buffer limit configuration.')],
    [['client-output-buffer-limit', 'master 1 2 3'],
      setErr('client-output-buffer-limit', 'Invalid client class specified in buffer limit configuration.')],
    [['client-output-buffer-limit', 'pubsub 1x 2 3'],
      setErr('client-output-buffer-limit', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.')],
    [['oom-score-adj-values', '1 2'], setErr('oom-score-adj-values', 'wrong number of arguments')],
    [['oom-score-adj-values', '1 2 3000'],
      setErr('oom-score-adj-values', 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.')],
    [['latency-tracking-info-percentiles', '50 101'],
      setErr('latency-tracking-info-percentiles', 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]')],
    [['latency-tracking-info-percentiles', 'a'],
      setErr('latency-tracking-info-percentiles', 'Invalid latency-tracking-info-percentiles parameters')],
    [['proc-title-template', '{bad}'],
      setErr('proc-title-template', 'template format is invalid or contains unknown variables')],
    [['proc-title-template', '{title}'],
      setErr('proc-title-template', 'template format is invalid or contains unknown variables')],
    [['cluster-announce-hostname', 'a_b'],
      setErr('cluster-announce-hostname', 'Hostnames may only contain alphanumeric characters, hyphens or dots')],
    [['activedefrag', 'yes'], setErr('activedefrag', 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution')],
    [['a', 'b', 'c'], 'ERR syntax error'],
    // the first problem found decides the reply
    [['daemonize', 'yes', 'foo', 'bar'], setErr('daemonize', "can't set immutable config")],
    [['foo', 'bar', 'daemonize', 'yes'], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    // a value error names the directive as registered (the alias if the alias was used)
    [['hash-max-ziplist-value', 'x'], setErr('hash-max-ziplist-value', 'argument must be a memory value')],
  ];
  for (const [args, err] of cases) {
    it(`CONFIG SET ${args.join(' ')}`, () => {
      expect(c.configSet(args)).toBe(err);
    });
  }

  it('deny-loading directives answer -LOADING while loading', () => {
    const d = new Config();
    expect(d.configSet(['appendonly', 'yes'], { loading: true })).toBe('LOADING Redis is loading the dataset in memory');
    expect(d.configSet(['maxmemory', '1mb'], { loading: true })).toBeNull();
  });

  it('a name and its alias in one command are not duplicates (the last wins)', () => {
    const d = new Config();
    expect(d.configSet(['hash-max-ziplist-entries', '100', 'hash-max-listpack-entries', '200'])).toBeNull();
    expect(d.getNum('hash-max-listpack-entries')).toBe(200);
  });
});

describe('CONFIG SET atomicity', () => {
  it('a bad value leaves every earlier value untouched', () => {
    const c = new Config();
    expect(c.configSet(['maxmemory', '1mb', 'timeout', '5', 'loglevel', 'loud'])).toBe(
      setErr('loglevel', 'argument(s) must be one of the following: debug, verbose, notice, warning'));
    expect(c.getNum('maxmemory')).toBe(0);
    expect(c.getNum('timeout')).toBe(0);
  });

  it('hooks run once per distinct function, only for changed values', () => {
    const c = new Config();
    const calls: string[] = [];
    const shared = (_v: unknown, name: string): null => { calls.push('shared:' + name); return null; };
    c.onChange('min-replicas-to-write', shared);
    c.onChange('min-replicas-max-lag', shared);
    c.onChange('maxmemory', (v) => { calls.push('maxmemory=' + String(v)); return null; });
    expect(c.configSet(['min-slaves-max-lag', '3', 'min-replicas-to-write', '2', 'maxmemory', '1kb'])).toBeNull();
    expect(calls).toEqual(['shared:min-replicas-max-lag', 'maxmemory=1024']);
    calls.length = 0;
    expect(c.configSet(['maxmemory', '1024'])).toBeNull(); // unchanged: no hook
    expect(calls).toEqual([]);
  });

  it('getNum follows every store, alias names and rollbacks included (its cache is dropped)', () => {
    const c = new Config();
    expect(c.getNum('hash-max-listpack-entries')).toBe(512);
    expect(c.getNum('hash-max-ziplist-entries')).toBe(512);
    expect(c.configSet(['hash-max-ziplist-entries', '7'])).toBeNull();
    expect(c.getNum('hash-max-listpack-entries')).toBe(7);
    expect(c.getNum('hash-max-ziplist-entries')).toBe(7);
    c.onChange('port', (v) => (v === 7000 ? 'Unable to listen on this port. Check server logs.' : null));
    expect(c.getNum('port')).toBe(6379);
    expect(c.configSet(['hash-max-listpack-entries', '9', 'port', '7000'])).not.toBeNull();
    expect(c.getNum('hash-max-listpack-entries')).toBe(7);
    expect(c.getNum('port')).toBe(6379);
    expect(c.configSet(['port', '7001'])).toBeNull();
    expect(c.getNum('port')).toBe(7001);
  });

  it('a failing hook rolls every value back and re-applies the old ones', () => {
    const c = new Config();
    const seen: number[] = [];
    c.onChange('maxmemory', (v) => { seen.push(v as number); return null; });
    c.onChange('port', (v) => (v === 7000 ? 'Unable to listen on this port. Check server logs.' : null));
    expect(c.configSet(['maxmemory', '1mb', 'port', '7000'])).toBe(
      setErr('port', 'Unable to listen on this port. Check server logs.'));
    expect(c.getNum('maxmemory')).toBe(0);
    expect(c.getNum('port')).toBe(6379);
    // applied with the new value, then again with the restored one
    expect(seen).toEqual([1048576, 0]);
  });

  it('a hook error without text still names the directive', () => {
    const c = new Config();
    c.onChange('timeout', () => 'nope');
    expect(c.configSet(['timeout', '9'])).toBe(setErr('timeout', 'nope'));
    expect(c.getNum('timeout')).toBe(0);
  });

  it('watch runs the refresh once at once, then once per CONFIG SET changing any watched name', () => {
    const c = new Config();
    const seen: string[] = [];
    c.watch(['maxmemory', 'hash-max-listpack-entries'], () => {
      seen.push(`${c.getNum('maxmemory')}/${c.getNum('hash-max-listpack-entries')}`);
    });
    expect(seen).toEqual(['0/512']);
    expect(c.configSet(['maxmemory', '1kb', 'hash-max-ziplist-entries', '9', 'timeout', '5'])).toBeNull();
    expect(seen).toEqual(['0/512', '1024/9']);
    expect(c.configSet(['timeout', '6', 'maxmemory', '1024'])).toBeNull(); // watched value unchanged
    expect(seen).toEqual(['0/512', '1024/9']);
    // A failing hook elsewhere rolls back: the refresh runs again and sees the old values.
    c.onChange('port', (v) => (v === 7000 ? 'no' : null));
    expect(c.configSet(['maxmemory', '2kb', 'port', '7000'])).not.toBeNull();
    expect(seen).toEqual(['0/512', '1024/9', '2048/9', '1024/9']);
  });

  it('multi-argument values roll back too', () => {
    const c = new Config();
    expect(c.configSet(['save', '100 1', 'maxmemory', 'x'])).toBe(setErr('maxmemory', 'argument must be a memory value'));
    expect(c.format('save')).toBe('3600 1 300 100 60 10000');
  });
});

describe('CONFIG GET', () => {
  const c = new Config({ env: fakeEnv('/data') });

  it('several patterns, glob matching every visible name incl. aliases, no duplicates', () => {
    const names = c.configGet(['maxmemory*', 'port', 'maxmemory']).map(([n]) => n);
    expect(names.sort()).toEqual([
      'maxmemory', 'maxmemory-clients', 'maxmemory-eviction-tenacity', 'maxmemory-policy',
      'maxmemory-samples', 'port',
    ]);
    const slave = c.configGet(['slave*']).map(([n]) => n).sort();
    expect(slave).toEqual([
      'slave-announce-ip', 'slave-announce-port', 'slave-ignore-maxmemory', 'slave-lazy-flush', 'slave-priority',
      'slave-read-only', 'slave-serve-stale-data', 'slaveof',
    ]);
    expect(c.configGet(['hash-max-*-entries']).map(([n]) => n).sort()).toEqual([
      'hash-max-listpack-entries', 'hash-max-ziplist-entries',
    ]);
  });

  it('an exact name echoes the caller\'s spelling; glob matches are case-insensitive', () => {
    expect(c.configGet(['MAXMEMORY'])).toEqual([['MAXMEMORY', '0']]);
    expect(c.configGet(['maxmemory', 'MAXMEMORY'])).toEqual([['maxmemory', '0']]);
    expect(c.configGet(['MAXMEMORY', 'maxmem*']).map(([n]) => n)).toContain('MAXMEMORY');
    expect(c.configGet(['MAXMEM*']).map(([n]) => n)).toContain('maxmemory');
    expect(c.configGet(['nosuch'])).toEqual([]);
    expect(c.configGet(['nosuch*'])).toEqual([]);
  });

  it('hidden directives answer only to their exact name', () => {
    expect(c.configGet(['key-load-delay'])).toEqual([['key-load-delay', '0']]);
    expect(c.configGet(['key-load*'])).toEqual([]);
    expect(c.configGet(['*']).some(([n]) => n === 'watchdog-period')).toBe(false);
  });

  it('formats values as Redis does', () => {
    const d = new Config({ env: fakeEnv('/data') });
    d.loadText([
      'maxmemory 2gb', 'appendonly yes', 'maxmemory-policy allkeys-lru', 'save 900 1', 'save 300 10',
      'client-output-buffer-limit replica 512mb 128mb 30', 'unixsocketperm 700', 'replicaof 10.0.0.1 6380',
      'notify-keyspace-events Ex', 'bind 127.0.0.1',
    ].join('\n'));
    const get = (n: string): string | undefined => d.configGet([n])[0]?.[1];
    expect(get('maxmemory')).toBe('2147483648');
    expect(get('appendonly')).toBe('yes');
    expect(get('maxmemory-policy')).toBe('allkeys-lru');
    expect(get('save')).toBe('900 1 300 10');
    expect(get('client-output-buffer-limit')).toBe('normal 0 0 0 slave 536870912 134217728 30 pubsub 33554432 8388608 60');
    expect(get('unixsocketperm')).toBe('700');
    expect(get('replicaof')).toBe('10.0.0.1 6380');
    expect(get('slaveof')).toBe('10.0.0.1 6380');
    expect(get('notify-keyspace-events')).toBe('xE');
    expect(get('bind')).toBe('127.0.0.1');
    expect(get('dir')).toBe('/data');
    expect(d.getReplicaOf()).toEqual({ host: '10.0.0.1', port: 6380 });
  });
});
