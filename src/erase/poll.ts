// Polling a drive that erases in the background (NVMe/ATA/SCSI sanitize) until it reports an end
// state: interval, deadline, abort and progress in one place, so every backend stops the same way.
import { setTimeout as sleep } from 'node:timers/promises';
import { CleanslateError } from '../errors/index.js';

/**
 * One status read, as a backend understands it. `pending` means "no verdict yet" (status not yet
 * updated, a unit attention in the way): keep polling until the deadline.
 */
export interface StatusReading {
  state: 'in-progress' | 'completed' | 'failed' | 'pending';
  /** 0-100 when the device reports progress, else null. */
  percent: number | null;
  /** What the device said, in a few words ("SD2 Sanitize operation In Process", "(2) Sanitize in Progress."). */
  message: string;
  /** The status fields read, kept as evidence of the final state. */
  fields: Record<string, string | number | boolean | null>;
}

export interface PollOptions {
  /** Reads the status once; may run several commands. */
  read(): Promise<StatusReading>;
  intervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: { percent: number; message: string }) => void) | undefined;
  /** For error messages: the device and the operation ("sanitize (crypto-erase)"). */
  target: string;
  operation: string;
  /** How to check on the device after we stop waiting ("nvme sanitize-log /dev/nvme0"). */
  statusCommand: string;
  /** @default Date.now */
  now?: () => number;
}

export interface PollResult {
  reading: StatusReading;
  polls: number;
}

// Reads the status until the device reports completed; rejects on failed, deadline or abort.
export async function pollUntilComplete(options: PollOptions): Promise<PollResult> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  for (let polls = 1; ; polls += 1) {
    throwIfAborted(options);
    const reading = await readOnce(options);
    if (reading.state === 'completed') return { reading, polls };
    if (reading.state === 'failed') throw failedError(options, reading);
    if (reading.percent !== null) options.onProgress?.({ percent: reading.percent, message: reading.message });
    const left = deadline - now();
    if (left <= 0) throw timeoutError(options, reading);
    await wait(Math.min(options.intervalMs, left), options);
  }
}

// The device said its erase failed: exit 4, nothing proven erased.
function failedError(options: PollOptions, reading: StatusReading): CleanslateError {
  return new CleanslateError(
    'ERR_ERASE_FAILED',
    `the device reports that the ${options.operation} failed: ${reading.message}`,
    {
      target: options.target,
      step: options.operation,
    },
  );
}

// No end state before the deadline; the device may still be erasing.
function timeoutError(options: PollOptions, reading: StatusReading): CleanslateError {
  const minutes = Math.round((options.timeoutMs / 60_000) * 10) / 10;
  return new CleanslateError(
    'ERR_ERASE_TIMEOUT',
    `the ${options.operation} did not report completion within ${minutes} min (last status: ${reading.message}); ` +
      `the device may still be erasing: check with ${options.statusCommand}`,
    { target: options.target, step: options.operation },
  );
}

// Stopped waiting on request; a started sanitize cannot be stopped and goes on inside the drive.
function interruptedError(options: PollOptions): CleanslateError {
  return new CleanslateError(
    'ERR_INTERRUPTED',
    `stopped waiting for the ${options.operation}: the device keeps erasing on its own (it cannot be stopped); ` +
      `check with ${options.statusCommand}`,
    { target: options.target, step: options.operation },
  );
}

// One status read; a read cut short by the abort becomes the same ERR_INTERRUPTED as an abort between reads.
async function readOnce(options: PollOptions): Promise<StatusReading> {
  try {
    return await options.read();
  } catch (error) {
    if (options.signal?.aborted) throw interruptedError(options);
    throw error;
  }
}

// Throws ERR_INTERRUPTED once the signal has fired.
function throwIfAborted(options: PollOptions): void {
  if (options.signal?.aborted) throw interruptedError(options);
}

// Sleeps between two polls; an abort ends the sleep at once.
async function wait(ms: number, options: PollOptions): Promise<void> {
  try {
    await sleep(ms, undefined, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (options.signal?.aborted) throw interruptedError(options);
    throw error;
  }
}
