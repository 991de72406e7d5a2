// A pool of aligned buffer sets, so consecutive passes reuse the same memory instead of leaving
// a fresh WebAssembly.Memory per pass to the garbage collector. Concurrent passes (wipe --parallel)
// each take their own set; a set is never shared while leased.
import { allocateAlignedBuffers } from './aligned-memory.js';

export interface BufferLease {
  readonly buffers: Uint8Array[];
  /** Returns the set to the pool; the caller MUST NOT touch the buffers afterwards. */
  release(): void;
}

const free = new Map<string, Uint8Array[][]>();

// Leases `count` aligned buffers of `size` bytes, reusing a released set of the same shape.
export function leaseAlignedBuffers(count: number, size: number): BufferLease {
  const key = `${count}x${size}`;
  const buffers = free.get(key)?.pop() ?? allocateAlignedBuffers(count, size);
  let released = false;
  return {
    buffers,
    release() {
      if (released) return;
      released = true;
      const list = free.get(key) ?? [];
      list.push(buffers);
      free.set(key, list);
    },
  };
}
