// Differential test: a corpus of Lua scripts (and FUNCTION libraries) run on nodis and on the
// real redis-server side by side; every reply must be byte-identical, in RESP2 and RESP3. The
// corpus covers Lua 5.1 number semantics and formatting, the standard library as Redis has it,
// cjson / cmsgpack / bit / struct, the redis.* API, both conversion directions (including
// redis.setresp(3)), the sandbox and error texts. Left out: replies that depend on the order of
// a Lua table's hash part (pairs() order differs between fengari and Lua 5.1: maps and sets of
// more than one element), and 5.3-only syntax (//, bitwise operators, goto) which nodis accepts.
import { describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/resp.js';
import { diffServers } from '../helpers/diff.js';

/** [script, numkeys, ...keys/args] */
type Case = [string, ...string[]];

const CASES: Case[] = [
  // Conversions Lua → Redis.
  ['return 1'], ['return 100.5'], ['return -3.9'], ['return 1e20'], ['return -1e20'], ['return 0/0'],
  ['return 2^63'], ['return 9007199254740993'], ['return "hello"'], ['return ""'], ['return "a\\0b"'],
  ['return true'], ['return false'], ['return nil'], ['return {}'], ['return {1,2,3,"x",{4,{5}}}'],
  ['return {1,2,nil,4}'], ['return {ok="fine"}'], ['return {ok="a\\r\\nb"}'], ['return {err="ERR bad thing"}'],
  ['return {err="MYCODE custom"}'], ['return {err="no code"}'], ['return {err="x\\r\\ny"}'], ['return {err=""}'],
  ['return {double=3.5}'], ['return {double=1/0}'], ['return {big_number="123456789012345678901234567890"}'],
  ['return {map={a=1}}'], ['return {set={a=true}}'], ['return {verbatim_string={format="txt", string="hi"}}'],
  ['return {1, {err="inner"}, {ok="st"}}'], ['return {a=1, b=2}'], ['return {1, 2, x=3}'], ['return function() end'],
  ['return redis.error_reply("MY_ERR msg")'], ['return redis.error_reply("-X y")'], ['return redis.error_reply("")'],
  ['return redis.error_reply(1)'], ['return redis.status_reply("FINE")'], ['return redis.status_reply()'],
  ['return KEYS[1] .. ARGV[1]', '1', 'k', 'v'], ['return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}', '2', 'a', 'b', 'c', 'd'],
  ['return #KEYS + #ARGV', '1', 'a', 'b', 'c'],
  // Redis → Lua.
  ['redis.call("set", KEYS[1], "v") return redis.call("get", KEYS[1])', '1', 'k'],
  ['return redis.call("get", "nokey")'], ['return type(redis.call("get", "nokey"))'],
  ['redis.call("rpush", "l", 1, 2, 3) return redis.call("lrange", "l", 0, -1)'],
  ['local r = redis.call("set", "k", "v") return type(r) .. r.ok'],
  ['local r = redis.pcall("incr", "nonum") return r'], ['redis.call("set","s","x") local r = redis.pcall("incr", "s") return r.err'],
  ['return redis.call("incr", "s")'], ['return redis.pcall("nosuch")'], ['return redis.call("nosuch")'],
  ['return redis.call()'], ['return redis.pcall()'], ['return redis.call("get")'], ['return redis.call("ping", {})'],
  ['return redis.call("ping", 1.5)'], ['return redis.call("echo", 0.1)'], ['return redis.call("echo", 1e20)'],
  ['return redis.call("echo", -0.0)'], ['return redis.call("echo", 9007199254740991)'],
  ['redis.call("hset", "h", "f", "v", "g", "w") return redis.call("hgetall", "h")'],
  ['redis.setresp(3) redis.call("hset", "h", "f", "v") return redis.call("hgetall", "h")'],
  ['redis.setresp(3) redis.call("sadd", "st", "a") return redis.call("smembers", "st")'],
  ['redis.setresp(3) return redis.call("get", "nokey")'], ['redis.setresp(3) return {redis.call("exists", "x")}'],
  ['redis.setresp(3) redis.call("zadd", "z", 1.5, "m") return redis.call("zscore", "z", "m")'],
  ['redis.setresp(3) return redis.call("debug", "protocol", "double")'],
  ['redis.setresp(3) return redis.call("debug", "protocol", "bignum")'],
  ['redis.setresp(3) return redis.call("debug", "protocol", "true")'],
  ['redis.setresp(3) return redis.call("debug", "protocol", "false")'],
  ['redis.setresp(3) return redis.call("debug", "protocol", "null")'],
  ['redis.setresp(3) return redis.call("debug", "protocol", "verbatim")'],
  ['redis.setresp(3) return redis.call("debug", "protocol", "attrib")'],
  ['return redis.call("debug", "protocol", "double")'], ['return redis.call("debug", "protocol", "array")'],
  ['redis.setresp(3) return true'], ['redis.setresp(3) return false'], ['redis.setresp(4)'], ['redis.setresp()'],
  ['return redis.call("select", 99)'], ['redis.call("select", 10) return redis.call("dbsize")'],
  // Lua 5.1 numbers and strings.
  ['return tostring(10/2)'], ['return tostring(2^53)'], ['return tostring(1/3)'], ['return tostring(-0.0)'],
  ['return tostring(1e15) .. " " .. tostring(1e14) .. " " .. 123456789012345'], ['return tostring(0.1 + 0.2)'],
  ['return tostring(1e-5) .. tostring(1e300 * 1e10) .. tostring(-1/0)'], ['return 100000 * 100000'],
  ['return tostring(100000 * 100000)'], ['return tostring(2147483647 + 1)'], ['return 7 % -3'], ['return -7 % 3'],
  ['return tostring(0xff) .. tostring(0x7fffffff)'],
  ['return tostring(tonumber("0x10")) .. tostring(tonumber("  5  ")) .. tostring(tonumber("5x"))'],
  ['return tostring(tonumber("1e")) .. tostring(tonumber("inf")) .. tostring(tonumber("ff", 16))'],
  ['return "10" + 5'], ['return "3" * "4"'], ['return 10 .. 20'], ['return #"abc\\0def"'],
  ['return string.format("%d %i %u", 3.7, -2.2, 5)'], ['return string.format("%5.2f|%-8s|%08.3f", 3.14159, "ab", -2.5)'],
  ['return string.format("%x %X %o %#x %#o", 255, 255, 8, 255, 8)'], ['return string.format("%e %E %g %G", 12345.678, 0.000123, 1e20, 1e-10)'],
  ['return string.format("%.0f %.1f %.2f %.3f", 0.5, 0.25, 0.125, 2.0005)'], ['return string.format("%q", "a\\n\\"b\\\\\\0c\\r")'],
  ['return string.format("%s %s %s", 1, 2.5, "x")'], ['return string.format("%c%c%c", 72, 105, 33)'],
  ['return string.format("%5s|%-5s|%.2s", "abc", "abc", "abc")'], ['return string.format("%+d % d %+.1f", 5, 5, 2)'],
  ['return string.format("%d", 2^63)'], ['return string.format("%d", -2^63)'], ['return string.format("%x", -1)'],
  ['return string.format("%z", 1)'], ['return string.format("%d")'], ['return string.format("%d", "x")'],
  ['return string.format("%10.4g|%-10.3e|", 123.456, 0.001234)'], ['return string.format("%s", "a\\0b")'],
  ['return string.format("%5.1s|", "abc")'], ['return string.format("%%")'],
  ['return string.rep("ab", 3) .. string.rep("x", 0) .. string.rep("x", -1)'],
  ['return {string.byte("ABC", 1, -1)}'], ['return string.char(72, 101)'], ['return string.sub("hello", 2, -2)'],
  ['return string.upper("aBc") .. string.lower("AbC") .. string.reverse("abc") .. string.len("abcd")'],
  ['return {string.find("hello world", "o w")}'], ['return {string.find("hello", "l+")}'], ['return {string.match("key:123", "(%a+):(%d+)")}'],
  ['return string.gsub("hello world", "o", "0")'], ['return {string.gsub("abc", "%w", "%0%0")}'],
  ['local t = {} for w in string.gmatch("one two three", "%a+") do t[#t+1] = w end return t'],
  ['local t = {} for w in string.gfind("a,b,c", "[^,]+") do t[#t+1] = w end return t'],
  // Tables and math.
  ['local t = {5, 2, 8, 1} table.sort(t) return t'], ['local t = {"b", "a", "c"} table.sort(t, function(a, b) return a > b end) return t'],
  ['return table.concat({1, 2, 3}, ", ")'], ['local t = {1} table.insert(t, 2) table.insert(t, 1, 0) return t'],
  ['local t = {1, 2, 3} table.remove(t) table.remove(t, 1) return t'], ['return table.getn({1, 2, 3})'],
  ['return table.maxn({1, 2, [10] = 3})'], ['return {unpack({1, 2, 3})}'], ['return select("#", 1, 2, 3)'],
  ['return {select(2, "a", "b", "c")}'], ['return math.floor(3.7) .. math.ceil(3.2) .. math.abs(-4)'],
  ['return math.max(1, 5, 3) + math.min(4, 2)'], ['return tostring(math.sqrt(16)) .. tostring(math.pi)'],
  ['return tostring(math.mod(7, 3)) .. tostring(math.fmod(-7, 3)) .. tostring(math.pow(2, 10))'],
  ['return tostring(math.log10(1000)) .. tostring(math.exp(0)) .. tostring(math.log(1))'],
  ['return {math.frexp(8)}'], ['return math.ldexp(0.5, 4)'], ['return tostring(math.huge)'],
  ['math.randomseed(42) return {math.random(), math.random(10), math.random(5, 6)}'],
  ['math.randomseed(7) return tostring(math.random())'], ['return math.random(0)'],
  ['return table.concat({math.floor(-0.5), math.ceil(-0.5)}, ",")'],
  ['return type(table.unpack) .. type(table.pack) .. type(string.pack) .. type(math.type) .. type(utf8)'],
  ['return _VERSION'], ['return type(loadstring) .. type(unpack) .. type(gcinfo) .. type(setfenv) .. type(newproxy)'],
  ['return loadstring("return 1 + 1")()'], ['return loadstring("return x +")'], ['return {loadstring("syntax error here")}'],
  ['local f = loadstring(string.dump(function() return 1 end)) return f == nil'],
  ['return coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)(1)'],
  ['local co = coroutine.create(function() error("in co") end) return {coroutine.resume(co)}'],
  ['return {pcall(function() error("x") end)}'], ['return {pcall(function() error({err="tbl"}) end)}'],
  ['return {pcall(function() return 1, 2 end)}'], ['return {xpcall(function() error("e") end, function(m) return "h:" .. m end)}'],
  ['return tostring(nil) .. tostring(true) .. type(print) .. type(os) .. type(io)'],
  ['return {tonumber("10", 2), tonumber("z", 36), tonumber(" 0x1A ")}'], ['return tostring(1e100)'],
  ['local s = 0 for i = 1, 10 do s = s + i end return s'], ['local s = 0 for i = 10, 1, -2.5 do s = s + i end return tostring(s)'],
  ['local t = setmetatable({}, {__index = function(t, k) return k .. "!" end}) return t.x'],
  ['local t = setmetatable({}, {__add = function() return 42 end}) return t + 1'],
  // Errors and the sandbox.
  ['return a'], ['a = 1'], ['rawset(_G, "x", 1)'], ['setmetatable(_G, {})'], ['local m = getmetatable(_G) m.__index = {}'],
  ['redis = 1'], ['redis.call = 1'], ['cjson.encode = 1'], ['bit.band = 1'], ['string.x = 1'], ['_G = {}'],
  ['error("boom")'], ['error("boom", 0)'], ['error("boom", 2)'], ['error({err="MY table err"})'], ['error()'], ['error(5)'],
  ['local x = nil return x.y'], ['local t = {} return t.a.b'], ['return nosuch()'], ['local f return f()'],
  ['return 1 + {}'], ['return "a" + 1'], ['return {} .. "x"'], ['return #nil'], ['return 1 < "2"'], ['return {} < {}'],
  ['local t = {} t[nil] = 1'], ['return table.insert()'], ['return ("x"):rep(2)'], ['return string.rep()'],
  ['return loadfile'], ['return dofile("/etc/passwd")'], ['return print("x")'], ['return require'], ['return os.time()'],
  ['retur 1'], ['return "unfinished'], ['return 1 +'], ['for i = 1 do end'], ['local function f() return end end'],
  ['#!lua\nreturn 1'], ['#!lua flags=no-writes\nreturn redis.call("set", "k", "v")'], ['#!lua flags=no-writes\nreturn redis.call("get", "k")'],
  ['#!lua flags=allow-oom,no-writes\nreturn 2'], ['#!lua flags=bad\nreturn 1'], ['#!lua bad=1\nreturn 1'], ['#!python\nreturn 1'],
  ['#!lua'], ['#!lua flags=\nreturn 3'], ['#!lua flags=no-writes\nreturn redis.call("publish", "ch", "m")'],
  ['return redis.call("blpop", "l", 0)'], ['return redis.call("xread", "block", 0, "streams", "s", "$")'],
  ['return redis.call("client")'], ['return redis.call("client", "nosuch")'], ['return redis.call("object", "encoding")'],
  ['return redis.sha1hex("")'], ['return redis.sha1hex("Pizza & Mandolino")'], ['return redis.sha1hex()'],
  ['return redis.REDIS_VERSION .. " " .. redis.REDIS_VERSION_NUM'], ['return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}'],
  ['return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}'],
  ['redis.log(redis.LOG_DEBUG, "hello") return 1'], ['redis.log("x", "y")'], ['redis.log(1)'], ['redis.log(9, "x")'],
  ['redis.set_repl(redis.REPL_NONE) return 1'], ['redis.set_repl(12345)'], ['redis.set_repl()'],
  ['return redis.replicate_commands()'], ['return redis.breakpoint()'], ['return redis.debug("x")'],
  ['return redis.acl_check_cmd("nosuchcmd")'],
  // Libraries.
  ['return cjson.encode({1, 2, 3, "a\\"b/c", {x = 1}, true, false, cjson.null})'], ['return cjson.encode({})'],
  ['return cjson.encode({[1] = 1, [3] = 3})'], ['return cjson.encode({[1] = 1, [20] = 3})'], ['return cjson.encode(0.1)'],
  ['return cjson.encode(1e100)'], ['return cjson.encode(-0.0)'], ['return cjson.encode(1/3)'], ['return cjson.encode("\\1\\31\\127\\128")'],
  ['return cjson.encode({[true] = 1})'], ['return cjson.encode(0/0)'], ['return cjson.encode(print)'],
  ['return cjson.encode({a = {b = {c = {}}}})'], ['return cjson.encode(12345678901234567890)'],
  ['return cjson.decode("[1,2")'], ['return cjson.decode("{\\"a\\":}")'], ['return cjson.decode("")'], ['return cjson.decode("x")'],
  ['return cjson.decode("\\"abc")'], ['return cjson.decode("[1,2] x")'], ['return cjson.decode("1e400")'],
  ['local t = cjson.decode("[1, 2.5, \\"x\\", true, null, {\\"k\\": [3]}]") return {t[1], t[2], t[3], tostring(t[4]), t[5] == cjson.null, t[6].k[1]}'],
  ['return cjson.decode("\\"\\\\u00e9\\\\ud83d\\\\ude00\\\\n\\\\/\\"")'], ['return cjson.decode("\\"\\\\x\\"")'],
  ['return table.concat(cjson.decode("[0.0, -5e3, -1, 0.3e-3, 1023.2, 0e10]"), " ")'],
  ['cjson.decode_max_depth(1) local ok = pcall(cjson.decode, "[[1]]") cjson.decode_max_depth(1000) return ok'],
  ['return {cjson.encode_sparse_array()}'], ['return cjson.encode_max_depth(5)'], ['return cjson.encode_keep_buffer()'],
  ['return tostring(cjson.encode_invalid_numbers())'], ['return tostring(cjson.null) .. type(cjson.null)'],
  ['local h = "" local e = cmsgpack.pack(1, -1, 127, 128, -33, 255, 65535, 65536, -32769, 2^32, -2^40, 0.5, 0.1, "s", true, false) for i = 1, #e do h = h .. string.format("%02x", string.byte(e, i)) end return h'],
  ['local e = cmsgpack.pack({1, 2, {a = 1}}, string.rep("x", 40), string.rep("y", 300)) return {#e, cmsgpack.unpack(e)}'],
  ['local e = cmsgpack.pack(1, 2, 3) return {cmsgpack.unpack_one(e, 0)}'], ['local e = cmsgpack.pack(1, 2, 3) return {cmsgpack.unpack_limit(e, 2, 1)}'],
  ['return cmsgpack.pack()'], ['return cmsgpack.unpack("\\193")'], ['return cmsgpack.unpack("\\205\\1")'],
  ['return {bit.tobit(1), bit.band(1), bit.bxor(1, 2), bit.bor(1, 2, 4, 8), bit.bnot(0), bit.lshift(1, 33), bit.rshift(-1, 28)}'],
  ['return {bit.arshift(-256, 4), bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.bswap(0x12345678), bit.tobit(2^32 + 5)}'],
  ['return {bit.tohex(255), bit.tohex(-1, -4), bit.tohex(1, 20), bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1.5)}'],
  ['return bit.band()'], ['return bit.band("x")'], ['return bit.band("3", 1)'],
  ['return {struct.pack(">i2", 258), struct.pack("<I4", 1), struct.pack("!4 b i", 1, 2), struct.pack("s", "ab"), struct.pack("d", 1.5)}'],
  ['return {struct.unpack(">i2 c0", struct.pack(">i2", 3) .. "abcdef")}'], ['return {struct.unpack("s i", "hello\\0" .. struct.pack("i", 7))}'],
  ['return struct.size("!4 b i d")'], ['return struct.pack("z", 1)'], ['return struct.size("s")'], ['return struct.unpack("i", "ab")'],
  ['return struct.pack("!3 i", 1)'], ['return struct.pack("i40", 1)'], ['return {struct.unpack("<h>H", "\\255\\255\\0\\1")}'],
];

const FUNCTION_CASES: string[][] = [
  ['FUNCTION', 'LOAD', "#!lua name=lib1\nredis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)"],
  ['FCALL', 'f1', '1', 'k', 'a'], ['FCALL', 'F1', '0'], ['FCALL', 'nosuch', '0'], ['FCALL', 'f1', 'x'], ['FCALL', 'f1', '-1'],
  ['FCALL', 'f1', '5', 'a'], ['FCALL_RO', 'f1', '0'],
  ['FUNCTION', 'LOAD', "#!lua name=lib1\nredis.register_function('f1', function() return 1 end)"],
  ['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=lib1\nredis.register_function{function_name='f1', callback=function() return redis.call('get', 'x') end, flags={'no-writes'}, description='d'}"],
  ['FCALL_RO', 'f1', '0'], ['FUNCTION', 'LIST'], ['FUNCTION', 'LIST', 'WITHCODE'], ['FUNCTION', 'LIST', 'LIBRARYNAME', 'lib*'],
  ['FUNCTION', 'LIST', 'LIBRARYNAME'], ['FUNCTION', 'LIST', 'bad'], ['FUNCTION', 'STATS'],
  ['FUNCTION', 'LOAD', "#!lua name=lib2\nredis.register_function('f1', function() return 1 end)"],
  ['FUNCTION', 'LOAD', "#!lua name=lib2\nreturn 1"], ['FUNCTION', 'LOAD', "#!lua name=lib2\nredis.call('ping')"],
  ['FUNCTION', 'LOAD', "#!lua name=lib2\nmath.random()"], ['FUNCTION', 'LOAD', "#!lua name=lib2\na = 1"],
  ['FUNCTION', 'LOAD', "#!lua name=lib2\nlocal x = "], ['FUNCTION', 'LOAD', "#!lua\nreturn 1"], ['FUNCTION', 'LOAD', 'no shebang'],
  ['FUNCTION', 'LOAD', "#!lua name=a name=b\n"], ['FUNCTION', 'LOAD', "#!lua name=x foo=bar\n"], ['FUNCTION', 'LOAD', "#!js name=x\n"],
  ['FUNCTION', 'LOAD', "#!lua name=bad-name\n"], ['FUNCTION', 'LOAD', 'foo', 'bar'],
  ['FUNCTION', 'LOAD', "#!lua name=lib3\nredis.register_function()"], ['FUNCTION', 'LOAD', "#!lua name=lib3\nredis.register_function('f')"],
  ['FUNCTION', 'LOAD', "#!lua name=lib3\nredis.register_function{function_name='f', callback=function() end, flags={'bad'}}"],
  ['FUNCTION', 'LOAD', "#!lua name=lib3\nredis.register_function{function_name='f', callback=function() end, zzz=1}"],
  ['FUNCTION', 'LOAD', "#!lua name=lib3\nredis.register_function{callback=function() end}"],
  ['FUNCTION', 'LOAD', "#!lua name=lib3\nredis.register_function('f', function() end) redis.register_function('f', function() end)"],
  ['FUNCTION', 'LOAD', "#!lua name=lib3\nredis.register_function('bad name', function() end)"],
  ['FUNCTION', 'LOAD', "#!lua name=lib3\nredis.register_function('f3', function() error('oops') end)"],
  ['FCALL', 'f3', '0'], ['FUNCTION', 'DELETE', 'lib3'], ['FUNCTION', 'DELETE', 'lib3'], ['FUNCTION', 'KILL'],
  ['FUNCTION', 'RESTORE', 'bad'], ['FUNCTION', 'RESTORE', 'a', 'b', 'c'], ['FUNCTION', 'RESTORE', 'x', 'BADPOLICY'],
  ['FUNCTION', 'FLUSH', 'bad'], ['FUNCTION', 'FLUSH', 'sync', 'x'], ['FUNCTION', 'HELP'], ['FUNCTION', 'STATS'],
  ['FUNCTION', 'FLUSH'], ['FUNCTION', 'LIST'], ['FUNCTION', 'STATS'],
  ['SCRIPT', 'LOAD', 'return 1'], ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 'ffffffffffffffffffffffffffffffffffffffff'],
  ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'], ['EVALSHA', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB', '0'],
  ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'], ['EVALSHA', 'short', '0'], ['EVAL', 'return 1', 'x'],
  ['EVAL', 'return 1', '-1'], ['EVAL', 'return 1', '2', 'a'], ['EVAL_RO', "return redis.call('set', 'k', 'v')", '0'],
  ['EVALSHA_RO', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'], ['SCRIPT', 'FLUSH', 'bad'], ['SCRIPT', 'FLUSH'],
  ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db'], ['SCRIPT', 'KILL'], ['SCRIPT', 'HELP'],
  ['SCRIPT', 'NOSUCH'], ['SCRIPT', 'DEBUG', 'NO'], ['SCRIPT', 'DEBUG', 'maybe'],
];

describe('differential: scripting vs real redis-server', () => {
  const servers = diffServers({ 'enable-debug-command': 'yes' });

  for (const proto of ['2', '3']) {
    it(`${CASES.length} scripts agree byte for byte (RESP${proto})`, { timeout: 120000 }, async () => {
      const a = await RawClient.connect(servers.nodis.port);
      const b = await RawClient.connect(servers.redis.port);
      try {
        for (const c of [a, b]) {
          await c.call('HELLO', proto);
          await c.call('DEBUG', 'set-disable-deny-scripts', '1');
        }
        const diffs: string[] = [];
        for (const [script, ...rest] of CASES) {
          for (const c of [a, b]) await c.call('FLUSHALL');
          const argv = ['EVAL', script, ...(rest.length ? rest : ['0'])];
          const [x, y] = await Promise.all([a.call(...argv), b.call(...argv)]);
          if (x !== y) diffs.push(`${JSON.stringify(script)}\n  nodis: ${JSON.stringify(x)}\n  redis: ${JSON.stringify(y)}`);
        }
        expect(diffs.join('\n')).toBe('');
        for (const c of [a, b]) await c.call('DEBUG', 'set-disable-deny-scripts', '0');
        // The same scripts again with the deny list on (noscript commands refused).
        for (const script of ['return redis.call("client", "list")', 'return redis.call("multi")']) {
          const [x, y] = await Promise.all([a.call('EVAL', script, '0'), b.call('EVAL', script, '0')]);
          expect(x, script).toBe(y);
        }
      } finally {
        a.close();
        b.close();
      }
    });

    it(`FUNCTION, FCALL and SCRIPT commands agree (RESP${proto})`, async () => {
      const a = await RawClient.connect(servers.nodis.port);
      const b = await RawClient.connect(servers.redis.port);
      try {
        for (const c of [a, b]) {
          await c.call('HELLO', proto);
          await c.call('FUNCTION', 'FLUSH');
          await c.call('FLUSHALL');
        }
        const diffs: string[] = [];
        for (const argv of FUNCTION_CASES) {
          const [x, y] = await Promise.all([a.call(...argv), b.call(...argv)]);
          if (x !== y) diffs.push(`${JSON.stringify(argv)}\n  nodis: ${JSON.stringify(x)}\n  redis: ${JSON.stringify(y)}`);
        }
        expect(diffs.join('\n')).toBe('');
        // DUMP payloads are byte-identical, and each side restores the other's.
        const lib = "#!lua name=dumped\nredis.register_function('d1', function() return 'dumped' end)";
        for (const c of [a, b]) await c.call('FUNCTION', 'LOAD', lib);
        const [da, db] = await Promise.all([a.call('FUNCTION', 'DUMP'), b.call('FUNCTION', 'DUMP')]);
        expect(da).toBe(db);
        const payload = da.slice(da.indexOf('\r\n') + 2, -2);
        for (const c of [a, b]) await c.call('FUNCTION', 'FLUSH');
        const [ra, rb] = await Promise.all([a.call('FUNCTION', 'RESTORE', payload), b.call('FUNCTION', 'RESTORE', payload)]);
        expect(ra).toBe(rb);
        const [fa, fb] = await Promise.all([a.call('FCALL', 'd1', '0'), b.call('FCALL', 'd1', '0')]);
        expect(fa).toBe('$6\r\ndumped\r\n');
        expect(fa).toBe(fb);
      } finally {
        a.close();
        b.close();
      }
    });
  }
});
