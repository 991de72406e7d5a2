// `audit ship`: sends a host's local audit log and the certificates its cert.issued entries name
// to the ledger. Idempotent: entries and certificates already there (same content) are skipped,
// so a second ship adds nothing; different content under the same key is ERR_LEDGER_CONFLICT.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { computeEntryHash, isEntrySignatureValid, readAuditLog, type AuditEntry } from '../audit/index.js';
import { certificateFileName, readCertificateFile } from '../cert/index.js';
import { CleanslateError } from '../errors/index.js';
import type { Ledger } from './connect.js';
import { certificateFactsOf, insertCertificate, insertEntry, registerKey } from './insert.js';
import { LEDGER_SCHEMA } from './schema.js';

export interface ShipSource {
  /** The local audit log. */
  logPath: string;
  /** Public keys (SPKI PEM) this host holds: its host key and the certificate signer. */
  publicKeyPems: string[];
  /** Where certificates are looked for when the path in cert.issued is gone. */
  certDir: string;
  /** This host's name, stored with keys and entries. */
  host: string;
}

export interface ShipReport {
  ledger: string;
  log: string;
  entries: { read: number; inserted: number; present: number };
  certificates: { referenced: number; inserted: number; present: number; missing: string[] };
  keys: string[];
}

// Ships the whole local log (and its certificates) to the ledger.
export async function shipAuditLog(ledger: Ledger, source: ShipSource): Promise<ShipReport> {
  const report: ShipReport = {
    ledger: ledger.url.redacted,
    log: source.logPath,
    entries: { read: 0, inserted: 0, present: 0 },
    certificates: { referenced: 0, inserted: 0, present: 0, missing: [] },
    keys: [],
  };
  const keys = new Map<string, KeyObject>();
  for (const pem of source.publicKeyPems) {
    const keyId = await registerKey(ledger, pem, source.host);
    keys.set(keyId, createPublicKey(pem));
    report.keys.push(keyId);
  }
  const stored = new Map<string, Map<number, string>>();
  const certificates = new Map<string, string | undefined>();
  if (!existsSync(source.logPath)) return report;
  for await (const entry of readAuditLog(source.logPath)) {
    report.entries.read += 1;
    const key = keys.get(entry.keyId) ?? (await ledgerKey(ledger, entry.keyId, keys));
    checkEntry(entry, key, source.logPath);
    let hashes = stored.get(entry.keyId);
    if (!hashes) {
      hashes = await storedHashes(ledger, entry.keyId);
      stored.set(entry.keyId, hashes);
    }
    const known = hashes.get(entry.seq);
    if (known === entry.hash) report.entries.present += 1;
    else if (known !== undefined) {
      throw new CleanslateError(
        'ERR_LEDGER_CONFLICT',
        `the ledger holds another entry seq ${entry.seq} for ${entry.keyId} (hash ${known}, the local log has ${entry.hash}): the local log or the ledger was rewritten`,
        { target: source.logPath, step: 'audit ship' },
      );
    } else {
      report.entries[await insertEntry(ledger, entry, source.host)] += 1;
      hashes.set(entry.seq, entry.hash);
    }
    if (entry.type === 'cert.issued' && typeof entry.details?.certificateId === 'string') {
      const path = entry.details.path;
      certificates.set(entry.details.certificateId, typeof path === 'string' ? path : undefined);
    }
  }
  report.certificates.referenced = certificates.size;
  for (const [id, path] of certificates) {
    const outcome = await shipCertificate(ledger, id, [path, join(source.certDir, certificateFileName(id))]);
    if (outcome === 'missing') report.certificates.missing.push(id);
    else report.certificates[outcome] += 1;
  }
  return report;
}

// Sends the certificate file of a cert.issued entry (first candidate path that exists).
export async function shipCertificate(
  ledger: Ledger,
  certificateId: string,
  candidates: (string | undefined)[],
): Promise<'inserted' | 'present' | 'missing'> {
  const path = candidates.find((p): p is string => p !== undefined && existsSync(p));
  if (!path) return 'missing';
  let facts;
  try {
    facts = certificateFactsOf(readCertificateFile(path));
  } catch (error) {
    if (error instanceof CleanslateError) {
      throw new CleanslateError(error.code, error.message, { target: path, step: 'ledger ship certificate' });
    }
    throw error;
  }
  if (facts.predicate.certificateId !== certificateId) {
    throw new CleanslateError(
      'ERR_CERT_MALFORMED',
      `the file holds certificate ${facts.predicate.certificateId}, the audit log names ${certificateId}`,
      { target: path, step: 'ledger ship certificate' },
    );
  }
  return insertCertificate(ledger, facts);
}

// The public key of a key id this host does not hold, from the ledger's keys table.
async function ledgerKey(ledger: Ledger, keyId: string, cache: Map<string, KeyObject>): Promise<KeyObject> {
  const rows = await ledger.query<{ public_key_pem: string }>(
    `SELECT public_key_pem FROM ${LEDGER_SCHEMA}.keys WHERE key_id = $1`,
    [keyId],
    'audit ship: key lookup',
  );
  const pem = rows[0]?.public_key_pem;
  if (!pem) {
    throw new CleanslateError(
      'ERR_KEY_UNTRUSTED',
      `entries are signed by ${keyId}, a key this host does not hold and the ledger does not know; register its public key first`,
      { target: ledger.url.redacted, step: 'audit ship' },
    );
  }
  const key = createPublicKey(pem);
  cache.set(keyId, key);
  return key;
}

// Refuses to ship an entry whose hash or signature is wrong: the local log was tampered with.
function checkEntry(entry: AuditEntry, key: KeyObject, logPath: string): void {
  const problem =
    computeEntryHash(entry) !== entry.hash
      ? 'does not match its hash'
      : !isEntrySignatureValid(entry.hash, entry.sig, key)
        ? `has a signature that does not verify with ${entry.keyId}`
        : undefined;
  if (problem) {
    throw new CleanslateError(
      'ERR_AUDIT_TAMPERED',
      `entry seq ${entry.seq} ${problem}: the local log was tampered with; not shipping it (run \`cleanslate audit verify\`)`,
      { target: logPath, step: 'audit ship' },
    );
  }
}

// seq → hash of every entry of a key already in the ledger.
async function storedHashes(ledger: Ledger, keyId: string): Promise<Map<number, string>> {
  const rows = await ledger.query<{ seq: string; hash: string }>(
    `SELECT seq, hash FROM ${LEDGER_SCHEMA}.audit_entries WHERE key_id = $1`,
    [keyId],
    'audit ship: read the ledger',
  );
  return new Map(rows.map((r) => [Number(r.seq), r.hash]));
}
