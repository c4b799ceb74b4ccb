/*
 * CONFIG SET port / bind: move the TCP listeners at once, like Redis's updatePort /
 * updateBind apply functions. A failure to bind is the apply error that makes the whole
 * CONFIG SET fail and roll back (the config layer then runs this hook again with the old
 * values, which binds the old addresses again).
 */

import type { Config } from '../config/config.js';
import type { Listener } from '../net/listener.js';

export interface ListenConfigHost {
  readonly config: Config;
  readonly listener: Listener;
  log(level: 'warning', msg: string): void;
}

/**
 * Register the apply hooks; call once the listeners are up. The `port` value configured at
 * startup stands for the port actually bound then (an embedding server may have been asked
 * for any free port).
 */
export function watchListenConfig(e: ListenConfigHost): void {
  const c = e.config;
  const startConfigured = c.getNum('port');
  const startBound = e.listener.port;
  let boundAddrs = c.getStr('bind');
  const apply = (error: string) => (): string | null => {
    const configured = c.getNum('port');
    const port = configured === startConfigured ? startBound : configured;
    const bind = c.getStr('bind');
    const samePort = port === e.listener.port;
    if (samePort && bind === boundAddrs) return null;
    const warning = e.listener.rebindTcpSync(port, bind.split(' ').filter((s) => s !== ''), c.getNum('tcp-backlog'));
    if (warning !== null) {
      e.log('warning', warning);
      // On the same port the old listeners are gone: the rollback must bind them again.
      if (samePort) boundAddrs = '';
      return error;
    }
    boundAddrs = bind;
    return null;
  };
  c.onChange('port', apply('Unable to listen on this port. Check server logs.'));
  c.onChange('bind', apply('Failed to bind to specified addresses.'));
}
