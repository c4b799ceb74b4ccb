/*
 * The ACL LOG: recent denials (commands, keys, channels, failed AUTH), newest first. A new
 * event equal to one of the ten newest entries (same reason, context, object and user, within a
 * minute) bumps that entry's count and moves it to the front instead of adding a new one.
 */

import type { AclLogEntryView } from '../commands/context.js';
import { DENIED_AUTH, DENIED_CHANNEL, DENIED_CMD, DENIED_KEY } from './check.js';

const GROUPING_MAX_MS = 60000;

interface LogEntry {
  count: number;
  reason: number;
  context: string;
  object: string;
  username: string;
  ctime: number;
  cinfo: string;
}

function reasonName(r: number): string {
  switch (r) {
    case DENIED_CMD: return 'command';
    case DENIED_KEY: return 'key';
    case DENIED_CHANNEL: return 'channel';
    case DENIED_AUTH: return 'auth';
    default: return 'unknown';
  }
}

export class AclLog {
  private entries: LogEntry[] = [];

  add(reason: number, context: string, object: string, username: string, cinfo: string, maxLen: number): void {
    const now = Date.now();
    const scan = Math.min(10, this.entries.length);
    for (let i = 0; i < scan; i++) {
      const e = this.entries[i] as LogEntry;
      if (e.reason === reason && e.context === context && Math.abs(e.ctime - now) <= GROUPING_MAX_MS &&
        e.object === object && e.username === username) {
        this.entries.splice(i, 1);
        this.entries.unshift(e);
        e.cinfo = cinfo;
        e.ctime = now;
        e.count++;
        return;
      }
    }
    this.entries.unshift({ count: 1, reason, context, object, username, ctime: now, cinfo });
    if (this.entries.length > maxLen) this.entries.length = Math.max(0, maxLen);
  }

  reset(): void {
    this.entries = [];
  }

  view(count: number): AclLogEntryView[] {
    const now = Date.now();
    return this.entries.slice(0, Math.max(0, count)).map((e) => ({
      count: e.count,
      reason: reasonName(e.reason),
      context: e.context,
      object: e.object,
      username: e.username,
      ageSeconds: (now - e.ctime) / 1000,
      clientInfo: e.cinfo,
    }));
  }
}
