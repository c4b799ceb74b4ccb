/*
 * What the engine needs from the scripting layer (src/scripting/), which sits above it:
 * declared here, implemented there, attached by the composition root (server.ts).
 */

import type { ScriptingPort } from '../commands/context.js';

/** INFO memory's scripting fields. */
export interface ScriptingMemoryInfo {
  usedMemoryLua: number;
  usedMemoryScriptsEval: number;
  numberOfCachedScripts: number;
  numberOfFunctions: number;
  numberOfLibraries: number;
  usedMemoryVmFunctions: number;
  usedMemoryFunctions: number;
}

export interface ScriptingHooks {
  memoryInfo(): ScriptingMemoryInfo;
  /** The function libraries as RDB records (RDB_OPCODE_FUNCTION2 + source string, each). */
  rdbFunctionRecords(compress: boolean): Buffer;
  /** The libraries' sources (an AOF rewrite writes FUNCTION LOAD for each). */
  functionCodes(): string[];
  /** Create a library read from an RDB file; returns an error text or null. */
  loadLibrary(code: string, replace: boolean): string | null;
  /** Drop every library (before loading an RDB file that carries functions). */
  flushFunctions(): void;
}

function detached(): never {
  throw new Error('scripting is not attached to this engine');
}

/** The scripting port of an engine without the scripting layer (an engine built by hand). */
export const DETACHED_SCRIPTING: ScriptingPort = {
  eval(c) {
    c.reply.error('ERR scripting is not available on this server');
  },
  fcall(c) {
    c.reply.error('ERR scripting is not available on this server');
  },
  scriptLoad: () => ({ error: 'ERR scripting is not available on this server' }),
  scriptExists: () => false,
  scriptFlush() {},
  kill: () => 'NOTBUSY No scripts in execution right now.',
  functionLoad: () => ({ error: 'ERR scripting is not available on this server' }),
  functionDelete: () => false,
  functionFlush() {},
  functionList: () => [],
  functionDump: detached,
  functionRestore: () => 'ERR scripting is not available on this server',
  functionStats: () => ({ running: null, engines: [{ name: 'LUA', libraries: 0, functions: 0 }] }),
};
