// Structural validators for the signature catalogue: each one reads the fields of one on-disk
// structure that starts at buf[pos] (absolute offset ctx.base + pos) and says whether they are
// consistent. A validator MUST return null unless the structure checks out; it MUST NOT put any
// bytes of the structure into `detail` beyond format facts (block sizes, versions, copy numbers).
// Reads past the end of buf return -1 (see bytes.ts), which every check rejects.
import { createHash } from 'node:crypto';
import {
  ascii,
  crc32,
  crc32cRaw,
  crc32Raw,
  hasBytes,
  isPowerOfTwo,
  isPrintableField,
  isZeroRange,
  oggCrc,
  readU16BE,
  readU16LE,
  readU32BE,
  readU32LE,
  readU64BE,
  readU64LE,
  readU8,
} from './bytes.js';
import type { ValidatorName } from './signatures.js';

/** What a validator recognised. */
export interface StructureMatch {
  length: number;
  detail: string;
  confidence: 'confirmed' | 'probable';
}

/** Where the structure is: buf[0] is at absolute offset `base` of a target of `targetSize` bytes. */
export interface ValidateContext {
  base: number;
  targetSize: number;
}

export type Validator = (buf: Uint8Array, pos: number, ctx: ValidateContext) => StructureMatch | null;

const KiB = 1024;
const MiB = 1024 * KiB;

const confirmed = (length: number, detail: string): StructureMatch => ({ length, detail, confidence: 'confirmed' });
const probable = (length: number, detail: string): StructureMatch => ({ length, detail, confidence: 'probable' });

function formatSize(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}

// ---------------------------------------------------------------- partition tables

// MBR (partitions/dos.c): four 16-byte entries at 446; boot flag 0x00/0x80; a used entry has a
// type, a non-zero start and size, and ends inside the target; unused entries are all zero.
function validateMbr(buf: Uint8Array, pos: number, ctx: ValidateContext): StructureMatch | null {
  if (pos + 512 > buf.length || buf[pos + 510] !== 0x55 || buf[pos + 511] !== 0xaa) return null;
  const sectorsAfter = Math.floor((ctx.targetSize - (ctx.base + pos)) / 512);
  let used = 0;
  let protective = false;
  const ranges: [number, number][] = [];
  for (let i = 0; i < 4; i++) {
    const e = pos + 446 + 16 * i;
    const flag = buf[e]!;
    const type = buf[e + 4]!;
    const start = readU32LE(buf, e + 8);
    const count = readU32LE(buf, e + 12);
    if (flag !== 0x00 && flag !== 0x80) return null;
    if (type === 0) {
      if (!isZeroRange(buf, e, 16)) return null;
      continue;
    }
    if (start === 0 || count === 0) return null;
    if (type === 0xee) {
      // GPT protective entry: starts at LBA 1, size clamps at 0xFFFFFFFF.
      if (start !== 1) return null;
      protective = true;
    } else if (start + count > sectorsAfter) {
      return null;
    }
    for (const [s, c] of ranges) if (start < s + c && s < start + count) return null;
    ranges.push([start, count]);
    used++;
  }
  if (used === 0) return null;
  if (protective) return confirmed(512, 'protective MBR of a GPT disk');
  return confirmed(512, `MBR partition table, ${used} partition${used === 1 ? '' : 's'}`);
}

// GPT header (partitions/gpt.c, UEFI §5.3.2): revision 1.0, header size 92..512, CRC32 of the
// header with its CRC field zeroed, MyLBA/AlternateLBA consistent with the position.
function validateGpt(buf: Uint8Array, pos: number, ctx: ValidateContext): StructureMatch | null {
  if (readU32LE(buf, pos + 8) !== 0x00010000) return null;
  const size = readU32LE(buf, pos + 12);
  if (size < 92 || size > 512 || pos + size > buf.length) return null;
  if (readU32LE(buf, pos + 20) !== 0) return null;
  let c = crc32Raw(0xffffffff, buf, pos, pos + 16);
  c = crc32Raw(c, ZERO4, 0, 4);
  c = (crc32Raw(c, buf, pos + 20, pos + size) ^ 0xffffffff) >>> 0;
  if (c !== readU32LE(buf, pos + 16)) return null;
  const myLba = readU64LE(buf, pos + 24);
  const altLba = readU64LE(buf, pos + 32);
  const entrySize = readU32LE(buf, pos + 84);
  if (entrySize < 128 || !isPowerOfTwo(entrySize)) return null;
  const abs = ctx.base + pos;
  const lastLba = Math.floor(ctx.targetSize / 512) - 1;
  let detail: string;
  if (myLba < altLba) {
    detail =
      myLba * 512 === abs ? 'primary GPT header (LBA 1)' : `primary GPT header of a disk starting at ${abs - 512}`;
    if (myLba * 512 === abs && altLba !== lastLba) detail += ', backup LBA not at the target end';
  } else {
    detail =
      abs === lastLba * 512 && myLba === lastLba
        ? 'backup GPT header (last LBA)'
        : `backup GPT header (MyLBA ${myLba}, primary at LBA ${altLba})`;
  }
  return confirmed(512, detail);
}
const ZERO4 = new Uint8Array(4);

// ---------------------------------------------------------------- ext2/3/4

const EXT_COMPAT_HAS_JOURNAL = 0x4;
const EXT2_INCOMPAT_SUPPORTED = 0x0002 | 0x0010; // filetype | meta_bg
const EXT3_INCOMPAT_SUPPORTED = 0x0002 | 0x0004 | 0x0010; // + recover
const EXT23_RO_SUPPORTED = 0x1 | 0x2 | 0x4; // sparse_super | large_file | btree_dir
const EXT_INCOMPAT_64BIT = 0x80;
const EXT_RO_SPARSE_SUPER = 0x1;
const EXT_RO_METADATA_CSUM = 0x400;

function isSparseGroup(group: number): boolean {
  if (group <= 1) return true;
  for (const base of [3, 5, 7]) {
    let n = base;
    while (n < group) n *= base;
    if (n === group) return true;
  }
  return false;
}

// The kind libblkid (superblocks/ext.c) would give: features beyond ext2/ext3's sets make ext4.
function extKindOf(compat: number, incompat: number, roCompat: number): 'ext2' | 'ext3' | 'ext4' {
  const journal = (compat & EXT_COMPAT_HAS_JOURNAL) !== 0;
  if (roCompat & ~EXT23_RO_SUPPORTED || incompat & ~(journal ? EXT3_INCOMPAT_SUPPORTED : EXT2_INCOMPAT_SUPPORTED)) {
    return 'ext4';
  }
  return journal ? 'ext3' : 'ext2';
}

