// Aligned I/O memory. O_DIRECT needs buffer addresses aligned to the logical block size (we use
// 4096); Buffer.alloc and ArrayBuffer memory sit at page + 16. A WebAssembly.Memory is 64 KiB
// aligned, so every buffer here is sliced out of one. The memory is never grown: growing would
// detach every view already handed out.

/** Alignment of every buffer, offset and length the engine uses with O_DIRECT. */
export const IO_ALIGNMENT = 4096;

const WASM_PAGE = 65536;

// Node's types do not declare the WebAssembly global; this is the one part we use.
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum?: number }) => { readonly buffer: ArrayBuffer };
};

// Slices `count` buffers of `size` bytes (a multiple of 4096) out of one fresh 64 KiB-aligned memory.
export function allocateAlignedBuffers(count: number, size: number): Uint8Array[] {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError(`buffer count must be a positive integer, got ${count}`);
  if (!Number.isSafeInteger(size) || size < IO_ALIGNMENT || size % IO_ALIGNMENT !== 0) {
    throw new RangeError(`buffer size must be a positive multiple of ${IO_ALIGNMENT}, got ${size}`);
  }
  const pages = Math.ceil((count * size) / WASM_PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  return Array.from({ length: count }, (_, i) => new Uint8Array(memory.buffer, i * size, size));
}
