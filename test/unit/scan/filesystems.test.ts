// Partition tables, filesystems and containers from REAL tools (mkfs.*, sgdisk, sfdisk, cryptsetup,
// make-bcache, genisoimage) on image files made at test time; each image is classified as one
// region and must give its kind, including backup copies. No loop devices.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import type { Finding } from '../../../src/scan/kinds.js';
import { classifyBuffer, classifyFile, hasTool, kindsOf, makeTempDir, run } from './helpers.js';

const MiB = 1024 * 1024;
const dir = makeTempDir();
afterAll(() => dir.remove());

async function image(name: string, sizeMiB: number): Promise<string> {
  const path = dir.file(name);
  await run('truncate', ['-s', `${sizeMiB}M`, path]);
  return path;
}

const of = (findings: Finding[], kind: string) => findings.filter((f) => f.kind === kind);

describe('partition tables (real tools)', () => {
  test.skipIf(!hasTool('sfdisk'))('sfdisk dos label: mbr with its partitions', async () => {
    const img = await image('dos.img', 8);
    await run('sfdisk', ['-q', img], { input: 'label: dos\n,2M,83\n,,c\n' });
    const findings = classifyFile(img);
    expect(of(findings, 'mbr')).toEqual([
      expect.objectContaining({
        offset: 0,
        length: 512,
        confidence: 'confirmed',
        detail: 'MBR partition table, 2 partitions',
      }),
    ]);
  });

  test.skipIf(!hasTool('sgdisk'))('sgdisk: protective MBR, primary GPT at LBA 1, backup at the last LBA', async () => {
    const img = await image('gpt.img', 8);
    await run('sgdisk', ['-o', '-n', '1:2048:+2M', '-n', '2:0:0', img]);
    const findings = classifyFile(img);
    expect(of(findings, 'mbr')[0]).toMatchObject({ offset: 0, detail: 'protective MBR of a GPT disk' });
    expect(of(findings, 'gpt')).toEqual([
      expect.objectContaining({ offset: 512, detail: 'primary GPT header (LBA 1)', confidence: 'confirmed' }),
      expect.objectContaining({ offset: 8 * MiB - 512, detail: 'backup GPT header (last LBA)' }),
    ]);
  });

  test.skipIf(!hasTool('sgdisk'))('a GPT header with one flipped bit fails its CRC', async () => {
    const img = await image('gpt-bad.img', 4);
    await run('sgdisk', ['-o', img]);
    const buf = readFileSync(img);
    buf[512 + 60] = buf[512 + 60]! ^ 1; // inside the disk GUID, covered by the header CRC
    expect(of(classifyBuffer(buf), 'gpt').map((f) => f.offset)).toEqual([4 * MiB - 512]);
  });
});

describe('ext2/3/4 (mkfs.ext2/3/4)', () => {
  test.skipIf(!hasTool('mkfs.ext4'))('ext4 with 1 KiB blocks: primary and sparse backups 1, 3, 5, 7', async () => {
    const img = await image('ext4.img', 64);
    await run('mkfs.ext4', ['-q', '-F', '-b', '1024', img]);
    const ext = of(classifyFile(img), 'ext4');
    expect(ext.map((f) => f.offset)).toEqual([1, 8193, 24577, 40961, 57345].map((block) => block * 1024));
    expect(ext[0]!.detail).toMatch(/^ext4 primary superblock, 1024-byte blocks/);
    expect(ext[1]!.detail).toMatch(/^ext4 backup superblock of group 1 \(filesystem starts 8389632 bytes earlier\)/);
    expect(ext.every((f) => f.confidence === 'confirmed' && f.category === 'filesystem')).toBe(true);
  });

  test.skipIf(!hasTool('mkfs.ext4'))('ext4 with 4 KiB blocks: backups at group starts (no +1024)', async () => {
    const img = await image('ext4-4k.img', 512);
    await run('mkfs.ext4', ['-q', '-F', '-b', '4096', img]);
    const ext = of(classifyFile(img), 'ext4');
    expect(ext.map((f) => f.offset)).toEqual([1024, 32768 * 4096, 3 * 32768 * 4096]);
  });

  test.skipIf(!hasTool('mkfs.ext3'))('ext3 and ext2 are told apart by feature flags', async () => {
    const ext3 = await image('ext3.img', 16);
    await run('mkfs.ext3', ['-q', '-F', ext3]);
    expect(kindsOf(classifyFile(ext3))).toEqual(['ext3']);
    const ext2 = await image('ext2.img', 16);
    await run('mkfs.ext2', ['-q', '-F', ext2]);
    expect(kindsOf(classifyFile(ext2))).toEqual(['ext2']);
  });

  test.skipIf(!hasTool('mkfs.ext4'))('the superblock magic alone (0xEF53) is not a finding', async () => {
    const buf = Buffer.alloc(1 * MiB);
    buf.writeUInt16LE(0xef53, 1024 + 0x38);
    expect(classifyBuffer(buf)).toEqual([]);
  });
});

