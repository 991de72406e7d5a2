import { describe, expect, test } from 'vitest';
import { dryRunTarget, verifyPass, writePass } from '../../../src/io/index.js';
import type { PlannedPattern } from '../../../src/types.js';
import { createMemoryTarget } from './memory-target.js';
import { expectedContent, rejection } from '../../helpers/io-expect.js';

const KB = 1024;
const KEY_HEX = 'aa'.repeat(32);
const patterns: Array<[string, PlannedPattern]> = [
  ['zero', { kind: 'bytes', bytes: [0] }],
  ['0x92 0x49 0x24', { kind: 'bytes', bytes: [0x92, 0x49, 0x24] }],
  ['aes-ctr', { kind: 'aes-ctr', keyHex: KEY_HEX }],
];

describe('writePass + verifyPass', () => {
  test.for(patterns)(
    '%s: writes every byte (size not a multiple of the chunk) and verifies clean',
    async ([, pattern]) => {
      const size = 5 * 64 * KB + 4096 * 3 + 512 + 7;
      const target = createMemoryTarget(size);
      const progress: number[] = [];
      const result = await writePass(target, pattern, {
        chunkSize: 64 * KB,
        inFlight: 3,
        onProgress: (n) => progress.push(n),
      });
      expect(result.bytes).toBe(size);
      expect(target.data.equals(expectedContent(pattern, size))).toBe(true);
      expect(target.syncs).toBe(1);
      expect(progress.at(-1)).toBe(size);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      const verified = await verifyPass(target, pattern, { chunkSize: 64 * KB, inFlight: 3 });
      expect(verified).toMatchObject({ bytesRead: size, mismatches: 0, firstMismatchOffset: null });
    },
  );

  test.for(patterns)('%s: counts mismatching 4 KiB blocks and reports the first one', async ([, pattern]) => {
    const size = 3 * 64 * KB + 1000;
    const target = createMemoryTarget(size);
    await writePass(target, pattern, { chunkSize: 64 * KB });
    for (const offset of [150_000, 70_000, 70_001, 4096 * 3 - 1, size - 1])
      target.data[offset] = target.data[offset]! ^ 0x01;
    const result = await verifyPass(target, pattern, { chunkSize: 64 * KB, inFlight: 4 });
    // 70_000 and 70_001 share a block; the short last block (size - 1) counts as one.
    expect(result.mismatches).toBe(4);
    expect(result.firstMismatchOffset).toBe(8192);
  });

  test('never runs more transfers at once than inFlight', async () => {
    const target = createMemoryTarget(40 * 64 * KB, { delayMs: 2 });
    await writePass(target, { kind: 'bytes', bytes: [1] }, { chunkSize: 64 * KB, inFlight: 3 });
    expect(target.maxConcurrent).toBe(3);
    await verifyPass(
      createMemoryTarget(40 * 64 * KB, { delayMs: 2 }),
      { kind: 'bytes', bytes: [1] },
      { chunkSize: 64 * KB, inFlight: 2 },
    );
  });

  test('an I/O error carries the offset and the pass step, and stops the pass', async () => {
    const target = createMemoryTarget(20 * 64 * KB, { failWriteAt: 5 * 64 * KB + 100 });
    const err = await rejection(
      writePass(target, { kind: 'bytes', bytes: [0] }, { chunkSize: 64 * KB, inFlight: 2, step: 'pass 2/3' }),
    );
    expect(err.code).toBe('ERR_IO');
    expect(err.step).toBe('pass 2/3');
    expect(err.offset).toBe(5 * 64 * KB + 100);
    expect(err.target).toBe('/memory/target');
    expect(target.writes.length).toBeLessThan(20);
  });

  test('a device that ends before its reported size is an I/O error, not success', async () => {
    const target = createMemoryTarget(4 * 64 * KB, { endsAt: 3 * 64 * KB + 512 });
    const err = await rejection(writePass(target, { kind: 'bytes', bytes: [0] }, { chunkSize: 64 * KB, inFlight: 1 }));
    expect(err.code).toBe('ERR_IO');
    expect(err.offset).toBe(3 * 64 * KB + 512);
  });

  test('abort stops at a chunk boundary after the writes in flight, syncs, and says how far it got', async () => {
    const target = createMemoryTarget(50 * 64 * KB, { delayMs: 1 });
    const controller = new AbortController();
    const err = await rejection(
      writePass(
        target,
        { kind: 'bytes', bytes: [0] },
        {
          chunkSize: 64 * KB,
          inFlight: 2,
          signal: controller.signal,
          step: 'pass 1/1',
          onProgress: (n) => n >= 5 * 64 * KB && controller.abort(),
        },
      ),
    );
    expect(err.code).toBe('ERR_INTERRUPTED');
    expect(err.step).toBe('pass 1/1');
    expect(err.offset! % (64 * KB)).toBe(0);
    expect(err.offset).toBeLessThan(50 * 64 * KB);
    // Everything below the reported offset was written; the rest was not touched.
    expect(target.data.subarray(0, err.offset).every((b) => b === 0)).toBe(true);
    expect(target.data.subarray(err.offset).every((b) => b === 0xee)).toBe(true);
    expect(target.syncs).toBe(1);
  });

  test('an already aborted signal writes nothing', async () => {
    const target = createMemoryTarget(4 * 64 * KB);
    const err = await rejection(writePass(target, { kind: 'bytes', bytes: [0] }, { signal: AbortSignal.abort() }));
    expect(err.code).toBe('ERR_INTERRUPTED');
    expect(target.writes).toHaveLength(0);
    const verr = await rejection(verifyPass(target, { kind: 'bytes', bytes: [0] }, { signal: AbortSignal.abort() }));
    expect(verr.code).toBe('ERR_INTERRUPTED');
  });

  test('refuses a read-only target and bad shapes', async () => {
    expect(
      (await rejection(writePass(createMemoryTarget(4096, { writable: false }), { kind: 'bytes', bytes: [0] }))).code,
    ).toBe('ERR_INTERNAL');
    expect(
      (await rejection(writePass(createMemoryTarget(4096), { kind: 'bytes', bytes: [0] }, { chunkSize: 1000 }))).code,
    ).toBe('ERR_INTERNAL');
    expect(
      (await rejection(writePass(createMemoryTarget(4096), { kind: 'bytes', bytes: [0] }, { inFlight: 0 }))).code,
    ).toBe('ERR_INTERNAL');
    expect(
      (await rejection(verifyPass(createMemoryTarget(4096), { kind: 'bytes', bytes: [0] }, { blockSize: 3000 }))).code,
    ).toBe('ERR_INTERNAL');
  });

  test('an empty target is a zero-byte pass', async () => {
    const target = createMemoryTarget(0);
    expect((await writePass(target, { kind: 'bytes', bytes: [0] })).bytes).toBe(0);
    expect(await verifyPass(target, { kind: 'bytes', bytes: [0] })).toMatchObject({ bytesRead: 0, mismatches: 0 });
  });
});

describe('dryRunTarget', () => {
  test('counts and drops writes; reads pass through', async () => {
    const inner = createMemoryTarget(3 * 64 * KB + 100);
    const dry = dryRunTarget(inner);
    expect(dry).toMatchObject({ path: inner.path, kind: 'file', sizeBytes: inner.sizeBytes, statKey: 'ino:0:0' });
    const result = await writePass(dry, { kind: 'bytes', bytes: [0] }, { chunkSize: 64 * KB });
    expect(result.bytes).toBe(inner.sizeBytes);
    expect(dry.bytesDropped).toBe(inner.sizeBytes);
    expect(inner.writes).toHaveLength(0);
    expect(inner.syncs).toBe(0);
    expect(inner.data.every((b) => b === 0xee)).toBe(true);
    const verified = await verifyPass(dry, { kind: 'bytes', bytes: [0xee] }, { chunkSize: 64 * KB });
    expect(verified.mismatches).toBe(0);
    expect(await dry.write(new Uint8Array(10), inner.sizeBytes - 4)).toBe(4);
  });
});
