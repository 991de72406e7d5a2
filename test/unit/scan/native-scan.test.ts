// The native scan loops (native/scan-blocks.cc) against the JS loops they replace: the same block
// classes (chi-square decisions near both thresholds included) and the same content-rule matches,
// on text, binary-like and random bytes, at any region bounds, with more triggers than one native
// batch holds. Skips without the addon, unless CLEANSLATE_TEST_DISALLOW_SKIP includes 'native'.
import { createCipheriv } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { BlockClass, classifyBlocks, isHighEntropy } from '../../../src/scan/classify.js';
import { CONTENT_RULES, type ContentMatch } from '../../../src/scan/content-rules.js';
import { nativeScan, setNativeScanEnabled } from '../../../src/scan/native-scan.js';

const native = nativeScan();
if (!native && (process.env.CLEANSLATE_TEST_DISALLOW_SKIP ?? '').split(',').includes('native')) {
  throw new Error('the native addon is required here (CLEANSLATE_TEST_DISALLOW_SKIP=native); run node-gyp rebuild');
}
const describeNative = describe.runIf(native !== null);

afterEach(() => setNativeScanEnabled(true));

function keystream(bytes: number, seed = 1): Buffer {
  return createCipheriv('aes-256-ctr', Buffer.alloc(32, seed), Buffer.alloc(16)).update(Buffer.alloc(bytes));
}

// A deterministic generator (xorshift32) for the test data.
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

// Runs fn with the native loops on and off; returns both results.
function bothWays<T>(fn: () => T): { native: T; js: T } {
  setNativeScanEnabled(true);
  const withNative = fn();
  setNativeScanEnabled(false);
  const withJs = fn();
  setNativeScanEnabled(true);
  return { native: withNative, js: withJs };
}

function classes(buf: Uint8Array, blockSize: number, mask?: Uint8Array): number[] {
  const blocks = Math.ceil(buf.length / blockSize);
  const out = new Uint8Array(blocks);
  classifyBlocks(buf, blockSize, mask ?? new Uint8Array(blocks).fill(1), out);
  return Array.from(out);
}

// Random blocks with k bytes set to one value (chi-square grows with k: crosses 400), and 0..255
// ramps with 10k random bytes (chi-square grows from 0 by about 1.25 per k: crosses 150), k = 0..399.
function thresholdBlocks(): Buffer {
  const next = rng(42);
  const blocks: Buffer[] = [];
  for (let k = 0; k < 400; k++) {
    const random = keystream(4096, k + 1);
    for (let j = 0; j < k; j++) random[next() % 4096] = 0x41;
    blocks.push(random);
    const ramp = Buffer.from(Array.from({ length: 4096 }, (_, i) => i & 255));
    for (let j = 0; j < 10 * k; j++) ramp[next() % 4096] = next() & 255;
    blocks.push(ramp);
  }
  return Buffer.concat(blocks);
}

describeNative('classifyBlocks', () => {
  test('the known answers load the addon', () => {
    expect(native).not.toBeNull();
  });

  test('the same class as the JS loop for every block, near both chi-square thresholds too', () => {
    const buf = thresholdBlocks();
    const { native: got, js: want } = bothWays(() => classes(buf, 4096));
    expect(got).toEqual(want);
    // The data does straddle both thresholds.
    expect(want).toContain(BlockClass.highEntropy);
    expect(want.filter((c, i) => c === BlockClass.other && i % 2 === 0).length).toBeGreaterThan(10);
    expect(want.filter((c, i) => c === BlockClass.highEntropy && i % 2 === 1).length).toBeGreaterThan(10);
    for (let i = 0; i < want.length; i++) {
      expect(want[i] === BlockClass.highEntropy).toBe(isHighEntropy(buf, i * 4096, (i + 1) * 4096));
    }
  });

  test('zeros, 0xFF, text, short and odd-sized blocks, masked blocks, other block sizes', () => {
    const parts = [
      Buffer.alloc(4096),
      Buffer.alloc(4096, 0xff),
      Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(94)).subarray(0, 4096),
      keystream(4096, 3),
      Buffer.concat([Buffer.alloc(4095), Buffer.from([1])]),
      Buffer.concat([Buffer.alloc(4095, 0xff), Buffer.from([0xfe])]),
    ];
    const buf = Buffer.concat(parts);
    for (const tail of [0, 1, 1023, 1024, 1025, 2048, 4095]) {
      const data = Buffer.concat([buf, keystream(tail, 5)]);
      const mask = Uint8Array.from({ length: Math.ceil(data.length / 4096) }, (_, i) => (i === 2 ? 0 : 1));
      for (const size of [4096, 512, 1000, 8192]) {
        const { native: got, js: want } = bothWays(() => classes(data, size, size === 4096 ? mask : undefined));
        expect(got).toEqual(want);
      }
    }
    expect(classes(buf, 4096)).toEqual([1, 2, 4, 3, 4, 4]);
  });

  test('rejects bad arguments', () => {
    const out = new Uint8Array(1);
    expect(() => native!.classifyBlocks(new Uint8Array(8192), 4096, new Uint8Array(2), out)).toThrow(RangeError);
    expect(() => native!.classifyBlocks(new Uint8Array(10), 0, new Uint8Array(1), out)).toThrow(RangeError);
    expect(() => native!.classifyBlocks([] as unknown as Uint8Array, 4096, new Uint8Array(1), out)).toThrow(TypeError);
  });
});

