// `cleanslate scan` on real loop devices (root + CLEANSLATE_TEST_LOOP=1): a block device target,
// a read-only device (scan never opens for writing), and the residue scenarios on a device.
import { execa } from 'execa';
import tmp from 'tmp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeLoop } from '../helpers/gates.js';
import { withLoopDevice } from '../helpers/loop-device.js';
import { sha256Of } from '../helpers/run-cli.js';
import {
  FAST_TMP,
  makeScanImage,
  reports,
  type ManifestEntry,
  scanJson as scanJsonIn,
  pemBlock,
  plant,
} from '../helpers/scan-image.js';

const MiB = 1024 * 1024;
let state: tmp.DirResult;
beforeAll(() => {
  state = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-scan-state-' });
});
afterAll(() => state.removeCallback());

const scanJson = (args: string[]) => scanJsonIn(args, state.name);

describeLoop('scan a loop device', () => {
  test('a read-only loop device (losetup -r) is scanned, not refused: exit 1 with the residue, never 3; unchanged', async () => {
    const at = 9 * MiB + 512; // an odd sector
    await withLoopDevice(
      32,
      async ({ device }) => {
        const ro = await execa('blockdev', ['--getro', device]);
        expect(ro.stdout.trim()).toBe('1');
        const before = await sha256Of(device);
        const { exitCode, report } = await scanJson([device, '--expect', 'zero']);
        expect(exitCode).toBe(1);
        expect(report.target).toEqual({ path: device, kind: 'block', sizeBytes: 32 * MiB });
        expect(report.findings.find((f) => f.kind === 'pem-private-key')?.offset).toBe(at);
        expect(await sha256Of(device)).toBe(before);
      },
      { readOnly: true, tmpdir: FAST_TMP, prepareImage: async (image) => plant(image, at, await pemBlock()) },
    );
  });

  test('a clean read-only loop device exits 0', async () => {
    await withLoopDevice(
      32,
      async ({ device }) => {
        const { exitCode, report } = await scanJson([device, '--expect', 'zero']);
        expect(exitCode).toBe(0);
        expect(report).toMatchObject({ clean: true, findings: [], target: { kind: 'block', sizeBytes: 32 * MiB } });
      },
      { readOnly: true, tmpdir: FAST_TMP },
    );
  });

  test('one 4 KiB PEM block deep inside an otherwise zero 256 MiB device: exactly that offset, exit 1', async () => {
    const at = 201 * MiB + 5 * 4096;
    await withLoopDevice(
      256,
      async ({ device }) => {
        const { exitCode, report } = await scanJson([device, '--expect', 'zero']);
        expect(exitCode).toBe(1);
        expect(report.coverage).toMatchObject({ mode: 'full', bytesScanned: 256 * MiB });
        expect(report.findings.length).toBeGreaterThan(0);
        for (const f of report.findings) {
          expect(f.offset).toBeGreaterThanOrEqual(at);
          expect(f.offset + f.length).toBeLessThanOrEqual(at + 4096);
        }
        expect(report.findings.find((f) => f.kind === 'pem-private-key')?.offset).toBe(at);
      },
      { tmpdir: FAST_TMP, prepareImage: async (image) => plant(image, at, await pemBlock()) },
    );
  });

  test('a device wiped by dd except its last 1 MiB: every finding in the last MiB (GPT backup among them), exit 1', async () => {
    const size = 64 * MiB;
    await withLoopDevice(
      64,
      async ({ device }) => {
        // the interrupted wipe, written through the loop device
        await execa('dd', ['if=/dev/zero', `of=${device}`, 'bs=1M', 'count=63', 'oflag=direct', 'status=none']);
        const { exitCode, report } = await scanJson([device, '--expect', 'zero']);
        expect(exitCode).toBe(1);
        expect(report.findings.length).toBeGreaterThan(0);
        expect(report.findings.filter((f) => f.offset < size - MiB)).toEqual([]);
        expect(report.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['gpt', 'pem-private-key']));
      },
      {
        tmpdir: FAST_TMP,
        prepareImage: async (image) => {
          await execa('sgdisk', ['-o', '-n', '1:1M:+60M', image]);
          await execa('mkfs.ext4', ['-q', '-F', '-E', `offset=${MiB}`, image, `${60 * 1024}`]);
          plant(image, size - 400 * 1024, await pemBlock());
        },
      },
    );
  });

  test('the full fixture image on a loop device: every primary volume and planted file found', async () => {
    let manifest: ManifestEntry[] = [];
    await withLoopDevice(
      512,
      async ({ device }) => {
        const { exitCode, report } = await scanJson([device]);
        expect(exitCode).toBe(1);
        expect(report.target.kind).toBe('block');
        const wanted = manifest.filter((e) => e.role === 'primary' || e.region === 'files-a');
        const missed = wanted.filter((e) => !report.findings.some((f) => reports(f, e)));
        expect(missed.map((e) => `${e.kind}@${e.offset}`)).toEqual([]);
      },
      {
        tmpdir: FAST_TMP,
        prepareImage: async (image) => {
          manifest = await makeScanImage(image, 512);
        },
      },
    );
  });

  test('--sample on a device reports n and the claim', async () => {
    await withLoopDevice(
      256,
      async ({ device }) => {
        const { exitCode, report } = await scanJson([device, '--expect', 'zero', '--sample']);
        expect(exitCode).toBe(0);
        expect(report.coverage.mode).toBe('sample');
        expect(report.coverage.samples).toBeGreaterThan(0);
        expect(typeof report.coverage.claim).toBe('string');
        expect(report.coverage.bytesScanned).toBeLessThan(256 * MiB);
      },
      { tmpdir: FAST_TMP },
    );
  });
});
