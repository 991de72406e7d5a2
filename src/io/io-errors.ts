// The engine's error shapes: open failures mapped to their error codes, I/O failures with the byte
// offset, and the step (pass 2/3, verify...) stamped on by the pass that saw them.
import { CleanslateError, type ErrorCode } from '../errors/index.js';

const OPEN_ERRORS: Record<string, { code: ErrorCode; reason: string }> = {
  ENOENT: { code: 'ERR_TARGET_NOT_FOUND', reason: 'no such file or device (ENOENT)' },
  ENOTDIR: { code: 'ERR_TARGET_NOT_FOUND', reason: 'a path component is not a directory (ENOTDIR)' },
  ENXIO: { code: 'ERR_TARGET_NOT_FOUND', reason: 'no such device or address (ENXIO)' },
  ENODEV: { code: 'ERR_TARGET_NOT_FOUND', reason: 'no such device (ENODEV)' },
  EBUSY: {
    code: 'ERR_GUARD_BUSY',
    reason:
      'in use: exclusive open refused (EBUSY); something holds the device (mounted, swap, dm/md/LVM, another process)',
  },
  ELOOP: {
    code: 'ERR_TARGET_CHANGED',
    reason: 'the resolved path is now a symlink (ELOOP with O_NOFOLLOW); the target changed after it was resolved',
  },
  EISDIR: { code: 'ERR_TARGET_NOT_DEVICE', reason: 'is a directory, not a block device or regular file (EISDIR)' },
};

const READ_ONLY_ERRNOS = new Set(['EROFS', 'EACCES', 'EPERM']);

// Maps an error from open(2) on realPath to the CleanslateError a user sees (step 'open').
export function openError(err: unknown, realPath: string, access: 'read' | 'write'): CleanslateError {
  const errno = errnoOf(err);
  const known = errno ? OPEN_ERRORS[errno] : undefined;
  if (known)
    return new CleanslateError(known.code, `cannot open ${realPath}: ${known.reason}`, {
      target: realPath,
      step: 'open',
      cause: err,
    });
  if (access === 'write' && errno && READ_ONLY_ERRNOS.has(errno)) {
    return new CleanslateError(
      'ERR_GUARD_READ_ONLY',
      `cannot open ${realPath} for writing: read-only or not permitted (${errno})`,
      {
        target: realPath,
        step: 'open',
        cause: err,
      },
    );
  }
  return new CleanslateError('ERR_TARGET_OPEN', `cannot open ${realPath}: ${messageOf(err)}`, {
    target: realPath,
    step: 'open',
    cause: err,
  });
}

// An I/O failure at a byte offset (step 'read' or 'write' until a pass restamps it); offset is
// undefined when the kernel does not say where (a failed write-back reported by fdatasync).
export function ioError(err: unknown, path: string, step: string, offset: number | undefined): CleanslateError {
  if (err instanceof CleanslateError) return err;
  return new CleanslateError('ERR_IO', `${step} failed: ${messageOf(err)}`, { target: path, step, offset, cause: err });
}

// The same error with the pass's step name (pass 2/3, verify...), keeping code, target and offset.
export function withStep(err: unknown, path: string, step: string | undefined, offset?: number): CleanslateError {
  const base = err instanceof CleanslateError ? err : ioError(err, path, step ?? 'io', offset);
  if (step === undefined || base.step === step) return base;
  return new CleanslateError(base.code, base.message, {
    target: base.target ?? path,
    step,
    offset: base.offset,
    badRanges: base.badRanges,
    cause: base.cause ?? err,
  });
}

// Of two failures of transfers in flight, the one at the lower offset (the first byte not done).
export function lowestOffset(current: CleanslateError | undefined, next: CleanslateError): CleanslateError {
  if (current === undefined) return next;
  return (next.offset ?? Infinity) < (current.offset ?? Infinity) ? next : current;
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? ((err as NodeJS.ErrnoException).code ?? undefined) : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// The run was interrupted (SIGINT/SIGTERM via AbortSignal) at a chunk boundary; everything below
// `offset` has been transferred.
export function interruptedError(path: string, step: string, offset: number, reason: unknown): CleanslateError {
  return new CleanslateError('ERR_INTERRUPTED', `interrupted after ${offset} bytes`, {
    target: path,
    step,
    offset,
    cause: reason,
  });
}
