// The wipe use case: resolve → identity → guards → exclusive open → plan → passes → verify → report.
// Orchestration only; every effect comes through `deps`, so tests can swap any step.
import { CleanslateError } from '../errors/index.js';
import { findMethod, planWipe, SEED_BYTES, WIPE_METHODS } from '../methods/index.js';
import type { ScanResult } from '../scan/index.js';
import type {
  DeviceIdentity,
  PassResult,
  PlannedPass,
  ProgressListener,
  Target,
  VerifyResult,
  WipePlan,
} from '../types.js';
import { expectationOfPass } from './expectation.js';
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
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface WipeVerification {
  mode: 'last' | 'all' | 'none';
  passes: VerifyResult[];
  bytesRead: number;
  mismatches: number;
  firstMismatchOffset: number | null;
}

export interface WipeReport {
  target: { path: string; realPath: string; kind: 'block' | 'file'; sizeBytes: number };
  identity: DeviceIdentity;
  method: { id: string; label: string; methodType: 'clear' | 'purge'; source: string };
  dryRun: boolean;
  operator: string | null;
  tenant: string | null;
  volumeId: string | null;
  seedCommitment: string;
  seedFile: string | null;
  plan: { index: number; pattern: string }[];
  passes: PassResult[];
  verification: WipeVerification;
  /** The residual scan after the last pass, expecting what it wrote; null when not requested. */
  scan: (Omit<ScanResult, 'firstResidueOffset'> & { expect: string }) | null;
  bytesWritten: number;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  bytesPerSecond: number;
  result: 'PASS' | 'FAIL' | 'DRY-RUN';
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
  const resolved = await deps.resolveTarget(request.target);
  const identity = await deps.readIdentity(resolved);
  const system = await deps.readSystemState();
  const dryRun = request.dryRun ?? false;
  await deps.assertGuards(identity, {
    system,
    confirmation: dryRun ? { yes: true, interactive: false } : request.confirmation,
  });

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
      };
    }
    const seedFile = await deps.saveSeed(method.id, seed);
    const { passes, verification, scan } = await overwriteAndVerify(target, plan, request, deps);
    const result = verification.mismatches === 0 && (scan === null || scan.clean) ? 'PASS' : 'FAIL';
    if (result === 'PASS' && !request.keepSeed) await deps.discardSeed(seedFile);
    const ended = deps.now();
    const bytesWritten = passes.reduce((sum, p) => sum + p.bytes, 0);
    const durationMs = ended.getTime() - started.getTime();
    request.onProgress?.({ type: 'completed', target: request.target, result });
    return {
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
    passes.push(await overwritePass(target, pass, total, request, deps));
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
