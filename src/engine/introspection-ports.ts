/*
 * The engine side of SLOWLOG, LATENCY, MONITOR and MEMORY (IntrospectionPort), and of
 * CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO (part of ClientsPort).
 */

import type { ClientView, IntrospectionPort, TrackingOptions } from '../commands/context.js';
import type { Client } from './client.js';
import type { Engine } from './engine.js';
import type { Command } from './registry.js';
import { TRACKING_BCAST, TRACKING_NOLOOP, TRACKING_OPTIN, TRACKING_OPTOUT } from './tracking.js';
import { memoryDoctor, memoryStats } from './memory-report.js';

export function makeIntrospectionPort(e: Engine): IntrospectionPort {
  const ins = (): Engine['introspection'] => e.introspection;
  return {
    slowlogGet: (count) => ins().slowlog.get(count),
    slowlogLen: () => ins().slowlog.length,
    slowlogReset: () => ins().slowlog.reset(),
    latencyLatest: () => {
      const out: Array<[string, number, number, number]> = [];
      for (const [name, ts] of ins().latency.events) {
        const last = ts.latest();
        out.push([name, last.time, last.latency, ts.max]);
      }
      return out;
    },
    latencyHistory: (event) => {
      const ts = ins().latency.events.get(event);
      return ts === undefined ? [] : ts.history().map((s) => [s.time, s.latency] as [number, number]);
    },
    latencyReset: (events) => {
      if (events === null) return ins().latency.reset(null);
      let n = 0;
      for (const ev of events) n += ins().latency.reset(ev);
      return n;
    },
    latencyGraph: (event) => ins().latency.graph(event),
    latencyDoctor: () =>
      ins().latency.doctor({
        slowlogLogSlowerThan: e.config.getNum('slowlog-log-slower-than'),
        appendfsyncAlways: e.config.getStr('appendfsync') === 'always',
        hz: e.hz,
      }),
    latencyHistogram: (names) => {
      const out: Array<[string, number, Array<[number, number]>]> = [];
      const add = (cmd: Command): void => {
        const h = cmd.histogram;
        if (h !== null) out.push([cmd.fullName, h.total, h.cdf()]);
      };
      if (names === null) {
        for (const cmd of e.registry.all()) add(cmd);
        return out;
      }
      for (const name of names) {
        const cmd = lookupByFullName(e, name);
        if (cmd === undefined) continue;
        add(cmd);
        if (cmd.subcommands !== null) for (const sub of cmd.subcommands.values()) add(sub);
      }
      return out;
    },
    monitor: (client) => {
      const c = client as Client;
      if (c.monitor) return false;
      c.monitor = true;
      ins().monitors.add(c);
      return true;
    },
    memoryStats: () => memoryStats(e),
    memoryDoctor: () => memoryDoctor(e),
  };
}

/** lookupCommandBySds: "name" or "container|sub", any case. */
function lookupByFullName(e: Engine, name: string): Command | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const base = e.registry.base(parts[0] as string);
  if (base === undefined || parts.length === 1) return base;
  return base.subcommands?.get((parts[1] as string).toLowerCase());
}

/* ---- CLIENT TRACKING family (ClientsPort methods) ---------------------------------------- */

export function trackingOn(e: Engine, client: ClientView, redirect: number, opts: TrackingOptions, prefixes: readonly string[]): string | null {
  let bits = 0;
  if (opts.bcast) bits |= TRACKING_BCAST;
  if (opts.optin) bits |= TRACKING_OPTIN;
  if (opts.optout) bits |= TRACKING_OPTOUT;
  if (opts.noloop) bits |= TRACKING_NOLOOP;
  return e.introspection.tracking.enableChecked(client as Client, redirect, bits, prefixes);
}

export function trackingOff(e: Engine, client: ClientView): void {
  e.introspection.tracking.disable(client as Client);
}
