// Attached loop devices and the files behind them (/sys/block/loopN/loop/backing_file).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatMajorMinor } from './device-number.js';
import { SYS_ROOT, listDirectory, readAttribute, stripDeleted } from './sysfs.js';

export interface LoopAttachment {
  /** loop0 */
  name: string;
  majorMinor: string | null;
  /** The backing file as the kernel reports it (follows renames; " (deleted)" removed). */
  backingFile: string;
  /** The backing file was unlinked after attaching. */
  deleted: boolean;
  /** statKey of what the backing path is now ("ino:DEV:INO" or "rdev:MAJ:MIN"), null if it no longer exists. */
  backingKey: string | null;
}

// Lists every attached loop device (one with a loop/backing_file attribute).
export async function readLoopAttachments(sysRoot: string = SYS_ROOT): Promise<LoopAttachment[]> {
  const attachments: LoopAttachment[] = [];
  for (const name of await listDirectory(join(sysRoot, 'block'))) {
    if (!/^loop\d+$/.test(name)) continue;
    const raw = await readAttribute(join(sysRoot, 'block', name, 'loop/backing_file'));
    if (raw === null) continue; // not attached
    const deleted = raw.endsWith(' (deleted)');
    const backingFile = stripDeleted(raw);
    attachments.push({
      name,
      majorMinor: await readAttribute(join(sysRoot, 'block', name, 'dev')),
      backingFile,
      deleted,
      backingKey: deleted ? null : await readStatKey(backingFile),
    });
  }
  return attachments;
}

// The DeviceIdentity.statKey of a path: "rdev:MAJ:MIN" for a block device, "ino:DEV:INO" otherwise; null if absent.
export async function readStatKey(path: string): Promise<string | null> {
  try {
    const stats = await stat(path, { bigint: true });
    return stats.isBlockDevice() ? `rdev:${formatMajorMinor(stats.rdev)}` : `ino:${stats.dev}:${stats.ino}`;
  } catch {
    return null;
  }
}
