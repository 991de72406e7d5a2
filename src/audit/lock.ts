// An exclusive lock between cleanslate processes on one host: a lock file created with O_EXCL.
import { randomUUID } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { CleanslateError, isErrno } from '../errors/index.js';

export interface LockOptions {
  /** Give up after this long. @default 60000 */
  timeoutMs?: number;
  /** A lock file older than this is left over from a crash and is removed. @default 30000 */
  staleMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Creates lockPath exclusively (retrying with backoff) and resolves a function that releases it.
// A lock older than staleMs is removed first: a holder keeps it for milliseconds (one append), so
// an old one means a crashed process. Two waiters may both judge the same lock stale; the window
// is a stat and an unlink wide and needs a crash first.
export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const staleMs = options.staleMs ?? 30_000;
  const token = `${process.pid}@${hostname()} ${randomUUID()}\n`;
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(token);
      } finally {
        await handle.close();
      }
      return () => releaseLock(lockPath, token);
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) {
        throw new CleanslateError('ERR_AUDIT_IO', `cannot create the lock file ${lockPath}`, {
          step: 'audit lock',
          cause: error,
        });
      }
    }
    if (await removeIfStale(lockPath, staleMs)) continue;
    if (Date.now() > deadline) {
      throw new CleanslateError(
        'ERR_AUDIT_IO',
        `the audit log is locked by another process (${lockPath}); remove that file if no cleanslate is running`,
        { step: 'audit lock' },
      );
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
}

// Removes the lock file when it is older than staleMs; true when it is gone.
async function removeIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const info = await stat(lockPath);
    if (Date.now() - info.mtimeMs <= staleMs) return false;
    await unlink(lockPath);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return true;
    throw new CleanslateError('ERR_AUDIT_IO', `cannot inspect the lock file ${lockPath}`, {
      step: 'audit lock',
      cause: error,
    });
  }
}

// Removes the lock file if it is still ours (not taken over after being judged stale).
async function releaseLock(lockPath: string, token: string): Promise<void> {
  try {
    if ((await readFile(lockPath, 'utf8')) === token) await unlink(lockPath);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}
