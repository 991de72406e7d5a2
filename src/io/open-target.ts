// Opens a block device or a regular file once, for the whole run. The descriptor, not the path, is
// what is checked and used afterwards: fstat decides the kind and the identity (statKey), sysfs
// gives a block device's size. Write access on a block device holds O_EXCL, the kernel's in-use
// check, so the same descriptor must serve the wipe and the verify.
import { close, constants, fstat, open, promises as fsp, type BigIntStats } from 'node:fs';
import { CleanslateError } from '../errors/index.js';
import type { Target } from '../types.js';
import { IO_ALIGNMENT } from './aligned-memory.js';
import { createFdTarget } from './fd-target.js';
import { openError } from './io-errors.js';

export interface OpenTargetOptions {
  access: 'read' | 'write';
  /** Open with O_EXCL (refused with EBUSY while a block device is in use). @default true for write, false for read */
  exclusive?: boolean;
}

const { O_RDONLY, O_RDWR, O_DIRECT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;

// Opens realPath (already resolved) for reading or writing; refuses anything but a block device or regular file.
export async function openTarget(realPath: string, options: OpenTargetOptions): Promise<Target & { statKey: string }> {
  const { access } = options;
  const exclusive = options.exclusive ?? access === 'write';
  // lstat first so a FIFO, socket or character device is never opened (opening can block or have effects).
  const before = await fsp.lstat(realPath).catch((err: unknown) => {
    throw openError(err, realPath, access);
  });
  if (before.isSymbolicLink())
    throw openError(Object.assign(new Error('symlink'), { code: 'ELOOP' }), realPath, access);
  if (!before.isBlockDevice() && !before.isFile()) throw notDevice(realPath);

  // O_NONBLOCK has no effect on block devices and regular files; it keeps a swapped-in FIFO from blocking.
  const base = (access === 'write' ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_NONBLOCK | (exclusive ? O_EXCL : 0);
  // A file whose size is not a multiple of 4096 is opened buffered: its tail could not be written with O_DIRECT.
  const tryDirect = before.isBlockDevice() || before.size % IO_ALIGNMENT === 0;
  let fd: number;
  let direct = tryDirect;
  try {
    fd = await openFd(realPath, base | (tryDirect ? O_DIRECT : 0));
  } catch (err) {
    // tmpfs and some FUSE filesystems refuse O_DIRECT with EINVAL at open: fall back to the page cache.
    if (!tryDirect || !before.isFile() || (err as NodeJS.ErrnoException).code !== 'EINVAL')
      throw openError(err, realPath, access);
    direct = false;
    fd = await openFd(realPath, base).catch((err2: unknown) => {
      throw openError(err2, realPath, access);
    });
  }

  try {
    const stat = await fstatFd(fd);
    if (stat.isBlockDevice()) {
      const majorMinor = formatMajorMinor(stat.rdev);
      const sizeBytes = await readSysfsSize(realPath, majorMinor);
      if (access === 'write' && (await isKernelReadOnly(majorMinor))) {
        throw new CleanslateError('ERR_GUARD_READ_ONLY', `${realPath} is read-only (sysfs ro = 1)`, {
          target: realPath,
          step: 'open',
        });
      }
      return createFdTarget(fd, {
        path: realPath,
        kind: 'block',
        sizeBytes,
        direct,
        writable: access === 'write',
        statKey: `rdev:${majorMinor}`,
      });
    }
    if (!stat.isFile()) throw notDevice(realPath);
    const sizeBytes = Number(stat.size);
    if (direct && sizeBytes % IO_ALIGNMENT !== 0) {
      // The file changed size between lstat and open: reopen the same inode without O_DIRECT.
      const buffered = await openFd(`/proc/self/fd/${fd}`, base & ~O_NOFOLLOW);
      await closeFd(fd);
      fd = buffered;
      direct = false;
      const again = await fstatFd(fd);
      if (fileKey(again) !== fileKey(stat))
        throw new CleanslateError('ERR_TARGET_CHANGED', `${realPath} changed while it was opened`, {
          target: realPath,
          step: 'open',
        });
    }
    return createFdTarget(fd, {
      path: realPath,
      kind: 'file',
      sizeBytes,
      direct,
      writable: access === 'write',
      statKey: fileKey(stat),
    });
  } catch (err) {
    await closeFd(fd).catch(() => undefined);
    throw err instanceof CleanslateError ? err : openError(err, realPath, access);
  }
}

// "MAJ:MIN" of a dev_t as glibc's gnu_dev_major/minor decode it (BigInt: dev_t is 64 bits).
export function formatMajorMinor(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & 0xfffff000n);
  const minor = (dev & 0xffn) | ((dev >> 12n) & 0xffffff00n);
  return `${major}:${minor}`;
}

function fileKey(stat: BigIntStats): string {
  return `ino:${stat.dev}:${stat.ino}`;
}

function openFd(path: string, flags: number): Promise<number> {
  return new Promise((resolve, reject) => open(path, flags, (err, fd) => (err ? reject(err) : resolve(fd))));
}

function fstatFd(fd: number): Promise<BigIntStats> {
  return new Promise((resolve, reject) =>
    fstat(fd, { bigint: true }, (err, stat) => (err ? reject(err) : resolve(stat))),
  );
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => close(fd, (err) => (err ? reject(err) : resolve())));
}

async function readSysfsSize(realPath: string, majorMinor: string): Promise<number> {
  try {
    const sectors = (await fsp.readFile(`/sys/dev/block/${majorMinor}/size`, 'utf8')).trim();
    if (!/^\d+$/.test(sectors)) throw new Error(`unexpected content ${JSON.stringify(sectors)}`);
    return Number(sectors) * 512;
  } catch (err) {
    throw new CleanslateError(
      'ERR_TARGET_OPEN',
      `cannot read the size of ${realPath} from /sys/dev/block/${majorMinor}/size: ${(err as Error).message}`,
      {
        target: realPath,
        step: 'open',
        cause: err,
      },
    );
  }
}

async function isKernelReadOnly(majorMinor: string): Promise<boolean> {
  try {
    return (await fsp.readFile(`/sys/dev/block/${majorMinor}/ro`, 'utf8')).trim() === '1';
  } catch {
    return false; // the read-only guard (devices/guards) refuses when it cannot read this; here the write itself would fail
  }
}

function notDevice(realPath: string): CleanslateError {
  return new CleanslateError('ERR_TARGET_NOT_DEVICE', `${realPath} is not a block device or regular file`, {
    target: realPath,
    step: 'open',
  });
}
