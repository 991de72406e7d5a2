import { execa } from 'execa';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { counterBlockAt, createPatternSource, fillPattern } from '../../../src/io/index.js';

const KEY_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

// The reference: one continuous AES-256-CTR keystream from counter 0.
function streamFromZero(keyHex: string, length: number): Buffer {
  return createCipheriv('aes-256-ctr', Buffer.from(keyHex, 'hex'), Buffer.alloc(16)).update(Buffer.alloc(length));
}

describe('fixed patterns', () => {
  test.for<[number[]]>([[[0x00]], [[0xff]], [[0x55, 0xaa]], [[0x92, 0x49, 0x24]], [[0x6d, 0xb6, 0xdb]]])(
    'byte at offset o is bytes[o %% n] for %j',
    ([bytes]) => {
      const buf = new Uint8Array(1000);
      for (const offset of [0, 1, 2, 3, 4097, 4 * 1024 * 1024, 2 ** 40 + 5]) {
        fillPattern({ kind: 'bytes', bytes }, buf, offset);
        for (let i = 0; i < buf.length; i++) expect(buf[i]).toBe(bytes[(offset + i) % bytes.length]);
      }
    },
  );

  test('a 3-byte pattern keeps its phase across 4 MiB chunk boundaries', () => {
    const source = createPatternSource({ kind: 'bytes', bytes: [0x92, 0x49, 0x24] });
    const chunk = 4 * 1024 * 1024; // 4 MiB: not a multiple of 3
    const whole = new Uint8Array(3 * chunk);
    source.fill(whole, 0);
    for (let k = 0; k < 3; k++) {
      const part = new Uint8Array(chunk);
      source.fill(part, k * chunk);
      expect(Buffer.from(part).equals(whole.subarray(k * chunk, (k + 1) * chunk))).toBe(true);
    }
    expect(source.period).toBe(3);
  });

  test.for<[number[]]>([[[]], [[1, 2, 3, 4]], [[256]], [[-1]], [[1.5]]])('rejects %j', ([bytes]) => {
    expect(() => createPatternSource({ kind: 'bytes', bytes })).toThrow(RangeError);
  });
});

describe('AES-256-CTR stream', () => {
  const pattern = { kind: 'aes-ctr', keyHex: KEY_HEX } as const;
  const reference = streamFromZero(KEY_HEX, 3 * 1024 * 1024 + 8192);

  test('regenerating at any offset equals the slice of the stream from 0', () => {
    const source = createPatternSource(pattern);
    for (const offset of [0, 16, 4096, 65536 - 16, 65536, 1024 * 1024 + 48, 3 * 1024 * 1024]) {
      const buf = new Uint8Array(4096 + 16);
      source.fill(buf, offset);
      expect(Buffer.from(buf).equals(reference.subarray(offset, offset + buf.length))).toBe(true);
    }
    expect(source.period).toBe(0);
  });

  test('offsets and lengths that are not multiples of 16 still match the stream', () => {
    const source = createPatternSource(pattern);
    for (const [offset, length] of [
      [1, 15],
      [17, 100_001],
      [65_535, 65_537],
      [4095, 1],
    ] as const) {
      const buf = new Uint8Array(length);
      source.fill(buf, offset);
      expect(Buffer.from(buf).equals(reference.subarray(offset, offset + length))).toBe(true);
    }
  });

  test('chunks filled separately join into the continuous stream', () => {
    const source = createPatternSource(pattern);
    const joined = new Uint8Array(reference.length);
    const chunk = 1024 * 1024 + 4096;
    for (let at = 0; at < joined.length; at += chunk)
      source.fill(joined.subarray(at, Math.min(at + chunk, joined.length)), at);
    expect(Buffer.from(joined).equals(reference)).toBe(true);
  });

  test('the counter block is offset / 16 as a 128-bit big-endian integer, also above 2^32 blocks', () => {
    expect(Buffer.from(counterBlockAt(0)).toString('hex')).toBe('0'.repeat(32));
    expect(Buffer.from(counterBlockAt(16 * 258)).toString('hex')).toBe('0'.repeat(28) + '0102');
    const offset = 16 * (2 ** 40 + 3); // 16 TiB
    expect(Buffer.from(counterBlockAt(offset)).toString('hex')).toBe('0000000000000000' + '0000010000000003');
    expect(() => counterBlockAt(8)).toThrow(RangeError);
  });

  test('at a 16 TiB offset the content is AES-CTR from that counter block', () => {
    const offset = 16 * (2 ** 40 + 3);
    const buf = new Uint8Array(64);
    fillPattern(pattern, buf, offset);
    const expected = createCipheriv('aes-256-ctr', Buffer.from(KEY_HEX, 'hex'), counterBlockAt(offset)).update(
      Buffer.alloc(64),
    );
    expect(Buffer.from(buf).equals(expected)).toBe(true);
  });

  test('known answer: equals `openssl enc -aes-256-ctr` of zeros, from offset 0 and from a later counter', async () => {
    const keyHex = randomBytes(32).toString('hex');
    for (const offset of [0, 16 * 0xffff_fff0]) {
      const ivHex = Buffer.from(counterBlockAt(offset)).toString('hex');
      const length = 256 * 1024 + 16 * 20; // crosses the 2^32 block boundary for the second offset
      const { stdout } = await execa('openssl', ['enc', '-aes-256-ctr', '-K', keyHex, '-iv', ivHex, '-nosalt'], {
        input: Buffer.alloc(length),
        encoding: 'buffer',
      });
      const buf = new Uint8Array(length);
      fillPattern({ kind: 'aes-ctr', keyHex }, buf, offset);
      expect(Buffer.from(buf).equals(Buffer.from(stdout))).toBe(true);
    }
  });

  test('rejects a key that is not 256 bits of hex', () => {
    expect(() => createPatternSource({ kind: 'aes-ctr', keyHex: 'abcd' })).toThrow(RangeError);
    expect(() => createPatternSource({ kind: 'aes-ctr', keyHex: 'z'.repeat(64) })).toThrow(RangeError);
  });
});
