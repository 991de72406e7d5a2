import { describe, expect, test } from 'vitest';
import { parseProcSwaps } from '../../../src/devices/index.js';

describe('parseProcSwaps', () => {
  test('empty: header only', () => {
    expect(parseProcSwaps('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n')).toEqual([]);
  });

  test('partitions and files, escaped and deleted paths', () => {
    const text = [
      'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority',
      '/dev/zram0                              partition\t8388604\t\t0\t\t100',
      '/dev/loop3                              partition\t65532\t\t0\t\t-2',
      '/mnt/my\\040swap                        file\t\t1020\t\t0\t\t-3',
      '/swapfile\\040(deleted)                 file\t\t1020\t\t0\t\t-4',
    ].join('\n');
    expect(parseProcSwaps(text)).toEqual([
      { path: '/dev/zram0', type: 'partition', majorMinor: null, fileKey: null },
      { path: '/dev/loop3', type: 'partition', majorMinor: null, fileKey: null },
      { path: '/mnt/my swap', type: 'file', majorMinor: null, fileKey: null },
      { path: '/swapfile', type: 'file', majorMinor: null, fileKey: null },
    ]);
  });

  test('throws without the header or on a malformed line', () => {
    expect(() => parseProcSwaps('')).toThrow(/header/);
    expect(() => parseProcSwaps('Filename Type Size Used Priority\n/dev/sda2 partition x')).toThrow(/line 2/);
  });
});
