// Pattern sources: the content a pass writes at any absolute offset, regenerated on demand for
// verification. A fixed pattern of 1-3 bytes keeps its phase across chunks (byte at offset o is
// bytes[o % n]); the AES-256-CTR stream uses counter block = offset / 16 (128-bit big-endian), so
// any offset can be regenerated alone.
import type { PlannedPattern } from '../types.js';
import { createAesCtrStream, writeCounterBlock } from './aes-ctr.js';

/** Fills buffers with a pattern's content for an absolute offset. */
export interface PatternSource {
  readonly pattern: PlannedPattern;
  /**
   * Bytes after which a fixed pattern repeats (1..3), or 0 for a stream. Two offsets with the same
   * `offset % period` produce the same content, so a filled buffer can be reused.
   */
  readonly period: number;
  /** Writes into buf the pattern bytes for [offset, offset + buf.length). */
  fill(buf: Uint8Array, offset: number): void;
  /**
   * fill, off the JS thread (libuv threadpool) when the native AES backend generates a stream;
   * otherwise fill, run synchronously. The caller MUST NOT touch buf until the promise settles.
   */
  fillAsync(buf: Uint8Array, offset: number): Promise<void>;
  /**
   * Only for a stream from the native AES backend: resolves, from the threadpool, whether buf holds
   * exactly the content at offset (buf is only read). Saves a verify the second (expected) buffer.
   */
  matchesAsync?: (buf: Uint8Array, offset: number) => Promise<boolean>;
}

const AES_BLOCK = 16;

// Builds the source for a planned pattern; validates its bytes or key.
export function createPatternSource(pattern: PlannedPattern): PatternSource {
  if (pattern.kind === 'bytes') return createBytesSource(pattern);
  return createAesCtrSource(pattern);
}

// Fills buf with the content of `pattern` at absolute offset `offset` (one-off convenience).
export function fillPattern(pattern: PlannedPattern, buf: Uint8Array, offset: number): void {
  createPatternSource(pattern).fill(buf, offset);
}

// The 16-byte AES-CTR counter block for a 16-aligned offset: offset / 16 as a 128-bit big-endian integer.
export function counterBlockAt(offset: number): Uint8Array {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset % AES_BLOCK !== 0) {
    throw new RangeError(`counter offset must be a non-negative multiple of 16, got ${offset}`);
  }
  const block = new Uint8Array(AES_BLOCK);
  writeCounterBlock(block, offset);
  return block;
}

function createBytesSource(pattern: Extract<PlannedPattern, { kind: 'bytes' }>): PatternSource {
  const bytes = pattern.bytes;
  if (bytes.length < 1 || bytes.length > 3 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw new RangeError(`a fixed pattern is 1 to 3 bytes of 0-255, got [${bytes.join(', ')}]`);
  }
  const n = bytes.length;
  const phases = bytes.map((_, phase) => Uint8Array.from(bytes.map((__, i) => bytes[(phase + i) % n]!)));
  const fill = (buf: Uint8Array, offset: number): void => {
    checkOffset(offset);
    if (n === 1) buf.fill(bytes[0]!);
    else Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).fill(phases[offset % n]!);
  };
  return { pattern, period: n, fill, fillAsync: async (buf, offset) => fill(buf, offset) };
}

function createAesCtrSource(pattern: Extract<PlannedPattern, { kind: 'aes-ctr' }>): PatternSource {
  if (!/^[0-9a-fA-F]{64}$/.test(pattern.keyHex))
    throw new RangeError('an aes-ctr pattern needs a 256-bit key as 64 hex digits');
  const stream = createAesCtrStream(Buffer.from(pattern.keyHex, 'hex'));
  const matchesAsync = stream.matchesAsync;
  return {
    pattern,
    period: 0,
    fill(buf, offset) {
      checkOffset(offset);
      stream.fill(buf, offset);
    },
    async fillAsync(buf, offset) {
      checkOffset(offset);
      await stream.fillAsync(buf, offset);
    },
    ...(matchesAsync && {
      async matchesAsync(buf: Uint8Array, offset: number) {
        checkOffset(offset);
        return matchesAsync(buf, offset);
      },
    }),
  };
}

function checkOffset(offset: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
}
