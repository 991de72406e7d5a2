// ATA crypto-erase through hdparm (DESIGN §6): SANITIZE CRYPTO SCRAMBLE / BLOCK ERASE polled with
// --sanitize-status, else SECURITY ERASE UNIT (enhanced) with a random temporary password that is
// removed again if the erase fails. Output formats: hdparm identify.c ("Security:" block, word 59
// sanitize lines) and hdparm.c (sanitize status, security commands).
import { randomBytes } from 'node:crypto';
import { CleanslateError } from '../errors/index.js';
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
  toInt,
  unsupportedCapability,
  startSanitize,
  type Facts,
} from './hardware.js';
import { pollUntilComplete, type StatusReading } from './poll.js';
import { MASK, ToolSession } from './tool.js';

/** A SCSI-disk name the kernel gives ATA drives behind libata. */
const DISK_NAME = /^sd[a-z]+$/;

/** lsblk TRAN values of drives that take ATA commands directly (libata). */
const ATA_TRANSPORTS = new Set(['sata', 'ata']);

/** IDENTIFY DEVICE word 59 lines as hdparm -I prints them (ACS-3 §7.12.7.26). */
const SANITIZE_LINES = {
  feature: 'SANITIZE feature set', // bit 12
  'crypto-erase': 'CRYPTO_SCRAMBLE_EXT command', // bit 13
  overwrite: 'OVERWRITE_EXT command', // bit 14 (not used: needs a pattern, ATA security erase covers overwrite)
  'block-erase': 'BLOCK_ERASE_EXT command', // bit 15
} as const;

/** hdparm options that start a sanitize, per technique (ACS-3 §7.34 SANITIZE DEVICE feature set). */
const SANITIZE_OPTIONS: Partial<Record<EraseTechnique, string>> = {
  'crypto-erase': '--sanitize-crypto-scramble', // CRYPTO SCRAMBLE EXT (B4h/0011h)
  'block-erase': '--sanitize-block-erase', // BLOCK ERASE EXT (B4h/0012h)
};

/** Sanitize states hdparm --sanitize-status prints (ACS-3 §4.19.3, Figure 11 sanitize state machine). */
const SANITIZE_STATES: Record<string, StatusReading['state']> = {
  SD0: 'pending', // Sanitize Idle: completed only with "Completed Without Error"
  SD1: 'failed', // Sanitize Frozen
  SD2: 'in-progress', // Sanitize operation In Process
  SD3: 'failed', // Sanitize Operation Failed
  SD4: 'completed', // Sanitize Operation succeeded
};

/** Security Erase Unit with the enhanced bit (ACS-3 §7.43, word 128 bit 5): vendor patterns over all user data, recorded as overwrite. */
const SECURITY_ERASE_TECHNIQUE: EraseTechnique = 'overwrite';

/** When the drive gives no time: a crypto scramble is quick, a block erase takes hours. */
const DEFAULT_TIMEOUT_MS: Record<EraseTechnique, number> = {
  'crypto-erase': 2 * HOUR_MS,
  'block-erase': 24 * HOUR_MS,
  overwrite: 24 * HOUR_MS,
};

/** The hdparm -I facts this backend decides on. */
interface AtaIdentify {
  model: string | null;
  serial: string | null;
  firmware: string | null;
  sanitizeFeature: boolean;
  cryptoScramble: boolean;
  blockErase: boolean;
  securitySupported: boolean;
  securityEnabled: boolean;
  securityLocked: boolean;
  securityFrozen: boolean;
  enhancedErase: boolean;
  enhancedEraseMinutes: number | null;
}

// Why the identity is not a whole ATA drive this backend can act on, or null when it is.
function checkKind(ctx: EraseContext): string | null {
  const { identity } = ctx;
  const transport = identity.transport?.toLowerCase() ?? null;
  if (identity.kind !== 'block' || identity.name === null || !DISK_NAME.test(identity.name.replace(/\d+$/, ''))) {
    return `${targetOf(identity)} is not an ATA drive: --crypto-erase ata needs a SATA /dev/sdX and hdparm`;
  }
  if (isPartition(identity)) return partitionReason(identity, 'an ATA sanitize or security erase');
  if (transport === null || !ATA_TRANSPORTS.has(transport)) {
    return `${targetOf(identity)} is attached over ${transport ?? 'an unknown transport'}, not SATA: --crypto-erase ata needs a SATA drive (use scsi for SAS)`;
  }
  return null;
}

