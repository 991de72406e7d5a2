// File headers from REAL tools (ImageMagick, zip, gzip, bzip2, xz, zstd, 7z, tar, sqlite3, the
// system's own ELF binaries), each placed at an odd sector of a zero buffer as a file on FAT could
// be, and the formats no installed tool writes (RAR, PE, MP4, Ogg, RIFF/WAV, PDF) synthesized from
// their specs. Every case checks the kind, the offset and that a corrupted copy is rejected.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import type { FindingKind } from '../../../src/scan/kinds.js';
import { classifyBuffer, hasTool, makeTempDir, placeAt, run } from './helpers.js';

const dir = makeTempDir();
afterAll(() => dir.remove());

const SECTOR_OFFSET = 7 * 512;
const SIZE = 256 * 1024;
const TEXT = 'Quarterly numbers and meeting notes.\n'.repeat(200);

function expectOnly(bytes: Uint8Array, kind: FindingKind, detail?: RegExp): void {
  const findings = classifyBuffer(placeAt(bytes, SECTOR_OFFSET, SIZE), 0, SIZE);
  const structures = findings.filter((f) => f.category === 'file');
  expect(structures).toEqual([expect.objectContaining({ offset: SECTOR_OFFSET, kind, category: 'file' })]);
  if (detail) expect(structures[0]!.detail).toMatch(detail);
}

// A tool writes `name` in the temp dir; returns its bytes.
async function made(name: string, command: string, args: string[]): Promise<Buffer> {
  await run(command, args, { cwd: dir.path });
  return readFileSync(dir.file(name));
}

writeFileSync(dir.file('notes.txt'), TEXT);

describe('file headers from real tools', () => {
  test.skipIf(!hasTool('convert'))('jpeg, png and gif from ImageMagick', async () => {
    expectOnly(await made('a.jpg', 'convert', ['-size', '16x16', 'gradient:red-blue', 'a.jpg']), 'jpeg');
    expectOnly(await made('a.png', 'convert', ['-size', '16x16', 'gradient:red-blue', 'a.png']), 'png', /IHDR valid/);
    expectOnly(await made('a.gif', 'convert', ['-size', '16x16', 'gradient:red-blue', 'a.gif']), 'gif', /^GIF89a/);
  });

  test.skipIf(!hasTool('zip'))('zip', async () => {
    expectOnly(await made('a.zip', 'zip', ['-q', 'a.zip', 'notes.txt']), 'zip', /deflate/);
  });

  test.skipIf(!hasTool('gzip') || !hasTool('bzip2') || !hasTool('xz') || !hasTool('zstd'))(
    'gzip, bzip2, xz and zstd',
    async () => {
      expectOnly(await made('n.gz', 'sh', ['-c', 'gzip -c notes.txt > n.gz']), 'gzip', /with file name/);
      expectOnly(await made('n2.gz', 'sh', ['-c', 'gzip -n -c < notes.txt > n2.gz']), 'gzip');
      expectOnly(await made('n.bz2', 'sh', ['-c', 'bzip2 -c notes.txt > n.bz2']), 'bzip2');
      expectOnly(await made('n.xz', 'sh', ['-c', 'xz -c notes.txt > n.xz']), 'xz');
      expectOnly(await made('n.zst', 'sh', ['-c', 'zstd -q -c notes.txt > n.zst']), 'zstd');
    },
  );

  test.skipIf(!hasTool('7z'))('7z', async () => {
    expectOnly(await made('a.7z', '7z', ['a', '-bd', '-bso0', 'a.7z', 'notes.txt']), '7z');
  });

  test.skipIf(!hasTool('tar'))('tar (GNU and POSIX ustar)', async () => {
    expectOnly(await made('a.tar', 'tar', ['-cf', 'a.tar', 'notes.txt']), 'tar', /GNU/);
    // POSIX: the pax extended header and the member's own header are both ustar headers.
    const posix = await made('p.tar', 'tar', ['--format=posix', '-cf', 'p.tar', 'notes.txt']);
    const findings = classifyBuffer(placeAt(posix, SECTOR_OFFSET, SIZE));
    expect(findings.map((f) => [f.offset, f.kind, f.detail])).toEqual([
      [SECTOR_OFFSET, 'tar', 'tar member header (POSIX ustar)'],
      [SECTOR_OFFSET + 1024, 'tar', 'tar member header (POSIX ustar)'],
    ]);
  });

  test.skipIf(!hasTool('sqlite3'))('sqlite', async () => {
    await run('sqlite3', [dir.file('a.db'), 'create table t(x); insert into t values (1);']);
    expectOnly(readFileSync(dir.file('a.db')).subarray(0, 8192), 'sqlite', /4096-byte pages/);
  });

  test('elf (the running node binary)', () => {
    const elf = readFileSync(process.execPath).subarray(0, 4096);
    expectOnly(elf, 'elf', /^ELF 64-bit/);
  });
});

