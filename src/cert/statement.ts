// The in-toto Statement v1 of a sanitization certificate (DESIGN §7): the subject is the device,
// the predicate holds the NIST SP 800-88 Rev. 1 Appendix G fields the tool can know plus the
// machine fields a verifier and the reuse gate need. Pure: no I/O.
import { createHash } from 'node:crypto';
import { CleanslateError } from '../errors/index.js';
import type { PlannedPattern } from '../types.js';
import { canonicalBytes } from './dsse.js';
import {
  DEVICE_URN_PREFIX,
  FINAL_STATE_SAMPLE_SCHEME,
  PREDICATE_TYPE,
  STANDARD,
  STATEMENT_TYPE,
  type CertificateInput,
  type CertificateMediaInput,
  type Extent,
  type FinalStatePattern,
  type MediaType,
  type SanitizationPredicate,
  type Statement,
} from './model.js';
import { findStatementProblem } from './schema.js';

const MiB = 1024 * 1024;
/** Always sampled: the first 4 MiB and the last 1 MiB (where partition tables and superblocks live). */
const HEAD_BYTES = 4 * MiB;
const TAIL_BYTES = MiB;
/** Plus this many 64 KiB blocks spread over the rest at offsets derived from the certificate id. */
const SAMPLE_BLOCKS = 64;
const SAMPLE_BLOCK_BYTES = 64 * 1024;
const ALIGN = 4096;

// The file name of a certificate: `<certificateId>.cert.json`.
export function certificateFileName(certificateId: string): string {
  return `${certificateId}.cert.json`;
}

// The identity the subject digest covers, from the media block: the same fields (and rule) as the
// device id of src/devices/identity.ts, so for whole disks, loop devices and images the digest is
// the hex of the device id. Disks with a serial or WWN: {kind, serial, wwn, model, sizeBytes} (+
// partition); otherwise {kind, realPath, sizeBytes} (+ loopBackingFile).
export function deviceIdentityOf(
  media: Pick<
    SanitizationPredicate['media'],
    'kind' | 'serial' | 'wwn' | 'model' | 'sizeBytes' | 'realPath' | 'loopBackingFile' | 'partition'
  >,
): Record<string, unknown> {
  const hasHardwareId = media.serial !== null || media.wwn !== null;
  const identity: Record<string, unknown> = hasHardwareId
    ? { kind: media.kind, serial: media.serial, wwn: media.wwn, model: media.model, sizeBytes: media.sizeBytes }
    : { kind: media.kind, realPath: media.realPath, sizeBytes: media.sizeBytes };
  if (!hasHardwareId && media.loopBackingFile !== null) identity.loopBackingFile = media.loopBackingFile;
  if (hasHardwareId && media.partition !== null) identity.partition = media.partition;
  return identity;
}

// Hex SHA-256 of the canonical JSON (RFC 8785) of deviceIdentityOf(media): the subject digest.
export function deviceIdentityDigest(media: Parameters<typeof deviceIdentityOf>[0]): string {
  return createHash('sha256')
    .update(canonicalBytes(deviceIdentityOf(media)))
    .digest('hex');
}

// What the last pass left, for the certificate: bytes as they are, an AES key only as its commitment.
export function finalStatePatternOf(pattern: PlannedPattern): FinalStatePattern {
  if (pattern.kind === 'bytes') return { kind: 'bytes', bytes: [...pattern.bytes] };
  return {
    kind: 'aes-ctr',
    keyCommitment: createHash('sha256').update(Buffer.from(pattern.keyHex, 'hex')).digest('hex'),
  };
}

// The byte ranges whose content the certificate's finalState.sampleDigest covers, sorted and
// disjoint: the first 4 MiB, the last 1 MiB (from a 4 KiB boundary) and 64 blocks of 64 KiB
// (64 KiB-aligned) in between, chosen by SHA-256(scheme, certificateId, counter). Pure and
// deterministic: wipe and gate compute the same set. Offsets are 4096-aligned; lengths are too,
// except the last extent, which ends at sizeBytes.
export function finalStateSampleOffsets(sizeBytes: number, certificateId: string): Extent[] {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new RangeError(`bad size ${sizeBytes}`);
  if (sizeBytes === 0) return [];
  const headEnd = Math.min(HEAD_BYTES, sizeBytes);
  const tailStart = Math.max(headEnd, Math.floor(Math.max(sizeBytes - TAIL_BYTES, 0) / ALIGN) * ALIGN);
  const extents: Extent[] = [{ offset: 0, length: headEnd }];
  // candidate blocks: k * 64 KiB with HEAD_BYTES <= start and start + 64 KiB <= tailStart
  const firstBlock = Math.ceil(headEnd / SAMPLE_BLOCK_BYTES);
  const lastBlockEnd = Math.floor(tailStart / SAMPLE_BLOCK_BYTES); // exclusive
  const available = Math.max(lastBlockEnd - firstBlock, 0);
  const chosen = new Set<number>();
  if (available <= SAMPLE_BLOCKS) {
    for (let k = 0; k < available; k++) chosen.add(firstBlock + k);
  } else {
    for (let counter = 0; chosen.size < SAMPLE_BLOCKS; counter++) {
      const digest = createHash('sha256')
        .update(`${FINAL_STATE_SAMPLE_SCHEME}\0${certificateId}\0${counter}`, 'utf8')
        .digest();
      // 48 bits are plenty for any device size and stay a safe integer
      chosen.add(firstBlock + (digest.readUIntBE(0, 6) % available));
    }
  }
  for (const block of [...chosen].sort((a, b) => a - b)) {
    extents.push({ offset: block * SAMPLE_BLOCK_BYTES, length: SAMPLE_BLOCK_BYTES });
  }
  if (tailStart < sizeBytes) extents.push({ offset: tailStart, length: sizeBytes - tailStart });
  return mergeExtents(extents);
}

