import { describe, expect, it } from 'vitest';
import {
  d2string,
  formatDouble17g,
  formatDoubleResp3,
  formatHumanDouble,
  formatHumanExact,
  formatInt64,
  writeSafeInt,
  parseInt64,
  string2d,
  string2l,
  string2ld,
  string2ll,
} from '../../src/util/numbers.js';

const view = new DataView(new ArrayBuffer(8));
function bits(d: number): string {
  view.setFloat64(0, d);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

describe('string2l / string2ll', () => {
  const valid: Array<[string, bigint]> = [
    ['0', 0n],
    ['1', 1n],
    ['-1', -1n],
    ['12345', 12345n],
    ['9007199254740991', 9007199254740991n],
    ['-9007199254740991', -9007199254740991n],
    ['9007199254740992', 9007199254740992n],
    ['-9007199254740993', -9007199254740993n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['1000000000000000000', 1000000000000000000n],
  ];
  const invalid = [
    '', '-', '+1', '01', '-0', '00', '-01', ' 1', '1 ', '1a', 'a', '1.0', '1e3', '0x10',
    '9223372036854775808', '-9223372036854775809', '18446744073709551616',
    '99999999999999999999', '123456789012345678901', '--1', '1-', '\u00001', '1\u0000', '٣',
  ];

  it('accepts canonical integers over the full int64 range (string2ll)', () => {
    for (const [s, v] of valid) expect(string2ll(s), s).toBe(v);
  });

  it('rejects everything Redis rejects (string2ll)', () => {
    for (const s of invalid) expect(string2ll(s), JSON.stringify(s)).toBeNull();
  });

  it('string2l returns numbers only within the safe range', () => {
    for (const [s, v] of valid) {
      const safe = v >= -9007199254740991n && v <= 9007199254740991n;
      expect(string2l(s), s).toBe(safe ? Number(v) : null);
    }
    for (const s of invalid) expect(string2l(s), JSON.stringify(s)).toBeNull();
  });

  it('string2l round-trips every short canonical integer form and rejects variants', () => {
    for (let i = -2000; i <= 2000; i++) {
      expect(string2l(String(i))).toBe(i);
      if (i > 0) expect(string2l('0' + i)).toBeNull();
      if (i >= 0) expect(string2l('+' + i)).toBeNull();
    }
  });

  it('parseInt64 picks number or bigint', () => {
    expect(parseInt64('42')).toBe(42);
    expect(parseInt64('-9007199254740991')).toBe(-9007199254740991);
    expect(parseInt64('9007199254740992')).toBe(9007199254740992n);
    expect(parseInt64('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseInt64('9223372036854775808')).toBeNull();
    expect(parseInt64('1.5')).toBeNull();
    expect(parseInt64('-0')).toBeNull();
  });

  it('formatInt64', () => {
    expect(formatInt64(0)).toBe('0');
    expect(formatInt64(-0)).toBe('0');
    expect(formatInt64(-42)).toBe('-42');
    expect(formatInt64(9007199254740991)).toBe('9007199254740991');
    expect(formatInt64(-9223372036854775808n)).toBe('-9223372036854775808');
    expect(formatInt64(9223372036854775807n)).toBe('9223372036854775807');
  });
});

describe('string2d / string2ld', () => {
  // Expected values produced by a C program running Redis 7.0.15's string2d
  // and string2ld (glibc strtod/strtold) on x86-64.
  // [input, string2d result as IEEE bits (hex) or null, string2ld accepts]
  const table: Array<[string, string | null, boolean]> = [
  ["1", "3ff0000000000000", true],
  ["-1", "bff0000000000000", true],
  ["+5", "4014000000000000", true],
  [".5", "3fe0000000000000", true],
  ["-.5", "bfe0000000000000", true],
  ["5.", "4014000000000000", true],
  ["1e3", "408f400000000000", true],
  ["1E3", "408f400000000000", true],
  ["1e+3", "408f400000000000", true],
  ["1e-3", "3f50624dd2f1a9fc", true],
  ["1.5e-3", "3f589374bc6a7efa", true],
  ["0", "0000000000000000", true],
  ["-0", "8000000000000000", true],
  ["+0", "0000000000000000", true],
  ["00012", "4028000000000000", true],
  ["0.0", "0000000000000000", true],
  ["inf", "7ff0000000000000", true],
  ["-inf", "fff0000000000000", true],
  ["+inf", "7ff0000000000000", true],
  ["INF", "7ff0000000000000", true],
  ["Infinity", "7ff0000000000000", true],
  ["-infinity", "fff0000000000000", true],
  ["infinit", null, false],
  ["infx", null, false],
  ["nan", null, false],
  ["NaN", null, false],
  ["-nan", null, false],
  ["nan(123)", null, false],
  ["0x1p3", "4020000000000000", true],
  ["0X1P-2", "3fd0000000000000", true],
  ["0x1.8p1", "4008000000000000", true],
  ["0x.8", "3fe0000000000000", true],
  ["0x1", "3ff0000000000000", true],
  ["0xAbC", "40a5780000000000", true],
  ["0x", null, false],
  ["0xg", null, false],
  ["0x1p", null, false],
  ["0x1p+", null, false],
  ["1e", null, false],
  ["1e+", null, false],
  ["e5", null, false],
  [".", null, false],
  ["-", null, false],
  ["+", null, false],
  ["", null, false],
  [" 1", null, false],
  ["1 ", null, false],
  ["\t1", null, false],
  ["1\u0000", null, false], // strtod stops at the NUL byte
  ["--1", null, false],
  ["+-1", null, false],
  ["1e400", null, true],
  ["-1e400", null, true],
  ["1e-400", null, true],
  ["1e308", "7fe1ccf385ebc8a0", true],
  ["1.7976931348623157e308", "7fefffffffffffff", true],
  ["1.7976931348623159e308", null, true],
  ["4.9406564584124654e-324", "0000000000000001", true],
  ["2.4703282292062328e-324", "0000000000000001", true],
  ["2.4703282292062327e-324", null, true],
  ["1e-320", "00000000000007e8", true],
  ["0e999999999999", "0000000000000000", true],
  ["1e-99999999999999999", null, false],
  ["0x1p-1074", "0000000000000001", true],
  ["0x1p-1075", null, true],
  ["0x1.0000000000001p-1075", "0000000000000001", true],
  ["0x1p1024", null, true],
  ["0x1.fffffffffffff8p1023", null, true],
  ["1_000", null, false],
  ["1,5", null, false],
  ["0.1", "3fb999999999999a", true],
  ["3.14159", "400921f9f01b866e", true],
  ["123456789012345678901234567890", "45f8ee90ff6c373e", true],
  ["1e4932", null, true],
  ["1e4933", null, false],
  ["1e-4950", null, true],
  ["1e-4952", null, false],
  ["0x1p16383", null, true],
  ["0x1p16384", null, false],
  ["0x1p-16445", null, true],
  ["0x1p-16446", null, false],
  ];

  it('matches C strtod acceptance and rounding (string2d)', () => {
    for (const [s, expected] of table) {
      const v = string2d(s);
      expect(v === null ? null : bits(v), JSON.stringify(s)).toBe(expected);
    }
  });

  it('matches strtold acceptance (string2ld)', () => {
    for (const [s, , accepts] of table) {
      expect(string2ld(s) !== null, JSON.stringify(s)).toBe(accepts);
    }
  });

  it('string2ld returns the nearest double, or ±Infinity / ±0 outside the double range', () => {
    expect(string2ld('1.5')).toBe(1.5);
    expect(string2ld('1e400')).toBe(Infinity);
    expect(string2ld('-1e400')).toBe(-Infinity);
    expect(string2ld('1e-400')).toBe(0);
    expect(Object.is(string2ld('-1e-400'), -0)).toBe(true);
    expect(string2ld('inf')).toBe(Infinity);
  });

  it('string2ld rejects inputs of 5 KiB or more', () => {
    const long = '1' + '0'.repeat(5118); // 5119 chars, 1e5118: beyond long double
    expect(string2ld(long)).toBeNull();
    const ok = '0.' + '0'.repeat(5000) + '1'; // 5003 chars, 1e-5001: underflows
    expect(string2ld(ok)).toBeNull();
    const fine = '1.' + '0'.repeat(5116); // 5118 chars
    expect(string2ld(fine)).toBe(1);
    expect(string2ld(fine + '0')).toBe(1); // 5119 chars
    expect(string2ld(fine + '00')).toBeNull(); // 5120 chars
    expect(string2d(fine + '00')).toBe(1); // string2d has no length limit
  });

  it('parses what Number parses for ordinary decimal strings', () => {
    for (let i = 0; i < 2000; i++) {
      const d = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 40 - 20);
      for (const s of [String(d), d.toExponential(8), d.toFixed(5)]) {
        expect(string2d(s), s).toBe(Number(s));
      }
    }
  });
});

describe('formatDouble17g', () => {
  // Expected strings from C printf("%.17g") (glibc, ties to even).
  const table: Array<[number, string]> = [
  [0.1, "0.10000000000000001"],
  [-0.1, "-0.10000000000000001"],
  [1.5, "1.5"],
  [1e17, "1e+17"],
  [1e16, "10000000000000000"],
  [123456789012345678, "1.2345678901234568e+17"],
  [1125899906842624.25, "1125899906842624.2"],
  [1125899906842624.75, "1125899906842624.8"],
  [0.000003814697265625, "3.814697265625e-06"],
  [0.0001, "0.0001"],
  [0.00001, "1.0000000000000001e-05"],
  [-0.00001, "-1.0000000000000001e-05"],
  [5e-324, "4.9406564584124654e-324"],
  [1.7976931348623157e308, "1.7976931348623157e+308"],
  [9007199254740992, "9007199254740992"],
  [9007199254740993, "9007199254740992"],
  [18014398509481992, "18014398509481992"],
  [4611686018427387904, "4.6116860184273879e+18"],
  [1e21, "1e+21"],
  [3.0e-7, "2.9999999999999999e-07"],
  [2.5e20, "2.5e+20"],
  [100, "100"],
  [-100, "-100"],
  [1234.5678, "1234.5678"],
  [0.30000000000000004, "0.30000000000000004"],
  [1e-300, "1e-300"],
  [123456.7890123, "123456.7890123"],
  [1e100, "1e+100"],
  [-2.2250738585072014e-308, "-2.2250738585072014e-308"],
  [9.999999999999999e16, "99999999999999984"],
  [99999999999999999, "1e+17"],
  ];

  it('matches C "%.17g"', () => {
    for (const [d, s] of table) expect(formatDouble17g(d), String(d)).toBe(s);
  });

  it('special values', () => {
    expect(formatDouble17g(Infinity)).toBe('inf');
    expect(formatDouble17g(-Infinity)).toBe('-inf');
    expect(formatDouble17g(NaN)).toBe('nan');
    expect(formatDouble17g(0)).toBe('0');
    expect(formatDouble17g(-0)).toBe('-0');
  });

  it('breaks exact ties to even, unlike Number#toPrecision', () => {
    // 2^50 + 0.25 is exactly 1125899906842624.25: 18 significant digits.
    expect((1125899906842624.25).toPrecision(17)).toBe('1125899906842624.3');
    expect(formatDouble17g(1125899906842624.25)).toBe('1125899906842624.2');
    expect(formatDouble17g(-1125899906842624.25)).toBe('-1125899906842624.2');
  });

  it('round-trips through string2d', () => {
    for (let i = 0; i < 2000; i++) {
      const d = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 600 - 300);
      expect(string2d(formatDouble17g(d))).toBe(d);
    }
  });

  it('RESP3 uses the same format in 7.0.15', () => {
    expect(formatDoubleResp3(0.1)).toBe('0.10000000000000001');
    expect(formatDoubleResp3(-Infinity)).toBe('-inf');
    expect(formatDoubleResp3(3)).toBe('3');
  });
});

describe('d2string', () => {
  it('prints integers up to 2^62 as integers and the rest with %.17g', () => {
    expect(d2string(1)).toBe('1');
    expect(d2string(-3)).toBe('-3');
    expect(d2string(1e17)).toBe('100000000000000000');
    expect(d2string(2 ** 62)).toBe('4611686018427387904');
    expect(d2string(-(2 ** 62))).toBe('-4611686018427387904');
    expect(d2string(2 ** 63)).toBe('9.2233720368547758e+18');
    expect(d2string(18014398509481992)).toBe('18014398509481992');
    expect(d2string(1.5)).toBe('1.5');
    expect(d2string(0.1)).toBe('0.10000000000000001');
    expect(d2string(-0)).toBe('-0');
    expect(d2string(0)).toBe('0');
    expect(d2string(Infinity)).toBe('inf');
    expect(d2string(-Infinity)).toBe('-inf');
    expect(d2string(NaN)).toBe('nan');
  });
});

describe('formatHumanExact (ld2string LD_STR_HUMAN of a double)', () => {
  // Expected strings from C: "%.17Lf" of (long double)d, trimmed like ld2string.
  const table: Array<[number, string]> = [
  [0.1, "0.10000000000000001"],
  [-0.1, "-0.10000000000000001"],
  [1.5, "1.5"],
  [1e17, "100000000000000000"],
  [1e16, "10000000000000000"],
  [123456789012345678, "123456789012345680"],
  [1125899906842624.25, "1125899906842624.25"],
  [1125899906842624.75, "1125899906842624.75"],
  [0.000003814697265625, "0.00000381469726562"],
  [0.0001, "0.0001"],
  [0.00001, "0.00001"],
  [-0.00001, "-0.00001"],
  [5e-324, "0"],
  [1.7976931348623157e308, "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368"],
  [9007199254740992, "9007199254740992"],
  [9007199254740993, "9007199254740992"],
  [18014398509481992, "18014398509481992"],
  [4611686018427387904, "4611686018427387904"],
  [1e21, "1000000000000000000000"],
  [3.0e-7, "0.0000003"],
  [2.5e20, "250000000000000000000"],
  [100, "100"],
  [-100, "-100"],
  [1234.5678, "1234.56780000000003383"],
  [0.30000000000000004, "0.30000000000000004"],
  [1e-300, "0"],
  [123456.7890123, "123456.78901229999610223"],
  [1e100, "10000000000000000159028911097599180468360808563945281389781327557747838772170381060813469985856815104"],
  [-2.2250738585072014e-308, "0"],
  [9.999999999999999e16, "99999999999999984"],
  [99999999999999999, "100000000000000000"],
  ];

  it('matches C "%.17Lf" + trimming', () => {
    for (const [d, s] of table) expect(formatHumanExact(d), String(d)).toBe(s);
  });

  it('matches GEOPOS output of real Redis 7.0.15', () => {
    // GEOADD g 13.361389 38.115556 a 15.087269 37.502669 b -122.4194 37.7749 c; GEOPOS g a b c
    expect(formatHumanExact(13.361389338970184)).toBe('13.36138933897018433');
    expect(formatHumanExact(38.1155563954963)).toBe('38.11555639549629859');
    expect(formatHumanExact(-122.41940170526505)).toBe('-122.41940170526504517');
  });

  it('negative values that print as zero lose their sign', () => {
    expect(formatHumanExact(-1e-20)).toBe('0');
    expect(formatHumanExact(-0)).toBe('0');
  });
});

describe('formatHumanDouble (shortest round-trip, fixed notation)', () => {
  it('renders the examples a user expects', () => {
    expect(formatHumanDouble(10.5 + 0.1)).toBe('10.6');
    expect(formatHumanDouble(-1.1)).toBe('-1.1');
    expect(formatHumanDouble(17179869184 + 1.5)).toBe('17179869185.5');
    expect(formatHumanDouble(1e20)).toBe('100000000000000000000');
    expect(formatHumanDouble(3.0)).toBe('3');
    expect(formatHumanDouble(5.0e3)).toBe('5000');
    expect(formatHumanDouble(1e-20)).toBe('0');
    expect(formatHumanDouble(-1e-20)).toBe('0');
    expect(formatHumanDouble(-0)).toBe('0');
    expect(formatHumanDouble(0.5)).toBe('0.5');
    expect(formatHumanDouble(1e-7)).toBe('0.0000001');
    expect(formatHumanDouble(1.5e-17)).toBe('0.00000000000000002'); // 0.000000000000000015, tie -> even (2)
    expect(formatHumanDouble(2.5e-17)).toBe('0.00000000000000002');
    expect(formatHumanDouble(9.9999999999999999e-18)).toBe('0.00000000000000001');
    expect(formatHumanDouble(0.000003814697265625)).toBe('0.00000381469726562');
    expect(formatHumanDouble(1e22)).toBe('10000000000000000000000');
    expect(formatHumanDouble(Infinity)).toBe('inf');
    expect(formatHumanDouble(-Infinity)).toBe('-inf');
  });

  it('agrees with real Redis INCRBYFLOAT when the double sum is the intended value', () => {
    // (current, increment, Redis 7.0.15 reply)
    const cases: Array<[number, number, string]> = [
      [10.5, 0.1, '10.6'],
      [0, -1.1, '-1.1'],
      [17179869184, 1.5, '17179869185.5'],
      [0, 1e20, '100000000000000000000'],
      [5.0e3, 2.0e2, '5200'],
      [0, 0.1, '0.1'],
      [100, -100.5, '-0.5'],
      [0, 0.000011444091796875, '0.00001144409179688'],
    ];
    for (const [a, b, r] of cases) expect(formatHumanDouble(a + b)).toBe(r);
  });

  it('documents where it differs from 80-bit long double (use incrByFloatHuman)', () => {
    expect(formatHumanDouble(0.1 + 0.2)).toBe('0.30000000000000004'); // Redis: 0.3
    expect(formatHumanDouble(1000.1 + 0.1)).toBe('1000.2'); // Redis: 1000.19999999999999996
  });
});

describe('formatInt64 without the number-string cache', () => {
  it('equals String() for every digit count and sign, and falls back beyond 2^53', () => {
    const values = [0, -0, 1, -1, 10, -10, 1234567890, -9876543210123, Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER, 2 ** 53, -(2 ** 60), 1e21];
    for (let d = 1; d <= 16; d++) values.push(10 ** d - 1, 10 ** (d - 1), -(10 ** d) + 1);
    for (const v of values) expect(formatInt64(v)).toBe(String(v));
  });

  it('writeSafeInt writes at the offset and returns the end, for every digit-count boundary', () => {
    const b = Buffer.alloc(40, 0x2e);
    for (let d = 1; d <= 16; d++) {
      for (const v of [10 ** d - 1, 10 ** (d - 1), -(10 ** d) + 1, -(10 ** (d - 1))]) {
        if (!Number.isSafeInteger(v)) continue;
        b.fill(0x2e);
        const end = writeSafeInt(b, 3, v);
        expect(b.latin1Slice(3, end)).toBe(String(v));
        expect(b[end]).toBe(0x2e);
        expect(b[2]).toBe(0x2e);
      }
    }
  });
});
