/*
 * Listening sockets: TCP on each `bind` address at `port`, and optionally a unix socket.
 * Accepted sockets are handed to `onSocket` with the unix path (or null for TCP).
 *
 * CONFIG SET port / bind must know at once whether the new sockets can be bound (the command
 * fails and rolls back otherwise), but net.Server.listen reports bind errors asynchronously.
 * rebindTcpSync therefore binds raw libuv TCP handles (node's tcp_wrap binding: bind and listen
 * return an errno synchronously) and only then hands them to net.Server.listen(handle).
 */

import net from 'node:net';
import fs from 'node:fs';
import util from 'node:util';

/** The slice of node's internal tcp_wrap TCP handle used to bind synchronously. */
interface RawTcpHandle {
  bind(addr: string, port: number): number;
  bind6(addr: string, port: number, flags: number): number;
  listen(backlog: number): number;
  close(): void;
}
interface TcpWrap {
  TCP: new (type: number) => RawTcpHandle;
  constants: { SERVER: number };
}

function tcpWrap(): TcpWrap {
  // process.binding is untyped in @types/node; tcp_wrap is on node's allow-list for it.
  return (process as unknown as { binding(name: string): TcpWrap }).binding('tcp_wrap');
}

/** strerror's text for the errors a bind can meet (others: the errno name). */
const BIND_ERRORS: Record<string, string> = {
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  EINVAL: 'Invalid argument',
};

function errnoMessage(err: number): string {
  let name: string;
  try {
    name = util.getSystemErrorName(err);
  } catch {
    return `error ${err}`;
  }
  return BIND_ERRORS[name] ?? name;
}

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
  private tcpServers: net.Server[] = [];
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
        this.tcpServers.push(server);
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  }

  /**
   * Replace the TCP listeners by ones on `port` at `bind` (port 0: none), synchronously.
   * Returns null, or the warning for the address that could not be bound. A new port is bound
   * before the old listeners close (a failure changes nothing); the same port (a `bind`
   * change) can only be bound after they closed (a failure leaves no TCP listener: the
   * caller restores the old addresses). The connections already accepted stay open.
   */
  rebindTcpSync(port: number, bind: string[], backlog: number): string | null {
    const handles: RawTcpHandle[] = [];
    if (port === this.port) this.closeTcp();
    if (port !== 0) {
      const { TCP, constants } = tcpWrap();
      const addrs = bind.length ? bind : ['*'];
      for (const raw of addrs) {
        const optional = raw.startsWith('-');
        const addr = optional ? raw.slice(1) : raw;
        const tries = addr === '*' ? ['::', '0.0.0.0'] : [addr === '::*' ? '::' : addr];
        let err = 0;
        for (const a of tries) {
          const h = new TCP(constants.SERVER);
          err = a.includes(':') ? h.bind6(a, port, 0) : h.bind(a, port);
          if (err === 0) err = h.listen(backlog);
          if (err === 0) {
            handles.push(h);
            break;
          }
          h.close();
        }
        if (err === 0 || optional || addr === '::' || addr === '::*') continue;
        for (const h of handles) h.close();
        return `Warning: Could not create server TCP listening socket ${addr}:${port}: ${errnoMessage(err)}`;
      }
    }
    this.closeTcp();
    for (const h of handles) {
      const server = net.createServer({ noDelay: true }, (s) => this.onSocket(s, null));
      server.listen(h);
      this.servers.push(server);
      this.tcpServers.push(server);
    }
    this.port = port;
    return null;
  }

  private closeTcp(): void {
    const old = this.tcpServers;
    if (old.length === 0) return;
    this.servers = this.servers.filter((s) => !old.includes(s));
    this.tcpServers = [];
    for (const s of old) s.close();
  }

  async close(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    this.tcpServers = [];
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
