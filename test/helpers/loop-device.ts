// Loop devices over image files in temporary directories, always detached (also on failure).
import { execa } from 'execa';
import tmp from 'tmp';
import { closeSync, openSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';

tmp.setGracefulCleanup();

export interface LoopDevice {
  /** /dev/loopN */
  device: string;
  /** The image file backing it. */
  image: string;
  /** The temporary directory holding the image (removed at the end). */
  dir: string;
}

export interface LoopOptions {
  /** Attach read-only (losetup -r). */
  readOnly?: boolean;
  /** Scan partitions (losetup -P). */
  partscan?: boolean;
  /** Directory for the image. @default os tmpdir; '/dev/shm' for speed */
  tmpdir?: string;
  /** Prepare the image before it is attached (partition it, fill it). */
  prepareImage?: (image: string) => Promise<void>;
}

// Creates a sparse image of sizeMiB, attaches it, runs fn, and always detaches and removes it.
export async function withLoopDevice<T>(
  sizeMiB: number,
  fn: (loop: LoopDevice) => Promise<T>,
  options: LoopOptions = {},
): Promise<T> {
  const dir = tmp.dirSync({
    unsafeCleanup: true,
    prefix: 'cleanslate-test-',
    ...(options.tmpdir ? { tmpdir: options.tmpdir } : {}),
  });
  const image = join(dir.name, 'disk.img');
  const fd = openSync(image, 'w');
  try {
    ftruncateSync(fd, sizeMiB * 1024 * 1024);
  } finally {
    closeSync(fd);
  }
  let device: string | undefined;
  try {
    if (options.prepareImage) await options.prepareImage(image);
    const args = [
      '--show',
      '--find',
      ...(options.readOnly ? ['--read-only'] : []),
      ...(options.partscan ? ['--partscan'] : []),
      image,
    ];
    device = (await execa('losetup', args)).stdout.trim();
    if (options.partscan) await execa('udevadm', ['settle'], { reject: false });
    return await fn({ device, image, dir: dir.name });
  } finally {
    if (device) await detachLoop(device);
    dir.removeCallback();
  }
}

// Detaches a loop device, retrying briefly while the kernel still holds it.
export async function detachLoop(device: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const result = await execa('losetup', ['-d', device], { reject: false });
    if (result.exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`could not detach ${device}`);
}

// Several loop devices at once (one LoopOptions each), all detached and removed at the end, also
// when one fails to attach or fn throws.
export async function withLoopDevices<T>(
  specs: readonly { sizeMiB: number; options?: LoopOptions }[],
  fn: (loops: LoopDevice[]) => Promise<T>,
  attached: LoopDevice[] = [],
): Promise<T> {
  const next = specs[attached.length];
  if (!next) return fn(attached);
  return withLoopDevice(next.sizeMiB, (loop) => withLoopDevices(specs, fn, [...attached, loop]), next.options);
}
