// The wipe use case: resolve → identity → guards → exclusive open → plan → passes → verify → report.
// Orchestration only; every effect comes through `deps`, so tests can swap any step.
import { CleanslateError } from '../errors/index.js';
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
import type { IssuedCertificate, WipeReport, WipeVerification } from './wipe-report.js';
import { expectationOfPass } from './expectation.js';
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

export interface WipeRequest {
  target: string;
  methodId: string;
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
  /** Human notices (a host key was created) for stderr. */
  onNotice?: (message: string) => void;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

// Wipes one target as requested and returns its report; throws CleanslateError before any write
// when a guard refuses or the input is bad, and during the run on I/O failure or interruption.
export async function runWipe(request: WipeRequest, deps: WipeDeps = defaultWipeDeps()): Promise<WipeReport> {
  const started = deps.now();
  const method = findMethod(request.methodId);
  if (!method) {
    throw new CleanslateError(
      'ERR_UNKNOWN_METHOD',
      `unknown method '${request.methodId}' (one of: ${WIPE_METHODS.map((m) => m.id).join(', ')})`,
      { target: request.target, step: 'plan' },
    );
  }
  const dryRun = request.dryRun ?? false;
  // Keys first: a bad --key is a usage error before anything else happens.
  const provenance = dryRun
    ? null
    : await deps.openProvenance({ keyPath: request.keyPath, certDir: request.certDir, onNotice: request.onNotice });
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
    return await wipeIdentified(identity, method, started, request, deps, provenance);
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

// The run after the guards passed: exclusive open, plan, passes, verify and scan, then the record.
async function wipeIdentified(
  identity: DeviceIdentity,
  method: NonNullable<ReturnType<typeof findMethod>>,
  started: Date,
  request: WipeRequest,
  deps: WipeDeps,
  provenance: Provenance | null,
): Promise<WipeReport> {
  const dryRun = provenance === null;
  const target = await deps.openTarget(identity.realPath, { access: 'write' });
  try {
    assertOpenedAsChecked(identity, target, request.target);
    const seed = deps.randomBytes(SEED_BYTES);
    const plan = planWipe(method, seed, request.verify);
    const base = {
      identity,
      method: { id: method.id, label: method.label, methodType: method.methodType, source: method.source },
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
        verification: { mode: plan.verify, passes: [], bytesRead: 0, mismatches: 0, firstMismatchOffset: null },
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
    await provenance.record({
      ...facts,
      type: 'wipe.started',
      result: 'started',
      details: {
        method: method.id,
        passes: plan.passes.length,
        sizeBytes: target.sizeBytes,
        seedCommitment: plan.seedCommitment,
      },
    });
    const seedFile = await deps.saveSeed(method.id, seed);
    const record = (pass: PassResult) =>
      provenance.record({
        ...facts,
        type: 'pass.completed',
        result: 'ok',
        details: { pass: pass.index, pattern: pass.pattern, bytes: pass.bytes },
      });
    const { passes, verification, scan } = await overwriteAndVerify(target, plan, request, deps, record);
    const result: 'PASS' | 'FAIL' = verification.mismatches === 0 && (scan === null || scan.clean) ? 'PASS' : 'FAIL';
    if (result === 'PASS' && !request.keepSeed) await deps.discardSeed(seedFile);
    const ended = deps.now();
    const bytesWritten = passes.reduce((sum, p) => sum + p.bytes, 0);
    const durationMs = ended.getTime() - started.getTime();
    const report: Omit<WipeReport, 'certificate'> = {
      ...base,
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
    request.onProgress?.({ type: 'completed', target: request.target, result });
    return { ...report, certificate };
  } finally {
    await target.close();
  }
}

// Runs every pass of the plan, verifying after each pass (all) or after the last (last), then the
// residual scan. A full scan after the last pass is also its verification: one read, not two.
async function overwriteAndVerify(
  target: Target,
  plan: WipePlan,
  request: WipeRequest,
  deps: WipeDeps,
  onPassDone: (pass: PassResult) => Promise<unknown>,
): Promise<{ passes: PassResult[]; verification: WipeVerification; scan: WipeReport['scan'] }> {
  const total = plan.passes.length;
  const passes: PassResult[] = [];
  const verified: VerifyResult[] = [];
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
    const done = await overwritePass(target, pass, total, request, deps);
    passes.push(done);
    await onPassDone(done);
    const isLast = pass.index === total;
    const wantsVerify = plan.verify === 'all' || (plan.verify === 'last' && isLast);
    if (isLast && scanMode === 'full') {
      const result = await scanOpenTarget(target, expectationOfPass(pass), pass.describe, { ...request, mode: 'full' });
      scan = withoutFirstResidue(result, pass.describe);
      if (wantsVerify) verified.push(verificationFromScan(pass.index, result));
      break;
    }
    if (wantsVerify) {
      const result = await verifyOnePass(target, pass, request, deps);
      verified.push(result);
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
  const { bytes, durationMs } = await deps.writePass(target, pass.pattern, {
    ...(request.signal ? { signal: request.signal } : {}),
    step: `pass ${pass.index}/${total} (${pass.describe})`,
    onProgress,
  });
  const endedAt = deps.now();
  const bytesPerSecond = rateOf(bytes, durationMs);
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
