// DSSE v1 envelopes (https://github.com/secure-systems-lab/dsse): the pre-authentication
// encoding, signing a JSON payload in its RFC 8785 canonical form, and verifying against trusted keys.
import { verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { CleanslateError } from '../errors/index.js';
import type { Signer } from '../types.js';

/** The DSSE payloadType of an in-toto Statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface EnvelopeSignature {
  /** `sha256:` + hex SHA-256 of the signer's SPKI DER. */
  keyid: string;
  /** Base64 of the raw 64-byte Ed25519 signature over pae(payloadType, payload). */
  sig: string;
}

export interface Envelope {
  payloadType: string;
  /** Base64 (standard alphabet, padded) of the payload bytes. */
  payload: string;
  signatures: EnvelopeSignature[];
}

export interface VerifiedEnvelope {
  /** The decoded payload: the exact bytes the signature covers. */
  payload: Buffer;
  /** Key id of the trusted key whose signature verified. */
  keyId: string;
}

// The DSSE pre-authentication encoding:
// "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths as ASCII decimal byte counts.
export function pae(payloadType: string, payload: Buffer | Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}

// The canonical (RFC 8785 JCS) UTF-8 bytes of a JSON value; ERR_INTERNAL for what JSON cannot hold.
export function canonicalBytes(value: unknown): Buffer {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    throw new CleanslateError('ERR_INTERNAL', `cannot canonicalize: ${(error as Error).message}`, { cause: error });
  }
  if (text === undefined) throw new CleanslateError('ERR_INTERNAL', 'cannot canonicalize an undefined value');
  return Buffer.from(text, 'utf8');
}

// Signs a JSON value as a DSSE envelope: payload = base64 of its canonical JSON bytes.
export function signEnvelope(
  payloadObject: unknown,
  signer: Signer,
  payloadType: string = IN_TOTO_PAYLOAD_TYPE,
): Envelope {
  const payload = canonicalBytes(payloadObject);
  const sig = signer.sign(pae(payloadType, payload));
  return {
    payloadType,
    payload: payload.toString('base64'),
    signatures: [{ keyid: signer.keyId, sig: sig.toString('base64') }],
  };
}

// Verifies an envelope against trusted keys (key id → public key) and resolves the payload bytes.
// ERR_KEY_UNTRUSTED when no signature names a trusted key; ERR_SIGNATURE_INVALID when a trusted
// key's signature does not verify. The payload type is the caller's to check.
export function verifyEnvelope(envelope: Envelope, keys: ReadonlyMap<string, KeyObject>): VerifiedEnvelope {
  const payload = envelopePayload(envelope);
  const message = pae(envelope.payloadType, payload);
  let trustedSeen = false;
  for (const signature of envelope.signatures) {
    const key = keys.get(signature.keyid);
    if (!key) continue;
    trustedSeen = true;
    const sig = decodeBase64(signature.sig, 'signature');
    if (sig.length === 64 && verify(null, message, key, sig)) return { payload, keyId: signature.keyid };
  }
  if (!trustedSeen) {
    const named = envelope.signatures.map((s) => s.keyid).join(', ') || 'none';
    throw new CleanslateError(
      'ERR_KEY_UNTRUSTED',
      `signed by an untrusted key (${named}); trusted: ${[...keys.keys()].join(', ') || 'none'}`,
      { step: 'verify signature' },
    );
  }
  throw new CleanslateError('ERR_SIGNATURE_INVALID', 'the signature does not verify: the certificate was altered', {
    step: 'verify signature',
  });
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const BASE64_URL = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=|[A-Za-z0-9_-]{2,3})?$/;

// True when text is base64, standard or URL-safe, padded or not (DSSE allows either alphabet).
export function isBase64(text: string): boolean {
  return BASE64.test(text) || BASE64_URL.test(text);
}

// The decoded payload bytes of an envelope (what the signature covers).
export function envelopePayload(envelope: Envelope): Buffer {
  return decodeBase64(envelope.payload, 'payload');
}

function decodeBase64(text: string, what: string): Buffer {
  if (!isBase64(text)) {
    throw new CleanslateError('ERR_CERT_MALFORMED', `the envelope's ${what} is not base64`, { step: 'read envelope' });
  }
  return Buffer.from(text, BASE64.test(text) ? 'base64' : 'base64url');
}
