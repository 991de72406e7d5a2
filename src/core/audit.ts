// Use cases of `audit verify` and `audit show`: pick the log and the trusted keys, then read or
// verify it with the audit module.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import {
  readAuditLog,
  verifyAuditLog,
  type AuditEntry,
  type AuditProblem,
  type AuditVerification,
} from '../audit/index.js';
import { hostKeyPaths, keyIdOf, loadPublicKey, loadTrustDir } from '../cert/index.js';
import { resolveStateDir } from '../state/index.js';

/** File name of the audit log in the state directory (DESIGN §9). */
export const AUDIT_LOG_FILE = 'audit.log';

export interface AuditLogRequest {
  /** The log file. @default <state>/audit.log */
  log?: string | undefined;
  /** State directory. @default resolveStateDir() */
  stateDir?: string | undefined;
}

export interface AuditVerifyRequest extends AuditLogRequest {
  /** Trust exactly this public key (PEM file). */
  pubkey?: string | undefined;
  /** Trust every *.pub / *.pem key in this directory. */
  trust?: string | undefined;
}

export interface AuditVerifyReport {
  log: string;
  ok: boolean;
  entries: number;
  lastSeq: number;
  lastHash: string;
  /** Ids of the keys the entries were checked against. */
  trustedKeys: string[];
  /** Where they came from: --pubkey, --trust or the host key of the state directory. */
  keySource: 'pubkey' | 'trust' | 'host' | 'none';
  problems: AuditProblem[];
  problemCount: number;
}

// The log a request names: --log, else <state>/audit.log.
export function auditLogPath(request: AuditLogRequest = {}): string {
  return request.log ?? join(request.stateDir ?? resolveStateDir(), AUDIT_LOG_FILE);
}

// The trusted keys: --pubkey, else --trust, else the host's public key (none if there is none).
function trustedKeys(request: AuditVerifyRequest): {
  keys: Map<string, KeyObject>;
  source: AuditVerifyReport['keySource'];
} {
  if (request.pubkey) {
    const key = loadPublicKey(request.pubkey);
    return { keys: new Map([[keyIdOf(key), key]]), source: 'pubkey' };
  }
  if (request.trust) return { keys: loadTrustDir(request.trust), source: 'trust' };
  const { publicKeyPath } = hostKeyPaths(request.stateDir ?? resolveStateDir());
  if (!existsSync(publicKeyPath)) return { keys: new Map(), source: 'none' };
  const key = loadPublicKey(publicKeyPath);
  return { keys: new Map([[keyIdOf(key), key]]), source: 'host' };
}

// Verifies the whole log (every line's form, hash, seq, chain and signature) and reports it.
export async function verifyAuditTrail(request: AuditVerifyRequest = {}): Promise<AuditVerifyReport> {
  const log = auditLogPath(request);
  const { keys, source } = trustedKeys(request);
  const verification: AuditVerification = await verifyAuditLog(log, keys);
  return {
    log,
    ok: verification.ok,
    entries: verification.entries,
    lastSeq: verification.lastSeq,
    lastHash: verification.lastHash,
    trustedKeys: [...keys.keys()],
    keySource: source,
    problems: verification.problems,
    problemCount: verification.problemCount,
  };
}

// Streams the entries of the log in order (a malformed line throws ERR_AUDIT_MALFORMED).
export function readAuditTrail(request: AuditLogRequest = {}): { log: string; entries: AsyncGenerator<AuditEntry> } {
  const log = auditLogPath(request);
  return { log, entries: readAuditLog(log) };
}
