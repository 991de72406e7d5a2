import { describe, expect, test } from 'vitest';
import { findSystemDisks, type BlockNode, type MountEntry } from '../../../src/devices/index.js';

function node(name: string, majorMinor: string, extra: Partial<BlockNode> = {}): BlockNode {
  return { name, majorMinor, parent: null, holders: [], slaves: [], readOnly: false, dmName: null, ...extra };
}

function mount(
  majorMinor: string,
  mountPoint: string,
  source = 'x',
  sourceMajorMinor: string | null = null,
): MountEntry {
  return {
    majorMinor,
    sourceMajorMinor,
    root: '/',
    mountPoint,
    mountOptions: ['rw'],
    fstype: 'ext4',
    source,
    superOptions: ['rw'],
  };
}

const NODES = [
  node('sda', '8:0', {}),
  node('sda1', '8:1', { parent: 'sda' }),
  node('sda2', '8:2', { parent: 'sda', holders: ['dm-0'] }),
  node('sdb', '8:16'),
  node('sdb1', '8:17', { parent: 'sdb', holders: ['md127'] }),
  node('sdc', '8:32'),
  node('sdc1', '8:33', { parent: 'sdc', holders: ['md127'] }),
  node('md127', '9:127', { slaves: ['sdb1', 'sdc1'] }),
  node('dm-0', '253:0', { slaves: ['sda2'], dmName: 'vg0-root' }),
  node('sdd', '8:48'),
  node('loop0', '7:0'),
];

const names = (mounts: MountEntry[]) =>
  findSystemDisks(mounts, NODES)
    .map((d) => d.name)
    .sort();

describe('findSystemDisks', () => {
  test('a mounted partition makes the partition and its disk system devices', () => {
    expect(names([mount('8:1', '/boot')])).toEqual(['sda', 'sda1']);
  });

  test('root on LVM: dm-0 → slave sda2 → disk sda', () => {
    const disks = findSystemDisks([mount('253:0', '/')], NODES);
    expect(disks.map((d) => d.name).sort()).toEqual(['dm-0', 'sda', 'sda2']);
    expect(disks.find((d) => d.name === 'sda')?.mountPoints).toEqual(['/']);
  });

  test('md raid: both member disks', () => {
    expect(names([mount('9:127', '/srv')])).toEqual(['md127', 'sdb', 'sdb1', 'sdc', 'sdc1']);
  });

  test('btrfs shows an anonymous 0:N; the source device is used instead', () => {
    expect(names([mount('0:45', '/data', '/dev/sdd', '8:48')])).toEqual(['sdd']);
  });

  test('anonymous filesystems (tmpfs, proc, overlay) and unknown devices hold nothing', () => {
    expect(names([mount('0:21', '/proc'), mount('0:23', '/dev/shm'), mount('99:9', '/x')])).toEqual([]);
  });

  test('collects every mount point per disk, and survives a slave cycle', () => {
    const cyclic = [node('dm-1', '253:1', { slaves: ['dm-2'] }), node('dm-2', '253:2', { slaves: ['dm-1'] })];
    expect(
      findSystemDisks([mount('253:1', '/a')], cyclic)
        .map((d) => d.name)
        .sort(),
    ).toEqual(['dm-1', 'dm-2']);
    const disks = findSystemDisks([mount('8:1', '/boot'), mount('253:0', '/')], NODES);
    expect(disks.find((d) => d.name === 'sda')?.mountPoints).toEqual(['/boot', '/']);
  });
});
