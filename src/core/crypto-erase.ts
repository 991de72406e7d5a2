// The crypto-erase step of a wipe (DESIGN §6): choose the backend before anything is written, then
// erase, observe completion and record it. Orchestration only; the backends live in src/erase/.
import { CleanslateError } from '../errors/index.js';
import {
  describeProbes,
  selectEraseBackend,
  type CryptoEraseChoice,
  type EraseBackend,
  type EraseCapability,
  type EraseContext,
  type EraseOutcome,
} from '../erase/index.js';
import { leaseAlignedBuffers } from '../io/index.js';
import type { DeviceIdentity, ProgressListener, Target } from '../types.js';

// One aligned buffer (O_DIRECT) for a backend that reads and writes through the target.
function leaseOne(length: number): { buffer: Uint8Array; release(): void } {
  const lease = leaseAlignedBuffers(1, length);
  return { buffer: lease.buffers[0]!, release: () => lease.release() };
}

/** What a wipe decided about crypto-erase before writing. */
export type ErasePlan =
  | { kind: 'none' }
  /** A backend that can act; the erase runs first. */
  | {
      kind: 'erase';
      requested: CryptoEraseChoice;
      backend: EraseBackend;
      capability: EraseCapability;
      probes: EraseCapability[];
    }
  /** Nothing could crypto-erase the device and the user allowed --fallback overwrite. */
  | { kind: 'fallback'; requested: CryptoEraseChoice; probes: EraseCapability[] };

/** The erase as the wipe report shows it. */
export interface EraseReport {
  requested: CryptoEraseChoice;
  /** The backend used, or null when the wipe fell back to overwriting. */
  backend: string | null;
  capability: EraseCapability | null;
  /** What every backend asked said (auto asks them all). */
  probes: EraseCapability[];
  /** Set once the erase ran (null in a dry run or a fallback). */
  outcome: EraseOutcome | null;
}

export interface EraseStepOptions {
  choice: CryptoEraseChoice;
  fallback: 'overwrite' | 'none';
  backends: readonly EraseBackend[];
  identity: DeviceIdentity;
  target: Target;
  /** The target as the user named it (for messages and events). */
  name: string;
  signal?: AbortSignal | undefined;
  onProgress?: ProgressListener | undefined;
}

// Decides the erase: a backend that supports the device, a permitted fallback, or exit 6 (nothing written).
export async function planErase(options: EraseStepOptions): Promise<ErasePlan> {
  if (options.choice === 'none') return { kind: 'none' };
  const { chosen, probes } = await selectEraseBackend(options.backends, options.choice, contextOf(options));
  if (chosen) return { kind: 'erase', requested: options.choice, ...chosen, probes };
  if (options.fallback === 'overwrite') return { kind: 'fallback', requested: options.choice, probes };
  const what =
    options.choice === 'auto'
      ? 'nothing here can be crypto-erased'
      : `--crypto-erase ${options.choice} cannot act on this device`;
  throw new CleanslateError(
    'ERR_ERASE_UNSUPPORTED',
    `${what} (${describeProbes(probes)}); nothing was written` +
      (options.choice === 'auto' ? '; --fallback overwrite allows an overwrite instead' : ''),
    { target: options.name, step: 'crypto-erase' },
  );
}

// Runs the chosen backend; resolves only once it observed completion (the backend's contract).
export async function runErase(
  plan: Extract<ErasePlan, { kind: 'erase' }>,
  options: EraseStepOptions,
): Promise<EraseOutcome> {
  const { backend, capability } = plan;
  const technique = capability.techniques[0] ?? 'crypto-erase';
  options.onProgress?.({ type: 'erase.started', target: options.name, backend: backend.id, technique });
  const outcome = await backend.erase(contextOf(options, backend.id), capability);
  options.onProgress?.({
    type: 'erase.completed',
    target: options.name,
    backend: backend.id,
    technique: outcome.technique,
    durationMs: outcome.durationMs,
  });
  return outcome;
}

// The report block of an erase plan (outcome filled in once it ran).
export function eraseReportOf(plan: ErasePlan, outcome: EraseOutcome | null): EraseReport | null {
  if (plan.kind === 'none') return null;
  return {
    requested: plan.requested,
    backend: plan.kind === 'erase' ? plan.backend.id : null,
    capability: plan.kind === 'erase' ? plan.capability : null,
    probes: plan.probes,
    outcome,
  };
}

function contextOf(options: EraseStepOptions, backendId?: string): EraseContext {
  return {
    identity: options.identity,
    target: options.target,
    leaseBuffer: leaseOne,
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: ({ percent, message }) =>
      options.onProgress?.({
        type: 'erase.progress',
        target: options.name,
        backend: backendId ?? options.choice,
        percent: Math.round(percent),
        message,
      }),
  };
}
