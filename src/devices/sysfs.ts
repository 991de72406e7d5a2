// Small read helpers for sysfs and procfs attribute files: trimmed text, integers, directory entries.
import { readFile, readdir } from 'node:fs/promises';
import { isErrno } from '../errors/index.js';

/** The sysfs mount point; tests pass a crafted tree instead. @default '/sys' */
export const SYS_ROOT = '/sys';

// Reads a sysfs attribute as trimmed text; null when the attribute does not exist or is empty.
export async function readAttribute(path: string): Promise<string | null> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text === '' ? null : text;
  } catch (err) {
    // ENOENT/ENOTDIR: no such attribute; ENXIO/ENODEV: the device is gone or detached (loop backing_file).
    if (['ENOENT', 'ENOTDIR', 'ENXIO', 'ENODEV'].some((code) => isErrno(err, code))) return null;
    throw err;
  }
}

// Reads a sysfs attribute that must hold a non-negative integer; null when absent.
export async function readIntegerAttribute(path: string): Promise<number | null> {
  const text = await readAttribute(path);
  if (text === null) return null;
  if (!/^\d+$/.test(text)) throw new Error(`${path}: expected an integer, read "${text}"`);
  return Number(text);
}

// Lists a sysfs directory; an absent directory is an empty list.
export async function listDirectory(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort(compareNames);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return [];
    throw err;
  }
}

// Orders kernel names naturally: sda2 before sda10, loop0p2 before loop0p10.
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

// Undoes the octal escapes (\040 for space, \011, \012, \134) of /proc/self/mountinfo and /proc/swaps.
export function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

// The kernel appends " (deleted)" to the path of an unlinked file (loop backing_file, /proc/swaps).
export function stripDeleted(path: string): string {
  return path.endsWith(' (deleted)') ? path.slice(0, -' (deleted)'.length) : path;
}
