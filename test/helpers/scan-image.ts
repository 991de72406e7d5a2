// Images for `cleanslate scan` tests, built by scripts/fixtures/*.sh from real tools, and the
// shapes of the scan report and of the fixture manifest.
import { execa } from 'execa';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.js';

const FIXTURES = fileURLToPath(new URL('../../scripts/fixtures/', import.meta.url));

/** tmpfs when there is one: the images are hundreds of MiB, mostly sparse. */
export const FAST_TMP = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/** One planted structure, as make-scan-image.sh put it (never as a scanner saw it). */
export interface ManifestEntry {
  offset: number;
  length: number;
  kind: string;
  category: string;
  role: 'primary' | 'backup' | 'secondary' | 'mirror' | 'file' | 'content';
  region: string;
  /** Start of the volume or file holding the structure, where that differs. */
  start?: number;
  /** wipefs -a erased bytes of this structure (SCAN_IMAGE_WIPEFS=1). */
  erased: boolean;
}

export interface Finding {
  offset: number;
  length: number;
  category: string;
  kind: string;
  confidence: 'confirmed' | 'probable';
  detail: string;
}

/** The `scan --json` document of DESIGN §5. */
export interface ScanReport {
  target: { path: string; kind: 'block' | 'file'; sizeBytes: number };
  expect: string;
  coverage: { mode: 'full' | 'sample'; bytesScanned: number; samples?: number; claim?: string };
  findings: Finding[];
  findingsTruncated: boolean;
  counts: Record<string, number>;
  residueBlocks: number;
  stats: { zeroBlocks: number; onesBlocks: number; highEntropyBlocks: number; otherBlocks: number };
  clean: boolean;
  durationMs: number;
}

export interface ScanImageOptions {
  fill?: 'zero' | 'random';
  /** wipefs -a every volume and the partition table after building them. */
  wipefs?: boolean;
}

// Builds IMG with make-scan-image.sh and returns its manifest.
export async function makeScanImage(
  image: string,
  sizeMiB: number,
  options: ScanImageOptions = {},
): Promise<ManifestEntry[]> {
  const manifest = `${image}.manifest.json`;
  await execa(join(FIXTURES, 'make-scan-image.sh'), [image, String(sizeMiB), manifest], {
    env: { SCAN_IMAGE_FILL: options.fill ?? 'zero', SCAN_IMAGE_WIPEFS: options.wipefs ? '1' : '0' },
  });
  return JSON.parse(readFileSync(manifest, 'utf8')) as ManifestEntry[];
}

// Writes sizeMiB of AES-256-CTR keystream (make-random-image.sh).
export async function makeRandomImage(image: string, sizeMiB: number): Promise<void> {
  await execa(join(FIXTURES, 'make-random-image.sh'), [image, String(sizeMiB)]);
}

/**
 * Whether a finding reports this planted structure: the same kind, and its offset inside the
 * structure (up to one sector before it) or at the start of the volume or file that holds it.
 */
export function reports(finding: Finding, entry: ManifestEntry): boolean {
  if (finding.kind !== entry.kind) return false;
  const end = finding.offset + Math.max(1, finding.length);
  const overlaps = finding.offset < entry.offset + entry.length && end > entry.offset - 511;
  const atStart = entry.start !== undefined && Math.abs(finding.offset - entry.start) <= 511;
  return overlaps || atStart;
}

export const describeEntry = (e: ManifestEntry) =>
  `${e.kind} ${e.role} at ${e.offset} (0x${e.offset.toString(16)}, ${e.region})`;

// Runs `cleanslate scan ARGS --json` and parses its one JSON document (throws with stderr if none).
export async function scanJson(
  args: string[],
  stateDir: string,
): Promise<{ exitCode: number; report: ScanReport; stderr: string }> {
  const r = await runCli(['scan', ...args, '--json'], { stateDir });
  let report: ScanReport;
  try {
    report = JSON.parse(r.stdout) as ScanReport;
  } catch {
    throw new Error(`scan ${args.join(' ')} printed no JSON (exit ${r.exitCode}): ${r.stderr}`);
  }
  return { exitCode: r.exitCode, report, stderr: r.stderr };
}

// Writes buf into path at offset without truncating it.
export function plant(path: string, offset: number, buf: Uint8Array): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, buf, 0, buf.length, offset);
  } finally {
    closeSync(fd);
  }
}

// A PEM private key made by openssl, padded with zeros to one 4 KiB block.
export async function pemBlock(): Promise<Buffer> {
  const key = (await execa('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'])).stdout;
  if (!key.includes('-----BEGIN PRIVATE KEY-----')) throw new Error('openssl did not print a PEM private key');
  const block = Buffer.alloc(4096);
  block.write(`${key}\n`, 'latin1');
  return block;
}
