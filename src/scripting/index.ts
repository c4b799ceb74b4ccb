/*
 * The scripting layer: Lua scripts (EVAL, SCRIPT) and functions (FUNCTION, FCALL) on top of the
 * engine. attachScripting wires it into an engine: the command port and the engine's hooks.
 */

import type { Engine } from '../engine/engine.js';
import { Scripting } from './scripting.js';

export { Scripting } from './scripting.js';

/** Create the scripting service of `engine` and plug it in. */
export function attachScripting(engine: Engine): Scripting {
  const s = new Scripting(engine);
  engine.ports.scripting = s;
  engine.scripting = s;
  return s;
}
