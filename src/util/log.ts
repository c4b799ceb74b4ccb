/*
 * Logging through pino at Redis's levels: debug < verbose < notice < warning.
 * `loglevel` picks the threshold; `logfile` "" means standard output. Each line is a pino JSON
 * object with Redis's role letter (M master, S replica, C child) and the pid.
 */

import pino, { type Logger } from 'pino';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

const LEVELS: Record<LogLevel, number> = { debug: 20, verbose: 25, notice: 30, warning: 40 };

export interface ServerLogger {
  log(level: LogLevel, msg: string): void;
  setLevel(level: LogLevel | 'nothing'): void;
  setFile(path: string): void;
  /** Set the role letter shown in each line. */
  setRole(role: 'M' | 'S'): void;
  flush(): void;
}

export function createLogger(level: LogLevel | 'nothing', file: string): ServerLogger {
  let role: 'M' | 'S' = 'M';
  let logger = make(file, level);
  function make(path: string, lvl: LogLevel | 'nothing'): Logger<LogLevel> {
    const dest = pino.destination({ dest: path === '' ? 1 : path, sync: true, mkdir: false });
    return pino<LogLevel>(
      {
        customLevels: LEVELS,
        useOnlyCustomLevels: true,
        level: lvl === 'nothing' ? 'silent' : lvl,
        base: { pid: process.pid },
        mixin: () => ({ role }),
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      dest,
    );
  }
  return {
    log(lvl, msg) {
      logger[lvl](msg);
    },
    setLevel(lvl) {
      logger.level = lvl === 'nothing' ? 'silent' : lvl;
    },
    setFile(path) {
      logger = make(path, logger.level === 'silent' ? 'nothing' : (logger.level as LogLevel));
    },
    setRole(r) {
      role = r;
    },
    flush() {
      logger.flush();
    },
  };
}