// The "Security:" block of hdparm -I, one trimmed line each ("supported", "not\tenabled", ...).
function securityLines(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === 'Security:');
  if (start < 0) return [];
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || !/^\s/.test(line)) break;
    block.push(line.trim().replace(/\s+/g, ' '));
  }
  return block;
}

// Parses hdparm -I: identity strings, word 59 sanitize commands, word 128 security state.
export function parseHdparmIdentify(text: string): AtaIdentify {
  const field = (label: string) => new RegExp(`^\\s*${label}:\\s*(.+)$`, 'm').exec(text)?.[1]?.trim() ?? null;
  const security = securityLines(text);
  const flag = (word: string) => security.includes(word);
  const enhanced = /(\d+)min for ENHANCED SECURITY ERASE UNIT/.exec(text);
  const has = (line: string) => text.split('\n').some((l) => l.includes(line));
  return {
    model: field('Model Number'),
    serial: field('Serial Number'),
    firmware: field('Firmware Revision'),
    sanitizeFeature: has(SANITIZE_LINES.feature),
    cryptoScramble: has(SANITIZE_LINES['crypto-erase']),
    blockErase: has(SANITIZE_LINES['block-erase']),
    securitySupported: flag('supported'),
    securityEnabled: flag('enabled'),
    securityLocked: flag('locked'),
    securityFrozen: flag('frozen'),
    enhancedErase: flag('supported: enhanced erase'),
    enhancedEraseMinutes: toInt(enhanced?.[1]),
  };
}

// Parses hdparm --sanitize-status into a poll reading (state SDn, progress, completed-without-error).
export function parseSanitizeStatus(stdout: string, stderr: string, exitCode: number): StatusReading {
  const text = `${stdout}\n${stderr}`;
  const sd = /\b(SD[0-4])\b/.exec(/State:\s*(.+)/.exec(stdout)?.[1] ?? text)?.[1] ?? null;
  const progress = /Progress:\s*0x([0-9a-f]+)\s*\((\d+)%\)/i.exec(stdout);
  const succeeded = /Completed Without Error/i.test(stdout);
  const reason = /SANITIZE device error reason:\s*(.+)/.exec(stderr)?.[1]?.trim() ?? null;
  let state: StatusReading['state'] = sd === null ? 'pending' : (SANITIZE_STATES[sd] ?? 'pending');
  if (exitCode !== 0) state = 'failed';
  else if (sd === 'SD0') state = succeeded ? 'completed' : 'failed';
  const stateText =
    /State:\s*(.+)/.exec(stdout)?.[1]?.trim() ?? (reason ? `error: ${reason}` : `hdparm exited ${exitCode}`);
  return {
    state,
    percent: progress ? Math.min(100, Number(progress[2])) : null,
    message: sd === 'SD0' && !succeeded ? `${stateText} without "Completed Without Error"` : stateText,
    fields: {
      sanitizeState: sd,
      sanitizeStateText: stateText,
      progress: progress ? parseInt(progress[1] ?? '0', 16) : null,
      completedWithoutError: succeeded,
      errorReason: reason,
    },
  };
}

// The facts of hdparm -I for --json and the audit log.
function identifyFacts(id: AtaIdentify): Facts {
  return { ...id };
}

// Techniques sanitize offers, given the sanitize state (SD1 frozen, SD2 busy → none).
function sanitizeTechniques(id: AtaIdentify, sanitizeState: string | null): EraseTechnique[] {
  if (!id.sanitizeFeature || sanitizeState === 'SD1' || sanitizeState === 'SD2') return [];
  return (Object.keys(SANITIZE_OPTIONS) as EraseTechnique[]).filter((technique) =>
    technique === 'crypto-erase' ? id.cryptoScramble : id.blockErase,
  );
}

// True when ATA security erase can run: supported, no password set, not locked, not frozen, enhanced.
function canSecurityErase(id: AtaIdentify): boolean {
  return id.securitySupported && !id.securityEnabled && !id.securityLocked && !id.securityFrozen && id.enhancedErase;
}

// Why nothing is offered, most actionable first.
function noTechniqueReason(id: AtaIdentify, sanitizeState: string | null, target: string): string {
  if (sanitizeState === 'SD2') return `a sanitize is already in progress on ${target}`;
  if (id.securitySupported && id.securityFrozen)
    return 'ATA security is frozen: suspend/resume or hot-plug the drive to unfreeze it';
  if (sanitizeState === 'SD1')
    return 'ATA sanitize is frozen (SANITIZE FREEZE LOCK): power-cycle the drive to unfreeze it';
  if (id.securityLocked) return `ATA security is locked on ${target}: unlock it with its password first`;
  if (id.securityEnabled) return `ATA security is enabled on ${target} (a password is set): disable it first`;
  return `${target} supports neither SANITIZE crypto scramble / block erase nor enhanced SECURITY ERASE UNIT`;
}

