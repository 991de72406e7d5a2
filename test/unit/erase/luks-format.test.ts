// LUKS1/LUKS2 header parsing against headers made by the real cryptsetup on image files, compared
// with what `cryptsetup luksDump` reads; damaged, foreign and truncated images; region planning.
import { randomBytes } from 'node:crypto';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  LUKS2_HDR_SIZES,
  LUKS_ERASE_ALIGNMENT,
  LUKS_HEADER_OFFSETS,
  describeLuksVolume,
  hasLuksMagic,
  parseLuks1Header,
  parseLuks2Header,
  parseLuksCandidate,
  planLuksRegions,
  summarizeLuksVolume,
  type LuksCandidate,
  type LuksVolume,
} from '../../../src/erase/luks-format.js';
import { dumpLuks2Json, dumpLuksText, formatLuks, hasCryptsetup, type Luks2DumpJson } from '../../helpers/luks.js';

const MiB = 1024 * 1024;
const ready = await hasCryptsetup();

// Parses the bytes at every header offset of an image held in memory, as the backend does on a target.
function candidatesOf(image: Uint8Array): LuksCandidate[] {
  return LUKS_HEADER_OFFSETS.filter((at) => at < image.length).flatMap((at) => {
    const parsed = parseLuksCandidate(image.subarray(at, at + 4 * MiB), at);
    return parsed.kind === 'ok' ? [parsed.header] : [];
  });
}

function volumeOf(image: Uint8Array): LuksVolume {
  const volume = describeLuksVolume(candidatesOf(image));
  expect(volume).not.toBeNull();
  return volume!;
}

// Regions must be sorted, non-overlapping, 4096-aligned, uniquely labelled, and tile [0, end) exactly.
function expectTiling(regions: { offset: number; length: number; label: string }[], end: number): void {
  let at = 0;
  for (const r of regions) {
    expect(r.offset).toBe(at);
    expect(r.offset % LUKS_ERASE_ALIGNMENT).toBe(0);
    expect(r.length % LUKS_ERASE_ALIGNMENT).toBe(0);
    expect(r.length).toBeGreaterThan(0);
    at += r.length;
  }
  expect(at).toBe(end);
  expect(new Set(regions.map((r) => r.label)).size).toBe(regions.length);
}

