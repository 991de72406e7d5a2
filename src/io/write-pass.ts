// One overwrite pass over a whole target: several chunk writes in flight on the libuv threadpool
// while other lanes generate their next chunk (an AES-CTR stream: on the threadpool too with the
// native addon, else on the JS thread; a fixed pattern: once per lane), fdatasync at the end.
import { CleanslateError } from '../errors/index.js';
import type { PlannedPattern, Target } from '../types.js';
import { leaseAlignedBuffers } from './buffer-pool.js';
import { interruptedError, lowestOffset, withStep } from './io-errors.js';
import { resolvePassShape, type PassOptions } from './pass-shape.js';
import { createIoSlots } from './io-slots.js';
import { createPatternSource } from './pattern-source.js';

export interface WritePassOptions extends PassOptions {
  /** Resume the pass here: bytes before it are already written (a multiple of 4096). @default 0 */
  startOffset?: number;
  /**
   * Durable progress for resume: after at least `everyBytes` more of the contiguous prefix is
   * written, the pass syncs the target and then calls `save(bytesDone)` (never two at once; the
   * writes keep going meanwhile). On an interruption the pass syncs and saves the exact stop point
   * before rejecting. A failing save fails the pass.
   */
  checkpoint?: { everyBytes: number; save(bytesDone: number): Promise<void> };
  /**
   * --on-error retry:N: a chunk whose write fails is written again up to N times, then block by
   * block (4096 bytes, each up to N times) to isolate the blocks that cannot be written; the pass
   * goes on and fails at its end, naming them. @default no retry: the first error stops the pass
   */
  retry?: { attempts: number; delayMs?: number; onRetry?: (event: WriteRetryEvent) => void };
}

/** One retry of a failed write, for progress events. */
export interface WriteRetryEvent {
  offset: number;
  length: number;
  attempt: number;
  error: string;
}

