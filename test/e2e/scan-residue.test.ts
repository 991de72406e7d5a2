// `cleanslate scan` scenarios on image files: one small residue deep in a zero device, a wipe that
// stopped 1 MiB before the end, clean volumes (zero, 0xFF, a byte, AES-CTR random), sampling, the
// read-only promise, and bad input (exit 2).
import { execa } from 'execa';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isRoot } from '../helpers/gates.js';
import { runCli, sha256Of } from '../helpers/run-cli.js';
import {
  FAST_TMP,
  makeRandomImage,
  type ScanReport,
  scanJson as scanJsonIn,
  pemBlock,
  plant,
} from '../helpers/scan-image.js';

tmp.setGracefulCleanup();

const MiB = 1024 * 1024;
let dir: tmp.DirResult;
let n = 0;
beforeAll(() => {
  dir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-scan-e2e-', tmpdir: FAST_TMP });
});
afterAll(() => dir.removeCallback());

const fresh = (name: string) => join(dir.name, `${++n}-${name}`);

const scanJson = (args: string[]) => scanJsonIn(args, join(dir.name, 'state'));

// A sparse file of sizeMiB (all zero).
function zeroImage(name: string, sizeMiB: number): string {
  const path = fresh(name);
  const fd = openSync(path, 'w');
  try {
    // ftruncate through writeSync of nothing at the end keeps it sparse
    writeSync(fd, Buffer.alloc(1), 0, 1, sizeMiB * MiB - 1);
  } finally {
    closeSync(fd);
  }
  return path;
}

function fillImage(name: string, sizeMiB: number, byte: number): string {
  const path = fresh(name);
  writeFileSync(path, Buffer.alloc(sizeMiB * MiB, byte));
  return path;
}

const blocksIn = (r: ScanReport) =>
  r.stats.zeroBlocks + r.stats.onesBlocks + r.stats.highEntropyBlocks + r.stats.otherBlocks;

describe('scan: residue scenarios (--expect zero)', () => {
  test('one 4 KiB block holding a PEM key deep inside an otherwise zero 256 MiB image: exactly that block is reported, exit 1', async () => {
    const image = zeroImage('single.img', 256);
    const at = 173 * MiB + 3 * 4096;
    plant(image, at, await pemBlock());
    const { exitCode, report } = await scanJson([image, '--expect', 'zero']);
    expect(exitCode).toBe(1);
    expect(report).toMatchObject({ expect: 'zero', clean: false, coverage: { mode: 'full', bytesScanned: 256 * MiB } });
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) {
      expect(f.offset, JSON.stringify(f)).toBeGreaterThanOrEqual(at);
      expect(f.offset + f.length, JSON.stringify(f)).toBeLessThanOrEqual(at + 4096);
    }
    expect(report.findings.map((f) => f.kind)).toContain('pem-private-key');
    expect(report.findings.find((f) => f.kind === 'pem-private-key')?.offset).toBe(at);
    expect(report.residueBlocks).toBeGreaterThanOrEqual(1);
    expect(report.residueBlocks).toBeLessThanOrEqual(8); // one 4 KiB block, at most 8 sectors
  });

  test('a wipe that stopped 1 MiB before the end: residue (GPT backup, key, e-mail) reported only in the last MiB, exit 1', async () => {
    const size = 64 * MiB;
    const image = fresh('last-mib.img');
    await execa('truncate', ['-s', String(size), image]);
    await execa('sgdisk', ['-o', '-n', '1:1M:+48M', image]);
    const files = fresh('files');
    mkdirSync(files);
    writeFileSync(join(files, 'notes.txt'), 'contact: dana.test@example.com\n'.repeat(200));
    const fs = fresh('ext4.img');
    await execa('truncate', ['-s', '48M', fs]);
    await execa('mkfs.ext4', ['-q', '-F', '-d', files, fs]);
    await execa('dd', [`if=${fs}`, `of=${image}`, 'bs=1M', 'seek=1', 'conv=notrunc', 'status=none']);
    const keyAt = size - 300 * 1024 + 512; // an odd sector in the last MiB
    plant(image, keyAt, await pemBlock());
    const mailAt = size - 700 * 1024;
    plant(image, mailAt, Buffer.from('From: erin.example@example.org\nTo: frank.example@example.net\n\nsee you\n'));
    // the interrupted wipe: zeros over everything but the last MiB
    await execa('dd', [
      'if=/dev/zero',
      `of=${image}`,
      'bs=1M',
      `count=${size / MiB - 1}`,
      'conv=notrunc',
      'status=none',
    ]);

    const { exitCode, report } = await scanJson([image, '--expect', 'zero']);
    expect(exitCode).toBe(1);
    expect(report.coverage.bytesScanned).toBe(size);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.filter((f) => f.offset < size - MiB)).toEqual([]);
    const kinds = report.findings.map((f) => f.kind);
    expect(kinds).toEqual(expect.arrayContaining(['gpt', 'pem-private-key', 'email']));
    expect(report.findings.find((f) => f.kind === 'pem-private-key')?.offset).toBe(keyAt);
    expect(report.findings.find((f) => f.kind === 'gpt')?.offset).toBeGreaterThanOrEqual(size - 16896);
  });

  test('AES-CTR random data is residue when zeros were expected: every block counted, exit 1', async () => {
    const image = fresh('random64.img');
    await makeRandomImage(image, 64);
    const { exitCode, report } = await scanJson([image, '--expect', 'zero']);
    expect(exitCode).toBe(1);
    expect(report.clean).toBe(false);
    expect(report.residueBlocks).toBe(blocksIn(report));
    expect(report.stats.highEntropyBlocks).toBe(blocksIn(report));
    expect(report.findings.length).toBeGreaterThan(0);
  });
});

