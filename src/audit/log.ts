// The append side of the log: one canonical JSON line per entry, O_APPEND, fsync, under a lock.
import { constants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CleanslateError } from '../errors/index.js';
import {
  GENESIS_HASH,
  MAX_LINE_BYTES,
  canonicalJson,
  checkSigner,
  computeEntryHash,
  detailsProblem,
  entryShapeProblem,
  signEntryHash,
  type AuditEntry,
  type AuditEventInput,
  type AuditSigner,
} from './entry.js';
import { acquireLock, type LockOptions } from './lock.js';

export interface AuditLog {
  readonly path: string;
  readonly keyId: string;
  /** Appends one signed, chained entry (fsynced before it resolves) and returns it: certificates
   *  anchor on its seq and hash. MUST be awaited before the event it records is reported done. */
  append(event: AuditEventInput): Promise<AuditEntry>;
}

export interface AuditLogOptions extends LockOptions {
  /** Clock for ts. @default () => new Date() */
  now?: () => Date;
}

interface Tail {
  ino: number;
  size: number;
  seq: number;
  hash: string;
}

const APPEND_FLAGS = constants.O_APPEND | constants.O_CREAT | constants.O_WRONLY;

// The last pending append per log path in this process. Several AuditLogs on one file (one per
// run of `wipe --parallel N`) then queue here instead of polling the lock file against each other;
// the lock file still orders them against other processes, and the tail is re-read whenever the
// file changed, so the chain stays one chain either way.
const pendingByPath = new Map<string, Promise<unknown>>();

// Runs append after every earlier append to the same path in this process.
function inTurn<T>(path: string, append: () => Promise<T>): Promise<T> {
  const key = resolve(path);
  const run = (pendingByPath.get(key) ?? Promise.resolve()).then(append);
  const settled = run.catch(() => undefined);
  pendingByPath.set(key, settled);
  void settled.then(() => {
    if (pendingByPath.get(key) === settled) pendingByPath.delete(key);
  });
  return run;
}

// Opens (lazily: nothing touches the disk before the first append) the log at path, signing with signer.
export function openAuditLog(path: string, signer: AuditSigner, options: AuditLogOptions = {}): AuditLog {
  try {
    checkSigner(signer);
  } catch (error) {
    throw new CleanslateError('ERR_INTERNAL', (error as Error).message, { target: path, step: 'audit open' });
  }
  const now = options.now ?? (() => new Date());
  let cached: Tail | undefined;

  const appendLocked = async (event: AuditEventInput): Promise<AuditEntry> => {
    const invalid = eventProblem(event);
    if (invalid) throw new CleanslateError('ERR_INTERNAL', `invalid audit event: ${invalid}`, { target: path });
    await mkdir(dirname(path), { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw ioError(path, 'cannot create the directory of the audit log', error);
    });
    const release = await acquireLock(`${path}.lock`, options);
    try {
      let handle: FileHandle;
      try {
        handle = await open(path, APPEND_FLAGS, 0o600);
      } catch (error) {
        throw ioError(path, 'cannot open the audit log for appending', error);
      }
      try {
        const info = await handle.stat();
        const tail =
          cached && cached.ino === info.ino && cached.size === info.size
            ? cached
            : { ino: info.ino, size: info.size, ...(await readTail(path, info.size)) };
        const body: Omit<AuditEntry, 'hash' | 'sig'> = {
          seq: tail.seq + 1,
          ts: now().toISOString(),
          type: event.type,
          target: event.target ?? null,
          deviceId: event.deviceId ?? null,
          volumeId: event.volumeId ?? null,
          tenantId: event.tenantId ?? null,
          operator: event.operator ?? null,
          result: event.result ?? null,
          ...(event.details && Object.keys(event.details).length > 0 ? { details: { ...event.details } } : {}),
          keyId: signer.keyId,
          prevHash: tail.hash,
        };
        const hash = computeEntryHash(body);
        const entry: AuditEntry = { ...body, hash, sig: signEntryHash(hash, signer) };
        const line = Buffer.from(`${canonicalJson(entry)}\n`, 'utf8');
        if (line.length > MAX_LINE_BYTES) {
          throw new CleanslateError('ERR_INTERNAL', `audit entry of ${line.length} bytes is too long`, {
            target: path,
          });
        }
        try {
          const { bytesWritten } = await handle.write(line, 0, line.length);
          if (bytesWritten !== line.length) throw new Error(`short write (${bytesWritten} of ${line.length} bytes)`);
          await handle.sync();
          if (info.size === 0) await syncDirectory(dirname(path));
        } catch (error) {
          cached = undefined;
          throw ioError(path, 'cannot write the audit log', error);
        }
        cached = { ino: info.ino, size: info.size + line.length, seq: entry.seq, hash };
        return entry;
      } finally {
        await handle.close();
      }
    } finally {
      await release();
    }
  };

  return {
    path,
    keyId: signer.keyId,
    append(event) {
      // appends to one file run one at a time in this process; other processes wait on the lock file
      return inTurn(path, () => appendLocked(event));
    },
  };
}

// Why an event cannot be logged, or undefined.
function eventProblem(event: AuditEventInput): string | undefined {
  if (typeof event.type !== 'string' || !/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(event.type)) {
    return `type '${String(event.type)}' is not a dotted event name`;
  }
  for (const name of ['target', 'deviceId', 'volumeId', 'tenantId', 'operator', 'result'] as const) {
    const value = event[name];
    if (value !== undefined && value !== null && typeof value !== 'string') return `${name} is not a string`;
  }
  return event.details === undefined ? undefined : detailsProblem(event.details);
}

// seq and hash of the last line of a log of `size` bytes; the log must end with a whole entry.
async function readTail(path: string, size: number): Promise<{ seq: number; hash: string }> {
  if (size === 0) return { seq: 0, hash: GENESIS_HASH };
  const length = Math.min(size, MAX_LINE_BYTES + 2);
  const buffer = Buffer.alloc(length);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw ioError(path, 'cannot read the audit log', error);
  }
  try {
    await handle.read(buffer, 0, length, size - length);
  } catch (error) {
    throw ioError(path, 'cannot read the audit log', error);
  } finally {
    await handle.close();
  }
  const malformed = (why: string) =>
    new CleanslateError(
      'ERR_AUDIT_MALFORMED',
      `${why}; refusing to extend it (run \`cleanslate audit verify --log ${path}\`)`,
      { target: path, step: 'audit append' },
    );
  if (buffer[length - 1] !== 0x0a) throw malformed('the last line of the audit log is incomplete');
  const start = buffer.lastIndexOf(0x0a, length - 2) + 1;
  if (start === 0 && length < size) throw malformed('the last line of the audit log is too long');
  let value: unknown;
  try {
    value = JSON.parse(buffer.toString('utf8', start, length - 1));
  } catch {
    throw malformed('the last line of the audit log is not JSON');
  }
  const problem = entryShapeProblem(value);
  if (problem) throw malformed(`the last line of the audit log is not an entry (${problem})`);
  const last = value as AuditEntry;
  return { seq: last.seq, hash: last.hash };
}

// fsyncs a directory so a newly created log survives a crash.
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function ioError(path: string, message: string, cause: unknown): CleanslateError {
  if (cause instanceof CleanslateError) return cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new CleanslateError('ERR_AUDIT_IO', `${message}${code ? ` (${code})` : ''}`, {
    target: path,
    step: 'audit append',
    cause,
  });
}
