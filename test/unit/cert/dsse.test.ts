import canonicalize from 'canonicalize';
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { IN_TOTO_PAYLOAD_TYPE, keyIdOf, pae, signEnvelope, verifyEnvelope } from '../../../src/cert/index.js';
import { CleanslateError } from '../../../src/errors/index.js';
import { makeSigner } from '../../helpers/cert-fixtures.js';

function trustOf(...signers: ReturnType<typeof makeSigner>[]) {
  return new Map(signers.map((s) => [s.keyId, createPublicKey(s.publicKeyPem)]));
}

describe('pae', () => {
  test('the DSSE spec example, byte for byte', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString('latin1')).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
  });

  test('lengths are byte lengths in ASCII decimal, and the body is copied verbatim', () => {
    const body = Buffer.from([0xc3, 0xa9, 0x00, 0x20, 0xff]); // "é", NUL, space, 0xff
    const out = pae(IN_TOTO_PAYLOAD_TYPE, body);
    expect(out).toEqual(Buffer.concat([Buffer.from('DSSEv1 28 application/vnd.in-toto+json 5 ', 'latin1'), body]));
    expect(pae('', Buffer.alloc(0)).toString('latin1')).toBe('DSSEv1 0  0 ');
    expect(pae('é', Buffer.from('x')).toString('utf8')).toBe('DSSEv1 2 é 1 x');
  });
});

describe('signEnvelope / verifyEnvelope', () => {
  const payloadObject = { z: 1, a: { y: [3, 'x'], b: null }, m: 'é' };

  test('the payload is the canonical JSON (RFC 8785) and the signature covers the PAE', () => {
    const signer = makeSigner();
    const envelope = signEnvelope(payloadObject, signer);
    const payload = Buffer.from(envelope.payload, 'base64');
    expect(envelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    expect(payload.toString('utf8')).toBe(canonicalize(payloadObject));
    expect(payload.toString('utf8')).toBe('{"a":{"b":null,"y":[3,"x"]},"m":"é","z":1}');
    expect(envelope.signatures).toHaveLength(1);
    const [sig] = envelope.signatures;
    expect(sig?.keyid).toBe(signer.keyId);
    const pub = createPublicKey(signer.publicKeyPem);
    expect(keyIdOf(pub)).toBe(signer.keyId);
    expect(verify(null, pae(IN_TOTO_PAYLOAD_TYPE, payload), pub, Buffer.from(sig?.sig ?? '', 'base64'))).toBe(true);
  });

  test('round trip: the trusted key verifies and the payload comes back', () => {
    const signer = makeSigner();
    const other = makeSigner();
    const envelope = signEnvelope(payloadObject, signer);
    const result = verifyEnvelope(envelope, trustOf(other, signer));
    expect(result.keyId).toBe(signer.keyId);
    expect(JSON.parse(result.payload.toString('utf8'))).toEqual(payloadObject);
  });

  test('an untrusted key and a bad signature are exit-5 errors', () => {
    const signer = makeSigner();
    const envelope = signEnvelope(payloadObject, signer);
    const untrusted = (() => {
      try {
        verifyEnvelope(envelope, trustOf(makeSigner()));
      } catch (e) {
        return e as CleanslateError;
      }
    })();
    expect(untrusted?.code).toBe('ERR_KEY_UNTRUSTED');
    expect(untrusted?.exitCode).toBe(5);
    const forged = { ...envelope, payloadType: 'application/json' };
    expect(() => verifyEnvelope(forged, trustOf(signer))).toThrow(/does not verify/);
    const otherSig = signEnvelope(payloadObject, makeSigner()).signatures[0]?.sig ?? '';
    const swapped = { ...envelope, signatures: [{ keyid: signer.keyId, sig: otherSig }] };
    expect(() => verifyEnvelope(swapped, trustOf(signer))).toThrow(CleanslateError);
  });
});
