/**
 * erase: the crypto-erase backends of DESIGN §6 behind one interface (backend.ts), one file each,
 * and the table `wipe --crypto-erase`, `--help` and the README read.
 */
import { ataBackend } from './ata.js';
import type { EraseBackend, EraseBackendId } from './backend.js';
import { luksBackend } from './luks.js';
import { nvmeBackend } from './nvme.js';
import { scsiBackend } from './scsi.js';

export type {
  EraseBackend,
  EraseBackendId,
  EraseCapability,
  EraseContext,
  EraseOutcome,
  EraseRegion,
  EraseTechnique,
} from './backend.js';
export { describeProbes, selectEraseBackend, type EraseChoice, type EraseSelection } from './select.js';

/** Every backend; `auto` takes the supported one with the highest strength (a drive's own sanitize beats LUKS keyslot destruction). */
export const ERASE_BACKENDS: readonly EraseBackend[] = [nvmeBackend, ataBackend, scsiBackend, luksBackend];

/** The values of --crypto-erase. */
export const CRYPTO_ERASE_CHOICES = ['auto', 'luks', 'nvme', 'ata', 'scsi', 'none'] as const;
export type CryptoEraseChoice = (typeof CRYPTO_ERASE_CHOICES)[number];

// The backend with this id.
export function findEraseBackend(id: EraseBackendId): EraseBackend {
  const backend = ERASE_BACKENDS.find((b) => b.id === id);
  if (!backend) throw new Error(`no crypto-erase backend ${id}`);
  return backend;
}
