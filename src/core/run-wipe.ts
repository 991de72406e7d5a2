// The wipe use case: resolve → identity → guards → exclusive open → plan → passes → verify → report.
// Orchestration only; every effect comes through `deps`, so tests can swap any step.
import { createHash } from 'node:crypto';
import { CleanslateError } from '../errors/index.js';
import { describeProbes, type CryptoEraseChoice, type EraseOutcome } from '../erase/index.js';
import type { ScanResult } from '../scan/index.js';
import { findMethod, planWipe, SEED_BYTES, WIPE_METHODS } from '../methods/index.js';
import type {
  DeviceIdentity,
  PassResult,
  PlannedPass,
  ProgressListener,
  Target,
  VerifyResult,
  WipePlan,
} from '../types.js';
import { auditFacts, certifyWipe } from './certify-wipe.js';
import {
  eraseReportOf,
  planErase,
  runErase,
  type EraseReport,
  type ErasePlan,
  type EraseStepOptions,
} from './crypto-erase.js';
import type { Checkpoint } from '../state/index.js';
import type { WipeJournal } from './wipe-journal.js';
import type { IssuedCertificate, WipeReport, WipeVerification } from './wipe-report.js';
import { expectationOfPass } from './expectation.js';
import type { LedgerSession } from './ledger-session.js';
import type { Provenance } from './provenance.js';
import { createProgressMeter, rateOf } from './progress-meter.js';
import { assertOpenedAsChecked, scanOpenTarget } from './run-scan.js';
import { defaultWipeDeps, type WipeDeps } from './wipe-deps.js';

export interface Confirmation {
  /** --yes was given. */
  yes: boolean;
  /** A terminal is attached on which the user can type the confirmation. */
  interactive: boolean;
  /** Asks the user a question on the terminal and resolves the answer. */
  prompt?: (question: string) => Promise<string>;
}

/** The overwrite method when neither --method nor --crypto-erase says otherwise, and for --fallback overwrite. */
export const DEFAULT_METHOD_ID = 'nist-clear';

