// Compares the two Lua VMs available from npm for nodis's scripting: fengari (Lua 5.3 in JS,
// the one nodis uses) and wasmoon (Lua 5.4 compiled to WebAssembly).
//   npm install --no-save wasmoon@1.16.0 && node bench/lua-vm-compare.mjs
// Measures, for each VM, on the raw C API (no server around it):
//   - EVALs per second of a 10-call script (KEYS/ARGV tables built per call, each redis.call a
//     JS function reading its arguments as bytes and pushing a reply string);
//   - the cost of a count hook (what busy-script detection needs) on a pure Lua loop;
//   - exactness: byte strings, and number formatting against Lua 5.1 (Redis).
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);

function bench(fn, ms = 1500) {
  for (let i = 0; i < 3000; i++) fn();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
  }
  return Math.round(n / ((performance.now() - t0) / 1000));
}
function time(fn) {
  fn();
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const SCRIPT = "local r\n" + Array.from({ length: 10 }, (_, i) => (i % 2 ? "r = redis.call('get', KEYS[1])" : "redis.call('set', KEYS[1], ARGV[1])")).join('\n') + '\nreturn r';
const LOOP = 'local s = 0 for i = 1, 3000000 do s = s + i % 7 end return s';
const EXACT = ['return tostring(10/2)', "return 'x' .. 2^53", 'return 100000 * 100000', "return string.format('%d', 3.7)", "return '\\0\\255\\128x'"];
const store = new Map([['k', 'hello']]);

function fengariVm() {
  const { lua, lauxlib, lualib } = require('fengari');
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const str = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.length).latin1Slice();
  const push = (L, s) => { const b = Buffer.from(s, 'latin1'); lua.lua_pushlstring(L, b, b.length); };
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushcfunction(L, (L) => {
    const argv = [];
    for (let i = 1, n = lua.lua_gettop(L); i <= n; i++) argv.push(str(lua.lua_tolstring(L, i)));
    push(L, argv[0] === 'get' ? store.get(argv[1]) ?? '' : (store.set(argv[1], argv[2]), 'OK'));
    return 1;
  });
  lua.lua_setfield(L, -2, 'call');
  lua.lua_setglobal(L, 'redis');
  const load = (src) => { const b = Buffer.from(src, 'latin1'); lauxlib.luaL_loadbuffer(L, b, b.length, Buffer.from('=s')); return lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX); };
  const run = (ref) => { lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref); const st = lua.lua_pcall(L, 0, 1, 0); const v = lua.lua_tolstring(L, -1); lua.lua_settop(L, 0); return (st ? 'ERR ' : '') + (v ? str(v) : ''); };
  const script = load(SCRIPT), loop = load(LOOP);
  const evalOnce = () => {
    lua.lua_createtable(L, 1, 0); push(L, 'k'); lua.lua_rawseti(L, -2, 1); lua.lua_setglobal(L, 'KEYS');
    lua.lua_createtable(L, 1, 0); push(L, 'v1'); lua.lua_rawseti(L, -2, 1); lua.lua_setglobal(L, 'ARGV');
    run(script);
  };
  return {
    name: 'fengari 0.1.5 (stock)',
    evals: () => bench(evalOnce),
    loop: () => time(() => run(loop)),
    hook: (on) => lua.lua_sethook(L, on ? () => {} : null, on ? lua.LUA_MASKCOUNT : 0, 100000),
    exact: (src) => run(load(src)),
  };
}

