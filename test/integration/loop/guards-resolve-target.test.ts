import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLoop } from '../../helpers/gates.js';
import { withLoopDevice } from '../../helpers/loop-device.js';
import { resolveTarget } from '../../../src/devices/index.js';
import { CleanslateError } from '../../../src/errors/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cleanslate-resolve-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(path: string): Promise<CleanslateError> {
  const error = await resolveTarget(path).catch((e: unknown) => e);
  if (!(error instanceof CleanslateError))
    throw new Error(`expected a CleanslateError for ${path}, got ${String(error)}`);
  return error;
}

// These need no root: plain files, directories and /dev/null.
describe('resolveTarget', () => {
  test('a nonexistent path (and a dangling symlink) → ERR_TARGET_NOT_FOUND, exit 2, step resolve', async () => {
    const missing = await failure(join(dir, 'nope.img'));
    expect(missing).toMatchObject({ code: 'ERR_TARGET_NOT_FOUND', step: 'resolve', target: join(dir, 'nope.img') });
    expect(missing.exitCode).toBe(2);
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));
    expect((await failure(join(dir, 'dangling'))).code).toBe('ERR_TARGET_NOT_FOUND');
  });

  test('a directory → ERR_TARGET_NOT_DEVICE', async () => {
    expect(await failure(dir)).toMatchObject({
      code: 'ERR_TARGET_NOT_DEVICE',
      message: expect.stringContaining('is a directory, not a block device or image file'),
    });
  });

  test('/dev/null → ERR_TARGET_NOT_DEVICE, "is a character device"', async () => {
    const error = await failure('/dev/null');
    expect(error.code).toBe('ERR_TARGET_NOT_DEVICE');
    expect(error.message).toBe('/dev/null is a character device, not a block device or image file');
    expect(error.describe()).toMatch(/^\/dev\/null: resolve: /);
  });

  test('a zero-size file → ERR_TARGET_EMPTY', async () => {
    writeFileSync(join(dir, 'empty.img'), '');
    expect((await failure(join(dir, 'empty.img'))).code).toBe('ERR_TARGET_EMPTY');
  });

  test('a symlink to an image resolves to the image', async () => {
    writeFileSync(join(dir, 'disk.img'), Buffer.alloc(4096));
    symlinkSync(join(dir, 'disk.img'), join(dir, 'link.img'));
    symlinkSync(join(dir, 'link.img'), join(dir, 'link2.img'));
    expect(await resolveTarget(join(dir, 'link2.img'))).toEqual({
      path: join(dir, 'link2.img'),
      realPath: join(dir, 'disk.img'),
      kind: 'file',
      statKey: expect.stringMatching(/^ino:\d+:\d+$/),
      sizeBytes: 4096,
    });
  });
});

describeLoop('resolveTarget on block devices', () => {
  test('a loop device is a block target; a symlink to it resolves to /dev/loopN', async () => {
    await withLoopDevice(8, async ({ device, dir: loopDir }) => {
      const block = { kind: 'block', statKey: expect.stringMatching(/^rdev:7:\d+$/), sizeBytes: 8 * 1024 * 1024 };
      expect(await resolveTarget(device)).toEqual({ path: device, realPath: device, ...block });
      const link = join(loopDir, 'by-id-link');
      symlinkSync(device, link);
      expect(await resolveTarget(link)).toEqual({ path: link, realPath: device, ...block });
    });
  });

  // A block device of size 0 that nobody attaches while we look: zram/nbd/ram devices without a medium.
  const emptyDevice = readdirSync('/sys/class/block').find((name) => {
    if (name.startsWith('loop')) return false; // loop devices come and go (other tests attach them)
    try {
      return readFileSync(`/sys/class/block/${name}/size`, 'utf8').trim() === '0';
    } catch {
      return false;
    }
  });
  test.runIf(emptyDevice !== undefined)(
    `a block device of size 0 (/dev/${emptyDevice ?? '-'}) → ERR_TARGET_EMPTY`,
    async () => {
      expect((await failure(`/dev/${emptyDevice}`)).code).toBe('ERR_TARGET_EMPTY');
    },
  );
});