// ext superblock (1024 bytes; the structure starts at the superblock, magic 0xEF53 at 0x38):
// block size, group geometry, inode count = groups × inodes per group, revision, state, the
// copy's group number (sparse_super), and the crc32c when metadata_csum is on.
function validateExt(want: 'ext2' | 'ext3' | 'ext4'): Validator {
  return (buf, pos) => {
    if (pos + 1024 > buf.length) return null;
    const inodes = readU32LE(buf, pos);
    let blocks = readU32LE(buf, pos + 4);
    const freeBlocks = readU32LE(buf, pos + 12);
    const freeInodes = readU32LE(buf, pos + 16);
    const firstData = readU32LE(buf, pos + 20);
    const logBlock = readU32LE(buf, pos + 24);
    const blocksPerGroup = readU32LE(buf, pos + 32);
    const inodesPerGroup = readU32LE(buf, pos + 40);
    const state = readU16LE(buf, pos + 58);
    const errors = readU16LE(buf, pos + 60);
    const creatorOs = readU32LE(buf, pos + 72);
    const rev = readU32LE(buf, pos + 76);
    if (logBlock > 6 || rev > 1 || state > 7 || errors > 3 || creatorOs > 4) return null;
    const blockSize = 1024 << logBlock;
    const compat = rev === 1 ? readU32LE(buf, pos + 92) : 0;
    const incompat = rev === 1 ? readU32LE(buf, pos + 96) : 0;
    const roCompat = rev === 1 ? readU32LE(buf, pos + 100) : 0;
    if (extKindOf(compat, incompat, roCompat) !== want) return null;
    if (incompat & EXT_INCOMPAT_64BIT) blocks += readU32LE(buf, pos + 0x150) * 0x100000000;
    if (inodes === 0 || blocks === 0 || blocksPerGroup === 0 || inodesPerGroup === 0) return null;
    if (blocksPerGroup > 8 * blockSize || inodesPerGroup > 8 * blockSize || blocksPerGroup % 8 !== 0) return null;
    if (firstData !== (blockSize === 1024 ? 1 : 0) && firstData !== 0) return null;
    if (freeInodes > inodes || ((incompat & EXT_INCOMPAT_64BIT) === 0 && freeBlocks > blocks)) return null;
    const groups = Math.ceil((blocks - firstData) / blocksPerGroup);
    if (inodes !== groups * inodesPerGroup) return null;
    if (rev === 1) {
      const inodeSize = readU16LE(buf, pos + 88);
      if (!isPowerOfTwo(inodeSize) || inodeSize < 128 || inodeSize > blockSize) return null;
    }
    const group = rev === 1 ? readU16LE(buf, pos + 90) : 0;
    if (group >= groups) return null;
    if (group > 0 && roCompat & EXT_RO_SPARSE_SUPER && !isSparseGroup(group)) return null;
    let confidence: StructureMatch['confidence'] = 'confirmed';
    if (roCompat & EXT_RO_METADATA_CSUM) {
      const stored = readU32LE(buf, pos + 0x3fc);
      if (crc32cRaw(0xffffffff, buf, pos, pos + 0x3fc) !== stored) confidence = 'probable';
    }
    const copy =
      group === 0
        ? 'primary superblock'
        : `backup superblock of group ${group} (filesystem starts ${group * blocksPerGroup * blockSize + (blockSize === 1024 ? 1024 : 0)} bytes earlier)`;
    const journal = compat & EXT_COMPAT_HAS_JOURNAL ? ', journal' : '';
    return {
      length: 1024,
      confidence,
      detail: `${want} ${copy}, ${blockSize}-byte blocks, ${groups} groups${journal}`,
    };
  };
}

// ---------------------------------------------------------------- other filesystems

// XFS superblock (xfs_format.h, big-endian): block size and its log, sector size and its log,
// inode size, AG geometry consistent with the data block count, version 1..5.
function validateXfs(buf: Uint8Array, pos: number): StructureMatch | null {
  const blockSize = readU32BE(buf, pos + 4);
  const dblocks = readU64BE(buf, pos + 8);
  const agBlocks = readU32BE(buf, pos + 84);
  const agCount = readU32BE(buf, pos + 88);
  const version = readU16BE(buf, pos + 100) & 0xf;
  const sectSize = readU16BE(buf, pos + 102);
  const inodeSize = readU16BE(buf, pos + 104);
  const blockLog = readU8(buf, pos + 120);
  const sectLog = readU8(buf, pos + 121);
  const inodeLog = readU8(buf, pos + 122);
  if (!isPowerOfTwo(blockSize) || blockSize < 512 || blockSize > 65536 || 1 << blockLog !== blockSize) return null;
  if (!isPowerOfTwo(sectSize) || sectSize < 512 || sectSize > 32768 || 1 << sectLog !== sectSize) return null;
  if (!isPowerOfTwo(inodeSize) || inodeSize < 256 || inodeSize > 2048 || 1 << inodeLog !== inodeSize) return null;
  if (version < 1 || version > 5 || agCount === 0 || agBlocks === 0 || dblocks <= 0) return null;
  if (dblocks > agCount * agBlocks || dblocks <= (agCount - 1) * agBlocks) return null;
  let confidence: StructureMatch['confidence'] = 'confirmed';
  if (version === 5) {
    if (pos + sectSize > buf.length) confidence = 'probable';
    else {
      let c = crc32cRaw(0xffffffff, buf, pos, pos + 224);
      c = crc32cRaw(c, ZERO4, 0, 4);
      c = (crc32cRaw(c, buf, pos + 228, pos + sectSize) ^ 0xffffffff) >>> 0;
      if (c !== readU32LE(buf, pos + 224)) return null;
    }
  }
  const agSize = agBlocks * blockSize;
  return {
    length: sectSize,
    confidence,
    detail: `XFS v${version} superblock (primary or AG secondary), ${blockSize}-byte blocks, ${agCount} AGs of ${formatSize(agSize)}`,
  };
}

const BTRFS_COPIES = [64 * KiB, 64 * MiB, 256 * 1024 * MiB];

