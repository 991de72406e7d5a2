// The scan use case: resolve → identity → read-only open → scan → report (DESIGN §5). Never opens
// the target for writing, so it needs no guards and works on read-only and mounted devices.
import { CleanslateError } from '../errors/index.js';
import { scanTarget, type Expectation, type ScanResult } from '../scan/index.js';
import type { DeviceIdentity, ProgressListener, Target } from '../types.js';
import { parseExpectation } from './expectation.js';
import { createProgressMeter, rateOf } from './progress-meter.js';
import { defaultWipeDeps, type WipeDeps } from './wipe-deps.js';

export interface ScanRequest {
  target: string;
  /** --expect as given. @default 'none' */
  expect?: string;
  mode?: 'full' | 'sample';
  confidence?: number;
  residueFraction?: number;
  maxFindings?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Human notices (a host key was created) for stderr. */
  onNotice?: (message: string) => void;
}

/** The `scan --json` document of DESIGN §5. */
export interface ScanReport extends Omit<ScanResult, 'firstResidueOffset'> {
  target: { path: string; kind: 'block' | 'file'; sizeBytes: number };
  expect: string;
}

// Scans one target read-only and returns the report; exit 0 if clean, 1 if not (the CLI decides).
export async function runScan(request: ScanRequest, deps: WipeDeps = defaultWipeDeps()): Promise<ScanReport> {
  const expectText = request.expect ?? 'none';
  const expect = await parseExpectation(expectText, request.target);
  const resolved = await deps.resolveTarget(request.target);
  const identity = await deps.readIdentity(resolved);
  const target = await deps.openTarget(identity.realPath, { access: 'read' });
  try {
    assertOpenedAsChecked(identity, target, request.target);
    const result = await scanOpenTarget(target, expect, expectText, request);
    const provenance = await deps.openProvenance({ onNotice: request.onNotice });
    await provenance.record({
      type: 'scan.completed',
      target: request.target,
      deviceId: identity.id,
      result: result.clean ? 'clean' : 'residue',
      details: {
        mode: result.coverage.mode,
        expect: expectText,
        bytesScanned: result.coverage.bytesScanned,
        residueBlocks: result.residueBlocks,
        findings: Object.values(result.counts).reduce<number>((a, b) => a + (b ?? 0), 0),
      },
    });
    const { firstResidueOffset: _first, ...rest } = result;
    return {
      target: { path: request.target, kind: identity.kind, sizeBytes: target.sizeBytes },
      expect: expectText,
      ...rest,
    };
  } finally {
    await target.close();
  }
}

// Runs the scanner on an open target with progress and finding events (shared with wipe).
export async function scanOpenTarget(
  target: Target,
  expect: Expectation,
  expectText: string,
  request: Pick<
    ScanRequest,
    'target' | 'mode' | 'confidence' | 'residueFraction' | 'maxFindings' | 'signal' | 'onProgress'
  >,
): Promise<ScanResult> {
  const emit = request.onProgress;
  const mode = request.mode ?? 'full';
  let meter: ((bytes: number) => void) | undefined;
  emit?.({ type: 'scan.started', target: request.target, mode, expect: expectText, totalBytes: target.sizeBytes });
  const result = await scanTarget(target, expect, {
    mode,
    sample: {
      ...(request.confidence !== undefined ? { confidence: request.confidence } : {}),
      ...(request.residueFraction !== undefined ? { residueFraction: request.residueFraction } : {}),
    },
    ...(request.maxFindings !== undefined ? { maxFindings: request.maxFindings } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    onProgress: (bytes, totalBytes) => {
      meter ??= createProgressMeter(emit, {
        type: 'scan.progress',
        target: request.target,
        pass: 0,
        passes: 0,
        totalBytes,
      });
      meter(bytes);
    },
    onFinding: (finding) => emit?.({ type: 'scan.finding', target: request.target, ...finding }),
  });
  emit?.({
    type: 'scan.completed',
    target: request.target,
    bytes: result.coverage.bytesScanned,
    findings: Object.values(result.counts).reduce((a, b) => a + (b ?? 0), 0),
    residueBlocks: result.residueBlocks,
    durationMs: result.durationMs,
    bytesPerSecond: rateOf(result.coverage.bytesScanned, result.durationMs),
  });
  return result;
}

// The descriptor must be the file or device that was resolved (no swap in between).
export function assertOpenedAsChecked(
  identity: DeviceIdentity,
  target: Target & { statKey: string },
  path: string,
): void {
  if (target.statKey !== identity.statKey || target.sizeBytes !== identity.sizeBytes) {
    throw new CleanslateError(
      'ERR_TARGET_CHANGED',
      `the opened target is not the one that was checked (${identity.statKey}, ${identity.sizeBytes} bytes → ` +
        `${target.statKey}, ${target.sizeBytes} bytes); it changed between resolution and open, nothing written`,
      { target: path, step: 'open' },
    );
  }
}
