// Holders of a block device: dm, md, LVM or bcache devices stacked on it or on its partitions.
import { join } from 'node:path';
import { SYS_ROOT, listDirectory, readAttribute } from './sysfs.js';

export interface Holder {
  /** The holding device (dm-0, md127). */
  holder: string;
  /** The device it holds: the disk itself or one of its partitions. */
  of: string;
}

// Lists /sys/class/block/NAME/holders and the holders of each partition of NAME.
export async function readHolders(name: string, sysRoot: string = SYS_ROOT): Promise<Holder[]> {
  const dir = join(sysRoot, 'class/block', name);
  const held = [name];
  for (const entry of await listDirectory(dir)) {
    if ((await readAttribute(join(dir, entry, 'partition'))) !== null) held.push(entry);
  }
  const holders: Holder[] = [];
  for (const of of held) {
    for (const holder of await listDirectory(join(sysRoot, 'class/block', of, 'holders'))) holders.push({ holder, of });
  }
  return holders;
}
