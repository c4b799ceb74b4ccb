// Propagation's shouldPropagate rule: operations reach only consumers that take them right now,
// and with no active consumer of a target they are not even collected.
import { describe, expect, it } from 'vitest';
import { PROPAGATE_ALL, PROPAGATE_AOF, PROPAGATE_REPL, Propagation } from '../../src/engine/propagation.js';

const cmd = { fullName: 'exec' };

describe('Propagation', () => {
  it('collects nothing while no consumer is active, and everything once one is', () => {
    const p = new Propagation();
    let aofOn = false;
    let replOn = false;
    const aof: string[] = [];
    const repl: string[] = [];
    p.addSink(PROPAGATE_AOF, (db, argv) => aof.push(`${db} ${argv.join(' ')}`), () => aofOn);
    p.addSink(PROPAGATE_REPL, (db, argv) => repl.push(`${db} ${argv.join(' ')}`), () => replOn);

    p.add(0, ['SET', 'a', '1'], PROPAGATE_ALL, true);
    expect(p.hasPending).toBe(false);
    p.add(0, ['SET', 'a', '1'], PROPAGATE_ALL, false);
    expect(aof).toEqual([]);
    expect(repl).toEqual([]);

    // Only replication takes operations: AOF-only ones are dropped before collection.
    replOn = true;
    p.add(0, ['SET', 'b', '2'], PROPAGATE_AOF, true);
    expect(p.hasPending).toBe(false);
    p.add(0, ['SET', 'b', '2'], PROPAGATE_ALL, true);
    p.add(1, ['PUBLISH', 'ch', 'm'], PROPAGATE_REPL, true);
    p.flush(cmd);
    expect(repl).toEqual(['0 MULTI', '0 SET b 2', '1 PUBLISH ch m', '1 EXEC']);
    expect(aof).toEqual([]); // an inactive consumer gets nothing, not even the wrapping

    aofOn = true;
    replOn = false;
    p.add(2, ['DEL', 'c'], PROPAGATE_ALL, false);
    expect(aof).toEqual(['2 DEL c']);
    expect(repl).toHaveLength(4);
  });

  it('a consumer registered without a predicate is always active', () => {
    const p = new Propagation();
    const ops: string[] = [];
    const stop = p.addSink(PROPAGATE_ALL, (_db, argv) => ops.push(argv.join(' ')));
    p.add(0, ['INCR', 'n'], PROPAGATE_ALL, true);
    expect(p.hasPending).toBe(true);
    p.flush(cmd);
    expect(ops).toEqual(['INCR n']);
    stop();
    p.add(0, ['INCR', 'n'], PROPAGATE_ALL, true);
    expect(p.hasPending).toBe(false);
  });
});
