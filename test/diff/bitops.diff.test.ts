// Differential test: randomized bitmap command sequences (SETBIT, GETBIT, BITCOUNT, BITPOS,
// BITOP, BITFIELD, BITFIELD_RO, mixed with string writes) on nodis and on the real
// redis-server; every reply must be byte-identical, in RESP2 and RESP3, and the values must
// end up identical.
import { describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/resp.js';
import { pick, rng } from '../helpers/random.js';
import { diffServers, runRandomDiff, type Gen } from '../helpers/diff.js';

type R = () => number;
const int = (r: R, lo: number, hi: number): string => String(lo + Math.floor(r() * (hi - lo + 1)));

const KEYS = ['b0', 'b1', 'b2', 'int', 'wrong', 'missing', 'bin\x00\xff'];
const VALUES = ['', '0', '1', '12345', '-7', 'foobar', '\xff\xf0\x00', '\x00\x00\x00\x00\x00\x00\x00\x00\x01', 'x'.repeat(70), '\xff'.repeat(40)];
const BIG = ['9223372036854775807', '-9223372036854775808', '9007199254740993', '-9007199254740993', '4294967296', '-4294967297'];

const key = (r: R): string => pick(r, KEYS);
const small = (r: R, lo: number, hi: number): string => (r() < 0.08 ? pick(r, BIG) : int(r, lo, hi));
const unit = (r: R): string[] => pick(r, [[], ['BYTE'], ['BIT'], ['bit'], ['Byte'], ['bits']]);

function bitfieldType(r: R): string {
  const x = r();
  if (x < 0.4) return 'i' + int(r, 1, 64);
  if (x < 0.8) return 'u' + int(r, 1, 63);
  return pick(r, ['u64', 'i65', 'i0', 'u0', 'x8', 'I8', '', 'i', 'u8x', 'i08', 'i-1', 'u\x008']);
}

/** Offsets; only reads get valid offsets near the 512 MB limit (writes there would allocate it). */
function bitfieldOffset(r: R, read: boolean): string {
  const x = r();
  if (x < 0.6) return int(r, 0, 200);
  if (x < 0.85) return '#' + int(r, 0, 8);
  if (read && x < 0.9) return pick(r, ['4294967295', '4294967231', '#536870911', '#67108863']);
  return pick(r, ['-1', 'x', '#-1', '#x', '4294967296', '#4294967296', '#9223372036854775807', '#4611686018427387904', '']);
}

function bitfieldValue(r: R): string {
  const x = r();
  if (x < 0.5) return int(r, -300, 300);
  if (x < 0.8) return String(Math.floor((r() - 0.5) * 2 ** 40));
  return pick(r, [...BIG, 'x', '1.5', '']);
}

function bitfieldArgs(r: R, readonlyOnly: boolean): string[] {
  const out: string[] = [];
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const x = r();
    if (readonlyOnly || x < 0.35) out.push(pick(r, ['GET', 'get']), bitfieldType(r), bitfieldOffset(r, true));
    else if (x < 0.6) out.push('SET', bitfieldType(r), bitfieldOffset(r, false), bitfieldValue(r));
    else if (x < 0.85) out.push(pick(r, ['INCRBY', 'incrby']), bitfieldType(r), bitfieldOffset(r, false), bitfieldValue(r));
    else out.push('OVERFLOW', pick(r, ['WRAP', 'SAT', 'FAIL', 'sat', 'bad']));
  }
  if (r() < 0.05) out.push(pick(r, ['GET', 'SET', 'OVERFLOW', 'FOO']));
  return out;
}

