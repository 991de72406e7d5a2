// Which disks hold the running system: every whole disk under a mounted filesystem, walking up
// from partitions to their disk and down through dm/md/LVM slaves to the devices underneath.
import type { BlockNode } from './block-topology.js';
import type { MountEntry } from './mountinfo.js';

export interface SystemDisk {
  /** Kernel name of a device on the chain of a mounted filesystem (disk, partition, dm, md). */
  name: string;
  majorMinor: string;
  /** Mount points whose filesystem sits on this device. */
  mountPoints: string[];
}

// Derives the system disks from mountinfo and a sysfs snapshot; pure, so tests can craft both.
export function findSystemDisks(mounts: readonly MountEntry[], nodes: readonly BlockNode[]): SystemDisk[] {
  const byMajorMinor = new Map(nodes.map((node) => [node.majorMinor, node]));
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const found = new Map<string, SystemDisk>();

  const visit = (node: BlockNode, mountPoint: string, seen: Set<string>): void => {
    if (seen.has(node.name)) return;
    seen.add(node.name);
    const disk = found.get(node.name) ?? { name: node.name, majorMinor: node.majorMinor, mountPoints: [] };
    if (!disk.mountPoints.includes(mountPoint)) disk.mountPoints.push(mountPoint);
    found.set(node.name, disk);
    const parent = node.parent === null ? undefined : byName.get(node.parent);
    if (parent) visit(parent, mountPoint, seen);
    for (const slave of node.slaves) {
      const below = byName.get(slave);
      if (below) visit(below, mountPoint, seen);
    }
  };

  for (const mount of mounts) {
    for (const majorMinor of [mount.majorMinor, mount.sourceMajorMinor]) {
      if (majorMinor === null || majorMinor.startsWith('0:')) continue; // anonymous (tmpfs, overlay, proc)
      const node = byMajorMinor.get(majorMinor);
      if (node) visit(node, mount.mountPoint, new Set());
    }
  }
  return [...found.values()];
}
