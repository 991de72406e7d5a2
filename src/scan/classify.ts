// The classification half of the scanner: given bytes already read, say which known structures
// start in a region and which content rules match in it. Pure and synchronous; no I/O.
//
// Speed (scripts/scan-throughput.mjs): the sector sweep reads one byte per distinct "key offset"
// (about 20) per 512-byte sector through a 256-entry table per offset, and only on a table hit
// compares a whole magic and runs a validator; nothing is allocated unless something matches.
// Content rules use Buffer.indexOf (memchr-class search) for their triggers and a stride-4 digit
// test for card numbers.
import { Buffer } from 'node:buffer';
import { CONTENT_RULES, type ContentMatch } from './content-rules.js';
import type { Finding, ScanWindow } from './kinds.js';
import { nativeScan } from './native-scan.js';
import { SIGNATURES, type Signature } from './signatures.js';
import { VALIDATORS, type ValidateContext, type Validator } from './validators.js';

export interface ClassifyOptions {
  /**
   * Run the content rules (keys, tokens, e-mail addresses, card numbers) over the region; 'strong'
   * runs only the rules whose matches cannot arise from random bytes (private keys, AWS key ids,
   * JWTs), for blocks that look random but may hide a short secret.
   * @default true
   */
  contentRules?: boolean | 'strong';
  /** Check the 512-byte sector starts for known structures. @default true */
  structures?: boolean;
  /**
   * Drop content matches inside a 4 KiB block that looks random (noise in encrypted or compressed
   * data). Off when the caller has already isolated the bytes that are residue. @default true
   */
  noiseFilter?: boolean;
}

const SECTOR = 512;
const SWEEP_CHUNK = 256 * 1024;
const ENTROPY_BLOCK = 4096;

interface Candidate {
  readonly signature: Signature;
  readonly index: number;
  readonly validate: Validator;
  readonly magicOffset: number;
  readonly bytes: Uint8Array;
}

// The index: for each distinct key offset (magic offset + the index of the magic's first byte
// that is neither 0x00 nor 0xFF, so zero- and one-filled sectors never hit), a 256-entry table
// from the byte found there to a group of candidates.
const { KEY_OFFSETS, KEY_TABLE, GROUPS } = (() => {
  const entries: { keyOffset: number; keyByte: number; candidate: Candidate }[] = [];
  SIGNATURES.forEach((signature: Signature, index) => {
    for (const magic of signature.magics) {
      let k = magic.bytes.findIndex((b) => b !== 0x00 && b !== 0xff);
      if (k < 0) k = 0;
      entries.push({
        keyOffset: magic.offset + k,
        keyByte: magic.bytes[k]!,
        candidate: {
          signature,
          index,
          validate: VALIDATORS[signature.validate],
          magicOffset: magic.offset,
          bytes: Uint8Array.from(magic.bytes),
        },
      });
    }
  });
  const offsets = [...new Set(entries.map((e) => e.keyOffset))].sort((a, b) => a - b);
  const table = new Int32Array(offsets.length * 256).fill(-1);
  const groups: Candidate[][] = [];
  for (const entry of entries) {
    const slot = (offsets.indexOf(entry.keyOffset) << 8) | entry.keyByte;
    if (table[slot]! < 0) {
      table[slot] = groups.length;
      groups.push([]);
    }
    groups[table[slot]!]!.push(entry.candidate);
  }
  return { KEY_OFFSETS: Int32Array.from(offsets), KEY_TABLE: table, GROUPS: groups };
})();

function matchesMagic(buf: Uint8Array, at: number, bytes: Uint8Array): boolean {
  if (at + bytes.length > buf.length) return false;
  for (let i = 0; i < bytes.length; i++) if (buf[at + i] !== bytes[i]) return false;
  return true;
}

// Validate the candidates of one table hit at structure start p.
function checkCandidates(group: Candidate[], buf: Uint8Array, p: number, ctx: ValidateContext, out: Finding[]): void {
  for (const candidate of group) {
    if (!matchesMagic(buf, p + candidate.magicOffset, candidate.bytes)) continue;
    const match = candidate.validate(buf, p, ctx);
    if (match === null) continue;
    const offset = ctx.base + p;
    // Two magics of one entry (swap page sizes) can both lead here: report the structure once.
    if (out.some((f) => f.offset === offset && f.kind === candidate.signature.kind && f.detail === match.detail))
      continue;
    out.push({
      offset,
      length: match.length,
      category: candidate.signature.category,
      kind: candidate.signature.kind,
      confidence: match.confidence,
      detail: match.detail,
    });
  }
}

