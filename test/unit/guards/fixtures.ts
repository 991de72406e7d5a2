// Crafted identities and system states for the guard unit tests.
import type { BlockNode, MountEntry, SystemState } from '../../../src/devices/index.js';
import { findSystemDisks } from '../../../src/devices/index.js';
import type { DeviceIdentity } from '../../../src/types.js';

export function blockIdentity(extra: Partial<DeviceIdentity> = {}): DeviceIdentity {
  return {
    path: '/dev/loop5',
    realPath: '/dev/loop5',
    kind: 'block',
    name: 'loop5',
    majorMinor: '7:5',
    statKey: 'rdev:7:5',
    sizeBytes: 33554432,
    logicalBlockSize: 512,
    physicalBlockSize: 512,
    model: null,
    vendor: null,
    serial: null,
    wwn: null,
    transport: null,
    rotational: false,
    readOnly: false,
    loopBackingFile: '/tmp/t/disk.img',
    parentName: null,
    partitions: ['loop5p1', 'loop5p2'],
    id: 'sha256:0',
    ...extra,
  };
}

// An image file on the ext4 filesystem 254:0 (st_dev 65024 = makedev(254, 0)).
export function fileIdentity(extra: Partial<DeviceIdentity> = {}): DeviceIdentity {
  return {
    ...blockIdentity(),
    path: '/srv/images/disk.img',
    realPath: '/srv/images/disk.img',
    kind: 'file',
    name: null,
    majorMinor: null,
    statKey: 'ino:65024:1234',
    physicalBlockSize: 4096,
    rotational: null,
    loopBackingFile: null,
    partitions: [],
    ...extra,
  };
}

export function node(name: string, majorMinor: string, extra: Partial<BlockNode> = {}): BlockNode {
  return { name, majorMinor, parent: null, holders: [], slaves: [], readOnly: false, dmName: null, ...extra };
}

export function mount(majorMinor: string, mountPoint: string, extra: Partial<MountEntry> = {}): MountEntry {
  return {
    majorMinor,
    sourceMajorMinor: null,
    root: '/',
    mountPoint,
    mountOptions: ['rw'],
    fstype: 'ext4',
    source: 'none',
    superOptions: ['rw'],
    ...extra,
  };
}

export const NODES: BlockNode[] = [
  node('vda', '254:0'),
  node('vda1', '254:1', { parent: 'vda' }),
  node('vda2', '254:2', { parent: 'vda' }),
  node('loop5', '7:5'),
  node('loop5p1', '259:0', { parent: 'loop5' }),
  node('loop5p2', '259:1', { parent: 'loop5' }),
  node('loop6', '7:6'),
];

export const ROOT_MOUNT = mount('254:1', '/', { source: '/dev/vda1', sourceMajorMinor: '254:1' });

// A quiet system: root on vda1, loop5 attached to /tmp/t/disk.img and otherwise unused.
// `override` replaces whole inputs (e.g. { swaps: UNREADABLE }).
export function systemState(
  options: { nodes?: BlockNode[]; mounts?: MountEntry[]; override?: Partial<SystemState> } = {},
): SystemState {
  const nodes = options.nodes ?? NODES;
  const mounts = options.mounts ?? [ROOT_MOUNT];
  return {
    mounts: { ok: true, value: mounts },
    swaps: { ok: true, value: [] },
    filesystems: {
      ok: true,
      value: [
        { filesystem: '/dev/vda1', mountPoint: '/' },
        { filesystem: 'tmpfs', mountPoint: '/dev/shm' },
      ],
    },
    loops: {
      ok: true,
      value: [
        { name: 'loop5', majorMinor: '7:5', backingFile: '/tmp/t/disk.img', deleted: false, backingKey: 'ino:27:3' },
      ],
    },
    blockDevices: { ok: true, value: nodes },
    systemDisks: { ok: true, value: findSystemDisks(mounts, nodes) },
    ...options.override,
  };
}

export const UNREADABLE = { ok: false as const, error: 'cannot read it: EACCES' };
