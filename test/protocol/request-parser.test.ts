import { describe, expect, it } from 'vitest';
import {
  PROTO_INLINE_MAX_SIZE,
  RequestParser,
  splitInlineArgs,
  type ParserLimits,
} from '../../src/protocol/request-parser.js';

interface Recorder {
  parser: RequestParser;
  commands: string[][];
  errors: string[];
  limitHits: number;
  limits: ParserLimits;
}

function make(opts: { limits?: Partial<ParserLimits>; pauseAfter?: (args: string[]) => boolean } = {}): Recorder {
  const limits: ParserLimits = {
    protoMaxBulkLen: 512 * 1024 * 1024,
    clientQueryBufferLimit: 1024 * 1024 * 1024,
    ...opts.limits,
  };
  const rec = { commands: [], errors: [], limitHits: 0, limits } as unknown as Recorder;
  rec.parser = new RequestParser(
    {
      onCommand(args) {
        rec.commands.push(args);
        return opts.pauseAfter ? !opts.pauseAfter(args) : true;
      },
      onProtocolError(message) {
        rec.errors.push(message);
      },
      onQueryBufferLimit() {
        rec.limitHits++;
      },
    },
    limits,
  );
  return rec;
}

const L = (s: string): Buffer => Buffer.from(s, 'latin1');

function resp(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** Feeds `data` whole and returns what was recorded. */
function parseAll(data: string, setup?: (p: RequestParser) => void): Recorder {
  const r = make();
  setup?.(r.parser);
  r.parser.feed(L(data));
  return r;
}

describe('multibulk requests', () => {
  it('parses a single command and a pipeline', () => {
    const r = parseAll(resp(['SET', 'key', 'value']) + resp(['GET', 'key']) + resp(['PING']));
    expect(r.commands).toEqual([['SET', 'key', 'value'], ['GET', 'key'], ['PING']]);
    expect(r.errors).toEqual([]);
    expect(r.parser.bufferedBytes).toBe(0);
  });

  it('skips *0 and negative counts without producing a command', () => {
    const r = parseAll('*0\r\n*-1\r\n*-9223372036854775808\r\n' + resp(['PING']));
    expect(r.commands).toEqual([['PING']]);
    expect(r.errors).toEqual([]);
  });

  it('accepts empty bulks and keeps the partial tail buffered', () => {
    const r = make();
    r.parser.feed(L('*2\r\n$0\r\n\r\n$3\r\nab'));
    expect(r.commands).toEqual([]);
    expect(r.parser.bufferedBytes).toBe(2);
    r.parser.feed(L('c\r\n'));
    expect(r.commands).toEqual([['', 'abc']]);
    expect(r.parser.bufferedBytes).toBe(0);
  });

  it('does not check the two bytes after a length line or a bulk (like Redis)', () => {
    const r = parseAll('*1\rX$4\r\nPINGxx' + resp(['ECHO', 'a']));
    expect(r.commands).toEqual([['PING'], ['ECHO', 'a']]);
  });

  it('waits for the byte after a final \\r before deciding', () => {
    const r = make();
    r.parser.feed(L('*1\r'));
    r.parser.feed(L('\n$4\r'));
    expect(r.commands).toEqual([]);
    r.parser.feed(L('\nPING\r\n'));
    expect(r.commands).toEqual([['PING']]);
  });

  it('keeps every byte 0x00..0xff intact', () => {
    const bytes = Buffer.alloc(256);
    for (let i = 0; i < 256; i++) bytes[i] = i;
    const value = bytes.latin1Slice(0, 256);
    const wire = Buffer.concat([L('*3\r\n$3\r\nSET\r\n$3\r\nk\x00\xff\r\n$256\r\n'), bytes, L('\r\n')]);
    const r = make();
    r.parser.feed(wire);
    expect(r.commands).toEqual([['SET', 'k\x00\xff', value]]);
    expect(Buffer.from(r.commands[0]![2]!, 'latin1').equals(bytes)).toBe(true);
  });

  it('reports lastCommandBytes as the sum of argument lengths', () => {
    const r = parseAll(resp(['SET', 'key', 'value']));
    expect(r.parser.lastCommandBytes).toBe(11);
    const r2 = parseAll('ECHO  hello\r\n');
    expect(r2.parser.lastCommandBytes).toBe(9);
  });
});

describe('short arguments and the command name cache', () => {
  it('keeps every byte of arguments of every short length', () => {
    const sent: string[][] = [];
    for (let len = 0; len <= 40; len++) {
      for (let start = 0; start < 256; start += 37) {
        let a = '';
        for (let j = 0; j < len; j++) a += String.fromCharCode((start + j * 59) & 255);
        sent.push(['ECHO', a, a + 'z']);
      }
    }
    const r = parseAll(sent.map(resp).join(''));
    expect(r.errors).toEqual([]);
    expect(r.commands).toEqual(sent);
  });

  it('returns byte-exact first arguments when names collide in the cache', () => {
    // 2,000 distinct short names (binary bytes included) against 256 cache slots, each sent
    // twice in a row and again later, so hits, misses and evictions all happen.
    const names: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const len = 1 + (i % 24);
      let n = '';
      for (let j = 0; j < len; j++) n += String.fromCharCode((i * 31 + j * 17) & 255);
      names.push(n);
    }
    const sent: string[][] = [];
    for (const n of [...names, ...names.slice().reverse()]) {
      sent.push([n, 'a']);
      sent.push([n]);
    }
    sent.push(['x'.repeat(25), 'longer than the cached names']);
    const r = parseAll(sent.map(resp).join(''));
    expect(r.errors).toEqual([]);
    expect(r.commands).toEqual(sent);
  });
});

