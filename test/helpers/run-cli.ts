// Runs the BUILT CLI (bin/cleanslate.js → dist/) like a user, never throwing on a non-zero exit.
import { execa, type Options } from 'execa';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/cleanslate.js', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// Runs `node bin/cleanslate.js ...args` with a private state directory unless env overrides it.
export async function runCli(args: string[], options: Options & { stateDir?: string } = {}): Promise<CliResult> {
  const { stateDir, ...rest } = options;
  const result = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    stdin: 'ignore',
    ...rest,
    env: { NO_COLOR: '1', ...(stateDir ? { CLEANSLATE_HOME: stateDir } : {}), ...(rest.env ?? {}) },
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

// SHA-256 of a file or device's first `length` bytes (whole file when omitted).
export async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

// stderr without the one-time notice that the host signing key was created (first run in a state dir).
export function withoutKeyNotice(stderr: string): string {
  return stderr.replace(/^cleanslate: .*created the host signing key.*(\n|$)/m, '');
}
