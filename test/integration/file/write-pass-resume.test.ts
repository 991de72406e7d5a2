// writePass resume hooks on real files: a pass started at an offset writes only from there, the
// checkpoint hook sees a growing contiguous prefix only after a sync, and an abort saves the exact
// stop point (issue 6).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterAll, describe, expect, test } from 'vitest';
import { openTarget, writePass } from '../../../src/io/index.js';
import type { PlannedPattern, Target } from '../../../src/types.js';
import { expectedContent } from '../../helpers/io-expect.js';

tmp.setGracefulCleanup();
const MiB = 1024 * 1024;
// tmpfs: its fdatasync is quick, so checkpoints keep up with the writes even on a loaded machine
const dir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-resume-', tmpdir: '/dev/shm' });
afterAll(() => dir.removeCallback());
const AES: PlannedPattern = { kind: 'aes-ctr', keyHex: '3c'.repeat(32) };

let n = 0;
function image(size: number, fill: number): string {
  const path = join(dir.name, `img-${n++}.img`);
  writeFileSync(path, Buffer.alloc(size, fill));
  return path;
}

// A target whose sync() calls are counted, so a save can be checked to come after one.
function countingSyncs(target: Target): { target: Target; syncs: () => number } {
  let syncs = 0;
  const wrapped = Object.create(target) as Target;
  Object.defineProperty(wrapped, 'sync', {
    value: async () => {
      syncs += 1;
      await target.sync();
    },
  });
  return { target: wrapped, syncs: () => syncs };
}

describe('writePass resume', () => {
  test('startOffset: bytes before it are left alone, the rest is the pattern at its absolute offset', async () => {
    const size = 24 * MiB + 4096 * 3;
    const path = image(size, 0x77);
    const target = await openTarget(path, { access: 'write' });
    try {
      const result = await writePass(target, AES, { startOffset: 10 * MiB });
      expect(result.bytes).toBe(size - 10 * MiB);
    } finally {
      await target.close();
    }
    const data = readFileSync(path);
    expect(data.subarray(0, 10 * MiB).every((b) => b === 0x77)).toBe(true);
    expect(data.subarray(10 * MiB).equals(expectedContent(AES, size).subarray(10 * MiB))).toBe(true);
  });

  test('checkpoint saves a growing contiguous prefix, each after a sync, and ends at the size', async () => {
    const size = 64 * MiB;
    const path = image(size, 0);
    const opened = await openTarget(path, { access: 'write' });
    const { target, syncs } = countingSyncs(opened);
    const saves: { done: number; syncsBefore: number }[] = [];
    try {
      await writePass(target, AES, {
        chunkSize: MiB,
        checkpoint: {
          everyBytes: 4 * MiB,
          save: async (done) => {
            saves.push({ done, syncsBefore: syncs() });
          },
        },
      });
    } finally {
      await opened.close();
    }
    // one save at a time: a slow sync merges several groups into one save, never reorders them
    expect(saves.length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < saves.length; i++) {
      expect(saves[i]!.done % MiB).toBe(0);
      expect(saves[i]!.syncsBefore).toBeGreaterThanOrEqual(i + 1);
      if (i > 0) expect(saves[i]!.done - saves[i - 1]!.done).toBeGreaterThanOrEqual(4 * MiB);
    }
  });

  test('an abort saves the exact stop point; resuming from it completes the pass', async () => {
    const size = 32 * MiB;
    const path = image(size, 0x11);
    const controller = new AbortController();
    const saved: number[] = [];
    const target = await openTarget(path, { access: 'write' });
    try {
      const error = await writePass(target, AES, {
        chunkSize: MiB,
        signal: controller.signal,
        onProgress: (done) => {
          if (done >= 5 * MiB) controller.abort(new Error('SIGINT'));
        },
        checkpoint: { everyBytes: 1024 * MiB, save: async (done) => void saved.push(done) },
      }).catch((err: unknown) => err);
      expect(error).toMatchObject({ code: 'ERR_INTERRUPTED' });
      const stop = saved.at(-1)!;
      expect(stop).toBeGreaterThanOrEqual(5 * MiB);
      expect(stop).toBeLessThan(size);
      // everything before the stop point is the pattern; resume from there
      const data = readFileSync(path);
      expect(data.subarray(0, stop).equals(expectedContent(AES, stop))).toBe(true);
      await writePass(target, AES, { chunkSize: MiB, startOffset: stop });
    } finally {
      await target.close();
    }
    expect(readFileSync(path).equals(expectedContent(AES, size))).toBe(true);
  });

  test('a start offset that is not 4096-aligned is refused before any write', async () => {
    const path = image(4 * MiB, 0x22);
    const target = await openTarget(path, { access: 'write' });
    try {
      await expect(writePass(target, AES, { startOffset: 1000 })).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
    } finally {
      await target.close();
    }
    expect(readFileSync(path).every((b) => b === 0x22)).toBe(true);
  });
});
