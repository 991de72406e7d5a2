// The residual-signature scanner (DESIGN §5): reads a target (whole or sampled) through the read
// engine, compares every block with the expected content, and classifies each residue block with
// the signature catalogue. Verification comes first: only blocks that differ are classified, so a
// correct wipe scans at read speed. Findings carry offsets and names, never content.
import { CleanslateError } from '../errors/index.js';
import { createPatternSource, verifyPass, type Extent } from '../io/index.js';
import type { PlannedPattern, Target } from '../types.js';
import { BlockClass, classifyBlocks, classifyRegion, isHighEntropy } from './classify.js';
import { FINDING_KINDS, LOOKAHEAD, type Finding, type FindingKind } from './kinds.js';
import { planSample, type SampleOptions } from './sampler.js';

/** The content a scan expects: nothing in particular, or what a pass wrote. */
export type Expectation = { kind: 'none' } | { kind: 'pattern'; pattern: PlannedPattern; describe: string };

export interface ScanOptions {
  mode: 'full' | 'sample';
  sample?: SampleOptions;
  /** Findings kept in the report (counts always count every one). @default 1000 */
  maxFindings?: number;
  signal?: AbortSignal;
  step?: string;
  onProgress?: (bytesDone: number, totalBytes: number) => void;
  onFinding?: (finding: Finding) => void;
}

export interface ScanStats {
  zeroBlocks: number;
  onesBlocks: number;
  highEntropyBlocks: number;
  otherBlocks: number;
}

export interface ScanResult {
  coverage: { mode: 'full' | 'sample'; bytesScanned: number; samples?: number; claim?: string };
  findings: Finding[];
  findingsTruncated: boolean;
  counts: Partial<Record<FindingKind, number>>;
  /** Blocks (4 KiB) that are residue: differ from the expectation (under none: not blank, not random-looking, or holding a finding). */
  residueBlocks: number;
  firstResidueOffset: number | null;
  /** Under a pattern: blocks classified (the residue); under none: every block read. */
  stats: ScanStats;
  clean: boolean;
  durationMs: number;
}

export const SCAN_BLOCK = 4096;

// Scans a target opened for reading; resolves the result, rejects with ERR_IO / ERR_INTERRUPTED.
export async function scanTarget(target: Target, expect: Expectation, options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const maxFindings = options.maxFindings ?? 1000;
  const sample = options.mode === 'sample' ? planSample(target.sizeBytes, options.sample) : null;
  const totalBytes = sample ? sample.extents.reduce((sum, e) => sum + e.length, 0) : target.sizeBytes;
  const collector = createFindingCollector(maxFindings, options.onFinding);
  const stats: ScanStats = { zeroBlocks: 0, onesBlocks: 0, highEntropyBlocks: 0, otherBlocks: 0 };
  let residueBlocks = 0;
  let firstResidueOffset: number | null = null;
  const unexpectedRuns: Extent[] = [];
  const residueBytes = expect.kind === 'pattern' ? createResidueLocator(expect.pattern) : null;

  const onResidue = (window: Uint8Array, offset: number, length: number, residue: Uint8Array): void => {
    const buf = Buffer.from(window.buffer, window.byteOffset, window.byteLength);
    const scanWindow = { buf, base: offset, targetSize: target.sizeBytes };
    const blocks = residue.length;
    // Classes of the residue blocks (BlockClass.skipped for the others).
    const classes = new Uint8Array(blocks);
    classifyBlocks(window.subarray(0, length), SCAN_BLOCK, residue, classes);
    countClasses(classes, stats);
    // Signatures on every non-blank residue block (random-looking ones included: a JPEG header sits
    // in a block of compressed data); all content rules where the bytes are not random-looking, and
    // in random-looking blocks the strong ones (a key in one sector of an otherwise random block).
    const hit = new Uint8Array(blocks);
    // One finding per structure and place, however many passes over the chunk recognise it.
    const seen = new Set<string>();
    const record = (findings: Finding[]) => {
      for (const finding of findings) {
        const key = `${finding.offset}:${finding.kind}`;
        if (seen.has(key)) continue;
        seen.add(key);
        collector.add(finding);
        const block = Math.floor((finding.offset - offset) / SCAN_BLOCK);
        if (block >= 0 && block < blocks) hit[block] = 1;
      }
    };
    for (const cls of [BlockClass.highEntropy, BlockClass.other]) {
      forEachRun(classes, cls, (from, to) => {
        const rules = cls === BlockClass.other ? true : 'strong';
        record(
          classifyRegion(scanWindow, from * SCAN_BLOCK, Math.min(to * SCAN_BLOCK, length), { contentRules: rules }),
        );
      });
    }
    // Under an expected pattern, a random-looking block may still hide a short residue (a key left
    // in one sector of AES output): the bytes that differ from the expectation are the residue, and
    // unless they are themselves random-looking the content rules run on just them.
    if (residueBytes) {
      for (let i = 0; i < blocks; i++) {
        if (classes[i] !== BlockClass.highEntropy) continue;
        const start = i * SCAN_BLOCK;
        const [lo, hi] = residueBytes(buf, offset, start, Math.min(start + SCAN_BLOCK, length));
        if (hi - lo >= 1024 && isHighEntropy(buf, lo, hi)) continue;
        record(classifyRegion(scanWindow, lo, hi, { structures: false, contentRules: true, noiseFilter: false }));
      }
    }
    // A residue block is one that differs from the expectation; under none, one that is neither
    // blank nor random-looking, or that holds a finding.
    let runStart = -1;
    for (let i = 0; i <= blocks; i++) {
      const cls = i < blocks ? classes[i]! : BlockClass.skipped;
      const isResidue =
        cls !== BlockClass.skipped && (expect.kind === 'pattern' || cls === BlockClass.other || hit[i] === 1);
      if (isResidue) {
        residueBlocks++;
        const at = offset + i * SCAN_BLOCK;
        if (firstResidueOffset === null || at < firstResidueOffset) firstResidueOffset = at;
      }
      // Unrecognised residue: the blocks that are residue but hold no finding, as runs.
      const unexplained = isResidue && hit[i] !== 1;
      if (unexplained && runStart < 0) runStart = i;
      if (!unexplained && runStart >= 0) {
        unexpectedRuns.push({
          offset: offset + runStart * SCAN_BLOCK,
          length: Math.min(i * SCAN_BLOCK, length) - runStart * SCAN_BLOCK,
        });
        runStart = -1;
      }
    }
  };

  const result = await verifyPass(target, expect.kind === 'pattern' ? expect.pattern : null, {
    blockSize: SCAN_BLOCK,
    lookahead: LOOKAHEAD,
    onResidue,
    step: options.step ?? 'scan',
    ...(sample ? { extents: sample.extents } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: (done: number) => options.onProgress?.(done, totalBytes) } : {}),
  });

  for (const run of mergeRuns(unexpectedRuns)) {
    collector.add({
      offset: run.offset,
      length: run.length,
      category: 'pattern',
      kind: 'unexpected-content',
      confidence: 'confirmed',
      detail:
        expect.kind === 'pattern'
          ? `${run.length / SCAN_BLOCK} block(s) differ from the expected ${expect.describe} and match no signature`
          : `${Math.ceil(run.length / SCAN_BLOCK)} block(s) of non-blank, non-random content that match no signature`,
    });
  }
  const { findings, truncated, counts } = collector.finish();
  if (expect.kind === 'pattern' && result.mismatches !== residueBlocks) {
    throw new CleanslateError(
      'ERR_INTERNAL',
      `scanner counted ${residueBlocks} residue blocks, verification ${result.mismatches}`,
      {
        target: target.path,
        step: options.step ?? 'scan',
      },
    );
  }
  return {
    coverage: {
      mode: options.mode,
      bytesScanned: result.bytesRead,
      ...(sample ? { samples: sample.samples, claim: sample.claim } : {}),
    },
    findings,
    findingsTruncated: truncated,
    counts,
    residueBlocks,
    firstResidueOffset,
    stats,
    clean: residueBlocks === 0 && findings.length === 0,
    durationMs: Math.round(performance.now() - started),
  };
}

