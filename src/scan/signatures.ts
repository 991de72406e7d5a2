// The signature catalogue of DESIGN §5 as data, shaped like libblkid's blkid_idinfo/blkid_idmag:
// one entry per on-disk structure, the magics that announce it (each at a fixed offset from the
// structure's first byte), and the name of the validator in validators.ts that checks the
// structure before anything is reported. A magic alone never makes a finding.
//
// "Structure" is the smallest unit that holds the magic and the fields that validate it (a
// superblock, a boot sector, a header), not the whole filesystem: a backup superblock is found on
// its own even when the rest of its filesystem is gone. Every structure starts on a 512-byte
// boundary of the target (sectors; file headers start at cluster boundaries, and FAT clusters can
// start at any sector).
import type { FINDING_KINDS, FindingCategory } from './kinds.js';

/** A magic: `bytes` at `offset` bytes from the structure's first byte. */
export interface SignatureMagic {
  readonly bytes: readonly number[];
  readonly offset: number;
}

/** Validators of validators.ts, by name. */
export type ValidatorName =
  | 'mbr'
  | 'gpt'
  | 'ext2'
  | 'ext3'
  | 'ext4'
  | 'xfs'
  | 'btrfs'
  | 'vfatBoot'
  | 'vfatFsInfo'
  | 'exfat'
  | 'ntfs'
  | 'iso9660'
  | 'f2fs'
  | 'zfsUberblock'
  | 'swap'
  | 'luks'
  | 'lvm2'
  | 'mdraid'
  | 'bcache'
  | 'jpeg'
  | 'png'
  | 'gif'
  | 'pdf'
  | 'zip'
  | 'gzip'
  | 'bzip2'
  | 'xz'
  | 'zstd'
  | 'sevenZip'
  | 'rar'
  | 'tar'
  | 'elf'
  | 'pe'
  | 'sqlite'
  | 'mp4'
  | 'ogg'
  | 'riff';

type KindOfCategory = {
  [C in FindingCategory]: { readonly category: C; readonly kind: (typeof FINDING_KINDS)[C][number] };
}[FindingCategory];

/** One catalogue entry. `kind` must belong to `category` (checked by the type). */
export type Signature = KindOfCategory & {
  /** Stable kebab-case id of the entry (several entries may share a kind). */
  readonly id: string;
  /** The layout this entry follows: libblkid source file, PhotoRec file_*.c, or the format's spec. */
  readonly source: string;
  /** Any one of these triggers validation. */
  readonly magics: readonly SignatureMagic[];
  /** Alignment of the structure's first byte on the target: 512 for every entry (see the file comment). */
  readonly align: 512;
  /** Where the structure sits on a volume (documentation; fixed places are also in FIXED_PROBES). */
  readonly where: string;
  readonly validate: ValidatorName;
  /** Adjacent findings of this entry are merged into one (e.g. the 128 uberblocks of a ZFS label). */
  readonly coalesce?: boolean;
};

function ascii(text: string): number[] {
  return Array.from(text, (ch) => ch.charCodeAt(0));
}

const at = (offset: number, bytes: readonly number[]): SignatureMagic => ({ offset, bytes });

const EXT_MAGIC = [at(0x38, [0x53, 0xef])];
const EXT_SOURCE =
  'libblkid superblocks/ext.c; kernel Documentation/filesystems/ext4/super.rst (s_magic 0xEF53 at 0x38)';
const EXT_WHERE =
  'primary at byte 1024 of the filesystem; sparse_super backups at the start of groups 1, 3^n, 5^n, 7^n (+1024 with 1 KiB blocks)';
const SWAP_PAGE_SIZES = [4096, 8192, 16384, 65536];
const LUKS2_SECONDARY = [0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x80000, 0x100000, 0x200000, 0x400000];
const ZFS_UB_MAGIC_LE = [0x0c, 0xb1, 0xba, 0x00, 0x00, 0x00, 0x00, 0x00];