describe('inline requests', () => {
  const cases: Array<[string, string[] | null]> = [
    ['PING', ['PING']],
    ['  SET   a  b  ', ['SET', 'a', 'b']],
    ['SET\ta\tb', ['SET', 'a', 'b']],
    ['SET a\rb', ['SET', 'a', 'b']],
    ['ECHO a\x0bb', ['ECHO', 'a\x0bb']],
    ['\x0bECHO\x0c x', ['ECHO\x0c', 'x']],
    ['SET "a b" c', ['SET', 'a b', 'c']],
    ['ECHO "\\n\\r\\t\\b\\a\\\\\\"\\q"', ['ECHO', '\n\r\t\b\x07\\"q']],
    ['ECHO "\\x41\\x4g\\xfF"', ['ECHO', 'Ax4g\xff']],
    ["ECHO 'a\\'b\\n'", ['ECHO', "a'b\\n"]],
    ['ECHO a"b c"', ['ECHO', 'ab c']],
    ["ECHO x'y z'", ['ECHO', 'xy z']],
    ['ECHO "" \'\'', ['ECHO', '', '']],
    ['ECHO "a"\x0bb', ['ECHO', 'a', 'b']],
    ['ECHO "a"b', null],
    ["ECHO 'a'b", null],
    ['ECHO a"b c"d', null],
    ['ECHO "abc', null],
    ["ECHO 'abc", null],
    ['ECHO "abc\\', null],
    ['ECHO "abc\\"', null],
  ];
  for (const [line, expected] of cases) {
    it(`splits ${JSON.stringify(line)}`, () => {
      expect(splitInlineArgs(L(line), 0, line.length)).toEqual(expected);
      const r = parseAll(line + '\r\n' + resp(['PING']));
      if (expected === null) {
        expect(r.commands).toEqual([]);
        expect(r.errors).toEqual(['Protocol error: unbalanced quotes in request']);
      } else {
        expect(r.commands).toEqual([expected, ['PING']]);
        expect(r.errors).toEqual([]);
      }
    });
  }

  it('ends lines at \\n, strips one \\r, and skips empty and blank lines', () => {
    const r = parseAll('\r\n\n   \r\nPING\nECHO a\r\r\n' + resp(['GET', 'k']));
    expect(r.commands).toEqual([['PING'], ['ECHO', 'a'], ['GET', 'k']]);
  });

  it('accepts an inline line longer than 64 KiB when its newline is already buffered', () => {
    const big = 'x'.repeat(PROTO_INLINE_MAX_SIZE + 10);
    const r = parseAll(`ECHO ${big}\r\n`);
    expect(r.commands).toEqual([['ECHO', big]]);
  });

  it('a NUL byte before the newline stalls the line until the 64 KiB limit (strchr semantics)', () => {
    const r = make();
    r.parser.feed(L('PING\x00\nPING\n'));
    expect(r.commands).toEqual([]);
    expect(r.errors).toEqual([]);
    r.parser.feed(L('a'.repeat(PROTO_INLINE_MAX_SIZE)));
    expect(r.errors).toEqual(['Protocol error: too big inline request']);
  });
});