async function wasmoonVm() {
  const { LuaFactory } = await import('wasmoon');
  const w = await new LuaFactory().getLuaModule();
  const M = w.module;
  const L = w.luaL_newstate();
  w.luaL_openlibs(L);
  const lenPtr = M._malloc(8), scratch = M._malloc(1 << 16);
  const str = (L, i) => { const p = M._lua_tolstring(L, i, lenPtr); return Buffer.from(M.HEAPU8.buffer, p, M.HEAPU32[lenPtr >> 2]).latin1Slice(); };
  const push = (L, s) => { Buffer.from(M.HEAPU8.buffer, scratch, s.length).latin1Write(s); M._lua_pushlstring(L, scratch, s.length); };
  const call = M.addFunction((L) => {
    const argv = [];
    for (let i = 1, n = M._lua_gettop(L); i <= n; i++) argv.push(str(L, i));
    push(L, argv[0] === 'get' ? store.get(argv[1]) ?? '' : (store.set(argv[1], argv[2]), 'OK'));
    return 1;
  }, 'ii');
  M._lua_createtable(L, 0, 1); M._lua_pushcclosure(L, call, 0); w.lua_setfield(L, -2, 'call'); w.lua_setglobal(L, 'redis');
  const REG = -1001000;
  const load = (src) => { const b = Buffer.from(src, 'latin1'); const p = M._malloc(b.length); M.HEAPU8.set(b, p); w.luaL_loadbufferx(L, p, b.length, '=s', null); M._free(p); return w.luaL_ref(L, REG); };
  const run = (ref) => { M._lua_rawgeti(L, REG, BigInt(ref)); const st = M._lua_pcallk(L, 0, 1, 0, 0, 0); const v = str(L, -1); M._lua_settop(L, 0); return (st ? 'ERR ' : '') + v; };
  const script = load(SCRIPT), loop = load(LOOP);
  const hookFn = M.addFunction(() => {}, 'vii');
  const evalOnce = () => {
    M._lua_createtable(L, 1, 0); push(L, 'k'); M._lua_rawseti(L, -2, 1n); w.lua_setglobal(L, 'KEYS');
    M._lua_createtable(L, 1, 0); push(L, 'v1'); M._lua_rawseti(L, -2, 1n); w.lua_setglobal(L, 'ARGV');
    run(script);
  };
  return {
    name: 'wasmoon 1.16.0 (raw C API)',
    evals: () => bench(evalOnce),
    loop: () => time(() => run(loop)),
    hook: (on) => M._lua_sethook(L, on ? hookFn : 0, on ? 8 : 0, 100000),
    exact: (src) => run(load(src)),
  };
}

async function nodisVm() {
  const { LuaVM } = await import('../dist/scripting/vm.js');
  const { lua, lauxlib, bytesOf, latin1Of, pushBytes } = await import('../dist/scripting/lua/fengari.js');
  const vm = new LuaVM('eval', { execute: () => null, takeReply: () => Buffer.from('$5\r\nhello\r\n'), aclCheck: () => true, log() {}, verbosity: () => 2 });
  const L = vm.L;
  vm.current = {};
  const run = (ref) => { lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref); const st = lua.lua_pcall(L, 0, 1, 0); const v = lauxlib.luaL_tolstring(L, -1); lua.lua_settop(L, 0); return (st ? 'ERR ' : '') + latin1Of(v); };
  const load = (src) => vm.compile(bytesOf(src), '=s');
  const script = load(SCRIPT), loop = load(LOOP);
  return {
    name: 'fengari as nodis adapts it (5.1 numbers, read-only tables)',
    evals: () => bench(() => { vm.setEvalArrays(['k'], ['v1']); run(script); }),
    loop: () => time(() => run(loop)),
    hook: (on) => lua.lua_sethook(L, on ? () => {} : null, on ? lua.LUA_MASKCOUNT : 0, 10000),
    exact: (src) => run(load(src)),
  };
}

// One VM per process (nodis patches fengari's modules when it loads them): run without an
// argument to measure each in a child process, best of three runs.
const which = process.argv[2];
if (which === undefined) {
  const { execFileSync } = await import('node:child_process');
  for (const v of ['fengari', 'nodis', 'wasmoon']) {
    process.stdout.write(execFileSync(process.execPath, [new URL(import.meta.url).pathname, v], { encoding: 'utf8' }));
  }
  process.exit(0);
}
const make = { fengari: async () => fengariVm(), nodis: nodisVm, wasmoon: wasmoonVm }[which];
const vms = [await make().catch((e) => (console.log(`${which} not available:`, e.message), null))].filter(Boolean);
for (const vm of vms) {
  let evals = 0, evalsHooked = 0, base = Infinity, hooked = Infinity;
  for (let round = 0; round < 3; round++) {
    evals = Math.max(evals, vm.evals());
    base = Math.min(base, vm.loop());
    vm.hook(true);
    hooked = Math.min(hooked, vm.loop());
    evalsHooked = Math.max(evalsHooked, vm.evals());
    vm.hook(false);
  }
  console.log(`\n${vm.name}`);
  console.log(`  EVALs/s, 10-call script: ${evals} (with count hook: ${evalsHooked})`);
  console.log(`  3M-iteration loop: ${base.toFixed(0)} ms, with count hook ${hooked.toFixed(0)} ms (+${((hooked / base - 1) * 100).toFixed(0)}%)`);
  for (const src of EXACT) console.log(`  ${src.padEnd(36)} => ${JSON.stringify(vm.exact(src))}`);
}
