// Progress display: one ora spinner line for every active target on a TTY, NDJSON events on
// stderr, or nothing. Several targets may report at once (`wipe --parallel N`).
import ora, { type Ora } from 'ora';
import { basename } from 'node:path';
import type { ProgressEvent, ProgressListener } from '../../types.js';
import { formatDuration, formatRate } from './format.js';

export type ProgressMode = 'auto' | 'tty' | 'ndjson' | 'none';

export interface ProgressDisplay {
  listener: ProgressListener;
  /** Runs fn with the progress line taken off the terminal (a prompt, a report on stdout, an error
   *  line), then puts it back. Lines persisted meanwhile are written after fn. */
  suspend<T>(fn: () => T | Promise<T>): Promise<T>;
  /** Stops the spinner (if any) leaving a final line. */
  stop(finalText?: string, ok?: boolean): void;
}

// Chooses the display for a mode: auto = spinner on a TTY stderr, else nothing.
export function createProgressDisplay(
  mode: ProgressMode,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressDisplay {
  // a terminal that reports 0 columns (a pty nobody sized, as `script` without a terminal makes)
  // would send ora's line-count arithmetic to Infinity: no spinner there
  const hasWidth = stream.columns === undefined || stream.columns > 0;
  const useSpinner = hasWidth && (mode === 'tty' || (mode === 'auto' && stream.isTTY === true));
  if (mode === 'ndjson') return ndjsonDisplay(stream);
  if (useSpinner) return spinnerDisplay(stream);
  // No progress, but notices (a new host key) still reach the operator.
  return {
    listener: (event) => {
      if (event.type === 'notice') stream.write(`cleanslate: ${event.message}\n`);
    },
    suspend: async (fn) => fn(),
    stop: () => {},
  };
}

// One JSON document per line; each event is ONE write of a whole line, so events of concurrent
// targets never interleave within a line (they all come from this one thread).
function ndjsonDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  return {
    listener: (event) => stream.write(`${JSON.stringify({ ts: new Date().toISOString(), ...event })}\n`),
    suspend: async (fn) => fn(),
    stop: () => {},
  };
}

/** What the spinner line shows of one active target. */
export interface TargetState {
  /** The last event with a line of its own (shown as is when this is the only active target). */
  text: string;
  /** "pass 1/3", "verify", "scan", "erase", "starting". */
  phase: string;
  percent: number | null;
  bytesPerSecond: number;
}

/** Events that leave a line of their own above the spinner. */
const PERSISTED = new Set<ProgressEvent['type']>([
  'pass.completed',
  'verify.completed',
  'scan.completed',
  'erase.completed',
  'notice',
]);

function spinnerDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  const noColor = 'NO_COLOR' in process.env;
  const symbols = { ok: noColor ? '*' : '✔', bad: noColor ? 'x' : '✖' };
  const active = new Map<string, TargetState>();
  const seen = new Set<string>();
  let spinner: Ora | undefined;
  let suspended = 0;
  let pending: { symbol: string; text: string }[] = [];

  const render = () => {
    if (suspended > 0) return;
    const text = summaryLine(active, stream.columns);
    if (text === null) {
      spinner?.stop();
      spinner = undefined;
      return;
    }
    spinner ??= ora({ stream, isEnabled: true, ...(noColor ? { color: false as const } : {}) }).start();
    spinner.text = text;
  };
  const persist = (symbol: string, text: string) => {
    if (suspended > 0) {
      pending.push({ symbol, text });
      return;
    }
    // stopAndPersist on a spinner that never started still writes the line
    (spinner ?? ora({ stream, isEnabled: true, ...(noColor ? { color: false as const } : {}) })).stopAndPersist({
      symbol,
      text,
    });
    spinner = undefined;
  };

  return {
    listener: (event) => {
      seen.add(event.target);
      if (event.type === 'completed' || event.type === 'failed') {
        active.delete(event.target);
        // with several targets each one's end gets a line; a failure's message is printed by the command
        if (event.type === 'completed' && seen.size > 1) {
          persist(event.result === 'PASS' ? symbols.ok : symbols.bad, `${event.target}: ${event.result}`);
        }
        render();
        return;
      }
      const text = describeEvent(event);
      if (text === null) return;
      // a notice is a line of its own, never a target's status (nor is the ledger a target)
      if (event.type !== 'notice') active.set(event.target, nextState(active.get(event.target), event, text));
      if (PERSISTED.has(event.type)) persist(symbols.ok, text);
      render();
    },
    async suspend(fn) {
      suspended += 1;
      spinner?.stop();
      spinner = undefined;
      try {
        return await fn();
      } finally {
        suspended -= 1;
        if (suspended === 0) {
          const lines = pending;
          pending = [];
          for (const line of lines) persist(line.symbol, line.text);
          render();
        }
      }
    },
    stop: (finalText, ok = true) => {
      active.clear();
      if (!spinner) {
        if (finalText) persist(ok ? symbols.ok : symbols.bad, finalText);
        return;
      }
      if (!finalText) spinner.stop();
      else if (ok) spinner.succeed(finalText);
      else spinner.fail(finalText);
      spinner = undefined;
    },
  };
}

