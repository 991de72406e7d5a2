// What the three hardware backends (nvme, ata, scsi) share: capability and outcome shapes, the
// technique choice, and the errors of erase() before anything is written. No device access here.
import { CleanslateError } from '../errors/index.js';
import type { DeviceIdentity } from '../types.js';
import type { EraseBackendId, EraseCapability, EraseContext, EraseOutcome, EraseTechnique } from './backend.js';
import type { ToolName, ToolSession } from './tool.js';

export type Facts = EraseCapability['facts'];

/** Techniques strongest first (IEEE 2883-2022 §5: cryptographic erase, then block erase, then overwrite). */
export const TECHNIQUE_ORDER: readonly EraseTechnique[] = ['crypto-erase', 'block-erase', 'overwrite'];

export const HOUR_MS = 3_600_000;

// A capability that says no, with the reason and whatever facts were read before deciding.
export function unsupportedCapability(backend: EraseBackendId, reason: string, facts: Facts = {}): EraseCapability {
  return { backend, supported: false, techniques: [], reason, facts };
}

// A capability offering `techniques`, sorted strongest first.
export function supportedCapability(
  backend: EraseBackendId,
  techniques: readonly EraseTechnique[],
  reason: string,
  facts: Facts,
): EraseCapability {
  const sorted = TECHNIQUE_ORDER.filter((technique) => techniques.includes(technique));
  return { backend, supported: sorted.length > 0, techniques: sorted, reason, facts };
}

// The device path the tools act on, as the user knows it in messages.
export function targetOf(identity: DeviceIdentity): string {
  return identity.realPath || identity.path;
}

// True for a partition (sda1, nvme0n1p2): a drive erases itself whole, never one partition.
export function isPartition(identity: DeviceIdentity): boolean {
  return identity.parentName !== null;
}

// The reason a partition cannot be erased by the drive, naming the whole device to use instead.
export function partitionReason(identity: DeviceIdentity, what: string): string {
  return `${targetOf(identity)} is a partition of /dev/${identity.parentName}: ${what} erases the whole device, give /dev/${identity.parentName}`;
}

// Picks the technique to run (the given one or the strongest offered) or throws ERR_ERASE_UNSUPPORTED.
export function chooseTechnique(
  backend: EraseBackendId,
  ctx: EraseContext,
  capability: EraseCapability,
  technique?: EraseTechnique,
): EraseTechnique {
  const where = { target: targetOf(ctx.identity), step: `${backend} erase` };
  if (capability.backend !== backend) {
    throw new CleanslateError(
      'ERR_ERASE_UNSUPPORTED',
      `capability is for the ${capability.backend} backend, not ${backend}`,
      where,
    );
  }
  if (!capability.supported) throw new CleanslateError('ERR_ERASE_UNSUPPORTED', capability.reason, where);
  const chosen = technique ?? capability.techniques[0];
  if (chosen === undefined || !capability.techniques.includes(chosen)) {
    const offered = capability.techniques.join(', ') || 'none';
    throw new CleanslateError(
      'ERR_ERASE_UNSUPPORTED',
      `${technique} is not supported here (offered: ${offered})`,
      where,
    );
  }
  return chosen;
}

// Throws ERR_INTERRUPTED before a write command when the run was already cancelled.
export function throwIfAborted(ctx: EraseContext, step: string): void {
  if (ctx.signal?.aborted) {
    throw new CleanslateError('ERR_INTERRUPTED', 'interrupted before the erase command was sent; nothing was erased', {
      target: targetOf(ctx.identity),
      step,
    });
  }
}

// Throws ERR_ERASE_UNSUPPORTED when probe's device-kind check fails again at erase time.
export function assertKind(ctx: EraseContext, reason: string | null, step: string): void {
  if (reason !== null)
    throw new CleanslateError('ERR_ERASE_UNSUPPORTED', reason, { target: targetOf(ctx.identity), step });
}

// The outcome of a completed hardware erase: commands as run (masked), no regions, the final status.
export function buildOutcome(
  backend: EraseBackendId,
  technique: EraseTechnique,
  session: ToolSession,
  evidence: Facts,
  startedAt: number,
): EraseOutcome {
  const endedAt = Date.now();
  const masked = Object.fromEntries(
    Object.entries(evidence).map(([key, value]) => [key, typeof value === 'string' ? session.mask(value) : value]),
  );
  return {
    backend,
    technique,
    commands: session.commands,
    regions: [],
    evidence: masked,
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    durationMs: endedAt - startedAt,
  };
}

// Unsupported capability for a tool that is missing or failed during probe; other errors propagate.
export function probeFailure(backend: EraseBackendId, error: unknown, facts: Facts): EraseCapability {
  if (error instanceof CleanslateError && error.code !== 'ERR_INTERRUPTED') {
    return unsupportedCapability(backend, error.message, facts);
  }
  throw error;
}

// Parses an integer from JSON or text (decimal or 0x hex); null when absent or not a number.
export function toInt(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(value.trim())) return Number(value.trim());
  return null;
}

// True when bit `bit` of `value` is set.
export function hasBit(value: number, bit: number): boolean {
  return Math.floor(value / 2 ** bit) % 2 === 1;
}

// Runs the command that starts a sanitize; a non-zero exit means the device (or the tool) rejected it.
export async function startSanitize(
  session: ToolSession,
  tool: ToolName,
  args: readonly string[],
  device: string,
  who = 'drive',
): Promise<void> {
  const started = await session.run(tool, args, { step: 'sanitize', timeoutMs: 120_000 });
  if (started.exitCode === 0) return;
  throw new CleanslateError(
    'ERR_ERASE_FAILED',
    `the ${who} rejected the sanitize: ${session.describeExit(tool, args, started)}`,
    {
      target: device,
      step: 'sanitize',
    },
  );
}
