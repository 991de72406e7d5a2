// The `luks` crypto-erase backend (DESIGN §6): destroys every copy of a LUKS1/LUKS2 volume's key
// material and metadata so the volume key can never be recovered, and leaves the encrypted data
// in place (it is noise without the key). Unlike `cryptsetup erase` (luksErase), which wipes the
// keyslots but keeps the header and UUID, this overwrites both LUKS2 headers, every keyslot area,
// the unused parts of the keyslots area and the metadata padding with fresh random bytes.
//
// Order: read the headers → plan the regions (luks-format.ts, pure) → hash each region's old
// content (only the hash is kept, never key material) → overwrite → fdatasync → read back: every
// region must hold exactly what was written and differ from its old content, and no LUKS magic may
// remain at 0 or at any LUKS2 secondary-header offset. All I/O goes through ctx.target, in
// 4096-aligned buffers at 4096-aligned offsets (O_DIRECT).
import { createHash, randomFill } from 'node:crypto';
import { CleanslateError } from '../errors/index.js';
import type {
  AlignedIo,
  EraseBackend,
  EraseCapability,
  EraseContext,
  EraseOutcome,
  EraseRegion,
  EraseTechnique,
} from './backend.js';
import {
  LUKS2_BINARY_HEADER_SIZE,
  LUKS_ERASE_ALIGNMENT,
  LUKS_HEADER_OFFSETS,
  describeLuksVolume,
  hasLuksMagic,
  parseLuks2BinaryHeader,
  parseLuksCandidate,
  planLuksRegions,
  summarizeLuksVolume,
  type LuksCandidate,
  type LuksVolume,
} from './luks-format.js';

/** The step named in every error of this backend. */
export const LUKS_ERASE_STEP = 'crypto-erase (luks)';

/** Transfer size for hashing, overwriting and reading back regions (a keyslots area is up to ~128 MiB). */
const CHUNK = 1024 * 1024;

/** What reading every header offset of a target found. */
export interface LuksScan {
  /** The volume, when an intact header (or intact secondary copy) was found. */
  volume: LuksVolume | null;
  /** Offsets where a LUKS magic was seen. */
  magicAt: number[];
  /** Why headers with a magic could not be used ("0x0: LUKS1 phdr truncated ..."). */
  damaged: string[];
}

// The backend: software crypto-erase of LUKS1/LUKS2 volumes through the open target.
export const luksBackend: EraseBackend = {
  id: 'luks',
  label: 'LUKS crypto-erase (overwrite headers and keyslots)',
  source:
    'LUKS1 On-Disk Format Specification 1.2.3; LUKS2 On-Disk Format Specification 1.1.x; NIST SP 800-88r1 §2.6 (cryptographic erase)',
  // Software crypto-erase of one volume: weaker than a drive's own sanitize (nvme/ata/scsi), which also covers spare areas.
  strength: 10,
  probe: probeLuks,
  erase: eraseLuks,
};

// Reads offset 0 and every LUKS2 secondary-header offset; never writes.
export async function probeLuks(ctx: EraseContext): Promise<EraseCapability> {
  const name = targetName(ctx);
  const scan = await readLuksHeaders(ctx);
  if (!scan.volume) return unsupported(name, scan);
  const v = scan.volume;
  return {
    backend: 'luks',
    supported: true,
    techniques: ['crypto-erase'],
    reason: summarizeLuksVolume(v),
    facts: {
      version: v.version,
      uuid: v.uuid,
      activeKeyslots: v.activeKeyslots,
      hdrSize: v.hdrSize,
      keyslotsSize: v.keyslotsSize,
      dataOffset: v.dataOffset,
      metadataEnd: v.metadataEnd,
      checksumValid: v.checksumValid,
      headerSource: v.source,
      headersFound: v.candidates.length,
    },
  };
}

// The capability for a target without a usable LUKS header, with the reason naming the target.
function unsupported(name: string, scan: LuksScan): EraseCapability {
  const reason = scan.magicAt.length
    ? `LUKS magic at ${scan.magicAt.map(hex).join(', ')} of ${name}, but no usable header: ${scan.damaged.join('; ')}`
    : `no LUKS1 or LUKS2 header at offset 0 or at any LUKS2 secondary-header offset of ${name}`;
  return { backend: 'luks', supported: false, techniques: [], reason, facts: { magicFound: scan.magicAt.length > 0 } };
}