describe('other filesystems (real tools)', () => {
  test.skipIf(!hasTool('mkfs.xfs'))('xfs: primary and AG secondary superblocks', async () => {
    const img = await image('xfs.img', 320);
    await run('mkfs.xfs', ['-q', '-f', '-d', 'agcount=4', img]);
    const xfs = of(classifyFile(img), 'xfs');
    expect(xfs.length).toBe(4);
    expect(xfs[0]).toMatchObject({ offset: 0, confidence: 'confirmed' });
    expect(xfs[1]!.offset).toBe(80 * MiB);
    expect(xfs[0]!.detail).toMatch(/XFS v5 superblock .*4 AGs of 80 MiB/);
  });

  test.skipIf(!hasTool('mkfs.btrfs'))('btrfs: superblock at 64 KiB and mirror at 64 MiB, crc32c checked', async () => {
    const img = await image('btrfs.img', 128);
    await run('mkfs.btrfs', ['-q', '-f', img]);
    const btrfs = of(classifyFile(img), 'btrfs');
    expect(btrfs.map((f) => [f.offset, f.confidence])).toEqual([
      [64 * 1024, 'confirmed'],
      [64 * MiB, 'confirmed'],
    ]);
    expect(btrfs[1]!.detail).toMatch(/^btrfs superblock mirror 1 at 64 MiB/);
  });

  test.skipIf(!hasTool('mkfs.vfat'))(
    'vfat FAT32: boot sector, FSInfo, backup boot sector at 6 and backup FSInfo',
    async () => {
      const img = await image('fat32.img', 40);
      await run('mkfs.vfat', ['-F', '32', img]);
      const vfat = of(classifyFile(img), 'vfat');
      expect(vfat.map((f) => [f.offset / 512, f.detail])).toEqual([
        [0, expect.stringMatching(/^FAT32 boot sector, backup copy at sector 6 present/)],
        [1, 'FAT32 FSInfo sector'],
        [6, expect.stringMatching(/^FAT32 backup boot sector \(sector 6 of the volume\)/)],
        [7, 'FAT32 FSInfo sector'],
      ]);
    },
  );

  test.skipIf(!hasTool('mkfs.vfat'))('vfat FAT16 boot sector', async () => {
    const img = await image('fat16.img', 16);
    await run('mkfs.vfat', ['-F', '16', img]);
    expect(of(classifyFile(img), 'vfat')).toEqual([
      expect.objectContaining({ offset: 0, detail: expect.stringMatching(/^FAT16 boot sector/) }),
    ]);
  });

  test.skipIf(!hasTool('mkfs.exfat'))('exfat: main and backup boot sectors', async () => {
    const img = await image('exfat.img', 16);
    await run('mkfs.exfat', [img]);
    expect(of(classifyFile(img), 'exfat').map((f) => f.offset)).toEqual([0, 12 * 512]);
  });

  test.skipIf(!hasTool('mkntfs'))('ntfs: boot sector and its backup at the last sector', async () => {
    const img = await image('ntfs.img', 16);
    await run('mkntfs', ['-F', '-Q', '-q', img]);
    const ntfs = of(classifyFile(img), 'ntfs');
    expect(ntfs.map((f) => f.offset)).toEqual([0, 16 * MiB - 512]);
    expect(ntfs[1]!.detail).toMatch(/backup boot sector \(last sector\)/);
  });

  test.skipIf(!hasTool('genisoimage'))('iso9660: primary volume descriptor at 0x8000', async () => {
    const src = dir.file('iso-src');
    await run('mkdir', ['-p', src]);
    writeFileSync(`${src}/readme.txt`, 'hello\n');
    const iso = dir.file('disc.iso');
    await run('genisoimage', ['-quiet', '-o', iso, '-J', '-R', src]);
    const found = of(classifyFile(iso), 'iso9660');
    expect(found[0]).toMatchObject({ offset: 0x8000, confidence: 'confirmed' });
    expect(found[0]!.detail).toMatch(/^ISO 9660 primary volume descriptor, \d+ blocks of 2048 bytes/);
  });

  test.skipIf(!hasTool('mkfs.f2fs'))('f2fs: both superblock copies', async () => {
    const img = await image('f2fs.img', 64);
    await run('mkfs.f2fs', ['-q', '-f', img]);
    expect(of(classifyFile(img), 'f2fs').map((f) => f.offset)).toEqual([1024, 4096 + 1024]);
  });

  test.skipIf(!hasTool('mkswap'))('swap: v1 header with 4 KiB pages', async () => {
    const img = await image('swap.img', 4);
    await run('mkswap', ['-q', img]);
    expect(of(classifyFile(img), 'swap')).toEqual([
      expect.objectContaining({
        offset: 0,
        length: 4096,
        confidence: 'confirmed',
        detail: 'Linux swap v1, 4 KiB pages, 4 MiB',
      }),
    ]);
  });
});

