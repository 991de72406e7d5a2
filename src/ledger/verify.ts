// `audit verify --ledger`: replays every host's chain from the ledger and checks every record
// against its signed content. Per entry: canonical JSON, shape, columns = entry, hash, seq, chain,
// Ed25519 signature with the registered key. Per certificate: DSSE signature and content,
// columns = predicate, its audit anchor present. And every cert.issued entry has its certificate.
// Catches rows changed or removed by someone who could bypass the triggers (a superuser).
import type { KeyObject } from 'node:crypto';
import {
  GENESIS_HASH,
  canonicalJson,
  computeEntryHash,
  entryShapeProblem,
  isEntrySignatureValid,
  type AuditEntry,
} from '../audit/index.js';
import { inspectCertificate, verifyCertificate, type Envelope } from '../cert/index.js';
import { CleanslateError } from '../errors/index.js';
import type { Ledger } from './connect.js';
import { loadRegisteredKeys, type RegisteredKey } from './queries.js';
import { CERTIFICATE_COLUMNS, ENTRY_COLUMNS, mismatchedColumns } from './rows.js';
import { LEDGER_SCHEMA } from './schema.js';

export type LedgerProblemKind =
  | 'key'
  | 'untrusted-key'
  | 'malformed'
  | 'columns'
  | 'hash'
  | 'seq'
  | 'chain'
  | 'signature'
  | 'certificate'
  | 'anchor'
  | 'missing-certificate';

export interface LedgerProblem {
  kind: LedgerProblemKind;
  keyId: string | null;
  seq: number | null;
  certificateId: string | null;
  message: string;
}

export interface LedgerVerification {
  ledger: string;
  ok: boolean;
  /** Registered keys. */
  keys: number;
  /** Host chains (key ids with entries). */
  chains: number;
  entries: number;
  certificates: number;
  /** At most MAX_PROBLEMS; problemCount has the total. */
  problems: LedgerProblem[];
  problemCount: number;
}

export interface VerifyLedgerOptions {
  /** When given, every key that signed an entry or certificate must be one of these (--pubkey/--trust). */
  trusted?: ReadonlyMap<string, KeyObject>;
  /** Rows per query (keyset pagination keeps memory flat). @default 2000 */
  pageSize?: number;
}

const MAX_PROBLEMS = 1000;

interface EntryRow extends Record<string, unknown> {
  key_id: string;
  seq: string;
  entry: string;
}

interface CertificateRow extends Record<string, unknown> {
  certificate_id: string;
  envelope: Envelope;
}

// Verifies the whole ledger; resolves a report (ok false with problems), throws only on I/O.
export async function verifyLedger(ledger: Ledger, options: VerifyLedgerOptions = {}): Promise<LedgerVerification> {
  const pageSize = options.pageSize ?? 2000;
  const result: LedgerVerification = {
    ledger: ledger.url.redacted,
    ok: true,
    keys: 0,
    chains: 0,
    entries: 0,
    certificates: 0,
    problems: [],
    problemCount: 0,
  };
  const report = (problem: Omit<LedgerProblem, 'keyId' | 'seq' | 'certificateId'> & Partial<LedgerProblem>) => {
    result.ok = false;
    result.problemCount += 1;
    if (result.problems.length < MAX_PROBLEMS) {
      result.problems.push({ keyId: null, seq: null, certificateId: null, ...problem });
    }
  };
  const keys = await loadRegisteredKeys(ledger);
  result.keys = keys.size;
  const keyFor = keyResolver(keys, options.trusted, report);
  const issued = new Set<string>();
  const anchors = new Set<string>();
  await replayChains(
    ledger,
    pageSize,
    keyFor,
    report,
    (entry) => {
      result.entries += 1;
      if (entry.type === 'cert.issued' && typeof entry.details?.certificateId === 'string') {
        issued.add(entry.details.certificateId);
      }
      if (entry.type === 'wipe.completed') anchors.add(`${entry.seq}:${entry.hash}`);
    },
    () => {
      result.chains += 1;
    },
  );
  for await (const row of certificateRows(ledger, pageSize)) {
    result.certificates += 1;
    issued.delete(row.certificate_id);
    checkCertificate(row, keyFor, anchors, report);
  }
  for (const id of issued) {
    report({
      kind: 'missing-certificate',
      certificateId: id,
      message: `a cert.issued entry names certificate ${id}, which is not in the ledger (removed, or not shipped yet: run \`cleanslate audit ship\` on its host)`,
    });
  }
  return result;
}

