// Parser for /proc/self/mountinfo (proc(5)): which device backs which mount point.
import { unescapeOctal } from './sysfs.js';

export interface MountEntry {
  /** st_dev of the filesystem as "MAJ:MIN" (0:N for tmpfs, overlay, btrfs subvolumes ...). */
  majorMinor: string;
  /** "MAJ:MIN" of `source` when it is a block device path; filled by readSystemState (btrfs shows 0:N above). */
  sourceMajorMinor: string | null;
  root: string;
  mountPoint: string;
  /** Per-mount options (rw, ro, nosuid ...). */
  mountOptions: string[];
  fstype: string;
  /** The mount source: /dev/sda1, tmpfs, server:/export ... */
  source: string;
  /** Superblock options; "ro" here means the filesystem is read-only on every mount. */
  superOptions: string[];
}

// Parses mountinfo text; throws on a line that does not have the documented shape.
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    if (separator < 0 || fields.length < separator + 4) {
      throw new Error(`mountinfo line ${index + 1} is malformed: ${line}`);
    }
    const majorMinor = fields[2] ?? '';
    if (!/^\d+:\d+$/.test(majorMinor)) throw new Error(`mountinfo line ${index + 1} has no MAJ:MIN: ${line}`);
    entries.push({
      majorMinor,
      sourceMajorMinor: null,
      root: unescapeOctal(fields[3] ?? ''),
      mountPoint: unescapeOctal(fields[4] ?? ''),
      mountOptions: (fields[5] ?? '').split(','),
      fstype: fields[separator + 1] ?? '',
      source: unescapeOctal(fields[separator + 2] ?? ''),
      superOptions: (fields[separator + 3] ?? '').split(','),
    });
  }
  return entries;
}
