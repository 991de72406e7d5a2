// Picks the crypto-erase backend for a device (DESIGN §6): an explicit one must support it; `auto`
// probes every backend (none of them writes) and takes the strongest that does.
import type { EraseBackend, EraseBackendId, EraseCapability, EraseContext } from './backend.js';

export type EraseChoice = EraseBackendId | 'auto';

export interface EraseSelection {
  /** The backend to run, or null when none can act on the device. */
  chosen: { backend: EraseBackend; capability: EraseCapability } | null;
  /** What each backend asked said about the device, in the order asked. */
  probes: EraseCapability[];
}

// Probes the requested backend (or, for auto, all of them in the table's order) and picks one.
export async function selectEraseBackend(
  backends: readonly EraseBackend[],
  choice: EraseChoice,
  ctx: EraseContext,
): Promise<EraseSelection> {
  const asked = choice === 'auto' ? backends : backends.filter((b) => b.id === choice);
  const probes: EraseCapability[] = [];
  let chosen: EraseSelection['chosen'] = null;
  for (const backend of asked) {
    const capability = await backend.probe(ctx);
    probes.push(capability);
    if (capability.supported && (chosen === null || backend.strength > chosen.backend.strength)) {
      chosen = { backend, capability };
    }
  }
  return { chosen, probes };
}

// "luks: no LUKS header ...; nvme: /dev/loop3 is not an NVMe namespace ..." for an exit-6 message.
export function describeProbes(probes: readonly EraseCapability[]): string {
  return probes.map((p) => `${p.backend}: ${p.reason}`).join('; ');
}
