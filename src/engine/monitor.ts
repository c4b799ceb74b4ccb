/*
 * MONITOR: every command the server executes is echoed to the clients in monitor mode as one
 * status line, `+<unix seconds>.<microseconds> [<db> <client address>] "arg" "arg" ...`, the
 * arguments quoted with Redis's escaping (sdscatrepr). As in Redis 7.0 the line is produced by
 * call() after the command ran, so the commands a transaction runs appear before its EXEC;
 * administrative and skip_monitor commands are never shown, and secrets (AUTH / HELLO AUTH
 * passwords, MIGRATE AUTH/AUTH2, CONFIG SET of sensitive directives, ACL SETUSER rules) are
 * replaced by "(redacted)" here and in the slow log.
 */

import { performance } from 'node:perf_hooks';
import type { Client } from './client.js';

/** sdscatrepr: a double-quoted, escaped rendering of a binary-safe (latin1) string. */
export function reprString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    switch (ch) {
      case 0x5c:
        out += '\\\\';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      default:
        if (ch >= 0x20 && ch <= 0x7e) out += s[i];
        else out += '\\x' + (ch < 16 ? '0' : '') + ch.toString(16);
    }
  }
  return out + '"';
}

/** Client names are printable ASCII without spaces ('!'..'~'). */
function validName(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

/** Directives whose CONFIG SET value never shows in MONITOR or the slow log. */
const SENSITIVE_CONFIGS = new Set(['masteruser', 'masterauth', 'requirepass']);

const REDACTED = '(redacted)';

function eq(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b;
}

/**
 * The argument positions a command hides (Redis's redactClientCommandArgument calls), given
 * its full name and arguments; null when nothing is hidden. Parsing stops where the command
 * itself would stop with an error, as the redaction happens while the command parses.
 */
function redactedPositions(fullName: string, argv: readonly string[]): number[] | null {
  switch (fullName) {
    case 'auth':
      if (argv.length > 3) return null;
      return argv.length === 3 ? [1, 2] : [1];
    case 'hello': {
      const out: number[] = [];
      for (let j = 2; j < argv.length; j++) {
        const more = argv.length - 1 - j;
        if (eq(argv[j], 'auth') && more >= 2) {
          out.push(j + 1, j + 2);
          j += 2;
        } else if (eq(argv[j], 'setname') && more >= 1) {
          // An invalid name ends HELLO with an error before later options are seen.
          if (!validName(argv[j + 1] as string)) break;
          j++;
        } else break;
      }
      return out.length ? out : null;
    }
    case 'migrate': {
      const out: number[] = [];
      for (let j = 6; j < argv.length; j++) {
        const more = argv.length - 1 - j;
        const a = argv[j];
        if (eq(a, 'copy') || eq(a, 'replace')) continue;
        if (eq(a, 'auth')) {
          if (!more) break;
          out.push(++j);
        } else if (eq(a, 'auth2')) {
          if (more < 2) break;
          out.push(++j, ++j);
        } else if (eq(a, 'keys')) {
          break;
        } else break;
      }
      return out.length ? out : null;
    }
    case 'config|set': {
      const out: number[] = [];
      for (let j = 2; j + 1 < argv.length; j += 2) {
        if (SENSITIVE_CONFIGS.has((argv[j] as string).toLowerCase())) out.push(j + 1);
      }
      return out.length ? out : null;
    }
    case 'acl|setuser': {
      const out: number[] = [];
      for (let j = 2; j < argv.length; j++) out.push(j);
      return out.length ? out : null;
    }
    default:
      return null;
  }
}

/** The arguments as MONITOR and the slow log show them (secrets replaced by "(redacted)"). */
export function redactArgv(fullName: string, argv: readonly string[]): readonly string[] {
  const pos = redactedPositions(fullName, argv);
  if (pos === null) return argv;
  const out = argv.slice();
  for (const p of pos) if (p < out.length) out[p] = REDACTED;
  return out;
}

export interface MonitorHost {
  schedule(c: Client): void;
  /** The unix socket path (`unixsocket`), shown for clients connected through it. */
  unixSocketPath(): string;
}

export class Monitors {
  readonly clients = new Set<Client>();

  constructor(private readonly host: MonitorHost) {}

  get size(): number {
    return this.clients.size;
  }

  add(c: Client): void {
    this.clients.add(c);
  }

  remove(c: Client): void {
    this.clients.delete(c);
  }

  has(c: Client): boolean {
    return this.clients.has(c);
  }

  /**
   * replicationFeedMonitors: send one command line to every monitor. `origin` is the client
   * that ran it, or null for commands run by a script (shown as "lua").
   */
  feed(origin: Client | null, dbIndex: number, argv: readonly string[]): void {
    if (this.clients.size === 0) return;
    const now = performance.timeOrigin + performance.now();
    const sec = Math.floor(now / 1000);
    const usec = Math.floor((now - sec * 1000) * 1000);
    let line = `+${sec}.${String(Math.min(usec, 999999)).padStart(6, '0')} `;
    if (origin === null) line += `[${dbIndex} lua] `;
    else if (origin.conn.isUnix) line += `[${dbIndex} unix:${this.host.unixSocketPath()}] `;
    else line += `[${dbIndex} ${origin.conn.addr}] `;
    for (let j = 0; j < argv.length; j++) {
      if (j) line += ' ';
      line += reprString(argv[j] as string);
    }
    line += '\r\n';
    for (const m of this.clients) {
      // Monitor output is a normal reply: CLIENT REPLY OFF / SKIP silence it.
      if (m.closed || m.replyMode === 'off' || m.skipNext) continue;
      const w = m.writer;
      const suppressed = w.suppressed;
      w.suppressed = false;
      w.raw(line);
      w.suppressed = suppressed;
      this.host.schedule(m);
    }
  }
}
