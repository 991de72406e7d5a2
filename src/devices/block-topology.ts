// A snapshot of the kernel's block-device graph from sysfs: partitions, holders (dm, md, LVM,
// bcache stack on top) and slaves (what a dm/md device is built from).
import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isErrno } from '../errors/index.js';
import { SYS_ROOT, listDirectory, readAttribute } from './sysfs.js';

export interface BlockNode {
  /** Kernel name: sda, sda1, loop0p2, dm-0, md127. */
  name: string;
  majorMinor: string;
  /** Whole-disk name for a partition, else null. */
  parent: string | null;
  /** Devices built on this one (/sys/class/block/NAME/holders). */
  holders: string[];
  /** Devices this one is built from (/sys/class/block/NAME/slaves). */
  slaves: string[];
  readOnly: boolean;
  /** Device-mapper name (dm/name), e.g. vg0-root, when this is a dm device. */
  dmName: string | null;
}

// Reads every entry of /sys/class/block once.
export async function readBlockTopology(sysRoot: string = SYS_ROOT): Promise<BlockNode[]> {
  const classDir = join(sysRoot, 'class/block');
  const nodes: BlockNode[] = [];
  for (const name of await listDirectory(classDir)) {
    const node = await readBlockNode(classDir, name);
    if (node) nodes.push(node);
  }
  return nodes;
}

async function readBlockNode(classDir: string, name: string): Promise<BlockNode | null> {
  let dir: string;
  try {
    dir = await realpath(join(classDir, name));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null; // removed while listing
    throw err;
  }
  const majorMinor = await readAttribute(join(dir, 'dev'));
  if (majorMinor === null) return null;
  const isPartition = (await readAttribute(join(dir, 'partition'))) !== null;
  return {
    name,
    majorMinor,
    parent: isPartition ? basename(dirname(dir)) : null,
    holders: await listDirectory(join(dir, 'holders')),
    slaves: await listDirectory(join(dir, 'slaves')),
    readOnly: (await readAttribute(join(dir, 'ro'))) === '1',
    dmName: await readAttribute(join(dir, 'dm/name')),
  };
}

// Names of the partitions of a whole disk in a snapshot.
export function partitionsOf(nodes: readonly BlockNode[], disk: string): BlockNode[] {
  return nodes.filter((node) => node.parent === disk);
}