/** Gives up isolating after this many bad blocks: the device is failing, not a few sectors. */
const MAX_BAD_BLOCKS = 1024;
const RETRY_BLOCK = 4096;

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
  const start = options.startOffset ?? 0;
  if (!Number.isSafeInteger(start) || start < 0 || start > size || (start % 4096 !== 0 && start !== size))
    throw new CleanslateError('ERR_INTERNAL', `cannot resume a pass at ${start}`, { target: target.path, step });
  if (!target.writable)
    throw new CleanslateError('ERR_INTERNAL', 'target was opened read-only', { target: target.path, step });
  const source = createPatternSource(pattern);
  const { chunkSize, inFlight, lanes } = resolvePassShape(options, size, target.path, source.period === 0);
  if (signal?.aborted) throw interruptedError(target.path, step, 0, signal.reason);

  const started = performance.now();
  const slots = createIoSlots(inFlight);
  const lease = leaseAlignedBuffers(lanes, chunkSize);
  const badRanges: { offset: number; length: number }[] = [];
  let badBlocks = 0;
  // Writes a chunk; on failure retries it, then isolates the failing blocks (recorded in badRanges).
  const writeWithRetry = async (
    view: Uint8Array,
    offset: number,
    retry: NonNullable<WritePassOptions['retry']>,
  ): Promise<number> => {
    // The chunk's retries wait (100 ms × attempt by default) for a transient fault to pass; the
    // block-by-block isolation that follows does not wait again.
    const attempt = async (part: Uint8Array, at: number, delayMs: number): Promise<boolean> => {
      for (let i = 0; i <= retry.attempts; i++) {
        try {
          const n = await slots.run(() => target.write(part, at));
          if (n === part.length) return true;
          throw new Error(`short write (${n} of ${part.length} bytes)`);
        } catch (err) {
          if (i === retry.attempts) return false;
          retry.onRetry?.({ offset: at, length: part.length, attempt: i + 1, error: messageOf(err) });
          if (delayMs > 0) await sleep(delayMs * (i + 1));
        }
      }
      return false;
    };
    if (await attempt(view, offset, retry.delayMs ?? 100)) return view.length;
    for (let at = 0; at < view.length; at += RETRY_BLOCK) {
      const part = view.subarray(at, Math.min(at + RETRY_BLOCK, view.length));
      if (await attempt(part, offset + at, 0)) continue;
      const last = badRanges.at(-1);
      if (last && last.offset + last.length === offset + at) last.length += part.length;
      else badRanges.push({ offset: offset + at, length: part.length });
      badBlocks += 1;
      if (badBlocks >= MAX_BAD_BLOCKS) {
        throw new CleanslateError('ERR_IO', `gave up after ${badBlocks} blocks that could not be written`, {
          target: target.path,
          offset: badRanges[0]!.offset,
          badRanges: [...badRanges],
        });
      }
    }
    return view.length;
  };
  let next = start;
  let written = start;
  let failure: CleanslateError | undefined;
  const progress = createPrefixTracker(start);
  const checkpoint = options.checkpoint;
  let savedAt = start;
  let saving: Promise<void> | null = null;
  // Syncs and saves the contiguous prefix when it grew enough; one save at a time, off the lanes' path.
  const maybeCheckpoint = (): void => {
    if (!checkpoint || saving || progress.done() - savedAt < checkpoint.everyBytes) return;
    const done = progress.done();
    saving = target
      .sync()
      .then(() => checkpoint.save(done))
      .then(() => {
        savedAt = done;
      })
      .catch((err: unknown) => {
        failure ??= withStep(err, target.path, `${step}: checkpoint`, done);
      })
      .finally(() => {
        saving = null;
      });
  };

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
        const view = length === chunkSize ? buf : buf.subarray(0, length);
        const n = options.retry
          ? await writeWithRetry(view, offset, options.retry)
          : await slots.run(() => target.write(view, offset));
        if (n !== length) {
          throw new CleanslateError('ERR_IO', `the device ended at ${offset + n}, before its reported size ${size}`, {
            target: target.path,
            offset: offset + n,
          });
        }
        written += n;
        progress.complete(offset, n);
        maybeCheckpoint();
        onProgress?.(written);
      } catch (err) {
        // Several transfers are in flight: report the lowest offset that failed (the first byte not done).
        failure = lowestOffset(failure, withStep(err, target.path, step, offset));
      }
    }
  };

  try {
    await Promise.all(lease.buffers.map(runLane));
  } finally {
    lease.release();
    await saving;
  }
  if (failure) {
    // The prefix before the failing chunk is on the device: keep it for a resume, then report.
    if (checkpoint && progress.done() > savedAt) {
      await target
        .sync()
        .then(() => checkpoint.save(progress.done()))
        .catch(() => undefined);
    }
    throw failure;
  }
  if (signal?.aborted) {
    // Every chunk below `next` completed: make that prefix durable and save it before reporting the interruption.
    const stop = Math.min(next, size);
    await target.sync().catch(() => undefined);
    if (checkpoint) await checkpoint.save(stop);
    throw interruptedError(target.path, step, stop, signal.reason);
  }
  try {
    await target.sync();
  } catch (err) {
    throw withStep(err, target.path, step);
  }
  if (badRanges.length > 0) {
    const listed = badRanges
      .slice(0, 8)
      .map((r) => `${r.offset}+${r.length}`)
      .join(', ');
    throw new CleanslateError(
      'ERR_IO',
      `${badBlocks} block(s) of ${RETRY_BLOCK} bytes could not be written after ${options.retry?.attempts ?? 0} retries: ${listed}${badRanges.length > 8 ? ', ...' : ''}`,
      { target: target.path, step, offset: badRanges[0]!.offset, badRanges },
    );
  }
  return { bytes: written - start, durationMs: Math.round(performance.now() - started) };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// The contiguous prefix of completed chunks, from chunks that complete in any order.
function createPrefixTracker(start: number) {
  let prefix = start;
  const ahead = new Map<number, number>();
  return {
    complete(offset: number, length: number): void {
      ahead.set(offset, length);
      for (let n = ahead.get(prefix); n !== undefined; n = ahead.get(prefix)) {
        ahead.delete(prefix);
        prefix += n;
      }
    },
    done: (): number => prefix,
  };
}
