import { describe, expect, test } from 'vitest';
import { allocateAlignedBuffers, IO_ALIGNMENT, leaseAlignedBuffers } from '../../../src/io/index.js';

describe('allocateAlignedBuffers', () => {
  test('slices disjoint, 4096-aligned buffers out of one WebAssembly memory', () => {
    const buffers = allocateAlignedBuffers(5, 3 * IO_ALIGNMENT);
    expect(buffers).toHaveLength(5);
    const memory = buffers[0]!.buffer;
    buffers.forEach((buf, i) => {
      expect(buf.buffer).toBe(memory);
      expect(buf.byteOffset % IO_ALIGNMENT).toBe(0);
      expect(buf.byteOffset).toBe(i * 3 * IO_ALIGNMENT);
      expect(buf.byteLength).toBe(3 * IO_ALIGNMENT);
    });
    // Distinct memory: writing one buffer leaves its neighbours alone.
    buffers[1]!.fill(7);
    expect(buffers[0]!.every((b) => b === 0)).toBe(true);
    expect(buffers[2]!.every((b) => b === 0)).toBe(true);
    // A WebAssembly memory is never detached behind our back: it cannot be transferred or grown here.
    expect(memory.byteLength % 65536).toBe(0);
  });

  test.for([
    [1, 4095],
    [1, 4097],
    [0, 4096],
    [1, 0],
    [1.5, 4096],
  ])('rejects count %i and size %i', ([count, size]) => {
    expect(() => allocateAlignedBuffers(count!, size!)).toThrow(RangeError);
  });
});

describe('leaseAlignedBuffers', () => {
  test('a released set is reused; a leased set is never handed out twice', () => {
    const a = leaseAlignedBuffers(2, 8192);
    const b = leaseAlignedBuffers(2, 8192);
    expect(b.buffers[0]!.buffer).not.toBe(a.buffers[0]!.buffer);
    a.release();
    a.release(); // idempotent
    const c = leaseAlignedBuffers(2, 8192);
    expect(c.buffers[0]!.buffer).toBe(a.buffers[0]!.buffer);
    const d = leaseAlignedBuffers(2, 8192);
    expect(d.buffers[0]!.buffer).not.toBe(a.buffers[0]!.buffer);
    b.release();
    c.release();
    d.release();
  });
});
