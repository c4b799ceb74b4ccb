// Unit tests of the Lua interpreter as nodis adapts it: Lua 5.1 numbers and formatting on
// fengari, the read-only tables, 5.1 error wording, the libraries, and the conversions
// between RESP replies and Lua values.
import { describe, expect, it } from 'vitest';
import { formatFloat, lua51NumberToString } from '../../src/scripting/lua/cformat.js';
import { bytesOf, latin1Of, lauxlib, lua, str2number } from '../../src/scripting/lua/fengari.js';
import { LuaVM, type ScriptHost } from '../../src/scripting/vm.js';
import { pushReply, writeLuaReply } from '../../src/scripting/convert.js';
import { ReplyWriter } from '../../src/protocol/reply-writer.js';
import type { ScriptRun } from '../../src/scripting/run.js';

const host: ScriptHost = {
  execute: () => null,
  takeReply: () => Buffer.from('+OK\r\n'),
  aclCheck: () => true,
  log: () => {},
  verbosity: () => 2,
};

/** Run a chunk on a fresh EVAL interpreter; returns the first result as Lua's tostring, or 'ERR ...'. */
function run(code: string, vm = new LuaVM('eval', host)): string {
  const L = vm.L;
  vm.current = {} as ScriptRun; // a script invocation is "in progress" (math.random needs one)
  const ref = vm.compile(bytesOf(code), '@user_script');
  if (typeof ref === 'string') return 'COMPILE ' + ref;
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
  const st = lua.lua_pcall(L, 0, 1, 0);
  const t = lua.lua_type(L, -1);
  let out: string;
  if (st !== lua.LUA_OK) {
    out = 'ERR ' + (t === lua.LUA_TTABLE ? (lua.lua_getfield(L, -1, 'err'), latin1Of(lauxlib.luaL_tolstring(L, -1)))
      : latin1Of(lauxlib.luaL_tolstring(L, -1)));
  } else {
    out = latin1Of(lauxlib.luaL_tolstring(L, -1));
  }
  lua.lua_settop(L, 0);
  vm.current = null;
  return out;
}

describe('C formatting', () => {
  it('%.14g as Lua 5.1 writes numbers', () => {
    expect(lua51NumberToString(5)).toBe('5');
    expect(lua51NumberToString(-0)).toBe('-0');
    expect(lua51NumberToString(2 ** 53)).toBe('9.007199254741e+15');
    expect(lua51NumberToString(1e14)).toBe('1e+14');
    expect(lua51NumberToString(12345678901234)).toBe('12345678901234');
    expect(lua51NumberToString(1 / 3)).toBe('0.33333333333333');
    expect(lua51NumberToString(1e-5)).toBe('1e-05');
    expect(lua51NumberToString(0.0001)).toBe('0.0001');
    expect(lua51NumberToString(Infinity)).toBe('inf');
    expect(lua51NumberToString(-Infinity)).toBe('-inf');
    expect(lua51NumberToString(NaN)).toBe('nan');
  });

  it('rounds exact ties to even, as glibc', () => {
    expect(formatFloat(0.125, 'f', 2, '')).toBe('0.12');
    expect(formatFloat(0.375, 'f', 2, '')).toBe('0.38');
    expect(formatFloat(0.5, 'f', 0, '')).toBe('0');
    expect(formatFloat(1.5, 'f', 0, '')).toBe('2');
    expect(formatFloat(2.5, 'f', 0, '')).toBe('2');
    expect(formatFloat(123456789012345, 'g', 14, '')).toBe('1.2345678901234e+14');
  });

  it('flags and widths', () => {
    expect(formatFloat(3.14159, 'f', 2, '', 8)).toBe('    3.14');
    expect(formatFloat(-2.5, 'f', 3, '0', 8)).toBe('-002.500');
    expect(formatFloat(2, 'f', 1, '+')).toBe('+2.0');
    expect(formatFloat(12345.678, 'e', 6, '')).toBe('1.234568e+04');
    expect(formatFloat(100, 'g', 6, '#')).toBe('100.000');
  });

  it('parses numbers as strtod does (5.1 luaO_str2d)', () => {
    expect(str2number(' 0x1F ')).toBe(31);
    expect(str2number('0xffffffff')).toBe(4294967295);
    expect(str2number('0x1p4')).toBe(16);
    expect(str2number('1e')).toBeNull();
    expect(str2number('inf')).toBe(Infinity);
    expect(str2number('.5')).toBe(0.5);
    expect(str2number('5.')).toBe(5);
    expect(str2number('')).toBeNull();
  });
});

