// Structures no tool here can write to an image file: ZFS (zfsutils is not installed), md RAID
// (mdadm --create needs the md kernel driver) and LVM2 (pvcreate needs a block device). ZFS and md
// are synthesized from their documented layouts (OpenZFS uberblock_impl.h / vdev_impl.h, kernel
// md_p.h); the LVM2 label is the sector pvcreate wrote on a loop device over a 16 MiB image
// (captured once; the UUID is random).
import { describe, expect, test } from 'vitest';
import { classifyBuffer } from './helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('zfs (synthesized vdev label)', () => {
  // Uberblocks in the array at label + 128 KiB, 1 KiB slots, each with the zio_eck_t trailer magic.
  function zfsImage(size: number, labelOffsets: number[], littleEndian: boolean): Buffer {
    const buf = Buffer.alloc(size);
    const write64 = (value: bigint, at: number) =>
      littleEndian ? buf.writeBigUInt64LE(value, at) : buf.writeBigUInt64BE(value, at);
    for (const label of labelOffsets) {
      for (let slot = 0; slot < 3; slot++) {
        const ub = label + 128 * KiB + slot * KiB;
        write64(0x00bab10cn, ub);
        write64(5000n, ub + 8); // ub_version: SPA_VERSION_FEATURES
        write64(BigInt(4 + slot), ub + 16); // ub_txg
        write64(0x1234567890n, ub + 24); // ub_guid_sum
        write64(1700000000n, ub + 32); // ub_timestamp
        write64(0x0210da7ab10c7a11n, ub + KiB - 40); // zio_eck_t.zec_magic
      }
    }
    return buf;
  }

  test('labels L0, L1 at the start and L2, L3 at the end; uberblocks of one array coalesce', () => {
    const size = 4 * MiB;
    const labels = [0, 256 * KiB, size - 512 * KiB, size - 256 * KiB];
    const findings = classifyBuffer(zfsImage(size, labels, true));
    expect(findings.map((f) => [f.offset, f.length, f.kind, f.confidence])).toEqual(
      labels.map((label) => [label + 128 * KiB, 3 * KiB, 'zfs', 'confirmed']),
    );
    expect(findings[0]!.detail).toBe('ZFS uberblock (pool version 5000, txg 4) and 2 more');
  });

  test('big-endian uberblocks', () => {
    const findings = classifyBuffer(zfsImage(1 * MiB, [0], false));
    expect(findings.map((f) => f.kind)).toEqual(['zfs']);
  });

  test('the magic alone, or with an impossible version, is not a finding', () => {
    const buf = Buffer.alloc(256 * KiB);
    buf.writeBigUInt64LE(0x00bab10cn, 128 * KiB);
    buf.writeBigUInt64LE(77777n, 128 * KiB + 8);
    buf.writeBigUInt64LE(4n, 128 * KiB + 16);
    expect(classifyBuffer(buf)).toEqual([]);
  });
});

// md_p.h checksum: the sum of the little-endian 32-bit words (csum field as 0), folded to 32 bits.
function foldedSum(buf: Buffer, start: number, length: number, skip: number, read: (at: number) => number): number {
  let sum = 0n;
  for (let i = 0; i + 4 <= length; i += 4) if (i !== skip) sum += BigInt(read(start + i));
  if (length % 4 === 2) sum += BigInt(buf.readUInt16LE(start + length - 2));
  return Number(((sum & 0xffffffffn) + (sum >> 32n)) & 0xffffffffn);
}

describe('mdraid (synthesized superblocks)', () => {
  test('md 1.2 superblock at 4 KiB, checksum over 256 + 2 * max_dev bytes', () => {
    const buf = Buffer.alloc(1 * MiB);
    const sb = 4096;
    buf.writeUInt32LE(0xa92b4efc, sb); // magic
    buf.writeUInt32LE(1, sb + 4); // major_version
    buf.writeUInt32LE(0, sb + 8); // feature_map
    buf.write('host:raid', sb + 32, 'latin1'); // set_name
    buf.writeInt32LE(1, sb + 72); // level: RAID1
    buf.writeUInt32LE(2, sb + 92); // raid_disks
    buf.writeBigUInt64LE(2048n, sb + 128); // data_offset
    buf.writeBigUInt64LE(8n, sb + 144); // super_offset (sectors)
    buf.writeUInt32LE(2, sb + 220); // max_dev
    buf.writeUInt16LE(0, sb + 256);
    buf.writeUInt16LE(1, sb + 258);
    buf.writeUInt32LE(
      foldedSum(buf, sb, 260, 216, (at) => buf.readUInt32LE(at)),
      sb + 216,
    );
    expect(classifyBuffer(buf)).toEqual([
      {
        offset: 4096,
        length: 260,
        category: 'container',
        kind: 'mdraid',
        confidence: 'confirmed',
        detail: 'md 1.2 superblock, RAID level 1, 2 disks',
      },
    ]);
    buf[sb + 40] = buf[sb + 40]! ^ 1; // a changed byte breaks the checksum
    expect(classifyBuffer(buf)).toEqual([]);
  });

  test('md 0.90 superblock in the last 64 KiB-aligned 64 KiB', () => {
    const size = 4 * MiB + 12 * KiB;
    const buf = Buffer.alloc(size);
    const sb = Math.floor(size / (64 * KiB)) * 64 * KiB - 64 * KiB;
    const words = [0xa92b4efc, 0, 90, 0, 0, 0x11223344, 1700000000, 5, 4096, 3, 3];
    words.forEach((w, i) => buf.writeUInt32LE(w, sb + 4 * i));
    buf.writeUInt32LE(
      foldedSum(buf, sb, 4096, 152, (at) => buf.readUInt32LE(at)),
      sb + 152,
    );
    expect(classifyBuffer(buf)).toEqual([
      expect.objectContaining({ offset: sb, kind: 'mdraid', detail: 'md 0.90 superblock, RAID level 5, 3 disks' }),
    ]);
  });
});

describe('lvm2 (label sector captured from pvcreate)', () => {
  const LABEL =
    '4c4142454c4f4e45010000000000000059439ddf200000004c564d322030303179564e7663696e4f454e446a476253743137' +
    '3565396436576c75704841715051000000010000000000001000000000000000000000000000000000000000000000000000' +
    '00000000001000000000000000f00f00000000000000000000000000000000000000000002';

  test('LABELONE in sector 1 with a valid CRC and PV header', () => {
    const buf = Buffer.alloc(1 * MiB);
    Buffer.from(LABEL, 'hex').copy(buf, 512);
    expect(classifyBuffer(buf)).toEqual([
      expect.objectContaining({
        offset: 512,
        kind: 'lvm2',
        confidence: 'confirmed',
        detail: 'LVM2 physical volume label (sector 1), device 16 MiB',
      }),
    ]);
    buf[512 + 40] = buf[512 + 40]! ^ 0x20; // one UUID character's case: the CRC no longer matches
    expect(classifyBuffer(buf)).toEqual([]);
  });
});
