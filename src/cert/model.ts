// The certificate format as types and constants (DESIGN §7): the in-toto Statement v1 whose
// predicate is a sanitization record. Shared by the builder, the schema check and the verifier.
import type { DeviceIdentity } from '../types.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE = 'https://cleanslate.dev/sanitization/v1';
export const DEVICE_URN_PREFIX = 'urn:cleanslate:device:';
/** How the final-state sample set is chosen (see finalStateSampleOffsets). */
export const FINAL_STATE_SAMPLE_SCHEME = 'cleanslate-final-state-sample/v1';
export const STANDARD = 'NIST SP 800-88 Rev. 1';

/** What the last pass left on the device, in a form a verifier can use. */
export type FinalStatePattern =
  /** A repeating pattern of 1..3 bytes. */
  | { kind: 'bytes'; bytes: number[] }
  /** AES-256-CTR keystream (counter = offset / 16); keyCommitment = hex SHA-256 of the 32 key bytes. The key itself is never in a certificate. */
  | { kind: 'aes-ctr'; keyCommitment: string }
  /** No known content: a crypto-erase left ciphertext without a key (or what the drive wrote); only the sample digest binds it. */
  | { kind: 'none' };

/** A stop of a resumed run: when, in which pass, how far it had got, and why. */
export interface CertificateInterruption {
  at: string;
  pass: number;
  offset: number;
  reason: string;
}

/** The sanitization techniques a certificate can name (NIST SP 800-88 / IEEE 2883). */
export type SanitizationTechnique = 'overwrite' | 'crypto-erase' | 'block-erase';

/** A crypto-erase (or drive sanitize) as the certificate records it: what was destroyed and the proof of completion. */
export interface CertificateEraseInput {
  /** luks, nvme, ata, scsi. */
  backend: string;
  technique: 'crypto-erase' | 'block-erase' | 'overwrite';
  /** Commands run (argv joined; secrets masked), or "overwrite LUKS metadata". */
  commands: string[];
  /** The byte ranges overwritten (luks); [] for a drive's own sanitize. */
  regions: { offset: number; length: number; label: string }[];
  /** The LUKS header that was erased (luks only). */
  luks: { version: number; uuid: string; keyslots: number } | null;
  /** The device's final status or the read-back check that proves completion. */
  evidence: Record<string, string | number | boolean | null>;
  startedAt: string;
  endedAt: string;
}

/** The device as the certificate records it: DeviceIdentity's fields (pass the identity itself). */
export type CertificateMediaInput = Pick<
  DeviceIdentity,
  | 'id'
  | 'path'
  | 'realPath'
  | 'kind'
  | 'name'
  | 'vendor'
  | 'model'
  | 'serial'
  | 'wwn'
  | 'sizeBytes'
  | 'logicalBlockSize'
  | 'transport'
  | 'rotational'
  | 'loopBackingFile'
> & {
  /** Partition number when the target is a partition of a disk with a serial/WWN (part of the device id). @default null */
  partition?: number | null;
};

export interface CertificatePassInput {
  /** 1-based. */
  index: number;
  /** As planned: "0x00", "random byte 0x5a", "complement 0xa5", "aes-256-ctr", ... */
  pattern: string;
  bytes: number;
  startedAt: string;
  endedAt: string;
}

/** Everything a certificate says, as the wipe use case knows it. Integers only; times RFC 3339 UTC. */
export interface CertificateInput {
  /** A UUID, also the file name (`<id>.cert.json`) and the seed of the final-state sample offsets. */
  certificateId: string;
  issuedAt: string;
  signingKeyId: string;
  tool: { name: string; version: string };
  /** Host name of the machine that ran the wipe. */
  host: string;
  /** Operator name (--operator). */
  operator: string | null;
  tenant: string | null;
  volumeId: string | null;
  media: CertificateMediaInput;
  sanitization: {
    methodType: 'clear' | 'purge';
    technique: SanitizationTechnique;
    /** The crypto-erase done before any overwrite passes. @default null */
    erase?: CertificateEraseInput | null;
    /** Every stop of a run continued with --resume (clean stops and crashes). @default [] */
    interruptions?: CertificateInterruption[];
    /** Method id of the method table (dod-3, zero, ...), or crypto-erase:<backend> when nothing was overwritten. */
    method: string;
    methodLabel: string;
    /** The standard the method entry cites. */
    methodSource: string;
    passes: CertificatePassInput[];
    /** Hex SHA-256 of the run seed. */
    seedCommitment: string;
    startedAt: string;
    endedAt: string;
    bytesWritten: number;
  };
  verification: {
    /** 'scan': no pass to compare with (crypto-erase only); the full or sampled residual scan is the read-back. */
    mode: 'last' | 'all' | 'none' | 'scan';
    bytesRead: number;
    mismatches: number;
    claim: string | null;
  };
  residualScan: {
    mode: 'full' | 'sample' | 'none';
    bytesScanned: number;
    samples: number | null;
    claim: string | null;
    /** Findings count by kind (never content). */
    findings: Record<string, number>;
    residueBlocks: number;
  };
  finalState: {
    /** The last pass as described ("0x00", "aes-256-ctr", ...). */
    expect: string;
    pattern: FinalStatePattern;
    /** Hex SHA-256 over the bytes of finalStateSampleOffsets(media.sizeBytes, certificateId), in order. */
    sampleDigest: string;
  };
  /** NIST "post-sanitization destination" (reuse, internal, external, disposal ...). @default null */
  destination?: string | null;
  /** NIST validator block (a second person who checks the sanitization). @default all null */
  validator?: { name: string | null; title?: string | null; organization?: string | null } | null;
  /** The audit-log entry this certificate is bound to. @default null */
  audit?: { seq: number; entryHash: string } | null;
}

export interface SanitizationPredicate {
  certificateId: string;
  issuedAt: string;
  signingKeyId: string;
  standard: string;
  tool: { name: string; version: string };
  host: string;
  operator: Person;
  validator: Person;
  tenant: string | null;
  volumeId: string | null;
  media: {
    deviceId: string;
    kind: 'block' | 'file';
    mediaType: MediaType;
    path: string;
    realPath: string;
    name: string | null;
    manufacturer: string | null;
    model: string | null;
    serial: string | null;
    wwn: string | null;
    sizeBytes: number;
    logicalBlockSize: number;
    transport: string | null;
    loopBackingFile: string | null;
    partition: number | null;
  };
  sanitization: {
    methodType: 'clear' | 'purge';
    technique: SanitizationTechnique;
    erase: CertificateEraseInput | null;
    interruptions: CertificateInterruption[];
    method: string;
    methodLabel: string;
    methodSource: string;
    methodDetails: string;
    passes: CertificatePassInput[];
    seedCommitment: string;
    startedAt: string;
    endedAt: string;
    bytesWritten: number;
  };
  verification: CertificateInput['verification'] & { method: string };
  residualScan: CertificateInput['residualScan'] & { result: 'clean' | 'not-run' };
  finalState: {
    expect: string;
    pattern: FinalStatePattern;
    sampleScheme: string;
    sampleDigest: string;
  };
  postSanitization: { destination: string | null };
  result: 'PASS';
  audit: { seq: number; entryHash: string } | null;
}

/** NIST Appendix G person block. */
export interface Person {
  name: string | null;
  title: string | null;
  organization: string | null;
}

export type MediaType = 'disk-image' | 'loop-device' | 'nvme-flash' | 'flash' | 'magnetic' | 'unknown';

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: SanitizationPredicate;
}

/** A byte range of the device. */
export interface Extent {
  offset: number;
  length: number;
}