// btrfs superblock (fs/btrfs/disk-io.c): bytenr is one of the three copy offsets, sector and node
// sizes are powers of two, csum type known; crc32c checksum checked when that is the type.
function validateBtrfs(buf: Uint8Array, pos: number, ctx: ValidateContext): StructureMatch | null {
  const bytenr = readU64LE(buf, pos + 0x30);
  const copy = BTRFS_COPIES.indexOf(bytenr);
  if (copy < 0) return null;
  const sectorSize = readU32LE(buf, pos + 0x90);
  const nodeSize = readU32LE(buf, pos + 0x94);
  const csumType = readU16LE(buf, pos + 0xc4);
  if (!isPowerOfTwo(sectorSize) || sectorSize < 4096 || sectorSize > 65536) return null;
  if (!isPowerOfTwo(nodeSize) || nodeSize < sectorSize || nodeSize > 65536 || csumType > 3) return null;
  let confidence: StructureMatch['confidence'] = 'probable';
  if (pos + 4096 <= buf.length) {
    if (csumType === 0) {
      const c = (crc32cRaw(0xffffffff, buf, pos + 0x20, pos + 4096) ^ 0xffffffff) >>> 0;
      if (c !== readU32LE(buf, pos)) return null;
      confidence = 'confirmed';
    } else if (csumType === 2) {
      const digest = createHash('sha256')
        .update(buf.subarray(pos + 0x20, pos + 4096))
        .digest();
      if (!hasBytes(buf, pos, [...digest])) return null;
      confidence = 'confirmed';
    }
  }
  const where = ctx.base + pos === bytenr ? '' : ` (filesystem starts at ${ctx.base + pos - bytenr})`;
  const name = ['primary superblock', 'superblock mirror 1', 'superblock mirror 2'][copy];
  return { length: 4096, confidence, detail: `btrfs ${name} at ${formatSize(bytenr)}${where}, ${nodeSize}-byte nodes` };
}

function isFatJump(buf: Uint8Array, pos: number): boolean {
  return (buf[pos] === 0xeb && buf[pos + 2] === 0x90) || buf[pos] === 0xe9;
}

// FAT boot sector (vfat.c, FAT spec §3): jump, BPB fields in range, FAT12/16 vs FAT32 layout.
// The FAT32 backup boot sector is identical to the primary: when the sector BPB_BkBootSec before
// or after this one is the same, the detail says which copy this is.
function validateVfatBoot(buf: Uint8Array, pos: number): StructureMatch | null {
  if (pos + 512 > buf.length || !isFatJump(buf, pos)) return null;
  const bps = readU16LE(buf, pos + 11);
  const spc = buf[pos + 13]!;
  const reserved = readU16LE(buf, pos + 14);
  const fats = buf[pos + 16]!;
  const rootEntries = readU16LE(buf, pos + 17);
  const total16 = readU16LE(buf, pos + 19);
  const media = buf[pos + 21]!;
  const fatSize16 = readU16LE(buf, pos + 22);
  const total32 = readU32LE(buf, pos + 32);
  if (!isPowerOfTwo(bps) || bps < 512 || bps > 4096 || !isPowerOfTwo(spc) || spc > 128) return null;
  if (reserved === 0 || fats < 1 || fats > 2 || (media !== 0xf0 && media < 0xf8)) return null;
  const total = total16 || total32;
  if (total === 0 || (total16 !== 0 && total32 !== 0 && total16 !== total32)) return null;
  const fat32 = fatSize16 === 0;
  if (fat32) {
    const fatSize32 = readU32LE(buf, pos + 36);
    const rootCluster = readU32LE(buf, pos + 44);
    const backup = readU16LE(buf, pos + 50);
    if (rootEntries !== 0 || fatSize32 === 0 || rootCluster < 2 || backup >= reserved) return null;
    const distance = backup * bps;
    let copy = 'boot sector';
    if (backup > 0 && pos + distance + 512 <= buf.length && sameBytes(buf, pos, pos + distance, 512)) {
      copy = `boot sector, backup copy at sector ${backup} present`;
    } else if (backup > 0 && pos - distance >= 0 && sameBytes(buf, pos, pos - distance, 512)) {
      copy = `backup boot sector (sector ${backup} of the volume)`;
    }
    return confirmed(512, `FAT32 ${copy}, ${bps * spc}-byte clusters`);
  }
  if (rootEntries === 0) return null;
  const kind = total / spc < 4085 ? 'FAT12' : 'FAT16';
  return confirmed(512, `${kind} boot sector, ${bps * spc}-byte clusters`);
}

