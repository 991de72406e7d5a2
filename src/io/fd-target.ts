// A Target over one open file descriptor: positional reads and writes on the libuv threadpool,
// short transfers completed, and ENOSPC accepted only at the exact end of the target.
import { close, fdatasync, read, write } from 'node:fs';
import { CleanslateError, isErrno } from '../errors/index.js';
import type { Target, TargetKind } from '../types.js';
import { ioError } from './io-errors.js';

export interface FdTargetFacts {
  path: string;
  kind: TargetKind;
  sizeBytes: number;
  direct: boolean;
  writable: boolean;
  statKey: string;
}

// Wraps an open descriptor as a Target; the Target owns the descriptor and closes it once.
export function createFdTarget(fd: number, facts: FdTargetFacts): Target {
  const { path, sizeBytes } = facts;
  let closed = false;
  const assertOpen = (step: string, offset: number): void => {
    if (closed) throw new CleanslateError('ERR_INTERNAL', `${step} after close`, { target: path, step, offset });
  };
  return {
    ...facts,
    alignment: facts.direct ? 4096 : 1,
    async write(buf, offset) {
      assertOpen('write', offset);
      if (!facts.writable)
        throw new CleanslateError('ERR_INTERNAL', 'target was opened read-only', {
          target: path,
          step: 'write',
          offset,
        });
      let done = 0;
      while (done < buf.length) {
        const at = offset + done;
        let n: number;
        try {
          n = await writeAt(fd, buf, done, buf.length - done, at);
        } catch (err) {
          // ENOSPC at the exact end is the end; anywhere before it (thin or sparse backing) it is a failure.
          if (isErrno(err, 'ENOSPC') && at >= sizeBytes) return done;
          throw ioError(err, path, 'write', at);
        }
        if (n === 0) {
          if (at >= sizeBytes) return done;
          throw new CleanslateError('ERR_IO', 'write failed: the device accepted 0 bytes before its end', {
            target: path,
            step: 'write',
            offset: at,
          });
        }
        done += n;
      }
      return done;
    },
    async read(buf, offset) {
      assertOpen('read', offset);
      let done = 0;
      while (done < buf.length) {
        const at = offset + done;
        let n: number;
        try {
          n = await readAt(fd, buf, done, buf.length - done, at);
        } catch (err) {
          throw ioError(err, path, 'read', at);
        }
        if (n === 0) break;
        done += n;
      }
      return done;
    },
    async sync() {
      assertOpen('sync', 0);
      await new Promise<void>((resolve, reject) =>
        fdatasync(fd, (err) => (err ? reject(ioError(err, path, 'sync', undefined)) : resolve())),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve, reject) =>
        close(fd, (err) => (err ? reject(ioError(err, path, 'close', undefined)) : resolve())),
      );
    },
  };
}

function writeAt(fd: number, buf: Uint8Array, start: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    write(fd, buf, start, length, position, (err, n) => (err ? reject(err) : resolve(n))),
  );
}

function readAt(fd: number, buf: Uint8Array, start: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    read(fd, buf, start, length, position, (err, n) => (err ? reject(err) : resolve(n))),
  );
}
