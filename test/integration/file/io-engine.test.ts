// The engine on regular files: O_DIRECT where the filesystem allows it (/tmp), the page-cache
// fallback where it does not (tmpfs), odd sizes, corruption, abort and dry run.
import { execaSync } from 'execa';
import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterAll, describe, expect, test } from 'vitest';
import { dryRunTarget, openTarget, verifyPass, writePass } from '../../../src/io/index.js';
import type { PlannedPattern } from '../../../src/types.js';
import { expectedContent as expected, rejection } from '../../helpers/io-expect.js';

tmp.setGracefulCleanup();
const MiB = 1024 * 1024;
const diskDir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-io-' });
const shmDir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-io-', tmpdir: '/dev/shm' });
afterAll(() => {
  diskDir.removeCallback();
  shmDir.removeCallback();
});

let counter = 0;
function makeFile(dir: string, size: number, fill = 0x5a): string {
  const path = join(dir, `image-${counter++}.img`);
  writeFileSync(path, Buffer.alloc(size, fill));
  return path;
}

const AES: PlannedPattern = { kind: 'aes-ctr', keyHex: '5e'.repeat(32) };
const GUTMANN: PlannedPattern = { kind: 'bytes', bytes: [0x6d, 0xb6, 0xdb] };
const ZERO: PlannedPattern = { kind: 'bytes', bytes: [0] };

describe('openTarget on files', () => {
  test('a file on a disk filesystem opens with O_DIRECT and a statKey from fstat', async () => {
    const path = makeFile(diskDir.name, 2 * MiB);
    const target = await openTarget(path, { access: 'write' });
    try {
      const st = statSync(path, { bigint: true });
      expect(target).toMatchObject({
        kind: 'file',
        sizeBytes: 2 * MiB,
        direct: true,
        alignment: 4096,
        writable: true,
        statKey: `ino:${st.dev}:${st.ino}`,
      });
    } finally {
      await target.close();
    }
  });

  test('tmpfs: O_DIRECT where the kernel accepts it (6.6+), the page cache where it refuses it (EINVAL)', async () => {
    const path = makeFile(shmDir.name, MiB);
    let kernelAccepts = true;
    try {
      closeSync(openSync(path, constants.O_RDONLY | constants.O_DIRECT));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('EINVAL');
      kernelAccepts = false;
    }
    const target = await openTarget(path, { access: 'read' });
    expect(target).toMatchObject({ direct: kernelAccepts, alignment: kernelAccepts ? 4096 : 1, writable: false });
    await target.close();
  });

  test('a file whose size is not a multiple of 4096 is opened buffered', async () => {
    const target = await openTarget(makeFile(diskDir.name, 10_000_001), { access: 'write' });
    expect(target).toMatchObject({ direct: false, sizeBytes: 10_000_001 });
    await target.close();
  });

  test.for([
    ['a directory', (): string => diskDir.name, 'ERR_TARGET_NOT_DEVICE'],
    ['a character device', (): string => '/dev/null', 'ERR_TARGET_NOT_DEVICE'],
    ['a missing file', (): string => join(diskDir.name, 'missing.img'), 'ERR_TARGET_NOT_FOUND'],
    [
      'a FIFO (refused without blocking)',
      (): string => {
        const path = join(diskDir.name, `fifo-${counter++}`);
        execaSyncMkfifo(path);
        return path;
      },
      'ERR_TARGET_NOT_DEVICE',
    ],
    [
      'a symlink (the path must already be resolved)',
      (): string => {
        const path = join(diskDir.name, `link-${counter++}`);
        symlinkSync(makeFile(diskDir.name, 4096), path);
        return path;
      },
      'ERR_TARGET_CHANGED',
    ],
  ] as const)('refuses %s with %s, for read and for write', async ([, makePath, code]) => {
    const path = makePath();
    for (const access of ['read', 'write'] as const) {
      const err = await rejection(openTarget(path, { access }));
      expect(err.code).toBe(code);
      expect(err.step).toBe('open');
      expect(err.message).toContain(path);
    }
  });
});

function execaSyncMkfifo(path: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  execaSync('mkfifo', [path]);
}

