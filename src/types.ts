/**
 * Shared types: the nouns every module agrees on. No runtime code, no imports with side effects.
 */

export type TargetKind = 'block' | 'file';

/** What the kernel and sysfs say about a target; read-only facts gathered before any write. */
export interface DeviceIdentity {
  /** The path as the user gave it. */
  path: string;
  /** The path after resolving symlinks once (what is opened). */
  realPath: string;
  kind: TargetKind;
  /** Kernel name (loop0, sda, nvme0n1p2) for block devices, null for files. */
  name: string | null;
  /** "MAJ:MIN" of a block device, null for files. */
  majorMinor: string | null;
  /** Device number (st_rdev) for block devices, st_dev:st_ino for files, used to re-check the open fd. */
  statKey: string;
  /** Size from the kernel (sysfs size × 512) or fstat for files. */
  sizeBytes: number;
  logicalBlockSize: number;
  physicalBlockSize: number;
  model: string | null;
  vendor: string | null;
  serial: string | null;
  wwn: string | null;
  transport: string | null;
  rotational: boolean | null;
  /** Kernel read-only flag (sysfs ro) for block devices; for files, false unless the fs is read-only. */
  readOnly: boolean;
  /** For a loop device, the image it is attached to; else null. */
  loopBackingFile: string | null;
  /** Whole-disk parent name for a partition (sda for sda1), else null. */
  parentName: string | null;
  /** Partition names of a whole disk (loop0p1 ...). */
  partitions: string[];
  /** Stable device id: "sha256:" + hex of the canonical identity (kind, serial/wwn or path, size). */
  id: string;
}

/** A device as listed by `cleanslate devices`. */
export interface DeviceListing {
  identity: DeviceIdentity;
  type: string;
  mountpoints: string[];
  holders: string[];
  verdict: { eligible: true } | { eligible: false; guard: string; reason: string };
}

/**
 * An open target: a block device or a regular file, opened once. All I/O goes through it.
 * Offsets and lengths passed to read/write MUST be multiples of `alignment` when `direct` is true,
 * except a final short write/read at the end of the target.
 */
export interface Target {
  readonly path: string;
  readonly kind: TargetKind;
  readonly sizeBytes: number;
  /** True when opened with O_DIRECT (reads bypass the page cache). */
  readonly direct: boolean;
  /** Required alignment of buffer addresses, offsets and lengths (4096 with O_DIRECT, else 1). */
  readonly alignment: number;
  readonly writable: boolean;
  /** Identity of the open descriptor from fstat: "rdev:MAJ:MIN" for block devices, "ino:DEV:INO" for files. */
  readonly statKey: string;
  /** Writes all of buf at offset; resolves the number of bytes written, rejects on I/O error. */
  write(buf: Uint8Array, offset: number): Promise<number>;
  /** Reads up to buf.length bytes at offset; resolves the number read (short only at the end). */
  read(buf: Uint8Array, offset: number): Promise<number>;
  /** fdatasync. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** One pass of a method, as data. */
export type PassSpec =
  | { fill: 'bytes'; bytes: readonly number[] }
  | { fill: 'random' }
  | { fill: 'random-byte'; as: string }
  | { fill: 'complement'; of: string };

export interface WipeMethod {
  id: string;
  label: string;
  /** The standard or layout this entry follows. */
  source: string;
  methodType: 'clear' | 'purge';
  passes: readonly PassSpec[];
  verify: 'last' | 'all' | 'none';
  /** Gutmann: shuffle the fixed-pattern passes with the run seed. */
  shuffle?: { from: number; to: number };
}

/** A pass resolved for one run: every random byte chosen, every R keyed. */
export type PlannedPattern =
  | { kind: 'bytes'; bytes: number[] } // a repeating pattern of 1..3 bytes
  | { kind: 'aes-ctr'; keyHex: string };

export interface PlannedPass {
  index: number; // 1-based
  pattern: PlannedPattern;
  /** Human/certificate description: "0x00", "random byte 0x5a", "complement 0xa5", "aes-256-ctr", "0x92 0x49 0x24". */
  describe: string;
}

export interface WipePlan {
  methodId: string;
  methodType: 'clear' | 'purge';
  passes: PlannedPass[];
  verify: 'last' | 'all' | 'none';
  /** SHA-256 hex of the run seed. */
  seedCommitment: string;
}

export type ProgressEvent =
  | { type: 'started'; target: string; sizeBytes: number; passes: number; method: string }
  | { type: 'pass.started'; target: string; pass: number; passes: number; pattern: string }
  | {
      type: 'pass.progress';
      target: string;
      pass: number;
      passes: number;
      bytes: number;
      totalBytes: number;
      bytesPerSecond: number;
    }
  | {
      type: 'pass.completed';
      target: string;
      pass: number;
      passes: number;
      bytes: number;
      durationMs: number;
      bytesPerSecond: number;
    }
  | { type: 'verify.started'; target: string; pass: number }
  | { type: 'verify.progress'; target: string; pass: number; bytes: number; totalBytes: number; bytesPerSecond: number }
  | {
      type: 'verify.completed';
      target: string;
      pass: number;
      bytes: number;
      mismatches: number;
      durationMs: number;
      bytesPerSecond: number;
    }
  | { type: 'scan.started'; target: string; mode: 'full' | 'sample'; expect: string; totalBytes: number }
  | { type: 'scan.progress'; target: string; bytes: number; totalBytes: number; bytesPerSecond: number }
  | {
      type: 'scan.finding';
      target: string;
      offset: number;
      length: number;
      category: string;
      kind: string;
      confidence: string;
      detail: string;
    }
  | {
      type: 'scan.completed';
      target: string;
      bytes: number;
      findings: number;
      residueBlocks: number;
      durationMs: number;
      bytesPerSecond: number;
    }
  | { type: 'erase.started'; target: string; backend: string; technique: string }
  | { type: 'erase.progress'; target: string; backend: string; percent: number; message: string }
  | { type: 'erase.completed'; target: string; backend: string; technique: string; durationMs: number }
  | {
      type: 'io.retry';
      target: string;
      pass: number;
      offset: number;
      length: number;
      attempt: number;
      error: string;
    }
  | { type: 'notice'; target: string; message: string }
  | { type: 'completed'; target: string; result: 'PASS' | 'FAIL' }
  | { type: 'failed'; target: string; code: string; message: string };

export type ProgressListener = (event: ProgressEvent) => void;

/** Result of writing one pass. */
export interface PassResult {
  index: number;
  pattern: string;
  bytes: number;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  bytesPerSecond: number;
}

/** Result of reading back one pass. */
export interface VerifyResult {
  pass: number;
  bytesRead: number;
  /** Number of mismatching 4 KiB blocks. */
  mismatches: number;
  firstMismatchOffset: number | null;
  durationMs: number;
  bytesPerSecond: number;
}

/**
 * A signing key in use: Ed25519, identified by `sha256:` + hex SHA-256 of its SPKI DER.
 * sign() MUST return the raw 64-byte Ed25519 signature of exactly `data`.
 */
export interface Signer {
  keyId: string;
  /** The public key as SPKI PEM. */
  publicKeyPem: string;
  sign(data: Uint8Array): Buffer;
}
