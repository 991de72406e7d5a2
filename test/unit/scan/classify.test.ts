// classifyRegion on data that must give nothing (AES-CTR keystream, zeros, 0xFF, near misses),
// region bounds and alignment, isHighEntropy, and the shape of the catalogue itself (every kind of
// DESIGN §5 covered, every entry citing a source). Nothing here is timed: see scripts/scan-throughput.mjs.
import { createCipheriv } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { classifyRegion, isHighEntropy } from '../../../src/scan/classify.js';
import { CONTENT_RULES } from '../../../src/scan/content-rules.js';
import { categoryOf, FINDING_KINDS, LOOKAHEAD } from '../../../src/scan/kinds.js';
import { FIXED_PROBES, listProbeOffsets, SIGNATURES } from '../../../src/scan/signatures.js';
import { VALIDATORS } from '../../../src/scan/validators.js';
import { classifyBuffer, placeAt } from './helpers.js';

const MiB = 1024 * 1024;

function keystream(bytes: number, seed = 1): Buffer {
  return createCipheriv('aes-256-ctr', Buffer.alloc(32, seed), Buffer.alloc(16)).update(Buffer.alloc(bytes));
}

describe('nothing to find', () => {
  test('64 MiB of AES-256-CTR keystream, content rules on, in 4 MiB regions with lookahead', () => {
    const buf = keystream(64 * MiB);
    expect(classifyBuffer(buf)).toEqual([]);
    const region = 4 * MiB;
    for (let start = 0; start < buf.length; start += region) {
      const window = {
        buf: buf.subarray(start, Math.min(buf.length, start + region + LOOKAHEAD)),
        base: start,
        targetSize: buf.length,
      };
      expect(classifyRegion(window, 0, region)).toEqual([]);
    }
  });

  test.for([
    ['all zero', 0x00],
    ['all 0xFF', 0xff],
  ])('%s', ([, fill]) => {
    expect(classifyBuffer(Buffer.alloc(8 * MiB, fill))).toEqual([]);
  });

  test.for([
    ['0x55AA alone at 510', Buffer.from([0x55, 0xaa]), 510],
    ['0x55AA with an all-zero partition table', Buffer.from([0x55, 0xaa]), 510],
    ['EF53 alone', Buffer.from([0x53, 0xef]), 1024 + 0x38],
    ['XFSB alone', Buffer.from('XFSB'), 0],
    ['EFI PART without a valid CRC', Buffer.from('EFI PART\0\0\x01\0\x5c\0\0\0', 'latin1'), 512],
    ['LUKS magic with version 7', Buffer.from('LUKS\xba\xbe\0\x07', 'latin1'), 0],
    ['SWAPSPACE2 without a header', Buffer.from('SWAPSPACE2'), 4086],
    ['_BHRfS_M without a superblock', Buffer.from('_BHRfS_M'), 65536 + 0x40],
    ['CD001 with a bad version', Buffer.from('\x01CD001\x02', 'latin1'), 0x8000],
    ['BZh9 without a block magic', Buffer.from('BZh91AY&SX'), 0],
  ] as const)('near miss: %s', ([, bytes, offset]) => {
    expect(classifyBuffer(placeAt(bytes, offset, 256 * 1024))).toEqual([]);
  });

  test('an MBR entry running past the end of the target is rejected', () => {
    const sector = Buffer.alloc(512);
    sector[446 + 4] = 0x83;
    sector.writeUInt32LE(2048, 446 + 8);
    sector.writeUInt32LE(100_000, 446 + 12);
    sector[510] = 0x55;
    sector[511] = 0xaa;
    const small = placeAt(sector, 0, 1 * MiB);
    expect(classifyBuffer(small)).toEqual([]);
    expect(classifyBuffer(small, 0, 64 * MiB).map((f) => f.detail)).toEqual(['MBR partition table, 1 partition']);
  });
});

