// Provenance of a run: the host key (created on first use and announced), the audit log every
// operation lands in, and the certificate signer and directory (DESIGN §7-§9).
import { hostname } from 'node:os';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { openAuditLog, type AuditEntry, type AuditEventInput, type AuditLog } from '../audit/index.js';
import { loadOrCreateHostKey, loadSigningKey } from '../cert/index.js';
import { CleanslateError, isErrno } from '../errors/index.js';
import { leaseAlignedBuffers } from '../io/index.js';
import type { LedgerSession } from '../ledger/index.js';
import type { Signer, Target } from '../types.js';

export interface ProvenanceOptions {
  stateDir: string;
  /** --key FILE: signs certificates instead of the host key. */
  keyPath?: string | undefined;
  /** --cert-dir DIR. @default <state>/certs */
  certDir?: string | undefined;
  /** Tells the operator about a new host key (stderr). */
  onNotice?: (message: string) => void;
  /** --ledger: every entry also goes to the fleet ledger after its local append (never fails the run). */
  ledger?: LedgerSession | undefined;
}

export interface Provenance {
  audit: AuditLog;
  certSigner: Signer;
  certDir: string;
  host: string;
  record(event: AuditEventInput): Promise<AuditEntry>;
}

// Opens the audit log with the host key (creating and announcing the key on first use, which is
// itself audited) and loads the certificate signer.
export async function openProvenance(options: ProvenanceOptions): Promise<Provenance> {
  // --cert-dir is checked before anything is written: a wipe must not learn only at the end that
  // its certificate has nowhere to go
  if (options.certDir !== undefined) await checkWritableDir(options.certDir, '--cert-dir');
  const host = stateDirStep(options.stateDir, 'load host key', () => loadOrCreateHostKey(options.stateDir));
  const audit = openAuditLog(join(options.stateDir, 'audit.log'), host.signer);
  let generated: AuditEntry | undefined;
  if (host.created) {
    options.onNotice?.(
      `created the host signing key ${host.signer.keyId} (${host.path}; public key ${host.publicKeyPath})`,
    );
    generated = await audit.append({
      type: 'key.generated',
      result: 'ok',
      details: { keyId: host.signer.keyId, path: host.path },
    });
  }
  const certSigner = options.keyPath ? loadSigningKey(options.keyPath) : host.signer;
  const certDir = options.certDir ?? join(options.stateDir, 'certs');
  // the ledger gets each entry after the local append succeeded (the local log stays the source)
  const mirror = options.ledger?.mirror({
    logPath: audit.path,
    publicKeyPems: [...new Set([host.signer.publicKeyPem, certSigner.publicKeyPem])],
    certDir,
    host: hostname(),
  });
  if (generated) await mirror?.record(generated);
  return {
    audit,
    certSigner,
    certDir,
    host: hostname(),
    record: async (event) => {
      const entry = await audit.append(event);
      await mirror?.record(entry);
      return entry;
    },
  };
}

// Runs fn on the state directory; a raw file-system error (the directory is a file, read-only, not
// ours) becomes ERR_STATE_DIR (exit 2) naming the directory and the step.
export function stateDirStep<T>(dir: string, step: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof CleanslateError) throw error;
    throw new CleanslateError('ERR_STATE_DIR', `cannot use the directory: ${(error as Error).message}`, {
      target: dir,
      step,
      cause: error,
    });
  }
}

// Checks that dir is, or can be created as, a writable directory (its nearest existing ancestor is
// a writable directory); ERR_STATE_DIR (exit 2) otherwise. Creates nothing.
async function checkWritableDir(dir: string, step: string): Promise<void> {
  const fail = (message: string, cause?: unknown) =>
    new CleanslateError('ERR_STATE_DIR', message, { target: dir, step, cause });
  for (let path = resolve(dir); ; path = dirname(path)) {
    let stats;
    try {
      stats = await stat(path);
    } catch (error) {
      if (isErrno(error, 'ENOENT') && dirname(path) !== path) continue;
      throw fail(`cannot use the directory: ${(error as Error).message}`, error);
    }
    if (!stats.isDirectory()) throw fail(`${path} is not a directory`);
    try {
      await access(path, constants.W_OK);
    } catch (error) {
      throw fail(`cannot write to ${path}: ${(error as Error).message}`, error);
    }
    return;
  }
}

// Reads an extent of an open target through aligned memory (O_DIRECT) and returns a copy.
export function createExtentReader(target: Target): {
  read(extent: { offset: number; length: number }): Promise<Buffer>;
  release(): void;
} {
  const CHUNK = 1024 * 1024;
  const lease = leaseAlignedBuffers(1, CHUNK);
  const buf = lease.buffers[0]!;
  return {
    async read({ offset, length }) {
      const out = Buffer.allocUnsafe(length);
      for (let done = 0; done < length;) {
        const n = Math.min(CHUNK, length - done);
        const got = await target.read(buf.subarray(0, n), offset + done);
        if (got <= 0) return out.subarray(0, done);
        out.set(buf.subarray(0, got), done);
        done += got;
      }
      return out;
    },
    release: () => lease.release(),
  };
}
