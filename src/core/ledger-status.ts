// `ledger init` and `ledger status`: create the schema; and the control plane's question "is this
// volume certified clean?" answered from the ledger: its latest certificate (signature checked)
// and whether any wipe event came after it.
import type { KeyObject } from 'node:crypto';
import { verifyEnvelope } from '../cert/index.js';
import {
  findLatestCertificate,
  findLatestWipeEvent,
  initLedger,
  loadRegisteredKeys,
  usableKeys,
  type CertificateRecord,
  type Ledger,
  type LedgerInitReport,
  type WipeEventRecord,
} from '../ledger/index.js';
import { trustedKeysOf, type LedgerTrustRequest } from './ledger-trust.js';

export type { LedgerInitReport } from '../ledger/index.js';

// Creates (or confirms) the ledger's schema, roles and triggers.
export function initLedgerSchema(ledger: Ledger): Promise<LedgerInitReport> {
  return initLedger(ledger);
}

export interface LedgerStatusRequest extends LedgerTrustRequest {
  volumeId: string;
}

export interface LedgerStatusReport {
  ledger: string;
  volumeId: string;
  /** True when the latest certificate is valid and no wipe event of the volume came after it. */
  certified: boolean;
  /** The ledger's certificate row without its envelope, and whether its signature verifies. */
  certificate:
    | (Omit<CertificateRecord, 'certificateId' | 'volumeId' | 'envelope'> & {
        id: string;
        signature: 'valid' | 'invalid' | 'untrusted';
      })
    | null;
  /** The latest wipe.started / completed / failed / aborted entry of the volume. */
  lastEvent: WipeEventRecord | null;
  /** Why the volume is not certified (empty when it is). */
  reasons: string[];
}

// The latest certificate and wipe event of a volume, and whether it is certified clean now.
export async function readLedgerStatus(ledger: Ledger, request: LedgerStatusRequest): Promise<LedgerStatusReport> {
  const record = await findLatestCertificate(ledger, { volumeId: request.volumeId });
  const lastEvent = await findLatestWipeEvent(ledger, request.volumeId);
  const reasons: string[] = [];
  let certificate: LedgerStatusReport['certificate'] = null;
  if (!record) reasons.push(`the ledger holds no certificate for volume ${request.volumeId}`);
  else {
    const keys = trustedKeysOf(request) ?? usableKeys(await loadRegisteredKeys(ledger, [record.keyId]));
    const signature = signatureOf(record.envelope, keys);
    const { certificateId, volumeId: _volume, envelope: _envelope, ...row } = record;
    certificate = { id: certificateId, ...row, signature };
    if (signature !== 'valid') reasons.push(`the certificate's signature is ${signature}`);
    if (record.result !== 'PASS') reasons.push(`the certificate's result is ${record.result}`);
    // the latest wipe event must be the completion this certificate records; anything else came after it
    if (lastEvent && !(lastEvent.type === 'wipe.completed' && lastEvent.certificateId === record.certificateId)) {
      reasons.push(
        `a later ${lastEvent.type} (${lastEvent.result ?? '-'}) at ${lastEvent.ts} on ${lastEvent.host ?? lastEvent.keyId}`,
      );
    }
  }
  return {
    ledger: ledger.url.redacted,
    volumeId: request.volumeId,
    certified: reasons.length === 0,
    certificate,
    lastEvent,
    reasons,
  };
}

// valid / invalid / untrusted for an envelope against keys.
function signatureOf(envelope: Parameters<typeof verifyEnvelope>[0], keys: ReadonlyMap<string, KeyObject>) {
  try {
    verifyEnvelope(envelope, keys);
    return 'valid' as const;
  } catch (error) {
    return (error as { code?: string }).code === 'ERR_KEY_UNTRUSTED' ? ('untrusted' as const) : ('invalid' as const);
  }
}
