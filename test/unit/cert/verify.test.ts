import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  buildStatement,
  formatCertificate,
  inspectCertificate,
  signCertificate,
  signEnvelope,
  verifyCertificate,
  type Envelope,
  type Signer,
  type TrustOptions,
} from '../../../src/cert/index.js';
import { CleanslateError } from '../../../src/errors/index.js';
import { makeSigner, sampleInput } from '../../helpers/cert-fixtures.js';

const signer = makeSigner();
const trust: TrustOptions = { pubkeyPem: signer.publicKeyPem };
const issued = signCertificate(sampleInput(), signer);

// The error a call throws; fails the test if it returns or throws anything but a CleanslateError.
function errorOf(fn: () => unknown): CleanslateError {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof CleanslateError)) throw error;
    return error;
  }
  throw new Error('expected a CleanslateError, got success');
}

// Signs any Statement-like object as a certificate file, as a hostile but key-holding signer would.
function signRaw(payload: unknown, by: Signer = signer, payloadType?: string): string {
  return formatCertificate(signEnvelope(payload, by, payloadType));
}

describe('verifyCertificate: valid certificates', () => {
  test('a certificate from signCertificate verifies with its public key, as text or bytes', () => {
    for (const input of [issued.text, Buffer.from(issued.text)]) {
      const v = verifyCertificate(input, trust);
      expect(v.keyId).toBe(signer.keyId);
      expect(v.predicate.certificateId).toBe('3f2c9a1e-7b4d-4c8e-9a6f-0123456789ab');
      expect(v.statement).toEqual(issued.statement);
    }
  });

  test('trust by a key map, and by a directory of keys', () => {
    const keys = new Map([[signer.keyId, createPublicKey(signer.publicKeyPem)]]);
    expect(verifyCertificate(issued.text, { keys }).keyId).toBe(signer.keyId);
    const dir = mkdtempSync(join(tmpdir(), 'cleanslate-trust-'));
    try {
      writeFileSync(join(dir, 'other.pub'), makeSigner().publicKeyPem);
      writeFileSync(join(dir, 'host.pem'), signer.publicKeyPem);
      expect(verifyCertificate(issued.text, { trustDir: dir }).keyId).toBe(signer.keyId);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('a v1.x predicate with extra fields is accepted; inspectCertificate reads without a key', () => {
    const statement = {
      ...issued.statement,
      predicateType: 'https://cleanslate.dev/sanitization/v1.2',
      predicate: { ...issued.statement.predicate, newField: { x: 1 } },
    };
    expect(verifyCertificate(signRaw(statement), trust).statement.predicateType).toMatch(/v1\.2$/);
    expect(inspectCertificate(issued.text).predicate.media.deviceId).toBe(issued.statement.predicate.media.deviceId);
  });
});

describe('verifyCertificate: exit 5', () => {
  test('every byte of the payload flipped in turn is rejected with an exit-5 error', () => {
    const envelope = JSON.parse(issued.text) as Envelope;
    const payload = Buffer.from(envelope.payload, 'base64');
    expect(payload.length).toBeGreaterThan(1000);
    const codes = new Set<string>();
    for (let i = 0; i < payload.length; i++) {
      const flipped = Buffer.from(payload);
      flipped[i] = (flipped[i] ?? 0) ^ 0x01;
      const text = JSON.stringify({ ...envelope, payload: flipped.toString('base64') });
      const error = errorOf(() => verifyCertificate(text, trust));
      expect(error.exitCode, `byte ${i}`).toBe(5);
      codes.add(error.code);
    }
    expect([...codes]).toEqual(['ERR_SIGNATURE_INVALID']);
  });

  test('a flipped signature byte, a changed payloadType, an untrusted key', () => {
    const envelope = JSON.parse(issued.text) as Envelope;
    const sig = Buffer.from(envelope.signatures[0]?.sig ?? '', 'base64');
    for (let i = 0; i < sig.length; i += 7) {
      const bad = Buffer.from(sig);
      bad[i] = (bad[i] ?? 0) ^ 0x80;
      const text = JSON.stringify({ ...envelope, signatures: [{ keyid: signer.keyId, sig: bad.toString('base64') }] });
      expect(errorOf(() => verifyCertificate(text, trust)).code).toBe('ERR_SIGNATURE_INVALID');
    }
    const retyped = JSON.stringify({ ...envelope, payloadType: 'application/json' });
    expect(errorOf(() => verifyCertificate(retyped, trust)).exitCode).toBe(5);
    const other = makeSigner();
    const untrusted = errorOf(() => verifyCertificate(issued.text, { pubkeyPem: other.publicKeyPem }));
    expect(untrusted.code).toBe('ERR_KEY_UNTRUSTED');
    expect(untrusted.exitCode).toBe(5);
  });

  // Validly signed by the trusted key, but not an acceptable certificate.
  const s = issued.statement;
  const p = s.predicate;
  const signedBad: Record<string, () => string> = {
    'payload type other than in-toto': () => signRaw(s, signer, 'application/json'),
    'unknown predicate major version': () => signRaw({ ...s, predicateType: 'https://cleanslate.dev/sanitization/v2' }),
    'foreign predicate type': () => signRaw({ ...s, predicateType: 'https://slsa.dev/provenance/v1' }),
    'not a Statement': () => signRaw({ ...s, _type: 'https://in-toto.io/Statement/v0.1' }),
    'subject digest of another device': () =>
      signRaw({ ...s, subject: [{ name: s.subject[0]?.name, digest: { sha256: 'f'.repeat(64) } }] }),
    'media changed under the subject': () =>
      signRaw({ ...s, predicate: { ...p, media: { ...p.media, sizeBytes: p.media.sizeBytes * 2 } } }),
    'result FAIL': () => signRaw({ ...s, predicate: { ...p, result: 'FAIL' } }),
    'signingKeyId of another key': () => signRaw({ ...s, predicate: { ...p, signingKeyId: makeSigner().keyId } }),
    'number where a string belongs': () => signRaw({ ...s, predicate: { ...p, host: 42 } }),
    'float in the predicate': () =>
      signRaw({ ...s, predicate: { ...p, verification: { ...p.verification, bytesRead: 1.5 } } }),
    'missing field': () => {
      const { finalState: _drop, ...rest } = p;
      return signRaw({ ...s, predicate: rest });
    },
    'payload not JSON': () => signRaw('just a string'),
  };
  test.for(Object.keys(signedBad))('%s → exit 5', (name) => {
    const error = errorOf(() => verifyCertificate(signedBad[name]?.() ?? '', trust));
    expect(error.exitCode).toBe(5);
  });

  test('buildStatement output always passes its own verifier', () => {
    const statement = buildStatement({ ...sampleInput(), signingKeyId: signer.keyId });
    expect(verifyCertificate(signRaw(statement), trust).predicate.result).toBe('PASS');
  });
});

describe('verifyCertificate: hostile input → exit 2, fast, never a crash', () => {
  const envelope = JSON.parse(issued.text) as Envelope;
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const hostile: Record<string, string | Buffer> = {
    'a 10 MiB string': `"${'A'.repeat(10 * 1024 * 1024)}"`,
    '10 MiB of bytes': Buffer.alloc(10 * 1024 * 1024, 0x20),
    '10000-deep nesting': deep(10000),
    'deep nesting inside a field': JSON.stringify({ ...envelope, signatures: 'x' }).replace('"x"', deep(10000)),
    'deep objects': '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
    'empty file': '',
    'not JSON': 'hello',
    'invalid UTF-8': Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    'a JSON array': '[1,2,3]',
    null: 'null',
    'a number': '12',
    'payloadType is a number': JSON.stringify({ ...envelope, payloadType: 5 }),
    'payload is a number': JSON.stringify({ ...envelope, payload: 5 }),
    'payload is not base64': JSON.stringify({ ...envelope, payload: '$$$$' }),
    'signatures is a string': JSON.stringify({ ...envelope, signatures: 'sig' }),
    'signatures empty': JSON.stringify({ ...envelope, signatures: [] }),
    'keyid is a number': JSON.stringify({ ...envelope, signatures: [{ keyid: 1, sig: 'AAAA' }] }),
    'sig is null': JSON.stringify({ ...envelope, signatures: [{ keyid: signer.keyId, sig: null }] }),
    'missing payload': JSON.stringify({ payloadType: envelope.payloadType, signatures: envelope.signatures }),
    'missing signatures': JSON.stringify({ payloadType: envelope.payloadType, payload: envelope.payload }),
    'huge signatures array': JSON.stringify({
      ...envelope,
      signatures: new Array(50_000).fill({ keyid: 'k', sig: 'AAAA' }),
    }),
    'extra huge array field': JSON.stringify({ ...envelope, junk: new Array(200_000).fill(0) }),
    'extra field in a signature': JSON.stringify({
      ...envelope,
      signatures: [{ ...envelope.signatures[0], extra: [1, 2, 3] }],
    }),
    '__proto__ field': `{"__proto__":{"polluted":1},"payloadType":"x","payload":"AAAA","signatures":[]}`,
  };
  test.for(Object.keys(hostile))('%s', (name) => {
    const started = performance.now();
    const error = errorOf(() => verifyCertificate(hostile[name] ?? '', trust));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('ERR_CERT_MALFORMED');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('random mutations of a real certificate only ever give exit 2 or 5', () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const chars = '{}[]":,0123456789abcdefAZ+/=\\ \n-.eE';
    for (let round = 0; round < 2000; round++) {
      const text = issued.text.split('');
      for (let k = 1 + random(4); k > 0; k--) {
        const at = random(text.length);
        const op = random(3);
        if (op === 0) text[at] = chars[random(chars.length)] ?? '';
        else if (op === 1) text.splice(at, 1);
        else text.splice(at, 0, chars[random(chars.length)] ?? '');
      }
      const mutated = text.join('');
      if (mutated === issued.text) continue;
      try {
        verifyCertificate(mutated, trust);
      } catch (error) {
        expect(error).toBeInstanceOf(CleanslateError);
        expect([2, 5]).toContain((error as CleanslateError).exitCode);
      }
    }
  });

  test('a bad or missing trust source is an input error (exit 2)', () => {
    expect(errorOf(() => verifyCertificate(issued.text, {})).exitCode).toBe(2);
    expect(errorOf(() => verifyCertificate(issued.text, { pubkeyPem: 'junk' })).exitCode).toBe(2);
    expect(
      errorOf(() => verifyCertificate(issued.text, { pubkeyPem: signer.publicKeyPem, trustDir: '/nonexistent' }))
        .exitCode,
    ).toBe(2);
  });
});
