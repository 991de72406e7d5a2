// Real I/O faults for the loop-device tests: a small tmpfs mounted in a temporary folder (always
// unmounted), and the built CLI run with NDJSON progress so a test can act on the backing store at a
// precise point of a run (the CLI stopped with SIGSTOP meanwhile, then continued).
import { execa } from 'execa';
import { statfsSync } from 'node:fs';
import tmp from 'tmp';
import { BIN, type CliResult } from './run-cli.js';

tmp.setGracefulCleanup();

// Mounts a tmpfs of sizeMiB on a fresh temporary folder, runs fn, and always unmounts it.
export async function withTmpfs<T>(sizeMiB: number, fn: (mountpoint: string) => Promise<T>): Promise<T> {
  const dir = tmp.dirSync({ prefix: 'cleanslate-fault-' });
  await execa('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir.name]);
  try {
    return await fn(dir.name);
  } finally {
    await unmount(dir.name);
    dir.removeCallback();
  }
}

// Unmounts a tmpfs, retrying briefly while a just-detached loop device still holds its file.
async function unmount(mountpoint: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const r = await execa('umount', [mountpoint], { reject: false });
    if (r.exitCode === 0) return;
    if (attempt >= 20) throw new Error(`could not unmount ${mountpoint}: ${r.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Fills every free byte of a filesystem with one file (fallocate), so the next allocation fails.
export async function fillFilesystem(mountpoint: string, file: string): Promise<number> {
  const s = statfsSync(mountpoint);
  const free = s.bavail * s.bsize;
  if (free > 0) await execa('fallocate', ['-l', String(free), file]);
  return free;
}

export interface ProgressEvent {
  type: string;
  pass?: number;
  [key: string]: unknown;
}

export interface Stopped {
  /** The event the CLI was stopped after. */
  event: ProgressEvent;
}

// Runs the built CLI with `--progress ndjson`; when `stopAt` matches an event, the CLI is stopped
// (SIGSTOP), `whileStopped` runs, and the CLI continues (SIGCONT). Resolves the result, the events
// seen, and the run's wall-clock time.
export async function runCliStoppingAt(
  args: string[],
  options: {
    env: Record<string, string>;
    stopAt: (event: ProgressEvent) => boolean;
    whileStopped: (event: ProgressEvent) => Promise<void>;
  },
): Promise<CliResult & { events: ProgressEvent[]; stopped: Stopped | null; ms: number }> {
  const started = Date.now();
  const child = execa(process.execPath, [BIN, ...args, '--progress', 'ndjson'], {
    reject: false,
    stdin: 'ignore',
    env: { NO_COLOR: '1', ...options.env },
  });
  const events: ProgressEvent[] = [];
  let stopped: Stopped | null = null;
  let acting: Promise<void> = Promise.resolve();
  let pending = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as ProgressEvent;
      events.push(event);
      if (stopped || !options.stopAt(event) || child.pid === undefined) continue;
      const pid = child.pid;
      process.kill(pid, 'SIGSTOP');
      stopped = { event };
      acting = options.whileStopped(event).finally(() => process.kill(pid, 'SIGCONT'));
    }
  });
  try {
    const result = await child;
    await acting;
    return {
      exitCode: result.exitCode ?? -1,
      stdout: String(result.stdout),
      stderr: String(result.stderr),
      events,
      stopped,
      ms: Date.now() - started,
    };
  } finally {
    // never leave a stopped CLI behind
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
  }
}
