// Progress display: an ora spinner line on a TTY, NDJSON events on stderr, or nothing.
import ora, { type Ora } from 'ora';
import type { ProgressEvent, ProgressListener } from '../../types.js';
import { formatDuration, formatRate } from './format.js';

export type ProgressMode = 'auto' | 'tty' | 'ndjson' | 'none';

export interface ProgressDisplay {
  listener: ProgressListener;
  /** Stops the spinner (if any) leaving a final line. */
  stop(finalText?: string, ok?: boolean): void;
}

// Chooses the display for a mode: auto = spinner on a TTY stderr, else nothing.
export function createProgressDisplay(
  mode: ProgressMode,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressDisplay {
  const useSpinner = mode === 'tty' || (mode === 'auto' && stream.isTTY === true);
  if (mode === 'ndjson') return ndjsonDisplay(stream);
  if (useSpinner) return spinnerDisplay(stream);
  // No progress, but notices (a new host key) still reach the operator.
  return {
    listener: (event) => {
      if (event.type === 'notice') stream.write(`cleanslate: ${event.message}\n`);
    },
    stop: () => {},
  };
}

function ndjsonDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  return {
    listener: (event) => stream.write(`${JSON.stringify({ ts: new Date().toISOString(), ...event })}\n`),
    stop: () => {},
  };
}

function spinnerDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  const noColor = 'NO_COLOR' in process.env;
  let spinner: Ora | undefined;
  const ensure = (): Ora => {
    spinner ??= ora({ stream, isEnabled: true, ...(noColor ? { color: false as const } : {}) }).start();
    return spinner;
  };
  return {
    listener: (event) => {
      const text = describeEvent(event);
      if (text === null) return;
      if (
        event.type === 'pass.completed' ||
        event.type === 'verify.completed' ||
        event.type === 'scan.completed' ||
        event.type === 'notice'
      ) {
        ensure().stopAndPersist({ symbol: noColor ? '*' : '✔', text });
        spinner = undefined;
        return;
      }
      ensure().text = text;
    },
    stop: (finalText, ok = true) => {
      if (!spinner) return;
      if (!finalText) spinner.stop();
      else if (ok) spinner.succeed(finalText);
      else spinner.fail(finalText);
      spinner = undefined;
    },
  };
}

// One human line per event, or null when the event needs no line of its own.
export function describeEvent(event: ProgressEvent): string | null {
  switch (event.type) {
    case 'started':
      return `${event.target}: ${event.method}, ${event.passes} pass(es)`;
    case 'pass.started':
      return `${event.target}: pass ${event.pass}/${event.passes} (${event.pattern})`;
    case 'pass.progress':
      return `${event.target}: pass ${event.pass}/${event.passes} ${percentLine(event.bytes, event.totalBytes, event.bytesPerSecond)}`;
    case 'pass.completed':
      return `${event.target}: pass ${event.pass}/${event.passes} done, ${formatRate(event.bytesPerSecond)} in ${formatDuration(event.durationMs)}`;
    case 'verify.started':
      return `${event.target}: verifying pass ${event.pass}`;
    case 'verify.progress':
      return `${event.target}: verify ${percentLine(event.bytes, event.totalBytes, event.bytesPerSecond)}`;
    case 'verify.completed':
      return `${event.target}: verify pass ${event.pass} done, ${event.mismatches} mismatching block(s), ${formatRate(event.bytesPerSecond)}`;
    case 'scan.started':
      return `${event.target}: scanning (${event.mode}, expecting ${event.expect})`;
    case 'scan.progress':
      return `${event.target}: scan ${percentLine(event.bytes, event.totalBytes, event.bytesPerSecond)}`;
    case 'scan.completed':
      return `${event.target}: scan done, ${event.findings} finding(s), ${event.residueBlocks} residue block(s), ${formatRate(event.bytesPerSecond)}`;
    case 'notice':
      return `${event.target}: ${event.message}`;
    case 'scan.finding':
    case 'completed':
    case 'failed':
      return null;
  }
}

function percentLine(bytes: number, total: number, rate: number): string {
  const pct = total > 0 ? Math.floor((bytes * 100) / total) : 100;
  const eta = rate > 0 ? formatDuration(((total - bytes) * 1000) / rate) : '?';
  return `${pct}% ${formatRate(rate)} ETA ${eta}`;
}
