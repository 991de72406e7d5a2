/**
 * exec: the only importer of execa. Child processes run from argv arrays, never a shell string.
 * Must not import anything of cleanslate but errors.
 */
import { execa } from 'execa';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** Abort the child (SIGTERM) when this signal fires. */
  signal?: AbortSignal;
  /** Kill the child after this many milliseconds. @default 30000 */
  timeoutMs?: number;
  input?: string;
}

// Runs a program with an argv array and returns its output; never throws on a non-zero exit.
export async function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await execa(file, args, {
    reject: false,
    stripFinalNewline: true,
    timeout: options.timeoutMs ?? 30_000,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    env: { LC_ALL: 'C' },
  });
  if (result.failed && result.exitCode === undefined) {
    throw new Error(`${file}: ${result.shortMessage}`, { cause: result });
  }
  return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode: result.exitCode ?? -1 };
}

// Runs a program and returns stdout, throwing with its stderr when it exits non-zero.
export async function runChecked(file: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await runCommand(file, args, options);
  if (result.exitCode !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.exitCode}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}