// Reads the sanitize state during probe (SANITIZE STATUS EXT changes nothing).
async function readSanitizeState(session: ToolSession, device: string, signal?: AbortSignal): Promise<string | null> {
  const result = await session.run('hdparm', ['--sanitize-status', device], { step: 'probe', signal });
  return parseSanitizeStatus(result.stdout, result.stderr, result.exitCode).fields['sanitizeState'] as string | null;
}

// Reads what the drive supports with hdparm -I (IDENTIFY DEVICE) and the sanitize state; writes nothing.
async function probeAta(ctx: EraseContext): Promise<EraseCapability> {
  const kind = checkKind(ctx);
  if (kind !== null) return unsupportedCapability('ata', kind);
  const device = targetOf(ctx.identity);
  const session = new ToolSession(device);
  let facts: Facts = {};
  try {
    const result = await session.run('hdparm', ['-I', device], { step: 'probe', signal: ctx.signal });
    if (result.exitCode !== 0)
      return unsupportedCapability('ata', session.describeExit('hdparm', ['-I', device], result));
    const id = parseHdparmIdentify(result.stdout);
    facts = identifyFacts(id);
    const sanitizeState = id.sanitizeFeature ? await readSanitizeState(session, device, ctx.signal) : null;
    facts = { ...facts, sanitizeState };
    const techniques = sanitizeTechniques(id, sanitizeState);
    if (canSecurityErase(id) && sanitizeState !== 'SD2') techniques.push(SECURITY_ERASE_TECHNIQUE);
    if (techniques.length === 0)
      return unsupportedCapability('ata', noTechniqueReason(id, sanitizeState, device), facts);
    const notes = [
      id.sanitizeFeature ? `sanitize ${sanitizeState ?? '?'}` : 'no sanitize',
      `security ${id.securityFrozen ? 'frozen' : 'not frozen'}`,
    ];
    return supportedCapability('ata', techniques, `${techniques.join(', ')} (${notes.join(', ')})`, facts);
  } catch (error) {
    return probeFailure('ata', error, facts);
  }
}

// Starts SANITIZE (crypto scramble or block erase) and polls --sanitize-status until it reports success.
async function eraseBySanitize(ctx: EraseContext, technique: EraseTechnique, option: string): Promise<EraseOutcome> {
  const startedAt = Date.now();
  const device = targetOf(ctx.identity);
  const session = new ToolSession(device);
  // hdparm takes no flag after a sanitize option, so the confirmation flag comes first.
  const args = ['--yes-i-know-what-i-am-doing', option, device];
  throwIfAborted(ctx, 'sanitize');
  await startSanitize(session, 'hdparm', args, device);
  const { reading, polls } = await pollUntilComplete({
    read: async () => {
      const status = await session.run('hdparm', ['--sanitize-status', device], { step: 'poll', signal: ctx.signal });
      return parseSanitizeStatus(status.stdout, status.stderr, status.exitCode);
    },
    intervalMs: ctx.pollIntervalMs ?? 1000,
    timeoutMs: ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS[technique],
    signal: ctx.signal,
    onProgress: ctx.onProgress,
    target: device,
    operation: `sanitize (${technique})`,
    statusCommand: `hdparm --sanitize-status ${device}`,
  });
  return buildOutcome('ata', technique, session, { method: 'sanitize', ...reading.fields, polls }, startedAt);
}

// A fresh random password per run (hex, 24 characters; ATA allows 32 bytes).
function temporaryPassword(): string {
  return randomBytes(12).toString('hex');
}

// The wait for SECURITY ERASE UNIT: twice the drive's estimate plus 30 minutes, at least two hours.
function securityEraseTimeout(ctx: EraseContext, capability: EraseCapability): number {
  if (ctx.timeoutMs !== undefined) return ctx.timeoutMs;
  const minutes = toInt(capability.facts['enhancedEraseMinutes']);
  return minutes === null ? DEFAULT_TIMEOUT_MS.overwrite : Math.max(2 * HOUR_MS, (minutes * 2 + 30) * 60_000);
}

