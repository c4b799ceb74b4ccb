// The in-process nodis server most socket-level test files share: started (loglevel warning
// plus the file's settings) with one RESP2 ioredis client, and both closed again.
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';

export interface TestServer {
  s: RunningServer;
  r: Redis;
}

export async function startTestServer(config: Record<string, string> = {}): Promise<TestServer> {
  const s = await startServer({ port: 0, config: { loglevel: 'warning', ...config } });
  return { s, r: new Redis({ port: s.port, protocol: 2 }) };
}

export async function stopTestServer({ s, r }: TestServer): Promise<void> {
  r.disconnect();
  await s.close();
}
