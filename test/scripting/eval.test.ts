// EVAL / EVALSHA / SCRIPT over a socket (ioredis, RESP2 and RESP3): the script cache, errors
// and statistics, propagation of a script's effects (one MULTI/EXEC, redis.set_repl, never the
// EVAL itself), one cached time per script, MONITOR lines, blocking commands acting
// non-blocking, busy scripts (-BUSY to others, SCRIPT KILL, UNKILLABLE, SHUTDOWN needs NOSAVE,
// pipelined commands after a busy script), and the flags a shebang declares.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';
import { startTestServer, stopTestServer } from '../helpers/server.js';
import { PROPAGATE_ALL, PROPAGATE_AOF, PROPAGATE_REPL } from '../../src/engine/propagation.js';
import { RawClient } from '../helpers/resp.js';
import { createStringObject } from '../../src/keyspace/types/string.js';

let s: RunningServer;
let r: Redis;

beforeAll(async () => {
  ({ s, r } = await startTestServer({ 'enable-debug-command': 'yes' }));
});

afterAll(() => stopTestServer({ s, r }));

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

function info(text: string, field: string): string {
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  return m ? (m[1] as string).trim() : '';
}

describe('EVAL and the script cache', () => {
  it('runs scripts with KEYS and ARGV', async () => {
    expect(await r.eval('return {KEYS[1], ARGV[1], #KEYS, #ARGV}', 1, 'k', 'a')).toEqual(['k', 'a', 1, 1]);
    await r.set('mykey', 'myval');
    expect(await r.eval("return redis.call('get', KEYS[1])", 1, 'mykey')).toBe('myval');
  });

  it('caches scripts by SHA1: EVALSHA, SCRIPT LOAD / EXISTS / FLUSH, NOSCRIPT', async () => {
    const sha = await r.script('LOAD', "return 'loaded'") as string;
    expect(sha).toBe('b534286061d4b9e4026607613b95c06c06015ae8');
    expect(await r.evalsha(sha, 0)).toBe('loaded');
    expect(await r.evalsha(sha.toUpperCase(), 0)).toBe('loaded');
    expect(await r.script('EXISTS', sha, 'ffffffffffffffffffffffffffffffffffffffff')).toEqual([1, 0]);
    expect(info(await r.info('memory'), 'number_of_cached_scripts')).not.toBe('0');
    await r.script('FLUSH');
    await expect(r.evalsha(sha, 0)).rejects.toThrow(/^NOSCRIPT No matching script/);
    expect(info(await r.info('memory'), 'number_of_cached_scripts')).toBe('0');
    await expect(r.evalsha('nope', 0)).rejects.toThrow(/^NOSCRIPT/);
  });

  it('reports errors with the script context', async () => {
    await expect(r.eval('return a', 0)).rejects.toThrow(
      "ERR user_script:1: Script attempted to access nonexistent global variable 'a' script: " +
        'bbfcd1ececc90deec823f7fb730e4bfb2a4ba625, on @user_script:1.',
    );
    await expect(r.eval("return redis.call('nosuch')", 0)).rejects.toThrow(/^ERR Unknown Redis command called from script script: \w{40}, on @user_script:1\.$/);
    await expect(r.eval('return 1', -1)).rejects.toThrow("ERR Number of keys can't be negative");
    await expect(r.eval('retur 1', 0)).rejects.toThrow("ERR Error compiling script (new function): user_script:1: '=' expected near '1'");
  });

  it('counts errors as Redis does (inner command failed, EVAL failed, one error reply)', async () => {
    await r.config('RESETSTAT');
    await expect(r.eval("return redis.call('select', 99)", 0)).rejects.toThrow('ERR DB index is out of range');
    const stats = await r.info('commandstats');
    expect(stats).toMatch(/cmdstat_select:calls=1,.*rejected_calls=0,failed_calls=1/);
    expect(stats).toMatch(/cmdstat_eval:calls=1,.*rejected_calls=0,failed_calls=1/);
    expect(info(await r.info('stats'), 'total_error_replies')).toBe('1');
    await r.config('RESETSTAT');
    expect(await r.eval("local t = redis.pcall('select', 99) return t['err']", 0)).toBe('ERR DB index is out of range');
    expect(await r.info('commandstats')).toMatch(/cmdstat_eval:calls=1,.*failed_calls=0/);
    await r.config('RESETSTAT');
    await expect(r.eval_ro("return redis.call('set', 'x', 'y')", 1, 'x')).rejects.toThrow(/^ERR Write commands are not allowed from read-only scripts\./);
    expect(await r.info('commandstats')).toMatch(/cmdstat_set:calls=0,.*rejected_calls=1,failed_calls=0/);
    expect(await r.info('errorstats')).toMatch(/errorstat_ERR:count=1/);
  });

  it('RESP3 clients and redis.setresp(3)', async () => {
    const c3 = await RawClient.connect(s.port);
    try {
      await c3.call('HELLO', '3');
      await c3.call('HSET', 'hash', 'field', 'value');
      const hgetall = "return redis.call('hgetall', KEYS[1])";
      expect(await c3.call('EVAL', `redis.setresp(3) ${hgetall}`, '1', 'hash')).toBe('%1\r\n$5\r\nfield\r\n$5\r\nvalue\r\n');
      expect(await c3.call('EVAL', `redis.setresp(2) ${hgetall}`, '1', 'hash')).toBe('*2\r\n$5\r\nfield\r\n$5\r\nvalue\r\n');
      expect(await c3.call('EVAL', 'redis.setresp(3) return true', '0')).toBe('#t\r\n');
      expect(await c3.call('EVAL', 'return true', '0')).toBe(':1\r\n');
      expect(await c3.call('EVAL', 'return false', '0')).toBe('_\r\n');
      expect(await c3.call('EVAL', 'return {double = 1.5}', '0')).toBe(',1.5\r\n');
      // A RESP2 client gets RESP2 replies whatever the script's protocol.
      expect(await r.eval(`redis.setresp(3) ${hgetall}`, 1, 'hash')).toEqual(['field', 'value']);
    } finally {
      c3.close();
    }
  });

  it('blocking commands act non-blocking inside scripts', async () => {
    await r.call('DEBUG', 'set-disable-deny-scripts', '1');
    try {
      await r.del('emptylist');
      const t0 = Date.now();
      expect(await r.eval("return redis.call('blpop', 'emptylist', 0)", 0)).toBeNull();
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      await r.call('DEBUG', 'set-disable-deny-scripts', '0');
    }
    await expect(r.eval("return redis.call('blpop', 'emptylist', 0)", 0)).rejects.toThrow(/This Redis command is not allowed from script/);
  });

  it('a script sees one time for its whole run', async () => {
    await r.call('DEBUG', 'set-disable-deny-scripts', '1');
    try {
      expect(await r.eval("redis.call('set', 'pxkey', 'v', 'PX', 1) redis.call('debug', 'sleep', 0.01) return redis.call('exists', 'pxkey')", 0)).toBe(1);
      expect(await r.exists('pxkey')).toBe(0);
    } finally {
      await r.call('DEBUG', 'set-disable-deny-scripts', '0');
    }
  });

  it('shebang flags: no-writes refuses writes, EVAL_RO refuses scripts that may write', async () => {
    await expect(r.eval("#!lua flags=no-writes\nreturn redis.call('set', 'x', 1)", 1, 'x')).rejects.toThrow(/Write commands are not allowed from read-only scripts/);
    await expect(r.eval_ro("#!lua\nreturn 1", 0)).rejects.toThrow('ERR Can not execute a script with write flag using *_ro command.');
    expect(await r.eval_ro("#!lua flags=no-writes\nreturn 2", 0)).toBe(2);
    await expect(r.eval('#!lua flags=what\nreturn 1', 0)).rejects.toThrow('ERR Unexpected flag in script shebang: what');
  });

  it('no-writes scripts are not held by CLIENT PAUSE WRITE; other scripts are', async () => {
    const other = new Redis({ port: s.port });
    try {
      await r.client('PAUSE', 2000, 'WRITE');
      expect(await other.eval('#!lua flags=no-writes\nreturn 5', 0)).toBe(5);
      const t0 = Date.now();
      const held = other.eval('return 6', 0);
      await sleep(100);
      await r.client('UNPAUSE');
      expect(await held).toBe(6);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    } finally {
      other.disconnect();
    }
  });
});

