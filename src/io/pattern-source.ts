// Pattern sources: the content a pass writes at any absolute offset, regenerated on demand for
// verification. A fixed pattern of 1-3 bytes keeps its phase across chunks (byte at offset o is
// bytes[o % n]); the AES-256-CTR stream uses counter block = offset / 16 (128-bit big-endian), so
// any offset can be regenerated alone.
import { createCipheriv } from 'node:crypto';
import type { PlannedPattern } from '../types.js';
import { raiseMallocThresholds } from './malloc-tuning.js';

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
}

// cipher.update allocates its output; 64 KiB inputs measured fastest (16 KiB-1 MiB on Node 20).
const CIPHER_STEP = 64 * 1024;
const ZEROS = new Uint8Array(CIPHER_STEP);
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
  writeCounter(block, offset / AES_BLOCK);
  return block;
}

function writeCounter(block: Uint8Array, counter: number): void {
  block.fill(0);
  const view = new DataView(block.buffer, block.byteOffset, AES_BLOCK);
  view.setUint32(8, Math.floor(counter / 2 ** 32));
  view.setUint32(12, counter >>> 0);
}

function createBytesSource(pattern: Extract<PlannedPattern, { kind: 'bytes' }>): PatternSource {
  const bytes = pattern.bytes;
  if (bytes.length < 1 || bytes.length > 3 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw new RangeError(`a fixed pattern is 1 to 3 bytes of 0-255, got [${bytes.join(', ')}]`);
  }
  const n = bytes.length;
  const phases = bytes.map((_, phase) => Uint8Array.from(bytes.map((__, i) => bytes[(phase + i) % n]!)));
  return {
    pattern,
    period: n,
    fill(buf, offset) {
      checkOffset(offset);
      if (n === 1) buf.fill(bytes[0]!);
      else Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).fill(phases[offset % n]!);
    },
  };
}

function createAesCtrSource(pattern: Extract<PlannedPattern, { kind: 'aes-ctr' }>): PatternSource {
  if (!/^[0-9a-fA-F]{64}$/.test(pattern.keyHex))
    throw new RangeError('an aes-ctr pattern needs a 256-bit key as 64 hex digits');
  const key = Buffer.from(pattern.keyHex, 'hex');
  raiseMallocThresholds();
  const iv = new Uint8Array(AES_BLOCK);
  return {
    pattern,
    period: 0,
    fill(buf, offset) {
      checkOffset(offset);
      const skip = offset % AES_BLOCK;
      writeCounter(iv, (offset - skip) / AES_BLOCK);
      const cipher = createCipheriv('aes-256-ctr', key, iv);
      if (skip > 0) cipher.update(ZEROS.subarray(0, skip));
      for (let at = 0; at < buf.length; at += CIPHER_STEP) {
        const n = Math.min(CIPHER_STEP, buf.length - at);
        buf.set(cipher.update(n === CIPHER_STEP ? ZEROS : ZEROS.subarray(0, n)), at);
      }
    },
  };
}

function checkOffset(offset: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
}