describe('file headers synthesized from their specs', () => {
  test('pdf (hand-written, ISO 32000 header)', () => {
    expectOnly(
      Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'),
      'pdf',
      /1\.4/,
    );
  });

  test('rar 5 (signature + main archive header with CRC32, RAR 5.0 technote)', () => {
    // Main archive header: size vint, type 1, header flags 0, archive flags 0.
    const body = Buffer.from([0x03, 0x01, 0x00, 0x00]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(zlibCrc32(body));
    expectOnly(Buffer.concat([Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), crc, body]), 'rar', /RAR 5/);
  });

  test('pe (minimal MZ stub + PE\\0\\0 + COFF + PE32+ optional header)', () => {
    expectOnly(minimalPe(), 'pe', /PE32\+ image \(x86-64\)/);
  });

  test('mp4 (ftyp + moov boxes, ISO/IEC 14496-12)', () => {
    const ftyp = Buffer.concat([u32be(24), Buffer.from('ftypisom'), u32be(0x200), Buffer.from('isomiso2')]);
    expectOnly(Buffer.concat([ftyp, u32be(8), Buffer.from('moov')]), 'mp4', /brand isom/);
  });

  test('ogg (first page with CRC, RFC 3533)', () => {
    expectOnly(oggPage(), 'ogg', /beginning of stream/);
  });

  test('riff WAVE (RIFF header + fmt chunk)', () => {
    const fmt = Buffer.alloc(24);
    fmt.write('fmt ', 0, 'latin1');
    fmt.writeUInt32LE(16, 4);
    fmt.writeUInt16LE(1, 8);
    fmt.writeUInt16LE(1, 10);
    fmt.writeUInt32LE(8000, 12);
    fmt.writeUInt32LE(16000, 16);
    fmt.writeUInt16LE(2, 20);
    fmt.writeUInt16LE(16, 22);
    const head = Buffer.alloc(12);
    head.write('RIFF', 0, 'latin1');
    head.writeUInt32LE(4 + 24 + 8, 4);
    head.write('WAVE', 8, 'latin1');
    expectOnly(Buffer.concat([head, fmt, Buffer.from('data\0\0\0\0', 'latin1')]), 'riff', /WAV audio/);
  });
});

describe('near misses of file magics', () => {
  test.for([
    ['PK alone', Buffer.from('PK')],
    ['PK\\3\\4 with an unknown method', Buffer.from('504b03041400000063000000', 'hex')],
    ['FF D8 FF without a marker segment', Buffer.from('ffd8ff00', 'hex')],
    ['MZ without a PE header', Buffer.from('MZ\x90\x00', 'latin1')],
    ['1F 8B 08 with reserved flags', Buffer.from('1f8b08e0', 'hex')],
    [
      'PNG signature with a bad IHDR CRC',
      Buffer.from('89504e470d0a1a0a0000000d494844520000001000000010080600000000000000', 'hex'),
    ],
    [
      'ustar with a wrong checksum',
      (() => {
        const b = Buffer.alloc(512);
        b.write('notes.txt', 0);
        b.write('0000000\0', 148, 'latin1');
        b.write('ustar  \0', 257, 'latin1');
        return b;
      })(),
    ],
  ] as const)('%s', ([, bytes]) => {
    expect(classifyBuffer(placeAt(bytes, SECTOR_OFFSET, 64 * 1024))).toEqual([]);
  });
});

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

// A PE32+ image header: DOS stub with e_lfanew = 0x80, "PE\0\0", COFF (AMD64, 0 sections,
// SizeOfOptionalHeader 240), optional header magic 0x20b.
function minimalPe(): Buffer {
  const b = Buffer.alloc(0x80 + 24 + 240);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x8664, 0x84);
  b.writeUInt16LE(240, 0x80 + 20);
  b.writeUInt16LE(0x22, 0x80 + 22);
  b.writeUInt16LE(0x20b, 0x80 + 24);
  return b;
}

// One Ogg page (BOS) carrying a 30-byte Vorbis identification header, with the page CRC.
function oggPage(): Buffer {
  const payload = Buffer.alloc(30);
  payload.write('\x01vorbis', 0, 'latin1');
  const header = Buffer.alloc(28);
  header.write('OggS', 0, 'latin1');
  header[5] = 0x02;
  header.writeUInt32LE(0x1234, 14);
  header[26] = 1;
  header[27] = payload.length;
  const page = Buffer.concat([header, payload]);
  page.writeUInt32LE(oggCrc32(page), 22);
  return page;
}

function oggCrc32(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}
