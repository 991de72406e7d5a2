// Idempotent inserts: a record already in the ledger with the same content is "present"; one
// with the same key (host key + seq, certificate id) and other content is ERR_LEDGER_CONFLICT.
import { canonicalJson, keyIdOf, type AuditEntry } from '../audit/index.js';
import { inspectCertificate, type Envelope } from '../cert/index.js';
import { CleanslateError } from '../errors/index.js';
import type { Ledger } from './connect.js';
import {
  INSERT_CERTIFICATE_SQL,
  INSERT_ENTRY_SQL,
  INSERT_KEY_SQL,
  certificateParams,
  entryParams,
  type CertificateFacts,
} from './rows.js';
import { LEDGER_SCHEMA } from './schema.js';

export type InsertOutcome = 'inserted' | 'present';

// Registers a public key (SPKI PEM) under its key id; resolves the key id.
export async function registerKey(ledger: Ledger, publicKeyPem: string, host: string | null): Promise<string> {
  let keyId: string;
  try {
    keyId = keyIdOf(publicKeyPem);
  } catch (error) {
    throw new CleanslateError('ERR_KEY_INVALID', `not a public key: ${(error as Error).message}`, {
      target: ledger.url.redacted,
      step: 'ledger register key',
    });
  }
  await ledger.query(INSERT_KEY_SQL, [keyId, publicKeyPem, host], `ledger register key ${keyId}`);
  return keyId;
}

// Inserts one audit entry (its key must be registered); `present` when the same entry is there.
export async function insertEntry(ledger: Ledger, entry: AuditEntry, host: string | null): Promise<InsertOutcome> {
  const step = `ledger insert entry seq ${entry.seq} of ${entry.keyId}`;
  const rows = await ledger.query(INSERT_ENTRY_SQL, entryParams(entry, host), step);
  if (rows.length > 0) return 'inserted';
  const existing = await ledger.query<{ entry: string; hash: string }>(
    `SELECT entry, hash FROM ${LEDGER_SCHEMA}.audit_entries WHERE key_id = $1 AND seq = $2`,
    [entry.keyId, entry.seq],
    step,
  );
  const stored = existing[0];
  if (stored && stored.entry === canonicalJson(entry)) return 'present';
  throw new CleanslateError(
    'ERR_LEDGER_CONFLICT',
    `the ledger holds another entry seq ${entry.seq} for ${entry.keyId} (hash ${stored?.hash ?? '?'}, here ${entry.hash}): this host's log or the ledger was rewritten`,
    { target: ledger.url.redacted, step },
  );
}

// The indexed facts of a certificate envelope (parsed and shape-checked, signature NOT checked:
// the ledger keeps what the host issued; verify checks the signature).
export function certificateFactsOf(content: string | Buffer): CertificateFacts {
  const { envelope, predicate } = inspectCertificate(content);
  return { envelope, predicate };
}

// Inserts one certificate; `present` when the same envelope is there under its id.
export async function insertCertificate(ledger: Ledger, facts: CertificateFacts): Promise<InsertOutcome> {
  const id = facts.predicate.certificateId;
  const step = `ledger insert certificate ${id}`;
  const rows = await ledger.query(INSERT_CERTIFICATE_SQL, certificateParams(facts), step);
  if (rows.length > 0) return 'inserted';
  const existing = await ledger.query<{ envelope: Envelope }>(
    `SELECT envelope FROM ${LEDGER_SCHEMA}.certificates WHERE certificate_id = $1`,
    [id],
    step,
  );
  const stored = existing[0];
  if (stored && canonicalJson(stored.envelope) === canonicalJson(facts.envelope)) return 'present';
  throw new CleanslateError(
    'ERR_LEDGER_CONFLICT',
    `the ledger holds another certificate with id ${id}: the certificate file or the ledger was altered`,
    { target: ledger.url.redacted, step },
  );
}
