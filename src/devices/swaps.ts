// Parser for /proc/swaps: the active swap areas (partitions and files).
import { stripDeleted, unescapeOctal } from './sysfs.js';

export interface SwapEntry {
  /** The path as the kernel prints it (without a " (deleted)" suffix). */
  path: string;
  /** "partition" (any block device) or "file". */
  type: string;
  /** "MAJ:MIN" of a swap partition; filled by readSystemState, null when it cannot be resolved. */
  majorMinor: string | null;
  /** "ino:DEV:INO" of a swap file (same form as DeviceIdentity.statKey); filled by readSystemState. */
  fileKey: string | null;
}

// Parses /proc/swaps text (header line, then "Filename Type Size Used Priority").
export function parseProcSwaps(text: string): SwapEntry[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = lines.shift();
  if (header === undefined || !header.startsWith('Filename')) throw new Error('/proc/swaps has no "Filename" header');
  return lines.map((line, index) => {
    // The kernel escapes spaces in the path (\040), so the columns split on whitespace.
    const match = /^(\S+)\s+(\S+)\s+\d+\s+\d+\s+-?\d+\s*$/.exec(line);
    if (!match) throw new Error(`/proc/swaps line ${index + 2} is malformed: ${line}`);
    return { path: stripDeleted(unescapeOctal(match[1] ?? '')), type: match[2] ?? '', majorMinor: null, fileKey: null };
  });
}
