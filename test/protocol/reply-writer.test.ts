// ReplyWriter.integer writes safe integers digit by digit into its buffer: the bytes must equal
// the text form for every magnitude and sign, across a buffer spill, and respect suppression.
import { describe, expect, it } from 'vitest';
import { ReplyWriter } from '../../src/protocol/reply-writer.js';

function text(w: ReplyWriter): string {
  return Buffer.concat(w.take() ?? []).toString('latin1');
}

describe('ReplyWriter.integer', () => {
  it('matches the decimal text for every digit count, both signs, and the unsafe fallbacks', () => {
    const values: Array<number | bigint> = [0, -0, 1, -1, 9, 10, -10, 99, 100, 12345, -9876543210,
      Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, -(2 ** 63), 9223372036854775807n, -5n];
    for (let d = 1; d <= 16; d++) values.push(10 ** d - 1, 10 ** (d - 1), -(10 ** d - 1));
    const w = new ReplyWriter();
    let expected = '';
    for (const v of values) {
      w.integer(v);
      expected += `:${typeof v === 'number' && Object.is(v, -0) ? 0 : v}\r\n`;
    }
    expect(text(w)).toBe(expected);
  });

  it('spills the buffer when the digits would not fit, and writes nothing while suppressed', () => {
    const w = new ReplyWriter();
    w.resize(1024);
    w.raw('x'.repeat(1010));
    w.integer(-1234567890123456);
    w.suppressed = true;
    w.integer(7);
    w.suppressed = false;
    w.integer(42);
    expect(text(w)).toBe(`${'x'.repeat(1010)}:-1234567890123456\r\n:42\r\n`);
  });
});