export interface WipeRequest {
  target: string;
  /** The overwrite method; null: none (only with a crypto-erase, which is then verified by a scan expecting nothing). */
  methodId: string | null;
  /** --crypto-erase: a backend, auto (the strongest that supports the device) or none. @default 'none' */
  cryptoErase?: CryptoEraseChoice;
  /** --fallback overwrite: when no backend can crypto-erase the device, overwrite instead of exit 6. @default 'none' */
  fallback?: 'overwrite' | 'none';
  /** --on-error retry:N: retry a failed chunk N times, then block by block, naming the blocks that stay bad. @default stop at the first error */
  retries?: number;
  /** --resume: continue the interrupted wipe of this device from its last checkpoint (methodId null: its method). */
  resume?: boolean;
  /** @default the method's own default (last) */
  verify?: 'last' | 'all' | 'none';
  /** Residual-signature scan after the last pass. @default 'full' */
  scan?: 'full' | 'sample' | 'none';
  dryRun?: boolean;
  confirmation: Confirmation;
  /** Keep the seed file in the state directory after a successful run. @default false */
  keepSeed?: boolean;
  operator?: string | undefined;
  tenant?: string | undefined;
  volumeId?: string | undefined;
  /** --key FILE: signs the certificate instead of the host key. */
  keyPath?: string | undefined;
  /** --cert-dir DIR. @default <state>/certs */
  certDir?: string | undefined;
  /** --ledger: the fleet ledger session every audit entry and the certificate also go to. */
  ledger?: LedgerSession | undefined;
  /** Human notices (a host key was created) for stderr. */
  onNotice?: (message: string) => void;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

// Wipes one target as requested and returns its report; throws CleanslateError before any write
// when a guard refuses or the input is bad, and during the run on I/O failure or interruption.
export async function runWipe(request: WipeRequest, deps: WipeDeps = defaultWipeDeps()): Promise<WipeReport> {
  const started = deps.now();
  const method = request.methodId === null ? null : findMethod(request.methodId);
  if (request.methodId !== null && !method) {
    throw new CleanslateError(
      'ERR_UNKNOWN_METHOD',
      `unknown method '${request.methodId}' (one of: ${WIPE_METHODS.map((m) => m.id).join(', ')})`,
      { target: request.target, step: 'plan' },
    );
  }
  const cryptoErase = request.cryptoErase ?? 'none';
  if (request.resume && cryptoErase !== 'none') {
    throw new CleanslateError(
      'ERR_USAGE',
      '--resume continues the overwrite passes of an interrupted wipe (its checkpoint knows whether a crypto-erase already ran): drop --crypto-erase',
      { target: request.target, step: 'plan' },
    );
  }
  if (method === null && cryptoErase === 'none' && !request.resume) {
    throw new CleanslateError('ERR_USAGE', 'nothing to do: give --method or --crypto-erase', {
      target: request.target,
      step: 'plan',
    });
  }
  if (method === null && request.scan === 'none') {
    throw new CleanslateError(
      'ERR_USAGE',
      'a crypto-erase without --method is verified by reading the volume back: --scan none needs --method',
      { target: request.target, step: 'plan' },
    );
  }
  const dryRun = request.dryRun ?? false;
  // Keys first: a bad --key is a usage error before anything else happens.
  const provenance = dryRun
    ? null
    : await deps.openProvenance({
        keyPath: request.keyPath,
        certDir: request.certDir,
        onNotice: request.onNotice,
        ledger: request.ledger,
      });
  const facts = {
    target: request.target,
    volumeId: request.volumeId ?? null,
    tenantId: request.tenant ?? null,
    operator: request.operator ?? null,
  };
  let deviceId: string | null = null;
  try {
    const resolved = await deps.resolveTarget(request.target);
    const identity = await deps.readIdentity(resolved);
    deviceId = identity.id;
    const system = await deps.readSystemState();
    await deps.assertGuards(identity, {
      system,
      confirmation: dryRun ? { yes: true, interactive: false } : request.confirmation,
    });
    const resumeFrom = request.resume ? await deps.findResumableRun(request.target, identity, request.methodId) : null;
    return await wipeIdentified(identity, method, started, request, deps, provenance, resumeFrom);
  } catch (error) {
    // Every failure is recorded: refused, bad input, I/O error (wipe.failed) or interruption (wipe.aborted).
    if (provenance && error instanceof CleanslateError) {
      await provenance
        .record({
          ...facts,
          deviceId,
          type: error.code === 'ERR_INTERRUPTED' ? 'wipe.aborted' : 'wipe.failed',
          result: error.code === 'ERR_INTERRUPTED' ? 'aborted' : 'error',
          details: {
            code: error.code,
            exitCode: error.exitCode,
            ...(error.step ? { step: error.step } : {}),
            ...(error.offset !== undefined ? { offset: error.offset } : {}),
          },
        })
        .catch(() => undefined);
    }
    throw error;
  }
}

// The run after the guards passed: exclusive open, crypto-erase choice, plan, erase, passes, verify
// and scan, then the record.
async function wipeIdentified(
  identity: DeviceIdentity,
  requestedMethod: ReturnType<typeof findMethod> | null,
  started: Date,
  request: WipeRequest,
  deps: WipeDeps,
  provenance: Provenance | null,
  resumeFrom: Checkpoint | null,
): Promise<WipeReport> {
  const dryRun = provenance === null;
  const target = await deps.openTarget(identity.realPath, { access: 'write' });
  try {
    assertOpenedAsChecked(identity, target, request.target);
    const eraseOptions: EraseStepOptions = {
      choice: request.cryptoErase ?? 'none',
      fallback: request.fallback ?? 'none',
      backends: deps.eraseBackends,
      identity,
      target,
      name: request.target,
      signal: request.signal,
      onProgress: request.onProgress,
    };
    // Probes only: exit 6 here writes nothing. A resumed run never erases again.
    const erasePlan: ErasePlan = resumeFrom ? { kind: 'none' } : await planErase(eraseOptions);
    const method = resumeFrom
      ? findMethod(resumeFrom.methodId)
      : (requestedMethod ?? (erasePlan.kind === 'fallback' ? findMethod(DEFAULT_METHOD_ID)! : null));
    if (resumeFrom && !method) {
      throw new CleanslateError('ERR_RESUME_MISMATCH', `the checkpoint names unknown method '${resumeFrom.methodId}'`, {
        target: request.target,
        step: 'resume',
      });
    }
    if (erasePlan.kind === 'fallback') {
      request.onNotice?.(
        `no crypto-erase possible (${describeProbes(erasePlan.probes)}); overwriting with ${method!.id} as --fallback overwrite allows`,
      );
    }
    const seed = resumeFrom ? await deps.readRunSeed(resumeFrom) : deps.randomBytes(SEED_BYTES);
    const plan = method ? planWipe(method, seed, resumeFrom?.verify ?? request.verify) : eraseOnlyPlan(erasePlan, seed);
    if (resumeFrom && plan.seedCommitment !== resumeFrom.seedCommitment) {
      throw new CleanslateError('ERR_RESUME_MISMATCH', `the seed file does not match the checkpoint's commitment`, {
        target: request.target,
        step: 'resume',
      });
    }
    const erasedBefore = (resumeFrom?.erase ?? null) as EraseOutcome | null;
    const base = {
      identity,
      method: methodOf(method, erasePlan, erasedBefore !== null),
      erase: erasedBefore ? resumedEraseReport(erasedBefore) : eraseReportOf(erasePlan, null),
      operator: request.operator ?? null,
      tenant: request.tenant ?? null,
      volumeId: request.volumeId ?? null,
      seedCommitment: plan.seedCommitment,
      plan: plan.passes.map((p) => ({ index: p.index, pattern: p.describe })),
      target: { path: request.target, realPath: identity.realPath, kind: identity.kind, sizeBytes: target.sizeBytes },
    };
    if (dryRun) {
      const ended = deps.now();
      return {
        ...base,
        dryRun: true,
        seedFile: null,
        passes: [],
        verification: {
          mode: plan.passes.length ? plan.verify : 'scan',
          passes: [],
          bytesRead: 0,
          mismatches: 0,
          firstMismatchOffset: null,
        },
        scan: null,
        bytesWritten: 0,
        startedAt: started.toISOString(),
        endedAt: ended.toISOString(),
        durationMs: ended.getTime() - started.getTime(),
        bytesPerSecond: 0,
        result: 'DRY-RUN',
        certificate: null,
      };
    }
    const facts = auditFacts({ ...base, tenant: base.tenant });
    if (resumeFrom) {
      await provenance.record({
        ...facts,
        type: 'wipe.resumed',
        result: 'started',
        details: {
          runId: resumeFrom.runId,
          method: plan.methodId,
          pass: resumeFrom.pass,
          offset: resumeFrom.passOffset,
          interruptions: resumeFrom.interruptions.length + (resumeFrom.running ? 1 : 0),
          seedCommitment: plan.seedCommitment,
        },
      });
    } else {
      for (const stale of await deps.discardInterruptedRuns(identity)) {
        request.onNotice?.(
          `discarded the checkpoint of an interrupted wipe of this device (run ${stale.runId}, ${stale.methodId}); --resume would have continued it`,
        );
      }
      await provenance.record({
        ...facts,
        type: 'wipe.started',
        result: 'started',
        details: {
          method: plan.methodId,
          passes: plan.passes.length,
          sizeBytes: target.sizeBytes,
          seedCommitment: plan.seedCommitment,
          ...(base.erase ? { cryptoErase: base.erase.backend ?? `${base.erase.requested} (fallback overwrite)` } : {}),
        },
      });
    }
    let eraseOutcome: EraseOutcome | null = null;
    if (erasePlan.kind === 'erase') {
      eraseOutcome = await runErase(erasePlan, eraseOptions);
      await provenance.record({
        ...facts,
        type: 'erase.completed',
        result: 'ok',
        details: eraseAuditDetails(eraseOutcome),
      });
    }
    // A seed only matters to overwrite passes (their R patterns); an erase alone keeps none.
    const seedFile = resumeFrom
      ? resumeFrom.seedFile
      : plan.passes.length
        ? await deps.saveSeed(plan.methodId, seed)
        : null;
    // The resume journal of the passes (an erase alone is not resumable: it is not repeated).
    const journal = !seedFile
      ? null
      : resumeFrom
        ? await deps.resumeJournal(resumeFrom)
        : await deps.startJournal({
            target: request.target,
            identity,
            sizeBytes: target.sizeBytes,
            plan,
            seedFile,
            scan: request.scan ?? 'full',
          });
    if (journal && eraseOutcome) await journal.eraseDone(eraseOutcome);
    const record = (pass: PassResult) =>
      provenance.record({
        ...facts,
        type: 'pass.completed',
        result: 'ok',
        details: { pass: pass.index, pattern: pass.pattern, bytes: pass.bytes },
      });
    let outcome: Awaited<ReturnType<typeof overwriteAndVerify>>;
    try {
      outcome = plan.passes.length
        ? await overwriteAndVerify(target, plan, request, deps, record, journal)
        : await scanAfterErase(target, request);
    } catch (error) {
      // A clean stop keeps the checkpoint for --resume and says why it stopped.
      if (journal && error instanceof CleanslateError && (error.code === 'ERR_INTERRUPTED' || error.code === 'ERR_IO'))
        await journal
          .stopped(error.code === 'ERR_IO' ? 'I/O error' : interruptionReason(request.signal))
          .catch(() => undefined);
      throw error;
    }
    const { passes, verification, scan } = outcome;
    const result: 'PASS' | 'FAIL' = verification.mismatches === 0 && (scan === null || scan.clean) ? 'PASS' : 'FAIL';
    if (seedFile && result === 'PASS' && !request.keepSeed) await deps.discardSeed(seedFile);
    const ended = deps.now();
    const bytesWritten = passes.reduce((sum, p) => sum + p.bytes, 0);
    const durationMs = ended.getTime() - started.getTime();
    const report: Omit<WipeReport, 'certificate'> = {
      ...base,
      erase: erasedBefore ? resumedEraseReport(erasedBefore) : eraseReportOf(erasePlan, eraseOutcome),
      resumed:
        journal && journal.checkpoint.interruptions.length > 0
          ? { runId: journal.checkpoint.runId, interruptions: journal.checkpoint.interruptions }
          : null,
      dryRun: false,
      seedFile: result === 'PASS' && !request.keepSeed ? null : seedFile,
      passes,
      verification,
      scan,
      bytesWritten,
      startedAt: started.toISOString(),
      endedAt: ended.toISOString(),
      durationMs,
      bytesPerSecond: rateOf(bytesWritten, durationMs),
      result,
    };
    if (scan) {
      await provenance.record({
        ...facts,
        type: 'scan.completed',
        result: scan.clean ? 'clean' : 'residue',
        details: {
          mode: scan.coverage.mode,
          bytesScanned: scan.coverage.bytesScanned,
          residueBlocks: scan.residueBlocks,
        },
      });
    }
    let certificate: IssuedCertificate | null = null;
    if (result === 'PASS') {
      certificate = await certifyWipe(report, plan, target, provenance);
    } else {
      await provenance.record({
        ...facts,
        type: 'wipe.failed',
        result: 'FAIL',
        details: {
          mismatches: verification.mismatches,
          residueBlocks: scan?.residueBlocks ?? 0,
          ...(verification.firstMismatchOffset !== null
            ? { firstMismatchOffset: verification.firstMismatchOffset }
            : {}),
        },
      });
    }
    // The run ended: certified, or a FAIL recorded; nothing left to resume.
    await journal?.finish();
    request.onProgress?.({ type: 'completed', target: request.target, result });
    return { ...report, certificate };
  } finally {
    await target.close();
  }
}

// The erase block of a resumed run: the erase completed before the interruption and is not repeated.
function resumedEraseReport(outcome: EraseOutcome): EraseReport {
  return {
    requested: outcome.backend,
    backend: outcome.backend,
    capability: null,
    probes: [],
    outcome,
  };
}

// "SIGINT", "SIGTERM" or "interrupted": why the run was stopped, from the abort reason.
function interruptionReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  const text = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  return /SIG[A-Z]+/.exec(text)?.[0] ?? 'interrupted';
}

