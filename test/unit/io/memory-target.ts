// An in-memory Target for unit tests of the passes: records concurrency, can fail or end early.
import { CleanslateError } from '../../../src/errors/index.js';
import type { Target } from '../../../src/types.js';

export interface MemoryTargetOptions {
  /** Throw an EIO-like error for a write covering this offset. */
  failWriteAt?: number;
  /** Accept writes only below this offset (a device that ends early). */
  endsAt?: number;
  /** Milliseconds each transfer takes. */
  delayMs?: number;
  writable?: boolean;
}

export interface MemoryTarget extends Target {
  readonly data: Buffer;
  readonly maxConcurrent: number;
  readonly syncs: number;
  readonly writes: Array<{ offset: number; length: number }>;
}

export function createMemoryTarget(size: number, options: MemoryTargetOptions = {}): MemoryTarget {
  const data = Buffer.alloc(size, 0xee);
  let active = 0;
  let maxConcurrent = 0;
  let syncs = 0;
  const writes: Array<{ offset: number; length: number }> = [];
  const transfer = async <T>(fn: () => T): Promise<T> => {
    active += 1;
    maxConcurrent = Math.max(maxConcurrent, active);
    try {
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
      return fn();
    } finally {
      active -= 1;
    }
  };
  return {
    path: '/memory/target',
    kind: 'file',
    sizeBytes: size,
    direct: false,
    alignment: 1,
    writable: options.writable ?? true,
    statKey: 'ino:0:0',
    data,
    get maxConcurrent() {
      return maxConcurrent;
    },
    get syncs() {
      return syncs;
    },
    writes,
    write: (buf, offset) =>
      transfer(() => {
        if (
          options.failWriteAt !== undefined &&
          options.failWriteAt >= offset &&
          options.failWriteAt < offset + buf.length
        ) {
          throw new CleanslateError('ERR_IO', 'write failed: EIO: i/o error', {
            target: '/memory/target',
            step: 'write',
            offset: options.failWriteAt,
          });
        }
        const end = Math.min(offset + buf.length, options.endsAt ?? size);
        const n = Math.max(0, end - offset);
        data.set(buf.subarray(0, n), offset);
        writes.push({ offset, length: n });
        return n;
      }),
    read: (buf, offset) =>
      transfer(() => {
        const n = Math.max(0, Math.min(buf.length, size - offset));
        buf.set(data.subarray(offset, offset + n));
        return n;
      }),
    sync: async () => {
      syncs += 1;
    },
    close: async () => undefined,
  };
}
