/**
 * io: the engine. Opens a target (block device or regular file) once, writes passes and reads
 * them back with several transfers in flight from 4096-aligned memory (O_DIRECT), and regenerates
 * any pattern at any offset for verification.
 *
 * May import only node:* modules, ../errors and ../types. Must not import exec/execa, devices,
 * guards, core or cli: callers pass resolved paths in and get Targets and results back.
 */
export { aesBackend, type AesBackend } from './aes-ctr.js';
export { IO_ALIGNMENT, allocateAlignedBuffers } from './aligned-memory.js';
export { leaseAlignedBuffers, type BufferLease } from './buffer-pool.js';
export { dryRunTarget, type DryRunTarget } from './dry-run-target.js';
export { formatMajorMinor, openTarget, type OpenTargetOptions } from './open-target.js';
export { DEFAULT_CHUNK_SIZE, DEFAULT_IN_FLIGHT, DEFAULT_STREAM_IN_FLIGHT, type PassOptions } from './pass-shape.js';
export { counterBlockAt, createPatternSource, fillPattern, type PatternSource } from './pattern-source.js';
export {
  verifyPass,
  type Extent,
  type ResidueListener,
  type VerifyPassOptions,
  type VerifyPassResult,
} from './verify-pass.js';
export { writePass, type WritePassOptions, type WritePassResult } from './write-pass.js';