// Hex SHA-256 over the bytes of the extents, read in order by `read` (which MUST resolve exactly
// extent.length bytes). wipe computes it after the last pass; gate recomputes and compares.
export async function digestFinalStateSamples(
  extents: readonly Extent[],
  read: (extent: Extent) => Promise<Uint8Array> | Uint8Array,
): Promise<string> {
  const hash = createHash('sha256');
  for (const extent of extents) {
    const bytes = await read(extent);
    if (bytes.length !== extent.length) {
      throw new CleanslateError(
        'ERR_IO',
        `short read of a final-state sample: ${bytes.length} of ${extent.length} bytes`,
        { step: 'final-state sample', offset: extent.offset },
      );
    }
    hash.update(bytes);
  }
  return hash.digest('hex');
}

function mergeExtents(extents: Extent[]): Extent[] {
  const out: Extent[] = [];
  for (const e of extents) {
    if (e.length <= 0) continue;
    const last = out[out.length - 1];
    if (last && e.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, e.offset + e.length - last.offset);
    } else out.push({ ...e });
  }
  return out;
}

// The media type in NIST Appendix G's sense, as far as the kernel tells.
export function mediaTypeOf(media: CertificateMediaInput): MediaType {
  if (media.kind === 'file') return 'disk-image';
  if (media.loopBackingFile !== null || media.name?.startsWith('loop')) return 'loop-device';
  if (media.transport === 'nvme' || media.name?.startsWith('nvme')) return 'nvme-flash';
  if (media.rotational === true) return 'magnetic';
  if (media.rotational === false) return 'flash';
  return 'unknown';
}

