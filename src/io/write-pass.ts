// One overwrite pass over a whole target: several chunk writes in flight on the libuv threadpool
// while other lanes generate their next chunk (an AES-CTR stream: on the threadpool too with the
// native addon, else on the JS thread; a fixed pattern: once per lane), fdatasync at the end.
import { CleanslateError } from '../errors/index.js';
import type { PlannedPattern, Target } from '../types.js';
import { leaseAlignedBuffers } from './buffer-pool.js';
import { interruptedError, withStep } from './io-errors.js';
import { resolvePassShape, type PassOptions } from './pass-shape.js';
import { createIoSlots } from './io-slots.js';
import { createPatternSource } from './pattern-source.js';

export type WritePassOptions = PassOptions;

export interface WritePassResult {
  /** Bytes written (the target's size when the pass completes). */
  bytes: number;
  /** Wall time of the pass, fdatasync included. */
  durationMs: number;
}

// Overwrites every byte of target with pattern; resolves after the data is synced, rejects with ERR_IO or ERR_INTERRUPTED.
export async function writePass(
  target: Target,
  pattern: PlannedPattern,
  options: WritePassOptions = {},
): Promise<WritePassResult> {
  const step = options.step ?? 'write';
  const { signal, onProgress } = options;
  const size = target.sizeBytes;
  if (!target.writable)
    throw new CleanslateError('ERR_INTERNAL', 'target was opened read-only', { target: target.path, step });
  const source = createPatternSource(pattern);
  const { chunkSize, inFlight, lanes } = resolvePassShape(options, size, target.path, source.period === 0);
  if (signal?.aborted) throw interruptedError(target.path, step, 0, signal.reason);

  const started = performance.now();
  const slots = createIoSlots(inFlight);
  const lease = leaseAlignedBuffers(lanes, chunkSize);
  let next = 0;
  let written = 0;
  let failure: CleanslateError | undefined;

  // A lane owns one buffer: take the next chunk, fill it, write it, repeat. Lanes stop at a chunk
  // boundary on abort or after any lane failed; the writes already issued always complete.
  const runLane = async (buf: Uint8Array): Promise<void> => {
    let filledPhase = -1;
    while (failure === undefined && !signal?.aborted && next < size) {
      const offset = next;
      next += chunkSize;
      const length = Math.min(chunkSize, size - offset);
      try {
        // A stream is generated on the threadpool (native AES) while the other lanes' writes run.
        if (source.period === 0) await source.fillAsync(length === chunkSize ? buf : buf.subarray(0, length), offset);
        else if (offset % source.period !== filledPhase) {
          // A fixed pattern is filled once per phase, not per chunk.
          source.fill(buf, offset);
          filledPhase = offset % source.period;
        }
        const n = await slots.run(() => target.write(length === chunkSize ? buf : buf.subarray(0, length), offset));
        if (n !== length) {
          throw new CleanslateError('ERR_IO', `the device ended at ${offset + n}, before its reported size ${size}`, {
            target: target.path,
            offset: offset + n,
          });
        }
        written += n;
        onProgress?.(written);
      } catch (err) {
        failure ??= withStep(err, target.path, step, offset);
      }
    }
  };

  try {
    await Promise.all(lease.buffers.map(runLane));
  } finally {
    lease.release();
  }
  if (failure) throw failure;
  if (signal?.aborted) {
    // Every chunk below `next` completed: make that prefix durable before reporting the interruption.
    await target.sync().catch(() => undefined);
    throw interruptedError(target.path, step, Math.min(next, size), signal.reason);
  }
  try {
    await target.sync();
  } catch (err) {
    throw withStep(err, target.path, step);
  }
  return { bytes: written, durationMs: Math.round(performance.now() - started) };
}