describe('Lua 5.1 semantics on fengari', () => {
  it('numbers are doubles, formatted with %.14g', () => {
    expect(run('return tostring(10/2)')).toBe('5');
    expect(run('return 100000 * 100000')).toBe('10000000000');
    expect(run('return 2147483647 + 1')).toBe('2147483648');
    expect(run('return 2^53 + 1 == 2^53')).toBe('true');
    expect(run('return 7 // 2 == nil')).not.toBe('ERR');
    expect(run('return math.floor(100000.5) * math.floor(100000.5)')).toBe('10000000000');
    expect(run('local t = {} for i = 1, 3 do t[i] = i end local s = 0 for k in pairs(t) do s = s + k * 1e9 end return s')).toBe('6000000000');
    expect(run('return #"abc" * 1e10')).toBe('30000000000');
    expect(run('return "x" .. 10/4')).toBe('x2.5');
  });

  it('string.format follows 5.1 (%d truncates, %s stops at NUL below 100 bytes)', () => {
    expect(run('return string.format("%d", 3.7)')).toBe('3');
    expect(run('return string.format("%5.2f|%x|%o", 3.14159, 255, 8)')).toBe(' 3.14|ff|10');
    expect(run('return string.format("%s", "a\\0b")')).toBe('a');
    expect(run('return string.format("%q", "a\\nb")')).toBe('"a\\\nb"');
    expect(run('return string.format("%z", 1)')).toBe("ERR user_script:1: invalid option '%z' to 'format'");
    expect(run('return string.format("%d")')).toBe("ERR user_script:1: bad argument #2 to 'format' (no value)");
  });

  it('has 5.1 library functions and lacks 5.2+ ones', () => {
    expect(run('return unpack({1, 2, 3})')).toBe('1');
    expect(run('return table.getn({1, 2})')).toBe('2');
    expect(run('return math.mod(7, 3)')).toBe('1');
    expect(run('return loadstring("return 4")()')).toBe('4');
    expect(run('return loadstring(string.dump(function() end)) == nil')).toBe('true');
    expect(run('return type(table.unpack) .. type(string.pack) .. type(math.type) .. type(rawget(_G, "rawlen"))'))
      .toBe('nilnilnilnil');
    expect(run('return _VERSION')).toBe('Lua 5.1');
  });

  it('words type errors as Lua 5.1', () => {
    expect(run('local x return x.y')).toBe("ERR user_script:1: attempt to index local 'x' (a nil value)");
    expect(run('local t = {} return t.f()')).toBe("ERR user_script:1: attempt to call field 'f' (a nil value)");
    expect(run('return 1 + {}')).toBe('ERR user_script:1: attempt to perform arithmetic on a table value');
    expect(run('retur 1')).toBe("COMPILE user_script:1: '=' expected near '1'");
    expect(run('return 1 +')).toBe("COMPILE user_script:1: unexpected symbol near '<eof>'");
  });

  it('protects globals and library tables', () => {
    expect(run('return undefined_var')).toBe("ERR user_script:1: Script attempted to access nonexistent global variable 'undefined_var'");
    expect(run('x = 1')).toBe('ERR user_script:1: Attempt to modify a readonly table');
    expect(run('rawset(_G, "x", 1)')).toContain('Attempt to modify a readonly table');
    expect(run('setmetatable(_G, nil)')).toContain('Attempt to modify a readonly table');
    expect(run('redis.call = nil')).toContain('Attempt to modify a readonly table');
    expect(run('string.len = nil')).toContain('Attempt to modify a readonly table');
    expect(run('local t = {} t.x = 1 rawset(t, "y", 2) return t.x + t.y')).toBe('3');
    expect(run('return print')).toContain("nonexistent global variable 'print'");
  });
});