// Builds the Statement of a passed run. Throws ERR_INTERNAL for a run that must not be certified
// (mismatches, residue) or input that breaks the format (floats, non-UTC times, bad ids).
export function buildStatement(input: CertificateInput): Statement {
  const refuse = (message: string): never => {
    throw new CleanslateError('ERR_INTERNAL', `no certificate: ${message}`, {
      target: input.media.path,
      step: 'build certificate',
    });
  };
  if (input.verification.mismatches !== 0) refuse(`verification found ${input.verification.mismatches} mismatches`);
  if (input.residualScan.residueBlocks !== 0)
    refuse(`the scan found ${input.residualScan.residueBlocks} residue blocks`);
  if (Object.values(input.residualScan.findings).some((n) => n !== 0)) refuse('the scan found residue');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(input.certificateId)) {
    refuse(`certificateId is not a lowercase UUID: ${input.certificateId}`);
  }
  if (!/^sha256:[0-9a-f]{64}$/.test(input.media.id)) refuse(`bad device id ${input.media.id}`);
  const s = input.sanitization;
  const media: SanitizationPredicate['media'] = {
    deviceId: input.media.id,
    kind: input.media.kind,
    mediaType: mediaTypeOf(input.media),
    path: input.media.path,
    realPath: input.media.realPath,
    name: input.media.name,
    manufacturer: input.media.vendor,
    model: input.media.model,
    serial: input.media.serial,
    wwn: input.media.wwn,
    sizeBytes: input.media.sizeBytes,
    logicalBlockSize: input.media.logicalBlockSize,
    transport: input.media.transport,
    loopBackingFile: input.media.loopBackingFile,
    partition: input.media.partition ?? null,
  };
  const scanRan = input.residualScan.mode !== 'none';
  const predicate: SanitizationPredicate = {
    certificateId: input.certificateId,
    issuedAt: input.issuedAt,
    signingKeyId: input.signingKeyId,
    standard: STANDARD,
    tool: { name: input.tool.name, version: input.tool.version },
    host: input.host,
    operator: { name: input.operator, title: null, organization: null },
    validator: {
      name: input.validator?.name ?? null,
      title: input.validator?.title ?? null,
      organization: input.validator?.organization ?? null,
    },
    tenant: input.tenant,
    volumeId: input.volumeId,
    media,
    sanitization: {
      methodType: s.methodType,
      technique: s.technique,
      erase: s.erase
        ? {
            backend: s.erase.backend,
            technique: s.erase.technique,
            commands: [...s.erase.commands],
            regions: s.erase.regions.map((r) => ({ offset: r.offset, length: r.length, label: r.label })),
            luks: s.erase.luks ? { ...s.erase.luks } : null,
            evidence: { ...s.erase.evidence },
            startedAt: s.erase.startedAt,
            endedAt: s.erase.endedAt,
          }
        : null,
      interruptions: (s.interruptions ?? []).map((i) => ({
        at: i.at,
        pass: i.pass,
        offset: i.offset,
        reason: i.reason,
      })),
      method: s.method,
      methodLabel: s.methodLabel,
      methodSource: s.methodSource,
      methodDetails: methodDetailsOf(input),
      passes: s.passes.map((p) => ({
        index: p.index,
        pattern: p.pattern,
        bytes: p.bytes,
        startedAt: p.startedAt,
        endedAt: p.endedAt,
      })),
      seedCommitment: s.seedCommitment,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      bytesWritten: s.bytesWritten,
    },
    verification: {
      mode: input.verification.mode,
      method: verificationMethodOf(input.verification.mode),
      bytesRead: input.verification.bytesRead,
      mismatches: input.verification.mismatches,
      claim: input.verification.claim,
    },
    residualScan: {
      mode: input.residualScan.mode,
      bytesScanned: input.residualScan.bytesScanned,
      samples: input.residualScan.samples,
      claim: input.residualScan.claim,
      findings: { ...input.residualScan.findings },
      residueBlocks: input.residualScan.residueBlocks,
      result: scanRan ? 'clean' : 'not-run',
    },
    finalState: {
      expect: input.finalState.expect,
      pattern: copyFinalStatePattern(input.finalState.pattern),
      sampleScheme: FINAL_STATE_SAMPLE_SCHEME,
      sampleDigest: input.finalState.sampleDigest,
    },
    postSanitization: { destination: input.destination ?? null },
    result: 'PASS',
    audit: input.audit ? { seq: input.audit.seq, entryHash: input.audit.entryHash } : null,
  };
  const statement: Statement = {
    _type: STATEMENT_TYPE,
    subject: [
      {
        name: `${DEVICE_URN_PREFIX}${input.media.id.replace(/^sha256:/, '')}`,
        digest: { sha256: deviceIdentityDigest(media) },
      },
    ],
    predicateType: PREDICATE_TYPE,
    predicate,
  };
  // the same validator `cert verify` runs: what we sign, we can verify
  const problem = findStatementProblem(statement);
  if (problem) refuse(problem);
  return statement;
}

function copyFinalStatePattern(pattern: FinalStatePattern): FinalStatePattern {
  if (pattern.kind === 'bytes') return { kind: 'bytes', bytes: [...pattern.bytes] };
  if (pattern.kind === 'aes-ctr') return { kind: 'aes-ctr', keyCommitment: pattern.keyCommitment };
  return { kind: 'none' };
}

// "dod-3 (DoD 5220.22-M "E"): 3 passes: random byte 0x5a, complement 0xa5, aes-256-ctr; verify last; full scan",
// preceded by the crypto-erase when there was one: "crypto-erase (luks): 12 regions, LUKS2 UUID ...; ".
function methodDetailsOf(input: CertificateInput): string {
  const s = input.sanitization;
  const passes = s.passes.map((p) => p.pattern).join(', ');
  const erase = s.erase
    ? `${s.erase.technique} (${s.erase.backend})` +
      (s.erase.regions.length ? `: ${s.erase.regions.length} regions overwritten` : '') +
      (s.erase.luks ? `, LUKS${s.erase.luks.version} UUID ${s.erase.luks.uuid}` : '') +
      (s.erase.commands.length && !s.erase.regions.length ? `: ${s.erase.commands.join('; ')}` : '') +
      '; '
    : '';
  return (
    erase +
    `${s.methodLabel} [${s.method}] (${s.methodSource}): ${s.passes.length} ${s.passes.length === 1 ? 'pass' : 'passes'}` +
    `${passes ? `: ${passes}` : ''}; verify ${input.verification.mode}; ${input.residualScan.mode} residual scan`
  );
}

function verificationMethodOf(mode: CertificateInput['verification']['mode']): string {
  switch (mode) {
    case 'scan':
      return 'read back every block (or the stated sample) and scan it for residual signatures, expecting no known content';
    case 'last':
      return 'read back every block after the last pass and compare it with the expected pattern';
    case 'all':
      return 'read back every block after each pass and compare it with the expected pattern';
    case 'none':
      return 'no read-back verification';
  }
}