// The state of a target after an event (whose line is `text`).
function nextState(previous: TargetState | undefined, event: ProgressEvent, text: string): TargetState {
  const state: TargetState = previous
    ? { ...previous, text }
    : { text, phase: 'starting', percent: null, bytesPerSecond: 0 };
  const pct = (bytes: number, total: number) => (total > 0 ? Math.floor((bytes * 100) / total) : 100);
  switch (event.type) {
    case 'pass.started':
      return { ...state, phase: `pass ${event.pass}/${event.passes}`, percent: 0, bytesPerSecond: 0 };
    case 'pass.progress':
      return {
        ...state,
        phase: `pass ${event.pass}/${event.passes}`,
        percent: pct(event.bytes, event.totalBytes),
        bytesPerSecond: event.bytesPerSecond,
      };
    case 'verify.started':
      return { ...state, phase: 'verify', percent: 0, bytesPerSecond: 0 };
    case 'verify.progress':
      return {
        ...state,
        phase: 'verify',
        percent: pct(event.bytes, event.totalBytes),
        bytesPerSecond: event.bytesPerSecond,
      };
    case 'scan.started':
      return { ...state, phase: 'scan', percent: 0, bytesPerSecond: 0 };
    case 'scan.progress':
      return {
        ...state,
        phase: 'scan',
        percent: pct(event.bytes, event.totalBytes),
        bytesPerSecond: event.bytesPerSecond,
      };
    case 'erase.started':
      return { ...state, phase: 'erase', percent: null, bytesPerSecond: 0 };
    case 'erase.progress':
      return { ...state, phase: 'erase', percent: event.percent, bytesPerSecond: 0 };
    case 'pass.completed':
    case 'verify.completed':
    case 'scan.completed':
    case 'erase.completed':
      // between two phases: no rate until the next one reports
      return { ...state, phase: `${state.phase} done`, percent: null, bytesPerSecond: 0 };
    default:
      return state;
  }
}

// The spinner text for the active targets: one target's own line, or
// "3 running: loop0 pass 1/3 45% 1.2 GB/s · loop1 verify 30% 800.0 MB/s · … · 2.00 GB/s in all";
// cut to the terminal width. null when nothing is active.
export function summaryLine(active: ReadonlyMap<string, TargetState>, columns?: number): string | null {
  if (active.size === 0) return null;
  let text: string;
  if (active.size === 1) text = [...active.values()][0]!.text;
  else {
    const parts = [...active].map(([target, s]) =>
      [
        shortName(target),
        s.phase,
        ...(s.percent === null ? [] : [`${s.percent}%`]),
        ...(s.bytesPerSecond > 0 ? [formatRate(s.bytesPerSecond)] : []),
      ].join(' '),
    );
    const total = [...active.values()].reduce((sum, s) => sum + s.bytesPerSecond, 0);
    text = `${active.size} running: ${parts.join(' · ')}${total > 0 ? ` · ${formatRate(total)} in all` : ''}`;
  }
  // the spinner symbol and a space take 2 columns; one more keeps the cursor off the edge
  const width = columns && columns > 10 ? columns - 3 : undefined;
  return width && text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

// /dev/loop0 → loop0, /dev/disk/by-id/nvme-X → nvme-X, /tmp/a/disk.img → disk.img.
function shortName(target: string): string {
  return basename(target) || target;
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
    case 'erase.started':
      return `${event.target}: ${event.technique} (${event.backend})`;
    case 'erase.progress':
      return `${event.target}: ${event.backend} ${event.percent}% ${event.message}`;
    case 'erase.completed':
      return `${event.target}: ${event.technique} (${event.backend}) done in ${formatDuration(event.durationMs)}`;
    case 'io.retry':
      return `${event.target}: pass ${event.pass}: write at ${event.offset} failed (${event.error}), retry ${event.attempt}`;
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
