// `cleanslate scan` on disk images built by scripts/fixtures/make-scan-image.sh from real tools:
// intact filesystems and containers, the same after `wipefs -a`, and files planted raw in free space.
// Every expected offset comes from the fixture's manifest, computed by the script, never by a scanner.
import { execa } from 'execa';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  FAST_TMP,
  describeEntry,
  makeScanImage,
  reports,
  type ManifestEntry,
  type ScanReport,
  scanJson as scanJsonIn,
} from '../helpers/scan-image.js';

tmp.setGracefulCleanup();

const MiB = 1024 * 1024;
const SIZE_MIB = 512;
const VOLUMES = ['gpt', 'ext4', 'xfs', 'btrfs', 'vfat', 'swap', 'luks', 'exfat', 'ntfs', 'bcache', 'iso9660', 'f2fs'];

let dir: tmp.DirResult;
beforeAll(() => {
  dir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-scan-e2e-', tmpdir: FAST_TMP });
});
afterAll(() => dir.removeCallback());

const scanJson = (args: string[]) => scanJsonIn(args, join(dir.name, 'state'));

function found(report: ScanReport, entry: ManifestEntry): boolean {
  return report.findings.some((f) => reports(f, entry));
}

function nearby(report: ScanReport, entry: ManifestEntry): string {
  const near = report.findings.filter((f) => Math.abs(f.offset - entry.offset) < 1 * MiB);
  return `${describeEntry(entry)}; findings within 1 MiB: ${JSON.stringify(near.map((f) => [f.offset, f.kind, f.length]))}`;
}

describe('scan an image with intact filesystems, containers and planted files (--expect none)', () => {
  let image: string;
  let manifest: ManifestEntry[];
  let exitCode: number;
  let report: ScanReport;

  beforeAll(async () => {
    image = join(dir.name, 'intact.img');
    manifest = await makeScanImage(image, SIZE_MIB);
    ({ exitCode, report } = await scanJson([image]));
  });

  test('exit 1 and a consistent report: whole image read, counts match the findings', () => {
    expect(exitCode).toBe(1);
    expect(report).toMatchObject({
      target: { path: image, kind: 'file', sizeBytes: SIZE_MIB * MiB },
      expect: 'none',
      coverage: { mode: 'full', bytesScanned: SIZE_MIB * MiB },
      clean: false,
      findingsTruncated: false,
    });
    expect(report.residueBlocks).toBeGreaterThan(0);
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    const counted: Record<string, number> = {};
    for (const f of report.findings) counted[f.kind] = (counted[f.kind] ?? 0) + 1;
    expect(report.counts).toEqual(counted);
  });

  test.for(VOLUMES)('%s: the primary structure is found at its manifest offset', (kind) => {
    const entry = manifest.find((e) => e.kind === kind && e.role === 'primary');
    expect(entry, `manifest has a primary ${kind}`).toBeDefined();
    expect(found(report, entry!), nearby(report, entry!)).toBe(true);
  });

  test('backup and secondary copies are found too (ext4 backup superblock, XFS AG superblocks, btrfs mirror, FAT32/exFAT/NTFS backup boot sectors, LUKS2 secondary header, F2FS second superblock, GPT backup)', () => {
    const copies = manifest.filter((e) => ['backup', 'secondary', 'mirror'].includes(e.role));
    expect(copies.length).toBeGreaterThanOrEqual(10);
    const missed = copies.filter((e) => !found(report, e)).map((e) => nearby(report, e));
    expect(missed).toEqual([]);
  });

  test('every file, key and content string planted in unallocated space is found at its offset, also at odd sectors', () => {
    const planted = manifest.filter((e) => e.region === 'files-a');
    expect(planted.filter((e) => e.role === 'file' && e.offset % 4096 !== 0).length).toBeGreaterThan(3);
    const missed = planted.filter((e) => !found(report, e)).map((e) => nearby(report, e));
    expect(missed).toEqual([]);
  });

  test('findings carry DESIGN §5 names and no content: offsets inside the image, known kinds', () => {
    for (const f of report.findings) {
      expect(f.offset).toBeGreaterThanOrEqual(0);
      expect(f.offset + f.length).toBeLessThanOrEqual(SIZE_MIB * MiB);
      expect(['confirmed', 'probable']).toContain(f.confidence);
      // no tenant content: the planted secrets never appear in a report
      expect(f.detail).not.toMatch(/AKIAIOSFODNN7EXAMPLE|4111 1111|5555555555554444|alice\.smith|BEGIN .*PRIVATE KEY/);
    }
  });

  test('the zero space after the last planted file holds no finding (except the 4 KiB blocks holding the GPT backup)', () => {
    const from = 448 * MiB;
    const to = Math.floor((SIZE_MIB * MiB - 16896) / 4096) * 4096;
    expect(report.findings.filter((f) => f.offset >= from && f.offset < to)).toEqual([]);
  });
});

describe('scan after `wipefs -a` on every volume and on the partition table', () => {
  let manifest: ManifestEntry[];
  let image: string;
  let exitCode: number;
  let report: ScanReport;

  beforeAll(async () => {
    image = join(dir.name, 'wipefs.img');
    manifest = await makeScanImage(image, SIZE_MIB, { wipefs: true });
    ({ exitCode, report } = await scanJson([image]));
  });

  test('blkid sees nothing any more, but the scan still reports residue (exit 1)', async () => {
    const blkid = await execa('blkid', ['-p', image], { reject: false });
    expect(blkid.exitCode).toBe(2); // nothing found
    expect(exitCode).toBe(1);
    expect(report.clean).toBe(false);
  });

  test('every backup copy that wipefs left is found (ext4, XFS, btrfs, FAT32, exFAT, NTFS, F2FS)', () => {
    const left = manifest.filter((e) => !e.erased && ['backup', 'secondary', 'mirror'].includes(e.role));
    expect(left.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['ext4', 'xfs', 'btrfs', 'vfat', 'exfat', 'ntfs', 'f2fs']),
    );
    const missed = left.filter((e) => !found(report, e)).map((e) => nearby(report, e));
    expect(missed).toEqual([]);
  });

  test('every planted file and secret is still found', () => {
    const planted = manifest.filter((e) => e.region === 'files-a');
    expect(planted.every((e) => !e.erased)).toBe(true);
    const missed = planted.filter((e) => !found(report, e)).map((e) => nearby(report, e));
    expect(missed).toEqual([]);
  });
});

describe('scan files planted at odd sectors deep inside random data', () => {
  test('set B (at 3/4 of a 768 MiB image filled with AES-CTR keystream) is found, and nothing is reported inside the keystream between the files', async () => {
    const image = join(dir.name, 'random-fill.img');
    const manifest = await makeScanImage(image, 768, { fill: 'random' });
    const { exitCode, report } = await scanJson([image]);
    expect(exitCode).toBe(1);
    const deep = manifest.filter((e) => e.region === 'files-b');
    expect(deep.length).toBeGreaterThan(20);
    const missed = deep.filter((e) => !found(report, e)).map((e) => nearby(report, e));
    expect(missed).toEqual([]);
    // between the end of set A's slot and the start of set B there is only keystream
    const quiet = report.findings.filter((f) => f.offset >= 448 * MiB && f.offset < 576 * MiB);
    expect(quiet).toEqual([]);
  });
});
