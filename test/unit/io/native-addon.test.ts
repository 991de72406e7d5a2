// The native addon (native/aes-ctr.cc) against node:crypto: the same keystream at any offset and
// length, sync and async, nothing written outside the view, bad arguments rejected; and the JS
// fallback when the addon is switched off. Needs `node-gyp rebuild` (the package's install script);
// without the addon the native suite skips, unless CLEANSLATE_TEST_DISALLOW_SKIP includes 'native'.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, test, vi } from 'vitest';
import { aesBackend, createAesCtrStream, writeCounterBlock } from '../../../src/io/aes-ctr.js';
import { loadNativeAddon, type NativeAddon } from '../../../src/io/native-addon.js';
import type { PlannedPattern } from '../../../src/types.js';
import { createMemoryTarget } from './memory-target.js';

const native = loadNativeAddon();
if (!native && (process.env.CLEANSLATE_TEST_DISALLOW_SKIP ?? '').split(',').includes('native')) {
  throw new Error('the native addon is required here (CLEANSLATE_TEST_DISALLOW_SKIP=native); run node-gyp rebuild');
}
const describeNative = describe.runIf(native !== null);

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const MiB = 1024 * 1024;

// The reference: node:crypto from the counter block of the 16-aligned offset below `offset`.
function reference(key: Uint8Array, offset: number, length: number): Buffer {
  const skip = offset % 16;
  const counter = new Uint8Array(16);
  writeCounterBlock(counter, offset - skip);
  return createCipheriv('aes-256-ctr', key, counter)
    .update(Buffer.alloc(skip + length))
    .subarray(skip);
}

// A view of `length` bytes inside a buffer whose 64 guard bytes on each side hold 0xee.
function guarded(length: number): { whole: Buffer; view: Uint8Array } {
  const whole = Buffer.alloc(length + 128, 0xee);
  return { whole, view: whole.subarray(64, 64 + length) };
}

function expectGuardsIntact(whole: Buffer): void {
  expect(whole.subarray(0, 64).every((b) => b === 0xee)).toBe(true);
  expect(whole.subarray(whole.length - 64).every((b) => b === 0xee)).toBe(true);
}

// 16-aligned offsets (chunk starts, a 2^32-block carry, 16 TiB), unaligned ones, and lengths that are
// and are not multiples of 16, of the 64 KiB piece size and of the 1 MiB chunk.
const CASES: Array<[offset: number, length: number]> = [
  [0, 1],
  [0, 16],
  [0, 512],
  [16, 4096],
  [65536 - 16, 65536 + 32],
  [MiB + 48, 3 * 65536 + 7],
  [3 * MiB, MiB],
  [16 * (2 ** 32 - 3), 4096 + 512],
  [16 * (2 ** 40 + 3), 1000],
  [1, 15],
  [17, 100_001],
  [4095, 1],
  [65_535, 65_537],
  [2 ** 33 + 9, 2 * MiB + 4096],
];

