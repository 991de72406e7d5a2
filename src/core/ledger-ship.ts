// `audit ship`: the host's local audit log, and the certificates its cert.issued entries name, to
// the ledger (idempotent: what is there already is skipped).
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { hostKeyPaths } from '../cert/index.js';
import { shipAuditLog, type Ledger, type ShipReport } from '../ledger/index.js';
import { resolveStateDir } from '../state/index.js';
import { auditLogPath, type AuditLogRequest } from './audit.js';

export type { ShipReport } from '../ledger/index.js';

export interface ShipRequest extends AuditLogRequest {
  /** Where certificates are looked for when a cert.issued entry's path is gone. @default <state>/certs */
  certDir?: string | undefined;
}

// Ships the log of a state directory (or --log) with the host's public key.
export async function shipAuditTrail(ledger: Ledger, request: ShipRequest = {}): Promise<ShipReport> {
  const stateDir = request.stateDir ?? resolveStateDir();
  const { publicKeyPath } = hostKeyPaths(stateDir);
  return shipAuditLog(ledger, {
    logPath: auditLogPath({ ...request, stateDir }),
    publicKeyPems: existsSync(publicKeyPath) ? [readFileSync(publicKeyPath, 'utf8')] : [],
    certDir: request.certDir ?? join(stateDir, 'certs'),
    host: hostname(),
  });
}