function sameBytes(buf: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

// FAT32 FSInfo (FAT spec §5): lead signature RRaA, struct signature rrAa at 484, trail 0xAA550000.
function validateVfatFsInfo(buf: Uint8Array, pos: number): StructureMatch | null {
  if (!hasBytes(buf, pos + 484, ascii('rrAa')) || !hasBytes(buf, pos + 508, [0, 0, 0x55, 0xaa])) return null;
  if (!isZeroRange(buf, pos + 488 + 8, 12)) return null;
  return confirmed(512, 'FAT32 FSInfo sector');
}

// exFAT main boot sector (exFAT spec §3.1): jump EB 76 90, MustBeZero, shifts, FAT count, 0x55AA.
function validateExfat(buf: Uint8Array, pos: number): StructureMatch | null {
  if (!hasBytes(buf, pos, [0xeb, 0x76, 0x90]) || !isZeroRange(buf, pos + 11, 53)) return null;
  if (buf[pos + 510] !== 0x55 || buf[pos + 511] !== 0xaa) return null;
  const bpsShift = buf[pos + 108]!;
  const spcShift = buf[pos + 109]!;
  const fats = buf[pos + 110]!;
  const revision = readU16LE(buf, pos + 104);
  if (bpsShift < 9 || bpsShift > 12 || spcShift > 25 - bpsShift || fats < 1 || fats > 2) return null;
  if (revision >> 8 !== 1 || readU32LE(buf, pos + 80) < 24 || readU32LE(buf, pos + 92) === 0) return null;
  return confirmed(512, `exFAT boot sector (main or backup), ${1 << (bpsShift + spcShift)}-byte clusters`);
}

// NTFS boot sector (ntfs.c): sector size, cluster size, zeroed FAT fields, MFT record size.
function validateNtfs(buf: Uint8Array, pos: number, ctx: ValidateContext): StructureMatch | null {
  if (pos + 512 > buf.length || buf[pos + 510] !== 0x55 || buf[pos + 511] !== 0xaa) return null;
  const bps = readU16LE(buf, pos + 11);
  const spcRaw = buf[pos + 13]!;
  if (!isPowerOfTwo(bps) || bps < 256 || bps > 4096) return null;
  const spc = spcRaw <= 0x80 ? spcRaw : 2 ** (256 - spcRaw);
  if (!isPowerOfTwo(spc) || spcRaw === 0) return null;
  if (readU16LE(buf, pos + 14) !== 0 || buf[pos + 16] !== 0 || readU16LE(buf, pos + 17) !== 0) return null;
  if (readU16LE(buf, pos + 19) !== 0 || readU16LE(buf, pos + 22) !== 0) return null;
  const sectors = readU64LE(buf, pos + 0x28);
  const mftRecord = buf[pos + 0x40]!;
  if (sectors <= 0 || readU64LE(buf, pos + 0x30) <= 0) return null;
  if (!(mftRecord >= 1 && mftRecord <= 0x40) && !(mftRecord >= 0xe1 && mftRecord <= 0xf7)) return null;
  const abs = ctx.base + pos;
  const copy =
    abs === ctx.targetSize - bps
      ? 'backup boot sector (last sector)'
      : abs === 0
        ? 'boot sector'
        : 'boot sector (primary or backup)';
  return confirmed(512, `NTFS ${copy}, ${bps * spc}-byte clusters, volume ${formatSize(sectors * bps)}`);
}

const ISO_TYPES: Record<number, string> = {
  0: 'boot record',
  1: 'primary volume descriptor',
  2: 'supplementary volume descriptor',
  3: 'volume partition descriptor',
  255: 'volume descriptor set terminator',
};

// ISO 9660 volume descriptor (ECMA-119 §8): type, "CD001", version 1; primary and supplementary
// descriptors carry both-endian block size and volume size that must agree.
function validateIso9660(buf: Uint8Array, pos: number, ctx: ValidateContext): StructureMatch | null {
  const type = readU8(buf, pos);
  const name = ISO_TYPES[type];
  if (name === undefined || buf[pos + 6] !== 1 || pos + 2048 > buf.length) return null;
  const volumeStart = ctx.base + pos >= 0x8000 ? ` (volume starts at or before ${ctx.base + pos - 0x8000})` : '';
  if (type === 1 || type === 2) {
    const blocks = readU32LE(buf, pos + 80);
    const blockSize = readU16LE(buf, pos + 128);
    if (blocks !== readU32BE(buf, pos + 84) || blockSize !== readU16BE(buf, pos + 130)) return null;
    if (!isPowerOfTwo(blockSize) || blockSize < 512 || blocks === 0) return null;
    if (readU16LE(buf, pos + 120) !== readU16BE(buf, pos + 122) || buf[pos + 881] !== 1) return null;
    return confirmed(2048, `ISO 9660 ${name}, ${blocks} blocks of ${blockSize} bytes${volumeStart}`);
  }
  if (type === 255 && !isZeroRange(buf, pos + 7, 2041)) return null;
  return probable(2048, `ISO 9660 ${name}${volumeStart}`);
}

// F2FS superblock (f2fs_fs.h): log sizes (4 KiB blocks, 512-block segments), version, counts.
function validateF2fs(buf: Uint8Array, pos: number): StructureMatch | null {
  const logSector = readU32LE(buf, pos + 8);
  const logSectorsPerBlock = readU32LE(buf, pos + 12);
  const logBlock = readU32LE(buf, pos + 16);
  const logBlocksPerSeg = readU32LE(buf, pos + 20);
  const blocks = readU64LE(buf, pos + 36);
  const segments = readU32LE(buf, pos + 48);
  if (logBlock !== 12 || logSector < 9 || logSector > 12 || logSector + logSectorsPerBlock !== 12) return null;
  if (logBlocksPerSeg !== 9 || blocks <= 0 || segments === 0 || segments * 512 > blocks) return null;
  const major = readU16LE(buf, pos + 4);
  if (major > 16) return null;
  return confirmed(4096 - 1024, `F2FS superblock (copy 1 or 2), ${segments} segments of 2 MiB`);
}

const ZIO_ECK_MAGIC_LE = [0x11, 0x7a, 0x0c, 0xb1, 0x7a, 0xda, 0x10, 0x02];

// ZFS uberblock (uberblock_impl.h): magic in either byte order, ub_version ≤ 5000, txg > 0, a
// timestamp before 2100; confirmed when the embedded checksum trailer (zio_eck_t magic) closes a
// 1, 2, 4 or 8 KiB slot.
function validateZfsUberblock(buf: Uint8Array, pos: number): StructureMatch | null {
  const little = buf[pos] === 0x0c;
  const read64 = little ? readU64LE : readU64BE;
  const version = read64(buf, pos + 8);
  const txg = read64(buf, pos + 16);
  const timestamp = read64(buf, pos + 32);
  if (version < 1 || version > 5000 || (version > 28 && version !== 5000)) return null;
  if (txg <= 0 || timestamp <= 0 || timestamp > 4102444800) return null;
  const eck = little ? ZIO_ECK_MAGIC_LE : [...ZIO_ECK_MAGIC_LE].reverse();
  for (const slot of [1024, 2048, 4096, 8192]) {
    if (hasBytes(buf, pos + slot - 40, eck)) {
      return confirmed(slot, `ZFS uberblock (pool version ${version}, txg ${txg})`);
    }
  }
  return probable(1024, `ZFS uberblock (pool version ${version}, txg ${txg}), no checksum trailer`);
}

// Linux swap (swap.h): magic at page size - 10; for SWAPSPACE2 the header at 1024 has version 1,
// last_page > 0 and a bad-page count that fits in the page.
function validateSwap(buf: Uint8Array, pos: number): StructureMatch | null {
  for (const page of [4096, 8192, 16384, 65536]) {
    if (hasBytes(buf, pos + page - 10, ascii('SWAPSPACE2'))) {
      const little = readU32LE(buf, pos + 1024) === 1;
      if (!little && readU32BE(buf, pos + 1024) !== 1) return null;
      const lastPage = little ? readU32LE(buf, pos + 1028) : readU32BE(buf, pos + 1028);
      const badPages = little ? readU32LE(buf, pos + 1032) : readU32BE(buf, pos + 1032);
      if (lastPage < 1 || badPages > (page - 1024 - 512) / 4) return null;
      return confirmed(page, `Linux swap v1, ${formatSize(page)} pages, ${formatSize((lastPage + 1) * page)}`);
    }
    if (hasBytes(buf, pos + page - 10, ascii('SWAP-SPACE'))) {
      return probable(page, `Linux swap v0 signature, ${formatSize(page)} pages`);
    }
  }
  return null;
}

// ---------------------------------------------------------------- containers

const LUKS2_SECONDARY = [0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x80000, 0x100000, 0x200000, 0x400000];

// LUKS1 (phdr: printable cipher/mode/hash, key size, UUID, keyslot states) and LUKS2 binary header
// (hdr_size, hdr_offset matching primary/secondary, SHA-256 checksum over the header + JSON area).
function validateLuks(buf: Uint8Array, pos: number, ctx: ValidateContext): StructureMatch | null {
  const secondary = buf[pos] === 0x53;
  const version = readU16BE(buf, pos + 6);
  if (version === 1 && !secondary) {
    if (
      !isPrintableField(buf, pos + 8, 32) ||
      !isPrintableField(buf, pos + 40, 32) ||
      !isPrintableField(buf, pos + 72, 32)
    ) {
      return null;
    }
    const keyBytes = readU32BE(buf, pos + 108);
    if (![16, 32, 48, 64, 128].includes(keyBytes) || !isPrintableField(buf, pos + 168, 40, 36)) return null;
    for (let i = 0; i < 8; i++) {
      const state = readU32BE(buf, pos + 208 + 48 * i);
      if (state !== 0x00ac71f3 && state !== 0x0000dead) return null;
    }
    return confirmed(592, `LUKS1 header, ${keyBytes * 8}-bit key`);
  }
  if (version !== 2) return null;
  const hdrSize = readU64BE(buf, pos + 8);
  const hdrOffset = readU64BE(buf, pos + 256);
  if (!LUKS2_SECONDARY.includes(hdrSize)) return null;
  if (secondary ? hdrOffset !== hdrSize : hdrOffset !== 0) return null;
  if (!isPrintableField(buf, pos + 72, 32) || !isPrintableField(buf, pos + 168, 40, 36)) return null;
  const which = secondary ? `secondary header (primary at ${ctx.base + pos - hdrOffset})` : 'primary header';
  if (pos + hdrSize > buf.length) return probable(4096, `LUKS2 ${which}, checksum not checked`);
  if (!hasBytes(buf, pos + 72, ascii('sha256\0'))) return probable(hdrSize, `LUKS2 ${which}`);
  const hash = createHash('sha256');
  hash.update(buf.subarray(pos, pos + 448));
  hash.update(new Uint8Array(64));
  hash.update(buf.subarray(pos + 512, pos + hdrSize));
  const digest = hash.digest();
  if (!hasBytes(buf, pos + 448, [...digest])) return null;
  return confirmed(hdrSize, `LUKS2 ${which}, ${formatSize(hdrSize)} metadata`);
}

// LVM2 label (layout.h): sector_xl = the label's own sector (0-3), offset_xl = 32, type
// "LVM2 001", CRC (lvm's crc32 variant, initial 0xf597a6cf) over bytes 20..512, PV UUID chars.
function validateLvm2(buf: Uint8Array, pos: number): StructureMatch | null {
  const sector = readU64LE(buf, pos + 8);
  if (sector < 0 || sector > 3 || readU32LE(buf, pos + 20) !== 32 || !hasBytes(buf, pos + 24, ascii('LVM2 001'))) {
    return null;
  }
  if (pos + 512 > buf.length) return null;
  if (crc32Raw(0xf597a6cf, buf, pos + 20, pos + 512) !== readU32LE(buf, pos + 16)) return null;
  for (let i = 0; i < 32; i++) {
    const b = buf[pos + 32 + i]!;
    const ok =
      (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x21 || b === 0x23;
    if (!ok) return null;
  }
  return confirmed(
    512,
    `LVM2 physical volume label (sector ${sector}), device ${formatSize(readU64LE(buf, pos + 64))}`,
  );
}

const MD_LEVELS = [-4, -1, 0, 1, 4, 5, 6, 10];

// md superblocks (md_p.h): 0.90 (major 0, minor 90, 4 KiB, checksum = folded sum of the 1024
// words) and 1.x (major 1, feature map, level, max_dev, folded checksum over 256 + 2·max_dev).
function validateMdraid(buf: Uint8Array, pos: number, ctx: ValidateContext): StructureMatch | null {
  const little = buf[pos] === 0xfc;
  const read32 = little ? readU32LE : readU32BE;
  const major = read32(buf, pos + 4);
  if (major === 0) {
    if (read32(buf, pos + 8) !== 90 || pos + 4096 > buf.length) return null;
    const level = read32(buf, pos + 28) | 0;
    if (!MD_LEVELS.includes(level) || read32(buf, pos + 40) > 27) return null;
    let sum = 0;
    for (let i = 0; i < 1024; i++) if (i !== 38) sum += read32(buf, pos + 4 * i);
    const folded = ((sum % 0x100000000) + Math.floor(sum / 0x100000000)) % 0x100000000;
    if (folded !== read32(buf, pos + 152)) return null;
    return confirmed(4096, `md 0.90 superblock, RAID level ${level}, ${read32(buf, pos + 40)} disks`);
  }
  if (major !== 1 || !little) return null;
  const level = readU32LE(buf, pos + 72) | 0;
  const maxDev = readU32LE(buf, pos + 220);
  const featureMap = readU32LE(buf, pos + 8);
  if (!MD_LEVELS.includes(level) || maxDev > 1920 || featureMap > 0x3ff) return null;
  const size = 256 + 2 * maxDev;
  if (pos + size > buf.length) return null;
  let sum = 0;
  for (let i = 0; i + 4 <= size; i += 4) if (i !== 216) sum += readU32LE(buf, pos + i);
  if (size % 4 === 2) sum += readU16LE(buf, pos + size - 2);
  const folded = ((sum % 0x100000000) + Math.floor(sum / 0x100000000)) % 0x100000000;
  if (folded !== readU32LE(buf, pos + 216)) return null;
  const superOffset = readU64LE(buf, pos + 144);
  const minor = superOffset === 0 ? '1.1' : superOffset === 8 ? '1.2' : '1.0';
  const at = ctx.base + pos === superOffset * 512 ? '' : ` (device starts at ${ctx.base + pos - superOffset * 512})`;
  return confirmed(size, `md ${minor} superblock, RAID level ${level}, ${readU32LE(buf, pos + 92)} disks${at}`);
}

// bcache superblock (bcache.h struct cache_sb, at sector 8): offset field = 8, version 0..6.
function validateBcache(buf: Uint8Array, pos: number): StructureMatch | null {
  const offset = readU64LE(buf, pos + 8);
  const version = readU64LE(buf, pos + 16);
  if (offset !== 8 || version < 0 || version > 6) return null;
  const role = version === 1 || version === 4 ? 'backing device' : 'cache device';
  return confirmed(4096, `bcache superblock (${role}, version ${version})`);
}

// ---------------------------------------------------------------- file headers

function isJpegSegmentMarker(m: number): boolean {
  return (
    (m >= 0xe0 && m <= 0xef) || // APPn
    m === 0xdb || // DQT
    m === 0xc4 || // DHT
    m === 0xdd || // DRI
    m === 0xfe || // COM
    (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc)
  );
}

// JPEG (T.81 Annex B): SOI then a chain of marker segments with sane lengths, up to SOS or 2
// segments; APP0 "JFIF"/APP1 "Exif" confirm at once.
function validateJpeg(buf: Uint8Array, pos: number): StructureMatch | null {
  let p = pos + 2;
  let segments = 0;
  while (segments < 8) {
    if (buf[p] !== 0xff) return null;
    const m = readU8(buf, p + 1);
    if (m === 0xda && segments > 0) break;
    if (!isJpegSegmentMarker(m)) return null;
    const len = readU16BE(buf, p + 2);
    if (len < 2) return null;
    if (segments === 0) {
      if (m === 0xe0 && (hasBytes(buf, p + 4, ascii('JFIF\0')) || hasBytes(buf, p + 4, ascii('JFXX\0')))) break;
      if (m === 0xe1 && (hasBytes(buf, p + 4, ascii('Exif\0')) || hasBytes(buf, p + 4, ascii('http:')))) break;
    }
    if ((m === 0xdb && (len - 2) % 65 !== 0 && (len - 2) % 129 !== 0) || (m === 0xdd && len !== 4)) return null;
    segments++;
    p += 2 + len;
    if (segments >= 2) break;
  }
  return confirmed(512, 'JPEG image (SOI and marker segments)');
}

const PNG_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

// PNG: signature, IHDR (length 13, width/height > 0, depth valid for the colour type, methods 0) and its CRC.
function validatePng(buf: Uint8Array, pos: number): StructureMatch | null {
  if (readU32BE(buf, pos + 8) !== 13 || !hasBytes(buf, pos + 12, ascii('IHDR'))) return null;
  const width = readU32BE(buf, pos + 16);
  const height = readU32BE(buf, pos + 20);
  const depths = PNG_DEPTHS[readU8(buf, pos + 25)];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return null;
  if (!depths?.includes(buf[pos + 24]!) || buf[pos + 26] !== 0 || buf[pos + 27] !== 0 || buf[pos + 28]! > 1)
    return null;
  if (crc32(buf, pos + 12, pos + 29) !== readU32BE(buf, pos + 29)) return null;
  return confirmed(33, 'PNG image (IHDR valid)');
}

// GIF: logical screen > 0, then (after a global colour table) an extension, image or trailer.
function validateGif(buf: Uint8Array, pos: number): StructureMatch | null {
  const width = readU16LE(buf, pos + 6);
  const height = readU16LE(buf, pos + 8);
  const packed = readU8(buf, pos + 10);
  if (width <= 0 || height <= 0 || packed < 0) return null;
  const table = packed & 0x80 ? 3 * (2 << (packed & 7)) : 0;
  const next = readU8(buf, pos + 13 + table);
  if (next !== 0x21 && next !== 0x2c && next !== 0x3b) return null;
  return confirmed(13 + table, `GIF${String.fromCharCode(buf[pos + 3]!, buf[pos + 4]!)}a image`);
}

// PDF: %PDF-1.0..1.7 or 2.0 followed by an end of line.
function validatePdf(buf: Uint8Array, pos: number): StructureMatch | null {
  const major = readU8(buf, pos + 5);
  const minor = readU8(buf, pos + 7);
  if (buf[pos + 6] !== 0x2e) return null;
  const ok = (major === 0x31 && minor >= 0x30 && minor <= 0x37) || (major === 0x32 && minor === 0x30);
  const eol = readU8(buf, pos + 8);
  if (!ok || (eol !== 0x0d && eol !== 0x0a && eol !== 0x20)) return null;
  return confirmed(8, `PDF document (version ${String.fromCharCode(major, 0x2e, minor)})`);
}

const ZIP_METHODS: Record<number, string> = {
  0: 'stored',
  1: 'shrunk',
  6: 'imploded',
  8: 'deflate',
  9: 'deflate64',
  12: 'bzip2',
  14: 'lzma',
  93: 'zstd',
  95: 'xz',
  98: 'ppmd',
  99: 'AES',
};

// ZIP local file header (APPNOTE §4.3.7): version needed ≤ 6.3, known method, name 1..1024
// printable bytes (or UTF-8 with flag bit 11), no reserved flag bits.
function validateZip(buf: Uint8Array, pos: number): StructureMatch | null {
  const version = readU16LE(buf, pos + 4);
  const flags = readU16LE(buf, pos + 6);
  const method = ZIP_METHODS[readU16LE(buf, pos + 8)];
  const nameLength = readU16LE(buf, pos + 26);
  if ((version & 0xff) > 63 || flags & 0xd780 || method === undefined || nameLength < 1 || nameLength > 1024) {
    return null;
  }
  if (pos + 30 + nameLength > buf.length) return null;
  for (let i = 0; i < nameLength; i++) {
    const b = buf[pos + 30 + i]!;
    if (b < 0x20 || b === 0x7f || (b >= 0x80 && !(flags & 0x800))) return null;
  }
  return confirmed(30 + nameLength, `ZIP local file header (${method})`);
}

// gzip (RFC 1952 §2.3): deflate, reserved flag bits zero, XFL 0/2/4, OS ≤ 13 or 255; a name
// (FNAME) must be printable and terminated; without one, the first deflate block type must not be 3.
function validateGzip(buf: Uint8Array, pos: number): StructureMatch | null {
  const flags = readU8(buf, pos + 3);
  const xfl = readU8(buf, pos + 8);
  const os = readU8(buf, pos + 9);
  if (flags < 0 || flags & 0xe0 || (xfl !== 0 && xfl !== 2 && xfl !== 4) || (os > 13 && os !== 255)) return null;
  let p = pos + 10;
  if (flags & 0x04) p += 2 + readU16LE(buf, p);
  if (flags & 0x08) {
    const start = p;
    while (p < buf.length && p - start < 1024 && buf[p] !== 0) {
      const b = buf[p]!;
      if (b < 0x20 || b === 0x7f) return null;
      p++;
    }
    if (buf[p] !== 0 || p === start) return null;
    return confirmed(10, 'gzip member header (with file name)');
  }
  if (!(flags & 0x1c)) {
    const first = readU8(buf, p);
    if (first < 0 || ((first >> 1) & 3) === 3) return null;
  }
  return probable(10, 'gzip member header');
}

// bzip2: BZh + level 1-9 + the first block magic (pi) or the end-of-stream magic (sqrt pi).
function validateBzip2(buf: Uint8Array, pos: number): StructureMatch | null {
  const level = readU8(buf, pos + 3);
  if (level < 0x31 || level > 0x39) return null;
  const block = hasBytes(buf, pos + 4, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]);
  if (!block && !hasBytes(buf, pos + 4, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90])) return null;
  return confirmed(10, `bzip2 stream (${(level - 0x30) * 100} kB blocks${block ? '' : ', empty'})`);
}

