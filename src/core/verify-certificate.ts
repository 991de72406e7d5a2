// The `cert verify` and `cert show` use cases: read a certificate file, pick the trusted keys
// (--pubkey, --trust, else the host key of the state directory) and verify it.
import type { KeyObject } from 'node:crypto';
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
  /** ledger: the keys hosts registered in the fleet ledger (path is the ledger URL, password masked). */
  kind: 'pubkey' | 'trust-dir' | 'host-key' | 'ledger';
  path: string;
}

/** A certificate read from elsewhere than a file (the fleet ledger), with the keys to trust when
 *  the request gives neither --pubkey nor --trust. */
export interface CertificateContent {
  content: string | Buffer;
  /** Where it came from, for messages (e.g. ledger:<certificateId>). */
  label: string;
  fallbackKeys?: { source: string; keys: ReadonlyMap<string, KeyObject> } | undefined;
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
  throw new CleanslateError(
    'ERR_KEY_NONE_TRUSTED',
    `no trusted key: pass --pubkey or --trust (no host key at ${publicKeyPath})`,
    { step: 'load trust' },
  );
}

function trustOptionsOf(source: TrustSource): TrustOptions {
  return source.kind === 'trust-dir' ? { trustDir: source.path } : { pubkeyPath: source.path };
}

// Verifies a certificate file; throws exit-2 errors for bad input and exit-5 errors for a bad certificate.
export function verifyCertificateFile(request: CertificateVerifyRequest): CertificateVerification {
  const trust = withTarget(request.certPath, () => resolveTrustSource(request));
  const file = readCertificateFile(request.certPath);
  const certificate = withTarget(request.certPath, () => verifyCertificate(file, trustOptionsOf(trust)));
  return { certPath: request.certPath, trust, certificate };
}

// Verifies a certificate given as content: --pubkey / --trust when given, else the fallback keys
// (the ledger's), else the host key. Same errors as verifyCertificateFile, naming content.label.
export function verifyCertificateContent(
  request: Omit<CertificateVerifyRequest, 'certPath'>,
  content: CertificateContent,
): CertificateVerification {
  const explicit = request.pubkeyPath !== undefined || request.trustDir !== undefined;
  const fallback = content.fallbackKeys;
  const trust: TrustSource =
    !explicit && fallback ? { kind: 'ledger', path: fallback.source } : resolveTrustSource(request);
  const options: TrustOptions = trust.kind === 'ledger' && fallback ? { keys: fallback.keys } : trustOptionsOf(trust);
  const certificate = withTarget(content.label, () => verifyCertificate(content.content, options));
  return { certPath: content.label, trust, certificate };
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
