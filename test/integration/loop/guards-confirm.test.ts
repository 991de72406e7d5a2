import { expect, test, vi } from 'vitest';
import { describeLoop } from '../../helpers/gates.js';
import { withLoopDevice } from '../../helpers/loop-device.js';
import { readSystemState } from '../../../src/devices/index.js';
import { assertGuards } from '../../../src/guards/index.js';
import { CleanslateError } from '../../../src/errors/index.js';
import { guardsFor, identityOf, outcomeOf } from './guards-fixtures.js';

describeLoop('confirmed on a real loop device (no serial: the path is typed)', () => {
  test('no --yes and no terminal: refused with exit 3', async () => {
    await withLoopDevice(16, async ({ device }) => {
      const identity = await identityOf(device);
      const error = await assertGuards(identity, {
        system: await readSystemState(),
        confirmation: { yes: false, interactive: false },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CleanslateError);
      expect(error).toMatchObject({
        code: 'ERR_GUARD_UNCONFIRMED',
        step: 'guard:confirmed',
        target: device,
        message: expect.stringContaining('no --yes and no terminal to confirm on'),
      });
      expect((error as CleanslateError).exitCode).toBe(3);
    });
  });

  test('interactive: the right answer passes, a wrong one refuses', async () => {
    await withLoopDevice(16, async ({ device }) => {
      const identity = await identityOf(device);
      const prompt = vi.fn(async (_question: string) => device);
      expect(outcomeOf(await guardsFor(identity, { yes: false, interactive: true, prompt }), 'confirmed')).toEqual({
        verdict: 'pass',
        note: 'path typed',
      });
      expect(prompt).toHaveBeenCalledOnce();
      expect(prompt.mock.calls[0]?.[0]).toContain(`Type ${device} to confirm`);
      const wrong = await guardsFor(identity, { yes: false, interactive: true, prompt: async () => '/dev/loop999' });
      expect(outcomeOf(wrong, 'confirmed')).toMatchObject({ verdict: 'refuse', code: 'ERR_GUARD_UNCONFIRMED' });
    });
  });
});