describe('effects', () => {
  it('propagates the writes a script ran, in MULTI/EXEC, never the EVAL itself', async () => {
    const ops: string[] = [];
    const stop = s.engine.propagation.addSink(PROPAGATE_ALL, (db, argv) => ops.push(`${db} ${argv.join(' ')}`));
    try {
      await r.eval("redis.call('set', 'a', '1') redis.call('incr', 'a') redis.call('get', 'a')", 0);
      await r.eval("redis.call('set', 'b', '1')", 0);
      await r.eval("return redis.call('get', 'b')", 0);
      await r.eval("redis.call('expire', 'b', 100)", 0);
    } finally {
      stop();
    }
    expect(ops.length).toBe(6);
    expect(ops.slice(0, 5)).toEqual(['0 MULTI', '0 set a 1', '0 incr a', '0 EXEC', '0 set b 1']);
    expect(ops[5]).toMatch(/^0 PEXPIREAT b \d+$/);
  });

  it('redis.set_repl chooses where each command goes', async () => {
    const aof: string[] = [];
    const repl: string[] = [];
    const stopA = s.engine.propagation.addSink(PROPAGATE_AOF, (_db, argv) => aof.push(argv.join(' ')));
    const stopR = s.engine.propagation.addSink(PROPAGATE_REPL, (_db, argv) => repl.push(argv.join(' ')));
    try {
      await r.eval(
        "redis.call('set','a','1') redis.set_repl(redis.REPL_NONE) redis.call('set','b','2') " +
        "redis.set_repl(redis.REPL_AOF) redis.call('set','c','3') redis.set_repl(redis.REPL_ALL) redis.call('set','d','4')", 0,
      );
    } finally {
      stopA();
      stopR();
    }
    expect(aof).toEqual(['MULTI', 'set a 1', 'set c 3', 'set d 4', 'EXEC']);
    expect(repl).toEqual(['MULTI', 'set a 1', 'set d 4', 'EXEC']);
    expect(await r.mget('a', 'b', 'c', 'd')).toEqual(['1', '2', '3', '4']);
    await expect(r.eval('redis.set_repl(12345)', 0)).rejects.toThrow(/Invalid replication flags/);
  });

  it('feeds MONITOR: the EVAL first, then its commands from "lua"', async () => {
    const sock = net.connect(s.port, '127.0.0.1');
    let data = '';
    sock.on('data', (d) => (data += d.toString('latin1')));
    sock.write('*1\r\n$7\r\nMONITOR\r\n');
    await sleep(50);
    await r.eval("redis.call('set', KEYS[1], 'v')", 1, 'monkey');
    await sleep(50);
    sock.destroy();
    const lines = data.split('\r\n').filter((l) => l.startsWith('+1') || /^\+\d/.test(l));
    const ours = lines.filter((l) => l.includes('monkey'));
    expect(ours.length).toBe(2);
    expect(ours[0]).toMatch(/^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "eval" ".*" "1" "monkey"$/);
    expect(ours[1]).toMatch(/^\+\d+\.\d{6} \[0 lua\] "set" "monkey" "v"$/);
  });
});