describe('containers (real tools)', () => {
  test.skipIf(!hasTool('cryptsetup'))('LUKS2 primary and secondary headers, checksums verified', async () => {
    const img = await image('luks2.img', 20);
    const key = dir.file('key');
    writeFileSync(key, 'correct horse battery staple');
    await run('cryptsetup', [
      'luksFormat',
      '--batch-mode',
      '--type',
      'luks2',
      '--pbkdf',
      'pbkdf2',
      '--pbkdf-force-iterations',
      '1000',
      '--key-file',
      key,
      img,
    ]);
    const luks = of(classifyFile(img), 'luks');
    expect(luks.map((f) => [f.offset, f.confidence])).toEqual([
      [0, 'confirmed'],
      [0x4000, 'confirmed'],
    ]);
    expect(luks[1]!.detail).toBe('LUKS2 secondary header (primary at 0), 16 KiB metadata');
  });

  test.skipIf(!hasTool('cryptsetup'))('LUKS1 header', async () => {
    const img = await image('luks1.img', 20);
    const key = dir.file('key1');
    writeFileSync(key, 'correct horse battery staple');
    await run('cryptsetup', [
      'luksFormat',
      '--batch-mode',
      '--type',
      'luks1',
      '--pbkdf-force-iterations',
      '1000',
      '--key-file',
      key,
      img,
    ]);
    expect(of(classifyFile(img), 'luks')).toEqual([
      expect.objectContaining({ offset: 0, confidence: 'confirmed', detail: 'LUKS1 header, 512-bit key' }),
    ]);
  });

  test.skipIf(!hasTool('make-bcache'))('bcache backing device superblock at 4 KiB', async () => {
    const img = await image('bcache.img', 16);
    await run('make-bcache', ['-B', img]);
    expect(of(classifyFile(img), 'bcache')).toEqual([
      expect.objectContaining({
        offset: 4096,
        confidence: 'confirmed',
        detail: expect.stringMatching(/backing device/),
      }),
    ]);
  });
});
