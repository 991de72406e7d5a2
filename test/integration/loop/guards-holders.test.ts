import { expect, test } from 'vitest';
import { execa } from 'execa';
import { describeLoop } from '../../helpers/gates.js';
import { withLoopDevice } from '../../helpers/loop-device.js';
import { readHolders } from '../../../src/devices/index.js';
import { assertOwnLoop, guardsFor, identityOf, outcomeOf } from './guards-fixtures.js';

// device-mapper needs the dm kernel driver; on machines without it dmsetup fails and the holders
// guard is covered by unit tests on crafted sysfs state only (test/unit/guards, test/unit/devices).
async function isDeviceMapperUsable(): Promise<boolean> {
  const result = await execa('dmsetup', ['version'], { reject: false });
  return result.exitCode === 0 && /Driver version/.test(result.stdout);
}

const dmUsable = process.getuid?.() === 0 ? await isDeviceMapperUsable() : false;

describeLoop('no-holders on a real dm device', () => {
  test.runIf(dmUsable)('a loop device held by a dm linear device is refused', async () => {
    await withLoopDevice(16, async ({ device }) => {
      assertOwnLoop(device);
      const name = `cleanslate-test-${process.pid}`;
      await execa('dmsetup', ['create', name, '--table', `0 ${(16 * 1024 * 1024) / 512} linear ${device} 0`]);
      try {
        const loopName = device.slice('/dev/'.length);
        expect((await readHolders(loopName)).map((h) => h.of)).toEqual([loopName]);
        const results = await guardsFor(await identityOf(device));
        expect(outcomeOf(results, 'no-holders')).toMatchObject({
          verdict: 'refuse',
          code: 'ERR_GUARD_HOLDERS',
          reason: expect.stringContaining(name),
        });
      } finally {
        await execa('dmsetup', ['remove', '--retry', name]);
      }
    });
  });

  test.skipIf(dmUsable)(
    'device-mapper is not usable on this machine (dmsetup version fails): holders are unit-tested only',
    () => {
      expect(dmUsable).toBe(false);
    },
  );
});