// xz stream header: flags byte 0 = 0, check type 0/1/4/10, CRC32 of the two flag bytes.
function validateXz(buf: Uint8Array, pos: number): StructureMatch | null {
  const check = readU8(buf, pos + 7);
  if (buf[pos + 6] !== 0 || ![0x00, 0x01, 0x04, 0x0a].includes(check)) return null;
  if (crc32(buf, pos + 6, pos + 8) !== readU32LE(buf, pos + 8)) return null;
  return confirmed(12, 'xz stream header');
}

// zstd frame header descriptor (RFC 8878 §3.1.1.1): reserved bit 3 zero; a window descriptor
// (when present) with exponent ≤ 31 (2 GiB windows; the decoder limit is lower).
function validateZstd(buf: Uint8Array, pos: number): StructureMatch | null {
  const fhd = readU8(buf, pos + 4);
  if (fhd < 0 || fhd & 0x08) return null;
  const singleSegment = (fhd & 0x20) !== 0;
  if (!singleSegment) {
    const window = readU8(buf, pos + 5);
    if (window < 0 || window >> 3 > 21) return null;
  }
  return confirmed(6, 'Zstandard frame header');
}

// 7z signature header: version 0.x, StartHeaderCRC = CRC32 of the next 20 bytes.
function validateSevenZip(buf: Uint8Array, pos: number): StructureMatch | null {
  if (buf[pos + 6] !== 0 || readU8(buf, pos + 7) > 4) return null;
  if (crc32(buf, pos + 12, pos + 32) !== readU32LE(buf, pos + 8)) return null;
  return confirmed(32, '7z archive signature header');
}

