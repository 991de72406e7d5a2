import { expect, test } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { describeLoop } from '../../helpers/gates.js';
import { parseMountinfo, readSystemState } from '../../../src/devices/index.js';
import { evaluateGuards, runGuards } from '../../../src/guards/index.js';
import { identityOf, outcomeOf } from './guards-fixtures.js';

// The block device holding / on this machine, from mountinfo (e.g. /dev/vda). READ-ONLY: this test
// only resolves it, reads its identity (sysfs, lsblk) and runs the guards; it never opens it.
function rootDevice(): string | null {
  const root = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'))
    .filter((m) => m.mountPoint === '/')
    .at(-1);
  if (!root || !root.source.startsWith('/dev/')) return null;
  try {
    return statSync(root.source).isBlockDevice() ? root.source : null;
  } catch {
    return null;
  }
}

const root = rootDevice();

describeLoop('not-system-disk on the real root disk (read-only)', () => {
  test.runIf(root !== null)(`the disk holding / (${root ?? 'none'}) is refused as the system disk`, async () => {
    const identity = await identityOf(root!);
    const results = await evaluateGuards(identity, { system: await readSystemState() });
    expect(outcomeOf(results, 'not-system-disk')).toMatchObject({
      verdict: 'refuse',
      code: 'ERR_GUARD_SYSTEM_DISK',
      reason: expect.stringMatching(/holds the running system.*mounted at .*\//),
    });
    expect(outcomeOf(results, 'not-mounted')?.verdict).toBe('refuse');
    // Even with --yes nothing passes, and the user would not be asked.
    const all = await runGuards(identity, {
      system: await readSystemState(),
      confirmation: { yes: false, interactive: true, prompt: async () => identity.serial ?? identity.path },
    });
    expect(outcomeOf(all, 'confirmed')).toMatchObject({
      verdict: 'refuse',
      reason: expect.stringMatching(/^not asked/),
    });
  });
});
