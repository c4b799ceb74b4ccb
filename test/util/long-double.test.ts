import { describe, expect, it } from 'vitest';
import {
  addLongDouble,
  formatLongDoubleHuman,
  incrByFloatHuman,
  LD_ZERO,
  longDoubleFromInt,
  longDoubleFromNumber,
  longDoubleToNumber,
  parseLongDouble,
  scanFloatLiteral,
} from '../../src/util/long-double.js';

/** What INCRBYFLOAT replies: the new value or the error text. */
function incrbyfloat(current: string, incr: string): string {
  const a = parseLongDouble(current);
  const b = parseLongDouble(incr);
  if (a === null || b === null) return 'ERR value is not a valid float';
  return incrByFloatHuman(a, b) ?? 'ERR increment would produce NaN or Infinity';
}

function ld(s: string) {
  const v = parseLongDouble(s);
  if (v === null) throw new Error(`not a long double: ${s}`);
  return v;
}

describe('INCRBYFLOAT emulation (80-bit long double)', () => {
  // SET k <current>; INCRBYFLOAT k <increment> against real redis-server 7.0.15.
  const redis: Array<[string, string, string]> = [
    ["10.5", "0.1", "10.6"],
    ["0", "-1.1", "-1.1"],
    ["17179869184", "1.5", "17179869185.5"],
    ["0", "1e20", "100000000000000000000"],
    ["0", "3.0", "3"],
    ["0", "5.0e3", "5000"],
    ["5.0e3", "2.0e2", "5200"],
    ["0", "1e-20", "0"],
    ["0", "-1e-20", "0"],
    ["0.1", "0.2", "0.3"],
    ["1000.1", "0.1", "1000.19999999999999996"],
    ["0", "0.1", "0.1"],
    ["3", "0.00000000000000001", "3.00000000000000001"],
    ["0", "1e400", "10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880"],
    ["1e400", "1", "10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880"],
    ["0", "inf", "ERR increment would produce NaN or Infinity"],
    ["0", "-inf", "ERR increment would produce NaN or Infinity"],
    ["0", "1.7976931348623157e308", "179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384"],
    ["1.7976931348623157e308", "1.7976931348623157e308", "359538626972463139991842093548208868096772893888658356970628841530353257046248792709403737216774171128857586838851041378617416726902272110715794556052955234146997955372576789671236326588091188869859074894581254961338834769297758245552436667197907705664206565009503223382416235440319971852753604933726679072768"],
    ["0", "0x1p3", "8"],
    ["0", "0x1.8p1", "3"],
    ["0", "+5", "5"],
    ["0", ".5", "0.5"],
    ["0", "5.", "5"],
    ["0", "-0", "0"],
    ["1", "-1", "0"],
    ["0", "123456789012345678901234567890", "123456789012345678899921813504"],
    ["0", "1e-4940", "0"],
    ["0", "1e-4960", "ERR value is not a valid float"],
    ["0", "9223372036854775807", "9223372036854775807"],
    ["9223372036854775807", "1", "9223372036854775808"],
    ["0", "3.14159265358979323846264338327950288", "3.14159265358979324"],
    ["0", "0.000003814697265625", "0.00000381469726562"],
    ["0", "0.000011444091796875", "0.00001144409179688"],
    ["100", "-100.5", "-0.5"],
    ["0", "abc", "ERR value is not a valid float"],
    ["0", " 1", "ERR value is not a valid float"],
    ["0", "1 ", "ERR value is not a valid float"],
    ["0", "nan", "ERR value is not a valid float"],
    ["0", "1e", "ERR value is not a valid float"],
    ["0", "0x", "ERR value is not a valid float"],
  ];

  it('reproduces real Redis replies byte for byte', () => {
    for (const [a, b, r] of redis) expect(incrbyfloat(a, b), `${a} + ${b}`).toBe(r);
  });

  it('reproduces chains of increments (each step re-parses the stored string)', () => {
    // Verified with real redis-server 7.0.15 and with a C program doing Redis's arithmetic.
    const chains: Array<[string, string[], string[]]> = [
      ['0', Array<string>(12).fill('0.1'), ['0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9', '1', '1.1', '1.2']],
      ['1000', Array<string>(6).fill('0.1'), [
        '1000.09999999999999998', '1000.19999999999999996', '1000.29999999999999993',
        '1000.39999999999999991', '1000.49999999999999989', '1000.59999999999999987',
      ]],
      ['1', ['0.25', '-3.3', '1e-5', '12345.6789', '-12345.6789', '0.7', '2.5e-3'], [
        '1.25', '-2.05', '-2.04999', '12343.62890999999999941', '-2.0499900000000002',
        '-1.3499900000000002', '-1.3474900000000002',
      ]],
      ['99999999999', ['0.9', '0.09', '0.009', '-1e11', '3'], [
        '99999999999.89999999850988388', '99999999999.99000000208616257', '99999999999.99900000542402267',
        '-0.00099999457597733', '2.99900000542402267',
      ]],
    ];
    for (const [start, incs, expected] of chains) {
      let cur = start;
      const got: string[] = [];
      for (const inc of incs) {
        cur = incrbyfloat(cur, inc);
        got.push(cur);
      }
      expect(got).toEqual(expected);
    }
  });

  it('the stored value re-parses to the same long double it printed only up to 17 decimals', () => {
    // "0.1" + "0.2" prints "0.3", and "0.3" parses to the long double nearest 0.3.
    expect(formatLongDoubleHuman(ld('0.3'))).toBe('0.3');
    expect(incrbyfloat('0.3', '0')).toBe('0.3');
  });

  it('a non-existing key counts as 0, an int-encoded value as its integer', () => {
    expect(incrByFloatHuman(LD_ZERO, ld('10.5'))).toBe('10.5');
    expect(incrByFloatHuman(longDoubleFromInt(9223372036854775807n), ld('1'))).toBe('9223372036854775808');
    expect(incrByFloatHuman(longDoubleFromInt(-5), ld('0.5'))).toBe('-4.5');
  });

  it('overflow of the sum and inf - inf are reported as NaN/Infinity', () => {
    expect(incrbyfloat('1e4932', '1e4932')).toBe('ERR increment would produce NaN or Infinity');
    expect(incrbyfloat('inf', '-inf')).toBe('ERR increment would produce NaN or Infinity');
    expect(addLongDouble(ld('inf'), ld('-inf'))).toBeNull();
    expect(addLongDouble(ld('inf'), ld('1'))?.inf).toBe(true);
  });

  it('HINCRBYFLOAT can detect an infinite increment before adding', () => {
    expect(ld('inf').inf).toBe(true);
    expect(ld('-Infinity').inf).toBe(true);
    expect(ld('1e4000').inf).toBe(false);
  });
});