describe('write and verify on files', () => {
  test.for([
    ['disk, O_DIRECT, 4 MiB + 3 blocks', 'disk', 4 * MiB + 4096 * 3, AES],
    ['disk, buffered, 4 MiB + 3 blocks + 512', 'disk', 4 * MiB + 4096 * 3 + 512, GUTMANN],
    ['disk, buffered, odd size 10_000_001', 'disk', 10_000_001, AES],
    ['tmpfs, buffered, odd size 10_000_001', 'shm', 10_000_001, GUTMANN],
    ['disk, O_DIRECT, 9 MiB zero', 'disk', 9 * MiB, ZERO],
  ] as const)('%s', async ([, where, size, pattern]) => {
    const path = makeFile(where === 'disk' ? diskDir.name : shmDir.name, size);
    const target = await openTarget(path, { access: 'write' });
    try {
      // 4 MiB chunks: the sizes above are not multiples of them.
      const written = await writePass(target, pattern, { step: 'pass 1/1', chunkSize: 4 * MiB, inFlight: 4 });
      expect(written.bytes).toBe(size);
      const verified = await verifyPass(target, pattern, { chunkSize: 4 * MiB, inFlight: 4 });
      expect(verified).toMatchObject({ bytesRead: size, mismatches: 0, firstMismatchOffset: null });
    } finally {
      await target.close();
    }
    expect(statSync(path).size).toBe(size);
    expect(readFileSync(path).equals(expected(pattern, size))).toBe(true);
  });

  test.for([
    ['O_DIRECT', 8 * MiB, 5 * MiB + 12_345],
    ['buffered', 10_000_001, 9_999_999],
    ['buffered, first byte', 10_000_001, 0],
  ] as const)('one corrupted byte (%s) is one mismatching block at its 4096-aligned offset', async ([, size, at]) => {
    const path = makeFile(diskDir.name, size);
    const target = await openTarget(path, { access: 'write' });
    await writePass(target, AES);
    await target.close();
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from([readFileSync(path)[at]! ^ 0xff]), 0, 1, at);
    closeSync(fd);
    const reader = await openTarget(path, { access: 'read' });
    try {
      const result = await verifyPass(reader, AES, { step: 'verify' });
      expect(result.mismatches).toBe(1);
      expect(result.firstMismatchOffset).toBe(Math.floor(at / 4096) * 4096);
    } finally {
      await reader.close();
    }
  });

  test('abort mid-pass: ERR_INTERRUPTED at a chunk boundary, the prefix written, the rest untouched', async () => {
    const size = 64 * MiB;
    const path = makeFile(diskDir.name, size, 0x77);
    const target = await openTarget(path, { access: 'write' });
    const controller = new AbortController();
    const err = await rejection(
      writePass(target, ZERO, {
        chunkSize: 4 * MiB,
        signal: controller.signal,
        step: 'pass 1/3',
        onProgress: (n) => n >= 8 * MiB && controller.abort(),
      }),
    );
    await target.close();
    expect(err.code).toBe('ERR_INTERRUPTED');
    expect(err.step).toBe('pass 1/3');
    expect(err.offset! % (4 * MiB)).toBe(0);
    expect(err.offset).toBeGreaterThanOrEqual(8 * MiB);
    expect(err.offset).toBeLessThan(size);
    const content = readFileSync(path);
    expect(content.subarray(0, err.offset).every((b) => b === 0)).toBe(true);
    expect(content.subarray(err.offset).every((b) => b === 0x77)).toBe(true);
  });

  test('dry run: the whole pass runs, the file is unchanged', async () => {
    const size = 6 * MiB + 4096;
    const path = makeFile(diskDir.name, size, 0x42);
    const target = dryRunTarget(await openTarget(path, { access: 'write' }));
    try {
      expect((await writePass(target, AES)).bytes).toBe(size);
      expect(target.bytesDropped).toBe(size);
      expect((await verifyPass(target, { kind: 'bytes', bytes: [0x42] })).mismatches).toBe(0);
    } finally {
      await target.close();
    }
    expect(readFileSync(path).every((b) => b === 0x42)).toBe(true);
  });

  test('a read-only target refuses writes', async () => {
    const target = await openTarget(makeFile(diskDir.name, 4096), { access: 'read' });
    try {
      expect((await rejection(writePass(target, ZERO))).code).toBe('ERR_INTERNAL');
    } finally {
      await target.close();
    }
  });
});
