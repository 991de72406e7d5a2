// Row mapping as data: which column holds which fact of an audit entry or a certificate, the
// INSERT statements generated from those tables, and the comparison verify uses to find a row
// whose columns no longer say what its signed content says. Pure: no I/O.
import { canonicalJson, type AuditEntry } from '../audit/index.js';
import type { Envelope, SanitizationPredicate } from '../cert/index.js';
import { LEDGER_SCHEMA } from './schema.js';

/** A column and how to read its value from the signed record. */
interface ColumnSpec<T> {
  column: string;
  /** The value to store (pg parameter). */
  of: (record: T) => unknown;
  /** How a stored value is compared with the record's: as text (default), integer, time or canonical JSON. */
  kind?: 'text' | 'int' | 'time' | 'json';
}

/** audit_entries columns, in INSERT order (host and received_at are unsigned context). */
export const ENTRY_COLUMNS: readonly ColumnSpec<AuditEntry>[] = [
  { column: 'key_id', of: (e) => e.keyId },
  { column: 'seq', of: (e) => e.seq, kind: 'int' },
  { column: 'ts', of: (e) => e.ts, kind: 'time' },
  { column: 'type', of: (e) => e.type },
  { column: 'target', of: (e) => e.target },
  { column: 'device_id', of: (e) => e.deviceId },
  { column: 'volume_id', of: (e) => e.volumeId },
  { column: 'tenant_id', of: (e) => e.tenantId },
  { column: 'operator', of: (e) => e.operator },
  { column: 'result', of: (e) => e.result },
  { column: 'details', of: (e) => (e.details ? canonicalJson(e.details) : null), kind: 'json' },
  { column: 'prev_hash', of: (e) => e.prevHash },
  { column: 'hash', of: (e) => e.hash },
  { column: 'sig', of: (e) => e.sig },
  { column: 'entry', of: (e) => canonicalJson(e) },
];

/** The facts of a certificate the ledger indexes, read from its (signed) predicate. */
export interface CertificateFacts {
  predicate: SanitizationPredicate;
  envelope: Envelope;
}

/** certificates columns, in INSERT order. */
export const CERTIFICATE_COLUMNS: readonly ColumnSpec<CertificateFacts>[] = [
  { column: 'certificate_id', of: (c) => c.predicate.certificateId },
  { column: 'volume_id', of: (c) => c.predicate.volumeId },
  { column: 'device_id', of: (c) => c.predicate.media.deviceId },
  { column: 'tenant', of: (c) => c.predicate.tenant },
  { column: 'result', of: (c) => c.predicate.result },
  { column: 'issued_at', of: (c) => c.predicate.issuedAt, kind: 'time' },
  { column: 'key_id', of: (c) => c.predicate.signingKeyId },
  { column: 'host', of: (c) => c.predicate.host },
  { column: 'size_bytes', of: (c) => c.predicate.media.sizeBytes, kind: 'int' },
  { column: 'audit_seq', of: (c) => c.predicate.audit?.seq ?? null, kind: 'int' },
  { column: 'audit_entry_hash', of: (c) => c.predicate.audit?.entryHash ?? null },
  { column: 'envelope', of: (c) => canonicalJson(c.envelope), kind: 'json' },
];

// INSERT ... ON CONFLICT DO NOTHING RETURNING of a table's columns (+ extra trailing ones).
export function insertSql(table: string, columns: readonly string[], conflict: readonly string[]): string {
  const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
  return (
    `INSERT INTO ${LEDGER_SCHEMA}.${table} (${columns.join(', ')}) VALUES (${placeholders}) ` +
    `ON CONFLICT (${conflict.join(', ')}) DO NOTHING RETURNING 1 AS inserted`
  );
}

/** INSERT of one audit entry (its columns, then host). */
export const INSERT_ENTRY_SQL = insertSql(
  'audit_entries',
  [...ENTRY_COLUMNS.map((c) => c.column), 'host'],
  ['key_id', 'seq'],
);
/** INSERT of one certificate. */
export const INSERT_CERTIFICATE_SQL = insertSql(
  'certificates',
  CERTIFICATE_COLUMNS.map((c) => c.column),
  ['certificate_id'],
);
/** INSERT of one public key. */
export const INSERT_KEY_SQL = insertSql('keys', ['key_id', 'public_key_pem', 'host'], ['key_id']);

// The parameters of INSERT_ENTRY_SQL for an entry.
export function entryParams(entry: AuditEntry, host: string | null): unknown[] {
  return [...ENTRY_COLUMNS.map((c) => c.of(entry)), host];
}

// The parameters of INSERT_CERTIFICATE_SQL for a certificate.
export function certificateParams(facts: CertificateFacts): unknown[] {
  return CERTIFICATE_COLUMNS.map((c) => c.of(facts));
}

// True when a stored value (as pg returns it) says the same as the record's value.
function sameValue(stored: unknown, expected: unknown, kind: ColumnSpec<unknown>['kind']): boolean {
  if (stored === null || stored === undefined || expected === null || expected === undefined) {
    return (stored ?? null) === (expected ?? null);
  }
  switch (kind) {
    case 'int':
      return String(stored) === String(expected);
    case 'time':
      return (
        (stored instanceof Date ? stored : new Date(String(stored))).getTime() === new Date(String(expected)).getTime()
      );
    case 'json': {
      const value = typeof stored === 'string' ? (JSON.parse(stored) as unknown) : stored;
      return canonicalJson(value) === expected;
    }
    default:
      return stored === expected;
  }
}

// The columns of a stored row whose value differs from what the record (the signed content) says.
export function mismatchedColumns<T>(
  row: Record<string, unknown>,
  record: T,
  columns: readonly ColumnSpec<T>[],
): string[] {
  return columns.filter((c) => !sameValue(row[c.column], c.of(record), c.kind)).map((c) => c.column);
}
