// `gate TARGET --ledger URL` without --cert: the certificate is the latest PASS certificate the
// ledger holds for this target's device id (and --volume-id when given); then the usual gate.
import { findLatestCertificate, loadRegisteredKeys, usableKeys, type Ledger } from '../ledger/index.js';
import { CleanslateError } from '../errors/index.js';
import { checkGate, type GateReport } from './check-gate.js';
import { defaultWipeDeps, type WipeDeps } from './wipe-deps.js';

export interface LedgerGateRequest {
  target: string;
  /** Only a certificate issued for this volume id. */
  volumeId?: string | undefined;
  pubkeyPath?: string | undefined;
  trustDir?: string | undefined;
  stateDir?: string | undefined;
}

// Fetches the certificate of the target's device from the ledger and answers the gate question;
// ERR_LEDGER_NO_CERTIFICATE (exit 1, gate closed) when the ledger has none.
export async function checkGateFromLedger(
  ledger: Ledger,
  request: LedgerGateRequest,
  deps: WipeDeps = defaultWipeDeps(),
): Promise<GateReport> {
  const identity = await deps.readIdentity(await deps.resolveTarget(request.target));
  const record = await findLatestCertificate(ledger, {
    deviceId: identity.id,
    volumeId: request.volumeId,
    passOnly: true,
  });
  if (!record) {
    throw new CleanslateError(
      'ERR_LEDGER_NO_CERTIFICATE',
      `the ledger holds no PASS certificate for device ${identity.id}${request.volumeId ? ` and volume ${request.volumeId}` : ''}: gate closed`,
      { target: request.target, step: 'gate: certificate from the ledger' },
    );
  }
  const keys = usableKeys(await loadRegisteredKeys(ledger, [record.keyId]));
  return checkGate(
    {
      target: request.target,
      certPath: `ledger:${record.certificateId}`,
      pubkeyPath: request.pubkeyPath,
      trustDir: request.trustDir,
      stateDir: request.stateDir,
      certificate: {
        content: JSON.stringify(record.envelope),
        label: `ledger:${record.certificateId}`,
        fallbackKeys: { source: ledger.url.redacted, keys },
      },
    },
    deps,
  );
}
