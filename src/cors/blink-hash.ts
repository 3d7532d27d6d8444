/**
 * Blink's header map order. Chrome copies a request's headers from Blink's `HTTPHeaderMap` (a
 * `WTF::HashMap` keyed with `CaseFoldingHash`) into the network request in hash-table slot order,
 * and the preflight check reports the first refused header in that order. Reproducing the order
 * takes the same hash (Chromium's rapidhash over the case-folded UTF-16 name, low 24 bits) and the
 * same table (8 slots to start, doubled at half full, triangular probing). Verified against 282
 * observations of Chrome 156 (test/fixtures/header-order.json).
 */

const M64 = (1n << 64n) - 1n;
const SECRET0 = 0x2d358dccaa6c78a5n;
const SECRET1 = 0x8bb84b93962eacc9n;
const SECRET2 = 0x4b33a62ed433d4a3n;
const SEED = 0xbdd89aa982704029n;
const HASH_MASK = 0xffffffn;
/** WTF reserves 0 for empty buckets. */
const ZERO_HASH_REPLACEMENT = 0x800000;

function mul128(a: bigint, b: bigint): [lo: bigint, hi: bigint] {
  const r = a * b;
  return [r & M64, (r >> 64n) & M64];
}

function mix(a: bigint, b: bigint): bigint {
  const [lo, hi] = mul128(a, b);
  return lo ^ hi;
}

/** WTF's Latin-1 case folding. */
function fold(code: number): number {
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0xc0 && code <= 0xde && code !== 0xd7)) return code + 32;
  return code === 0xb5 ? 0x3bc : code;
}

function readLittleEndian(bytes: readonly number[], offset: number, width: number): bigint {
  let value = 0n;
  for (let i = width - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[offset + i] ?? 0);
  return value;
}

/** `CaseFoldingHash::GetHash` of a header name: a 24-bit value. */
export function caseFoldingHash(name: string): number {
  const units = Array.from(name, (c) => fold(c.charCodeAt(0)));
  const bytes = units.flatMap((u) => [u & 0xff, (u >> 8) & 0xff]);
  const len = bytes.length;
  const r32 = (o: number) => readLittleEndian(bytes, o, 4);
  const r64 = (o: number) => readLittleEndian(bytes, o, 8);
  let seed = SEED;
  seed ^= mix(seed ^ SECRET0, SECRET1) ^ BigInt(len);
  let a = 0n;
  let b = 0n;
  if (len <= 16) {
    if (len >= 4) {
      const last = len - 4;
      a = (r32(0) << 32n) | r32(last);
      const delta = (len & 24) >> (len >> 3);
      b = (r32(delta) << 32n) | r32(last - delta);
    } else if (len > 0) {
      // CaseFoldingHashReader::ReadSmall yields the folded first character.
      a = BigInt(units[0]!);
    }
  } else {
    let remaining = len;
    let p = 0;
    if (remaining > 48) {
      let see1 = seed;
      let see2 = seed;
      do {
        seed = mix(r64(p) ^ SECRET0, r64(p + 8) ^ seed);
        see1 = mix(r64(p + 16) ^ SECRET1, r64(p + 24) ^ see1);
        see2 = mix(r64(p + 32) ^ SECRET2, r64(p + 40) ^ see2);
        p += 48;
        remaining -= 48;
      } while (remaining >= 48);
      seed ^= see1 ^ see2;
    }
    if (remaining > 16) {
      seed = mix(r64(p) ^ SECRET2, r64(p + 8) ^ seed ^ SECRET1);
      if (remaining > 32) seed = mix(r64(p + 16) ^ SECRET2, r64(p + 24) ^ seed);
    }
    a = r64(p + remaining - 16);
    b = r64(p + remaining - 8);
  }
  a ^= SECRET1;
  b ^= seed;
  [a, b] = mul128(a, b);
  const hash = Number(mix(a ^ SECRET0 ^ BigInt(len), b ^ SECRET1) & HASH_MASK);
  return hash === 0 ? ZERO_HASH_REPLACEMENT : hash;
}

/** The slot order of a `WTF::HashMap<…, CaseFoldingHash>` after inserting `names` in this order. */
export function headerMapOrder(names: readonly string[]): string[] {
  let table: (string | undefined)[] = new Array<string | undefined>(8);
  let count = 0;
  const seen = new Set<string>();
  for (const raw of names) {
    const key = raw.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    insert(table, key);
    count++;
    if (count * 2 >= table.length) {
      const old = table;
      table = new Array<string | undefined>(old.length * 2);
      for (const k of old) if (k !== undefined) insert(table, k);
    }
  }
  return table.filter((k): k is string => k !== undefined);
}

function insert(table: (string | undefined)[], key: string): void {
  const mask = table.length - 1;
  let i = caseFoldingHash(key) & mask;
  for (let probe = 1; table[i] !== undefined; probe++) i = (i + probe) & mask;
  table[i] = key;
}
