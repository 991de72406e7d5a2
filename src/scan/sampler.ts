// Chooses what a sample scan reads (DESIGN §5): n uniform random blocks, where n makes the claim
// "a residue covering ≥ p of the device would have been found with probability ≥ 1−α" true, plus
// one block per stratum of n equal strata, plus the first 4 MiB, the last 1 MiB and every fixed
// place of the signature catalogue (btrfs mirrors at 64 MiB and 256 GiB, backup GPT, ...). Pure
// but for the random source.
import { randomInt } from 'node:crypto';
import { listProbeOffsets } from './signatures.js';

export const SAMPLE_BLOCK = 4096;
const HEAD_BYTES = 4 * 1024 * 1024;
const TAIL_BYTES = 1024 * 1024;

export interface SampleOptions {
  /** 1 − α. @default 0.99 */
  confidence?: number;
  /** p, the smallest fraction of the device a residue must cover to be found with that confidence. @default 0.001 */
  residueFraction?: number;
  /** Largest extent handed to the reader (a multiple of 4096). @default 1 MiB */
  maxExtent?: number;
  /** Random integer in [0, max). @default crypto.randomInt */
  random?: (max: number) => number;
}

export interface SamplePlan {
  extents: { offset: number; length: number }[];
  /** Uniform random blocks the claim rests on. */
  samples: number;
  /** Every block read (uniform, stratified and fixed), each counted once. */
  blocks: number;
  claim: string;
}

// The number of uniform samples n with (1 − p)^n ≤ α.
export function samplesFor(confidence: number, residueFraction: number): number {
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
  if (!(residueFraction > 0 && residueFraction < 1)) {
    throw new RangeError(`residue fraction must be between 0 and 1, got ${residueFraction}`);
  }
  return Math.ceil(Math.log(1 - confidence) / Math.log(1 - residueFraction));
}

// Plans the blocks of a sample scan of a target of `size` bytes.
export function planSample(size: number, options: SampleOptions = {}): SamplePlan {
  const confidence = options.confidence ?? 0.99;
  const p = options.residueFraction ?? 0.001;
  const random = options.random ?? ((max: number) => randomInt(max));
  const maxExtent = options.maxExtent ?? 1024 * 1024;
  const n = samplesFor(confidence, p);
  const total = Math.ceil(size / SAMPLE_BLOCK);
  const chosen = new Set<number>();
  const addRange = (from: number, bytes: number) => {
    const first = Math.floor(Math.max(0, from) / SAMPLE_BLOCK);
    const last = Math.min(total, Math.ceil(Math.min(size, from + bytes) / SAMPLE_BLOCK));
    for (let b = first; b < last; b++) chosen.add(b);
  };
  addRange(0, HEAD_BYTES);
  addRange(size - TAIL_BYTES, TAIL_BYTES);
  for (const probe of listProbeOffsets(size)) addRange(probe.offset, probe.length);
  if (n >= total) {
    addRange(0, size);
  } else {
    for (let i = 0; i < n; i++) chosen.add(random(total));
    for (let i = 0; i < n; i++) {
      const from = Math.floor((i * total) / n);
      const to = Math.floor(((i + 1) * total) / n);
      if (to > from) chosen.add(from + random(to - from));
    }
  }
  const blocks = [...chosen].sort((a, b) => a - b);
  const extents: { offset: number; length: number }[] = [];
  for (const block of blocks) {
    const offset = block * SAMPLE_BLOCK;
    const length = Math.min(SAMPLE_BLOCK, size - offset);
    const last = extents.at(-1);
    if (last && last.offset + last.length === offset && last.length + length <= maxExtent) last.length += length;
    else extents.push({ offset, length });
  }
  const percent = (x: number) => `${+(x * 100).toPrecision(3)}%`;
  return {
    extents,
    samples: Math.min(n, total),
    blocks: blocks.length,
    claim:
      `a residue covering ≥ ${percent(p)} of the device would have been found with probability ≥ ${percent(confidence)} ` +
      `(n = ${Math.min(n, total)} uniform ${SAMPLE_BLOCK}-byte samples, plus ${n} stratified, the first 4 MiB, ` +
      'the last 1 MiB and the fixed places of known signatures)',
  };
}
