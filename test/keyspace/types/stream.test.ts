import { describe, expect, it } from 'vitest';
import { FakeServer } from '../../helpers/fake-ctx.js';
import { CALL_FROM_AOF } from '../../../src/commands/context.js';
import { duplicateObject } from '../../../src/keyspace/duplicate.js';
import { encodingName, typeName, type RObject } from '../../../src/keyspace/object.js';
import { streamBytes, streamDigestParts, streamOf, streamRewriteCommands } from '../../../src/keyspace/types/stream.js';

function server(): FakeServer {
  const f = new FakeServer();
  f.config.set('stream-node-max-bytes', '4096');
  f.config.set('stream-node-max-entries', '3');
  return f;
}

/** A stream with deleted entries, a moved last ID, two groups, pending entries and an idle consumer. */
function populate(f: FakeServer): void {
  for (let i = 1; i <= 10; i++) f.run('XADD', 's', `${i}-0`, 'f', String(i), ...(i % 3 ? [] : ['extra', 'x']));
  f.run('XDEL', 's', '4-0', '10-0');
  f.run('XGROUP', 'CREATE', 's', 'g1', '0');
  f.run('XGROUP', 'CREATE', 's', 'g2', '$');
  f.run('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '3', 'STREAMS', 's', '>');
  f.run('XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '2', 'STREAMS', 's', '>');
  f.run('XGROUP', 'CREATECONSUMER', 's', 'g2', 'idle');
  f.run('XCLAIM', 's', 'g1', 'bob', '0', '1-0', 'RETRYCOUNT', '5');
}

describe('stream objects', () => {
  it('report type and encoding `stream`', () => {
    const f = server();
    f.run('XADD', 's', '1-0', 'a', 'b');
    const o = f.db().peek('s') as RObject;
    expect(typeName(o)).toBe('stream');
    expect(encodingName(o)).toBe('stream');
    expect(streamBytes(streamOf(o))).toBeGreaterThan(0);
  });

  it('COPY duplicates entries, counters and groups independently', () => {
    const f = server();
    populate(f);
    const full = (k: string): string => f.run('XINFO', 'STREAM', k, 'FULL');
    f.db().set('copy', duplicateObject(f.db().peek('s') as RObject));
    expect(full('copy')).toBe(full('s'));
    f.run('XACK', 's', 'g1', '1-0');
    f.run('XADD', 's', '20-0', 'f', 'v');
    f.run('XGROUP', 'DESTROY', 's', 'g2');
    expect(full('copy')).not.toBe(full('s'));
    expect(f.run('XPENDING', 'copy', 'g1')).toBe('*4\r\n:5\r\n$3\r\n1-0\r\n$3\r\n6-0\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n2\r\n*2\r\n$3\r\nbob\r\n$1\r\n3\r\n');
    expect(f.run('XLEN', 'copy')).toBe(':8\r\n');
  });

  it('the AOF rewrite commands rebuild the same stream', () => {
    const f = server();
    populate(f);
    const cmds: string[][] = [];
    streamRewriteCommands('s', streamOf(f.db().peek('s') as RObject), (argv) => cmds.push(argv));
    const g = server();
    g.callFlags = CALL_FROM_AOF;
    for (const argv of cmds) expect(g.run(...argv)).not.toMatch(/^-/);
    for (const argv of [['XINFO', 'STREAM', 's', 'FULL'], ['XINFO', 'GROUPS', 's'], ['XRANGE', 's', '-', '+']]) {
      expect(g.run(...argv)).toBe(f.run(...argv));
    }
    // An empty stream comes back empty, with its last ID.
    const e = server();
    e.run('XADD', 'e', 'MAXLEN', '0', '7-0', 'a', 'b');
    const ecmds: string[][] = [];
    streamRewriteCommands('e', streamOf(e.db().peek('e') as RObject), (argv) => ecmds.push(argv));
    expect(ecmds[0]).toEqual(['XADD', 'e', 'MAXLEN', '0', '0-1', 'x', 'y']);
    const h = server();
    for (const argv of ecmds) h.run(...argv);
    expect(h.run('XINFO', 'STREAM', 'e')).toBe(e.run('XINFO', 'STREAM', 'e'));
  });
});

describe('stream digest parts', () => {
  it('mixes each live entry ID as ms.seq, then its fields and values', () => {
    const f = server();
    f.run('XADD', 's', '1-2', 'a', 'b');
    f.run('XADD', 's', '3-0', 'c', 'd', 'e', 'f');
    f.run('XADD', 's', '4-0', 'x', 'y');
    f.run('XDEL', 's', '4-0');
    const parts: string[] = [];
    streamDigestParts(streamOf(f.db().peek('s') as RObject), (b) => parts.push(b));
    expect(parts).toEqual(['1.2', 'a', 'b', '3.0', 'c', 'd', 'e', 'f']);
  });
});
