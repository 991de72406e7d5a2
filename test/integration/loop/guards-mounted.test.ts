import { expect, test } from 'vitest';
import { execa } from 'execa';
import { describeLoop } from '../../helpers/gates.js';
import { withLoopDevice } from '../../helpers/loop-device.js';
import { discoverDevices, readSystemState } from '../../../src/devices/index.js';
import { assertGuards } from '../../../src/guards/index.js';
import { CleanslateError } from '../../../src/errors/index.js';
import { ensurePartitions, guardsFor, identityOf, makeExt4, outcomeOf, withMount } from './guards-fixtures.js';

// Two partitions (dos label): 12 MiB and the rest.
async function partitionImage(image: string): Promise<void> {
  await execa('sfdisk', ['--quiet', image], { input: 'label: dos\n,12M,L\n,,L\n' });
}

describeLoop('not-mounted on real loop devices', () => {
  test('a mounted loop device is refused (mountinfo), with exit-3 error at step guard:not-mounted', async () => {
    await withLoopDevice(32, async ({ device }) => {
      await makeExt4(device);
      await withMount(device, async (mountPoint) => {
        const identity = await identityOf(device);
        const results = await guardsFor(identity);
        expect(outcomeOf(results, 'not-mounted')).toEqual({
          verdict: 'refuse',
          code: 'ERR_GUARD_MOUNTED',
          reason: `${device} is mounted at ${mountPoint} (ext4)`,
        });
        // The disk of any mounted filesystem is also a system disk.
        expect(outcomeOf(results, 'not-system-disk')?.verdict).toBe('refuse');
        const error = await assertGuards(identity, {
          system: await readSystemState(),
          confirmation: { yes: true, interactive: false },
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CleanslateError);
        expect((error as CleanslateError).code).toBe('ERR_GUARD_MOUNTED');
        expect((error as CleanslateError).exitCode).toBe(3);
        expect((error as CleanslateError).step).toBe('guard:not-mounted');
        expect((error as CleanslateError).describe()).toContain(device);
      });
      // Unmounted again: the same device passes.
      expect(outcomeOf(await guardsFor(await identityOf(device)), 'not-mounted')).toEqual({ verdict: 'pass' });
    });
  });

  test('the image of a mounted loop device is refused by not-loop-backing', async () => {
    await withLoopDevice(32, async ({ device, image }) => {
      await makeExt4(device);
      await withMount(device, async () => {
        const results = await guardsFor(await identityOf(image));
        expect(outcomeOf(results, 'not-mounted')).toEqual({ verdict: 'pass' });
        expect(outcomeOf(results, 'not-loop-backing')).toMatchObject({
          verdict: 'refuse',
          code: 'ERR_GUARD_LOOP_BACKING',
        });
      });
    });
  });

  test('a disk with a mounted partition is refused; the other partition is refused as part of a system disk', async () => {
    await withLoopDevice(
      32,
      async ({ device }) => {
        const [p1, p2] = (await ensurePartitions(device, 2)) as [string, string];
        const disk = await identityOf(device);
        expect(disk.partitions).toEqual([p1.slice(5), p2.slice(5)]);
        await makeExt4(p1);
        await withMount(p1, async (mountPoint) => {
          const results = await guardsFor(await identityOf(device));
          expect(outcomeOf(results, 'not-mounted')).toEqual({
            verdict: 'refuse',
            code: 'ERR_GUARD_MOUNTED',
            reason: `${p1} (a partition of ${device}) is mounted at ${mountPoint} (ext4)`,
          });
          const part1 = await identityOf(p1);
          expect(part1).toMatchObject({ name: p1.slice(5), parentName: device.slice(5), partitions: [] });
          expect(outcomeOf(await guardsFor(part1), 'not-mounted')?.verdict).toBe('refuse');
          const listed = (await discoverDevices()).filter((d) => d.identity.path.startsWith(device));
          expect(listed.map((d) => [d.identity.path, d.type, d.mountpoints])).toEqual([
            [device, 'loop', [mountPoint]],
            [p1, 'part', [mountPoint]],
            [p2, 'part', []],
          ]);
          expect(listed[0]?.children).toEqual([p1.slice(5), p2.slice(5)]);
          const other = await guardsFor(await identityOf(p2));
          expect(outcomeOf(other, 'not-mounted')).toEqual({ verdict: 'pass' });
          expect(outcomeOf(other, 'not-system-disk')).toMatchObject({
            verdict: 'refuse',
            reason: expect.stringContaining(`partition of ${device.slice(5)}`),
          });
        });
      },
      { partscan: true, prepareImage: partitionImage },
    );
  });
});
