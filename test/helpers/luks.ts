// LUKS volumes made by the real cryptsetup on image files (cryptsetup formats files without
// device-mapper), key files, luksDump output, and a DeviceIdentity for an erase context.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leaseAlignedBuffers } from '../../src/io/index.js';
import type { DeviceIdentity } from '../../src/types.js';
import { imageIdentity } from './cert-fixtures.js';

/** Fast key derivation: tests format and open volumes many times. */
const FAST_PBKDF = ['--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000'];

export interface LuksFormatOptions {
  type: 'luks1' | 'luks2';
  /** LUKS2 --luks2-metadata-size (hdr_size), e.g. '64k'. */
  metadataSize?: string;
  /** LUKS2 --luks2-keyslots-size, e.g. '1m'. */
  keyslotsSize?: string;
  /** How many keyslots to fill (luksFormat + luksAddKey). @default 1 */
  keyslots?: number;
}

// True when the cryptsetup binary can be run.
export async function hasCryptsetup(): Promise<boolean> {
  const result = await execa('cryptsetup', ['--version'], { reject: false });
  return result.exitCode === 0;
}

// Writes a random 32-byte key file in dir and returns its path.
export function writeKeyFile(dir: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, randomBytes(32), { mode: 0o600 });
  return path;
}

// luksFormat `device` (an image file or a loop device) and add keyslots; returns the key files, slot i = keys[i].
export async function formatLuks(device: string, dir: string, options: LuksFormatOptions): Promise<string[]> {
  const keys = Array.from({ length: options.keyslots ?? 1 }, (_, i) => writeKeyFile(dir, `key${i}`));
  const geometry = [
    ...(options.metadataSize ? ['--luks2-metadata-size', options.metadataSize] : []),
    ...(options.keyslotsSize ? ['--luks2-keyslots-size', options.keyslotsSize] : []),
  ];
  await execa('cryptsetup', [
    'luksFormat',
    '--type',
    options.type,
    '--batch-mode',
    ...FAST_PBKDF,
    ...geometry,
    '--key-file',
    keys[0]!,
    device,
  ]);
  for (const key of keys.slice(1)) {
    await execa('cryptsetup', ['luksAddKey', '--batch-mode', ...FAST_PBKDF, '--key-file', keys[0]!, device, key]);
  }
  return keys;
}

/** The parts of `luksDump --dump-json-metadata` the tests compare. */
export interface Luks2DumpJson {
  keyslots: Record<string, { area: { offset: string; size: string } }>;
  segments: Record<string, { offset: string }>;
  config: { json_size: string; keyslots_size: string };
}

// The LUKS2 JSON metadata as cryptsetup reads it.
export async function dumpLuks2Json(device: string): Promise<Luks2DumpJson> {
  const { stdout } = await execa('cryptsetup', ['luksDump', '--dump-json-metadata', device]);
  return JSON.parse(stdout) as Luks2DumpJson;
}

/** What the text `luksDump` says about a LUKS1 (or LUKS2) header. */
export interface LuksDumpText {
  version: number;
  uuid: string;
  /** LUKS1 "Payload offset" in sectors. */
  payloadOffsetSectors: number | null;
  /** LUKS1 key slots: enabled, key material offset (sectors), stripes. */
  slots: Array<{ index: number; enabled: boolean; keyMaterialOffset: number | null; stripes: number | null }>;
}

// Parses the text of `cryptsetup luksDump` (the LUKS1 parts: version, UUID, payload offset, key slots).
export async function dumpLuksText(device: string): Promise<LuksDumpText> {
  const { stdout } = await execa('cryptsetup', ['luksDump', device]);
  const field = (name: string): string | null =>
    new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(stdout)?.[1]?.trim() ?? null;
  const slots = [...stdout.matchAll(/^Key Slot (\d+): (ENABLED|DISABLED)\n?((?:\t.*\n?)*)/gm)].map((m) => ({
    index: Number(m[1]),
    enabled: m[2] === 'ENABLED',
    keyMaterialOffset: numberAfter(m[3] ?? '', 'Key material offset'),
    stripes: numberAfter(m[3] ?? '', 'AF stripes'),
  }));
  const payload = field('Payload offset');
  return {
    version: Number(field('Version')),
    uuid: field('UUID') ?? '',
    payloadOffsetSectors: payload === null ? null : Number(payload),
    slots,
  };
}

function numberAfter(text: string, label: string): number | null {
  const m = new RegExp(`${label}:\\s*(\\d+)`).exec(text);
  return m ? Number(m[1]) : null;
}

// Runs cryptsetup with argv and returns its exit code (never throws on failure).
export async function cryptsetupExitCode(args: string[]): Promise<number> {
  const result = await execa('cryptsetup', args, { reject: false });
  return result.exitCode ?? -1;
}

// Reads `length` bytes at `offset` of a file or device (buffered; for checks after the erase).
export function readAt(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, offset);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

// A DeviceIdentity for an erase context over `path` (tests only; the wipe gathers the real one).
export function testIdentity(path: string, sizeBytes: number, kind: 'block' | 'file' = 'file'): DeviceIdentity {
  return { ...imageIdentity(path, sizeBytes), kind };
}

// Aligned memory for an erase context, as the core hands it in (O_DIRECT needs 4096-aligned buffers).
export function leaseBuffer(length: number): { buffer: Uint8Array; release(): void } {
  const lease = leaseAlignedBuffers(1, length);
  return { buffer: lease.buffers[0]!, release: () => lease.release() };
}