describe('parseLongDouble', () => {
  it('applies string2ld acceptance rules', () => {
    for (const s of ['', ' 1', '1 ', 'nan', '-nan', 'abc', '1e', '0x', '0x1p', '1e4933', '1e-4952', '--1', '.', '1\u0000']) {
      expect(parseLongDouble(s), JSON.stringify(s)).toBeNull();
    }
    for (const s of ['1', '-1.5', '.5', '5.', '+5', '1e4932', '1e-4950', '0x1p-16445', 'INF', '-0', '0e99999999999']) {
      expect(parseLongDouble(s), s).not.toBeNull();
    }
    expect(parseLongDouble('1' + '0'.repeat(5119))).toBeNull(); // 5120 chars
  });

  it('rounds to 64 significant bits, ties to even', () => {
    // 2^64 + 1 is not representable: it rounds to 2^64; 2^64 + 3 rounds up to 2^64 + 4.
    expect(formatLongDoubleHuman(ld('18446744073709551617'))).toBe('18446744073709551616');
    expect(formatLongDoubleHuman(ld('18446744073709551619'))).toBe('18446744073709551620');
    expect(formatLongDoubleHuman(ld('18446744073709551615'))).toBe('18446744073709551615');
    // 2^65 + 2 is a tie between 2^65 and 2^65 + 4: even significand wins.
    expect(formatLongDoubleHuman(ld('36893488147419103234'))).toBe('36893488147419103232');
    expect(formatLongDoubleHuman(ld('36893488147419103238'))).toBe('36893488147419103240');
  });

  it('hexadecimal literals are exact', () => {
    expect(formatLongDoubleHuman(ld('0x1.8p1'))).toBe('3');
    expect(formatLongDoubleHuman(ld('-0x.1p4'))).toBe('-1');
    expect(formatLongDoubleHuman(ld('0xffffffffffffffff'))).toBe('18446744073709551615');
  });
});

describe('conversions', () => {
  it('every double converts exactly and back', () => {
    for (const d of [0.1, -0.1, 1.5, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 123456.789, -1e-300, 3]) {
      expect(longDoubleToNumber(longDoubleFromNumber(d))).toBe(d);
    }
    expect(Object.is(longDoubleToNumber(longDoubleFromNumber(-0)), -0)).toBe(true);
    expect(longDoubleToNumber(longDoubleFromNumber(-Infinity))).toBe(-Infinity);
  });

  it('long double to double rounds to nearest', () => {
    expect(longDoubleToNumber(ld('0.1'))).toBe(0.1);
    expect(longDoubleToNumber(ld('1e400'))).toBe(Infinity);
    expect(longDoubleToNumber(ld('1e-400'))).toBe(0);
    expect(longDoubleToNumber(ld('9007199254740993'))).toBe(9007199254740992);
  });

  it('formats the exact binary value of a double with %.17Lf rounding', () => {
    expect(formatLongDoubleHuman(longDoubleFromNumber(0.1))).toBe('0.10000000000000001');
    expect(formatLongDoubleHuman(longDoubleFromNumber(2 ** -18))).toBe('0.00000381469726562');
    expect(formatLongDoubleHuman(longDoubleFromNumber(-1e-30))).toBe('0');
    expect(formatLongDoubleHuman(longDoubleFromNumber(1e21))).toBe('1000000000000000000000');
  });
});

describe('scanFloatLiteral', () => {
  it('classifies literals', () => {
    expect(scanFloatLiteral('-inf')).toMatchObject({ neg: true, kind: 'inf' });
    expect(scanFloatLiteral('1.50e2')).toMatchObject({ neg: false, kind: 'dec', digits: 15n, exp: 1 });
    expect(scanFloatLiteral('0x1.8p1')).toMatchObject({ kind: 'hex', digits: 0x18n, exp: -3 });
    expect(scanFloatLiteral('0.000')).toMatchObject({ kind: 'dec', digits: 0n });
    expect(scanFloatLiteral('nan')).toBeNull();
    expect(scanFloatLiteral('infinityy')).toBeNull();
    expect(scanFloatLiteral('1e99999999999999999999')).toMatchObject({ digits: 1n, exp: 1_000_000_000 });
  });
});

describe('speed', () => {
  it('one INCRBYFLOAT step costs microseconds', () => {
    const t0 = performance.now();
    for (let i = 0; i < 20000; i++) incrbyfloat('10.5', '0.1');
    const perOp = (performance.now() - t0) / 20000;
    expect(perOp).toBeLessThan(0.05); // 50 µs, generous for a loaded machine
  });
});