// The plan of a crypto-erase with no overwrite: no passes; the seed is committed all the same.
function eraseOnlyPlan(erasePlan: ErasePlan, seed: Uint8Array): WipePlan {
  if (erasePlan.kind !== 'erase') throw new Error('an erase-only plan needs a backend');
  return {
    methodId: `crypto-erase:${erasePlan.backend.id}`,
    methodType: 'purge',
    passes: [],
    verify: 'none',
    seedCommitment: createHash('sha256').update(seed).digest('hex'),
  };
}

// The report's method: the overwrite method (a purge when a crypto-erase came first), or the backend.
function methodOf(
  method: ReturnType<typeof findMethod> | null,
  erasePlan: ErasePlan,
  erasedBefore = false,
): WipeReport['method'] {
  const erased = erasePlan.kind === 'erase' || erasedBefore;
  if (method) {
    return {
      id: method.id,
      label: method.label,
      methodType: erased ? 'purge' : method.methodType,
      source: method.source,
    };
  }
  if (erasePlan.kind !== 'erase') throw new Error('a wipe without an overwrite method needs a crypto-erase backend');
  const { backend } = erasePlan;
  return { id: `crypto-erase:${backend.id}`, label: backend.label, methodType: 'purge', source: backend.source };
}

// The audit facts of a completed erase: counts and identifiers, never key material.
function eraseAuditDetails(outcome: EraseOutcome): Record<string, string | number> {
  return {
    backend: outcome.backend,
    technique: outcome.technique,
    regions: outcome.regions.length,
    bytesOverwritten: outcome.regions.reduce((sum, r) => sum + r.length, 0),
    commands: outcome.commands.join('; ').slice(0, 1024),
    durationMs: outcome.durationMs,
    ...(outcome.luks ? { luksVersion: outcome.luks.version, luksUuid: outcome.luks.uuid } : {}),
  };
}

