// Byte-level helpers for the validators and content rules: bounded integer reads, checksums
// (CRC-32, CRC-32C, the LVM2 and Ogg CRC variants) and character classes. Pure; no allocation
// after module load except in ascii().

// Reads that go past the end of the buffer return -1, which no validator accepts as a field value.
export function readU8(buf: Uint8Array, at: number): number {
  return at >= 0 && at < buf.length ? buf[at]! : -1;
}

// Little-endian unsigned 16-bit field, or -1 when out of range.
export function readU16LE(buf: Uint8Array, at: number): number {
  if (at < 0 || at + 2 > buf.length) return -1;
  return buf[at]! | (buf[at + 1]! << 8);
}

// Big-endian unsigned 16-bit field, or -1 when out of range.
export function readU16BE(buf: Uint8Array, at: number): number {
  if (at < 0 || at + 2 > buf.length) return -1;
  return (buf[at]! << 8) | buf[at + 1]!;
}

// Little-endian unsigned 32-bit field, or -1 when out of range.
export function readU32LE(buf: Uint8Array, at: number): number {
  if (at < 0 || at + 4 > buf.length) return -1;
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16)) + buf[at + 3]! * 0x1000000;
}

// Big-endian unsigned 32-bit field, or -1 when out of range.
export function readU32BE(buf: Uint8Array, at: number): number {
  if (at < 0 || at + 4 > buf.length) return -1;
  return buf[at]! * 0x1000000 + ((buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!);
}

// Little-endian unsigned 64-bit field as a number (exact below 2^53), or -1 when out of range.
export function readU64LE(buf: Uint8Array, at: number): number {
  if (at < 0 || at + 8 > buf.length) return -1;
  return readU32LE(buf, at + 4) * 0x100000000 + readU32LE(buf, at);
}

// Big-endian unsigned 64-bit field as a number (exact below 2^53), or -1 when out of range.
export function readU64BE(buf: Uint8Array, at: number): number {
  if (at < 0 || at + 8 > buf.length) return -1;
  return readU32BE(buf, at) * 0x100000000 + readU32BE(buf, at + 4);
}

// The bytes of an ASCII string (for magics written as text).
export function ascii(text: string): number[] {
  return Array.from(text, (ch) => ch.charCodeAt(0));
}

// True when buf[at, at+bytes.length) equals bytes.
export function hasBytes(buf: Uint8Array, at: number, bytes: readonly number[]): boolean {
  if (at < 0 || at + bytes.length > buf.length) return false;
  for (let i = 0; i < bytes.length; i++) if (buf[at + i] !== bytes[i]) return false;
  return true;
}

// True when every byte of buf[at, at+length) is zero (and the range is inside buf).
export function isZeroRange(buf: Uint8Array, at: number, length: number): boolean {
  if (at < 0 || at + length > buf.length) return false;
  for (let i = at; i < at + length; i++) if (buf[i] !== 0) return false;
  return true;
}

// True when buf[at, at+length) is printable ASCII, optionally NUL-padded after at least `min` characters.
export function isPrintableField(buf: Uint8Array, at: number, length: number, min = 1): boolean {
  if (at < 0 || at + length > buf.length) return false;
  let i = 0;
  for (; i < length; i++) {
    const b = buf[at + i]!;
    if (b === 0) break;
    if (b < 0x20 || b > 0x7e) return false;
  }
  if (i < min) return false;
  for (; i < length; i++) if (buf[at + i] !== 0) return false;
  return true;
}

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(n) && (n & (n - 1)) === 0 && n <= 0x40000000;
}

function makeReflectedTable(poly: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (poly ^ (c >>> 1)) >>> 0 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const CRC32_TABLE = makeReflectedTable(0xedb88320);
const CRC32C_TABLE = makeReflectedTable(0x82f63b78);

function updateReflected(table: Uint32Array, crc: number, buf: Uint8Array, start: number, end: number): number {
  let c = crc;
  for (let i = start; i < end; i++) c = table[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return c >>> 0;
}

// CRC-32 (ISO-HDLC: zlib, PNG, GPT, xz, 7z, RAR) of buf[start, end).
export function crc32(buf: Uint8Array, start: number, end: number): number {
  return (updateReflected(CRC32_TABLE, 0xffffffff, buf, start, end) ^ 0xffffffff) >>> 0;
}

// CRC-32 continued over a second range (e.g. a header with its checksum field zeroed).
export function crc32Raw(seed: number, buf: Uint8Array, start: number, end: number): number {
  return updateReflected(CRC32_TABLE, seed, buf, start, end);
}

// CRC-32C (Castagnoli: btrfs, ext4 metadata_csum, XFS v5) of buf[start, end); `seed` is the raw register.
export function crc32cRaw(seed: number, buf: Uint8Array, start: number, end: number): number {
  return updateReflected(CRC32C_TABLE, seed, buf, start, end);
}

const OGG_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[n] = c >>> 0;
  }
  return table;
})();

// The Ogg page CRC (polynomial 0x04c11db7, not reflected, initial 0) with the CRC field taken as zero.
export function oggCrc(buf: Uint8Array, start: number, end: number, crcField: number): number {
  let c = 0;
  for (let i = start; i < end; i++) {
    const b = i >= crcField && i < crcField + 4 ? 0 : buf[i]!;
    c = ((c << 8) ^ OGG_TABLE[((c >>> 24) ^ b) & 0xff]!) >>> 0;
  }
  return c >>> 0;
}