type Report = (problem: Omit<LedgerProblem, 'keyId' | 'seq' | 'certificateId'> & Partial<LedgerProblem>) => void;
type KeyFor = (keyId: string, where: Partial<LedgerProblem>) => KeyObject | null;

// Looks up a signing key: registered and valid, and trusted when a trust set is given; reports each bad key once.
function keyResolver(
  keys: Map<string, RegisteredKey>,
  trusted: ReadonlyMap<string, KeyObject> | undefined,
  report: Report,
): KeyFor {
  const reported = new Set<string>();
  return (keyId, where) => {
    const registered = keys.get(keyId);
    const problem = !registered
      ? { kind: 'key' as const, message: `signed by ${keyId}, which is not registered in the ledger's keys table` }
      : registered.problem
        ? { kind: 'key' as const, message: `the registered key ${keyId} is unusable: ${registered.problem}` }
        : trusted && !trusted.has(keyId)
          ? { kind: 'untrusted-key' as const, message: `signed by ${keyId}, which is not a trusted key` }
          : undefined;
    if (!problem) return registered?.key ?? null;
    if (!reported.has(keyId)) {
      reported.add(keyId);
      report({ ...where, keyId, ...problem });
    }
    return null;
  };
}

// Streams every entry ordered by (key, seq) and checks it against its own content and its chain.
async function replayChains(
  ledger: Ledger,
  pageSize: number,
  keyFor: KeyFor,
  report: Report,
  onEntry: (entry: AuditEntry) => void,
  onChain: () => void,
): Promise<void> {
  let chainKey: string | undefined;
  let expectedSeq = 1;
  let expectedPrev = GENESIS_HASH;
  let after = { key: '', seq: 0 };
  for (;;) {
    const rows = await ledger.query<EntryRow>(
      `SELECT * FROM ${LEDGER_SCHEMA}.audit_entries WHERE (key_id, seq) > ($1, $2) ORDER BY key_id, seq LIMIT ${pageSize}`,
      [after.key, after.seq],
      'audit verify --ledger: read entries',
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      const at = (kind: LedgerProblemKind, message: string) => report({ kind, keyId: row.key_id, seq, message });
      if (row.key_id !== chainKey) {
        chainKey = row.key_id;
        onChain();
        expectedSeq = seq === 1 ? 1 : seq;
        expectedPrev = seq === 1 ? GENESIS_HASH : await continuedFrom(ledger, row, at);
      }
      const entry = parseEntry(row.entry, at);
      if (entry) {
        const columns = mismatchedColumns(row, entry, ENTRY_COLUMNS);
        if (columns.length > 0)
          at('columns', `column(s) ${columns.join(', ')} differ from the signed entry: the row was altered`);
        if (computeEntryHash(entry) !== entry.hash) at('hash', 'the entry does not match its hash: it was altered');
        if (entry.seq !== expectedSeq) {
          at('seq', `seq ${entry.seq} where ${expectedSeq} was expected: entries were deleted or inserted`);
        }
        if (entry.prevHash !== expectedPrev)
          at('chain', 'prevHash is not the hash of the entry before it: the chain is broken here');
        const key = keyFor(entry.keyId, { seq });
        if (key && !isEntrySignatureValid(entry.hash, entry.sig, key)) {
          at('signature', `the signature does not verify with ${entry.keyId}: forged or re-hashed`);
        }
        onEntry(entry);
        expectedPrev = entry.hash;
      } else expectedPrev = row.hash as string;
      expectedSeq = seq + 1;
      after = { key: row.key_id, seq };
    }
    if (rows.length < pageSize) return;
  }
}

