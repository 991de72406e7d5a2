import { expect, test } from 'vitest';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLoop } from '../../helpers/gates.js';
import { withLoopDevice } from '../../helpers/loop-device.js';
import { guardsFor, identityOf, outcomeOf, refusedIds } from './guards-fixtures.js';

describeLoop('not-loop-backing on real loop devices', () => {
  test('the image file of an attached loop device is refused, also through a symlink', async () => {
    await withLoopDevice(16, async ({ device, image, dir }) => {
      const expected = {
        verdict: 'refuse',
        code: 'ERR_GUARD_LOOP_BACKING',
        reason: expect.stringContaining(`backs the attached loop device ${device}: wipe ${device} instead`),
      };
      const identity = await identityOf(image);
      expect(identity).toMatchObject({ kind: 'file', sizeBytes: 16 * 1024 * 1024, name: null, majorMinor: null });
      expect(identity.statKey).toMatch(/^ino:\d+:\d+$/);
      const results = await guardsFor(identity);
      // Only not-loop-backing refuses; confirmed then refuses as "not asked".
      expect(refusedIds(results)).toEqual(['not-loop-backing', 'confirmed']);
      expect(outcomeOf(results, 'not-loop-backing')).toEqual(expected);
      const link = join(dir, 'link.img');
      symlinkSync(image, link);
      expect(outcomeOf(await guardsFor(await identityOf(link)), 'not-loop-backing')).toEqual(expected);
    });
  });

  test('an image that backs no loop device passes every guard', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleanslate-img-'));
    try {
      const image = join(dir, 'free.img');
      writeFileSync(image, Buffer.alloc(1024 * 1024));
      expect(refusedIds(await guardsFor(await identityOf(image)))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