describe('scan: clean volumes give 0 findings and exit 0', () => {
  test('all-zero 256 MiB image with --expect zero', async () => {
    const image = zeroImage('zero.img', 256);
    const { exitCode, report } = await scanJson([image, '--expect', 'zero']);
    expect(exitCode).toBe(0);
    expect(report).toMatchObject({
      expect: 'zero',
      clean: true,
      findings: [],
      findingsTruncated: false,
      residueBlocks: 0,
      counts: {},
      coverage: { mode: 'full', bytesScanned: 256 * MiB },
      stats: { onesBlocks: 0, highEntropyBlocks: 0, otherBlocks: 0 },
    });
  });

  test('all-0xFF 64 MiB image with --expect one', async () => {
    const image = fillImage('ones.img', 64, 0xff);
    const { exitCode, report } = await scanJson([image, '--expect', 'one']);
    expect(exitCode).toBe(0);
    expect(report).toMatchObject({ clean: true, findings: [], residueBlocks: 0 });
    // stats classify the blocks that were not as expected (none here)
    expect(report.stats).toMatchObject({ zeroBlocks: 0, highEntropyBlocks: 0, otherBlocks: 0 });
  });

  test('all-zero and all-0xFF images are clean under the default --expect none too', async () => {
    for (const image of [zeroImage('zero-none.img', 32), fillImage('ones-none.img', 32, 0xff)]) {
      const { exitCode, report } = await scanJson([image]);
      expect(exitCode, image).toBe(0);
      expect(report).toMatchObject({ expect: 'none', clean: true, findings: [], residueBlocks: 0 });
    }
  });

  test('a 16 MiB image of 0xA5 with --expect byte:0xa5 is clean; with --expect zero it is not', async () => {
    const image = fillImage('a5.img', 16, 0xa5);
    const ok = await scanJson([image, '--expect', 'byte:0xa5']);
    expect(ok.exitCode).toBe(0);
    expect(ok.report).toMatchObject({ clean: true, findings: [], residueBlocks: 0 });
    const bad = await scanJson([image, '--expect', 'zero']);
    expect(bad.exitCode).toBe(1);
    expect(bad.report.residueBlocks).toBe(blocksIn(bad.report));
  });

  test('1 GiB of AES-256-CTR keystream under --expect none: 0 findings, every block high-entropy, exit 0', async () => {
    const image = fresh('random1g.img');
    await makeRandomImage(image, 1024);
    const { exitCode, report } = await scanJson([image, '--expect', 'none']);
    expect(report.findings).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report).toMatchObject({ clean: true, residueBlocks: 0, coverage: { bytesScanned: 1024 * MiB } });
    expect(report.stats.highEntropyBlocks).toBe(blocksIn(report));
  });
});