// The prevHash a chain's first entry after seq 1 must have: the hash of the entry it continues
// (another key's, at seq - 1: the host key was replaced). Reports a broken start otherwise.
async function continuedFrom(
  ledger: Ledger,
  row: EntryRow,
  at: (kind: LedgerProblemKind, message: string) => void,
): Promise<string> {
  const seq = Number(row.seq);
  const prev = String(row.prev_hash);
  const found = await ledger.query(
    `SELECT 1 FROM ${LEDGER_SCHEMA}.audit_entries WHERE seq = $1 AND hash = $2 AND key_id <> $3 LIMIT 1`,
    [seq - 1, prev, row.key_id],
    'audit verify --ledger: chain start',
  );
  if (found.length === 0) {
    at(
      'chain',
      `the chain of ${row.key_id} starts at seq ${seq} and continues no entry in the ledger: its first entries were deleted`,
    );
  }
  return prev;
}

// The entry of a row's canonical JSON text, or undefined (reported) when it is not one.
function parseEntry(text: string, at: (kind: LedgerProblemKind, message: string) => void): AuditEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    at('malformed', 'the stored entry is not JSON');
    return undefined;
  }
  const shape = entryShapeProblem(value);
  if (shape) {
    at('malformed', `the stored entry is not an audit entry: ${shape}`);
    return undefined;
  }
  if (canonicalJson(value) !== text) at('malformed', 'the stored entry is not in canonical JSON form: it was edited');
  return value as AuditEntry;
}

// Checks one certificate row: signature and content, columns, and the audit anchor.
function checkCertificate(row: CertificateRow, keyFor: KeyFor, anchors: Set<string>, report: Report): void {
  const id = row.certificate_id;
  const at = (kind: LedgerProblemKind, message: string, keyId: string | null = null) =>
    report({ kind, certificateId: id, keyId, message });
  const text = JSON.stringify(row.envelope);
  let inspected;
  try {
    inspected = inspectCertificate(text);
  } catch (error) {
    at('certificate', `not a certificate: ${(error as Error).message}`);
    return;
  }
  const { predicate, envelope } = inspected;
  const columns = mismatchedColumns(row, { predicate, envelope }, CERTIFICATE_COLUMNS);
  if (columns.length > 0)
    at(
      'columns',
      `column(s) ${columns.join(', ')} differ from the signed certificate: the row was altered`,
      predicate.signingKeyId,
    );
  const key = keyFor(predicate.signingKeyId, { certificateId: id });
  if (key) {
    try {
      verifyCertificate(text, { keys: new Map([[predicate.signingKeyId, key]]) });
    } catch (error) {
      const kind =
        error instanceof CleanslateError && error.code === 'ERR_SIGNATURE_INVALID' ? 'signature' : 'certificate';
      at(kind, (error as Error).message, predicate.signingKeyId);
    }
  }
  const anchor = predicate.audit;
  if (anchor && !anchors.has(`${anchor.seq}:${anchor.entryHash}`)) {
    at('anchor', `the audit entry it anchors on (seq ${anchor.seq}, hash ${anchor.entryHash}) is not in the ledger`);
  }
}

// Streams every certificate row ordered by id (keyset pagination).
async function* certificateRows(ledger: Ledger, pageSize: number): AsyncGenerator<CertificateRow> {
  let after = '';
  for (;;) {
    const rows = await ledger.query<CertificateRow>(
      `SELECT * FROM ${LEDGER_SCHEMA}.certificates WHERE certificate_id > $1 ORDER BY certificate_id LIMIT ${pageSize}`,
      [after],
      'audit verify --ledger: read certificates',
    );
    yield* rows;
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = last.certificate_id;
  }
}
