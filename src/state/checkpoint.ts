// Resume checkpoints of DESIGN §9 (`runs/<runId>.checkpoint.json`): where an interrupted wipe got
// to, bound to the device identity, size, method and seed. Written atomically (temporary file,
// fsync, rename, fsync of the directory) so a crash leaves the old checkpoint or the new one,
// never a torn file. No secret is stored here: the seed stays in its own 0600 seed file.
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PassResult, VerifyResult } from '../types.js';

export const CHECKPOINT_SUFFIX = '.checkpoint.json';
/** A checkpoint file larger than this is not one of ours: refused unread. */
const MAX_CHECKPOINT_BYTES = 1024 * 1024;

/** A pass that completed before the interruption, as the report and certificate show it. */
export type CheckpointPass = PassResult;

/** A pass read back after it was written (verify all). */
export type CheckpointVerify = VerifyResult;

/** One stop of the run: a clean stop (SIGINT/SIGTERM, I/O error) or, found on resume, a crash. */
export interface CheckpointInterruption {
  /** When it was recorded (the stop, or the resume that found a crash). */
  at: string;
  /** The pass that was running (1-based), or passes + 1 during verification and scan. */
  pass: number;
  /** Bytes of that pass known to be on the device (synced) when it stopped. */
  offset: number;
  /** "SIGINT", "SIGTERM", "I/O error", or "crash" (the process ended without a clean stop). */
  reason: string;
}

export interface Checkpoint {
  version: 1;
  runId: string;
  /** The target as named, its resolved path, device id and size: a resume must match all of the last three. */
  target: string;
  realPath: string;
  deviceId: string;
  sizeBytes: number;
  methodId: string;
  /** SHA-256 of the run seed; the seed itself is in seedFile (0600). */
  seedCommitment: string;
  seedFile: string;
  verify: 'last' | 'all' | 'none';
  scan: 'full' | 'sample' | 'none';
  /** Number of passes of the plan. */
  passes: number;
  /** The pass to continue (1-based); passes + 1 once every pass is written (verification and scan remain). */
  pass: number;
  /** Bytes of `pass` written and synced (a multiple of the chunk size, or the size). */
  passOffset: number;
  completedPasses: CheckpointPass[];
  /** Read-backs of completed passes (verify all). */
  verified: CheckpointVerify[];
  /** A crypto-erase that completed before the passes (not repeated on resume): its outcome as the report shows it. */
  erase: Record<string, unknown> | null;
  startedAt: string;
  updatedAt: string;
  /** True while a process is running the wipe; a resume that finds it true knows the process died. */
  running: boolean;
  interruptions: CheckpointInterruption[];
}

// The path of a run's checkpoint in <state>/runs.
export function checkpointPath(runsDir: string, runId: string): string {
  return join(runsDir, `${runId}${CHECKPOINT_SUFFIX}`);
}

// Writes the checkpoint atomically and durably (0600).
export async function saveCheckpoint(runsDir: string, checkpoint: Checkpoint): Promise<void> {
  const path = checkpointPath(runsDir, checkpoint.runId);
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(`${JSON.stringify(checkpoint, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  const dir = await open(runsDir, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export async function removeCheckpoint(runsDir: string, runId: string): Promise<void> {
  await rm(checkpointPath(runsDir, runId), { force: true });
}

/** A checkpoint file that could not be used, and why. */
export interface UnreadableCheckpoint {
  path: string;
  problem: string;
}

// Every checkpoint in runsDir (none when the directory does not exist), and the files that are not valid ones.
export async function listCheckpoints(
  runsDir: string,
): Promise<{ checkpoints: Checkpoint[]; unreadable: UnreadableCheckpoint[] }> {
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], unreadable: [] };
    throw err;
  }
  const checkpoints: Checkpoint[] = [];
  const unreadable: UnreadableCheckpoint[] = [];
  for (const name of names.filter((n) => n.endsWith(CHECKPOINT_SUFFIX)).sort()) {
    const path = join(runsDir, name);
    try {
      const text = await readFile(path, 'utf8');
      if (text.length > MAX_CHECKPOINT_BYTES) throw new Error('too large');
      const parsed: unknown = JSON.parse(text);
      const problem = checkpointProblem(parsed);
      if (problem) unreadable.push({ path, problem });
      else checkpoints.push(parsed as Checkpoint);
    } catch (err) {
      unreadable.push({ path, problem: err instanceof Error ? err.message : String(err) });
    }
  }
  return { checkpoints, unreadable };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 4096;

// The first thing wrong with a parsed checkpoint, or null.
export function checkpointProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const c = value as Record<string, unknown>;
  if (c.version !== 1) return 'unknown version';
  for (const key of ['runId', 'target', 'realPath', 'deviceId', 'methodId', 'seedCommitment', 'seedFile', 'startedAt'])
    if (!isText(c[key])) return `${key} is missing`;
  for (const key of ['sizeBytes', 'passes', 'pass', 'passOffset'])
    if (!isInt(c[key])) return `${key} is not an integer`;
  if (!/^[0-9a-f]{64}$/.test(c.seedCommitment as string)) return 'seedCommitment is not a SHA-256';
  if (!/^[0-9a-f-]{36}$/.test(c.runId as string)) return 'runId is not a UUID';
  if (!['last', 'all', 'none'].includes(c.verify as string)) return 'verify is not last|all|none';
  if (!['full', 'sample', 'none'].includes(c.scan as string)) return 'scan is not full|sample|none';
  const passes = c.passes as number;
  if ((c.pass as number) < 1 || (c.pass as number) > passes + 1) return 'pass is out of range';
  if ((c.passOffset as number) > (c.sizeBytes as number)) return 'passOffset is beyond the size';
  if (!Array.isArray(c.completedPasses) || c.completedPasses.length !== (c.pass as number) - 1)
    return 'completedPasses does not match pass';
  if (!Array.isArray(c.interruptions)) return 'interruptions is not a list';
  if (!Array.isArray(c.verified)) return 'verified is not a list';
  if (typeof c.running !== 'boolean') return 'running is not a boolean';
  return null;
}
