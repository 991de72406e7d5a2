// Reads a whole target back and compares every block with the content the pass wrote, regenerated
// at that offset. Reads run in flight on the threadpool; the comparison runs there too with the
// native addon (else on the JS thread, while the other reads are in flight).
import { CleanslateError } from '../errors/index.js';
import type { PlannedPattern, Target } from '../types.js';
import { leaseAlignedBuffers } from './buffer-pool.js';
import { interruptedError, lowestOffset, withStep } from './io-errors.js';
import { resolvePassShape, type PassOptions } from './pass-shape.js';
import { createIoSlots } from './io-slots.js';
import { loadNativeAddon } from './native-addon.js';
import { createPatternSource } from './pattern-source.js';

// 48 KiB: a multiple of every fixed-pattern period (1, 2, 3) that stays in L1/L2 while compared.
const TILE_SIZE = 3 * 16384;

/** A byte range to read; extents are read instead of the whole target (sampling). */
export interface Extent {
  offset: number;
  length: number;
}

/**
 * Called for every chunk that holds at least one mismatching block (with no expected content:
 * every chunk), before its buffer is reused. `window` holds the chunk's ORIGINAL bytes at
 * [0, length) and up to `lookahead` bytes that follow it on the target; `residue[i]` is 1 when
 * block i of the chunk did not match. The callback MUST NOT keep `window` after it settles.
 */
export type ResidueListener = (
  window: Uint8Array,
  offset: number,
  length: number,
  residue: Uint8Array,
) => void | Promise<void>;

export interface VerifyPassOptions extends PassOptions {
  /** Unit of mismatch counting; divides chunkSize. @default 4096 */
  blockSize?: number;
  /** Read only these ranges (sorted, each at most chunkSize, offsets and lengths multiples of 4096 but at the end). @default the whole target */
  extents?: readonly Extent[];
  /** Hands residue chunks to a scanner. */
  onResidue?: ResidueListener;
  /** Bytes after a residue chunk to read into its window (a multiple of 4096). @default 0 */
  lookahead?: number;
}

export interface VerifyPassResult {
  bytesRead: number;
  /** Number of blockSize blocks that differ from the expected content (a short last block counts as one). */
  mismatches: number;
  /** Offset of the first mismatching block (a multiple of blockSize), or null. */
  firstMismatchOffset: number | null;
  durationMs: number;
}

