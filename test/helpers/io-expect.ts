// Shared by the I/O engine tests: what a pass must leave, and the error a call must reject with.
import { createCipheriv } from 'node:crypto';
import { expect } from 'vitest';
import { CleanslateError } from '../../src/errors/index.js';
import type { PlannedPattern } from '../../src/types.js';

// The bytes a pass of `pattern` writes over [0, size), computed independently of the engine.
export function expectedContent(pattern: PlannedPattern, size: number): Buffer {
  if (pattern.kind === 'aes-ctr')
    return createCipheriv('aes-256-ctr', Buffer.from(pattern.keyHex, 'hex'), Buffer.alloc(16)).update(
      Buffer.alloc(size),
    );
  return Buffer.from(Array.from({ length: size }, (_, i) => pattern.bytes[i % pattern.bytes.length]!));
}

// The CleanslateError a promise rejects with (fails the test when it resolves or rejects otherwise).
export async function rejection(promise: Promise<unknown>): Promise<CleanslateError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CleanslateError);
  return err as CleanslateError;
}
