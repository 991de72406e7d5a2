// `audit verify --ledger`: every host's chain and every certificate in the ledger, checked with the
// registered keys (and, with --pubkey / --trust, only keys trusted here); in addition the local
// log, when this host has one (or --log names one).
import { existsSync } from 'node:fs';
import { verifyLedger, type Ledger, type LedgerVerification } from '../ledger/index.js';
import { auditLogPath, verifyAuditTrail, type AuditVerifyReport, type AuditVerifyRequest } from './audit.js';
import { trustedKeysOf } from './ledger-trust.js';

export type { LedgerProblem, LedgerVerification } from '../ledger/index.js';

export interface FleetVerifyReport {
  /** Both intact (the local log only counts when there is one). */
  ok: boolean;
  /** The local log's verification; null when this host has no log and --log was not given. */
  local: AuditVerifyReport | null;
  ledger: LedgerVerification;
}

// Replays the ledger (and the local log, if any) and reports every problem found.
export async function verifyLedgerTrail(ledger: Ledger, request: AuditVerifyRequest = {}): Promise<FleetVerifyReport> {
  const trusted = trustedKeysOf(request);
  const ledgerReport = await verifyLedger(ledger, trusted ? { trusted } : {});
  const local = request.log !== undefined || existsSync(auditLogPath(request)) ? await verifyAuditTrail(request) : null;
  return { ok: ledgerReport.ok && (local?.ok ?? true), local, ledger: ledgerReport };
}
