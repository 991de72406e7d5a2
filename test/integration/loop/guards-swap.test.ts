import { expect, test } from 'vitest';
import { execa } from 'execa';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeLoop } from '../../helpers/gates.js';
import { withLoopDevice } from '../../helpers/loop-device.js';
import { assertOwnLoop, guardsFor, identityOf, makeExt4, outcomeOf, withMount } from './guards-fixtures.js';

// swapon for the duration of fn, swapoff always.
async function withSwap<T>(path: string, fn: () => Promise<T>): Promise<T> {
  await execa('mkswap', ['-q', path]);
  await execa('swapon', [path]);
  try {
    return await fn();
  } finally {
    await execa('swapoff', [path]);
  }
}

describeLoop('not-swap on real loop devices', () => {
  test('a loop device in use as swap is refused', async () => {
    await withLoopDevice(16, async ({ device }) => {
      assertOwnLoop(device);
      await withSwap(device, async () => {
        const results = await guardsFor(await identityOf(device));
        expect(outcomeOf(results, 'not-swap')).toEqual({
          verdict: 'refuse',
          code: 'ERR_GUARD_SWAP',
          reason: `${device} is an active swap area (${device}; swapoff it first)`,
        });
      });
      expect(outcomeOf(await guardsFor(await identityOf(device)), 'not-swap')).toEqual({ verdict: 'pass' });
    });
  });

  test('an active swap file (on an ext4 filesystem on our loop device) is refused', async () => {
    await withLoopDevice(32, async ({ device }) => {
      await makeExt4(device);
      await withMount(device, async (mountPoint) => {
        const swapFile = join(mountPoint, 'swapfile');
        writeFileSync(swapFile, Buffer.alloc(8 * 1024 * 1024)); // no holes: swapon refuses sparse files
        chmodSync(swapFile, 0o600);
        await withSwap(swapFile, async () => {
          const results = await guardsFor(await identityOf(swapFile));
          expect(outcomeOf(results, 'not-swap')).toEqual({
            verdict: 'refuse',
            code: 'ERR_GUARD_SWAP',
            reason: `${swapFile} is an active swap file (swapoff it first)`,
          });
        });
      });
    });
  });
});