describe('protocol errors (exact Redis text)', () => {
  const errorCases: Array<[string, string, boolean?]> = [
    ['*abc\r\n', 'Protocol error: invalid multibulk length'],
    ['*\r\n', 'Protocol error: invalid multibulk length'],
    ['*+1\r\n', 'Protocol error: invalid multibulk length'],
    ['*01\r\n', 'Protocol error: invalid multibulk length'],
    ['*-0\r\n', 'Protocol error: invalid multibulk length'],
    ['*1 \r\n', 'Protocol error: invalid multibulk length'],
    ['*2147483648\r\n', 'Protocol error: invalid multibulk length'],
    ['*99999999999\r\n', 'Protocol error: invalid multibulk length'],
    ['*-9223372036854775809\r\n', 'Protocol error: invalid multibulk length'],
    ['*99999999999999999999\r\n', 'Protocol error: invalid multibulk length'],
    ['*1\r\n$abc\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$-1\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$9223372036854775808\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$2000000000\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n%4\r\nPING\r\n', "Protocol error: expected '$', got '%'"],
    ['*1\r\n\r\n', "Protocol error: expected '$', got ' '"],
    ['*1\r\n\n$4\r\n', "Protocol error: expected '$', got ' '"],
    ['*2\r\n$1\r\na\r\n\xe9\r\n', "Protocol error: expected '$', got '\xe9'"],
    ['SET "a\r\n', 'Protocol error: unbalanced quotes in request'],
    ['*11\r\n', 'Protocol error: unauthenticated multibulk length', true],
    ['*2147483648\r\n', 'Protocol error: invalid multibulk length', true],
    ['*1\r\n$16385\r\n', 'Protocol error: unauthenticated bulk length', true],
    ['*1\r\n$-1\r\n', 'Protocol error: invalid bulk length', true],
    ['*1\r\n$600000000\r\n', 'Protocol error: invalid bulk length', true],
  ];
  for (const [wire, message, auth] of errorCases) {
    it(`${JSON.stringify(wire)}${auth ? ' (auth required)' : ''} -> ${message}`, () => {
      const r = parseAll(resp(['PING']) + wire + resp(['PING']), (p) => {
        p.authRequired = auth === true;
      });
      expect(r.commands).toEqual([['PING']]);
      expect(r.errors).toEqual([message]);
      expect(r.parser.closed).toBe(true);
      r.parser.feed(L(resp(['PING'])));
      expect(r.commands).toHaveLength(1);
      expect(r.errors).toHaveLength(1);
    });
  }

  it('allows 10 arguments and 16384-byte bulks before AUTH', () => {
    const value = 'v'.repeat(16384);
    const args = ['RPUSH', 'k', value, 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const r = parseAll(resp(args), (p) => {
      p.authRequired = true;
    });
    expect(r.commands).toEqual([args]);
    expect(r.errors).toEqual([]);
  });

  it('lifts the unauthenticated limits once authRequired is cleared', () => {
    const r = make();
    r.parser.authRequired = true;
    r.parser.feed(L(resp(['AUTH', 'pw'])));
    r.parser.authRequired = false;
    const args = Array.from({ length: 12 }, (_, i) => 'a'.repeat(i === 11 ? 20000 : 1));
    r.parser.feed(L(resp(args)));
    expect(r.commands).toEqual([['AUTH', 'pw'], args]);
  });

  it('too big inline request: only when no newline is found and more than 64 KiB are pending', () => {
    const r = make();
    r.parser.feed(L('x'.repeat(PROTO_INLINE_MAX_SIZE)));
    expect(r.errors).toEqual([]);
    r.parser.feed(L('x'));
    expect(r.errors).toEqual(['Protocol error: too big inline request']);
  });

  it('too big mbulk count string', () => {
    const r = make();
    r.parser.feed(L('*' + '1'.repeat(PROTO_INLINE_MAX_SIZE - 1)));
    expect(r.errors).toEqual([]);
    r.parser.feed(L('1'));
    expect(r.errors).toEqual(['Protocol error: too big mbulk count string']);
  });

  it('too big bulk count string', () => {
    const r = make();
    r.parser.feed(L('*1\r\n$' + '1'.repeat(PROTO_INLINE_MAX_SIZE - 1)));
    expect(r.errors).toEqual([]);
    r.parser.feed(L('1'));
    expect(r.errors).toEqual(['Protocol error: too big bulk count string']);
  });

  it('a very long count line with a \\r is merely invalid (the terminator was found)', () => {
    const r = parseAll('*' + '1'.repeat(100_000) + '\r\n');
    expect(r.errors).toEqual(['Protocol error: invalid multibulk length']);
  });

  it('reads proto-max-bulk-len live', () => {
    const r = make({ limits: { protoMaxBulkLen: 1024 * 1024 } });
    r.parser.feed(L('*1\r\n$1048576\r\n'));
    expect(r.errors).toEqual([]);
    r.parser.feed(Buffer.alloc(1024 * 1024 + 2, 0x61));
    expect(r.commands).toHaveLength(1);
    r.limits.protoMaxBulkLen = 1024 * 1024 - 1;
    r.parser.feed(L('*1\r\n$1048576\r\n'));
    expect(r.errors).toEqual(['Protocol error: invalid bulk length']);
  });
});

/** A deterministic pseudo-random generator (xorshift32). */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

function randomWorkload(seed: number, count: number): { wire: Buffer; expected: string[][] } {
  const rand = rng(seed);
  const parts: Buffer[] = [];
  const expected: string[][] = [];
  for (let i = 0; i < count; i++) {
    const kind = rand(10);
    if (kind === 0) {
      parts.push(L(['', '\r\n', '\n', '   \n'][rand(4)]!));
      parts.push(L('*0\r\n'));
      continue;
    }
    if (kind === 1) {
      const words = ['PING', 'ECHO "a b"', "SET k 'v w'", 'GET x'][rand(4)]!;
      parts.push(L(words + (rand(2) ? '\r\n' : '\n')));
      expected.push(splitInlineArgs(L(words), 0, words.length)!);
      continue;
    }
    const n = 1 + rand(5);
    const args: string[] = [];
    for (let j = 0; j < n; j++) {
      const len = rand(8) === 0 ? rand(70_000) : rand(40);
      const b = Buffer.alloc(len);
      for (let k = 0; k < len; k++) b[k] = rand(256);
      args.push(b.latin1Slice(0, len));
    }
    expected.push(args);
    parts.push(L(resp(args)));
  }
  return { wire: Buffer.concat(parts), expected };
}

describe('chunking', () => {
  it('byte-at-a-time and random splits give the same commands as one chunk', () => {
    for (const seed of [1, 2, 3]) {
      const { wire, expected } = randomWorkload(seed, 60);
      const whole = make();
      whole.parser.feed(wire);
      expect(whole.errors).toEqual([]);
      expect(whole.commands).toEqual(expected);

      const bytewise = make();
      for (let i = 0; i < wire.length; i++) bytewise.parser.feed(wire.subarray(i, i + 1));
      expect(bytewise.commands).toEqual(expected);
      expect(bytewise.parser.bufferedBytes).toBe(0);

      const rand = rng(seed * 7);
      const random = make();
      for (let off = 0; off < wire.length; ) {
        const n = 1 + rand(rand(2) ? 20 : 40_000);
        // Copy so the parser never relies on chunks staying alive elsewhere.
        random.parser.feed(Buffer.from(wire.subarray(off, off + n)));
        off += n;
      }
      expect(random.commands).toEqual(expected);
    }
  });

  it('assembles a big bulk from many chunks and parses what follows it in the last chunk', () => {
    const value = Buffer.alloc(1_000_000);
    for (let i = 0; i < value.length; i++) value[i] = (i * 31) & 0xff;
    const wire = Buffer.concat([L('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n'), value, L('\r\n' + resp(['GET', 'k']))]);
    const r = make();
    for (let off = 0; off < wire.length; off += 65536) {
      r.parser.feed(wire.subarray(off, off + 65536));
      if (off + 65536 < wire.length - 20) expect(r.commands).toEqual([]);
    }
    expect(r.commands).toHaveLength(2);
    expect(Buffer.from(r.commands[0]![2]!, 'latin1').equals(value)).toBe(true);
    expect(r.commands[1]).toEqual(['GET', 'k']);
    expect(r.parser.bufferedBytes).toBe(0);
  });

  it('keeps no reference to a chunk after feed() returns (the caller may reuse it)', () => {
    const r = make();
    const wire = L(resp(['SET', 'key', 'value']) + resp(['GET', 'key']));
    const cut = wire.length - 7;
    const reused = Buffer.alloc(cut);
    wire.copy(reused, 0, 0, cut);
    r.parser.feed(reused);
    reused.fill(0x21);
    const big = L('*1\r\n$40000\r\n' + 'z'.repeat(1000));
    r.parser.feed(wire.subarray(cut));
    r.parser.feed(big);
    big.fill(0x21);
    r.parser.feed(Buffer.alloc(39002, 0x7a));
    expect(r.commands).toEqual([['SET', 'key', 'value'], ['GET', 'key'], ['z'.repeat(40000)]]);
  });

  it('parsers that collect big bulks at the same time, with pooled buffers, never mix their bytes', () => {
    // Six parsers, each receiving big bulks (32 KiB - 300 KiB: pooled and unpooled sizes) in
    // random cuts, interleaved chunk by chunk; pooled buffers go from one parser to another
    // between bulks, with the previous bulk's bytes still in them.
    const rand = rng(11);
    const parsers = Array.from({ length: 6 }, () => make());
    const wires: Buffer[] = [];
    const expected: string[][][] = [];
    for (let k = 0; k < parsers.length; k++) {
      const parts: Buffer[] = [];
      const cmds: string[][] = [];
      for (let j = 0; j < 8; j++) {
        const n = 32 * 1024 + rand(j % 4 === 3 ? 280_000 : 200_000);
        const v = Buffer.alloc(n);
        for (let i = 0; i < n; i++) v[i] = (i * (k + 3) + j) & 0xff;
        parts.push(L(`*2\r\n$3\r\nSET\r\n$${n}\r\n`), v, L('\r\n'));
        cmds.push(['SET', v.latin1Slice()]);
      }
      wires.push(Buffer.concat(parts));
      expected.push(cmds);
    }
    const offsets = parsers.map(() => 0);
    while (offsets.some((o, k) => o < wires[k]!.length)) {
      const k = rand(parsers.length);
      const w = wires[k]!;
      if (offsets[k]! >= w.length) continue;
      const n = 1 + rand(50_000);
      const chunk = Buffer.from(w.subarray(offsets[k], offsets[k]! + n));
      parsers[k]!.parser.feed(chunk);
      chunk.fill(0x21);
      offsets[k] = offsets[k]! + n;
    }
    for (let k = 0; k < parsers.length; k++) {
      expect(parsers[k]!.errors).toEqual([]);
      expect(parsers[k]!.commands.length).toBe(8);
      for (let j = 0; j < 8; j++) expect(parsers[k]!.commands[j]![1] === expected[k]![j]![1]).toBe(true);
      expect(parsers[k]!.parser.bufferedBytes).toBe(0);
    }
  });

  it('at most four parsers at a time hold a pooled 256 KiB big-bulk buffer; others get len+2', () => {
    const held = (r: Recorder): number => r.parser.bufferedBytes + r.parser.heldFreeCapacity;
    for (let round = 0; round < 3; round++) {
      const parsers = Array.from({ length: 6 }, () => make());
      for (const r of parsers) {
        r.parser.feed(L('*1\r\n$40960\r\n'));
        r.parser.feed(Buffer.alloc(1000, 0x61));
      }
      const sizes = parsers.map(held);
      expect(sizes.filter((n) => n === 256 * 1024).length).toBeLessThanOrEqual(4);
      expect(sizes.filter((n) => n === 256 * 1024).length + sizes.filter((n) => n === 40962).length).toBe(6);
      for (const r of parsers) {
        // CLIENT LIST's qbuf-free stays the room left up to the bulk's end, whatever the buffer.
        expect(r.parser.idleBufferCapacity).toBe(40962 - 1000);
        expect(r.parser.bufferedBytes).toBe(1000);
      }
      // Half finish normally, half are closed mid-bulk: both give their pooled buffers back.
      parsers.forEach((r, k) => {
        if (k % 2 === 0) r.parser.feed(Buffer.concat([Buffer.alloc(39960, 0x61), L('\r\n')]));
        else r.parser.close();
      });
      parsers.forEach((r, k) => {
        expect(r.commands).toEqual(k % 2 === 0 ? [['a'.repeat(40960)]] : []);
        expect(held(r)).toBe(0);
      });
    }
    // With the pool's buffers back, a lone bulk gets one again.
    const r = make();
    r.parser.feed(L('*1\r\n$40960\r\n'));
    expect(held(r)).toBe(256 * 1024);
    r.parser.feed(Buffer.alloc(40962));
    expect(r.commands).toHaveLength(1);
  });

  it('counts the received part of a big bulk in bufferedBytes', () => {
    const r = make();
    r.parser.feed(L('*1\r\n$100000\r\n'));
    r.parser.feed(Buffer.alloc(40000));
    expect(r.parser.bufferedBytes).toBe(40000);
    expect(r.parser.idleBufferCapacity).toBe(60002);
    r.parser.feed(Buffer.alloc(60002));
    expect(r.commands).toHaveLength(1);
    expect(r.parser.bufferedBytes).toBe(0);
  });
});

describe('pause and resume', () => {
  it('stops after a command that returns false and resumes with the rest', () => {
    const r = make({ pauseAfter: (args) => args[0] === 'BLPOP' });
    r.parser.feed(L(resp(['SET', 'a', '1']) + resp(['BLPOP', 'l', '0']) + resp(['GET', 'a']) + 'PING\r\n'));
    expect(r.commands).toEqual([['SET', 'a', '1'], ['BLPOP', 'l', '0']]);
    expect(r.parser.paused).toBe(true);
    expect(r.parser.bufferedBytes).toBe(resp(['GET', 'a']).length + 6);
    r.parser.feed(L(resp(['ECHO', 'x'])));
    r.parser.drain();
    expect(r.commands).toHaveLength(2);
    r.parser.resume();
    expect(r.commands).toEqual([['SET', 'a', '1'], ['BLPOP', 'l', '0'], ['GET', 'a'], ['PING'], ['ECHO', 'x']]);
    expect(r.parser.paused).toBe(false);
    expect(r.parser.bufferedBytes).toBe(0);
  });

  it('pause() and close() from inside onCommand take effect at once; re-entrant drain is a no-op', () => {
    const commands: string[][] = [];
    const parser: RequestParser = new RequestParser(
      {
        onCommand(args) {
          commands.push(args);
          parser.drain();
          if (args[0] === 'P') parser.pause();
          if (args[0] === 'Q') parser.close();
          return true;
        },
        onProtocolError() {},
        onQueryBufferLimit() {},
      },
      { protoMaxBulkLen: 1 << 29, clientQueryBufferLimit: 1 << 30 },
    );
    parser.feed(L('A\nP\nB\nQ\nC\n'));
    expect(commands).toEqual([['A'], ['P']]);
    parser.resume();
    expect(commands).toEqual([['A'], ['P'], ['B'], ['Q']]);
    expect(parser.closed).toBe(true);
    parser.resume();
    expect(commands).toHaveLength(4);
  });

  it('a paused client accumulating a large pipeline stays linear', () => {
    const r = make({ pauseAfter: (args) => args[0] === 'BLPOP' });
    r.parser.feed(L(resp(['BLPOP', 'l', '0'])));
    const cmd = L(resp(['SET', 'key', 'value']));
    for (let i = 0; i < 100_000; i++) r.parser.feed(cmd);
    expect(r.parser.bufferedBytes).toBe(cmd.length * 100_000);
    r.parser.resume();
    expect(r.commands).toHaveLength(100_001);
  });
});

describe('hostile input', () => {
  it('*99999999999 fails at once; *1000000 does not preallocate', () => {
    expect(parseAll('*99999999999\r\n').errors).toEqual(['Protocol error: invalid multibulk length']);
    const r = make();
    r.parser.feed(L('*1000000\r\n$1\r\na\r\n'));
    expect(r.parser.bufferedBytes).toBe(0);
    // The private argument vector holds only what arrived (reading a private field on purpose).
    expect((r.parser as unknown as { args: string[] }).args).toHaveLength(1);
  });

  it('a million one-byte arguments arrive in one command', () => {
    const r = make();
    r.parser.feed(L('*1000000\r\n'));
    const chunk = L('$1\r\na\r\n'.repeat(10_000));
    for (let i = 0; i < 100; i++) r.parser.feed(chunk);
    expect(r.commands).toHaveLength(1);
    expect(r.commands[0]).toHaveLength(1_000_000);
  });

  it('megabytes of digits fail after 64 KiB and are not buffered further', () => {
    for (const prefix of ['*', '*1\r\n$', '']) {
      const r = make();
      r.parser.feed(L(prefix));
      const digits = Buffer.alloc(64 * 1024, 0x37);
      let fed = 0;
      while (fed < 10 * 1024 * 1024) {
        r.parser.feed(digits);
        fed += digits.length;
      }
      expect(r.errors).toHaveLength(1);
      expect(r.parser.bufferedBytes).toBe(0);
    }
  });

  it('a large announced bulk is buffered only as it arrives', () => {
    const r = make();
    const before = process.memoryUsage().arrayBuffers;
    r.parser.feed(L('*2\r\n$3\r\nGET\r\n$500000000\r\n'));
    r.parser.feed(Buffer.alloc(1_000_000, 0x61));
    expect(r.parser.bufferedBytes).toBe(1_000_000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50_000_000);
    expect(r.commands).toEqual([]);
    expect(r.errors).toEqual([]);
  });

  it('one byte at a time through long lines and bulks stays linear', () => {
    const value = 'v'.repeat(200_000);
    const wire = L(resp(['SET', 'k', value]) + 'ECHO ' + 'w'.repeat(60_000) + '\r\n');
    const r = make();
    for (let i = 0; i < wire.length; i++) r.parser.feed(wire.subarray(i, i + 1));
    expect(r.commands).toHaveLength(2);
    expect(r.commands[0]![2]).toBe(value);
  });
});

describe('query buffer limit', () => {
  it('stops when a paused client buffers more than client-query-buffer-limit', () => {
    const r = make({ limits: { clientQueryBufferLimit: 1024 * 1024 }, pauseAfter: () => true });
    r.parser.feed(L('PING\r\n'));
    const chunk = Buffer.from(resp(['SET', 'k', 'v'.repeat(1000)]));
    while (!r.parser.closed) r.parser.feed(chunk);
    expect(r.limitHits).toBe(1);
    expect(r.commands).toEqual([['PING']]);
    r.parser.feed(chunk);
    expect(r.limitHits).toBe(1);
    expect(r.parser.bufferedBytes).toBe(0);
  });

  it('counts a big bulk in progress', () => {
    const r = make({ limits: { clientQueryBufferLimit: 1024 * 1024 } });
    r.parser.feed(L('*1\r\n$2000000\r\n'));
    r.parser.feed(Buffer.alloc(1024 * 1024));
    expect(r.limitHits).toBe(0);
    r.parser.feed(Buffer.alloc(1));
    expect(r.limitHits).toBe(1);
    expect(r.errors).toEqual([]);
  });

  it('does not apply to the master link, nor proto-max-bulk-len', () => {
    const r = make({ limits: { clientQueryBufferLimit: 1024 * 1024, protoMaxBulkLen: 1024 * 1024 } });
    r.parser.isMaster = true;
    r.parser.feed(L('*1\r\n$2000000\r\n'));
    r.parser.feed(Buffer.alloc(2_000_002, 0x62));
    expect(r.limitHits).toBe(0);
    expect(r.commands).toHaveLength(1);
    expect(r.commands[0]![0]).toHaveLength(2_000_000);
    r.parser.feed(L('\r\nPING\r\n'));
    expect(r.errors).toEqual(['Protocol error: Master using the inline protocol. Desync?']);
  });
});
