// Shared helpers of the scan unit tests: real tools run through execa in a per-file temp dir
// (tests may import execa; src/ may not), and classification of whole image files.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyRegion } from '../../../src/scan/classify.js';
import type { Finding } from '../../../src/scan/kinds.js';

// Tools the real-bytes tests need; missing ones skip their test unless CLEANSLATE_TEST_DISALLOW_SKIP
// includes 'tools' (CI installs them: see scripts/lib/install.sh).
export function hasTool(name: string): boolean {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  const found = dirs.some((dir) => dir !== '' && existsSync(join(dir, name)));
  if (!found && (process.env.CLEANSLATE_TEST_DISALLOW_SKIP ?? '').split(',').includes('tools')) {
    throw new Error(`${name} is required here (CLEANSLATE_TEST_DISALLOW_SKIP=tools)`);
  }
  return found;
}

export interface TempDir {
  path: string;
  file(name: string): string;
  remove(): void;
}

export function makeTempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'cleanslate-scan-'));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function run(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string } = {},
): Promise<string> {
  const result = await execa(command, args, {
    ...options,
    env: { LC_ALL: 'C', PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` },
  });
  return result.stdout;
}

// Every finding in a buffer classified as one region (the whole target).
export function classifyBuffer(buf: Uint8Array, base = 0, targetSize = buf.length): Finding[] {
  return classifyRegion({ buf, base, targetSize }, 0, buf.length);
}

export function classifyFile(path: string): Finding[] {
  return classifyBuffer(readFileSync(path));
}

// `bytes` placed at `offset` of a zero buffer of `size` bytes.
export function placeAt(bytes: Uint8Array, offset: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  buf.set(bytes, offset);
  return buf;
}

export const kindsOf = (findings: Finding[]) => [...new Set(findings.map((f) => f.kind))].sort();
