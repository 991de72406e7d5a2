/**
 * audit: the hash-chained, signed, append-only audit log of DESIGN §8 (JSON Lines).
 *
 * Each line is the RFC 8785 (JCS) form of one entry. hash = hex SHA-256 over the UTF-8 bytes of
 * prevHash (64 hex digits; 64 zeros for seq 1) followed by the JCS bytes of the entry without
 * `hash` and `sig`; sig = base64 Ed25519 signature over the 64 ASCII bytes of that hex hash.
 * verifyAuditLog() catches any edited, deleted, reordered, inserted or truncated line and any entry
 * signed by an untrusted key. It cannot see that the LAST entries were removed: certificates'
 * audit {seq, entryHash} anchors (checkAnchor) and the fleet ledger catch that.
 *
 * Takes the signer and verification keys as parameters. Imports node:crypto, node:fs, errors and
 * canonicalize only; must not import io, exec, devices, core, cli or cert.
 */
export {
  GENESIS_HASH,
  MAX_LINE_BYTES,
  canonicalJson,
  computeEntryHash,
  entryShapeProblem,
  signEntryHash,
  isEntrySignatureValid,
  keyIdOf,
  signerFromPrivateKey,
  type AuditDetails,
  type AuditEntry,
  type AuditEventInput,
  type AuditEventType,
  type AuditSigner,
} from './entry.js';
export { openAuditLog, type AuditLog, type AuditLogOptions } from './log.js';
export {
  verifyAuditLog,
  readAuditLog,
  checkAnchor,
  describeProblem,
  trustedAuditKeys,
  type AnchorCheck,
  type AuditAnchor,
  type AuditKeys,
  type AuditProblem,
  type AuditProblemKind,
  type AuditVerification,
  type VerifyAuditLogOptions,
} from './verify.js';