// Verifies that target holds pattern everywhere (or in `extents`); never writes. With a null
// pattern nothing is expected: every chunk goes to onResidue. Rejects with ERR_IO or ERR_INTERRUPTED.
export async function verifyPass(
  target: Target,
  pattern: PlannedPattern | null,
  options: VerifyPassOptions = {},
): Promise<VerifyPassResult> {
  const step = options.step ?? 'verify';
  const { signal, onProgress } = options;
  const size = target.sizeBytes;
  const blockSize = options.blockSize ?? 4096;
  const source = pattern ? createPatternSource(pattern) : null;
  const { chunkSize, inFlight, lanes } = resolvePassShape(options, size, target.path, source?.period === 0);
  const lookahead = options.onResidue ? (options.lookahead ?? 0) : 0;
  const nextExtent = extentIterator(options.extents, size, chunkSize);
  if (!Number.isSafeInteger(blockSize) || blockSize < 1 || chunkSize % blockSize !== 0) {
    throw new CleanslateError('ERR_INTERNAL', `block size ${blockSize} must divide the chunk size ${chunkSize}`, {
      target: target.path,
      step,
    });
  }
  if (signal?.aborted) throw interruptedError(target.path, step, 0, signal.reason);

  const started = performance.now();
  const slots = createIoSlots(inFlight);
  // How a chunk is compared, cheapest first:
  // - native AES stream: regenerate the keystream in cache-sized pieces on the threadpool and compare
  //   (the read buffer is only read, no second buffer, off the JS thread);
  // - fixed pattern: compare against small tiles that stay in cache (one per phase), on the
  //   threadpool with the native addon (the JS thread only dispatches reads), else on the JS thread;
  // - node:crypto stream: regenerate into an expected buffer per lane while the read is in flight.
  // Only a chunk that differs is then checked block by block on the JS thread (a stream's expected
  // content regenerated for just that chunk).
  const matchStream = source?.matchesAsync;
  const compareTile = loadNativeAddon()?.matchesTileAsync;
  const regenerate = source?.period === 0 && !matchStream;
  // With a scanner listening, each read buffer has room for the lookahead after the chunk.
  const laneSize = chunkSize + lookahead;
  const lease = leaseAlignedBuffers(regenerate ? 2 * lanes : lanes, laneSize);
  const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  const readBuffers = lease.buffers.slice(0, lanes).map(asBuffer);
  // A stream compared natively regenerates expected bytes only for a chunk that differs (rare).
  const expectedBuffers = regenerate
    ? lease.buffers.slice(lanes).map(asBuffer)
    : readBuffers.map(() => Buffer.alloc(0));
  const expectedOf = (lane: number, offset: number, length: number): Buffer => {
    if (expectedBuffers[lane]!.length < length) expectedBuffers[lane] = Buffer.allocUnsafe(chunkSize);
    if (!regenerate) source?.fill(expectedBuffers[lane]!.subarray(0, length), offset);
    return expectedBuffers[lane]!;
  };
  const tiles =
    source === null || source.period === 0
      ? []
      : Array.from({ length: source.period }, (_, phase) => {
          const tile = Buffer.allocUnsafe(TILE_SIZE);
          source.fill(tile, phase);
          return tile;
        });
  const residue = readBuffers.map(() => new Uint8Array(Math.ceil(chunkSize / blockSize)));

  let next = 0;
  let bytesRead = 0;
  let mismatches = 0;
  let firstMismatchOffset: number | null = null;
  let failure: CleanslateError | undefined;

  // True when got[start, end) holds what the pass wrote at absolute offset `offset + start`; for a
  // stream, `expected` holds the chunk's expected content.
  const matches = (got: Buffer, expected: Buffer | null, offset: number, start: number, end: number): boolean => {
    if (expected) return got.compare(expected, start, end, start, end) === 0;
    const period = tiles.length;
    for (let at = start; at < end; at += TILE_SIZE) {
      const n = Math.min(TILE_SIZE, end - at);
      if (got.compare(tiles[(offset + at) % period]!, 0, n, at, at + n) !== 0) return false;
    }
    return true;
  };

  const runLane = async (lane: number): Promise<void> => {
    const got = readBuffers[lane]!;
    const flags = residue[lane]!;
    for (;;) {
      if (failure !== undefined || signal?.aborted) return;
      const extent = nextExtent();
      if (!extent) return;
      const { offset, length } = extent;
      next = offset + length;
      const view = got.subarray(0, length);
      try {
        const reading = slots.run(() => target.read(view, offset));
        if (regenerate && source) {
          // Regenerate while the read is in flight; a rejected read is awaited (and thrown) just below.
          try {
            const expected = expectedBuffers[lane]!;
            source.fill(length === chunkSize ? expected : expected.subarray(0, length), offset);
          } catch (err) {
            await reading.catch(() => undefined);
            throw err;
          }
        }
        const n = await reading;
        if (n !== length) {
          throw new CleanslateError('ERR_IO', `the device ended at ${offset + n}, before its reported size ${size}`, {
            target: target.path,
            offset: offset + n,
          });
        }
        const clean =
          source === null
            ? false
            : matchStream
              ? await matchStream(view, offset)
              : compareTile && !regenerate
                ? await compareTile(view, tiles[offset % tiles.length]!)
                : matches(got, regenerate ? expectedBuffers[lane]! : null, offset, 0, length);
        if (!clean) {
          const blocks = Math.ceil(length / blockSize);
          const expected = source?.period === 0 ? expectedOf(lane, offset, length) : null;
          for (let i = 0, at = 0; i < blocks; i++, at += blockSize) {
            const bad = source === null ? true : !matches(got, expected, offset, at, Math.min(at + blockSize, length));
            flags[i] = bad ? 1 : 0;
            if (!bad || source === null) continue;
            mismatches += 1;
            if (firstMismatchOffset === null || offset + at < firstMismatchOffset) firstMismatchOffset = offset + at;
          }
          if (options.onResidue) {
            const extra = Math.min(lookahead, size - (offset + length));
            const more =
              extra > 0 ? await slots.run(() => target.read(got.subarray(length, length + extra), offset + length)) : 0;
            await options.onResidue(got.subarray(0, length + more), offset, length, flags.subarray(0, blocks));
          }
        }
        bytesRead += n;
        onProgress?.(bytesRead);
      } catch (err) {
        // Several transfers are in flight: report the lowest offset that failed (the first byte not done).
        failure = lowestOffset(failure, withStep(err, target.path, step, offset));
      }
    }
  };

  try {
    await Promise.all(readBuffers.map((_, lane) => runLane(lane)));
  } finally {
    lease.release();
  }
  if (failure) throw failure;
  if (signal?.aborted) throw interruptedError(target.path, step, Math.min(next, size), signal.reason);
  return { bytesRead, mismatches, firstMismatchOffset, durationMs: Math.round(performance.now() - started) };
}

// Hands out the chunks to read, in order: the whole target, or the given extents.
function extentIterator(extents: readonly Extent[] | undefined, size: number, chunkSize: number): () => Extent | null {
  if (extents) {
    let i = 0;
    return () => {
      const extent = extents[i++];
      if (!extent) return null;
      if (extent.length > chunkSize || extent.offset + extent.length > size || extent.length <= 0) {
        throw new RangeError(`extent ${extent.offset}+${extent.length} is outside the target or larger than a chunk`);
      }
      return extent;
    };
  }
  let next = 0;
  return () => {
    if (next >= size) return null;
    const extent = { offset: next, length: Math.min(chunkSize, size - next) };
    next += extent.length;
    return extent;
  };
}