function readVint(buf: Uint8Array, at: number): [value: number, next: number] | null {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const b = readU8(buf, at + i);
    if (b < 0) return null;
    value += (b & 0x7f) * 2 ** (7 * i);
    if (!(b & 0x80)) return [value, at + i + 1];
  }
  return null;
}

// RAR: 5.x — the main archive header after the signature (CRC32, vint size, type 1) with its CRC;
// 4.x — MAIN_HEAD (type 0x73) whose HEAD_CRC is the low 16 bits of CRC32.
function validateRar(buf: Uint8Array, pos: number): StructureMatch | null {
  if (buf[pos + 6] === 0x01) {
    const h = pos + 8;
    const size = readVint(buf, h + 4);
    if (size === null || size[0] < 2 || size[0] > 0x200000) return null;
    const type = readVint(buf, size[1]);
    if (type === null || type[0] !== 1 || size[1] + size[0] > buf.length) return null;
    if (crc32(buf, h + 4, size[1] + size[0]) !== readU32LE(buf, h)) return null;
    return confirmed(size[1] + size[0] - pos, 'RAR 5 archive');
  }
  const h = pos + 7;
  const size = readU16LE(buf, h + 5);
  if (buf[h + 2] !== 0x73 || size < 13 || h + size > buf.length) return null;
  if ((crc32(buf, h + 2, h + size) & 0xffff) !== readU16LE(buf, h)) return null;
  return confirmed(7 + size, 'RAR 4 archive');
}