// After a crypto-erase with no overwrite: read everything back (or the sample) expecting no known
// content; the old data must read as noise or blanks, with no signature left. The scan is the verification.
async function scanAfterErase(
  target: Target,
  request: WipeRequest,
): Promise<{ passes: PassResult[]; verification: WipeVerification; scan: WipeReport['scan'] }> {
  const mode = request.scan === 'sample' ? 'sample' : 'full';
  const result = await scanOpenTarget(target, { kind: 'none' }, 'none', { ...request, mode });
  return {
    passes: [],
    verification: {
      mode: 'scan',
      passes: [],
      bytesRead: result.coverage.bytesScanned,
      mismatches: result.residueBlocks,
      firstMismatchOffset: result.firstResidueOffset,
    },
    scan: withoutFirstResidue(result, 'none'),
  };
}

// Runs every pass of the plan, verifying after each pass (all) or after the last (last), then the
// residual scan. A full scan after the last pass is also its verification: one read, not two.
async function overwriteAndVerify(
  target: Target,
  plan: WipePlan,
  request: WipeRequest,
  deps: WipeDeps,
  onPassDone: (pass: PassResult) => Promise<unknown>,
  journal: WipeJournal | null,
): Promise<{ passes: PassResult[]; verification: WipeVerification; scan: WipeReport['scan'] }> {
  const total = plan.passes.length;
  // A resumed run starts with what the checkpoint says was done (and synced) before the stop.
  const resumeAt = journal?.checkpoint ?? null;
  const passes: PassResult[] = resumeAt ? resumeAt.completedPasses.map((p) => ({ ...p })) : [];
  const verified: VerifyResult[] = resumeAt ? resumeAt.verified.map((v) => ({ ...v })) : [];
  const scanMode = request.scan ?? 'full';
  let scan: WipeReport['scan'] = null;
  const emit = request.onProgress;
  emit?.({
    type: 'started',
    target: request.target,
    sizeBytes: target.sizeBytes,
    passes: total,
    method: plan.methodId,
  });
  for (const pass of plan.passes) {
    const isLast = pass.index === total;
    const wantsVerify = plan.verify === 'all' || (plan.verify === 'last' && isLast);
    const alreadyWritten = resumeAt !== null && pass.index < resumeAt.pass;
    if (alreadyWritten) {
      // Written before the stop; its read-back too unless the stop came in between (then read it
      // back now: the next pass has not overwritten it yet). The last pass's read-back is the scan below.
      const needsReadBack =
        wantsVerify && !isLast && pass.index === resumeAt.pass - 1 && !verified.some((v) => v.pass === pass.index);
      if (!needsReadBack && !isLast) continue;
    } else {
      const startOffset = resumeAt && pass.index === resumeAt.pass ? resumeAt.passOffset : 0;
      const done = await overwritePass(target, pass, total, request, deps, startOffset, journal);
      passes.push(done);
      await onPassDone(done);
      await journal?.passDone(done);
    }
    if (isLast && scanMode === 'full') {
      const result = await scanOpenTarget(target, expectationOfPass(pass), pass.describe, { ...request, mode: 'full' });
      scan = withoutFirstResidue(result, pass.describe);
      if (wantsVerify) verified.push(verificationFromScan(pass.index, result));
      break;
    }
    if (wantsVerify && !verified.some((v) => v.pass === pass.index)) {
      const result = await verifyOnePass(target, pass, request, deps);
      verified.push(result);
      await journal?.verifyDone(result);
      if (result.mismatches > 0) break;
    }
    if (isLast && scanMode === 'sample') {
      const result = await scanOpenTarget(target, expectationOfPass(pass), pass.describe, {
        ...request,
        mode: 'sample',
      });
      scan = withoutFirstResidue(result, pass.describe);
    }
  }
  const firstBad = verified.find((v) => v.mismatches > 0);
  return {
    passes,
    verification: {
      mode: plan.verify,
      passes: verified,
      bytesRead: verified.reduce((sum, v) => sum + v.bytesRead, 0),
      mismatches: verified.reduce((sum, v) => sum + v.mismatches, 0),
      firstMismatchOffset: firstBad?.firstMismatchOffset ?? null,
    },
    scan,
  };
}