export const SIGNATURES = [
  // partition tables
  {
    id: 'mbr',
    kind: 'mbr',
    category: 'partition-table',
    source: 'libblkid partitions/dos.c, partitions/dos.h (4 entries of 16 bytes at 0x1BE, 0x55AA at 0x1FE)',
    magics: [at(510, [0x55, 0xaa])],
    align: 512,
    where: 'LBA 0 of a disk (and extended boot records inside it)',
    validate: 'mbr',
  },
  {
    id: 'gpt-header',
    kind: 'gpt',
    category: 'partition-table',
    source: 'libblkid partitions/gpt.c; UEFI 2.10 §5.3.2 GPT Header (CRC32 over HeaderSize)',
    magics: [at(0, ascii('EFI PART'))],
    align: 512,
    where: 'primary at LBA 1; backup at the last LBA',
    validate: 'gpt',
  },
  // filesystems
  {
    id: 'ext2',
    kind: 'ext2',
    category: 'filesystem',
    source: EXT_SOURCE,
    magics: EXT_MAGIC,
    align: 512,
    where: EXT_WHERE,
    validate: 'ext2',
  },
  {
    id: 'ext3',
    kind: 'ext3',
    category: 'filesystem',
    source: EXT_SOURCE,
    magics: EXT_MAGIC,
    align: 512,
    where: EXT_WHERE,
    validate: 'ext3',
  },
  {
    id: 'ext4',
    kind: 'ext4',
    category: 'filesystem',
    source: EXT_SOURCE,
    magics: EXT_MAGIC,
    align: 512,
    where: EXT_WHERE,
    validate: 'ext4',
  },
  {
    id: 'xfs',
    kind: 'xfs',
    category: 'filesystem',
    source: 'libblkid superblocks/xfs.c; xfsprogs libxfs/xfs_format.h struct xfs_dsb (big-endian)',
    magics: [at(0, ascii('XFSB'))],
    align: 512,
    where: 'primary at byte 0; secondary superblocks at the start of every allocation group',
    validate: 'xfs',
  },
  {
    id: 'btrfs',
    kind: 'btrfs',
    category: 'filesystem',
    source: 'libblkid superblocks/btrfs.c; kernel fs/btrfs/disk-io.c btrfs_sb_offset (magic at 0x40)',
    magics: [at(0x40, ascii('_BHRfS_M'))],
    align: 512,
    where: 'superblock copies at 64 KiB, 64 MiB and 256 GiB',
    validate: 'btrfs',
  },
  {
    id: 'vfat-boot-sector',
    kind: 'vfat',
    category: 'filesystem',
    source: 'libblkid superblocks/vfat.c; Microsoft FAT specification 1.03 §3 (BPB), 0x55AA at 510',
    magics: [at(510, [0x55, 0xaa])],
    align: 512,
    where: 'sector 0 of the volume; FAT32 backup boot sector at BPB_BkBootSec (usually 6)',
    validate: 'vfatBoot',
  },
  {
    id: 'vfat-fsinfo',
    kind: 'vfat',
    category: 'filesystem',
    source: 'Microsoft FAT specification 1.03 §5 (FSInfo: RRaA at 0, rrAa at 484, 0xAA550000 at 508)',
    magics: [at(0, ascii('RRaA'))],
    align: 512,
    where: 'FAT32 sector BPB_FSInfo (usually 1) and its backup (usually 7)',
    validate: 'vfatFsInfo',
  },
  {
    id: 'exfat',
    kind: 'exfat',
    category: 'filesystem',
    source: 'libblkid superblocks/exfat.c; Microsoft exFAT specification §3.1 (Main Boot Sector)',
    magics: [at(3, ascii('EXFAT   '))],
    align: 512,
    where: 'main boot sector at sector 0; backup boot region at sector 12',
    validate: 'exfat',
  },
  {
    id: 'ntfs',
    kind: 'ntfs',
    category: 'filesystem',
    source: 'libblkid superblocks/ntfs.c (struct ntfs_bios_parameters)',
    magics: [at(3, ascii('NTFS    '))],
    align: 512,
    where: 'boot sector at sector 0; backup boot sector at the last sector of the volume',
    validate: 'ntfs',
  },
  {
    id: 'iso9660-volume-descriptor',
    kind: 'iso9660',
    category: 'filesystem',
    source: 'libblkid superblocks/iso9660.c; ECMA-119 §8 (volume descriptors from sector 16 of 2048, "CD001" at 1)',
    magics: [at(1, ascii('CD001'))],
    align: 512,
    where: 'volume descriptor set from byte 0x8000 of the volume',
    validate: 'iso9660',
  },
  {
    id: 'f2fs',
    kind: 'f2fs',
    category: 'filesystem',
    source: 'libblkid superblocks/f2fs.c; f2fs-tools include/f2fs_fs.h struct f2fs_super_block',
    magics: [at(0, [0x10, 0x20, 0xf5, 0xf2])],
    align: 512,
    where: 'superblock at byte 0x400 of blocks 0 and 1 (two copies)',
    validate: 'f2fs',
  },
  {
    id: 'zfs-uberblock',
    kind: 'zfs',
    category: 'filesystem',
    source: 'libblkid superblocks/zfs.c; OpenZFS include/sys/uberblock_impl.h, vdev_impl.h (label layout)',
    magics: [at(0, ZFS_UB_MAGIC_LE), at(0, [...ZFS_UB_MAGIC_LE].reverse())],
    align: 512,
    where: 'uberblock array at +128 KiB of labels L0 (0), L1 (256 KiB), L2 and L3 (last 512 KiB, 256 KiB-aligned)',
    validate: 'zfsUberblock',
    coalesce: true,
  },
  {
    id: 'swap',
    kind: 'swap',
    category: 'filesystem',
    source: 'libblkid superblocks/swap.c; kernel include/linux/swap.h union swap_header',
    magics: SWAP_PAGE_SIZES.flatMap((page) => [at(page - 10, ascii('SWAPSPACE2')), at(page - 10, ascii('SWAP-SPACE'))]),
    align: 512,
    where: 'first page of the swap area, magic in its last 10 bytes',
    validate: 'swap',
  },
  // containers
  {
    id: 'luks',
    kind: 'luks',
    category: 'container',
    source:
      'libblkid superblocks/luks.c; LUKS1 On-Disk Format 1.2.3; LUKS2 On-Disk Format 1.1.x §2 (secondary header offsets)',
    magics: [at(0, [0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]), at(0, [0x53, 0x4b, 0x55, 0x4c, 0xba, 0xbe])],
    align: 512,
    where: `primary header at 0; LUKS2 secondary header at one of ${LUKS2_SECONDARY.map((o) => `0x${o.toString(16)}`).join(', ')}`,
    validate: 'luks',
  },
  {
    id: 'lvm2-label',
    kind: 'lvm2',
    category: 'container',
    source: 'libblkid superblocks/lvm.c; lvm2 lib/format_text/layout.h (label_header, pv_header)',
    magics: [at(0, ascii('LABELONE'))],
    align: 512,
    where: 'label in one of sectors 0-3 of the physical volume',
    validate: 'lvm2',
  },
  {
    id: 'mdraid',
    kind: 'mdraid',
    category: 'container',
    source:
      'libblkid superblocks/raid.c (linux_raid); kernel include/uapi/linux/raid/md_p.h (mdp_super_t, mdp_superblock_1)',
    magics: [at(0, [0xfc, 0x4e, 0x2b, 0xa9]), at(0, [0xa9, 0x2b, 0x4e, 0xfc])],
    align: 512,
    where: '0.90: last 64 KiB-aligned 64 KiB; 1.0: end - 8 KiB (4 KiB-aligned); 1.1: 0; 1.2: 4 KiB',
    validate: 'mdraid',
  },
  {
    id: 'bcache',
    kind: 'bcache',
    category: 'container',
    source: 'libblkid superblocks/bcache.c; bcache-tools bcache.h struct cache_sb (magic at 24)',
    magics: [at(24, [0xc6, 0x85, 0x73, 0xf6, 0x4e, 0x1a, 0x45, 0xca, 0x82, 0x65, 0xf5, 0x7f, 0x48, 0xba, 0x6d, 0x81])],
    align: 512,
    where: 'superblock at byte 4096 (sector 8) of the device',
    validate: 'bcache',
  },
  // file headers
  {
    id: 'jpeg',
    kind: 'jpeg',
    category: 'file',
    source: 'PhotoRec file_jpg.c; ITU-T T.81 Annex B (marker segments)',
    magics: [at(0, [0xff, 0xd8, 0xff])],
    align: 512,
    where: 'file start',
    validate: 'jpeg',
  },
  {
    id: 'png',
    kind: 'png',
    category: 'file',
    source: 'PhotoRec file_png.c; PNG specification (ISO/IEC 15948) §5.2, §11.2.2 IHDR',
    magics: [at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    align: 512,
    where: 'file start',
    validate: 'png',
  },
  {
    id: 'gif',
    kind: 'gif',
    category: 'file',
    source: 'PhotoRec file_gif.c; GIF89a specification §17-18 (header, logical screen descriptor)',
    magics: [at(0, ascii('GIF87a')), at(0, ascii('GIF89a'))],
    align: 512,
    where: 'file start',
    validate: 'gif',
  },
  {
    id: 'pdf',
    kind: 'pdf',
    category: 'file',
    source: 'PhotoRec file_pdf.c; ISO 32000-2 §7.5.2 (file header %PDF-n.m)',
    magics: [at(0, ascii('%PDF-'))],
    align: 512,
    where: 'file start',
    validate: 'pdf',
  },
  {
    id: 'zip',
    kind: 'zip',
    category: 'file',
    source: 'PhotoRec file_zip.c; PKWARE APPNOTE.TXT 6.3.10 §4.3.7 (local file header)',
    magics: [at(0, [0x50, 0x4b, 0x03, 0x04])],
    align: 512,
    where: 'file start',
    validate: 'zip',
  },
  {
    id: 'gzip',
    kind: 'gzip',
    category: 'file',
    source: 'PhotoRec file_gz.c; RFC 1952 §2.3 (member header)',
    magics: [at(0, [0x1f, 0x8b, 0x08])],
    align: 512,
    where: 'file start',
    validate: 'gzip',
  },
  {
    id: 'bzip2',
    kind: 'bzip2',
    category: 'file',
    source: 'PhotoRec file_bz2.c; bzip2 format (BZh + level + block or end-of-stream magic)',
    magics: [at(0, ascii('BZh'))],
    align: 512,
    where: 'file start',
    validate: 'bzip2',
  },
  {
    id: 'xz',
    kind: 'xz',
    category: 'file',
    source: 'PhotoRec file_xz.c; The .xz File Format 1.1.0 §2.1.1 (stream header, CRC32 of stream flags)',
    magics: [at(0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
    align: 512,
    where: 'file start',
    validate: 'xz',
  },
  {
    id: 'zstd',
    kind: 'zstd',
    category: 'file',
    source: 'PhotoRec file_zst.c; RFC 8878 §3.1.1 (frame header descriptor)',
    magics: [at(0, [0x28, 0xb5, 0x2f, 0xfd])],
    align: 512,
    where: 'file start',
    validate: 'zstd',
  },
  {
    id: '7z',
    kind: '7z',
    category: 'file',
    source: 'PhotoRec file_7z.c; 7-Zip DOC/7zFormat.txt (signature header, StartHeaderCRC)',
    magics: [at(0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])],
    align: 512,
    where: 'file start',
    validate: 'sevenZip',
  },
  {
    id: 'rar',
    kind: 'rar',
    category: 'file',
    source: 'PhotoRec file_rar.c; RAR 5.0 archive format (rarlab.com technote), RAR 4.x technote.txt',
    magics: [
      at(0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00]),
      at(0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00]),
    ],
    align: 512,
    where: 'file start',
    validate: 'rar',
  },
  {
    id: 'tar',
    kind: 'tar',
    category: 'file',
    source: 'PhotoRec file_tar.c; POSIX.1-2017 pax "ustar Interchange Format" (magic at 257, chksum at 148)',
    magics: [at(257, ascii('ustar'))],
    align: 512,
    where: 'file start (every member header is 512-aligned inside the archive)',
    validate: 'tar',
  },
  {
    id: 'elf',
    kind: 'elf',
    category: 'file',
    source: 'PhotoRec file_elf.c; System V ABI gABI ch. 4 (ELF header)',
    magics: [at(0, [0x7f, 0x45, 0x4c, 0x46])],
    align: 512,
    where: 'file start',
    validate: 'elf',
  },
  {
    id: 'pe',
    kind: 'pe',
    category: 'file',
    source: 'PhotoRec file_exe.c; Microsoft PE Format (MS-DOS stub e_lfanew at 0x3C, "PE\\0\\0", COFF header)',
    magics: [at(0, ascii('MZ'))],
    align: 512,
    where: 'file start',
    validate: 'pe',
  },
  {
    id: 'sqlite',
    kind: 'sqlite',
    category: 'file',
    source: 'PhotoRec file_sqlite.c; SQLite Database File Format §1.3 (database header)',
    magics: [at(0, ascii('SQLite format 3\0'))],
    align: 512,
    where: 'file start (page 1)',
    validate: 'sqlite',
  },
  {
    id: 'mp4',
    kind: 'mp4',
    category: 'file',
    source: 'PhotoRec file_mov.c; ISO/IEC 14496-12 §4.3 (FileTypeBox)',
    magics: [at(4, ascii('ftyp'))],
    align: 512,
    where: 'file start',
    validate: 'mp4',
  },
  {
    id: 'ogg',
    kind: 'ogg',
    category: 'file',
    source: 'PhotoRec file_ogg.c; RFC 3533 §6 (page header, CRC)',
    magics: [at(0, ascii('OggS'))],
    align: 512,
    where: 'file start',
    validate: 'ogg',
  },
  {
    id: 'riff',
    kind: 'riff',
    category: 'file',
    source: 'PhotoRec file_riff.c; Microsoft RIFF (Multimedia Programming Interface 1.0) ch. 2',
    magics: [at(0, ascii('RIFF'))],
    align: 512,
    where: 'file start',
    validate: 'riff',
  },
] as const satisfies readonly Signature[];

