// lsblk --json: the columns cleanslate asks for, and a defensive parser for what lsblk versions print.
import { runChecked } from '../exec/index.js';

/** The columns discovery reads; lsblk prints them as lower-case JSON keys. */
export const LSBLK_COLUMNS = [
  'NAME',
  'KNAME',
  'PATH',
  'MAJ:MIN',
  'TYPE',
  'SIZE',
  'MODEL',
  'SERIAL',
  'WWN',
  'VENDOR',
  'LOG-SEC',
  'PHY-SEC',
  'ROTA',
  'TRAN',
  'RO',
  'MOUNTPOINTS',
  'PKNAME',
  'FSTYPE',
] as const;

/** One lsblk row, normalised: null for absent values, numbers for sizes, booleans for flags. */
export interface LsblkDevice {
  name: string;
  kname: string;
  path: string;
  majorMinor: string | null;
  type: string;
  sizeBytes: number | null;
  model: string | null;
  serial: string | null;
  wwn: string | null;
  vendor: string | null;
  logicalBlockSize: number | null;
  physicalBlockSize: number | null;
  rotational: boolean | null;
  transport: string | null;
  readOnly: boolean | null;
  /** Mount points of this device only (lsblk's [null] means none). */
  mountpoints: string[];
  parentKernelName: string | null;
  fstype: string | null;
  children: LsblkDevice[];
}

// Runs lsblk for all devices (or the given ones) with the discovery columns, bytes as integers.
export async function readLsblk(
  paths: readonly string[] = [],
  options: { noDeps?: boolean } = {},
): Promise<LsblkDevice[]> {
  const args = [
    '--json',
    '--bytes',
    '--output',
    LSBLK_COLUMNS.join(','),
    ...(options.noDeps ? ['--nodeps'] : []),
    ...paths,
  ];
  return parseLsblkJson(await runChecked('lsblk', args));
}

// Parses `lsblk --json` output. Tolerates older versions (mountpoint instead of mountpoints,
// sizes and flags as strings, "0"/"1" booleans) and missing columns; rejects non-lsblk JSON.
export function parseLsblkJson(text: string): LsblkDevice[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new Error(`lsblk printed invalid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(document) || !Array.isArray(document.blockdevices)) {
    throw new Error('lsblk JSON has no "blockdevices" array');
  }
  return document.blockdevices.map((row, index) => parseRow(row, `blockdevices[${index}]`));
}

function parseRow(row: unknown, where: string): LsblkDevice {
  if (!isRecord(row)) throw new Error(`lsblk JSON ${where} is not an object`);
  const name = text(row.name);
  if (name === null) throw new Error(`lsblk JSON ${where} has no name`);
  const kname = text(row.kname) ?? name;
  const children = Array.isArray(row.children)
    ? row.children.map((child, i) => parseRow(child, `${where}.children[${i}]`))
    : [];
  return {
    name,
    kname,
    path: text(row.path) ?? `/dev/${kname}`,
    majorMinor: text(row['maj:min']),
    type: text(row.type) ?? 'unknown',
    sizeBytes: integer(row.size),
    model: text(row.model),
    serial: text(row.serial),
    wwn: text(row.wwn),
    vendor: text(row.vendor),
    logicalBlockSize: integer(row['log-sec']),
    physicalBlockSize: integer(row['phy-sec']),
    rotational: flag(row.rota),
    transport: text(row.tran),
    readOnly: flag(row.ro),
    mountpoints: mountpointsOf(row),
    parentKernelName: text(row.pkname),
    fstype: text(row.fstype),
    children,
  };
}

function mountpointsOf(row: Record<string, unknown>): string[] {
  const list = Array.isArray(row.mountpoints) ? row.mountpoints : [row.mountpoint];
  return list.map(text).filter((m): m is string => m !== null);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Trimmed non-empty string, else null (lsblk pads vendor/model with spaces).
function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function integer(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

function flag(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1') return true;
  if (value === 0 || value === '0') return false;
  return null;
}
