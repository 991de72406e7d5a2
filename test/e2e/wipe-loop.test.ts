// wipe on real loop devices through the built CLI (root + CLEANSLATE_TEST_LOOP=1).
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeLoop } from '../helpers/gates.js';
import { withLoopDevice } from '../helpers/loop-device.js';
import { runCli, sha256Of, withoutKeyNotice } from '../helpers/run-cli.js';

let state: string;
beforeAll(() => {
  state = mkdtempSync(join(tmpdir(), 'cleanslate-e2e-state-'));
});
afterAll(() => rmSync(state, { recursive: true, force: true }));

const MiB = 1024 * 1024;

describeLoop('wipe a loop device', () => {
  test('zero leaves the device all zero (cmp against /dev/zero)', async () => {
    await withLoopDevice(
      64,
      async ({ device }) => {
        const r = await runCli(['wipe', device, '--method', 'zero', '--yes', '--json'], { stateDir: state });
        expect(withoutKeyNotice(r.stderr)).toBe('');
        expect(r.exitCode).toBe(0);
        const report = JSON.parse(r.stdout);
        expect(report).toMatchObject({
          result: 'PASS',
          target: { kind: 'block', sizeBytes: 64 * MiB },
          identity: { name: expect.stringMatching(/^loop\d+$/) },
        });
        const cmp = await execa('cmp', ['-n', String(64 * MiB), device, '/dev/zero'], { reject: false });
        expect(cmp.exitCode).toBe(0);
      },
      { prepareImage: async (image) => writeFileSync(image, randomBytes(64 * MiB)) },
    );
  });

  test('dod-3 over an ext4 filesystem: no 4 KiB block equals the original, none is blank', async () => {
    await withLoopDevice(
      32,
      async ({ device, image }) => {
        const before = readFileSync(image);
        const r = await runCli(['wipe', device, '--method', 'dod-3', '--yes', '--json'], { stateDir: state });
        expect(r.exitCode).toBe(0);
        const after = readFileSync(device);
        expect(after.length).toBe(before.length);
        for (let off = 0; off < after.length; off += 4096) {
          const block = after.subarray(off, off + 4096);
          expect(block.equals(before.subarray(off, off + 4096))).toBe(false);
          expect(block.every((b) => b === 0) || block.every((b) => b === 0xff)).toBe(false);
        }
        const blkid = await execa('blkid', ['-p', device], { reject: false });
        expect(blkid.exitCode).not.toBe(0);
      },
      {
        prepareImage: async (image) => {
          const files = mkdtempSync(join(tmpdir(), 'cleanslate-files-'));
          try {
            writeFileSync(join(files, 'secret.txt'), 'tenant data '.repeat(1000));
            await execa('mkfs.ext4', ['-q', '-F', '-d', files, image]);
          } finally {
            rmSync(files, { recursive: true, force: true });
          }
        },
      },
    );
  });

  test('a mounted loop device is refused (exit 3) and left unchanged', async () => {
    await withLoopDevice(
      32,
      async ({ device, dir }) => {
        const mnt = join(dir, 'mnt');
        await execa('mkdir', [mnt]);
        const before = await sha256Of(device);
        // read-only and without journal replay, so the mount itself changes no byte
        await execa('mount', ['-o', 'ro,noload', device, mnt]);
        try {
          const r = await runCli(['wipe', device, '--yes'], { stateDir: state });
          expect(r.exitCode).toBe(3);
          expect(r.stderr).toContain(device);
          expect(r.stderr).toMatch(/mounted/);
          await execa('umount', [mnt]);
          expect(await sha256Of(device)).toBe(before);
        } finally {
          await execa('umount', [mnt], { reject: false });
        }
      },
      { prepareImage: async (image) => void (await execa('mkfs.ext4', ['-q', '-F', image])) },
    );
  });

  test('a device another process holds open exclusively (O_EXCL) is refused (exit 3)', async () => {
    await withLoopDevice(
      16,
      async ({ device }) => {
        const before = await sha256Of(device);
        const holder = execa(process.execPath, [
          '-e',
          `const fs = require('node:fs'); fs.openSync(${JSON.stringify(device)}, fs.constants.O_RDONLY | fs.constants.O_EXCL); console.log('held'); setTimeout(() => {}, 60000);`,
        ]);
        try {
          await new Promise<void>((resolve, reject) => {
            holder.stdout?.once('data', () => resolve());
            holder.once('exit', () => reject(new Error('holder exited early')));
          });
          const r = await runCli(['wipe', device, '--yes'], { stateDir: state });
          expect(r.exitCode).toBe(3);
          expect(r.stderr).toContain(device);
          expect(r.stderr).toMatch(/EBUSY|in use/);
        } finally {
          holder.kill();
          await holder.catch(() => undefined);
        }
        expect(await sha256Of(device)).toBe(before);
      },
      { prepareImage: async (image) => writeFileSync(image, randomBytes(16 * MiB)) },
    );
  });

  test('a read-only loop device is refused (exit 3)', async () => {
    await withLoopDevice(
      16,
      async ({ device }) => {
        const before = await sha256Of(device);
        const r = await runCli(['wipe', device, '--yes'], { stateDir: state });
        expect(r.exitCode).toBe(3);
        expect(r.stderr).toMatch(/read-only/);
        expect(await sha256Of(device)).toBe(before);
      },
      { readOnly: true, prepareImage: async (image) => writeFileSync(image, randomBytes(16 * MiB)) },
    );
  });

  test('the image file behind an attached loop device is refused (exit 3)', async () => {
    await withLoopDevice(16, async ({ image }) => {
      const r = await runCli(['wipe', image, '--yes'], { stateDir: state });
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toMatch(/loop/);
    });
  });

  test('on a terminal, the operator must type the device path (no serial on a loop device)', async () => {
    await withLoopDevice(
      16,
      async ({ device }) => {
        const cli = [
          'node',
          join(process.cwd(), 'bin/cleanslate.js'),
          'wipe',
          device,
          '--method',
          'zero',
          '--progress',
          'none',
        ].join(' ');
        const wrong = await execa('script', ['-q', '-e', '-c', cli, '/dev/null'], {
          input: '/dev/loop-wrong\n',
          reject: false,
          env: { CLEANSLATE_HOME: state, NO_COLOR: '1' },
        });
        expect(wrong.exitCode).toBe(3);
        expect(readFileSync(device).every((b) => b === 0xee)).toBe(true);
        const right = await execa('script', ['-q', '-e', '-c', cli, '/dev/null'], {
          input: `${device}\n`,
          reject: false,
          env: { CLEANSLATE_HOME: state, NO_COLOR: '1' },
        });
        expect(right.stdout).toContain(device);
        expect(right.exitCode).toBe(0);
        expect(readFileSync(device).every((b) => b === 0)).toBe(true);
      },
      { prepareImage: async (image) => writeFileSync(image, Buffer.alloc(16 * MiB, 0xee)) },
    );
  });

  test('devices: a fresh loop device is eligible, the disk holding / is refused', async () => {
    await withLoopDevice(16, async ({ device }) => {
      const r = await runCli(['devices', '--json'], { stateDir: state });
      expect(r.exitCode).toBe(0);
      const { devices } = JSON.parse(r.stdout) as {
        devices: {
          identity: { realPath: string; majorMinor: string };
          verdict: { eligible: boolean; guard?: string };
        }[];
      };
      expect(devices.find((d) => d.identity.realPath === device)?.verdict).toEqual({ eligible: true });
      const rootLine = readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .find((l) => l.split(' ')[4] === '/');
      const rootDev = rootLine?.split(' ')[2];
      const rootDisk = devices.find((d) => d.identity.majorMinor === rootDev);
      expect(rootDisk, `the device ${rootDev} holding / is listed`).toBeDefined();
      expect(rootDisk?.verdict).toMatchObject({ eligible: false });
    });
  });
});