describe('scan --sample', () => {
  // n uniform samples miss a residue covering a fraction p with probability (1-p)^n, so the claim
  // "covering ≥ 0.001 found with probability ≥ 0.99" needs n ≥ ln(0.01)/ln(0.999) = 4603.
  test('reports the sample size n and the claim, reads less than the whole image, clean zero image exits 0', async () => {
    const image = zeroImage('sample.img', 512);
    const { exitCode, report } = await scanJson([
      image,
      '--expect',
      'zero',
      '--sample',
      '--confidence',
      '0.99',
      '--residue-fraction',
      '0.001',
    ]);
    expect(exitCode).toBe(0);
    expect(report.coverage.mode).toBe('sample');
    expect(report.coverage.samples).toBeGreaterThanOrEqual(4603);
    expect(report.coverage.bytesScanned).toBeLessThan(512 * MiB);
    expect(report.coverage.bytesScanned).toBeGreaterThanOrEqual(5 * MiB); // first 4 MiB and last 1 MiB always
    expect(report.coverage.claim).toMatch(/0\.1 ?%|0\.001/);
    expect(report.coverage.claim).toMatch(/99 ?%|0\.99/);
  });

  test('a residue covering 3% of the image is found by sampling (miss probability < 1e-50), exit 1', async () => {
    const image = zeroImage('sample-residue.img', 256);
    const random = fresh('r8.img');
    await makeRandomImage(random, 8);
    plant(image, 100 * MiB, readFileSync(random));
    const { exitCode, report } = await scanJson([image, '--expect', 'zero', '--sample']);
    expect(exitCode).toBe(1);
    expect(report.coverage.mode).toBe('sample');
    expect(report.residueBlocks).toBeGreaterThan(0);
    for (const f of report.findings) {
      expect(f.offset).toBeGreaterThanOrEqual(100 * MiB);
      expect(f.offset).toBeLessThan(108 * MiB);
    }
  });
});

describe('scan never writes', () => {
  test('an image file is unchanged, content and mtime, after a scan that finds residue', async () => {
    const image = zeroImage('untouched.img', 16);
    plant(image, 5 * MiB, await pemBlock());
    const before = await sha256Of(image);
    const mtime = statSync(image).mtimeMs;
    chmodSync(image, 0o444);
    const { exitCode } = await scanJson([image]);
    expect(exitCode).toBe(1);
    expect(await sha256Of(image)).toBe(before);
    expect(statSync(image).mtimeMs).toBe(mtime);
  });

  // root ignores file modes; an immutable file cannot be opened for writing even by root
  test.runIf(isRoot)('an immutable file (chattr +i) can be scanned: exit 0/1, never 3 or 4', async () => {
    const parent = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-scan-immutable-' }); // a disk fs: tmpfs has no chattr
    const image = join(parent.name, 'immutable.img');
    writeFileSync(image, Buffer.alloc(4 * MiB));
    plant(image, MiB, await pemBlock());
    const attr = await execa('chattr', ['+i', image], { reject: false });
    try {
      if (attr.exitCode !== 0) return; // the filesystem has no immutable flag
      const { exitCode, report } = await scanJson([image, '--expect', 'zero']);
      expect(exitCode).toBe(1);
      expect(report.findings.map((f) => f.kind)).toContain('pem-private-key');
    } finally {
      await execa('chattr', ['-i', image], { reject: false });
      parent.removeCallback();
    }
  });
});

describe('scan: bad input exits 2 and names the problem', () => {
  test.for([
    ['a path that does not exist', () => ['/nonexistent/cleanslate-no-such.img']],
    ['a directory', () => [dir.name]],
    ['/dev/null (a character device)', () => ['/dev/null']],
    ['an unknown --expect value', () => [zeroImage('e1.img', 1), '--expect', 'zeros']],
    ['--expect byte: with a bad byte', () => [zeroImage('e2.img', 1), '--expect', 'byte:0xZZ']],
    ['--expect byte: out of range', () => [zeroImage('e3.img', 1), '--expect', 'byte:0x100']],
    [
      '--expect random: with a missing seed file',
      () => [zeroImage('e4.img', 1), '--expect', 'random:/nonexistent/seed'],
    ],
    ['--full together with --sample', () => [zeroImage('e5.img', 1), '--full', '--sample']],
    ['--confidence outside (0,1)', () => [zeroImage('e6.img', 1), '--sample', '--confidence', '1.5']],
    ['no target', () => []],
  ] as const)('%s', async ([, args]) => {
    const r = await runCli(['scan', ...args(), '--json'], { stateDir: join(dir.name, 'state') });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr.length).toBeGreaterThan(0);
  });
});
