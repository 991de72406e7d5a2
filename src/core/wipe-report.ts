// The report of one wipe (printed by `wipe --json`) and the certificate it may carry.
import type { ScanResult } from '../scan/index.js';
import type { EraseReport } from './crypto-erase.js';
import type { CheckpointInterruption } from '../state/index.js';
import type { DeviceIdentity, PassResult, VerifyResult } from '../types.js';

export interface IssuedCertificate {
  id: string;
  path: string;
  keyId: string;
  audit: { seq: number; entryHash: string };
}

export interface WipeVerification {
  /** 'scan': a crypto-erase without overwrite passes, verified by the residual scan (expecting no known content). */
  mode: 'last' | 'all' | 'none' | 'scan';
  passes: VerifyResult[];
  bytesRead: number;
  mismatches: number;
  firstMismatchOffset: number | null;
}

export interface WipeReport {
  target: { path: string; realPath: string; kind: 'block' | 'file'; sizeBytes: number };
  identity: DeviceIdentity;
  method: { id: string; label: string; methodType: 'clear' | 'purge'; source: string };
  /** A run continued with --resume: its run id and every interruption (clean stops and crashes); null otherwise. */
  resumed?: { runId: string; interruptions: CheckpointInterruption[] } | null;
  /** The crypto-erase (--crypto-erase): backend, what the probes said, and what it did; null without one. */
  erase: EraseReport | null;
  dryRun: boolean;
  operator: string | null;
  tenant: string | null;
  volumeId: string | null;
  seedCommitment: string;
  seedFile: string | null;
  plan: { index: number; pattern: string }[];
  passes: PassResult[];
  verification: WipeVerification;
  /** The residual scan after the last pass, expecting what it wrote; null when not requested. */
  scan: (Omit<ScanResult, 'firstResidueOffset'> & { expect: string }) | null;
  bytesWritten: number;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  bytesPerSecond: number;
  result: 'PASS' | 'FAIL' | 'DRY-RUN';
  /** The signed certificate of a PASS (never of a FAIL, an error or an interruption). */
  certificate: IssuedCertificate | null;
}
