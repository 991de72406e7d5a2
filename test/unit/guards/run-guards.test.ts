import { describe, expect, test, vi } from 'vitest';
import {
  assertGuards,
  checkGuard,
  evaluateGuards,
  firstRefusal,
  runGuards,
  type Guard,
} from '../../../src/guards/index.js';
import { CleanslateError } from '../../../src/errors/index.js';
import { UNREADABLE, blockIdentity, mount, ROOT_MOUNT, systemState } from './fixtures.js';

describe('runGuards', () => {
  test('a clean device with --yes: every guard passes, in table order, confirmed last', async () => {
    const results = await runGuards(blockIdentity(), {
      system: systemState(),
      confirmation: { yes: true, interactive: false },
    });
    expect(results.map((r) => r.id).at(-1)).toBe('confirmed');
    expect(results.every((r) => r.outcome.verdict === 'pass')).toBe(true);
    expect(firstRefusal(results)).toBeNull();
  });

  test('the user is not asked when another guard already refused', async () => {
    const prompt = vi.fn(async () => '/dev/loop5');
    const system = systemState({ mounts: [ROOT_MOUNT, mount('7:5', '/mnt')] });
    const results = await runGuards(blockIdentity(), {
      system,
      confirmation: { yes: false, interactive: true, prompt },
    });
    expect(prompt).not.toHaveBeenCalled();
    expect(results.find((r) => r.id === 'confirmed')?.outcome).toEqual({
      verdict: 'refuse',
      code: 'ERR_GUARD_UNCONFIRMED',
      reason: 'not asked: guard not-mounted refused',
    });
    expect(firstRefusal(results)).toEqual({
      id: 'not-mounted',
      code: 'ERR_GUARD_MOUNTED',
      reason: expect.stringContaining('/mnt'),
    });
  });
});

describe('evaluateGuards', () => {
  test('skips confirmed (for the devices listing)', async () => {
    const results = await evaluateGuards(blockIdentity(), { system: systemState() });
    expect(results.map((r) => r.id)).not.toContain('confirmed');
    expect(results.every((r) => r.outcome.verdict === 'pass')).toBe(true);
  });
});

describe('assertGuards', () => {
  test('throws the first refusal as a CleanslateError: exit 3, target, step guard:<id>', async () => {
    const system = systemState({ override: { swaps: UNREADABLE } });
    const error = await assertGuards(blockIdentity(), {
      system,
      confirmation: { yes: true, interactive: false },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanslateError);
    const e = error as CleanslateError;
    expect(e.code).toBe('ERR_GUARD_UNDECIDABLE');
    expect(e.exitCode).toBe(3);
    expect(e.target).toBe('/dev/loop5');
    expect(e.step).toBe('guard:not-swap');
    expect(e.describe()).toMatch(/^\/dev\/loop5: guard:not-swap: refused by safety guard not-swap: .*\/proc\/swaps/);
  });

  test('resolves the results when all pass', async () => {
    const results = await assertGuards(blockIdentity(), {
      system: systemState(),
      confirmation: { yes: true, interactive: false },
    });
    expect(results).toHaveLength(8);
  });
});

describe('checkGuard', () => {
  test('a check that throws refuses as undecidable instead of passing', async () => {
    const broken: Guard = {
      id: 'broken',
      describe: 'throws',
      code: 'ERR_GUARD_MOUNTED',
      enforcedBy: 'guards',
      inputs: { block: [], file: [] },
      check() {
        throw new Error('boom');
      },
    };
    expect(await checkGuard(broken, blockIdentity(), { system: systemState() })).toEqual({
      verdict: 'refuse',
      code: 'ERR_GUARD_UNDECIDABLE',
      reason: expect.stringMatching(/broken cannot decide: check failed: boom/),
    });
  });
});
