// LUKS1 and LUKS2 on-disk headers as data, and the pure functions that read them: which header is
// authoritative, where the keyslots lie, and which byte ranges a crypto-erase must destroy. No I/O:
// callers hand in the bytes they read (src/erase/luks.ts reads them through the Target).
//
// Sources (read, not copied): LUKS1 On-Disk Format Specification 1.2.3 (phdr and key-slot layout
// tables, §2 and §2.4 AF-splitter sizes); LUKS2 On-Disk Format Specification 1.1.x (§2 binary
// header and secondary-header offsets, §3 JSON area: keyslots, segments, digests, config).
import { createHash } from 'node:crypto';
import type { EraseRegion } from './backend.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** LUKS sectors are 512 bytes whatever the device's logical block size (LUKS1 spec §2). */
export const LUKS_SECTOR = 512;
/** Regions are rounded outward to this so they can be written with O_DIRECT. */
export const LUKS_ERASE_ALIGNMENT = 4096;

/** "LUKS\xba\xbe": the LUKS1 phdr and the LUKS2 primary binary header (both specs §2). */
export const LUKS_MAGIC = [0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe] as const;
/** "SKUL\xba\xbe": the LUKS2 secondary binary header (LUKS2 spec §2). */
export const LUKS2_SECONDARY_MAGIC = [0x53, 0x4b, 0x55, 0x4c, 0xba, 0xbe] as const;

/**
 * LUKS2 hdr_size values (binary header + JSON area) the format allows; the secondary header sits at
 * offset hdr_size, so these are also every place a secondary header can be (LUKS2 spec §2, Table 1).
 */
export const LUKS2_HDR_SIZES = [
  16 * KiB,
  32 * KiB,
  64 * KiB,
  128 * KiB,
  256 * KiB,
  512 * KiB,
  1 * MiB,
  2 * MiB,
  4 * MiB,
] as const;

/** Every offset a LUKS header can start at: the primary at 0, then each LUKS2 secondary offset. */
export const LUKS_HEADER_OFFSETS: readonly number[] = [0, ...LUKS2_HDR_SIZES];

/** Size of the LUKS2 binary header; the JSON area follows it (LUKS2 spec §2). */
export const LUKS2_BINARY_HEADER_SIZE = 4096;

type FieldType = 'bytes' | 'string' | 'u16' | 'u32' | 'u64';
interface Field {
  readonly offset: number;
  readonly size: number;
  readonly type: FieldType;
}

// LUKS1 phdr, big-endian, 592 bytes (LUKS1 spec 1.2.3 §2, "PHDR layout").
export const LUKS1_PHDR = {
  magic: { offset: 0, size: 6, type: 'bytes' },
  version: { offset: 6, size: 2, type: 'u16' },
  cipherName: { offset: 8, size: 32, type: 'string' },
  cipherMode: { offset: 40, size: 32, type: 'string' },
  hashSpec: { offset: 72, size: 32, type: 'string' },
  payloadOffset: { offset: 104, size: 4, type: 'u32' }, // in 512-byte sectors
  keyBytes: { offset: 108, size: 4, type: 'u32' },
  mkDigest: { offset: 112, size: 20, type: 'bytes' },
  mkDigestSalt: { offset: 132, size: 32, type: 'bytes' },
  mkDigestIterations: { offset: 164, size: 4, type: 'u32' },
  uuid: { offset: 168, size: 40, type: 'string' },
} as const satisfies Record<string, Field>;

/** The 8 key-slot descriptors follow the phdr fields: 48 bytes each from byte 208 (LUKS1 spec §2). */
export const LUKS1_KEYSLOTS = { first: 208, stride: 48, count: 8 } as const;
/** Total size of the LUKS1 phdr including the key-slot descriptors. */
export const LUKS1_PHDR_SIZE = LUKS1_KEYSLOTS.first + LUKS1_KEYSLOTS.stride * LUKS1_KEYSLOTS.count; // 592

// One LUKS1 key-slot descriptor, relative to its start (LUKS1 spec 1.2.3 §2, "key slot layout").
export const LUKS1_KEYSLOT = {
  active: { offset: 0, size: 4, type: 'u32' },
  iterations: { offset: 4, size: 4, type: 'u32' },
  salt: { offset: 8, size: 32, type: 'bytes' },
  keyMaterialOffset: { offset: 40, size: 4, type: 'u32' }, // in 512-byte sectors
  stripes: { offset: 44, size: 4, type: 'u32' },
} as const satisfies Record<string, Field>;