describeNative('native AES-256-CTR equals node:crypto', () => {
  const addon = native as NativeAddon;

  test('aesBackend() reports the addon', () => {
    expect(aesBackend()).toBe('native');
  });

  test.for(CASES)('fill at offset %d, %d bytes', ([offset, length]) => {
    const streams = [createAesCtrStream(KEY, 'native'), createAesCtrStream(KEY, 'node-crypto')];
    for (const stream of streams) {
      const { whole, view } = guarded(length);
      stream.fill(view, offset);
      expect(Buffer.from(view).equals(reference(KEY, offset, length))).toBe(true);
      expectGuardsIntact(whole);
    }
  });

  test.for(CASES)('fillAsync at offset %d, %d bytes', async ([offset, length]) => {
    const { whole, view } = guarded(length);
    await createAesCtrStream(KEY, 'native').fillAsync(view, offset);
    expect(Buffer.from(view).equals(reference(KEY, offset, length))).toBe(true);
    expectGuardsIntact(whole);
  });

  test('many concurrent fillAsync calls on neighbouring 512-byte-multiple views join into one stream', async () => {
    const key = randomBytes(32);
    const stream = createAesCtrStream(key, 'native');
    const whole = Buffer.alloc(8 * MiB + 4096 * 5);
    const sizes = [MiB, 512, 4096 * 3, 2 * MiB + 512, 65536, 3 * MiB, MiB + 1024];
    const jobs: Array<Promise<void>> = [];
    let at = 0;
    for (let i = 0; at < whole.length; i++) {
      const n = Math.min(sizes[i % sizes.length]!, whole.length - at);
      jobs.push(stream.fillAsync(whole.subarray(at, at + n), at));
      at += n;
    }
    await Promise.all(jobs);
    expect(whole.equals(reference(key, 0, whole.length))).toBe(true);
  });

  test('the known answer of `openssl enc` via node:crypto also holds for a fresh random key', () => {
    const key = randomBytes(32);
    const buf = new Uint8Array(256 * 1024 + 320);
    createAesCtrStream(key, 'native').fill(buf, 16 * 0xffff_fff0);
    expect(Buffer.from(buf).equals(reference(key, 16 * 0xffff_fff0, buf.length))).toBe(true);
  });

  test('matchesKeystream: the keystream matches itself; one flipped byte anywhere is found; buf is not changed', async () => {
    const offset = 5 * MiB + 32;
    const data = reference(KEY, offset, MiB + 512);
    const counter = new Uint8Array(16);
    writeCounterBlock(counter, offset);
    const clean = Buffer.from(data);
    expect(await addon.matchesKeystreamAsync(KEY, counter, 0, clean)).toBe(true);
    expect(addon.matchesKeystream(KEY, counter, 0, clean)).toBe(true);
    expect(clean.equals(data)).toBe(true);

    for (const at of [0, 16 * 1024 - 1, 700_000, data.length - 1]) {
      const dirty = Buffer.from(data);
      dirty[at] = dirty[at]! ^ 0x40;
      expect(addon.matchesKeystream(KEY, counter, 0, dirty)).toBe(false);
      expect(await addon.matchesKeystreamAsync(KEY, counter, 0, dirty)).toBe(false);
      dirty[at] = dirty[at]! ^ 0x40;
      expect(dirty.equals(data)).toBe(true);
    }

    const stream = createAesCtrStream(KEY, 'native');
    const unaligned = reference(KEY, offset + 3, 4093);
    expect(await stream.matchesAsync!(unaligned, offset + 3)).toBe(true);
    expect(await stream.matchesAsync!(unaligned, offset + 4)).toBe(false);
  });

  test('matchesTileAsync compares against a repeated tile, also with a short tail', async () => {
    const tile = Buffer.from([0x92, 0x49, 0x24]);
    const buf = Buffer.alloc(3 * 1000 + 2);
    buf.fill(tile);
    expect(await addon.matchesTileAsync(buf, tile)).toBe(true);
    buf[buf.length - 1] = 0;
    expect(await addon.matchesTileAsync(buf, tile)).toBe(false);
    expect(await addon.matchesTileAsync(new Uint8Array(0), tile)).toBe(true);
  });

  const key = new Uint8Array(32);
  const counter = new Uint8Array(16);
  const out = new Uint8Array(64);
  const badCalls: Array<[string, unknown[], typeof TypeError | typeof RangeError]> = [
    ['a 31-byte key', [new Uint8Array(31), counter, 0, out], TypeError],
    ['a 33-byte key', [new Uint8Array(33), counter, 0, out], TypeError],
    ['a hex key string', ['00'.repeat(32), counter, 0, out], TypeError],
    ['a key in a Uint16Array', [new Uint16Array(16), counter, 0, out], TypeError],
    ['a 15-byte counter', [key, new Uint8Array(15), 0, out], TypeError],
    ['a counter array', [key, Array.from({ length: 16 }, () => 0), 0, out], TypeError],
    ['skip 16', [key, counter, 16, out], RangeError],
    ['skip -1', [key, counter, -1, out], RangeError],
    ['skip 1.5', [key, counter, 1.5, out], RangeError],
    ['skip NaN', [key, counter, Number.NaN, out], RangeError],
    ['skip as a string', [key, counter, '1', out], RangeError],
    ['an Int16Array output', [key, counter, 0, new Int16Array(32)], TypeError],
    ['a Float64Array output', [key, counter, 0, new Float64Array(8)], TypeError],
    ['a DataView output', [key, counter, 0, new DataView(new ArrayBuffer(64))], TypeError],
    ['an ArrayBuffer output', [key, counter, 0, new ArrayBuffer(64)], TypeError],
    ['a number output', [key, counter, 0, 64], TypeError],
    ['a missing argument', [key, counter, 0], TypeError],
  ];

  test.for(badCalls)('rejects %s (sync and async throw before any work)', ([, args, type]) => {
    for (const name of ['fill', 'fillAsync', 'matchesKeystream', 'matchesKeystreamAsync'] as const) {
      const fn = addon[name] as (...a: unknown[]) => unknown;
      expect(() => fn(...args)).toThrow(type);
    }
  });

  test('matchesTileAsync rejects bad arguments', () => {
    const fn = addon.matchesTileAsync as (...a: unknown[]) => unknown;
    expect(() => fn(new Uint8Array(4), new Uint8Array(0))).toThrow(TypeError);
    expect(() => fn(new Uint16Array(4), new Uint8Array(1))).toThrow(TypeError);
    expect(() => fn(new Uint8Array(4))).toThrow(TypeError);
  });
});

describe('with the addon switched off (CLEANSLATE_NATIVE=0)', () => {
  const patterns: Array<[string, PlannedPattern]> = [
    ['aes-ctr', { kind: 'aes-ctr', keyHex: 'aa'.repeat(32) }],
    ['zero', { kind: 'bytes', bytes: [0] }],
  ];

  test.for(patterns)('%s: node:crypto and JS compares write, verify and find a flipped byte', async ([, pattern]) => {
    vi.resetModules();
    vi.stubEnv('CLEANSLATE_NATIVE', '0');
    try {
      const io = await import('../../../src/io/index.js');
      expect(io.aesBackend()).toBe('node-crypto');
      const size = 5 * 64 * 1024 + 512;
      const target = createMemoryTarget(size);
      await io.writePass(target, pattern, { chunkSize: 64 * 1024 });
      if (pattern.kind === 'aes-ctr')
        expect(target.data.equals(reference(Buffer.from(pattern.keyHex, 'hex'), 0, size))).toBe(true);
      else expect(target.data.every((b) => b === 0)).toBe(true);
      expect((await io.verifyPass(target, pattern, { chunkSize: 64 * 1024 })).mismatches).toBe(0);
      target.data[70_001] = target.data[70_001]! ^ 1;
      expect(await io.verifyPass(target, pattern, { chunkSize: 64 * 1024 })).toMatchObject({
        mismatches: 1,
        firstMismatchOffset: 69_632,
      });
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});