// ustar header: "ustar\0" + "00" (POSIX) or "ustar  \0" (GNU), name present, octal checksum equal
// to the byte sum with the checksum field read as spaces.
function validateTar(buf: Uint8Array, pos: number): StructureMatch | null {
  if (pos + 512 > buf.length) return null;
  const posix = hasBytes(buf, pos + 262, [0, 0x30, 0x30]);
  if (!posix && !hasBytes(buf, pos + 262, [0x20, 0x20, 0])) return null;
  if (buf[pos] === 0) return null;
  let stored = 0;
  let digits = 0;
  for (let i = 148; i < 156; i++) {
    const b = buf[pos + i]!;
    if (b >= 0x30 && b <= 0x37) {
      stored = stored * 8 + (b - 0x30);
      digits++;
    } else if (b !== 0 && b !== 0x20) return null;
  }
  if (digits === 0) return null;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : buf[pos + i]!;
  if (sum !== stored) return null;
  return confirmed(512, `tar member header (${posix ? 'POSIX ustar' : 'GNU'})`);
}

const ELF_MACHINES: Record<number, string> = {
  2: 'SPARC',
  3: 'x86',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 's390',
  40: 'ARM',
  42: 'SuperH',
  43: 'SPARCv9',
  50: 'IA-64',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  247: 'BPF',
  258: 'LoongArch',
};
const ELF_TYPES = ['', 'relocatable', 'executable', 'shared object', 'core'];

// ELF header: class, data, version 1, e_type 1-4, known e_machine, e_version 1, e_ehsize.
function validateElf(buf: Uint8Array, pos: number): StructureMatch | null {
  const cls = readU8(buf, pos + 4);
  const data = readU8(buf, pos + 5);
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2) || buf[pos + 6] !== 1) return null;
  const read16 = data === 1 ? readU16LE : readU16BE;
  const read32 = data === 1 ? readU32LE : readU32BE;
  const type = read16(buf, pos + 16);
  const machine = ELF_MACHINES[read16(buf, pos + 18)];
  const ehsize = read16(buf, pos + (cls === 1 ? 40 : 52));
  if (type < 1 || type > 4 || machine === undefined || read32(buf, pos + 20) !== 1) return null;
  if (ehsize !== (cls === 1 ? 52 : 64)) return null;
  return confirmed(ehsize, `ELF ${cls === 1 ? '32' : '64'}-bit ${ELF_TYPES[type]} (${machine})`);
}

