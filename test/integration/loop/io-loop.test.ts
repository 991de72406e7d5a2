// The engine on real loop devices (root, CLEANSLATE_TEST_LOOP=1): O_DIRECT, size from sysfs,
// O_EXCL, the device tail, read-only devices. Only loop devices created here, always detached.
import { execa } from 'execa';
import { truncate } from 'node:fs/promises';
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, test } from 'vitest';
import { openTarget, verifyPass, writePass } from '../../../src/io/index.js';
import type { PlannedPattern } from '../../../src/types.js';
import { describeLoop } from '../../helpers/gates.js';
import { withLoopDevice } from '../../helpers/loop-device.js';
import { rejection } from '../../helpers/io-expect.js';

const MiB = 1024 * 1024;
const AES: PlannedPattern = { kind: 'aes-ctr', keyHex: '1f'.repeat(32) };
const ZERO: PlannedPattern = { kind: 'bytes', bytes: [0] };

describeLoop('io engine on loop devices', () => {
  test('size comes from sysfs and equals blockdev --getsize64; statKey is rdev:MAJ:MIN', async () => {
    await withLoopDevice(
      9,
      async ({ device }) => {
        const target = await openTarget(device, { access: 'read' });
        try {
          const { stdout } = await execa('blockdev', ['--getsize64', device]);
          expect(target.sizeBytes).toBe(Number(stdout.trim()));
          expect(target.sizeBytes).toBe(9 * MiB + 3 * 512);
          const dev = readFileSync(`/sys/class/block/${basename(device)}/dev`, 'utf8').trim();
          expect(target).toMatchObject({ kind: 'block', direct: true, alignment: 4096, statKey: `rdev:${dev}` });
        } finally {
          await target.close();
        }
      },
      { tmpdir: '/dev/shm', prepareImage: (image) => truncate(image, 9 * MiB + 3 * 512) },
    );
  });

  test('random pass then zero pass through one O_EXCL descriptor: verify clean, cmp against /dev/zero', async () => {
    await withLoopDevice(
      37,
      async ({ device }) => {
        const target = await openTarget(device, { access: 'write' });
        const size = target.sizeBytes;
        try {
          expect(size).toBe(37 * MiB + 512);
          expect((await writePass(target, AES, { step: 'pass 1/2' })).bytes).toBe(size);
          expect(await verifyPass(target, AES)).toMatchObject({ bytesRead: size, mismatches: 0 });
          // Not zero yet: the random pass really reached the device.
          expect((await execa('cmp', ['-n', String(size), device, '/dev/zero'], { reject: false })).exitCode).toBe(1);
          expect((await writePass(target, ZERO, { step: 'pass 2/2' })).bytes).toBe(size);
          expect(await verifyPass(target, ZERO)).toMatchObject({
            bytesRead: size,
            mismatches: 0,
            firstMismatchOffset: null,
          });
        } finally {
          await target.close();
        }
        await execa('cmp', ['-n', String(size), device, '/dev/zero']);
      },
      // A tail of one 512-byte sector past the last 4 MiB chunk: O_DIRECT with the logical block size.
      { tmpdir: '/dev/shm', prepareImage: (image) => truncate(image, 37 * MiB + 512) },
    );
  });

  test('a corrupted sector is found at its offset on the device', async () => {
    await withLoopDevice(
      16,
      async ({ device, image }) => {
        const target = await openTarget(device, { access: 'write' });
        try {
          await writePass(target, AES);
          const at = 11 * MiB + 4096 * 5 + 17;
          // Corrupt one byte through the backing image: the O_DIRECT read-back bypasses the loop device's cache.
          const fd = openSync(image, 'r+');
          const byte = Buffer.alloc(1);
          readSync(fd, byte, 0, 1, at);
          writeSync(fd, Buffer.from([byte[0]! ^ 0xff]), 0, 1, at);
          closeSync(fd);
          const result = await verifyPass(target, AES, { step: 'verify' });
          expect(result.mismatches).toBe(1);
          expect(result.firstMismatchOffset).toBe(11 * MiB + 4096 * 5);
        } finally {
          await target.close();
        }
      },
      { tmpdir: '/dev/shm' },
    );
  });

  test('a second exclusive open of the same device is refused with ERR_GUARD_BUSY', async () => {
    await withLoopDevice(8, async ({ device }) => {
      const first = await openTarget(device, { access: 'write' });
      try {
        const err = await rejection(openTarget(device, { access: 'write' }));
        expect(err.code).toBe('ERR_GUARD_BUSY');
        expect(err.step).toBe('open');
        expect(err.message).toContain('EBUSY');
        expect(err.exitCode).toBe(3);
        // A non-exclusive read-only open still works (scan, gate).
        const reader = await openTarget(device, { access: 'read' });
        await reader.close();
      } finally {
        await first.close();
      }
      // Closed: the device can be opened exclusively again.
      const again = await openTarget(device, { access: 'write' });
      await again.close();
    });
  });

  test('a read-only loop device is refused for writing before any write', async () => {
    await withLoopDevice(
      4,
      async ({ device }) => {
        const err = await rejection(openTarget(device, { access: 'write' }));
        expect(err.code).toBe('ERR_GUARD_READ_ONLY');
        const reader = await openTarget(device, { access: 'read' });
        expect(reader.writable).toBe(false);
        await reader.close();
      },
      { readOnly: true },
    );
  });
});
