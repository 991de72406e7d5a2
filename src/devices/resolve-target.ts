// Resolves a TARGET argument once: symlinks followed, kind decided, empty and non-device targets refused.
import { realpath, stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { CleanslateError, isErrno } from '../errors/index.js';
import type { TargetKind } from '../types.js';
import { formatMajorMinor } from './device-number.js';
import { SYS_ROOT, readIntegerAttribute } from './sysfs.js';

export interface ResolvedTarget {
  /** The path as the user gave it. */
  path: string;
  /** The path after resolving every symlink once; everything after this step uses it. */
  realPath: string;
  kind: TargetKind;
  /** statKey of what realPath named at resolution; the identity and the opened fd must match it. */
  statKey: string;
  /** Size at resolution (bytes), used to check the identity read next. */
  sizeBytes: number;
}

const STEP = 'resolve';

// Follows symlinks once and classifies the target as a block device or a regular (image) file.
export async function resolveTarget(path: string): Promise<ResolvedTarget> {
  let realPath: string;
  try {
    realPath = await realpath(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) {
      throw new CleanslateError('ERR_TARGET_NOT_FOUND', `no such file or device (${errnoOf(err)})`, {
        target: path,
        step: STEP,
        cause: err,
      });
    }
    throw new CleanslateError('ERR_TARGET_OPEN', `cannot resolve the path: ${messageOf(err)}`, {
      target: path,
      step: STEP,
      cause: err,
    });
  }
  let stats: BigIntStats;
  try {
    stats = await stat(realPath, { bigint: true });
  } catch (err) {
    if (isErrno(err, 'ENOENT')) {
      throw new CleanslateError('ERR_TARGET_NOT_FOUND', `${realPath} vanished while resolving it`, {
        target: path,
        step: STEP,
        cause: err,
      });
    }
    throw new CleanslateError('ERR_TARGET_OPEN', `cannot stat ${realPath}: ${messageOf(err)}`, {
      target: path,
      step: STEP,
      cause: err,
    });
  }
  const via = realPath === path ? '' : ` (${realPath})`;
  if (stats.isFile()) {
    if (stats.size === 0n) {
      throw new CleanslateError('ERR_TARGET_EMPTY', `image file${via} is empty (size 0), nothing to wipe`, {
        target: path,
        step: STEP,
      });
    }
    return { path, realPath, kind: 'file', statKey: `ino:${stats.dev}:${stats.ino}`, sizeBytes: Number(stats.size) };
  }
  if (stats.isBlockDevice()) {
    const majorMinor = formatMajorMinor(stats.rdev);
    let sectors: number | null;
    try {
      sectors = await readIntegerAttribute(join(SYS_ROOT, 'dev/block', majorMinor, 'size'));
    } catch (err) {
      throw new CleanslateError(
        'ERR_TARGET_OPEN',
        `cannot read the size of block device ${majorMinor} from sysfs: ${messageOf(err)}`,
        {
          target: path,
          step: STEP,
          cause: err,
        },
      );
    }
    if (sectors === null) {
      throw new CleanslateError(
        'ERR_TARGET_OPEN',
        `block device ${majorMinor}${via} has no sysfs entry (/sys/dev/block/${majorMinor})`,
        {
          target: path,
          step: STEP,
        },
      );
    }
    if (sectors === 0) {
      throw new CleanslateError(
        'ERR_TARGET_EMPTY',
        `block device${via} has size 0 (no medium, or a detached loop device)`,
        {
          target: path,
          step: STEP,
        },
      );
    }
    return { path, realPath, kind: 'block', statKey: `rdev:${majorMinor}`, sizeBytes: sectors * 512 };
  }
  throw new CleanslateError(
    'ERR_TARGET_NOT_DEVICE',
    `${realPath} is ${describeFileType(stats)}, not a block device or image file`,
    {
      target: path,
      step: STEP,
    },
  );
}

// "a directory", "a character device", ... for the message of a refused target.
function describeFileType(stats: BigIntStats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function errnoOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'error';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