/** A place where a structure sits at a fixed distance from the start or end of a whole device. */
export interface FixedProbe {
  readonly kind: Signature['kind'];
  readonly what: string;
  /** Absolute offset on a target of `targetSize` bytes, or null when the target is too small. */
  readonly offsetOf: (targetSize: number) => number | null;
  readonly length: number;
  readonly source: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const fromStart = (offset: number, length: number) => (size: number) => (offset + length <= size ? offset : null);
const nonNegative = (offset: number) => (offset >= 0 ? offset : null);

// Fixed-location probes for a sampler that does not read everything (DESIGN §5); a full sweep
// finds the same structures through SIGNATURES.
export const FIXED_PROBES: readonly FixedProbe[] = [
  { kind: 'mbr', what: 'MBR', offsetOf: fromStart(0, 512), length: 512, source: 'partitions/dos.c' },
  { kind: 'gpt', what: 'primary GPT header', offsetOf: fromStart(512, 512), length: 512, source: 'partitions/gpt.c' },
  {
    kind: 'gpt',
    what: 'backup GPT header (last LBA)',
    offsetOf: (size) => nonNegative(Math.floor(size / 512) * 512 - 512),
    length: 512,
    source: 'partitions/gpt.c',
  },
  {
    kind: 'ext4',
    what: 'ext primary superblock',
    offsetOf: fromStart(1024, 1024),
    length: 1024,
    source: 'superblocks/ext.c',
  },
  ...[64 * KiB, 64 * MiB, 256 * 1024 * MiB].map((offset): FixedProbe => ({
    kind: 'btrfs',
    what: `btrfs superblock copy at ${offset}`,
    offsetOf: fromStart(offset, 4096),
    length: 4096,
    source: 'superblocks/btrfs.c',
  })),
  {
    kind: 'ntfs',
    what: 'NTFS backup boot sector (last sector)',
    offsetOf: (size) => nonNegative(Math.floor(size / 512) * 512 - 512),
    length: 512,
    source: 'superblocks/ntfs.c',
  },
  {
    kind: 'mdraid',
    what: 'md 0.90 superblock',
    offsetOf: (size) => nonNegative(Math.floor(size / (64 * KiB)) * 64 * KiB - 64 * KiB),
    length: 4096,
    source: 'superblocks/raid.c',
  },
  {
    kind: 'mdraid',
    what: 'md 1.0 superblock',
    offsetOf: (size) => nonNegative(Math.floor((Math.floor(size / 512) - 16) / 8) * 8 * 512),
    length: 4096,
    source: 'md_p.h',
  },
  { kind: 'mdraid', what: 'md 1.2 superblock', offsetOf: fromStart(4096, 4096), length: 4096, source: 'md_p.h' },
  ...[0, 256 * KiB].map((label): FixedProbe => ({
    kind: 'zfs',
    what: `ZFS label at ${label} (uberblock array)`,
    offsetOf: fromStart(label + 128 * KiB, 128 * KiB),
    length: 128 * KiB,
    source: 'vdev_impl.h',
  })),
  ...[2, 1].map((fromEnd, i): FixedProbe => ({
    kind: 'zfs',
    what: `ZFS label L${i + 2} (uberblock array)`,
    offsetOf: (size) => nonNegative(Math.floor(size / (256 * KiB)) * 256 * KiB - fromEnd * 256 * KiB + 128 * KiB),
    length: 128 * KiB,
    source: 'vdev_impl.h',
  })),
  ...LUKS2_SECONDARY.map((offset): FixedProbe => ({
    kind: 'luks',
    what: `LUKS2 secondary header at 0x${offset.toString(16)}`,
    offsetOf: fromStart(offset, 4096),
    length: 4096,
    source: 'superblocks/luks.c',
  })),
  {
    kind: 'bcache',
    what: 'bcache superblock',
    offsetOf: fromStart(4096, 4096),
    length: 4096,
    source: 'superblocks/bcache.c',
  },
];

// Absolute offsets of the fixed probes on a target of `targetSize` bytes, sorted and unique.
export function listProbeOffsets(targetSize: number): { offset: number; length: number }[] {
  const seen = new Map<number, number>();
  for (const probe of FIXED_PROBES) {
    const offset = probe.offsetOf(targetSize);
    if (offset === null || offset + probe.length > targetSize) continue;
    seen.set(offset, Math.max(seen.get(offset) ?? 0, probe.length));
  }
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([offset, length]) => ({ offset, length }));
}
