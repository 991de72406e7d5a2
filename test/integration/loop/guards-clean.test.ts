import { expect, test } from 'vitest';
import { describeLoop } from '../../helpers/gates.js';
import { withLoopDevice } from '../../helpers/loop-device.js';
import { discoverDevices, readSystemState } from '../../../src/devices/index.js';
import { assertGuards, evaluateGuards } from '../../../src/guards/index.js';
import { guardsFor, identityOf, refusedIds } from './guards-fixtures.js';

describeLoop('guards on a clean loop device', () => {
  test('identity comes from sysfs; every guard passes with --yes; assertGuards resolves', async () => {
    await withLoopDevice(16, async ({ device, image }) => {
      const identity = await identityOf(device);
      const name = device.slice('/dev/'.length);
      expect(identity).toMatchObject({
        path: device,
        realPath: device,
        kind: 'block',
        name,
        sizeBytes: 16 * 1024 * 1024,
        logicalBlockSize: 512,
        serial: null,
        readOnly: false,
        loopBackingFile: image,
        parentName: null,
        partitions: [],
      });
      expect(identity.majorMinor).toMatch(/^7:\d+$/);
      expect(identity.statKey).toBe(`rdev:${identity.majorMinor}`);
      expect(identity.id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await identityOf(device)).toEqual(identity); // stable

      const results = await guardsFor(identity);
      expect(refusedIds(results)).toEqual([]);
      const system = await readSystemState();
      await expect(
        assertGuards(identity, { system, confirmation: { yes: true, interactive: false } }),
      ).resolves.toHaveLength(8);
      expect((await evaluateGuards(identity, { system })).every((r) => r.outcome.verdict === 'pass')).toBe(true);
    });
  });

  test('discoverDevices lists the loop device with its identity and no mount points', async () => {
    await withLoopDevice(16, async ({ device, image }) => {
      const found = (await discoverDevices()).find((d) => d.identity.path === device);
      expect(found).toMatchObject({ type: 'loop', mountpoints: [], holders: [], children: [] });
      expect(found?.identity).toMatchObject({ sizeBytes: 16 * 1024 * 1024, loopBackingFile: image });
      expect(found?.identity.id).toBe((await identityOf(device)).id);
    });
  });
});
