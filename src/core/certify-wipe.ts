// Issues the certificate of a passed wipe (DESIGN §7): reads the final-state sample, records
// wipe.completed in the audit log, signs the statement bound to that entry, writes the file and
// records cert.issued. Called only for a PASS; a failed run gets a wipe.failed record instead.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  digestFinalStateSamples,
  finalStatePatternOf,
  finalStateSampleOffsets,
  signCertificate,
  writeCertificateFile,
} from '../cert/index.js';
import type { CertificateEraseInput } from '../cert/index.js';
import type { Target, WipePlan } from '../types.js';
import { createExtentReader, type Provenance } from './provenance.js';
import type { IssuedCertificate, WipeReport } from './wipe-report.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { name: string; version: string };

// Certifies a PASS report: final-state digest, audit anchor, signature, file.
export async function certifyWipe(
  report: Omit<WipeReport, 'certificate'>,
  plan: WipePlan,
  target: Target,
  provenance: Provenance,
): Promise<IssuedCertificate> {
  const certificateId = randomUUID();
  // The last pass's content, or (a crypto-erase alone) no known content: the sample digest binds it.
  const last = plan.passes.at(-1);
  const reader = createExtentReader(target);
  let sampleDigest: string;
  try {
    sampleDigest = await digestFinalStateSamples(finalStateSampleOffsets(target.sizeBytes, certificateId), (e) =>
      reader.read(e),
    );
  } finally {
    reader.release();
  }
  const anchor = await provenance.record({
    ...auditFacts(report),
    type: 'wipe.completed',
    result: 'PASS',
    details: {
      method: report.method.id,
      passes: report.passes.length,
      bytesWritten: report.bytesWritten,
      certificateId,
    },
  });
  const scan = report.scan;
  const signed = signCertificate(
    {
      certificateId,
      issuedAt: new Date().toISOString(),
      tool: { name: pkg.name, version: pkg.version },
      host: provenance.host,
      operator: report.operator,
      tenant: report.tenant,
      volumeId: report.volumeId,
      media: report.identity,
      sanitization: {
        methodType: report.method.methodType,
        technique: report.erase?.outcome?.technique ?? 'overwrite',
        erase: certificateEraseOf(report),
        interruptions: report.resumed?.interruptions ?? [],
        method: report.method.id,
        methodLabel: report.method.label,
        methodSource: report.method.source,
        passes: report.passes.map((p) => ({
          index: p.index,
          pattern: p.pattern,
          bytes: p.bytes,
          startedAt: p.startedAt,
          endedAt: p.endedAt,
        })),
        seedCommitment: report.seedCommitment,
        startedAt: report.startedAt,
        endedAt: report.passes.at(-1)?.endedAt ?? report.startedAt,
        bytesWritten: report.bytesWritten,
      },
      verification: {
        mode: report.verification.mode,
        bytesRead: report.verification.bytesRead,
        mismatches: report.verification.mismatches,
        claim: null,
      },
      residualScan: {
        mode: scan ? scan.coverage.mode : 'none',
        bytesScanned: scan?.coverage.bytesScanned ?? 0,
        samples: scan?.coverage.samples ?? null,
        claim: scan?.coverage.claim ?? null,
        findings: Object.fromEntries(Object.entries(scan?.counts ?? {}).map(([k, v]) => [k, v ?? 0])),
        residueBlocks: scan?.residueBlocks ?? 0,
      },
      finalState: last
        ? { expect: last.describe, pattern: finalStatePatternOf(last.pattern), sampleDigest }
        : { expect: 'none', pattern: { kind: 'none' }, sampleDigest },
      audit: { seq: anchor.seq, entryHash: anchor.hash },
    },
    provenance.certSigner,
  );
  await mkdir(provenance.certDir, { recursive: true, mode: 0o755 });
  const path = writeCertificateFile(provenance.certDir, certificateId, signed.envelope);
  await provenance.record({
    ...auditFacts(report),
    type: 'cert.issued',
    result: 'ok',
    details: { certificateId, path, keyId: provenance.certSigner.keyId },
  });
  return {
    id: certificateId,
    path,
    keyId: provenance.certSigner.keyId,
    audit: { seq: anchor.seq, entryHash: anchor.hash },
  };
}

// The certificate's record of the crypto-erase, when there was one.
function certificateEraseOf(report: Omit<WipeReport, 'certificate'>): CertificateEraseInput | null {
  const outcome = report.erase?.outcome;
  if (!outcome) return null;
  return {
    backend: outcome.backend,
    technique: outcome.technique,
    commands: outcome.commands,
    regions: outcome.regions,
    luks: outcome.luks ?? null,
    evidence: outcome.evidence,
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
  };
}

// The common fields of a wipe's audit entries.
export function auditFacts(report: Pick<WipeReport, 'target' | 'identity' | 'volumeId' | 'tenant' | 'operator'>) {
  return {
    target: report.target.path,
    deviceId: report.identity.id,
    volumeId: report.volumeId,
    tenantId: report.tenant,
    operator: report.operator,
  };
}
