// The engine's error helpers: of failures from several transfers in flight, the lowest offset is
// reported (the first byte not written), whatever order they arrive in.
import { describe, expect, test } from 'vitest';
import { CleanslateError } from '../../../src/errors/index.js';
import { lowestOffset, withStep } from '../../../src/io/io-errors.js';

const at = (offset: number | undefined) => new CleanslateError('ERR_IO', 'EIO', { target: '/dev/loop9', offset });

describe('lowestOffset', () => {
  test('keeps the failure at the lower offset in either arrival order', () => {
    const low = at(16 * 1048576);
    const high = at(25 * 1048576);
    expect(lowestOffset(undefined, high)).toBe(high);
    expect(lowestOffset(high, low)).toBe(low);
    expect(lowestOffset(low, high)).toBe(low);
  });

  test('a failure without an offset (fdatasync) never replaces one with an offset', () => {
    const known = at(4096);
    expect(lowestOffset(known, at(undefined))).toBe(known);
    expect(lowestOffset(at(undefined), known)).toBe(known);
  });

  test('withStep keeps the offset and the bad ranges when it renames the step', () => {
    const error = new CleanslateError('ERR_IO', 'bad blocks', {
      target: '/dev/loop9',
      offset: 8192,
      badRanges: [{ offset: 8192, length: 4096 }],
    });
    const stepped = withStep(error, '/dev/loop9', 'pass 1/3 (0x00)');
    expect(stepped).toMatchObject({
      step: 'pass 1/3 (0x00)',
      offset: 8192,
      badRanges: [{ offset: 8192, length: 4096 }],
    });
  });
});
