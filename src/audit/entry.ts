// The audit entry: its fields, the hash-chain and signature definitions, and a strict shape check.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';

/** prevHash of the first entry of a log: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** A line longer than this (bytes, without the newline) is malformed, never parsed. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Event types cleanslate writes; others (lowercase dotted names) are accepted for forward compatibility. */
export type AuditEventType =
  | 'wipe.started'
  | 'pass.completed'
  | 'wipe.completed'
  | 'wipe.failed'
  | 'wipe.aborted'
  | 'scan.completed'
  | 'cert.issued'
  | 'key.generated'
  | (string & {});

/** Extra facts of an event: strings and safe integers only, never tenant content (DESIGN §5). */
export type AuditDetails = Record<string, string | number>;

/** What a caller hands to append(): everything but seq, ts, keyId and the chain fields. */
export interface AuditEventInput {
  type: AuditEventType;
  /** The target as the user named it (path), or null for events without one (key.generated). */
  target?: string | null;
  deviceId?: string | null;
  volumeId?: string | null;
  tenantId?: string | null;
  operator?: string | null;
  /** started, ok, PASS, FAIL, aborted, clean, residue ... */
  result?: string | null;
  details?: AuditDetails;
}

/** One line of the log. Absent facts are null (never omitted), details is omitted when empty. */
export interface AuditEntry {
  seq: number;
  ts: string;
  type: AuditEventType;
  target: string | null;
  deviceId: string | null;
  volumeId: string | null;
  tenantId: string | null;
  operator: string | null;
  result: string | null;
  details?: AuditDetails;
  keyId: string;
  prevHash: string;
  hash: string;
  sig: string;
}

/** Structurally the same as cert's Signer: an Ed25519 key that signs raw bytes. */
export interface AuditSigner {
  keyId: string;
  publicKeyPem: string;
  sign(data: Uint8Array): Buffer;
}

const HEX64 = /^[0-9a-f]{64}$/;
const KEY_ID = /^sha256:[0-9a-f]{64}$/;
const TYPE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const NULLABLE_STRINGS = ['target', 'deviceId', 'volumeId', 'tenantId', 'operator', 'result'] as const;
const MAX_DETAILS = 64;

// The canonical (RFC 8785 JCS) JSON text of a value.
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

// hash = lowercase hex SHA-256 over UTF-8(prevHash hex) ‖ UTF-8(JCS(entry without hash and sig)).
export function computeEntryHash(entry: Omit<AuditEntry, 'hash' | 'sig'> & Partial<AuditEntry>): string {
  const { hash: _hash, sig: _sig, ...body } = entry;
  return createHash('sha256').update(body.prevHash, 'utf8').update(canonicalJson(body), 'utf8').digest('hex');
}

// sig = base64 Ed25519 signature over the 64 ASCII bytes of the hex hash (never starts "DSSEv1",
// so it cannot be confused with a certificate's PAE signed by the same key).
export function signEntryHash(hash: string, signer: Pick<AuditSigner, 'sign'>): string {
  return signer.sign(Buffer.from(hash, 'utf8')).toString('base64');
}

// True when sig (base64) is the Ed25519 signature of hash by key.
export function isEntrySignatureValid(hash: string, sig: string, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(hash, 'utf8'), key, Buffer.from(sig, 'base64'));
  } catch {
    return false;
  }
}

// The key id of a public key: "sha256:" + hex SHA-256 of its SPKI DER (as cert's keyid).
export function keyIdOf(key: KeyObject | string): string {
  const object = typeof key === 'string' ? createPublicKey(key) : key;
  const spki = object.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

// Checks a signer before its first entry: Ed25519, keyId = id of its public key, signs with that key.
export function checkSigner(signer: AuditSigner): void {
  const key = createPublicKey(signer.publicKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('audit signer must be an Ed25519 key');
  if (keyIdOf(key) !== signer.keyId)
    throw new TypeError(`audit signer keyId ${signer.keyId} is not its public key's id`);
  const probe = Buffer.from('cleanslate audit signer check', 'utf8');
  if (!verify(null, probe, key, signer.sign(probe)))
    throw new TypeError('audit signer does not sign with its public key');
}

// An AuditSigner over an Ed25519 private key (tests, and callers that hold the KeyObject).
export function signerFromPrivateKey(privateKey: KeyObject): AuditSigner {
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (data) => sign(null, data, privateKey),
  };
}

// Validates details: a flat object of strings and safe integers; returns a message or undefined.
export function detailsProblem(details: unknown): string | undefined {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return 'details is not an object';
  const entries = Object.entries(details);
  if (entries.length > MAX_DETAILS) return `details has more than ${MAX_DETAILS} fields`;
  for (const [k, v] of entries) {
    if (typeof v === 'string') continue;
    if (typeof v === 'number' && Number.isSafeInteger(v)) continue;
    return `details.${k} is neither a string nor an integer`;
  }
  return undefined;
}

// Checks that a parsed line has the shape of an AuditEntry; returns a message or undefined.
export function entryShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  if (typeof e.seq !== 'number' || !Number.isSafeInteger(e.seq) || e.seq < 1) return 'seq is not a positive integer';
  if (typeof e.ts !== 'string' || !RFC3339_UTC.test(e.ts)) return 'ts is not an RFC 3339 UTC time';
  if (typeof e.type !== 'string' || !TYPE.test(e.type)) return 'type is not a dotted event name';
  for (const name of NULLABLE_STRINGS) {
    if (!(name in e)) return `${name} is missing`;
    if (e[name] !== null && typeof e[name] !== 'string') return `${name} is neither a string nor null`;
  }
  if ('details' in e) {
    const problem = detailsProblem(e.details);
    if (problem) return problem;
  }
  if (typeof e.keyId !== 'string' || !KEY_ID.test(e.keyId)) return 'keyId is not sha256:<hex>';
  if (typeof e.prevHash !== 'string' || !HEX64.test(e.prevHash)) return 'prevHash is not 64 hex digits';
  if (typeof e.hash !== 'string' || !HEX64.test(e.hash)) return 'hash is not 64 hex digits';
  if (typeof e.sig !== 'string' || Buffer.from(e.sig, 'base64').toString('base64') !== e.sig)
    return 'sig is not canonical base64';
  if (Buffer.from(e.sig, 'base64').length !== 64) return 'sig is not a 64-byte Ed25519 signature';
  return undefined;
}