function byOffsetThenKind(a: Finding, b: Finding): number {
  return a.offset - b.offset || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
}

// Classify the region buf[start, end) of a window: every structure of SIGNATURES that starts on a
// 512-byte boundary of the target inside the region (validated with the bytes that follow, up to
// the end of buf), and every content-rule match whose trigger lies in the region. Findings are
// sorted by offset; adjacent findings of a `coalesce` signature are merged.
export function classifyRegion(
  window: ScanWindow,
  start: number,
  end: number,
  options: ClassifyOptions = {},
): Finding[] {
  const { buf, base } = window;
  const stop = Math.min(end, buf.length);
  const findings: Finding[] = [];
  if (start >= stop) return findings;
  const ctx: ValidateContext = { base, targetSize: window.targetSize };
  const len = buf.length;
  const nOffsets = KEY_OFFSETS.length;
  const first = options.structures === false ? stop : Math.ceil((base + start) / SECTOR) * SECTOR - base;
  // Lanes outer, sectors inner, over chunks that stay in cache: each lane is a tight loop with a
  // constant offset and table (about 4x faster in V8 than testing every lane at each sector).
  for (let chunk = first; chunk < stop; chunk += SWEEP_CHUNK) {
    const chunkStop = Math.min(stop, chunk + SWEEP_CHUNK);
    for (let j = 0; j < nOffsets; j++) {
      const offset = KEY_OFFSETS[j]!;
      const last = Math.min(chunkStop, len - offset);
      const lane = j << 8;
      for (let p = chunk; p < last; p += SECTOR) {
        const g = KEY_TABLE[lane | buf[p + offset]!]!;
        if (g >= 0) checkCandidates(GROUPS[g]!, buf, p, ctx, findings);
      }
    }
  }
  if (findings.length > 1) findings.sort(byOffsetThenKind);
  const structures = coalesce(findings);
  if (options.contentRules === false) return structures;
  const content = scanContent(window, start, stop, options.noiseFilter !== false, options.contentRules === 'strong');
  if (content.length === 0) return structures;
  return [...structures, ...content].sort((a, b) => a.offset - b.offset);
}

const COALESCE_KINDS = new Set<string>(SIGNATURES.filter((s: Signature) => s.coalesce === true).map((s) => s.kind));

// Merge runs of adjacent findings of a coalescing kind (the uberblock array of a ZFS label).
function coalesce(findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings;
  const out: Finding[] = [];
  let runCount = 1;
  for (const finding of findings) {
    const prev = out[out.length - 1];
    if (
      prev &&
      COALESCE_KINDS.has(finding.kind) &&
      prev.kind === finding.kind &&
      prev.offset + prev.length === finding.offset
    ) {
      runCount++;
      prev.length += finding.length;
      prev.detail = `${prev.detail.replace(/ and \d+ more$/, '')} and ${runCount - 1} more`;
      continue;
    }
    runCount = 1;
    out.push(finding);
  }
  return out;
}

// Rules whose pattern random bytes produce now and then (about one e-mail-shaped string per 20 MiB
// of random data): in a block that looks random their matches are noise.
const WEAK_RULES = new Set<string>(['email', 'credit-card']);
const STRONG_RULES = CONTENT_RULES.filter((rule) => !WEAK_RULES.has(rule.kind));

// Run the content rules over buf[start, stop); matches of weak rules inside a block that looks
// random (isHighEntropy over its 4 KiB-aligned block) are dropped as noise.
function scanContent(
  window: ScanWindow,
  start: number,
  stop: number,
  noiseFilter: boolean,
  strongOnly: boolean,
): Finding[] {
  const { buf, base } = window;
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const matches: ContentMatch[] = [];
  for (const rule of strongOnly ? STRONG_RULES : CONTENT_RULES) rule.scan(view, start, stop, matches);
  if (matches.length === 0) return [];
  const findings: Finding[] = [];
  let checkedBlock = -1;
  let checkedNoise = false;
  for (const match of matches) {
    const blockStart = Math.floor((base + match.start) / ENTROPY_BLOCK) * ENTROPY_BLOCK - base;
    const weak = WEAK_RULES.has(match.kind);
    if (noiseFilter && weak && blockStart !== checkedBlock) {
      checkedBlock = blockStart;
      checkedNoise = isHighEntropy(buf, Math.max(0, blockStart), Math.min(buf.length, blockStart + ENTROPY_BLOCK));
    }
    if (noiseFilter && weak && checkedNoise) continue;
    findings.push({
      offset: base + match.start,
      length: match.end - match.start,
      category: match.kind === 'email' || match.kind === 'credit-card' ? 'pii' : 'secret',
      kind: match.kind,
      confidence: match.confidence,
      detail: match.detail,
    });
  }
  return findings;
}