describe.runIf(ready)('LUKS headers made by cryptsetup', () => {
  let dir: tmp.DirResult;
  const images: Record<string, { path: string; keys: string[] }> = {};

  beforeAll(async () => {
    dir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-luks-' });
    const make = async (name: string, options: Parameters<typeof formatLuks>[2]): Promise<void> => {
      const path = join(dir.name, `${name}.img`);
      writeFileSync(path, '');
      truncateSync(path, 32 * MiB);
      images[name] = { path, keys: await formatLuks(path, dir.name, options) };
    };
    await make('luks1', { type: 'luks1', keyslots: 3 });
    await make('luks2', { type: 'luks2', keyslots: 2 });
    await make('luks2small', { type: 'luks2', metadataSize: '64k', keyslotsSize: '1m', keyslots: 1 });
  });
  afterAll(() => dir?.removeCallback());

  const image = (name: string): Buffer => readFileSync(images[name]!.path);

  test('LUKS1: phdr fields, 8 keyslots and payload offset equal luksDump', async () => {
    const dump = await dumpLuksText(images.luks1!.path);
    const parsed = parseLuks1Header(image('luks1'));
    expect(parsed.kind).toBe('ok');
    const header = parsed.kind === 'ok' ? parsed.header : null;
    expect(header).toMatchObject({ version: 1, uuid: dump.uuid, payloadOffset: dump.payloadOffsetSectors! * 512 });
    expect(header!.keyslots).toHaveLength(8);
    expect(dump.slots).toHaveLength(8);
    for (const slot of dump.slots) {
      const mine = header!.keyslots[slot.index]!;
      expect(mine.state).toBe(slot.enabled ? 'active' : 'inactive');
      if (slot.enabled) {
        expect(mine.keyMaterialOffset).toBe(slot.keyMaterialOffset! * 512);
        expect(mine.stripes).toBe(slot.stripes);
      }
    }
    // 64-byte key × 4000 stripes = 256000 bytes = 500 sectors of key material per slot.
    expect(header!.keyslots[0]!.keyMaterialLength).toBe(256000);
    expect(header!.keyslots.filter((s) => s.state === 'active')).toHaveLength(3);
    const volume = volumeOf(image('luks1'));
    expect(volume).toMatchObject({ version: 1, activeKeyslots: 3, keyslots: 8, checksumValid: null });
    expect(summarizeLuksVolume(volume)).toBe(`LUKS1 header, UUID ${dump.uuid}, 3 active keyslots, metadata 2 MiB`);
  });

  test('LUKS1: regions are the phdr, all 8 key materials and the rest, tiling [0, payloadOffset)', () => {
    const volume = volumeOf(image('luks1'));
    const regions = planLuksRegions(volume, 32 * MiB);
    expectTiling(regions, volume.dataOffset);
    expect(regions[0]).toEqual({ offset: 0, length: 4096, label: 'LUKS1 phdr' });
    const labels = regions.map((r) => r.label);
    for (let i = 0; i < 8; i++) expect(labels.some((l) => l.startsWith(`LUKS1 keyslot ${i} key material`))).toBe(true);
    expect(labels).toContain('LUKS1 keyslot 3 key material (inactive)');
  });

  test.for(['luks2', 'luks2small'])(
    '%s: both headers, checksums, keyslot areas and data offset equal luksDump',
    async (name) => {
      const dump: Luks2DumpJson = await dumpLuks2Json(images[name]!.path);
      const text = await dumpLuksText(images[name]!.path);
      const bytes = image(name);
      const primary = parseLuks2Header(bytes, 0);
      expect(primary.kind).toBe('ok');
      const p = primary.kind === 'ok' ? primary.header : null;
      const hdrSize = Number(dump.config.json_size) + 4096;
      expect(p).toMatchObject({ which: 'primary', version: 2, hdrSize, hdrOffset: 0, uuid: text.uuid });
      expect(p!.checksumAlg).toBe('sha256');
      expect(p!.checksumValid).toBe(true);
      expect(p!.metadata!.keyslotsSize).toBe(Number(dump.config.keyslots_size));
      expect(p!.metadata!.jsonSize).toBe(hdrSize - 4096);
      expect(p!.metadata!.keyslots.map(({ id, offset, size }) => ({ id, offset, size }))).toEqual(
        Object.entries(dump.keyslots).map(([id, k]) => ({
          id,
          offset: Number(k.area.offset),
          size: Number(k.area.size),
        })),
      );
      expect(p!.metadata!.segmentOffsets).toEqual(Object.values(dump.segments).map((s) => Number(s.offset)));

      const secondary = parseLuks2Header(bytes.subarray(hdrSize), hdrSize);
      expect(secondary.kind).toBe('ok');
      const s = secondary.kind === 'ok' ? secondary.header : null;
      expect(s).toMatchObject({ which: 'secondary', hdrSize, hdrOffset: hdrSize, uuid: p!.uuid, seqid: p!.seqid });
      expect(s!.checksumValid).toBe(true);
      // Exactly the primary at 0 and the secondary at hdr_size carry a magic.
      expect(candidatesOf(bytes).map((c) => c.at)).toEqual([0, hdrSize]);

      const volume = volumeOf(bytes);
      expect(volume).toMatchObject({
        version: 2,
        uuid: text.uuid,
        hdrSize,
        keyslotsSize: Number(dump.config.keyslots_size),
        dataOffset: Number(dump.segments['0']!.offset),
        activeKeyslots: Object.keys(dump.keyslots).length,
        checksumValid: true,
        source: 'primary at 0x0',
      });
    },
  );

  test('LUKS2 default geometry: hdr_size 16 KiB, keyslots area 16 MiB - 32 KiB, data at 16 MiB', () => {
    const volume = volumeOf(image('luks2'));
    expect(volume).toMatchObject({
      hdrSize: 16384,
      keyslotsSize: 16744448,
      dataOffset: 16 * MiB,
      metadataEnd: 16 * MiB,
    });
    expect(summarizeLuksVolume(volume)).toBe(`LUKS2 header, UUID ${volume.uuid}, 2 active keyslots, metadata 16 MiB`);
    const regions = planLuksRegions(volume, 32 * MiB);
    expectTiling(regions, 16 * MiB);
    expect(regions.slice(0, 4).map((r) => [r.offset, r.length, r.label])).toEqual([
      [0, 16384, 'LUKS2 primary header (binary + JSON)'],
      [16384, 16384, 'LUKS2 secondary header (binary + JSON)'],
      [32768, 258048, 'LUKS2 keyslot 0 area (raw)'],
      [290816, 258048, 'LUKS2 keyslot 1 area (raw)'],
    ]);
    expect(regions.at(-1)).toEqual({
      offset: 548864,
      length: 16 * MiB - 548864,
      label: 'LUKS2 keyslots area (unused)',
    });
  });

  test('LUKS2 64 KiB metadata, 1 MiB keyslots: secondary at 64 KiB; padding up to the data segment is planned too', () => {
    const volume = volumeOf(image('luks2small'));
    expect(volume).toMatchObject({ hdrSize: 65536, keyslotsSize: MiB, metadataEnd: 2 * 65536 + MiB });
    const regions = planLuksRegions(volume, 32 * MiB);
    expectTiling(regions, volume.dataOffset);
    expect(regions.map((r) => r.label)).toEqual([
      'LUKS2 primary header (binary + JSON)',
      'LUKS2 secondary header (binary + JSON)',
      'LUKS2 keyslot 0 area (raw)',
      'LUKS2 keyslots area (unused)',
      'LUKS2 metadata area before the data segment (unused)',
    ]);
    // Clipped to a smaller target: nothing past its end.
    const clipped = planLuksRegions(volume, 1 * MiB);
    expectTiling(clipped, MiB);
  });

  test('a destroyed primary header is found through the secondary copy (cryptsetup would recover from it)', () => {
    const bytes = Buffer.from(image('luks2small'));
    bytes.fill(0, 0, 4096);
    expect(parseLuksCandidate(bytes, 0)).toEqual({ kind: 'none' });
    const volume = volumeOf(bytes);
    expect(volume).toMatchObject({ version: 2, hdrSize: 65536, source: 'secondary at 0x10000', checksumValid: true });
    expect(summarizeLuksVolume(volume)).toContain('(from the secondary at 0x10000)');
    // The erase still plans the (damaged) primary area.
    expect(planLuksRegions(volume, 32 * MiB)[0]).toMatchObject({ offset: 0, length: 65536 });
  });

  test('a checksum mismatch is reported; the intact copy wins; a header failing both is still described', () => {
    const bytes = Buffer.from(image('luks2'));
    // A byte of the NUL padding after the JSON text: the JSON still parses, the checksum no longer matches.
    bytes[16384 - 10] = 0x20;
    const primary = parseLuks2Header(bytes, 0);
    expect(primary.kind === 'ok' && primary.header.checksumValid).toBe(false);
    expect(primary.kind === 'ok' && primary.header.metadata).not.toBeNull();
    expect(volumeOf(bytes)).toMatchObject({ source: 'secondary at 0x4000', checksumValid: true });
    bytes[2 * 16384 - 10] = 0x20;
    const volume = volumeOf(bytes);
    expect(volume).toMatchObject({ source: 'primary at 0x0', checksumValid: false });
    expect(summarizeLuksVolume(volume)).toContain('checksum MISMATCH');
    expectTiling(planLuksRegions(volume, 32 * MiB), 16 * MiB);
  });

  test('a truncated image: the binary header parses, the JSON area is reported truncated, no volume', () => {
    const path = join(dir.name, 'truncated.img');
    writeFileSync(path, image('luks2').subarray(0, 8192));
    const bytes = readFileSync(path);
    const parsed = parseLuks2Header(bytes, 0);
    expect(parsed.kind).toBe('ok');
    expect(parsed.kind === 'ok' && parsed.header.metadataError).toMatch(/truncated: 8192 of 16384/);
    expect(describeLuksVolume(candidatesOf(bytes))).toBeNull();
    expect(parseLuks1Header(image('luks1').subarray(0, 300))).toEqual({
      kind: 'damaged',
      reason: 'LUKS1 phdr truncated: 300 of 592 bytes',
    });
  });

  test('a LUKS2 header with an hdr_size the format does not allow is damaged, not trusted', () => {
    const bytes = Buffer.from(image('luks2'));
    bytes.writeBigUInt64BE(12345n, 8);
    expect(parseLuks2Header(bytes, 0)).toEqual({
      kind: 'damaged',
      reason: 'LUKS2 primary header with invalid hdr_size 12345',
    });
  });
});

describe('not LUKS', () => {
  test.for([
    ['zeros', Buffer.alloc(5 * MiB)],
    ['random bytes', randomBytes(5 * MiB)],
    ['empty', Buffer.alloc(0)],
  ] as const)('%s: no candidate at any offset, no volume', ([, bytes]) => {
    expect(LUKS_HEADER_OFFSETS.every((at) => !hasLuksMagic(bytes, at))).toBe(true);
    expect(candidatesOf(bytes)).toEqual([]);
    expect(describeLuksVolume([])).toBeNull();
  });

  test('the magic with another version is not a LUKS header', () => {
    const bytes = Buffer.alloc(4096);
    Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe, 0x00, 0x07]).copy(bytes);
    expect(parseLuksCandidate(bytes, 0)).toEqual({ kind: 'none' });
  });

  test('secondary-header offsets are every hdr_size LUKS2 allows', () => {
    expect(LUKS_HEADER_OFFSETS).toEqual([0, ...LUKS2_HDR_SIZES]);
    expect(LUKS2_HDR_SIZES.map((s) => s / 1024)).toEqual([16, 32, 64, 128, 256, 512, 1024, 2048, 4096]);
  });
});
