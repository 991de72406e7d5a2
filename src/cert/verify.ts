// Verifying a certificate file. Hostile input first, cheaply and without a crash: size, JSON depth,
// envelope shape (exit 2, ERR_CERT_MALFORMED). Then the signature against trusted keys, and only
// then the signed content: payload type, predicate version, schema, subject digest, result (exit 5).
import type { KeyObject } from 'node:crypto';
import { CleanslateError, type ErrorCode } from '../errors/index.js';
import { envelopePayload, IN_TOTO_PAYLOAD_TYPE, isBase64, verifyEnvelope, type Envelope } from './dsse.js';
import { loadPublicKey, loadTrustDir, keyIdOf, parsePublicKey } from './keys.js';
import { DEVICE_URN_PREFIX, STATEMENT_TYPE, type SanitizationPredicate, type Statement } from './model.js';
import { findStatementProblem } from './schema.js';
import { deviceIdentityDigest } from './statement.js';

/** Largest certificate accepted; a real one is a few KiB. */
export const MAX_CERT_BYTES = 1024 * 1024;
/** Deepest JSON nesting accepted (a certificate nests 5 levels). */
export const MAX_JSON_DEPTH = 32;
const MAX_SIGNATURES = 16;

/** Which keys to trust: exactly one of these. */
export interface TrustOptions {
  /** A public key as PEM text. */
  pubkeyPem?: string;
  /** A public key PEM file (--pubkey). */
  pubkeyPath?: string;
  /** A directory of *.pub / *.pem public keys (--trust). */
  trustDir?: string;
  /** Keys already loaded, by key id. */
  keys?: ReadonlyMap<string, KeyObject>;
}

/** A certificate whose envelope and Statement were parsed, but whose signature was NOT checked. */
export interface InspectedCertificate {
  envelope: Envelope;
  /** The decoded DSSE payload (the signed bytes). */
  payload: Buffer;
  statement: Statement;
  predicate: SanitizationPredicate;
}

/** A certificate whose signature verified with a trusted key and whose content is acceptable. */
export interface VerifiedCertificate extends InspectedCertificate {
  /** Key id of the trusted key that signed it. */
  keyId: string;
}

const PREDICATE_V1 = /^https:\/\/cleanslate\.dev\/sanitization\/v1(\.\d{1,6})?$/;

