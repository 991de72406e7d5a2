// SAS/SCSI crypto-erase through sg3_utils (DESIGN §6): SANITIZE (SBC-4 §5.30) started with IMMED
// by sg_sanitize --early, then REQUEST SENSE progress polled with sg_requests. Supported service
// actions come from REPORT SUPPORTED OPERATION CODES (sg_opcodes). Output formats: sg3_utils
// src/sg_opcodes.c, src/sg_inq.c, src/sg_requests.c, lib/sg_lib_data.c (sense strings).
import type { EraseBackend, EraseCapability, EraseContext, EraseOutcome, EraseTechnique } from './backend.js';
import {
  HOUR_MS,
  assertKind,
  buildOutcome,
  chooseTechnique,
  isPartition,
  partitionReason,
  probeFailure,
  supportedCapability,
  targetOf,
  throwIfAborted,
  unsupportedCapability,
  startSanitize,
  type Facts,
} from './hardware.js';
import { pollUntilComplete, type StatusReading } from './poll.js';
import { ToolSession } from './tool.js';

/** A SCSI disk name (sd + letters). */
const DISK_NAME = /^sd[a-z]+$/;

/** lsblk TRAN values of drives that take SCSI commands natively (not ATA behind libata). */
const SCSI_TRANSPORTS = new Set(['sas', 'scsi', 'spi', 'fc']);

/** SANITIZE opcode and service actions (SBC-4 §5.30, Table 139), with the sg_sanitize options of each. */
const SANITIZE_OPCODE = 0x48;
const SANITIZE_SERVICE_ACTIONS: Record<EraseTechnique, { serviceAction: number; options: string[] }> = {
  'crypto-erase': { serviceAction: 0x03, options: ['--crypto'] },
  'block-erase': { serviceAction: 0x02, options: ['--block'] },
  overwrite: { serviceAction: 0x01, options: ['--overwrite', '--zero'] }, // one pass of zeros (count 1)
};

/** Sense strings sg3_utils prints for the sanitize states (SPC-5 Annex F; sg_lib_data.c ASC/ASCQ table). */
const SENSE_STATES: readonly { pattern: RegExp; state: StatusReading['state'] }[] = [
  { pattern: /sanitize command failed/i, state: 'failed' }, // MEDIUM ERROR, 31h/03h
  { pattern: /medium error|hardware error/i, state: 'failed' },
  { pattern: /sanitize in progress/i, state: 'in-progress' }, // NOT READY, 04h/1Bh
  { pattern: /sense key:\s*no sense/i, state: 'completed' }, // GOOD: no pending sense
  { pattern: /no additional sense information/i, state: 'completed' },
];

/** No drive estimate is read here: crypto erase is quick, block erase and overwrite take hours. */
const DEFAULT_TIMEOUT_MS: Record<EraseTechnique, number> = {
  'crypto-erase': 2 * HOUR_MS,
  'block-erase': 24 * HOUR_MS,
  overwrite: 48 * HOUR_MS,
};

// Why the identity is not a whole SAS/SCSI disk this backend can act on, or null when it is.
function checkKind(ctx: EraseContext): string | null {
  const { identity } = ctx;
  const transport = identity.transport?.toLowerCase() ?? null;
  if (identity.kind !== 'block' || identity.name === null || !DISK_NAME.test(identity.name.replace(/\d+$/, ''))) {
    return `${targetOf(identity)} is not a SCSI disk: --crypto-erase scsi needs a SAS /dev/sdX and sg3_utils`;
  }
  if (isPartition(identity)) return partitionReason(identity, 'a SCSI sanitize');
  if (transport === null || !SCSI_TRANSPORTS.has(transport)) {
    return `${targetOf(identity)} is attached over ${transport ?? 'an unknown transport'}, not SAS/SCSI: --crypto-erase scsi needs a SAS disk (use ata for SATA)`;
  }
  return null;
}

/** What sg_inq says about the logical unit. */
interface Inquiry {
  vendor: string | null;
  product: string | null;
  revision: string | null;
  peripheralType: string | null;
}

// Parses the standard INQUIRY lines of sg_inq.
export function parseSgInq(text: string): Inquiry {
  const field = (label: string) => new RegExp(`${label}:\\s*(.*\\S)`).exec(text)?.[1]?.trim() ?? null;
  return {
    vendor: field('Vendor identification'),
    product: field('Product identification'),
    revision: field('Product revision level'),
    peripheralType: field('Peripheral device type'),
  };
}

// The SANITIZE service actions sg_opcodes lists (" 48        3        10    0,0    Sanitize, cryptographic erase").
export function parseSanitizeServiceActions(text: string): number[] {
  const opcode = SANITIZE_OPCODE.toString(16);
  return text
    .split('\n')
    .map((line) => new RegExp(`^\\s*${opcode}\\s+([0-9a-f]+)\\s+\\d+\\s`, 'i').exec(line)?.[1])
    .filter((sa): sa is string => sa !== undefined)
    .map((sa) => parseInt(sa, 16));
}

