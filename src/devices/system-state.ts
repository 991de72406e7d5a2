// Every input the safety guards decide on, read once per run. Each input is either a value or the
// reason it could not be read, so a guard that lacks its input refuses instead of passing.
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { getDiskInfo } from 'node-disk-info';
import { readBlockTopology, type BlockNode } from './block-topology.js';
import { formatMajorMinor } from './device-number.js';
import { readLoopAttachments, type LoopAttachment } from './loops.js';
import { parseMountinfo, type MountEntry } from './mountinfo.js';
import { parseProcSwaps, type SwapEntry } from './swaps.js';
import { SYS_ROOT, readAttribute } from './sysfs.js';
import { findSystemDisks, type SystemDisk } from './system-disks.js';

/** An input that was read, or the reason it could not be. */
export type Input<T> = { ok: true; value: T } | { ok: false; error: string };

/** A mounted filesystem as node-disk-info (df -P) lists it. */
export interface MountedFilesystem {
  /** df's "Filesystem" column: /dev/sda1, tmpfs, server:/export. */
  filesystem: string;
  mountPoint: string;
}

export interface SystemState {
  /** /proc/self/mountinfo, with block-device sources resolved to MAJ:MIN. */
  mounts: Input<MountEntry[]>;
  /** /proc/swaps, with partitions resolved to MAJ:MIN and files to their statKey. */
  swaps: Input<SwapEntry[]>;
  /** node-disk-info (df): a second, independent list of mounted filesystems. */
  filesystems: Input<MountedFilesystem[]>;
  /** Attached loop devices and their backing files. */
  loops: Input<LoopAttachment[]>;
  /** The sysfs block graph: partitions, holders, slaves, ro flags. */
  blockDevices: Input<BlockNode[]>;
  /** Devices under any mounted filesystem (derived from mounts and blockDevices). */
  systemDisks: Input<SystemDisk[]>;
}

/** Where each input comes from, for messages ("cannot read /proc/swaps: ..."). */
export const SYSTEM_STATE_SOURCES: Record<keyof SystemState, string> = {
  mounts: '/proc/self/mountinfo',
  swaps: '/proc/swaps',
  filesystems: 'node-disk-info (df)',
  loops: '/sys/block/loop*/loop/backing_file',
  blockDevices: '/sys/class/block',
  systemDisks: 'the system disks (mountinfo + /sys/class/block)',
};

export interface ReadSystemStateOptions {
  /** @default '/proc' */
  procRoot?: string;
  /** @default '/sys' */
  sysRoot?: string;
  /** Replaces node-disk-info's getDiskInfo (tests). */
  listFilesystems?: () => Promise<MountedFilesystem[]>;
}

// Reads every guard input; never throws: an unreadable input is recorded as { ok: false }.
export async function readSystemState(options: ReadSystemStateOptions = {}): Promise<SystemState> {
  const procRoot = options.procRoot ?? '/proc';
  const sysRoot = options.sysRoot ?? SYS_ROOT;
  const [mounts, swaps, filesystems, loops, blockDevices] = await Promise.all([
    attempt('mounts', () => readMounts(join(procRoot, 'self/mountinfo'))),
    attempt('swaps', () => readSwaps(join(procRoot, 'swaps'), sysRoot)),
    attempt('filesystems', options.listFilesystems ?? listMountedFilesystems),
    attempt('loops', () => readLoopAttachments(sysRoot)),
    attempt('blockDevices', () => readBlockTopology(sysRoot)),
  ]);
  return { mounts, swaps, filesystems, loops, blockDevices, systemDisks: deriveSystemDisks(mounts, blockDevices) };
}

// Combines mounts and the sysfs graph into the system disks; unreadable if either input is.
export function deriveSystemDisks(mounts: Input<MountEntry[]>, blockDevices: Input<BlockNode[]>): Input<SystemDisk[]> {
  if (!mounts.ok) return { ok: false, error: `${SYSTEM_STATE_SOURCES.mounts}: ${mounts.error}` };
  if (!blockDevices.ok) return { ok: false, error: `${SYSTEM_STATE_SOURCES.blockDevices}: ${blockDevices.error}` };
  return { ok: true, value: findSystemDisks(mounts.value, blockDevices.value) };
}

async function attempt<T>(input: keyof SystemState, read: () => Promise<T>): Promise<Input<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    return {
      ok: false,
      error: `cannot read ${SYSTEM_STATE_SOURCES[input]}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

async function readMounts(path: string): Promise<MountEntry[]> {
  const entries = parseMountinfo(await readFile(path, 'utf8'));
  for (const entry of entries) {
    // btrfs (and others) report an anonymous 0:N in mountinfo; the source path names the real device.
    if (entry.source.startsWith('/dev/')) entry.sourceMajorMinor = await readBlockMajorMinor(entry.source);
  }
  return entries;
}

async function readSwaps(path: string, sysRoot: string): Promise<SwapEntry[]> {
  const entries = parseProcSwaps(await readFile(path, 'utf8'));
  for (const entry of entries) {
    if (entry.type === 'file') {
      try {
        const stats = await stat(entry.path, { bigint: true });
        entry.fileKey = `ino:${stats.dev}:${stats.ino}`;
      } catch {
        entry.fileKey = null; // deleted swap file: matched by path only
      }
    } else {
      entry.majorMinor =
        (await readBlockMajorMinor(entry.path)) ??
        (await readAttribute(join(sysRoot, 'class/block', basename(entry.path), 'dev')));
    }
  }
  return entries;
}

// "MAJ:MIN" of a block device path; null when it does not exist or is not a block device.
async function readBlockMajorMinor(path: string): Promise<string | null> {
  try {
    const stats = await stat(path, { bigint: true });
    return stats.isBlockDevice() ? formatMajorMinor(stats.rdev) : null;
  } catch {
    return null;
  }
}

// Mounted filesystems from node-disk-info (it runs `df -P`); a df failure makes the input unreadable.
async function listMountedFilesystems(): Promise<MountedFilesystem[]> {
  const drives = await getDiskInfo();
  return drives.map((drive) => ({ filesystem: drive.filesystem, mountPoint: drive.mounted }));
}
