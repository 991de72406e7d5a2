// The finding categories and kinds of DESIGN §5, as data: stable names used in JSON, certificates
// and `counts`. Deprecate a kind, never rename it.
export const FINDING_KINDS = {
  'partition-table': ['mbr', 'gpt'],
  filesystem: ['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'vfat', 'exfat', 'ntfs', 'iso9660', 'f2fs', 'zfs', 'swap'],
  container: ['luks', 'lvm2', 'mdraid', 'bcache'],
  file: [
    'jpeg',
    'png',
    'gif',
    'pdf',
    'zip',
    'gzip',
    'bzip2',
    'xz',
    'zstd',
    '7z',
    'rar',
    'tar',
    'elf',
    'pe',
    'sqlite',
    'mp4',
    'ogg',
    'riff',
  ],
  secret: ['pem-private-key', 'openssh-private-key', 'aws-access-key-id', 'jwt'],
  pii: ['email', 'credit-card'],
  pattern: ['unexpected-content'],
} as const;

export type FindingCategory = keyof typeof FINDING_KINDS;
export type FindingKind = (typeof FINDING_KINDS)[FindingCategory][number];

/** One residue, located and named; never any of its bytes. */
export interface Finding {
  /** Absolute byte offset of the structure (or run of blocks) on the target. */
  offset: number;
  length: number;
  category: FindingCategory;
  kind: FindingKind;
  confidence: 'confirmed' | 'probable';
  /** What was recognised (e.g. "ext4 superblock, 4096-byte blocks, backup copy of group 1"): no tenant content. */
  detail: string;
}

/**
 * Bytes being classified. buf[0] is at absolute target offset `base`; buf holds the region being
 * classified plus up to LOOKAHEAD bytes after it (less at the end of the target), so a structure
 * that starts inside the region can be validated without another read.
 */
export interface ScanWindow {
  buf: Uint8Array;
  base: number;
  /** Size of the whole target, for structures located from its end (GPT backup, md 0.90/1.0, ZFS L2/L3). */
  targetSize: number;
}

/** Bytes after a region that the scanner provides for validation. */
export const LOOKAHEAD = 64 * 1024;

// The category a kind belongs to.
export function categoryOf(kind: FindingKind): FindingCategory {
  for (const [category, kinds] of Object.entries(FINDING_KINDS) as [FindingCategory, readonly string[]][]) {
    if (kinds.includes(kind)) return category;
  }
  throw new Error(`unknown finding kind ${kind}`);
}
