/*
 * One client connection: bytes in through the request parser, replies out in one write per
 * tick. The engine implements ConnectionSink (it receives each parsed command) and owns the
 * reply buffer; this layer only moves bytes and tracks what the socket still has to send.
 */

import { Socket } from 'node:net';
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
  /** Whether reads go through the shared buffer (else through 'data' events). */
  sharedReads = false;
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

  /**
   * Start reading; commands go to `sink`. `sharedReads` (the default) reads into the shared
   * buffer (below), after which the socket emits no 'data' events: a caller that listens to
   * them itself passes false.
   */
  start(sink: ConnectionSink, sharedReads = true): void {
    this.sink = sink;
    const socket = this.socket;
    this.sharedReads = sharedReads && readIntoShared(socket, (n, buf) => {
      this.feed(buf, n);
      return true; // keep reading (onread pauses the socket on false)
    });
    if (!this.sharedReads) {
      socket.on('data', (chunk: Buffer) => this.feed(chunk));
    }
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
    socket.on('end', () => this.destroy());
  }

  /**
   * Bytes received: the first `n` of `buf` (the shared read buffer, a chunk of its own, or
   * bytes read before this connection existed, e.g. the replica's handover) are counted and
   * parsed.
   */
  feed(buf: Buffer, n = buf.length): void {
    this.bytesIn += n;
    this.counters.netInputBytes += n;
    this.parser.feed(n === buf.length ? buf : buf.subarray(0, n));
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
    this.parser.close(); // (gives back a pooled big-bulk buffer it may hold)
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

/*
 * Reading into one shared buffer. By default every read of a socket allocates a fresh 64 KiB
 * buffer (malloc, then a realloc to the bytes read), wraps it in a Buffer, pushes it through
 * the stream's queue and frees it at the next garbage collection: at a million small commands a
 * second that is a fifth of the server's user-mode instructions (measured with perf). Node can
 * instead read into a caller's buffer and hand over (bytes, buffer) directly: the `onread`
 * option of net.Socket. Sockets accepted by net.Server are created without it, so the same
 * fields are set on them here; pause() and resume() of net.Socket honour them (they stop and
 * start the handle's reading). One buffer serves every connection, since the callback runs to
 * completion and the parser copies any partial request out of it before returning (its
 * feed() contract). The fields are internal symbols, found on a probe socket built with the
 * public option; a Node that lays them out differently falls back to 'data' events.
 */
const READ_BUFFER_SIZE = 64 * 1024;
let shared: Buffer | null = null;
interface ReadSymbols {
  buffer: symbol;
  callback: symbol;
  gen: symbol | undefined;
}
/** undefined: not looked for yet; null: this Node has no such fields. */
let symbols: ReadSymbols | null | undefined;

function findSymbols(): ReadSymbols | null {
  // `onread` is a documented net.Socket option missing from @types/node's constructor options.
  const opts = { onread: { buffer: Buffer.alloc(1), callback: () => true } };
  const probe = new Socket(opts as ConstructorParameters<typeof Socket>[0]);
  const find = (name: string): symbol | undefined =>
    Object.getOwnPropertySymbols(probe).find((x) => x.description === name);
  const buffer = find('kBuffer');
  const callback = find('kBufferCb');
  probe.destroy();
  return buffer !== undefined && callback !== undefined ? { buffer, callback, gen: find('kBufferGen') } : null;
}

type Handle = { useUserBuffer?: (b: Buffer) => void };

function readIntoShared(socket: Socket, cb: (n: number, buf: Buffer) => boolean): boolean {
  const sym = symbols === undefined ? (symbols = findSymbols()) : symbols;
  const handle = (socket as unknown as { _handle?: Handle | null })._handle;
  if (sym === null || handle === null || handle === undefined || typeof handle.useUserBuffer !== 'function') {
    return false;
  }
  shared ??= Buffer.allocUnsafe(READ_BUFFER_SIZE);
  // Symbol-keyed fields of net.Socket: written through an index signature.
  const fields = socket as unknown as Record<symbol, unknown>;
  fields[sym.buffer] = shared;
  fields[sym.callback] = cb;
  if (sym.gen !== undefined) fields[sym.gen] = null;
  handle.useUserBuffer(shared);
  socket.resume();
  return true;
}
