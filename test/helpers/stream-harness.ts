// The recording fake context set up for stream handlers (node limits fixed), with each run's
// effects in the shape the stream tests compare.
import { FakeServer } from './fake-ctx.js';

export class StreamHarness {
  readonly fake = new FakeServer();
  constructor() {
    this.fake.config.set('stream-node-max-bytes', '4096');
    this.fake.config.set('stream-node-max-entries', '100');
  }
  run(...argv: string[]) {
    const reply = this.fake.run(...argv);
    const e = this.fake.effects;
    return {
      reply,
      events: e.events.map((ev) => ev.split(':')[1]),
      dirty: e.dirty,
      prop: e.propagateAs,
      also: e.propagated.map((p) => p.argv),
      modified: e.modified.length,
    };
  }
}