// Reads the bytes at every header offset and parses them; a LUKS2 copy is read whole (hdr_size).
export async function readLuksHeaders(io: AlignedIo): Promise<LuksScan> {
  const { target } = io;
  const candidates: LuksCandidate[] = [];
  const magicAt: number[] = [];
  const damaged: string[] = [];
  for (const at of LUKS_HEADER_OFFSETS) {
    if (at >= target.sizeBytes) break;
    const head = await readBytes(io, at, LUKS2_BINARY_HEADER_SIZE);
    if (!hasLuksMagic(head)) continue;
    magicAt.push(at);
    const parsed = parseLuksCandidate(await readWholeHeader(io, at, head), at);
    if (parsed.kind === 'ok') candidates.push(parsed.header);
    else damaged.push(`${hex(at)}: ${parsed.kind === 'damaged' ? parsed.reason : 'not a LUKS1/LUKS2 header'}`);
  }
  for (const c of candidates)
    if (c.version === 2 && c.header.metadataError) damaged.push(`${hex(c.at)}: ${c.header.metadataError}`);
  return { volume: describeLuksVolume(candidates), magicAt, damaged };
}

// The whole LUKS2 header (binary + JSON area) when `head` is one; else `head` itself.
async function readWholeHeader(io: AlignedIo, at: number, head: Uint8Array): Promise<Uint8Array> {
  const binary = parseLuks2BinaryHeader(head, at);
  if (binary.kind !== 'ok') return head;
  return readBytes(io, at, binary.header.hdrSize);
}

// Reads `length` bytes at an aligned offset into fresh memory (short at the end of the target).
async function readBytes(io: AlignedIo, offset: number, length: number): Promise<Uint8Array> {
  const lease = io.leaseBuffer(roundUp(length, LUKS_ERASE_ALIGNMENT));
  try {
    const buf = lease.buffer;
    const n = await io.target.read(buf, offset);
    return Uint8Array.from(buf.subarray(0, Math.min(n, length)));
  } finally {
    lease.release();
  }
}

// Overwrites the volume's LUKS metadata with random bytes and proves it by reading it back.
export async function eraseLuks(
  ctx: EraseContext,
  capability: EraseCapability,
  technique?: EraseTechnique,
): Promise<EraseOutcome> {
  const started = Date.now();
  const name = targetName(ctx);
  assertEraseAllowed(ctx, capability, technique);
  const scan = await readLuksHeaders(ctx);
  const volume = assertSameVolume(name, capability, scan);
  const regions = planLuksRegions(volume, ctx.target.sizeBytes);
  const progress = createProgress(ctx, regions);
  const oldHashes = await hashRegions(ctx, regions, progress);
  const newHashes = await overwriteRegions(ctx, regions, progress);
  await syncTarget(ctx);
  await verifyRegions(ctx, regions, oldHashes, newHashes, progress);
  const offsetsChecked = await assertMagicAbsent(ctx);
  const ended = Date.now();
  return {
    backend: 'luks',
    technique: 'crypto-erase',
    commands: ['overwrite LUKS metadata'],
    regions,
    luks: { version: volume.version, uuid: volume.uuid, keyslots: volume.keyslots },
    evidence: {
      headerSource: volume.source,
      checksumValid: volume.checksumValid,
      regionsVerified: regions.length,
      bytesOverwritten: regions.reduce((sum, r) => sum + r.length, 0),
      magicAbsent: true,
      offsetsChecked,
      ...Object.fromEntries(regions.map((r, i) => [`oldSha256:${r.label}`, oldHashes[i]!])),
    },
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(ended).toISOString(),
    durationMs: ended - started,
  };
}

