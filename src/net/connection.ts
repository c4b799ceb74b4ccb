/*
 * One client connection: bytes in through the request parser, replies out in one write per
 * tick. The engine implements ConnectionSink (it receives each parsed command) and owns the
 * reply buffer; this layer only moves bytes and tracks what the socket still has to send.
 */

import type { Socket } from 'node:net';
import { RequestParser, type ParserLimits, type RequestSink } from '../protocol/request-parser.js';

export interface ConnectionSink extends RequestSink {
  /** The socket closed (by either side); called once. */
  onClose(): void;
}

export class Connection {
  readonly parser: RequestParser;
  readonly addr: string;
  readonly laddr: string;
  readonly isUnix: boolean;
  readonly isLoopback: boolean;
  readonly fd: number;
  private closed = false;
  private closing = false;
  private sink: ConnectionSink | null = null;
  /** Bytes read from / written to this connection. */
  bytesOut = 0;
  bytesIn = 0;

  constructor(
    readonly socket: Socket,
    limits: ParserLimits,
    unixPath: string | null,
    /** Server-wide byte counters (INFO total_net_input_bytes / total_net_output_bytes). */
    private readonly counters: { netInputBytes: number; netOutputBytes: number },
  ) {
    this.isUnix = unixPath !== null;
    if (unixPath !== null) {
      this.addr = `${unixPath}:0`;
      this.laddr = `${unixPath}:0`;
      this.isLoopback = true;
    } else {
      const ra = socket.remoteAddress ?? '?';
      const la = socket.localAddress ?? '?';
      this.addr = `${stripMapped(ra)}:${socket.remotePort ?? 0}`;
      this.laddr = `${stripMapped(la)}:${socket.localPort ?? 0}`;
      this.isLoopback = isLoopbackAddress(ra);
    }
    const handle = (socket as unknown as { _handle?: { fd?: number } })._handle;
    this.fd = handle?.fd ?? -1;
    socket.setNoDelay(true);
    this.parser = new RequestParser(
      {
        onCommand: (args) => this.sink?.onCommand(args) ?? false,
        onProtocolError: (m) => this.sink?.onProtocolError(m),
        onQueryBufferLimit: () => this.sink?.onQueryBufferLimit(),
        onRun: (active) => this.sink?.onRun?.(active),
      },
      limits,
    );
  }

  /** Start reading; commands go to `sink`. */
  start(sink: ConnectionSink): void {
    this.sink = sink;
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      this.counters.netInputBytes += chunk.length;
      this.parser.feed(chunk);
    });
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
    socket.on('end', () => this.destroy());
  }

  get isClosed(): boolean {
    return this.closed || this.closing;
  }

  /** Bytes handed to the socket that it has not sent yet. */
  get pendingBytes(): number {
    return this.socket.writableLength;
  }

  write(chunks: Buffer[]): void {
    if (this.closed) return;
    const socket = this.socket;
    let n = 0;
    if (chunks.length === 1) {
      const c = chunks[0] as Buffer;
      n = c.length;
      socket.write(c);
    } else {
      socket.cork();
      for (const c of chunks) {
        n += c.length;
        socket.write(c);
      }
      socket.uncork();
    }
    this.bytesOut += n;
    this.counters.netOutputBytes += n;
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.closed) this.socket.resume();
  }

  /** Close after everything written so far has been sent. */
  closeAfterWrite(): void {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.socket.pause();
    // Close the whole socket once the output is flushed (not just our half): a peer that keeps
    // writing then gets a reset, as it does from Redis.
    this.socket.end(() => this.destroy());
  }

  /** Close now, dropping unsent output. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    const sink = this.sink;
    this.sink = null;
    sink?.onClose();
  }
}

function stripMapped(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

function isLoopbackAddress(a: string): boolean {
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}