/** LUKS1 key-slot states (LUKS1 spec §2: LUKS_KEY_ENABLED / LUKS_KEY_DISABLED). */
export const LUKS1_KEY_ENABLED = 0x00ac71f3;
export const LUKS1_KEY_DISABLED = 0x0000dead;

// LUKS2 binary header, big-endian, padded to 4096 bytes (LUKS2 spec §2.1, struct luks2_hdr_disk).
export const LUKS2_BINARY_HEADER = {
  magic: { offset: 0, size: 6, type: 'bytes' },
  version: { offset: 6, size: 2, type: 'u16' },
  hdrSize: { offset: 8, size: 8, type: 'u64' }, // binary header + JSON area, bytes
  seqid: { offset: 16, size: 8, type: 'u64' },
  label: { offset: 24, size: 48, type: 'string' },
  checksumAlg: { offset: 72, size: 32, type: 'string' },
  salt: { offset: 104, size: 64, type: 'bytes' },
  uuid: { offset: 168, size: 40, type: 'string' },
  subsystem: { offset: 208, size: 48, type: 'string' },
  hdrOffset: { offset: 256, size: 8, type: 'u64' }, // where this copy sits, bytes
  csum: { offset: 448, size: 64, type: 'bytes' },
} as const satisfies Record<string, Field>;

/** The outcome of parsing bytes as one header: not this format, this format but unusable, or a header. */
export type LuksParse<T> = { kind: 'none' } | { kind: 'damaged'; reason: string } | { kind: 'ok'; header: T };

export interface Luks1Keyslot {
  index: number;
  /** From the `active` field; `invalid` for any value other than the two the spec defines. */
  state: 'active' | 'inactive' | 'invalid';
  iterations: number;
  /** Byte offset of the key material (keyMaterialOffset × 512). */
  keyMaterialOffset: number;
  /** keyBytes × stripes, rounded up to a 512-byte sector (LUKS1 spec §2.4, AF-split size). */
  keyMaterialLength: number;
  stripes: number;
}

export interface Luks1Header {
  version: 1;
  cipherName: string;
  cipherMode: string;
  hashSpec: string;
  /** Byte offset of the encrypted payload (payloadOffset × 512). */
  payloadOffset: number;
  keyBytes: number;
  uuid: string;
  keyslots: Luks1Keyslot[];
}

export interface Luks2BinaryHeader {
  /** Where these bytes were found on the target. */
  at: number;
  which: 'primary' | 'secondary';
  version: 2;
  hdrSize: number;
  seqid: number;
  label: string;
  checksumAlg: string;
  uuid: string;
  subsystem: string;
  /** The header's own idea of where it sits (0 for the primary, hdr_size for the secondary). */
  hdrOffset: number;
  /** Stored checksum, hex, trimmed to the digest length of checksumAlg when known. */
  csumHex: string;
}

export interface Luks2KeyslotArea {
  id: string;
  type: string;
  offset: number;
  size: number;
}

export interface Luks2Metadata {
  keyslots: Luks2KeyslotArea[];
  /** Byte offsets of every data segment (more than one only during reencryption). */
  segmentOffsets: number[];
  digests: number;
  jsonSize: number;
  keyslotsSize: number;
}

export interface Luks2Header extends Luks2BinaryHeader {
  /** SHA-256 (or checksumAlg) over the header with csum zeroed + JSON area matched; null when the algorithm is unknown. */
  checksumValid: boolean | null;
  /** The parsed JSON area, or null with `metadataError` saying why it could not be used. */
  metadata: Luks2Metadata | null;
  metadataError: string | null;
}

/** A header candidate found at one offset of the target. */
export type LuksCandidate =
  { version: 1; at: 0; header: Luks1Header } | { version: 2; at: number; header: Luks2Header };

