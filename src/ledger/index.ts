/**
 * ledger: the fleet ledger on PostgreSQL (issue 7). Many hosts append their audit entries and
 * certificates to one database; tables are append-only (triggers reject UPDATE, DELETE and
 * TRUNCATE; the role cleanslate_writer may only INSERT and SELECT), each audit entry's prevHash is
 * checked against its host's previous entry on insert, and verify replays every chain and
 * signature. The schema is data (schema.ts), rows are mapped by tables (rows.ts).
 *
 * The only importer of `pg`. Imports audit, cert, errors, node:crypto and node:fs; must not import
 * cli, commander, ora, core, io, exec or devices.
 */
export { connectLedger, withLedger, type ConnectOptions, type Ledger } from './connect.js';
export { parseLedgerUrl, redactLedgerUrl, type LedgerUrl } from './url.js';
export {
  LEDGER_GENESIS_HASH,
  LEDGER_ROLES,
  LEDGER_SCHEMA,
  LEDGER_SCHEMA_VERSION,
  LEDGER_SQLSTATES,
  LEDGER_TABLES,
  SCHEMA_STATEMENTS,
  type SchemaStatement,
} from './schema.js';
export { initLedger, type LedgerInitReport } from './init.js';
export { certificateFactsOf, insertCertificate, insertEntry, registerKey, type InsertOutcome } from './insert.js';
export { shipAuditLog, shipCertificate, type ShipReport, type ShipSource } from './ship.js';
export {
  openLedgerSession,
  type EntryMirror,
  type LedgerSession,
  type LedgerSessionOptions,
  type LedgerSessionSummary,
} from './mirror.js';
export {
  findLatestCertificate,
  findLatestWipeEvent,
  loadRegisteredKeys,
  usableKeys,
  type CertificateQuery,
  type CertificateRecord,
  type RegisteredKey,
  type WipeEventRecord,
} from './queries.js';
export {
  verifyLedger,
  type LedgerProblem,
  type LedgerProblemKind,
  type LedgerVerification,
  type VerifyLedgerOptions,
} from './verify.js';
export { isChainGap, ledgerError } from './pg-errors.js';
