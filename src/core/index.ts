/**
 * core: the use cases (runWipe, listDevices), orchestration only. Effects come in through deps.
 * Must not import cli, commander or ora.
 */
export { runWipe, DEFAULT_METHOD_ID, type WipeRequest, type Confirmation } from './run-wipe.js';
export type { EraseReport } from './crypto-erase.js';
export { PROGRESS_EVENTS, type ProgressEventDoc } from './progress-events.js';
export { CRYPTO_ERASE_CHOICES, ERASE_BACKENDS, describeProbes, type CryptoEraseChoice } from '../erase/index.js';
export type { IssuedCertificate, WipeReport, WipeVerification } from './wipe-report.js';
export { defaultWipeDeps, type WipeDeps } from './wipe-deps.js';
export { listDevices } from './list-devices.js';
export { runScan, type ScanReport, type ScanRequest } from './run-scan.js';
export { parseExpectation } from './expectation.js';
export { FINDING_KINDS, type Finding } from '../scan/index.js';
export {
  AUDIT_LOG_FILE,
  auditLogPath,
  readAuditTrail,
  verifyAuditTrail,
  type AuditLogRequest,
  type AuditVerifyReport,
  type AuditVerifyRequest,
} from './audit.js';
export { generateKeys, type GenerateKeysReport, type GenerateKeysRequest } from './keys.js';
export {
  resolveTrustSource,
  showCertificateFile,
  verifyCertificateFile,
  type CertificateShowResult,
  type CertificateVerification,
  type CertificateVerifyRequest,
  type TrustSource,
} from './verify-certificate.js';
export { checkGate, type GateReport, type GateRequest } from './check-gate.js';
export { withLedger, parseLedgerUrl, type Ledger } from '../ledger/index.js';
export { openWipeLedger, type LedgerSession } from './ledger-session.js';
export { shipAuditTrail, type ShipReport, type ShipRequest } from './ledger-ship.js';
export {
  initLedgerSchema,
  readLedgerStatus,
  type LedgerInitReport,
  type LedgerStatusReport,
  type LedgerStatusRequest,
} from './ledger-status.js';
export {
  verifyLedgerTrail,
  type FleetVerifyReport,
  type LedgerProblem,
  type LedgerVerification,
} from './ledger-verify.js';
export { checkGateFromLedger, type LedgerGateRequest } from './ledger-gate.js';
