// A raw RESP client for tests that compare exact bytes: sends commands as multibulk requests and
// returns each reply's raw bytes (latin1), split by a small RESP2/RESP3 reply scanner.
import net from 'node:net';

/** Encode argv as a RESP multibulk request. */
export function encodeCommand(argv: readonly string[]): Buffer {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}

/** End offset of the complete reply starting at `p`, or -1 if incomplete. */
export function replyEnd(b: string, p: number): number {
  const nl = b.indexOf('\r\n', p);
  if (nl === -1) return -1;
  const type = b[p];
  const head = b.slice(p + 1, nl);
  switch (type) {
    case '+': case '-': case ':': case ',': case '#': case '_': case '(':
      return nl + 2;
    case '$': case '=': case '!': {
      const n = Number(head);
      if (n < 0) return nl + 2;
      const end = nl + 2 + n + 2;
      return b.length >= end ? end : -1;
    }
    case '*': case '~': case '>': case '%': case '|': {
      let n = Number(head);
      if (n < 0) return nl + 2;
      if (type === '%' || type === '|') n *= 2;
      let q = nl + 2;
      for (let i = 0; i < n; i++) {
        q = replyEnd(b, q);
        if (q === -1) return -1;
      }
      if (type === '|') return replyEnd(b, q);
      return q;
    }
    default:
      throw new Error(`bad reply type ${JSON.stringify(type)} at ${p}: ${JSON.stringify(b.slice(p, p + 40))}`);
  }
}

export class RawClient {
  private buf = '';
  private waiters: Array<(r: string) => void> = [];
  closed = false;

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d) => {
      this.buf += d.toString('latin1');
      this.pump();
    });
    sock.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w('<closed>');
    });
    sock.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private pump(): void {
    while (this.waiters.length && this.buf.length) {
      const end = replyEnd(this.buf, 0);
      if (end === -1) return;
      const r = this.buf.slice(0, end);
      this.buf = this.buf.slice(end);
      this.waiters.shift()?.(r);
    }
  }

  /** Send one command; resolves with its reply's raw bytes. */
  call(...argv: string[]): Promise<string> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.sock.write(encodeCommand(argv));
      this.pump();
    });
  }

  /** Send raw bytes and wait for `n` replies. */
  async raw(bytes: string | Buffer, n = 1): Promise<string[]> {
    const ps: Promise<string>[] = [];
    for (let i = 0; i < n; i++) ps.push(new Promise((r) => this.waiters.push(r)));
    this.sock.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    this.pump();
    return Promise.all(ps);
  }

  /** Resolves when the server closes the connection. */
  waitClose(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((r) => this.sock.once('close', () => r()));
  }

  close(): void {
    this.sock.destroy();
  }
}
