import { describe, expect, test } from 'vitest';
import { statSync } from 'node:fs';
import { decodeDeviceNumber, formatMajorMinor } from '../../../src/devices/index.js';

// glibc's gnu_dev_makedev, to build 64-bit dev_t values the decoder must take apart.
function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

describe('decodeDeviceNumber', () => {
  test.for([
    [8, 1],
    [7, 0],
    [254, 0],
    [259, 3],
    [1, 0x12345],
    [0x1234, 0x56789],
    [0xfffff, 0xfffff],
  ] as const)('major %i minor %i round-trips through a 64-bit dev_t', ([major, minor]) => {
    expect(decodeDeviceNumber(makedev(major, minor))).toEqual({ major, minor });
  });

  test('accepts a number (st_rdev as Node returns it without bigint)', () => {
    expect(decodeDeviceNumber(Number(makedev(259, 7)))).toEqual({ major: 259, minor: 7 });
    expect(formatMajorMinor(0x801)).toBe('8:1');
  });

  test('/dev/null is 1:3', () => {
    expect(formatMajorMinor(statSync('/dev/null', { bigint: true }).rdev)).toBe('1:3');
  });
});
