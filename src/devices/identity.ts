// Reads the identity of a resolved target from sysfs (block devices) or stat (image files).
import { access, realpath, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { CleanslateError } from '../errors/index.js';
import type { DeviceIdentity, TargetKind } from '../types.js';
import { canonicalJson } from './canonical-json.js';
import { readLsblk, type LsblkDevice } from './lsblk.js';
import type { ResolvedTarget } from './resolve-target.js';
import { SYS_ROOT, listDirectory, readAttribute, readIntegerAttribute, stripDeleted } from './sysfs.js';

export interface ReadIdentityOptions {
  /** lsblk's row for the whole disk, when the caller already has it (discovery); else lsblk runs once. */
  lsblk?: LsblkDevice | null;
  /** "MAJ:MIN" when the caller already knows it; else read from stat(realPath).st_rdev. */
  majorMinor?: string;
}

const STEP = 'identity';

// Gathers every DeviceIdentity field of a target; reads only, never opens the target itself.
export async function readIdentity(
  resolved: ResolvedTarget,
  options: ReadIdentityOptions = {},
): Promise<DeviceIdentity> {
  try {
    return resolved.kind === 'block' ? await readBlockIdentity(resolved, options) : await readFileIdentity(resolved);
  } catch (err) {
    if (err instanceof CleanslateError) throw err;
    throw new CleanslateError(
      'ERR_TARGET_OPEN',
      `cannot read the identity of ${resolved.realPath}: ${(err as Error).message}`,
      {
        target: resolved.path,
        step: STEP,
        cause: err,
      },
    );
  }
}

async function readBlockIdentity(resolved: ResolvedTarget, options: ReadIdentityOptions): Promise<DeviceIdentity> {
  const majorMinor = options.majorMinor ?? resolved.statKey.replace(/^rdev:/, '');
  let sysDir: string;
  try {
    sysDir = await realpath(join(SYS_ROOT, 'dev/block', majorMinor));
  } catch (err) {
    throw new CleanslateError('ERR_TARGET_OPEN', `block device ${majorMinor} has no sysfs entry`, {
      target: resolved.path,
      step: STEP,
      cause: err,
    });
  }
  const name = basename(sysDir);
  const partitionNumber = await readIntegerAttribute(join(sysDir, 'partition'));
  const isPartition = partitionNumber !== null;
  const diskDir = isPartition ? dirname(sysDir) : sysDir;
  const parentName = isPartition ? basename(diskDir) : null;

  const sectors = (await readIntegerAttribute(join(sysDir, 'size'))) ?? 0;
  const logicalBlockSize = (await readIntegerAttribute(join(diskDir, 'queue/logical_block_size'))) ?? 512;
  const physicalBlockSize =
    (await readIntegerAttribute(join(diskDir, 'queue/physical_block_size'))) ?? logicalBlockSize;
  const rotationalText = await readAttribute(join(diskDir, 'queue/rotational'));
  const readOnly =
    (await readAttribute(join(sysDir, 'ro'))) === '1' ||
    (isPartition && (await readAttribute(join(diskDir, 'ro'))) === '1');

  // lsblk knows udev's serial/WWN/transport; sysfs is the fallback where udev is absent.
  const lsblk = options.lsblk !== undefined ? options.lsblk : await readDiskRow(`/dev/${basename(diskDir)}`);
  const model = lsblk?.model ?? (await readAttribute(join(diskDir, 'device/model')));
  const vendor = lsblk?.vendor ?? (await readAttribute(join(diskDir, 'device/vendor')));
  const serial =
    lsblk?.serial ??
    (await readAttribute(join(diskDir, 'device/serial'))) ??
    (await readAttribute(join(diskDir, 'serial')));
  const wwn =
    lsblk?.wwn ?? (await readAttribute(join(diskDir, 'device/wwid'))) ?? (await readAttribute(join(diskDir, 'wwid')));
  const backing = isPartition ? null : await readAttribute(join(sysDir, 'loop/backing_file'));

  const partitions: string[] = [];
  if (!isPartition) {
    for (const entry of await listDirectory(sysDir)) {
      if ((await readAttribute(join(sysDir, entry, 'partition'))) !== null) partitions.push(entry);
    }
  }
  const identity: Omit<DeviceIdentity, 'id'> = {
    path: resolved.path,
    realPath: resolved.realPath,
    kind: 'block',
    name,
    majorMinor,
    statKey: `rdev:${majorMinor}`,
    sizeBytes: sectors * 512,
    logicalBlockSize,
    physicalBlockSize,
    model,
    vendor,
    serial,
    wwn,
    transport: lsblk?.transport ?? null,
    rotational: rotationalText === null ? null : rotationalText === '1',
    readOnly,
    loopBackingFile: backing === null ? null : stripDeleted(backing),
    parentName,
    partitions,
  };
  return { ...identity, id: computeDeviceId(identity, partitionNumber) };
}

async function readFileIdentity(resolved: ResolvedTarget): Promise<DeviceIdentity> {
  const stats = await stat(resolved.realPath, { bigint: true });
  if (`ino:${stats.dev}:${stats.ino}` !== resolved.statKey) {
    throw new CleanslateError(
      'ERR_TARGET_CHANGED',
      `${resolved.realPath} was replaced while it was being identified; nothing written`,
      {
        target: resolved.path,
        step: STEP,
      },
    );
  }
  let readOnly = false;
  try {
    await access(resolved.realPath, constants.W_OK); // EROFS on a read-only filesystem, even as root
  } catch {
    readOnly = true;
  }
  const identity: Omit<DeviceIdentity, 'id'> = {
    path: resolved.path,
    realPath: resolved.realPath,
    kind: 'file',
    name: null,
    majorMinor: null,
    statKey: resolved.statKey,
    sizeBytes: Number(stats.size),
    logicalBlockSize: 512,
    physicalBlockSize: stats.blksize > 0n ? Number(stats.blksize) : 4096,
    model: null,
    vendor: null,
    serial: null,
    wwn: null,
    transport: null,
    rotational: null,
    readOnly,
    loopBackingFile: null,
    parentName: null,
    partitions: [],
  };
  return { ...identity, id: computeDeviceId(identity, null) };
}

// The stable device id: "sha256:" + hex SHA-256 of canonical JSON of {kind, serial, wwn, model,
// sizeBytes} (+ partition number) for media with a serial or WWN, else {kind, realPath, sizeBytes}
// (+ loopBackingFile for a loop device). Loop devices and images have no serial; that is normal.
export function computeDeviceId(
  identity: Pick<DeviceIdentity, 'kind' | 'serial' | 'wwn' | 'model' | 'sizeBytes' | 'realPath' | 'loopBackingFile'>,
  partitionNumber: number | null = null,
): string {
  const canonical: Record<string, unknown> =
    identity.serial !== null || identity.wwn !== null
      ? {
          kind: identity.kind,
          serial: identity.serial,
          wwn: identity.wwn,
          model: identity.model,
          sizeBytes: identity.sizeBytes,
        }
      : { kind: identity.kind satisfies TargetKind, realPath: identity.realPath, sizeBytes: identity.sizeBytes };
  if (identity.serial === null && identity.wwn === null && identity.loopBackingFile !== null)
    canonical.loopBackingFile = identity.loopBackingFile;
  if ((identity.serial !== null || identity.wwn !== null) && partitionNumber !== null)
    canonical.partition = partitionNumber;
  return `sha256:${createHash('sha256').update(canonicalJson(canonical)).digest('hex')}`;
}

// lsblk's row for one whole disk; null when lsblk is unavailable or fails (sysfs is the fallback).
async function readDiskRow(diskPath: string): Promise<LsblkDevice | null> {
  try {
    return (await readLsblk([diskPath], { noDeps: true }))[0] ?? null;
  } catch {
    return null;
  }
}
