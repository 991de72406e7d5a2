import { expect, test } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeLoop } from '../../helpers/gates.js';
import { withLoopDevice } from '../../helpers/loop-device.js';
import { guardsFor, identityOf, makeExt4, outcomeOf, withMount } from './guards-fixtures.js';

describeLoop('not-read-only on real loop devices', () => {
  test('a read-only loop device (losetup -r) is refused', async () => {
    await withLoopDevice(
      16,
      async ({ device }) => {
        const identity = await identityOf(device);
        expect(identity.readOnly).toBe(true);
        expect(outcomeOf(await guardsFor(identity), 'not-read-only')).toEqual({
          verdict: 'refuse',
          code: 'ERR_GUARD_READ_ONLY',
          reason: `${device} is read-only (kernel ro flag)`,
        });
      },
      { readOnly: true },
    );
  });

  test('an image file on a filesystem mounted read-only is refused', async () => {
    await withLoopDevice(32, async ({ device }) => {
      await makeExt4(device);
      await withMount(device, async (mountPoint) => {
        writeFileSync(join(mountPoint, 'disk.img'), Buffer.alloc(1024 * 1024, 0x5a));
      });
      await withMount(
        device,
        async (mountPoint) => {
          const image = join(mountPoint, 'disk.img');
          const identity = await identityOf(image);
          expect(identity).toMatchObject({ kind: 'file', readOnly: true, sizeBytes: 1024 * 1024 });
          expect(outcomeOf(await guardsFor(identity), 'not-read-only')).toMatchObject({
            verdict: 'refuse',
            code: 'ERR_GUARD_READ_ONLY',
          });
        },
        { readOnly: true },
      );
    });
  });
});