// Parses sg_requests output: a progress line, or the decoded sense once progress is gone.
export function parseRequestSense(output: string): StatusReading {
  const progress = /Progress indication:\s*([\d.]+)%/.exec(output);
  if (progress) {
    const percent = Math.min(100, Number(progress[1]));
    return { state: 'in-progress', percent, message: `${percent}% done`, fields: { progressPercent: percent } };
  }
  const sense = /Sense key:[^\n]*|Additional sense:[^\n]*/g;
  const said =
    (output.match(sense) ?? []).map((line) => line.trim()).join('; ') ||
    output.trim().split('\n').pop() ||
    'no sense data';
  const state = SENSE_STATES.find((entry) => entry.pattern.test(output))?.state ?? 'pending';
  return { state, percent: null, message: said, fields: { sense: said } };
}

// Reads INQUIRY and the supported SANITIZE service actions; sends no command that changes the unit.
async function probeScsi(ctx: EraseContext): Promise<EraseCapability> {
  const kind = checkKind(ctx);
  if (kind !== null) return unsupportedCapability('scsi', kind);
  const device = targetOf(ctx.identity);
  const session = new ToolSession(device);
  let facts: Facts = {};
  try {
    const inq = await session.run('sg_inq', [device], { step: 'probe', signal: ctx.signal });
    if (inq.exitCode !== 0) return unsupportedCapability('scsi', session.describeExit('sg_inq', [device], inq));
    const inquiry = parseSgInq(inq.stdout);
    facts = { ...inquiry };
    if (inquiry.peripheralType !== 'disk') {
      return unsupportedCapability(
        'scsi',
        `${device} is a SCSI ${inquiry.peripheralType ?? 'unknown'} device, not a disk`,
        facts,
      );
    }
    const ops = await session.run('sg_opcodes', [device], { step: 'probe', signal: ctx.signal });
    if (ops.exitCode !== 0) {
      const why = session.describeExit('sg_opcodes', [device], ops);
      return unsupportedCapability('scsi', `cannot tell whether ${device} supports SANITIZE (${why}): refusing`, facts);
    }
    const actions = parseSanitizeServiceActions(ops.stdout);
    facts = { ...facts, sanitizeServiceActions: actions.map((sa) => `0x${sa.toString(16)}`).join(',') };
    const techniques = (Object.keys(SANITIZE_SERVICE_ACTIONS) as EraseTechnique[]).filter((technique) =>
      actions.includes(SANITIZE_SERVICE_ACTIONS[technique].serviceAction),
    );
    if (techniques.length === 0)
      return unsupportedCapability(
        'scsi',
        `${device} does not list SANITIZE (48h) in REPORT SUPPORTED OPERATION CODES`,
        facts,
      );
    return supportedCapability('scsi', techniques, `SANITIZE service actions: ${techniques.join(', ')}`, facts);
  } catch (error) {
    return probeFailure('scsi', error, facts);
  }
}

// One status read: progress from sg_requests --progress, else one REQUEST SENSE decoded.
async function readProgress(session: ToolSession, device: string, signal?: AbortSignal): Promise<StatusReading> {
  const progress = await session.run('sg_requests', ['--progress', device], { step: 'poll', signal });
  const reading = parseRequestSense(`${progress.stdout}\n${progress.stderr}`);
  if (reading.state === 'in-progress') return reading;
  const sense = await session.run('sg_requests', [device], { step: 'poll', signal });
  return parseRequestSense(`${sense.stdout}\n${sense.stderr}`);
}

// Starts SANITIZE with IMMED (--early), then polls REQUEST SENSE until no progress and no error is reported.
async function eraseScsi(
  ctx: EraseContext,
  capability: EraseCapability,
  technique?: EraseTechnique,
): Promise<EraseOutcome> {
  const chosen = chooseTechnique('scsi', ctx, capability, technique);
  assertKind(ctx, checkKind(ctx), 'scsi erase');
  const startedAt = Date.now();
  const device = targetOf(ctx.identity);
  const session = new ToolSession(device);
  // --quick: skip sg_sanitize's 15 s "reconsider" wait (the wipe has its own confirmation);
  // --early: return once the IMMED command is accepted, so we poll (progress, abort, timeout) ourselves.
  const args = ['--quick', '--early', ...SANITIZE_SERVICE_ACTIONS[chosen].options, device];
  throwIfAborted(ctx, 'sanitize');
  await startSanitize(session, 'sg_sanitize', args, device);
  const { reading, polls } = await pollUntilComplete({
    read: () => readProgress(session, device, ctx.signal),
    intervalMs: ctx.pollIntervalMs ?? 1000,
    timeoutMs: ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS[chosen],
    signal: ctx.signal,
    onProgress: ctx.onProgress,
    target: device,
    operation: `sanitize (${chosen})`,
    statusCommand: `sg_requests --progress ${device}`,
  });
  const evidence: Facts = {
    method: 'sanitize',
    serviceAction: SANITIZE_SERVICE_ACTIONS[chosen].serviceAction,
    ...reading.fields,
    polls,
  };
  return buildOutcome('scsi', chosen, session, evidence, startedAt);
}

export const scsiBackend: EraseBackend = {
  id: 'scsi',
  label: 'SCSI SANITIZE',
  source: 'SBC-4 §5.30 SANITIZE, SPC-5 REQUEST SENSE progress indication; sg3_utils 1.4x',
  strength: 30,
  probe: probeScsi,
  erase: eraseScsi,
};