// Fragments that fire (and nearly fire) every trigger: keys, key ids, tokens, addresses, card
// numbers plain and grouped, digit runs of every length, look-alikes.
const FRAGMENTS = [
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n',
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAE\n',
  '-----BEGIN RSA PRIVATE KEY----- ',
  '----BEGIN ',
  'AKIAIOSFODNN7EXAMPLE',
  'ASIAY34FZKBOKMUTVV7A ',
  'xAKIAIOSFODNN7EXAMPLE',
  'AKxA',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl ',
  'eyJhbGciOiJub25lIn0.eyJhIjoxfQ. ',
  'xeyJhbGc',
  'alice@example.com ',
  'bob.smith+tag@mail.example.co.uk\n',
  'a@b',
  'x@-y.com',
  '@@',
  '4111111111111111 ',
  '4111 1111 1111 1111 ',
  '5555-5555-5555-4444\n',
  '378282246310005.',
  '1234 4111 1111 1111 1111 ',
  '6011 0009 9013 9424 ',
  '4111',
  '2024 10 ',
  '12345678901234567890',
  '0000000000000000',
  '1234567890123 ',
  ' ',
  '\n',
  '\0',
];

// A buffer of `size` bytes: fragments separated by text, binary or random bytes.
function mixed(size: number, seed: number): Buffer {
  const next = rng(seed);
  const buf = Buffer.alloc(size);
  let at = 0;
  while (at < size) {
    const kind = next() % 4;
    let piece: Buffer;
    if (kind === 0) piece = Buffer.from(FRAGMENTS[next() % FRAGMENTS.length]!, 'latin1');
    else if (kind === 1) piece = Buffer.from('some words 12 and 345 x\n'.slice(next() % 20));
    else if (kind === 2) piece = Buffer.from(Array.from({ length: next() % 40 }, () => 0x30 + (next() % 12)));
    else piece = Buffer.from(Array.from({ length: next() % 64 }, () => next() & 255));
    piece.copy(buf, at);
    at += piece.length;
  }
  return buf;
}

function runRules(buf: Buffer, from: number, to: number): ContentMatch[][] {
  return CONTENT_RULES.map((rule) => {
    const out: ContentMatch[] = [];
    rule.scan(buf, from, to, out);
    return out;
  });
}

describeNative('content-rule triggers', () => {
  test('the same matches as the JS loops on mixed buffers, at any region bounds', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const buf = mixed(16384 + seed * 97, seed);
      const next = rng(seed * 7919);
      const bounds: [number, number][] = [[0, buf.length]];
      for (let k = 0; k < 8; k++) {
        const a = next() % buf.length;
        const b = next() % buf.length;
        bounds.push([Math.min(a, b), Math.max(a, b)]);
      }
      for (const [from, to] of bounds) {
        const { native: got, js: want } = bothWays(() => runRules(buf, from, to));
        expect(got).toEqual(want);
      }
    }
  });

  test('more triggers than one native batch holds', () => {
    const patterns = ['a@b.io ', '4111 1111 1111 1111; ', 'AKIAIOSFODNN7EXAMPLE ', 'eyJ ', '-----BEGIN x '];
    for (const pattern of patterns) {
      const buf = Buffer.from(pattern.repeat(Math.ceil((12 * 4096 * 5) / pattern.length)), 'latin1');
      const { native: got, js: want } = bothWays(() => runRules(buf, 3, buf.length - 5));
      expect(got).toEqual(want);
      // Matches (or, for the last two, triggers without a match) well beyond one batch of 4096.
      if (patterns.indexOf(pattern) < 3) expect(want.flat().length).toBeGreaterThan(2 * 4096);
    }
  });

  test('random bytes and the edges of the buffer', () => {
    const buf = keystream(1 << 20, 9);
    const { native: got, js: want } = bothWays(() => runRules(buf, 0, buf.length));
    expect(got).toEqual(want);
    for (const text of ['a@b.io', '4111111111111111', 'AKIAIOSFODNN7EXAMPLE', '@x', '4111 1111 1111 1111', 'eyJ']) {
      const edge = Buffer.from(text, 'latin1');
      for (const [from, to] of [
        [0, edge.length],
        [1, edge.length],
        [0, 1],
        [edge.length, edge.length],
      ] as const) {
        const both = bothWays(() => runRules(edge, from, to));
        expect(both.native).toEqual(both.js);
      }
    }
  });

  test('rejects bad arguments', () => {
    const out = new Int32Array(4);
    const buf = new Uint8Array(100);
    expect(() => native!.contentTriggers(buf, 0, 101, 0, out)).toThrow(RangeError);
    expect(() => native!.contentTriggers(buf, 50, 40, 0, out)).toThrow(RangeError);
    expect(() => native!.contentTriggers(buf, 0, 100, 5, out)).toThrow(RangeError);
    expect(() => native!.contentTriggers(buf, 0, 100, 0, new Int32Array(0))).toThrow(TypeError);
  });
});