/** The classes classifyBlocks writes (the same numbers in native/scan-blocks.cc). */
export const BlockClass = { skipped: 0, zero: 1, ones: 2, highEntropy: 3, other: 4 } as const;

const ZEROS = Buffer.alloc(ENTROPY_BLOCK);
const ONES = Buffer.alloc(ENTROPY_BLOCK, 0xff);

// For each block of buf (blockSize bytes, the last may be short) where mask[i] is set, out[i] =
// zero, ones (all 0xFF), highEntropy (isHighEntropy) or other; out[i] = skipped where it is not.
// In the native addon when it is there (same decisions), else here.
export function classifyBlocks(buf: Uint8Array, blockSize: number, mask: Uint8Array, out: Uint8Array): void {
  const native = nativeScan();
  if (native) return native.classifyBlocks(buf, blockSize, mask, out);
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0, start = 0; start < buf.length; i++, start += blockSize) {
    const end = Math.min(start + blockSize, buf.length);
    out[i] = mask[i] ? classifyBlockJs(view, start, end) : BlockClass.skipped;
  }
}

function classifyBlockJs(buf: Buffer, start: number, end: number): number {
  if (isFilled(buf, start, end, ZEROS)) return BlockClass.zero;
  if (isFilled(buf, start, end, ONES)) return BlockClass.ones;
  return isHighEntropy(buf, start, end) ? BlockClass.highEntropy : BlockClass.other;
}

// Whether buf[start, end) repeats `fill` (a buffer of one repeated byte).
function isFilled(buf: Buffer, start: number, end: number, fill: Buffer): boolean {
  for (let at = start; at < end; at += fill.length) {
    const n = Math.min(fill.length, end - at);
    if (buf.compare(fill, 0, n, at, at + n) !== 0) return false;
  }
  return true;
}

const HISTOGRAMS = new Uint32Array(1024);

// Whether buf[start, end) looks like random, compressed or encrypted data: Pearson's chi-square of
// the byte histogram against uniform must lie in [150, 400] (255 degrees of freedom: mean 255,
// sd 22.6). Uniform random data falls outside with probability about 4e-8 (Wilson-Hilferty:
// P(chi2 > 400) ~ 2e-8, P(chi2 < 150) ~ 2.5e-8); text, zeros, ones, repeated patterns and
// metadata have chi-square in the thousands, and a block that is "too uniform" (a 0..255 ramp)
// falls below 150. Needs >= 1024 bytes, else false. Four interleaved histograms over 32-bit words
// when aligned (about 2x faster in V8 than one histogram over bytes).
export function isHighEntropy(buf: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (n < 1024) return false;
  const h = HISTOGRAMS;
  h.fill(0);
  let i = start;
  if ((buf.byteOffset + start) % 4 === 0) {
    const words = new Int32Array(buf.buffer, buf.byteOffset + start, n >>> 2);
    for (let k = 0; k < words.length; k++) {
      const x = words[k]!;
      h[x & 255]!++;
      h[256 | ((x >>> 8) & 255)]!++;
      h[512 | ((x >>> 16) & 255)]!++;
      h[768 | (x >>> 24)]!++;
    }
    i = start + words.length * 4;
  }
  for (; i < end; i++) h[buf[i]!]!++;
  let sumSquares = 0;
  for (let b = 0; b < 256; b++) {
    const c = h[b]! + h[256 | b]! + h[512 | b]! + h[768 | b]!;
    sumSquares += c * c;
  }
  const chiSquare = (256 * sumSquares) / n - n;
  return chiSquare >= 150 && chiSquare <= 400;
}
