// The shape shared by write and verify passes: chunk size, number of transfers in flight, and how
// many lanes a target of a given size actually needs.
import { CleanslateError } from '../errors/index.js';
import { IO_ALIGNMENT } from './aligned-memory.js';

/** Options every pass accepts. */
export interface PassOptions {
  /** Bytes per read or write; a multiple of 4096. @default 1048576 (1 MiB) */
  chunkSize?: number;
  /** Transfers in flight at once (needs UV_THREADPOOL_SIZE at least this). @default 3, 4 for an AES-CTR stream */
  inFlight?: number;
  /** Aborts at the next chunk boundary, after the transfers in flight complete (ERR_INTERRUPTED). */
  signal?: AbortSignal;
  /** Step named in errors: "pass 2/3 (0xff)", "verify pass 3". @default 'write' or 'verify' */
  step?: string;
  /** Called after each chunk with the bytes done so far in this pass. */
  onProgress?: (bytesDone: number) => void;
}

// Measured on a tmpfs-backed loop device (2 cores, bench-results/engine.md): 1 MiB chunks with 3 in
// flight (4 buffers cycling, 4 MiB that stay in L3) beat 4 MiB x 4-8 by 20-40% for writes and reads,
// because the kernel's copy into/out of a cache-hot buffer is faster than into a cold one.
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
export const DEFAULT_IN_FLIGHT = 3;
// An AES-CTR pass generates (native addon: on the threadpool) or cancels each chunk between its
// transfers, so a lane is busy longer: one more transfer in flight measured 3-5% faster for the
// random pass and its verify (1 MiB chunks; 5 was no better, 6-8 slower).
export const DEFAULT_STREAM_IN_FLIGHT = 4;
const MAX_IN_FLIGHT = 64;

export interface PassShape {
  chunkSize: number;
  /** Transfers admitted at once. */
  inFlight: number;
  /** Buffers cycling through fill/check and transfer: one more than inFlight, at most one per chunk. */
  lanes: number;
}

// Validates the options and sizes the lanes: never more lanes than chunks in the target. `stream`:
// the pattern is an AES-CTR stream (not a fixed pattern).
export function resolvePassShape(options: PassOptions, sizeBytes: number, path: string, stream = false): PassShape {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const inFlight = options.inFlight ?? (stream ? DEFAULT_STREAM_IN_FLIGHT : DEFAULT_IN_FLIGHT);
  if (!Number.isSafeInteger(chunkSize) || chunkSize < IO_ALIGNMENT || chunkSize % IO_ALIGNMENT !== 0) {
    throw new CleanslateError(
      'ERR_INTERNAL',
      `chunk size must be a positive multiple of ${IO_ALIGNMENT}, got ${chunkSize}`,
      { target: path },
    );
  }
  if (!Number.isSafeInteger(inFlight) || inFlight < 1 || inFlight > MAX_IN_FLIGHT) {
    throw new CleanslateError('ERR_INTERNAL', `in-flight count must be 1-${MAX_IN_FLIGHT}, got ${inFlight}`, {
      target: path,
    });
  }
  return { chunkSize, inFlight, lanes: Math.max(1, Math.min(inFlight + 1, Math.ceil(sizeBytes / chunkSize))) };
}