// Refuses, before anything is written, a capability or technique this backend cannot honour.
function assertEraseAllowed(ctx: EraseContext, capability: EraseCapability, technique?: EraseTechnique): void {
  const name = targetName(ctx);
  const refuse = (why: string): never => {
    throw new CleanslateError('ERR_ERASE_UNSUPPORTED', `cannot crypto-erase ${name}: ${why}`, {
      target: name,
      step: LUKS_ERASE_STEP,
      offset: 0,
    });
  };
  if (capability.backend !== 'luks') refuse(`the capability is from the ${capability.backend} backend`);
  if (!capability.supported || !capability.techniques.includes('crypto-erase')) refuse(capability.reason);
  if (technique !== undefined && technique !== 'crypto-erase')
    refuse(`technique ${technique} is not offered (luks offers crypto-erase only)`);
  if (!ctx.target.writable) refuse('the target was opened read-only');
  if (ctx.signal?.aborted) throw interrupted(name, 0, 0, ctx.signal.reason);
}

// The volume read now must be the one the capability describes (same version and UUID).
function assertSameVolume(name: string, capability: EraseCapability, scan: LuksScan): LuksVolume {
  const volume = scan.volume;
  const why = !volume
    ? unsupported(name, scan).reason
    : volume.uuid !== capability.facts.uuid || volume.version !== capability.facts.version
      ? `the LUKS header changed since the probe (UUID ${String(capability.facts.uuid)} → ${volume.uuid})`
      : null;
  if (why || !volume)
    throw new CleanslateError('ERR_ERASE_UNSUPPORTED', `cannot crypto-erase ${name}: ${why}`, {
      target: name,
      step: LUKS_ERASE_STEP,
      offset: 0,
    });
  return volume;
}

interface Progress {
  /** Counts `bytes` more done (of hashing, overwriting or reading back) and reports the overall percent. */
  advance(bytes: number, message: string): void;
}

// Percent over reading old content, overwriting and reading back (each one third).
function createProgress(ctx: EraseContext, regions: EraseRegion[]): Progress {
  const total = 3 * regions.reduce((sum, r) => sum + r.length, 0);
  let done = 0;
  return {
    advance(bytes, message) {
      done += bytes;
      const percent = total === 0 ? 100 : Math.min(100, Math.round((done / total) * 1000) / 10);
      ctx.onProgress?.({ percent, message });
    },
  };
}

// SHA-256 of each region's content before the erase (hex; nothing else of it is kept).
async function hashRegions(ctx: EraseContext, regions: EraseRegion[], progress: Progress): Promise<string[]> {
  const hashes: string[] = [];
  for (const region of regions) {
    if (ctx.signal?.aborted) throw interrupted(targetName(ctx), 0, region.offset, ctx.signal.reason);
    hashes.push(await hashRegion(ctx, region));
    progress.advance(region.length, `hashed ${region.label}`);
  }
  return hashes;
}

// Reads a region chunk by chunk and returns the SHA-256 of its content.
async function hashRegion(ctx: EraseContext, region: EraseRegion): Promise<string> {
  const hash = createHash('sha256');
  await forEachChunk(ctx, region, async (buf, offset) => {
    const n = await readExactly(ctx, buf, offset, region);
    hash.update(buf.subarray(0, n));
  });
  return hash.digest('hex');
}

// Overwrites every region with fresh random bytes; returns the SHA-256 of what was written to each.
async function overwriteRegions(ctx: EraseContext, regions: EraseRegion[], progress: Progress): Promise<string[]> {
  const name = targetName(ctx);
  const hashes: string[] = [];
  for (const [index, region] of regions.entries()) {
    if (ctx.signal?.aborted) throw interrupted(name, index, region.offset, ctx.signal.reason, regions.length);
    hashes.push(await overwriteRegion(ctx, region));
    progress.advance(region.length, `overwrote ${region.label}`);
  }
  return hashes;
}

// Writes random bytes over one region, chunk by chunk, hashing what it writes.
async function overwriteRegion(ctx: EraseContext, region: EraseRegion): Promise<string> {
  const hash = createHash('sha256');
  await forEachChunk(ctx, region, async (buf, offset) => {
    await fillRandom(buf);
    hash.update(buf);
    const n = await ctx.target.write(buf, offset).catch((err: unknown) => {
      throw eraseFailed(ctx, `writing ${region.label} failed`, offset, err);
    });
    if (n !== buf.length)
      throw eraseFailed(ctx, `short write over ${region.label} (${n} of ${buf.length} bytes)`, offset);
  });
  return hash.digest('hex');
}

