import { describe, expect, it } from 'vitest';
import {
  formatMemoryUnits, formatPercentile, parseMemory, quoteArg, splitArgs, splitOn, strtollStrict, trimChars,
} from '../../src/config/text.js';

describe('splitArgs (redis.conf line splitting)', () => {
  it('splits on blanks and skips leading / trailing blanks', () => {
    expect(splitArgs('  save 3600   1\t300 100  ')).toEqual(['save', '3600', '1', '300', '100']);
    expect(splitArgs('')).toEqual([]);
    expect(splitArgs('   ')).toEqual([]);
  });

  it('double quotes with escapes', () => {
    expect(splitArgs('requirepass "a b"')).toEqual(['requirepass', 'a b']);
    expect(splitArgs('x "\\n\\r\\t\\b\\a\\\\\\"\\q"')).toEqual(['x', '\n\r\t\b\x07\\"q']);
    expect(splitArgs('x "\\x41\\x7a\\xff"')).toEqual(['x', 'Azÿ']);
    // \x not followed by two hex digits is just an escaped x
    expect(splitArgs('x "\\xZZ"')).toEqual(['x', 'xZZ']);
    expect(splitArgs('x ""')).toEqual(['x', '']);
  });

  it('single quotes only know \\\'', () => {
    expect(splitArgs("x 'it\\'s \\n'")).toEqual(['x', "it's \\n"]);
    expect(splitArgs("x ''")).toEqual(['x', '']);
  });

  it('quotes may start inside a word', () => {
    expect(splitArgs('a"b c"')).toEqual(['ab c']);
  });

  it('rejects unbalanced quotes and text glued after a closing quote', () => {
    expect(splitArgs('bind "a')).toBeNull();
    expect(splitArgs("bind 'a")).toBeNull();
    expect(splitArgs('bind "a"b')).toBeNull();
    expect(splitArgs("bind 'a'b")).toBeNull();
    expect(splitArgs('bind "a" b')).toEqual(['bind', 'a', 'b']);
  });

  it('quoteArg output reads back unchanged', () => {
    for (const s of ['', 'plain', 'a b', 'q"uote', 'back\\slash', '\n\r\t\x07\b', '\x00\x01\xff\x7f', "it's"]) {
      expect(splitArgs('x ' + quoteArg(s))).toEqual(['x', s]);
    }
    expect(quoteArg('a"b\n\xff')).toBe('"a\\"b\\n\\xff"');
  });
});

describe('splitOn / trimChars', () => {
  it('keeps empty fields; empty input has none', () => {
    expect(splitOn('a  b', ' ')).toEqual(['a', '', 'b']);
    expect(splitOn('', ' ')).toEqual([]);
    expect(splitOn(' ', ' ')).toEqual(['', '']);
  });
  it('trims a character set', () => {
    expect(trimChars(' \t x y \r\n', ' \t\r\n')).toBe('x y');
    expect(trimChars('   ', ' ')).toBe('');
  });
});

describe('parseMemory (memtoull)', () => {
  it('plain bytes and units, case-insensitive; k=1000, kb=1024', () => {
    expect(parseMemory('0')).toBe(0n);
    expect(parseMemory('100')).toBe(100n);
    expect(parseMemory('1b')).toBe(1n);
    expect(parseMemory('1k')).toBe(1000n);
    expect(parseMemory('1K')).toBe(1000n);
    expect(parseMemory('1kb')).toBe(1024n);
    expect(parseMemory('1KB')).toBe(1024n);
    expect(parseMemory('1m')).toBe(1000_000n);
    expect(parseMemory('1mb')).toBe(1048576n);
    expect(parseMemory('1Mb')).toBe(1048576n);
    expect(parseMemory('1g')).toBe(1000_000_000n);
    expect(parseMemory('1gb')).toBe(1073741824n);
    expect(parseMemory('3GB')).toBe(3n * 1073741824n);
  });
  it('rejects negatives, spaces, signs and unknown units', () => {
    for (const bad of ['-1', '1x', '1 mb', ' 1', '+1', '1tb', '1.5mb', 'mbb']) expect(parseMemory(bad)).toBeNull();
  });
  it('C quirks: empty and unit-only texts are 0, overflow saturates then wraps', () => {
    expect(parseMemory('')).toBe(0n);
    expect(parseMemory('kb')).toBe(0n);
    expect(parseMemory('99999999999999999999999')).toBe(2n ** 64n - 1n);
    expect(parseMemory('18446744073709551616')).toBe(2n ** 64n - 1n);
    expect(parseMemory('20000000000gb')).toBe((20000000000n * 1073741824n) % 2n ** 64n);
  });
});

describe('strtollStrict', () => {
  it('accepts leading blanks and a sign, rejects trailing text', () => {
    expect(strtollStrict('42')).toBe(42n);
    expect(strtollStrict(' 42')).toBe(42n);
    expect(strtollStrict('+42')).toBe(42n);
    expect(strtollStrict('-42')).toBe(-42n);
    expect(strtollStrict('42 ')).toBeNull();
    expect(strtollStrict('4x')).toBeNull();
    expect(strtollStrict('-')).toBeNull();
    expect(strtollStrict(' ')).toBeNull();
  });
  it('empty is 0 and overflow clamps', () => {
    expect(strtollStrict('')).toBe(0n);
    expect(strtollStrict('99999999999999999999')).toBe(2n ** 63n - 1n);
    expect(strtollStrict('-99999999999999999999')).toBe(-(2n ** 63n));
  });
});

describe('formatting', () => {
  it('memory with the largest exact unit', () => {
    expect(formatMemoryUnits(0n)).toBe('0');
    expect(formatMemoryUnits(1000n)).toBe('1000');
    expect(formatMemoryUnits(1024n)).toBe('1kb');
    expect(formatMemoryUnits(1536n * 1024n)).toBe('1536kb');
    expect(formatMemoryUnits(64n * 1024n * 1024n)).toBe('64mb');
    expect(formatMemoryUnits(2n * 1024n ** 3n)).toBe('2gb');
    expect(formatMemoryUnits(-1n)).toBe('-1');
  });
  it('percentiles like %f without trailing zeros', () => {
    expect(formatPercentile(50)).toBe('50');
    expect(formatPercentile(99.9)).toBe('99.9');
    expect(formatPercentile(0.0000001)).toBe('0');
    expect(formatPercentile(12.5)).toBe('12.5');
  });
});