const PE_MACHINES: Record<number, string> = {
  0x014c: 'x86',
  0x8664: 'x86-64',
  0xaa64: 'ARM64',
  0x01c0: 'ARM',
  0x01c4: 'ARMv7 Thumb',
  0x0200: 'IA-64',
  0x5032: 'RISC-V 32',
  0x5064: 'RISC-V 64',
  0x0ebc: 'EFI byte code',
};

// PE: MZ stub whose e_lfanew points (inside the window) to "PE\0\0", a known COFF machine and an
// optional header magic 0x10b/0x20b (or no optional header for objects).
function validatePe(buf: Uint8Array, pos: number): StructureMatch | null {
  const lfanew = readU32LE(buf, pos + 0x3c);
  if (lfanew < 0x40 || lfanew > 0x10000 || lfanew % 4 !== 0) return null;
  const pe = pos + lfanew;
  if (!hasBytes(buf, pe, [0x50, 0x45, 0, 0])) return null;
  const machine = PE_MACHINES[readU16LE(buf, pe + 4)];
  const optSize = readU16LE(buf, pe + 20);
  if (machine === undefined) return null;
  const magic = readU16LE(buf, pe + 24);
  if (optSize > 0 && magic !== 0x10b && magic !== 0x20b) return null;
  return confirmed(lfanew + 24 + optSize, `PE ${magic === 0x20b ? 'PE32+' : 'PE32'} image (${machine})`);
}

// SQLite header: page size power of two 512..65536 (1 = 65536), versions 1/2, payload fractions 64/32/32.
function validateSqlite(buf: Uint8Array, pos: number): StructureMatch | null {
  const raw = readU16BE(buf, pos + 16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (!isPowerOfTwo(pageSize) || pageSize < 512) return null;
  const write = readU8(buf, pos + 18);
  const read = readU8(buf, pos + 19);
  if (write < 1 || write > 2 || read < 1 || read > 2) return null;
  if (buf[pos + 21] !== 64 || buf[pos + 22] !== 32 || buf[pos + 23] !== 32) return null;
  return confirmed(100, `SQLite 3 database header, ${pageSize}-byte pages`);
}

function isBrandChar(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x20;
}

// ISO BMFF FileTypeBox: size 16..256 and a multiple of 4, major and compatible brands of
// alphanumerics (or spaces).
function validateMp4(buf: Uint8Array, pos: number): StructureMatch | null {
  const size = readU32BE(buf, pos);
  if (size < 16 || size > 256 || size % 4 !== 0 || pos + size > buf.length) return null;
  for (let i = 8; i < size; i += 4) {
    if (i === 12) continue; // minor version
    for (let k = 0; k < 4; k++) if (!isBrandChar(buf[pos + i + k]!)) return null;
  }
  if (buf[pos + 8] === 0x20) return null;
  const brand = String.fromCharCode(...buf.subarray(pos + 8, pos + 12)).trim();
  return confirmed(size, `ISO base media file (MP4/QuickTime family), brand ${brand}`);
}

// Ogg page (RFC 3533 §6): version 0, header type flags ≤ 7, segment table inside the window,
// and the page CRC.
function validateOgg(buf: Uint8Array, pos: number): StructureMatch | null {
  const type = readU8(buf, pos + 5);
  const segments = readU8(buf, pos + 26);
  if (buf[pos + 4] !== 0 || type < 0 || type > 7 || segments < 1) return null;
  let body = 0;
  for (let i = 0; i < segments; i++) body += readU8(buf, pos + 27 + i);
  const end = pos + 27 + segments + body;
  if (end > buf.length || body < 0) return null;
  if (oggCrc(buf, pos, end, pos + 22) !== readU32LE(buf, pos + 22)) return null;
  return confirmed(end - pos, `Ogg page${type & 2 ? ' (beginning of stream)' : ''}`);
}

const RIFF_FORMS: Record<string, string> = {
  WAVE: 'WAV audio',
  'AVI ': 'AVI video',
  WEBP: 'WebP image',
  RMID: 'MIDI',
  ACON: 'animated cursor',
  CDXA: 'CD-XA',
  'PAL ': 'palette',
  RDIB: 'DIB image',
  sfbk: 'SoundFont',
};

// RIFF: size ≥ 4, a known form type, and a first chunk id of printable characters.
function validateRiff(buf: Uint8Array, pos: number): StructureMatch | null {
  const size = readU32LE(buf, pos + 4);
  if (size < 12 || pos + 16 > buf.length) return null;
  const form = RIFF_FORMS[String.fromCharCode(...buf.subarray(pos + 8, pos + 12))];
  if (form === undefined) return null;
  for (let k = 12; k < 16; k++) if (!isBrandChar(buf[pos + k]!)) return null;
  return confirmed(12, `RIFF ${form}`);
}

export const VALIDATORS: Record<ValidatorName, Validator> = {
  mbr: validateMbr,
  gpt: validateGpt,
  ext2: validateExt('ext2'),
  ext3: validateExt('ext3'),
  ext4: validateExt('ext4'),
  xfs: validateXfs,
  btrfs: validateBtrfs,
  vfatBoot: validateVfatBoot,
  vfatFsInfo: validateVfatFsInfo,
  exfat: validateExfat,
  ntfs: validateNtfs,
  iso9660: validateIso9660,
  f2fs: validateF2fs,
  zfsUberblock: validateZfsUberblock,
  swap: validateSwap,
  luks: validateLuks,
  lvm2: validateLvm2,
  mdraid: validateMdraid,
  bcache: validateBcache,
  jpeg: validateJpeg,
  png: validatePng,
  gif: validateGif,
  pdf: validatePdf,
  zip: validateZip,
  gzip: validateGzip,
  bzip2: validateBzip2,
  xz: validateXz,
  zstd: validateZstd,
  sevenZip: validateSevenZip,
  rar: validateRar,
  tar: validateTar,
  elf: validateElf,
  pe: validatePe,
  sqlite: validateSqlite,
  mp4: validateMp4,
  ogg: validateOgg,
  riff: validateRiff,
};
