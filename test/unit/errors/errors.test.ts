import { describe, expect, test } from 'vitest';
import { CleanslateError, ERROR_CODES, EXIT_CODES, exitCodeForError } from '../../../src/errors/index.js';

describe('errors', () => {
  test('every error code maps to an exit code of the table', () => {
    const codes = new Set(EXIT_CODES.map((e) => e.code));
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
      expect(codes.has(new CleanslateError(code, 'x').exitCode)).toBe(true);
    }
  });

  test.for([
    ['ERR_UNKNOWN_METHOD', 2],
    ['ERR_TARGET_NOT_DEVICE', 2],
    ['ERR_GUARD_MOUNTED', 3],
    ['ERR_GUARD_UNDECIDABLE', 3],
    ['ERR_VERIFY_MISMATCH', 1],
    ['ERR_IO', 4],
    ['ERR_INTERRUPTED', 130],
  ] as const)('%s exits %i', ([code, exit]) => {
    expect(exitCodeForError(new CleanslateError(code, 'x'))).toBe(exit);
  });

  test('unknown errors are I/O-class failures', () => {
    expect(exitCodeForError(new Error('boom'))).toBe(4);
  });

  test('describe names the target, the step and the offset', () => {
    const err = new CleanslateError('ERR_IO', 'Input/output error', {
      target: '/dev/loop3',
      step: 'pass 2/3',
      offset: 8192,
    });
    expect(err.describe()).toBe('/dev/loop3: pass 2/3: offset 8192 (0x2000): Input/output error');
  });
});
