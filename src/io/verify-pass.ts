// Reads a whole target back and compares every block with the content the pass wrote, regenerated
// at that offset. Reads run in flight on the threadpool; the comparison runs there too with the
// native addon (else on the JS thread, while the other reads are in flight).
import { CleanslateError } from '../errors/index.js';
import type { PlannedPattern, Target } from '../types.js';
import { leaseAlignedBuffers } from './buffer-pool.js';
import { interruptedError, withStep } from './io-errors.js';
import { resolvePassShape, type PassOptions } from './pass-shape.js';
import { createIoSlots } from './io-slots.js';
import { loadNativeAddon } from './native-addon.js';
import { createPatternSource } from './pattern-source.js';

// 48 KiB: a multiple of every fixed-pattern period (1, 2, 3) that stays in L1/L2 while compared.
const TILE_SIZE = 3 * 16384;

export interface VerifyPassOptions extends PassOptions {
  /** Unit of mismatch counting; divides chunkSize. @default 4096 */
  blockSize?: number;
}

export interface VerifyPassResult {
  bytesRead: number;
  /** Number of blockSize blocks that differ from the expected content (a short last block counts as one). */
  mismatches: number;
  /** Offset of the first mismatching block (a multiple of blockSize), or null. */
  firstMismatchOffset: number | null;
  durationMs: number;
}

// Verifies that target holds pattern everywhere; never writes. Rejects with ERR_IO or ERR_INTERRUPTED.
export async function verifyPass(
  target: Target,
  pattern: PlannedPattern,
  options: VerifyPassOptions = {},
): Promise<VerifyPassResult> {
  const step = options.step ?? 'verify';
  const { signal, onProgress } = options;
  const size = target.sizeBytes;
  const blockSize = options.blockSize ?? 4096;
  const source = createPatternSource(pattern);
  const { chunkSize, inFlight, lanes } = resolvePassShape(options, size, target.path, source.period === 0);
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
  // - native AES stream: XOR the read buffer in place with the keystream on the threadpool, so
  //   matching bytes become 0 (one pass over memory, no second buffer, off the JS thread);
  // - fixed pattern: compare against small tiles that stay in cache (one per phase), on the
  //   threadpool with the native addon (the JS thread only dispatches reads), else on the JS thread;
  // - node:crypto stream: regenerate into an expected buffer per lane while the read is in flight.
  // Only a chunk that differs is then checked block by block on the JS thread (after XOR: against zeros).
  const cancel = source.xorIsZeroAsync;
  const compareTile = loadNativeAddon()?.matchesTileAsync;
  const regenerate = source.period === 0 && !cancel;
  const lease = leaseAlignedBuffers(regenerate ? 2 * lanes : lanes, chunkSize);
  const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  const readBuffers = lease.buffers.slice(0, lanes).map(asBuffer);
  const expectedBuffers = lease.buffers.slice(lanes).map(asBuffer);
  const tiles = cancel
    ? [Buffer.alloc(TILE_SIZE)]
    : regenerate
      ? []
      : Array.from({ length: source.period }, (_, phase) => {
          const tile = Buffer.allocUnsafe(TILE_SIZE);
          source.fill(tile, phase);
          return tile;
        });

  let next = 0;
  let bytesRead = 0;
  let mismatches = 0;
  let firstMismatchOffset: number | null = null;
  let failure: CleanslateError | undefined;

  // True when got[start, end) holds what the pass wrote at absolute offset `offset + start` (after
  // cancelling, when it is all zero).
  const matches = (got: Buffer, lane: number, offset: number, start: number, end: number): boolean => {
    if (regenerate) return got.compare(expectedBuffers[lane]!, start, end, start, end) === 0;
    const period = tiles.length;
    for (let at = start; at < end; at += TILE_SIZE) {
      const n = Math.min(TILE_SIZE, end - at);
      if (got.compare(tiles[(offset + at) % period]!, 0, n, at, at + n) !== 0) return false;
    }
    return true;
  };

  const runLane = async (lane: number): Promise<void> => {
    const got = readBuffers[lane]!;
    while (failure === undefined && !signal?.aborted && next < size) {
      const offset = next;
      next += chunkSize;
      const length = Math.min(chunkSize, size - offset);
      const view = length === chunkSize ? got : got.subarray(0, length);
      try {
        const reading = slots.run(() => target.read(view, offset));
        if (regenerate) {
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
        const clean = cancel
          ? await cancel(view, offset)
          : compareTile && !regenerate
            ? await compareTile(view, tiles[offset % tiles.length]!)
            : matches(got, lane, offset, 0, length);
        if (!clean) {
          for (let at = 0; at < length; at += blockSize) {
            if (matches(got, lane, offset, at, Math.min(at + blockSize, length))) continue;
            mismatches += 1;
            if (firstMismatchOffset === null || offset + at < firstMismatchOffset) firstMismatchOffset = offset + at;
          }
        }
        bytesRead += n;
        onProgress?.(bytesRead);
      } catch (err) {
        failure ??= withStep(err, target.path, step, offset);
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
