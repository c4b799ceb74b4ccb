/*
 * Listening sockets: TCP on each `bind` address at `port`, and optionally a unix socket.
 * Accepted sockets are handed to `onSocket` with the unix path (or null for TCP).
 */

import net from 'node:net';
import fs from 'node:fs';

export interface ListenOptions {
  /** TCP port; 0 means no TCP listener (Redis's `port 0`) unless `anyPort` is set. */
  port: number;
  /** Listen on a free port chosen by the OS (the embedding API's port 0). */
  anyPort?: boolean;
  bind: string[];
  backlog: number;
  unixSocket: string;
  unixSocketPerm: number;
}

export class Listener {
  private servers: net.Server[] = [];
  /** The TCP port actually bound (port 0 picks a free one). */
  port = 0;

  constructor(private readonly onSocket: (socket: net.Socket, unixPath: string | null) => void) {}

  async listen(opts: ListenOptions): Promise<void> {
    if (opts.port !== 0 || opts.anyPort) {
      let port = opts.port;
      const addrs = opts.bind.length ? opts.bind : ['*'];
      for (const raw of addrs) {
        const optional = raw.startsWith('-');
        const addr = optional ? raw.slice(1) : raw;
        const host = addr === '*' ? undefined : addr;
        try {
          port = await this.listenTcp(host, port, opts.backlog);
        } catch (e) {
          if (optional || (addr === '::' || addr === '::*')) continue;
          throw e;
        }
      }
      this.port = port;
    }
    if (opts.unixSocket !== '') {
      try {
        fs.unlinkSync(opts.unixSocket);
      } catch {
        /* not there */
      }
      const path = opts.unixSocket;
      const server = net.createServer({ noDelay: true }, (s) => this.onSocket(s, path));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ path, backlog: opts.backlog }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      if (opts.unixSocketPerm) fs.chmodSync(path, opts.unixSocketPerm);
      this.servers.push(server);
    }
  }

  private listenTcp(host: string | undefined, port: number, backlog: number): Promise<number> {
    const server = net.createServer({ noDelay: true }, (s) => this.onSocket(s, null));
    return new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, backlog }, () => {
        server.off('error', reject);
        this.servers.push(server);
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  }

  async close(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
