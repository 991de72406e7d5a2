// Provenance of a run: the host key (created on first use and announced), the audit log every
// operation lands in, and the certificate signer and directory (DESIGN §7-§9).
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openAuditLog, type AuditEntry, type AuditEventInput, type AuditLog } from '../audit/index.js';
import { loadOrCreateHostKey, loadSigningKey } from '../cert/index.js';
import { leaseAlignedBuffers } from '../io/index.js';
import type { Signer, Target } from '../types.js';

export interface ProvenanceOptions {
  stateDir: string;
  /** --key FILE: signs certificates instead of the host key. */
  keyPath?: string | undefined;
  /** --cert-dir DIR. @default <state>/certs */
  certDir?: string | undefined;
  /** Tells the operator about a new host key (stderr). */
  onNotice?: (message: string) => void;
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
  const host = loadOrCreateHostKey(options.stateDir);
  const audit = openAuditLog(join(options.stateDir, 'audit.log'), host.signer);
  if (host.created) {
    options.onNotice?.(
      `created the host signing key ${host.signer.keyId} (${host.path}; public key ${host.publicKeyPath})`,
    );
    await audit.append({ type: 'key.generated', result: 'ok', details: { keyId: host.signer.keyId, path: host.path } });
  }
  const certSigner = options.keyPath ? loadSigningKey(options.keyPath) : host.signer;
  return {
    audit,
    certSigner,
    certDir: options.certDir ?? join(options.stateDir, 'certs'),
    host: hostname(),
    record: (event) => audit.append(event),
  };
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