describe('busy scripts', () => {
  it('answers -BUSY to others while a script runs long, and SCRIPT KILL stops it', async () => {
    await r.config('SET', 'busy-reply-threshold', '20');
    const runner = new Redis({ port: s.port });
    const other = new Redis({ port: s.port });
    await Promise.all([runner.ping(), other.ping()]);
    try {
      const p = runner.eval('local i = 0 while true do i = i + 1 end', 0).catch((e: Error) => e.message);
      await sleep(150);
      await expect(other.ping()).rejects.toThrow('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
      await expect(other.function('KILL')).rejects.toThrow(/^BUSY .*SCRIPT KILL/);
      const stats = await other.function('STATS').catch((e: Error) => e.message);
      expect(stats).toMatch(/^BUSY/);
      expect(await other.script('KILL')).toBe('OK');
      expect(await p).toMatch(/^ERR Script killed by user with SCRIPT KILL\.\.\. script: \w{40}, on @user_script:1\.$/);
      expect(await other.ping()).toBe('PONG');
      await expect(other.script('KILL')).rejects.toThrow('NOTBUSY No scripts in execution right now.');
    } finally {
      runner.disconnect();
      other.disconnect();
      await r.config('SET', 'busy-reply-threshold', '5000');
    }
  });

  it('kills scripts that catch errors with pcall, and serves pipelined commands afterwards', async () => {
    await r.config('SET', 'busy-reply-threshold', '20');
    const runner = await RawClient.connect(s.port);
    const other = new Redis({ port: s.port });
    await other.ping();
    try {
      const script = "local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end";
      const replies = runner.raw(
        `*3\r\n$4\r\neval\r\n$${script.length}\r\n${script}\r\n$1\r\n0\r\n*1\r\n$4\r\nping\r\n`,
        2,
      );
      await sleep(150);
      await expect(other.get('x')).rejects.toThrow(/^BUSY/);
      expect(await other.script('KILL')).toBe('OK');
      const [evalReply, ping] = await replies;
      expect(evalReply).toMatch(/^-ERR Script killed by user with SCRIPT KILL/);
      expect(ping).toBe('+PONG\r\n');
    } finally {
      runner.close();
      other.disconnect();
      await r.config('SET', 'busy-reply-threshold', '5000');
    }
  });

  it('a busy script that wrote is UNKILLABLE; SHUTDOWN without NOSAVE is refused', async () => {
    await r.config('SET', 'busy-reply-threshold', '20');
    const runner = new Redis({ port: s.port });
    const other = new Redis({ port: s.port });
    await Promise.all([runner.ping(), other.ping()]);
    try {
      await r.set('stop', '0');
      const p = runner.eval(
        "redis.call('set', 'wrote', '1') local n = 0 while redis.call('get', 'stop') == '0' do n = n + 1 end return 'done'", 0,
      );
      await sleep(150);
      await expect(other.script('KILL')).rejects.toThrow(/^UNKILLABLE Sorry the script already executed write commands/);
      await expect(other.call('SHUTDOWN')).rejects.toThrow(/^BUSY/);
      // Writes from other clients wait: the script can only end by itself here. Stop it from inside
      // by flipping the key through the engine (as a test hook).
      s.engine.ks.dbs[0]?.set('stop', createStringObject('1'));
      expect(await p).toBe('done');
      expect(await other.get('wrote')).toBe('1');
    } finally {
      runner.disconnect();
      other.disconnect();
      await r.config('SET', 'busy-reply-threshold', '5000');
    }
  });

  it('FUNCTION KILL stops a busy function; SCRIPT KILL does not', async () => {
    await r.config('SET', 'busy-reply-threshold', '20');
    await r.function('LOAD', 'REPLACE', "#!lua name=busylib\nredis.register_function('spin', function() local a = 1 while true do a = a + 1 end end)");
    const runner = new Redis({ port: s.port });
    const other = new Redis({ port: s.port });
    await Promise.all([runner.ping(), other.ping()]);
    try {
      const p = runner.fcall('spin', 0).catch((e: Error) => e.message);
      await sleep(150);
      await expect(other.ping()).rejects.toThrow('BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.');
      await expect(other.script('KILL')).rejects.toThrow(/^BUSY .*FUNCTION KILL/);
      const stats = await other.function('STATS') as unknown[];
      expect(stats[0]).toBe('running_script');
      expect((stats[1] as unknown[]).slice(0, 4)).toEqual(['name', 'spin', 'command', ['fcall', 'spin', '0']]);
      expect(await other.function('KILL')).toBe('OK');
      expect(await p).toMatch(/^ERR Script killed by user with SCRIPT KILL\.\.\. script: spin, on @user_function:2\.$/);
    } finally {
      runner.disconnect();
      other.disconnect();
      await r.function('DELETE', 'busylib');
      await r.config('SET', 'busy-reply-threshold', '5000');
    }
  });

  it('a busy script that ends by itself replies and propagates once', async () => {
    await r.config('SET', 'busy-reply-threshold', '20');
    const ops: string[] = [];
    const stop = s.engine.propagation.addSink(PROPAGATE_ALL, (_db, argv) => ops.push(argv.join(' ')));
    try {
      const res = await r.eval("redis.call('set', 'long1', 'a') local t = 0 for i = 1, 3000000 do t = t + i end redis.call('set', 'long2', 'b') return t", 0);
      expect(res).toBe(4500001500000);
      expect(ops).toEqual(['MULTI', 'set long1 a', 'set long2 b', 'EXEC']);
    } finally {
      stop();
      await r.config('SET', 'busy-reply-threshold', '5000');
    }
  });
});

describe('SHUTDOWN NOSAVE during a busy script', () => {
  it('stops the server while the script is busy', async () => {
    const srv = await startServer({ port: 0, config: { loglevel: 'warning', 'busy-reply-threshold': '20' } });
    const runner = new Redis({ port: srv.port, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const other = new Redis({ port: srv.port, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await Promise.all([runner.ping(), other.ping()]);
    const p = runner.eval('while true do end', 0).catch((e: Error) => e.message);
    await sleep(120);
    await expect(other.ping()).rejects.toThrow(/^BUSY/);
    await other.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    expect(await p).toMatch(/Connection is closed|ECONNRESET|closed/);
    runner.disconnect();
    other.disconnect();
    await srv.close();
  });
});
