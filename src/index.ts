/*
 * nodis public API: start a Redis-compatible server inside any Node process.
 *
 *   import { startServer } from 'nodis';
 *   const server = await startServer({ port: 0 });
 *   // ... connect any Redis client to server.port ...
 *   await server.close();
 */

export { startServer } from './server.js';
export type { StartOptions, RunningServer } from './server.js';
