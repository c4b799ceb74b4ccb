/*
 * CRC-64/Jones as used by Redis for RDB and DUMP/RESTORE checksums:
 * polynomial 0xad93d23594c935a9, reflected input and output, no final xor;
 * callers start from 0 and may feed data in pieces (crc64(crc64(0, a), b)
 * equals crc64(0, a ++ b)).
 *
 * Speed: the textbook table method handles one byte per lookup. We use
 * "slicing-by-8": eight 256-entry tables where table k gives the effect of
 * a byte followed by k zero bytes, so eight input bytes cost eight
 * independent lookups xored together. JS has no fast 64-bit integers
 * (BigInt arithmetic allocates), so the CRC register is kept as two 32-bit
 * halves and every table as a low-half and a high-half Int32Array.
 */

const RPOLY_LO = 0xac4bc9b5 | 0; // bit-reversed 0xad93d23594c935a9 = 0x95ac9329ac4bc9b5
const RPOLY_HI = 0x95ac9329 | 0;

/** Low / high 32 bits of table k entry n live at [k * 256 + n]. */
const TLO = new Int32Array(8 * 256);
const THI = new Int32Array(8 * 256);

for (let n = 0; n < 256; n++) {
  let lo = n;
  let hi = 0;
  for (let k = 0; k < 8; k++) {
    const bit = lo & 1;
    lo = (lo >>> 1) | ((hi & 1) << 31);
    hi = hi >>> 1;
    if (bit) {
      lo ^= RPOLY_LO;
      hi ^= RPOLY_HI;
    }
  }
  TLO[n] = lo;
  THI[n] = hi;
}
for (let k = 1; k < 8; k++) {
  for (let n = 0; n < 256; n++) {
    const plo = TLO[(k - 1) * 256 + n] as number;
    const phi = THI[(k - 1) * 256 + n] as number;
    const idx = plo & 0xff;
    TLO[k * 256 + n] = ((plo >>> 8) | (phi << 24)) ^ (TLO[idx] as number);
    THI[k * 256 + n] = (phi >>> 8) ^ (THI[idx] as number);
  }
}

/** The CRC register as two signed 32-bit halves (mutable, reused by the Crc64 class). */
interface Halves {
  lo: number;
  hi: number;
}

function update(st: Halves, buf: Uint8Array, start: number, end: number): void {
  let lo = st.lo | 0;
  let hi = st.hi | 0;
  let i = start;
  const tlo = TLO;
  const thi = THI;
  const end8 = end - 7;
  for (; i < end8; i += 8) {
    lo ^= (buf[i] as number) | ((buf[i + 1] as number) << 8) | ((buf[i + 2] as number) << 16) | ((buf[i + 3] as number) << 24);
    hi ^= (buf[i + 4] as number) | ((buf[i + 5] as number) << 8) | ((buf[i + 6] as number) << 16) | ((buf[i + 7] as number) << 24);
    const a = 1792 + (lo & 0xff);
    const b = 1536 + ((lo >>> 8) & 0xff);
    const c = 1280 + ((lo >>> 16) & 0xff);
    const d = 1024 + (lo >>> 24);
    const e = 768 + (hi & 0xff);
    const f = 512 + ((hi >>> 8) & 0xff);
    const g = 256 + ((hi >>> 16) & 0xff);
    const h = hi >>> 24;
    lo =
      (tlo[a] as number) ^ (tlo[b] as number) ^ (tlo[c] as number) ^ (tlo[d] as number) ^
      (tlo[e] as number) ^ (tlo[f] as number) ^ (tlo[g] as number) ^ (tlo[h] as number);
    hi =
      (thi[a] as number) ^ (thi[b] as number) ^ (thi[c] as number) ^ (thi[d] as number) ^
      (thi[e] as number) ^ (thi[f] as number) ^ (thi[g] as number) ^ (thi[h] as number);
  }
  for (; i < end; i++) {
    const idx = (lo ^ (buf[i] as number)) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ (tlo[idx] as number);
    hi = (hi >>> 8) ^ (thi[idx] as number);
  }
  st.lo = lo;
  st.hi = hi;
}

function toBigInt(st: Halves): bigint {
  return (BigInt(st.hi >>> 0) << 32n) | BigInt(st.lo >>> 0);
}

/**
 * Redis's crc64(crc, buf, len): continues the checksum `crc` over
 * buf[start..end). Start a new checksum with 0n.
 */
export function crc64(crc: bigint, buf: Uint8Array, start = 0, end = buf.length): bigint {
  const st: Halves = { lo: Number(crc & 0xffffffffn) | 0, hi: Number((crc >> 32n) & 0xffffffffn) | 0 };
  update(st, buf, start, end);
  return toBigInt(st);
}

/**
 * Incremental CRC-64 without a BigInt round trip per chunk: feed chunks with
 * update(), read the result with value (bigint) or as the 8 little-endian
 * bytes Redis appends to RDB files and DUMP payloads.
 */
export class Crc64 {
  private readonly st: Halves;

  constructor(initial: bigint = 0n) {
    this.st = { lo: Number(initial & 0xffffffffn) | 0, hi: Number((initial >> 32n) & 0xffffffffn) | 0 };
  }

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    update(this.st, buf, start, end);
    return this;
  }

  get value(): bigint {
    return toBigInt(this.st);
  }

  /** The checksum as 8 little-endian bytes. */
  digestLE(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeInt32LE(this.st.lo, 0);
    out.writeInt32LE(this.st.hi, 4);
    return out;
  }
}
