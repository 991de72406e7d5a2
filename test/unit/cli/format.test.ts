import { describe, expect, test } from 'vitest';
import { formatBytes, formatDuration, formatOffset, formatRate } from '../../../src/cli/output/format.js';
import { describeEvent } from '../../../src/cli/output/progress.js';

describe('format', () => {
  test.for([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [256 * 1024 * 1024, '256.00 MiB'],
    [16 * 1024 ** 3, '16.00 GiB'],
  ] as const)('formatBytes(%i) = %s', ([bytes, text]) => expect(formatBytes(bytes)).toBe(text));

  test('rates are decimal like dd', () => {
    expect(formatRate(648_400_000)).toBe('648.4 MB/s');
    expect(formatRate(4_220_000_000)).toBe('4.22 GB/s');
  });

  test('durations', () => {
    expect(formatDuration(4_500)).toBe('4.5s');
    expect(formatDuration(123_000)).toBe('2:03');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });

  test('offsets in decimal and hex', () => expect(formatOffset(4096)).toBe('4096 (0x1000)'));
});

describe('progress lines', () => {
  test('a pass shows pass k/n, percent, rate and ETA', () => {
    const line = describeEvent({
      type: 'pass.progress',
      target: '/dev/loop0',
      pass: 2,
      passes: 3,
      bytes: 250e6,
      totalBytes: 1000e6,
      bytesPerSecond: 250e6,
    });
    expect(line).toBe('/dev/loop0: pass 2/3 25% 250.0 MB/s ETA 3.0s');
  });

  test('verify completion names the mismatches', () => {
    const line = describeEvent({
      type: 'verify.completed',
      target: 'x',
      pass: 3,
      bytes: 1,
      mismatches: 2,
      durationMs: 1,
      bytesPerSecond: 1e9,
    });
    expect(line).toContain('2 mismatching block(s)');
  });
});