// A full scan against the last pass's content reads and compares every block: that is its verification.
function verificationFromScan(pass: number, scan: ScanResult): VerifyResult {
  return {
    pass,
    bytesRead: scan.coverage.bytesScanned,
    mismatches: scan.residueBlocks,
    firstMismatchOffset: scan.firstResidueOffset,
    durationMs: scan.durationMs,
    bytesPerSecond: rateOf(scan.coverage.bytesScanned, scan.durationMs),
  };
}

function withoutFirstResidue(result: ScanResult, expect: string): NonNullable<WipeReport['scan']> {
  const { firstResidueOffset: _first, ...rest } = result;
  return { ...rest, expect };
}

async function overwritePass(
  target: Target,
  pass: PlannedPass,
  total: number,
  request: WipeRequest,
  deps: WipeDeps,
  startOffset = 0,
  journal: WipeJournal | null = null,
): Promise<PassResult> {
  const startedAt = deps.now();
  request.onProgress?.({
    type: 'pass.started',
    target: request.target,
    pass: pass.index,
    passes: total,
    pattern: pass.describe,
  });
  const onProgress = createProgressMeter(request.onProgress, {
    type: 'pass.progress',
    target: request.target,
    pass: pass.index,
    passes: total,
    totalBytes: target.sizeBytes,
  });
  const written = await deps.writePass(target, pass.pattern, {
    ...(request.signal ? { signal: request.signal } : {}),
    step: `pass ${pass.index}/${total} (${pass.describe})`,
    onProgress,
    ...(startOffset > 0 ? { startOffset } : {}),
    ...(request.retries
      ? {
          retry: {
            attempts: request.retries,
            onRetry: (r: { offset: number; length: number; attempt: number; error: string }) =>
              request.onProgress?.({ type: 'io.retry', target: request.target, pass: pass.index, ...r }),
          },
        }
      : {}),
    ...(journal ? { checkpoint: journal.passHook(pass.index) } : {}),
  });
  // A resumed pass covers the whole target: what was written before the stop and now.
  const bytes = startOffset + written.bytes;
  const { durationMs } = written;
  const endedAt = deps.now();
  const bytesPerSecond = rateOf(written.bytes, durationMs);
  request.onProgress?.({
    type: 'pass.completed',
    target: request.target,
    pass: pass.index,
    passes: total,
    bytes,
    durationMs,
    bytesPerSecond,
  });
  return {
    index: pass.index,
    pattern: pass.describe,
    bytes,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationMs,
    bytesPerSecond,
  };
}

async function verifyOnePass(
  target: Target,
  pass: PlannedPass,
  request: WipeRequest,
  deps: WipeDeps,
): Promise<VerifyResult> {
  request.onProgress?.({ type: 'verify.started', target: request.target, pass: pass.index });
  const onProgress = createProgressMeter(request.onProgress, {
    type: 'verify.progress',
    target: request.target,
    pass: pass.index,
    passes: 0,
    totalBytes: target.sizeBytes,
  });
  const result = await deps.verifyPass(target, pass.pattern, {
    ...(request.signal ? { signal: request.signal } : {}),
    step: `verify pass ${pass.index}`,
    onProgress,
  });
  const bytesPerSecond = rateOf(result.bytesRead, result.durationMs);
  request.onProgress?.({
    type: 'verify.completed',
    target: request.target,
    pass: pass.index,
    bytes: result.bytesRead,
    mismatches: result.mismatches,
    durationMs: result.durationMs,
    bytesPerSecond,
  });
  return { pass: pass.index, ...result, bytesPerSecond };
}
