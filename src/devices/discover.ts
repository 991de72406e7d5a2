// Discovery for `cleanslate devices`: every block device lsblk knows, with identity, mount points
// (its own and its descendants'), sysfs holders, and children. Lists; never decides eligibility.
import { realpath } from 'node:fs/promises';
import { CleanslateError, isErrno } from '../errors/index.js';
import type { DeviceIdentity } from '../types.js';
import { readHolders } from './holders.js';
import { readIdentity } from './identity.js';
import { readLsblk, type LsblkDevice } from './lsblk.js';

export interface DiscoveredDevice {
  identity: DeviceIdentity;
  /** lsblk TYPE: disk, part, loop, lvm, crypt, raid1, rom ... */
  type: string;
  fstype: string | null;
  /** Mount points of this device and of everything under it in lsblk's tree (partitions, dm). */
  mountpoints: string[];
  /** Holder names (dm-0, md127) of this device and of its partitions, from sysfs. */
  holders: string[];
  /** Kernel names of lsblk's children (partitions, or devices stacked on this one). */
  children: string[];
}

// Lists block devices depth-first (a disk, then its partitions and stacked devices), each once.
export async function discoverDevices(): Promise<DiscoveredDevice[]> {
  let rows: LsblkDevice[];
  try {
    rows = await readLsblk();
  } catch (err) {
    throw new CleanslateError('ERR_IO', `cannot list block devices: ${(err as Error).message}`, {
      step: 'discover',
      cause: err,
    });
  }
  const devices: DiscoveredDevice[] = [];
  const seen = new Set<string>();
  const visit = async (row: LsblkDevice, disk: LsblkDevice): Promise<void> => {
    if (seen.has(row.kname)) return; // a dm/md device appears under each of its slaves
    seen.add(row.kname);
    const device = await describeRow(row, row.type === 'part' ? disk : row);
    if (device) devices.push(device);
    for (const child of row.children) await visit(child, row.type === 'part' ? disk : row);
  };
  for (const row of rows) await visit(row, row);
  return devices;
}

async function describeRow(row: LsblkDevice, disk: LsblkDevice): Promise<DiscoveredDevice | null> {
  let realPath = row.path;
  try {
    realPath = await realpath(row.path);
  } catch {
    // no device node (containers without udev): sysfs still describes it
  }
  try {
    const identity = await readIdentity(
      { path: row.path, realPath, kind: 'block', statKey: `rdev:${row.majorMinor}`, sizeBytes: row.sizeBytes ?? 0 },
      { lsblk: disk, ...(row.majorMinor ? { majorMinor: row.majorMinor } : {}) },
    );
    const holders = [...new Set((await readHolders(row.kname)).map((h) => h.holder))];
    return {
      identity,
      type: row.type,
      fstype: row.fstype,
      mountpoints: collectMountpoints(row),
      holders,
      children: row.children.map((c) => c.kname),
    };
  } catch (err) {
    // A device that vanished between lsblk and sysfs is skipped; anything else is a real failure.
    if (isErrno(err, 'ENOENT') || (err instanceof CleanslateError && isErrno(err.cause, 'ENOENT'))) return null;
    throw err;
  }
}

// Mount points of a row and all its descendants, each once.
export function collectMountpoints(row: LsblkDevice): string[] {
  const all = [...row.mountpoints, ...row.children.flatMap(collectMountpoints)];
  return [...new Set(all)];
}