// Verifies a certificate (file content) against trusted keys; returns the Statement or throws
// ERR_CERT_MALFORMED / ERR_KEY_* (exit 2) or ERR_SIGNATURE_INVALID / ERR_KEY_UNTRUSTED / ERR_CERT_PAYLOAD (exit 5).
export function verifyCertificate(input: string | Buffer, trust: TrustOptions): VerifiedCertificate {
  const envelope = readEnvelope(input);
  const keys = resolveTrust(trust);
  const bad = (message: string): never => {
    throw new CleanslateError('ERR_CERT_PAYLOAD', message, { step: 'verify certificate' });
  };
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    bad(`payloadType is ${JSON.stringify(envelope.payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  const { payload, keyId } = verifyEnvelope(envelope, keys);
  const statement = readStatement(payload, 'ERR_CERT_PAYLOAD');
  const predicate = statement.predicate;
  if (predicate.signingKeyId !== keyId) {
    bad(`predicate.signingKeyId ${predicate.signingKeyId} is not the key that signed it (${keyId})`);
  }
  if (predicate.result !== 'PASS') bad(`the certificate's result is ${predicate.result}, not PASS`);
  return { envelope, payload, statement, predicate, keyId };
}

// Parses a certificate WITHOUT checking its signature (for `cert show` without a key); any
// problem is ERR_CERT_MALFORMED (exit 2).
export function inspectCertificate(input: string | Buffer): InspectedCertificate {
  const envelope = readEnvelope(input);
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    malformed(`payloadType is ${JSON.stringify(envelope.payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  const payload = envelopePayload(envelope);
  const statement = readStatement(payload, 'ERR_CERT_MALFORMED');
  return { envelope, payload, statement, predicate: statement.predicate };
}

// The trusted keys of a TrustOptions (exactly one source); ERR_USAGE / ERR_KEY_INVALID (exit 2).
export function resolveTrust(trust: TrustOptions): Map<string, KeyObject> {
  const sources = [trust.pubkeyPem, trust.pubkeyPath, trust.trustDir, trust.keys].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    throw new CleanslateError(
      'ERR_USAGE',
      sources.length === 0 ? 'no trusted key given' : 'give one trust source (--pubkey or --trust), not several',
      { step: 'load trust' },
    );
  }
  if (trust.keys) return new Map(trust.keys);
  if (trust.trustDir !== undefined) return loadTrustDir(trust.trustDir);
  const key = trust.pubkeyPath !== undefined ? loadPublicKey(trust.pubkeyPath) : parsePublicKey(trust.pubkeyPem ?? '');
  return new Map([[keyIdOf(key), key]]);
}

// The envelope of a certificate file, shape-checked: exit 2 (ERR_CERT_MALFORMED) for anything
// that is not one, after at most one linear pass over at most MAX_CERT_BYTES.
export function readEnvelope(input: string | Buffer): Envelope {
  const text = decodeJsonText(input, 'ERR_CERT_MALFORMED', 'the file');
  const value = parseJson(text, 'ERR_CERT_MALFORMED', 'the file');
  if (!isRecord(value)) malformed('the file is not a JSON object');
  const unknown = Object.keys(value).find((k) => !['payloadType', 'payload', 'signatures'].includes(k));
  if (unknown !== undefined) malformed(`the envelope has an unknown field ${JSON.stringify(unknown.slice(0, 64))}`);
  const { payloadType, payload, signatures } = value;
  if (typeof payloadType !== 'string' || payloadType.length === 0 || payloadType.length > 256) {
    malformed('payloadType must be a non-empty string');
  }
  if (typeof payload !== 'string' || payload.length === 0 || !isBase64(payload)) {
    malformed('payload must be a base64 string');
  }
  if (!Array.isArray(signatures) || signatures.length === 0 || signatures.length > MAX_SIGNATURES) {
    malformed(`signatures must be a list of 1 to ${MAX_SIGNATURES} {keyid, sig}`);
  }
  const sigs = signatures.map((s, i) => {
    if (!isRecord(s)) malformed(`signatures[${i}] must be an object`);
    const extra = Object.keys(s).find((k) => k !== 'keyid' && k !== 'sig');
    if (extra !== undefined) malformed(`signatures[${i}] has an unknown field ${JSON.stringify(extra.slice(0, 64))}`);
    if (typeof s.keyid !== 'string' || s.keyid.length > 256) malformed(`signatures[${i}].keyid must be a string`);
    if (typeof s.sig !== 'string' || s.sig.length === 0 || s.sig.length > 1024 || !isBase64(s.sig)) {
      malformed(`signatures[${i}].sig must be a base64 string`);
    }
    return { keyid: s.keyid as string, sig: s.sig as string };
  });
  return { payloadType: payloadType as string, payload: payload as string, signatures: sigs };
}

// The Statement inside a payload, fully checked; problems are `code`.
function readStatement(payload: Buffer, code: ErrorCode): Statement {
  const fail = (message: string): never => {
    throw new CleanslateError(code, message, { step: 'read statement' });
  };
  const value = parseJson(decodeJsonText(payload, code, 'the payload'), code, 'the payload');
  if (!isRecord(value)) fail('the payload is not a JSON object');
  const record = value as Record<string, unknown>;
  if (record._type !== STATEMENT_TYPE) fail(`the payload is not an in-toto Statement v1 (_type)`);
  const predicateType = record.predicateType;
  if (typeof predicateType !== 'string' || !PREDICATE_V1.test(predicateType)) {
    fail(
      `unknown predicate type ${JSON.stringify(String(predicateType).slice(0, 128))} (this cleanslate reads https://cleanslate.dev/sanitization/v1)`,
    );
  }
  const problem = findStatementProblem(value);
  if (problem) fail(`the Statement is not a sanitization certificate: ${problem}`);
  const statement = value as Statement;
  const subject = statement.subject[0];
  const media = statement.predicate.media;
  if (!subject) return fail('the Statement has no subject');
  if (subject.name !== `${DEVICE_URN_PREFIX}${media.deviceId.replace(/^sha256:/, '')}`) {
    fail(`the subject ${subject.name} does not name the device in the predicate (${media.deviceId})`);
  }
  const digest = deviceIdentityDigest(media);
  if (subject.digest.sha256 !== digest) {
    fail(`the subject digest does not match the device identity in the predicate (expected ${digest})`);
  }
  return statement;
}

function malformed(message: string): never {
  throw new CleanslateError('ERR_CERT_MALFORMED', `not a cleanslate certificate: ${message}`, {
    step: 'read certificate',
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Bytes or text → text, refusing more than MAX_CERT_BYTES and invalid UTF-8.
function decodeJsonText(input: string | Buffer, code: ErrorCode, what: string): string {
  const fail = (message: string): never => {
    throw new CleanslateError(code, message, { step: 'read certificate' });
  };
  if (typeof input === 'string') {
    // length counts UTF-16 units, never more than the UTF-8 bytes: cheap rejection first
    if (input.length > MAX_CERT_BYTES || Buffer.byteLength(input, 'utf8') > MAX_CERT_BYTES) {
      fail(`${what} is larger than ${MAX_CERT_BYTES} bytes`);
    }
    return input;
  }
  if (input.length > MAX_CERT_BYTES) fail(`${what} is larger than ${MAX_CERT_BYTES} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    return fail(`${what} is not UTF-8 text`);
  }
}

// JSON.parse after a linear depth check (JSON.parse itself recurses and could overflow the stack).
function parseJson(text: string, code: ErrorCode, what: string): unknown {
  const depth = jsonDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) {
    throw new CleanslateError(code, `${what} nests JSON deeper than ${MAX_JSON_DEPTH} levels`, {
      step: 'read certificate',
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CleanslateError(code, `${what} is not JSON: ${(error as Error).message.slice(0, 200)}`, {
      step: 'read certificate',
    });
  }
}

// The bracket nesting depth of JSON text outside strings; stops counting past `limit`.
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
