// The `cert verify` and `cert show` use cases: read a certificate file, pick the trusted keys
// (--pubkey, --trust, else the host key of the state directory) and verify it.
import { existsSync } from 'node:fs';
import {
  hostKeyPaths,
  inspectCertificate,
  readCertificateFile,
  verifyCertificate,
  type InspectedCertificate,
  type TrustOptions,
  type VerifiedCertificate,
} from '../cert/index.js';
import { CleanslateError } from '../errors/index.js';
import { resolveStateDir } from '../state/index.js';

export interface CertificateVerifyRequest {
  certPath: string;
  /** --pubkey: a PEM public key file. */
  pubkeyPath?: string | undefined;
  /** --trust: a directory of *.pub / *.pem public keys. */
  trustDir?: string | undefined;
  /** Where the host key is looked for when neither is given. @default resolveStateDir() */
  stateDir?: string | undefined;
}

export interface TrustSource {
  kind: 'pubkey' | 'trust-dir' | 'host-key';
  path: string;
}

export interface CertificateVerification {
  certPath: string;
  trust: TrustSource;
  certificate: VerifiedCertificate;
}

export interface CertificateShowResult {
  certPath: string;
  certificate: InspectedCertificate;
  /** null when no key was given: the signature was not checked. */
  verified: { keyId: string; trust: TrustSource } | null;
}

// The trust source of a request: --pubkey, --trust, else the host public key; ERR_KEY_NONE_TRUSTED (exit 2) if none.
export function resolveTrustSource(request: Omit<CertificateVerifyRequest, 'certPath'>): TrustSource {
  if (request.pubkeyPath !== undefined && request.trustDir !== undefined) {
    throw new CleanslateError('ERR_USAGE', '--pubkey and --trust cannot be used together', { step: 'load trust' });
  }
  if (request.pubkeyPath !== undefined) return { kind: 'pubkey', path: request.pubkeyPath };
  if (request.trustDir !== undefined) return { kind: 'trust-dir', path: request.trustDir };
  const { publicKeyPath } = hostKeyPaths(request.stateDir ?? resolveStateDir());
  if (existsSync(publicKeyPath)) return { kind: 'host-key', path: publicKeyPath };
  throw new CleanslateError('ERR_KEY_NONE_TRUSTED', 'no trusted key: pass --pubkey or --trust', {
    step: 'load trust',
  });
}

function trustOptionsOf(source: TrustSource): TrustOptions {
  return source.kind === 'trust-dir' ? { trustDir: source.path } : { pubkeyPath: source.path };
}

// Verifies a certificate file; throws exit-2 errors for bad input and exit-5 errors for a bad certificate.
export function verifyCertificateFile(request: CertificateVerifyRequest): CertificateVerification {
  const trust = resolveTrustSource(request);
  const file = readCertificateFile(request.certPath);
  const certificate = withTarget(request.certPath, () => verifyCertificate(file, trustOptionsOf(trust)));
  return { certPath: request.certPath, trust, certificate };
}

// Reads a certificate for display: verified when a key is given (--pubkey / --trust), else only parsed.
export function showCertificateFile(request: CertificateVerifyRequest): CertificateShowResult {
  if (request.pubkeyPath === undefined && request.trustDir === undefined) {
    const file = readCertificateFile(request.certPath);
    const certificate = withTarget(request.certPath, () => inspectCertificate(file));
    return { certPath: request.certPath, certificate, verified: null };
  }
  const { certificate, trust } = verifyCertificateFile(request);
  return { certPath: request.certPath, certificate, verified: { keyId: certificate.keyId, trust } };
}

// Runs fn; a CleanslateError without a target gets the certificate path as its target.
function withTarget<T>(target: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof CleanslateError && error.target === undefined) {
      throw new CleanslateError(error.code, error.message, { target, step: error.step, cause: error.cause });
    }
    throw error;
  }
}