// fdatasync, so the read-back sees what reached the device.
async function syncTarget(ctx: EraseContext): Promise<void> {
  await ctx.target.sync().catch((err: unknown) => {
    throw eraseFailed(ctx, 'fdatasync after the overwrite failed', undefined, err);
  });
}

// Reads every region back: it must hold exactly what was written, which must differ from the old content.
async function verifyRegions(
  ctx: EraseContext,
  regions: EraseRegion[],
  oldHashes: string[],
  newHashes: string[],
  progress: Progress,
): Promise<void> {
  for (const [i, region] of regions.entries()) {
    const now = await hashRegion(ctx, region);
    if (now === oldHashes[i])
      throw eraseFailed(ctx, `${region.label} still holds its old content after the overwrite`, region.offset);
    if (now !== newHashes[i])
      throw eraseFailed(ctx, `${region.label} does not read back what was written`, region.offset);
    progress.advance(region.length, `verified ${region.label}`);
  }
}

// Reads offset 0 and every secondary-header offset again: no LUKS magic may remain. Returns how many were read.
async function assertMagicAbsent(ctx: EraseContext): Promise<number> {
  let checked = 0;
  for (const at of LUKS_HEADER_OFFSETS) {
    if (at >= ctx.target.sizeBytes) break;
    const head = await readBytes(ctx, at, LUKS2_BINARY_HEADER_SIZE);
    if (hasLuksMagic(head)) throw eraseFailed(ctx, `a LUKS magic is still present at ${hex(at)}`, at);
    checked += 1;
  }
  return checked;
}

// Calls fn for each aligned chunk of a region with a leased aligned buffer of the chunk's length.
async function forEachChunk(
  io: AlignedIo,
  region: EraseRegion,
  fn: (buf: Uint8Array, offset: number) => Promise<void>,
): Promise<void> {
  const lease = io.leaseBuffer(CHUNK);
  try {
    const end = region.offset + region.length;
    for (let offset = region.offset; offset < end; offset += CHUNK) {
      await fn(lease.buffer.subarray(0, Math.min(CHUNK, end - offset)), offset);
    }
  } finally {
    lease.release();
  }
}

// Reads a whole chunk of a region; a short read inside a planned region means the target shrank.
async function readExactly(ctx: EraseContext, buf: Uint8Array, offset: number, region: EraseRegion): Promise<number> {
  const n = await ctx.target.read(buf, offset).catch((err: unknown) => {
    throw eraseFailed(ctx, `reading ${region.label} failed`, offset, err);
  });
  if (n !== buf.length) throw eraseFailed(ctx, `short read in ${region.label} (${n} of ${buf.length} bytes)`, offset);
  return n;
}

// Fills buf with fresh random bytes from node:crypto (the threadpool, not the event loop).
function fillRandom(buf: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => randomFill(buf, (err) => (err ? reject(err) : resolve())));
}

// ERR_ERASE_FAILED naming target, step and offset.
function eraseFailed(ctx: EraseContext, message: string, offset: number | undefined, cause?: unknown): CleanslateError {
  const name = targetName(ctx);
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new CleanslateError('ERR_ERASE_FAILED', `crypto-erase of ${name} failed: ${message}${detail}`, {
    target: name,
    step: LUKS_ERASE_STEP,
    offset,
    cause,
  });
}

// ERR_INTERRUPTED at a region boundary; says whether the header is already partly destroyed.
function interrupted(name: string, regionsDone: number, offset: number, reason: unknown, total = 0): CleanslateError {
  const state =
    regionsDone === 0
      ? 'nothing was written'
      : `${regionsDone} of ${total} regions were overwritten, so the LUKS metadata is partly destroyed`;
  return new CleanslateError('ERR_INTERRUPTED', `crypto-erase of ${name} interrupted: ${state}`, {
    target: name,
    step: LUKS_ERASE_STEP,
    offset,
    cause: reason,
  });
}

// The target as the user named it.
function targetName(ctx: EraseContext): string {
  return ctx.identity.path || ctx.target.path;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function roundUp(n: number, unit: number): number {
  return Math.ceil(n / unit) * unit;
}
