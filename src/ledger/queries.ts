// Read-only questions to the ledger: the latest certificate of a volume or a device, the latest
// wipe event of a volume, and the registered public keys.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { keyIdOf } from '../audit/index.js';
import type { Envelope } from '../cert/index.js';
import type { Ledger } from './connect.js';
import { LEDGER_SCHEMA } from './schema.js';

/** A certificate row as the ledger returns it. */
export interface CertificateRecord {
  certificateId: string;
  volumeId: string | null;
  deviceId: string;
  tenant: string | null;
  result: string;
  issuedAt: string;
  keyId: string;
  host: string | null;
  sizeBytes: number;
  envelope: Envelope;
}

/** The latest wipe life-cycle event of a volume (wipe.started / completed / failed / aborted). */
export interface WipeEventRecord {
  type: string;
  result: string | null;
  ts: string;
  keyId: string;
  seq: number;
  host: string | null;
  deviceId: string | null;
  certificateId: string | null;
}

interface CertificateRow {
  certificate_id: string;
  volume_id: string | null;
  device_id: string;
  tenant: string | null;
  result: string;
  issued_at: Date;
  key_id: string;
  host: string | null;
  size_bytes: string;
  envelope: Envelope;
}

const CERTIFICATE_SELECT = `SELECT certificate_id, volume_id, device_id, tenant, result, issued_at, key_id, host, size_bytes, envelope
  FROM ${LEDGER_SCHEMA}.certificates`;

// A row of certificates as a CertificateRecord.
function certificateRecordOf(row: CertificateRow): CertificateRecord {
  return {
    certificateId: row.certificate_id,
    volumeId: row.volume_id,
    deviceId: row.device_id,
    tenant: row.tenant,
    result: row.result,
    issuedAt: row.issued_at.toISOString(),
    keyId: row.key_id,
    host: row.host,
    sizeBytes: Number(row.size_bytes),
    envelope: row.envelope,
  };
}

/** Which certificate to look up: by volume, by device, or both; optionally only PASS. */
export interface CertificateQuery {
  volumeId?: string | undefined;
  deviceId?: string | undefined;
  /** Only certificates whose result is PASS. @default false */
  passOnly?: boolean;
}

// The most recently issued certificate matching the query, or null.
export async function findLatestCertificate(
  ledger: Ledger,
  query: CertificateQuery,
): Promise<CertificateRecord | null> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.volumeId !== undefined) where.push(`volume_id = $${params.push(query.volumeId)}`);
  if (query.deviceId !== undefined) where.push(`device_id = $${params.push(query.deviceId)}`);
  if (query.passOnly) where.push(`result = 'PASS'`);
  if (where.length === 0) throw new Error('findLatestCertificate needs a volume id or a device id');
  const rows = await ledger.query<CertificateRow>(
    `${CERTIFICATE_SELECT} WHERE ${where.join(' AND ')} ORDER BY issued_at DESC, certificate_id DESC LIMIT 1`,
    params,
    'ledger: latest certificate',
  );
  return rows[0] ? certificateRecordOf(rows[0]) : null;
}

// The latest wipe.* event recorded for a volume, or null.
export async function findLatestWipeEvent(ledger: Ledger, volumeId: string): Promise<WipeEventRecord | null> {
  const rows = await ledger.query<{
    type: string;
    result: string | null;
    ts: Date;
    key_id: string;
    seq: string;
    host: string | null;
    device_id: string | null;
    certificate_id: string | null;
  }>(
    `SELECT type, result, ts, key_id, seq, host, device_id, details ->> 'certificateId' AS certificate_id
       FROM ${LEDGER_SCHEMA}.audit_entries
      WHERE volume_id = $1 AND type IN ('wipe.started', 'wipe.completed', 'wipe.failed', 'wipe.aborted')
      ORDER BY ts DESC, seq DESC LIMIT 1`,
    [volumeId],
    'ledger: latest wipe event',
  );
  const row = rows[0];
  if (!row) return null;
  return {
    type: row.type,
    result: row.result,
    ts: row.ts.toISOString(),
    keyId: row.key_id,
    seq: Number(row.seq),
    host: row.host,
    deviceId: row.device_id,
    certificateId: row.certificate_id,
  };
}

/** A registered key: its PEM parsed, or why it cannot be used. */
export interface RegisteredKey {
  keyId: string;
  host: string | null;
  key: KeyObject | null;
  problem: string | null;
}

// Every registered key (or those of keyIds), each checked: Ed25519 and key id = SHA-256 of its SPKI.
export async function loadRegisteredKeys(ledger: Ledger, keyIds?: string[]): Promise<Map<string, RegisteredKey>> {
  const rows = await ledger.query<{ key_id: string; public_key_pem: string; host: string | null }>(
    `SELECT key_id, public_key_pem, host FROM ${LEDGER_SCHEMA}.keys${keyIds ? ' WHERE key_id = ANY($1)' : ''} ORDER BY key_id`,
    keyIds ? [keyIds] : [],
    'ledger: registered keys',
  );
  return new Map(rows.map((row) => [row.key_id, checkRegisteredKey(row.key_id, row.public_key_pem, row.host)]));
}

// Parses a registered key and checks it is the key its id names.
export function checkRegisteredKey(keyId: string, pem: string, host: string | null): RegisteredKey {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') return { keyId, host, key: null, problem: 'not an Ed25519 key' };
    const actual = keyIdOf(key);
    if (actual !== keyId) return { keyId, host, key: null, problem: `the stored public key is ${actual}` };
    return { keyId, host, key, problem: null };
  } catch (error) {
    return { keyId, host, key: null, problem: `the stored public key does not parse (${(error as Error).message})` };
  }
}

// Only the usable keys of a registered-key map, as a trust map for certificate verification.
export function usableKeys(keys: Map<string, RegisteredKey>): Map<string, KeyObject> {
  return new Map([...keys.values()].flatMap((k) => (k.key ? [[k.keyId, k.key] as const] : [])));
}