const GENS: Gen[] = [
  (r) => ['SET', key(r), pick(r, VALUES)],
  (r) => ['APPEND', key(r), pick(r, VALUES)],
  (r) => ['SETRANGE', key(r), int(r, 0, 20), pick(r, VALUES)],
  (r) => ['SETBIT', key(r), r() < 0.9 ? int(r, 0, 300) : pick(r, ['-1', 'x', '4294967296', '4294967295x', '']), pick(r, ['0', '1', '1', '2', '-1', 'x'])],
  (r) => ['SETBIT', key(r), int(r, 0, 100), pick(r, ['0', '1'])],
  (r) => ['GETBIT', key(r), r() < 0.9 ? int(r, 0, 400) : pick(r, ['-1', 'x', '4294967296', '9223372036854775807'])],
  (r) => ['BITCOUNT', key(r)],
  (r) => ['BITCOUNT', key(r), small(r, -30, 30), small(r, -30, 30), ...unit(r)],
  (r) => ['BITCOUNT', key(r), ...pick(r, [['1'], ['x', '1'], ['1', 'x'], ['0', '-1', 'BIT', 'x']])],
  (r) => ['BITPOS', key(r), pick(r, ['0', '1', '1', '0', '2', 'x'])],
  (r) => ['BITPOS', key(r), pick(r, ['0', '1']), small(r, -30, 30)],
  (r) => ['BITPOS', key(r), pick(r, ['0', '1']), small(r, -30, 30), small(r, -30, 30)],
  (r) => ['BITPOS', key(r), pick(r, ['0', '1']), small(r, -300, 300), small(r, -300, 300), ...unit(r)],
  (r) => ['BITPOS', key(r), pick(r, ['0', '1']), ...pick(r, [['x'], ['0', 'x'], ['0', '1', 'BIT', 'x']])],
  (r) => ['BITOP', pick(r, ['AND', 'OR', 'XOR', 'and', 'Or', 'xor', 'NOT', 'nand', 'not']), key(r), key(r), ...pick(r, [[], [key(r)], [key(r), key(r)]])],
  (r) => ['BITOP', 'NOT', key(r), key(r)],
  (r) => ['BITFIELD', key(r), ...bitfieldArgs(r, false)],
  (r) => ['BITFIELD', key(r), ...bitfieldArgs(r, false)],
  (r) => ['BITFIELD_RO', key(r), ...bitfieldArgs(r, r() < 0.8)],
  (r) => ['GET', key(r)],
  (r) => ['STRLEN', key(r)],
  (r) => ['OBJECT', 'ENCODING', key(r)],
  (r) => ['DEL', key(r)],
];

describe('differential: bitmaps vs real redis-server', () => {
  const servers = diffServers();

  for (const proto of ['2', '3'] as const) {
    it(`800 random sequences agree byte for byte (RESP${proto})`, async () => {
      let errors = 0;
      const compared = await runRandomDiff(servers, proto, {
        sequences: 800,
        seed: (seq, p) => seq * 104729 + p,
        begin: () => ({ reset: [['FLUSHALL'], ['SADD', 'wrong', 'member'], ['SET', 'int', '12345']] }),
        length: (r) => 10 + Math.floor(r() * 40),
        gens: GENS,
        check: ({ x, y, context }) => {
          expect(x, context).toBe(y);
          if (x.startsWith('-')) errors++;
        },
        final: KEYS.map((k) => ['GET', k]),
      });
      expect(compared).toBeGreaterThan(16000);
      expect(errors).toBeGreaterThan(400);
      expect(errors).toBeLessThan(compared / 2);
    }, 180_000);
  }

  it('BITFIELD arithmetic at every width agrees (overflow modes, extreme values)', async () => {
    const a = await RawClient.connect(servers.nodis.port);
    const b = await RawClient.connect(servers.redis.port);
    try {
      const r = rng(77);
      const edge = ['0', '1', '-1', '127', '128', '-128', '-129', '255', '256', ...BIG];
      for (let i = 0; i < 8000; i++) {
        const signed = r() < 0.5;
        const bits = signed ? 1 + Math.floor(r() * 64) : 1 + Math.floor(r() * 63);
        const type = (signed ? 'i' : 'u') + bits;
        const off = String(Math.floor(r() * 20));
        const ow = pick(r, ['WRAP', 'SAT', 'FAIL']);
        const v1 = r() < 0.3 ? pick(r, edge) : String(BigInt.asIntN(64, BigInt(Math.floor(r() * 2 ** 52)) * BigInt(Math.floor(r() * 4096) - 2048)));
        const v2 = r() < 0.3 ? pick(r, edge) : String(Math.floor((r() - 0.5) * 2 ** Math.floor(r() * 64)));
        const argv = ['BITFIELD', 'f', 'OVERFLOW', ow, 'SET', type, off, v1, 'INCRBY', type, off, v2, 'GET', type, off];
        const [x, y] = await Promise.all([a.call(...argv), b.call(...argv)]);
        expect(x, JSON.stringify(argv)).toBe(y);
      }
      const [x, y] = await Promise.all([a.call('GET', 'f'), b.call('GET', 'f')]);
      expect(x).toBe(y);
    } finally {
      a.close();
      b.close();
    }
  }, 120_000);
});
