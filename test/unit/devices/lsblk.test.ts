import { describe, expect, test } from 'vitest';
import { collectMountpoints, parseLsblkJson } from '../../../src/devices/index.js';

// Captured on the test machine (lsblk 2.38, --json --bytes), plus a loop device with partitions.
const CAPTURED = JSON.stringify({
  blockdevices: [
    {
      name: 'zram0',
      kname: 'zram0',
      path: '/dev/zram0',
      'maj:min': '253:0',
      type: 'disk',
      size: 0,
      model: null,
      serial: null,
      wwn: null,
      vendor: null,
      'log-sec': 4096,
      'phy-sec': 4096,
      rota: false,
      tran: null,
      ro: false,
      mountpoints: [null],
      pkname: null,
      fstype: null,
    },
    {
      name: 'vda',
      kname: 'vda',
      path: '/dev/vda',
      'maj:min': '254:0',
      type: 'disk',
      size: 274877906944,
      model: null,
      serial: null,
      wwn: null,
      vendor: '0x1af4  ',
      'log-sec': 512,
      'phy-sec': 4096,
      rota: true,
      tran: null,
      ro: false,
      mountpoints: ['/'],
      pkname: null,
      fstype: null,
    },
    {
      name: 'loop5',
      kname: 'loop5',
      path: '/dev/loop5',
      'maj:min': '7:5',
      type: 'loop',
      size: 33554432,
      rota: false,
      ro: false,
      mountpoints: [null],
      children: [
        {
          name: 'loop5p1',
          kname: 'loop5p1',
          path: '/dev/loop5p1',
          'maj:min': '259:0',
          type: 'part',
          size: 16777216,
          mountpoints: ['/mnt/a', '/mnt/b'],
          pkname: 'loop5',
          fstype: 'ext4',
        },
        {
          name: 'loop5p2',
          kname: 'loop5p2',
          path: '/dev/loop5p2',
          'maj:min': '259:1',
          type: 'part',
          size: 15728640,
          mountpoints: [null],
          pkname: 'loop5',
        },
      ],
    },
  ],
});

describe('parseLsblkJson', () => {
  test('normalises nulls, [null] mount points, padded strings and nested children', () => {
    const [zram, vda, loop] = parseLsblkJson(CAPTURED);
    expect(zram).toMatchObject({
      name: 'zram0',
      sizeBytes: 0,
      mountpoints: [],
      rotational: false,
      logicalBlockSize: 4096,
      children: [],
    });
    expect(vda).toMatchObject({
      majorMinor: '254:0',
      sizeBytes: 274877906944,
      vendor: '0x1af4',
      mountpoints: ['/'],
      rotational: true,
    });
    expect(loop?.children.map((c) => c.kname)).toEqual(['loop5p1', 'loop5p2']);
    expect(loop?.children[0]).toMatchObject({ parentKernelName: 'loop5', fstype: 'ext4', serial: null });
    expect(collectMountpoints(loop!)).toEqual(['/mnt/a', '/mnt/b']);
  });

  test('tolerates older lsblk: sizes and flags as strings, a single mountpoint column, no path', () => {
    const [row] = parseLsblkJson(
      JSON.stringify({
        blockdevices: [
          { name: 'sda', 'maj:min': '8:0', type: 'disk', size: '500107862016', rota: '1', ro: '0', mountpoint: null },
        ],
      }),
    );
    expect(row).toMatchObject({
      kname: 'sda',
      path: '/dev/sda',
      sizeBytes: 500107862016,
      rotational: true,
      readOnly: false,
      mountpoints: [],
    });
  });

  test('rejects what is not lsblk JSON', () => {
    expect(() => parseLsblkJson('not json')).toThrow(/invalid JSON/);
    expect(() => parseLsblkJson('{"devices": []}')).toThrow(/blockdevices/);
    expect(() => parseLsblkJson('{"blockdevices": [{"size": 1}]}')).toThrow(/no name/);
  });
});