/** The volume a probe found: its authoritative header and where everything lies, in bytes. */
export interface LuksVolume {
  version: 1 | 2;
  uuid: string;
  /** Key slots in use (LUKS1 state active; LUKS2 every keyslot in the JSON). */
  activeKeyslots: number;
  /** Key slots with an area: LUKS1 always 8, LUKS2 the keyslots in the JSON. */
  keyslots: number;
  /** LUKS2 hdr_size; for LUKS1 the phdr size (592). */
  hdrSize: number;
  /** LUKS2 config.keyslots_size; null for LUKS1. */
  keyslotsSize: number | null;
  /** Where the data segment starts (LUKS1 payloadOffset, LUKS2 lowest segment offset). */
  dataOffset: number;
  /** End of the metadata this header describes (LUKS1 last key material, LUKS2 2×hdr_size + keyslots_size). */
  metadataEnd: number;
  /** LUKS2: checksum of the authoritative header; LUKS1 has none (null). */
  checksumValid: boolean | null;
  /** Which copy the layout came from: "LUKS1 phdr at 0", "primary at 0x0", "secondary at 0x4000". */
  source: string;
  /** The authoritative header (the one the layout came from). */
  header: LuksCandidate;
  /** Every header found (the authoritative one included), for regions and facts. */
  candidates: LuksCandidate[];
}

// True when buf holds `magic` at `pos`.
function hasMagic(buf: Uint8Array, pos: number, magic: readonly number[]): boolean {
  if (pos + magic.length > buf.length) return false;
  return magic.every((byte, i) => buf[pos + i] === byte);
}

// True when a LUKS magic (either kind) starts at buf[pos]: what must be gone after an erase.
export function hasLuksMagic(buf: Uint8Array, pos = 0): boolean {
  return hasMagic(buf, pos, LUKS_MAGIC) || hasMagic(buf, pos, LUKS2_SECONDARY_MAGIC);
}

// Reads one field of a layout table at `base` (big-endian integers, NUL-terminated strings).
function readField(buf: Uint8Array, base: number, field: Field): number | string | Uint8Array {
  const view = new DataView(buf.buffer, buf.byteOffset + base + field.offset, field.size);
  switch (field.type) {
    case 'u16':
      return view.getUint16(0);
    case 'u32':
      return view.getUint32(0);
    case 'u64':
      return Number(view.getBigUint64(0)); // header sizes and offsets fit in 2^53 on any real device
    case 'string':
      return cString(buf.subarray(base + field.offset, base + field.offset + field.size));
    case 'bytes':
      return buf.subarray(base + field.offset, base + field.offset + field.size);
  }
}

function num(buf: Uint8Array, base: number, field: Field): number {
  return readField(buf, base, field) as number;
}

function str(buf: Uint8Array, base: number, field: Field): string {
  return readField(buf, base, field) as string;
}

// Text up to the first NUL, latin1 (header strings are ASCII).
function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.subarray(0, end === -1 ? bytes.length : end)).toString('latin1');
}

// Rounds n up to a multiple of unit.
function roundUp(n: number, unit: number): number {
  return Math.ceil(n / unit) * unit;
}

// Rounds n down to a multiple of unit.
function roundDown(n: number, unit: number): number {
  return Math.floor(n / unit) * unit;
}

// Formats a byte count as the largest exact binary unit ("16 MiB", "64 KiB", "1179648 bytes").
export function formatLuksSize(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}

// Parses a LUKS1 phdr at the start of buf (which holds the first bytes of the target).
export function parseLuks1Header(buf: Uint8Array): LuksParse<Luks1Header> {
  if (!hasMagic(buf, 0, LUKS_MAGIC) || buf.length < 8) return { kind: 'none' };
  if (num(buf, 0, LUKS1_PHDR.version) !== 1) return { kind: 'none' };
  if (buf.length < LUKS1_PHDR_SIZE)
    return { kind: 'damaged', reason: `LUKS1 phdr truncated: ${buf.length} of ${LUKS1_PHDR_SIZE} bytes` };
  const keyBytes = num(buf, 0, LUKS1_PHDR.keyBytes);
  if (keyBytes === 0 || keyBytes > 1024)
    return { kind: 'damaged', reason: `LUKS1 phdr with implausible key size ${keyBytes} bytes` };
  const keyslots = Array.from({ length: LUKS1_KEYSLOTS.count }, (_, index) => readLuks1Keyslot(buf, index, keyBytes));
  return {
    kind: 'ok',
    header: {
      version: 1,
      cipherName: str(buf, 0, LUKS1_PHDR.cipherName),
      cipherMode: str(buf, 0, LUKS1_PHDR.cipherMode),
      hashSpec: str(buf, 0, LUKS1_PHDR.hashSpec),
      payloadOffset: num(buf, 0, LUKS1_PHDR.payloadOffset) * LUKS_SECTOR,
      keyBytes,
      uuid: str(buf, 0, LUKS1_PHDR.uuid),
      keyslots,
    },
  };
}

