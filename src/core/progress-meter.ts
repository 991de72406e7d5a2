// Turns the engine's byte counts into throttled progress events with a rate.
import type { ProgressEvent, ProgressListener } from '../types.js';

export interface MeterOptions {
  /** Minimum milliseconds between two progress events. @default 250 */
  intervalMs?: number;
  now?: () => number;
}

type ProgressKind = 'pass.progress' | 'verify.progress' | 'scan.progress';

// Creates an onProgress(bytesDone) callback that emits at most one event per interval.
export function createProgressMeter(
  listener: ProgressListener | undefined,
  base: { type: ProgressKind; target: string; pass: number; passes: number; totalBytes: number },
  options: MeterOptions = {},
): (bytesDone: number) => void {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 250;
  const started = now();
  let last = -Infinity;
  return (bytesDone: number) => {
    if (!listener) return;
    const t = now();
    if (t - last < interval && bytesDone < base.totalBytes) return;
    last = t;
    const elapsed = Math.max(t - started, 1);
    const bytesPerSecond = Math.round((bytesDone * 1000) / elapsed);
    const common = { target: base.target, bytes: bytesDone, totalBytes: base.totalBytes, bytesPerSecond };
    const event: ProgressEvent =
      base.type === 'pass.progress'
        ? { type: 'pass.progress', pass: base.pass, passes: base.passes, ...common }
        : base.type === 'verify.progress'
          ? { type: 'verify.progress', pass: base.pass, ...common }
          : { type: 'scan.progress', ...common };
    listener(event);
  };
}

// Bytes per second as an integer, guarding against a zero duration.
export function rateOf(bytes: number, durationMs: number): number {
  return Math.round((bytes * 1000) / Math.max(durationMs, 1));
}
