// The reuse gate (DESIGN §1): may this volume go to another tenant now? Open only if the
// certificate is valid and trusted, names this exact device (identity and size), and a fresh read
// of the certified final-state sample (first 4 MiB, last 1 MiB, 64 blocks chosen by the
// certificate id) still hashes to the certified digest. Reads only.
import { digestFinalStateSamples, finalStateSampleOffsets } from '../cert/index.js';
import { createExtentReader } from './provenance.js';
import { assertOpenedAsChecked } from './run-scan.js';
import {
  verifyCertificateContent,
  verifyCertificateFile,
  type CertificateContent,
  type CertificateVerifyRequest,
} from './verify-certificate.js';
import { defaultWipeDeps, type WipeDeps } from './wipe-deps.js';

export interface GateRequest extends CertificateVerifyRequest {
  target: string;
  /** The certificate itself when it does not come from the file certPath (gate --ledger). */
  certificate?: CertificateContent | undefined;
}

export interface GateReport {
  target: { path: string; kind: 'block' | 'file'; sizeBytes: number; deviceId: string };
  certificate: { path: string; id: string; keyId: string; issuedAt: string; deviceId: string; sizeBytes: number };
  checks: { signature: 'valid'; identity: boolean; size: boolean; finalState: boolean | null };
  open: boolean;
  /** Why the gate is closed (empty when open). */
  reasons: string[];
}

// Answers the gate question for one target; throws (exit 2/5) when the certificate is not valid.
export async function checkGate(request: GateRequest, deps: WipeDeps = defaultWipeDeps()): Promise<GateReport> {
  const { certificate } = request.certificate
    ? verifyCertificateContent(request, request.certificate)
    : verifyCertificateFile(request);
  const predicate = certificate.predicate;
  const resolved = await deps.resolveTarget(request.target);
  const identity = await deps.readIdentity(resolved);
  const reasons: string[] = [];
  const identityMatches = identity.id === predicate.media.deviceId;
  if (!identityMatches) {
    reasons.push(
      `the certificate names device ${predicate.media.deviceId} (${predicate.media.path}), this is ${identity.id}`,
    );
  }
  const sizeMatches = identity.sizeBytes === predicate.media.sizeBytes;
  if (!sizeMatches)
    reasons.push(`size ${identity.sizeBytes} bytes differs from the certified ${predicate.media.sizeBytes}`);
  let finalState: boolean | null = null;
  if (identityMatches && sizeMatches) {
    const target = await deps.openTarget(identity.realPath, { access: 'read' });
    const reader = createExtentReader(target);
    try {
      assertOpenedAsChecked(identity, target, request.target);
      const digest = await digestFinalStateSamples(
        finalStateSampleOffsets(target.sizeBytes, predicate.certificateId),
        (e) => reader.read(e),
      );
      finalState = digest === predicate.finalState.sampleDigest;
      if (!finalState)
        reasons.push(
          'the device no longer holds the certified final state (sample digest differs): it was written since',
        );
    } finally {
      reader.release();
      await target.close();
    }
  }
  return {
    target: { path: request.target, kind: identity.kind, sizeBytes: identity.sizeBytes, deviceId: identity.id },
    certificate: {
      path: request.certPath,
      id: predicate.certificateId,
      keyId: certificate.keyId,
      issuedAt: predicate.issuedAt,
      deviceId: predicate.media.deviceId,
      sizeBytes: predicate.media.sizeBytes,
    },
    checks: { signature: 'valid', identity: identityMatches, size: sizeMatches, finalState },
    open: reasons.length === 0,
    reasons,
  };
}