// Reads key-slot descriptor `index` of a LUKS1 phdr; key material length per the AF splitter.
function readLuks1Keyslot(buf: Uint8Array, index: number, keyBytes: number): Luks1Keyslot {
  const base = LUKS1_KEYSLOTS.first + index * LUKS1_KEYSLOTS.stride;
  const active = num(buf, base, LUKS1_KEYSLOT.active);
  const stripes = num(buf, base, LUKS1_KEYSLOT.stripes);
  return {
    index,
    state: active === LUKS1_KEY_ENABLED ? 'active' : active === LUKS1_KEY_DISABLED ? 'inactive' : 'invalid',
    iterations: num(buf, base, LUKS1_KEYSLOT.iterations),
    keyMaterialOffset: num(buf, base, LUKS1_KEYSLOT.keyMaterialOffset) * LUKS_SECTOR,
    keyMaterialLength: roundUp(keyBytes * stripes, LUKS_SECTOR),
    stripes,
  };
}

// Parses the 4096-byte LUKS2 binary header found at target offset `at` (primary or secondary magic).
export function parseLuks2BinaryHeader(buf: Uint8Array, at: number): LuksParse<Luks2BinaryHeader> {
  const which = hasMagic(buf, 0, LUKS_MAGIC) ? 'primary' : hasMagic(buf, 0, LUKS2_SECONDARY_MAGIC) ? 'secondary' : null;
  if (!which || buf.length < 8 || num(buf, 0, LUKS2_BINARY_HEADER.version) !== 2) return { kind: 'none' };
  if (buf.length < LUKS2_BINARY_HEADER_SIZE)
    return { kind: 'damaged', reason: `LUKS2 binary header truncated: ${buf.length} of 4096 bytes` };
  const hdrSize = num(buf, 0, LUKS2_BINARY_HEADER.hdrSize);
  if (!(LUKS2_HDR_SIZES as readonly number[]).includes(hdrSize))
    return { kind: 'damaged', reason: `LUKS2 ${which} header with invalid hdr_size ${hdrSize}` };
  const checksumAlg = str(buf, 0, LUKS2_BINARY_HEADER.checksumAlg);
  const csum = readField(buf, 0, LUKS2_BINARY_HEADER.csum) as Uint8Array;
  const digestLength = digestLengthOf(checksumAlg) ?? csum.length;
  return {
    kind: 'ok',
    header: {
      at,
      which,
      version: 2,
      hdrSize,
      seqid: num(buf, 0, LUKS2_BINARY_HEADER.seqid),
      label: str(buf, 0, LUKS2_BINARY_HEADER.label),
      checksumAlg,
      uuid: str(buf, 0, LUKS2_BINARY_HEADER.uuid),
      subsystem: str(buf, 0, LUKS2_BINARY_HEADER.subsystem),
      hdrOffset: num(buf, 0, LUKS2_BINARY_HEADER.hdrOffset),
      csumHex: Buffer.from(csum.subarray(0, digestLength)).toString('hex'),
    },
  };
}

// Digest length of a checksum algorithm node:crypto knows, else null.
function digestLengthOf(alg: string): number | null {
  try {
    return createHash(alg).digest().length;
  } catch {
    return null;
  }
}