// Removes our temporary password so the drive is not left locked; returns what happened, for the message.
async function removePassword(session: ToolSession, device: string, password: string): Promise<string> {
  const args = ['--user-master', 'u', '--security-disable', password, device];
  try {
    const result = await session.run('hdparm', args, { step: 'cleanup' });
    if (result.exitCode === 0) return 'the temporary password was removed again (security disabled)';
    return `WARNING: removing the temporary password failed (${session.describeExit('hdparm', args, result)}); the drive may stay locked: unlock it with its master password`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `WARNING: removing the temporary password failed (${session.mask(message)}); the drive may stay locked: unlock it with its master password`;
  }
}

// Reads hdparm -I after the erase; the erase completed only if security is no longer enabled.
async function readSecurityAfter(session: ToolSession, device: string): Promise<AtaIdentify | null> {
  const result = await session.run('hdparm', ['-I', device], { step: 'verify' });
  return result.exitCode === 0 ? parseHdparmIdentify(result.stdout) : null;
}

// Sets a temporary user password, runs SECURITY ERASE UNIT (enhanced, synchronous) and checks security is off again.
async function eraseBySecurityErase(
  ctx: EraseContext,
  capability: EraseCapability,
  technique: EraseTechnique,
): Promise<EraseOutcome> {
  const startedAt = Date.now();
  const device = targetOf(ctx.identity);
  const session = new ToolSession(device);
  const password = temporaryPassword();
  session.addSecret(password);
  const fail = (code: 'ERR_ERASE_FAILED' | 'ERR_ERASE_TIMEOUT', message: string, cause?: unknown) =>
    new CleanslateError(code, session.mask(message), { target: device, step: 'security-erase', cause });
  throwIfAborted(ctx, 'security-erase');
  const setArgs = ['--user-master', 'u', '--security-set-pass', password, device];
  const set = await session.run('hdparm', setArgs, { step: 'security-set-pass' });
  if (set.exitCode !== 0) {
    const after = await readSecurityAfter(session, device);
    const cleanup =
      after?.securityEnabled === false ? 'no password was set' : await removePassword(session, device, password);
    throw fail(
      'ERR_ERASE_FAILED',
      `setting the temporary ATA password failed: ${session.describeExit('hdparm', setArgs, set)}; ${cleanup}`,
    );
  }
  const eraseArgs = ['--user-master', 'u', '--security-erase-enhanced', password, device];
  let erased;
  try {
    erased = await session.run('hdparm', eraseArgs, {
      step: 'security-erase',
      timeoutMs: securityEraseTimeout(ctx, capability),
    });
  } catch (error) {
    const cleanup = await removePassword(session, device, password);
    const code =
      error instanceof CleanslateError && error.code === 'ERR_ERASE_TIMEOUT' ? 'ERR_ERASE_TIMEOUT' : 'ERR_ERASE_FAILED';
    throw fail(code, `${error instanceof Error ? error.message : String(error)}; ${cleanup}`, error);
  }
  if (erased.exitCode !== 0) {
    const cleanup = await removePassword(session, device, password);
    throw fail(
      'ERR_ERASE_FAILED',
      `SECURITY ERASE UNIT failed: ${session.describeExit('hdparm', eraseArgs, erased)}; ${cleanup}`,
    );
  }
  const after = await readSecurityAfter(session, device);
  if (after === null || after.securityEnabled || after.securityLocked) {
    const cleanup = await removePassword(session, device, password);
    throw fail(
      'ERR_ERASE_FAILED',
      `after SECURITY ERASE UNIT the drive still reports security enabled or locked; ${cleanup}`,
    );
  }
  const evidence: Facts = {
    method: 'security-erase-enhanced',
    securityEnabled: after.securityEnabled,
    securityLocked: after.securityLocked,
    securityFrozen: after.securityFrozen,
    password: MASK,
  };
  return buildOutcome('ata', technique, session, evidence, startedAt);
}

// Erases with the chosen technique; resolves only after the drive reported the erase completed.
async function eraseAta(
  ctx: EraseContext,
  capability: EraseCapability,
  technique?: EraseTechnique,
): Promise<EraseOutcome> {
  const chosen = chooseTechnique('ata', ctx, capability, technique);
  assertKind(ctx, checkKind(ctx), 'ata erase');
  const option = SANITIZE_OPTIONS[chosen];
  if (option !== undefined) return eraseBySanitize(ctx, chosen, option);
  return eraseBySecurityErase(ctx, capability, chosen);
}

export const ataBackend: EraseBackend = {
  id: 'ata',
  label: 'ATA sanitize / enhanced security erase',
  source: 'ACS-3 §7.34 SANITIZE DEVICE, §7.43 SECURITY ERASE UNIT; hdparm 9.x',
  strength: 30,
  probe: probeAta,
  erase: eraseAta,
};
