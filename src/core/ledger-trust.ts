// Which keys a ledger reader trusts: --pubkey or --trust when given; otherwise (undefined) the
// keys the hosts registered in the ledger, which are only as trustworthy as the writer role.
import type { KeyObject } from 'node:crypto';
import { keyIdOf, loadPublicKey, loadTrustDir } from '../cert/index.js';

export interface LedgerTrustRequest {
  /** --pubkey: trust exactly this public key (PEM file). */
  pubkey?: string | undefined;
  /** --trust: trust every *.pub / *.pem key in this directory. */
  trust?: string | undefined;
}

// The explicitly trusted keys, or undefined when the ledger's registered keys are to be used.
export function trustedKeysOf(request: LedgerTrustRequest): Map<string, KeyObject> | undefined {
  if (request.pubkey) {
    const key = loadPublicKey(request.pubkey);
    return new Map([[keyIdOf(key), key]]);
  }
  return request.trust ? loadTrustDir(request.trust) : undefined;
}