// Parses a whole LUKS2 header (hdr_size bytes: binary header + JSON area) found at target offset `at`.
export function parseLuks2Header(buf: Uint8Array, at: number): LuksParse<Luks2Header> {
  const binary = parseLuks2BinaryHeader(buf, at);
  if (binary.kind !== 'ok') return binary;
  const bin = binary.header;
  if (buf.length < bin.hdrSize) {
    const reason = `JSON area truncated: ${buf.length} of ${bin.hdrSize} header bytes`;
    return { kind: 'ok', header: { ...bin, checksumValid: false, metadata: null, metadataError: reason } };
  }
  const area = buf.subarray(0, bin.hdrSize);
  const checksumValid = isLuks2ChecksumValid(area, bin.checksumAlg);
  const parsed = parseLuks2Json(area.subarray(LUKS2_BINARY_HEADER_SIZE));
  return {
    kind: 'ok',
    header: {
      ...bin,
      checksumValid,
      metadata: typeof parsed === 'string' ? null : parsed,
      metadataError: typeof parsed === 'string' ? parsed : null,
    },
  };
}

// Checks the LUKS2 checksum: the hash of the binary header with csum zeroed, then the JSON area (LUKS2 spec §2.1).
export function isLuks2ChecksumValid(area: Uint8Array, checksumAlg: string): boolean | null {
  const length = digestLengthOf(checksumAlg);
  if (length === null) return null;
  const { offset, size } = LUKS2_BINARY_HEADER.csum;
  const stored = area.subarray(offset, offset + length);
  const hash = createHash(checksumAlg);
  hash.update(area.subarray(0, offset));
  hash.update(new Uint8Array(size));
  hash.update(area.subarray(offset + size));
  return Buffer.from(hash.digest()).equals(Buffer.from(stored));
}