describe('libraries', () => {
  it('bit', () => {
    expect(run('return bit.tohex(bit.band(0xff00, 0x0ff0))')).toBe('00000f00');
    expect(run('return bit.tobit(2^32 + 5)')).toBe('5');
    expect(run('return bit.lshift(1, 31)')).toBe('-2147483648');
  });

  it('struct', () => {
    expect(run('return struct.size(">!4 b i")')).toBe('8');
    expect(run('local a, b = struct.unpack(">h", struct.pack(">h", -2)) return a .. "," .. b')).toBe('-2,3');
  });

  it('cjson', () => {
    expect(run('return cjson.encode({1, "a/b", {x = true}})')).toBe('[1,"a\\/b",{"x":true}]');
    expect(run('return cjson.decode("[1,2,3]")[3]')).toBe('3');
    expect(run('return cjson.decode("{]")')).toContain('Expected object key string but found T_ARR_END at character 2');
  });

  it('cmsgpack', () => {
    expect(run('local s = cmsgpack.pack({1, 2}) return #s .. ":" .. cmsgpack.unpack(s)[2]')).toBe('3:2');
    expect(run('return cmsgpack.unpack(cmsgpack.pack(0.1))')).toBe('0.1');
  });

  it('math.random is rand48, seedable', () => {
    const vm = new LuaVM('eval', host);
    const a = run('math.randomseed(10) return math.random()', vm);
    const b = run('math.randomseed(10) return math.random()', vm);
    expect(a).toBe(b);
    expect(Number(a)).toBeGreaterThanOrEqual(0);
    expect(Number(a)).toBeLessThan(1);
  });
});

describe('conversions', () => {
  const vm = new LuaVM('eval', host);
  const L = vm.L;

  function roundTrip(resp: string, scriptResp: 2 | 3, callerResp: 2 | 3): string {
    pushReply(L, Buffer.from(resp, 'latin1'));
    const w = new ReplyWriter();
    w.resp = callerResp;
    writeLuaReply(L, w, scriptResp);
    return Buffer.concat(w.take() ?? []).latin1Slice();
  }

  it('Redis → Lua → Redis keeps the value (RESP2 script)', () => {
    expect(roundTrip(':5\r\n', 2, 2)).toBe(':5\r\n');
    expect(roundTrip('$3\r\na\x00b\r\n', 2, 2)).toBe('$3\r\na\x00b\r\n');
    expect(roundTrip('$-1\r\n', 2, 2)).toBe('$-1\r\n');
    expect(roundTrip('$-1\r\n', 2, 3)).toBe('_\r\n');
    expect(roundTrip('*2\r\n:1\r\n$1\r\nx\r\n', 2, 2)).toBe('*2\r\n:1\r\n$1\r\nx\r\n');
    expect(roundTrip('+OK\r\n', 2, 2)).toBe('+OK\r\n');
    expect(roundTrip('-ERR bad\r\n', 2, 2)).toBe('-ERR bad\r\n');
  });

  it('RESP3 types under setresp(3)', () => {
    expect(roundTrip('%1\r\n$1\r\nk\r\n:1\r\n', 3, 3)).toBe('%1\r\n$1\r\nk\r\n:1\r\n');
    expect(roundTrip('%1\r\n$1\r\nk\r\n:1\r\n', 3, 2)).toBe('*2\r\n$1\r\nk\r\n:1\r\n');
    expect(roundTrip('~1\r\n$1\r\nm\r\n', 3, 3)).toBe('~1\r\n$1\r\nm\r\n');
    expect(roundTrip(',3.5\r\n', 3, 3)).toBe(',3.5\r\n');
    expect(roundTrip(',3.5\r\n', 3, 2)).toBe('$3\r\n3.5\r\n');
    expect(roundTrip('#t\r\n', 3, 3)).toBe('#t\r\n');
    expect(roundTrip('#f\r\n', 3, 2)).toBe(':0\r\n');
    expect(roundTrip('(123\r\n', 3, 3)).toBe('(123\r\n');
    expect(roundTrip('_\r\n', 3, 3)).toBe('_\r\n');
    expect(roundTrip('=8\r\ntxt:abcd\r\n', 3, 3)).toBe('=8\r\ntxt:abcd\r\n');
    expect(roundTrip('|1\r\n$1\r\na\r\n$1\r\nb\r\n:7\r\n', 3, 3)).toBe(':7\r\n');
  });
});