describe('regions', () => {
  const sqlite = Buffer.alloc(100);
  sqlite.write('SQLite format 3\0', 0, 'latin1');
  sqlite.writeUInt16BE(4096, 16);
  sqlite.set([1, 1, 0, 64, 32, 32], 18);

  test('structures start on 512-byte boundaries of the target, whatever the window base', () => {
    const buf = placeAt(sqlite, 1024 + 512, 8192);
    expect(classifyRegion({ buf, base: 0, targetSize: 1 * MiB }, 0, 8192).map((f) => f.offset)).toEqual([1536]);
    // The same bytes in a window whose base is not sector-aligned: not at a sector start.
    expect(classifyRegion({ buf, base: 100, targetSize: 1 * MiB }, 0, 8192)).toEqual([]);
    // Window base 512 * k: reported at the absolute offset.
    expect(classifyRegion({ buf, base: 1 * MiB, targetSize: 4 * MiB }, 0, 8192).map((f) => f.offset)).toEqual([
      MiB + 1536,
    ]);
  });

  test('a structure is reported by the region it starts in, validated with the lookahead', () => {
    const buf = placeAt(sqlite, 4096, 8192);
    const window = { buf, base: 0, targetSize: 8192 };
    expect(classifyRegion(window, 0, 4096)).toEqual([]);
    expect(classifyRegion(window, 4096, 4608)).toHaveLength(1);
    expect(classifyRegion(window, 4608, 8192)).toEqual([]);
  });
});

describe('isHighEntropy', () => {
  test('AES-CTR blocks are high-entropy (every one of 16384 blocks of 4 KiB)', () => {
    const buf = keystream(64 * MiB, 9);
    let misses = 0;
    for (let i = 0; i < buf.length; i += 4096) if (!isHighEntropy(buf, i, i + 4096)) misses++;
    expect(misses).toBe(0);
  });

  test.for([
    ['zeros', Buffer.alloc(4096)],
    ['ones', Buffer.alloc(4096, 0xff)],
    ['text', Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(100).slice(0, 4096))],
    ['a 0..255 ramp', Buffer.from(Array.from({ length: 4096 }, (_, i) => i & 255))],
    ['a repeated 1 KiB random pattern', Buffer.concat(Array(4).fill(keystream(1024, 3)))],
    ['base64 of random bytes', Buffer.from(keystream(3072, 4).toString('base64').slice(0, 4096))],
    ['half random, half zero', Buffer.concat([keystream(2048, 5), Buffer.alloc(2048)])],
    [
      'little-endian 32-bit counters',
      Buffer.from(new Uint32Array(Array.from({ length: 1024 }, (_, i) => i * 2654435761)).buffer),
    ],
  ] as const)('%s is not', ([, block]) => {
    expect(isHighEntropy(block, 0, block.length)).toBe(false);
  });

  test('unaligned starts and short ranges', () => {
    const buf = keystream(8192 + 3, 6);
    expect(isHighEntropy(buf, 3, 4099)).toBe(true);
    expect(isHighEntropy(buf, 0, 1000)).toBe(false);
  });
});

describe('catalogue', () => {
  const structural = Object.entries(FINDING_KINDS).filter(
    ([category]) => !['secret', 'pii', 'pattern'].includes(category),
  );

  test('every partition-table, filesystem, container and file kind has a signature', () => {
    const covered = new Set(SIGNATURES.map((s) => s.kind));
    for (const [, kinds] of structural) for (const kind of kinds) expect(covered, kind).toContain(kind);
  });

  test('every secret and pii kind has a content rule', () => {
    const covered = new Set(CONTENT_RULES.map((r) => r.kind));
    for (const kind of [...FINDING_KINDS.secret, ...FINDING_KINDS.pii]) expect(covered, kind).toContain(kind);
  });

  test('entries are well formed: source cited, category of the kind, validator present, ids unique', () => {
    expect(new Set(SIGNATURES.map((s) => s.id)).size).toBe(SIGNATURES.length);
    for (const s of SIGNATURES) {
      expect(s.source.length, s.id).toBeGreaterThan(10);
      expect(categoryOf(s.kind)).toBe(s.category);
      expect(typeof VALIDATORS[s.validate]).toBe('function');
      expect(s.magics.length).toBeGreaterThan(0);
    }
    for (const rule of CONTENT_RULES) expect(rule.source.length).toBeGreaterThan(10);
  });

  test('fixed probes lie inside the target', () => {
    const size = 300 * MiB + 4096;
    const probes = listProbeOffsets(size);
    expect(probes.length).toBeGreaterThan(10);
    for (const { offset, length } of probes) expect(offset + length).toBeLessThanOrEqual(size);
    expect(probes.map((p) => p.offset)).toContain(size - 512);
    expect(FIXED_PROBES.every((p) => p.source.length > 0)).toBe(true);
  });
});