// Parses the NUL-padded JSON area; returns the fields the erase needs or a reason it cannot be used.
export function parseLuks2Json(json: Uint8Array): Luks2Metadata | string {
  let root: unknown;
  try {
    root = JSON.parse(cString(json));
  } catch (err) {
    return `JSON area does not parse: ${(err as Error).message}`;
  }
  if (!isObject(root)) return 'JSON area is not an object';
  const { keyslots, segments, digests, config } = root;
  if (!isObject(keyslots) || !isObject(segments) || !isObject(config))
    return 'JSON area lacks keyslots, segments or config';
  const jsonSize = toSize(config.json_size);
  const keyslotsSize = toSize(config.keyslots_size);
  if (jsonSize === null || keyslotsSize === null) return 'config.json_size or config.keyslots_size is not a size';
  const areas: Luks2KeyslotArea[] = [];
  for (const [id, slot] of Object.entries(keyslots)) {
    const area = isObject(slot) && isObject(slot.area) ? slot.area : null;
    const offset = toSize(area?.offset);
    const size = toSize(area?.size);
    if (!area || offset === null || size === null) return `keyslot ${id} has no area offset/size`;
    areas.push({ id, type: typeof area.type === 'string' ? area.type : 'unknown', offset, size });
  }
  const segmentOffsets = Object.values(segments).map((segment) => toSize(isObject(segment) ? segment.offset : null));
  if (segmentOffsets.some((offset) => offset === null)) return 'a segment has no offset';
  return {
    keyslots: areas.sort((a, b) => a.offset - b.offset),
    segmentOffsets: segmentOffsets as number[],
    digests: isObject(digests) ? Object.keys(digests).length : 0,
    jsonSize,
    keyslotsSize,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A LUKS2 JSON size: a decimal string (uint64 as text, LUKS2 spec §3) or a plain integer.
function toSize(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

// Parses the bytes read at one header offset: LUKS1 only at 0, LUKS2 at 0 and every secondary offset.
export function parseLuksCandidate(buf: Uint8Array, at: number): LuksParse<LuksCandidate> {
  if (at === 0) {
    const v1 = parseLuks1Header(buf);
    if (v1.kind === 'ok') return { kind: 'ok', header: { version: 1, at: 0, header: v1.header } };
    if (v1.kind === 'damaged') return v1;
  }
  const v2 = parseLuks2Header(buf, at);
  if (v2.kind !== 'ok') return v2;
  return { kind: 'ok', header: { version: 2, at, header: v2.header } };
}

// Chooses the authoritative header among those found and derives the volume's layout, or null.
export function describeLuksVolume(candidates: LuksCandidate[]): LuksVolume | null {
  const v1 = candidates.find((c) => c.version === 1);
  if (v1) return describeLuks1(v1, candidates);
  const v2 = candidates
    .filter((c): c is Extract<LuksCandidate, { version: 2 }> => c.version === 2 && c.header.metadata !== null)
    .sort(compareLuks2)[0];
  return v2 ? describeLuks2(v2, candidates) : null;
}

// Orders LUKS2 copies best first: checksum valid, then highest seqid, then the primary.
function compareLuks2(a: { header: Luks2Header }, b: { header: Luks2Header }): number {
  const valid = Number(b.header.checksumValid === true) - Number(a.header.checksumValid === true);
  if (valid !== 0) return valid;
  if (a.header.seqid !== b.header.seqid) return b.header.seqid - a.header.seqid;
  return a.header.at - b.header.at;
}

// The layout a LUKS1 phdr describes: metadata ends after the last key material.
function describeLuks1(chosen: Extract<LuksCandidate, { version: 1 }>, candidates: LuksCandidate[]): LuksVolume {
  const { header } = chosen;
  const keyslotEnd = Math.max(
    LUKS1_PHDR_SIZE,
    ...header.keyslots.map((slot) => slot.keyMaterialOffset + slot.keyMaterialLength),
  );
  return {
    version: 1,
    uuid: header.uuid,
    activeKeyslots: header.keyslots.filter((slot) => slot.state === 'active').length,
    keyslots: header.keyslots.length,
    hdrSize: LUKS1_PHDR_SIZE,
    keyslotsSize: null,
    dataOffset: header.payloadOffset,
    metadataEnd: keyslotEnd,
    checksumValid: null,
    source: 'LUKS1 phdr at 0',
    header: chosen,
    candidates,
  };
}

// The layout a LUKS2 header describes: both headers, then the keyslots area (LUKS2 spec §2, §3.3).
function describeLuks2(chosen: Extract<LuksCandidate, { version: 2 }>, candidates: LuksCandidate[]): LuksVolume {
  const { header } = chosen;
  const metadata = header.metadata as Luks2Metadata;
  const segmentStart = metadata.segmentOffsets.length ? Math.min(...metadata.segmentOffsets) : 0;
  return {
    version: 2,
    uuid: header.uuid,
    activeKeyslots: metadata.keyslots.length,
    keyslots: metadata.keyslots.length,
    hdrSize: header.hdrSize,
    keyslotsSize: metadata.keyslotsSize,
    dataOffset: segmentStart,
    metadataEnd: 2 * header.hdrSize + metadata.keyslotsSize,
    checksumValid: header.checksumValid,
    source: `${header.which} at 0x${header.at.toString(16)}`,
    header: chosen,
    candidates,
  };
}

// The one-line summary a probe reports ("LUKS2 header, UUID …, 3 active keyslots, metadata 16 MiB").
export function summarizeLuksVolume(volume: LuksVolume): string {
  const slots = `${volume.activeKeyslots} active keyslot${volume.activeKeyslots === 1 ? '' : 's'}`;
  const checksum = volume.checksumValid === false ? ', checksum MISMATCH' : '';
  const from = volume.source.startsWith('secondary') ? ` (from the ${volume.source})` : '';
  const metadata = formatLuksSize(luksMetadataLimit(volume));
  return `LUKS${volume.version} header${from}, UUID ${volume.uuid}, ${slots}, metadata ${metadata}${checksum}`;
}

// The byte ranges a crypto-erase overwrites, labelled, sorted, non-overlapping, rounded outward to
// 4096 and clipped to the end of the metadata (never into the data segment) and of the target.
// Specific regions (headers, keyslots) claim their bytes first; broad ones get only what is left.
export function planLuksRegions(volume: LuksVolume, targetSize: number): EraseRegion[] {
  const limit = Math.min(luksMetadataLimit(volume), roundDown(targetSize, LUKS_SECTOR));
  const wanted = volume.version === 1 ? luks1Regions(volume, limit) : luks2Regions(volume, limit);
  const claimed: EraseRegion[] = [];
  for (const region of wanted) claimed.push(...subtractClaimed(alignRegion(region, limit), claimed));
  return uniqueLabels(claimed.sort((a, b) => a.offset - b.offset));
}

// Where the erase stops: the data segment when it follows the metadata; with a detached header
// (data offset 0 or inside the metadata) the end of the metadata.
export function luksMetadataLimit(volume: LuksVolume): number {
  if (volume.dataOffset >= volume.metadataEnd) return volume.dataOffset;
  if (volume.version === 1 && volume.dataOffset > 0) return volume.dataOffset; // key material past the payload is bogus
  return roundUp(volume.metadataEnd, LUKS_ERASE_ALIGNMENT);
}

// LUKS1: the phdr, the key material of all 8 slots (active or not), then the rest up to the payload.
function luks1Regions(volume: LuksVolume, limit: number): EraseRegion[] {
  const { header } = volume.header as Extract<LuksCandidate, { version: 1 }>;
  return [
    { offset: 0, length: LUKS1_PHDR_SIZE, label: 'LUKS1 phdr' },
    ...header.keyslots.map((slot) => ({
      offset: slot.keyMaterialOffset,
      length: slot.keyMaterialLength,
      label: `LUKS1 keyslot ${slot.index} key material (${slot.state})`,
    })),
    ...otherLuks2Headers(volume.candidates),
    { offset: 0, length: limit, label: 'LUKS1 metadata area (unused)' },
  ];
}

// LUKS2: both headers (binary + JSON), every keyslot area at full size, other copies found, the
// whole keyslots area (remnants of deleted keyslots), then any padding up to the data segment.
function luks2Regions(volume: LuksVolume, limit: number): EraseRegion[] {
  const { header } = volume.header as Extract<LuksCandidate, { version: 2 }>;
  const metadata = header.metadata as Luks2Metadata;
  const keyslotsStart = 2 * volume.hdrSize;
  return [
    { offset: 0, length: volume.hdrSize, label: 'LUKS2 primary header (binary + JSON)' },
    { offset: volume.hdrSize, length: volume.hdrSize, label: 'LUKS2 secondary header (binary + JSON)' },
    ...metadata.keyslots.map((slot) => ({
      offset: slot.offset,
      length: slot.size,
      label: `LUKS2 keyslot ${slot.id} area (${slot.type})`,
    })),
    ...otherLuks2Headers(volume.candidates),
    { offset: keyslotsStart, length: metadata.keyslotsSize, label: 'LUKS2 keyslots area (unused)' },
    { offset: 0, length: limit, label: 'LUKS2 metadata area before the data segment (unused)' },
  ];
}

// Every LUKS2 header copy found at an offset, with its own hdr_size (a stale or foreign copy too).
function otherLuks2Headers(candidates: LuksCandidate[]): EraseRegion[] {
  return candidates
    .filter((c): c is Extract<LuksCandidate, { version: 2 }> => c.version === 2)
    .map((c) => ({
      offset: c.at,
      length: c.header.hdrSize,
      label: `LUKS2 ${c.header.which} header found at 0x${c.at.toString(16)}`,
    }));
}

// Rounds a region outward to 4096 and clips it to [0, limit); null when nothing is left.
function alignRegion(region: EraseRegion, limit: number): EraseRegion | null {
  const start = roundDown(region.offset, LUKS_ERASE_ALIGNMENT);
  const end = Math.min(roundUp(region.offset + region.length, LUKS_ERASE_ALIGNMENT), limit);
  return end > start ? { offset: start, length: end - start, label: region.label } : null;
}

// The parts of `region` no claimed region covers yet (split around them).
function subtractClaimed(region: EraseRegion | null, claimed: readonly EraseRegion[]): EraseRegion[] {
  if (!region) return [];
  let pieces = [region];
  for (const c of claimed) {
    const cEnd = c.offset + c.length;
    pieces = pieces.flatMap((p) => {
      const pEnd = p.offset + p.length;
      if (cEnd <= p.offset || c.offset >= pEnd) return [p];
      const left = { ...p, length: c.offset - p.offset };
      const right = { ...p, offset: cEnd, length: pEnd - cEnd };
      return [left, right].filter((piece) => piece.length > 0);
    });
  }
  return pieces;
}

// Labels are keys in the evidence (oldSha256:<label>): a label used twice gets its offset appended.
function uniqueLabels(regions: EraseRegion[]): EraseRegion[] {
  const counts = new Map<string, number>();
  for (const r of regions) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
  return regions.map((r) =>
    (counts.get(r.label) ?? 0) > 1 ? { ...r, label: `${r.label} at 0x${r.offset.toString(16)}` } : r,
  );
}