// For a pattern: [first, last + 1) of the bytes of buf[start, end) that differ from what the pattern
// holds at that place (buf[0] is at target offset `offset`).
function createResidueLocator(pattern: PlannedPattern) {
  const source = createPatternSource(pattern);
  const expected = Buffer.alloc(SCAN_BLOCK);
  return (buf: Buffer, offset: number, start: number, end: number): [number, number] => {
    const n = end - start;
    source.fill(expected.subarray(0, n), offset + start);
    let lo = 0;
    while (lo < n && buf[start + lo] === expected[lo]) lo++;
    let hi = n;
    while (hi > lo && buf[start + hi - 1] === expected[hi - 1]) hi--;
    return [start + lo, start + hi];
  };
}

// Adds the classified blocks to the stats.
function countClasses(classes: Uint8Array, stats: ScanStats): void {
  for (const cls of classes) {
    if (cls === BlockClass.zero) stats.zeroBlocks++;
    else if (cls === BlockClass.ones) stats.onesBlocks++;
    else if (cls === BlockClass.highEntropy) stats.highEntropyBlocks++;
    else if (cls === BlockClass.other) stats.otherBlocks++;
  }
}

// Calls fn(from, to) for each maximal run of blocks of one class.
function forEachRun(classes: Uint8Array, cls: number, fn: (from: number, to: number) => void): void {
  let from = -1;
  for (let i = 0; i <= classes.length; i++) {
    const inRun = i < classes.length && classes[i] === cls;
    if (inRun && from < 0) from = i;
    if (!inRun && from >= 0) {
      fn(from, i);
      from = -1;
    }
  }
}

// Sorts runs and joins those that touch (runs found in neighbouring chunks).
export function mergeRuns(runs: readonly Extent[]): Extent[] {
  const sorted = [...runs].sort((a, b) => a.offset - b.offset);
  const out: Extent[] = [];
  for (const run of sorted) {
    const last = out.at(-1);
    if (last && last.offset + last.length >= run.offset) {
      last.length = Math.max(last.length, run.offset + run.length - last.offset);
    } else out.push({ ...run });
  }
  return out;
}

// Keeps the first (lowest-offset) findings up to a cap while counting every one by kind.
function createFindingCollector(max: number, onFinding?: (finding: Finding) => void) {
  let kept: Finding[] = [];
  let truncated = false;
  const counts: Partial<Record<FindingKind, number>> = {};
  const prune = () => {
    kept.sort((a, b) => a.offset - b.offset || a.kind.localeCompare(b.kind));
    if (kept.length > max) {
      kept = kept.slice(0, max);
      truncated = true;
    }
  };
  return {
    add(finding: Finding) {
      counts[finding.kind] = (counts[finding.kind] ?? 0) + 1;
      onFinding?.(finding);
      kept.push(finding);
      if (kept.length >= 2 * max) prune();
    },
    finish() {
      prune();
      const ordered: Partial<Record<FindingKind, number>> = {};
      for (const kinds of Object.values(FINDING_KINDS)) {
        for (const kind of kinds) if (counts[kind]) ordered[kind] = counts[kind];
      }
      return { findings: kept, truncated, counts: ordered };
    },
  };
}
