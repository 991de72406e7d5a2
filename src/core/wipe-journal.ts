// The resume journal of one wipe (issue 6): keeps `runs/<runId>.checkpoint.json` up to date as the
// passes advance, records clean stops, finds an interrupted run of a device for `--resume`, and
// refuses a resume against another device, size or method.
import { randomUUID } from 'node:crypto';
import { CleanslateError } from '../errors/index.js';
import { basename, dirname } from 'node:path';
import type { EraseOutcome } from '../erase/index.js';
import type { DeviceIdentity, PassResult, VerifyResult, WipePlan } from '../types.js';
import {
  ensureStateSubdir,
  listCheckpoints,
  removeCheckpoint,
  removeRunFile,
  saveCheckpoint,
  type Checkpoint,
  type CheckpointInterruption,
} from '../state/index.js';

/** Bytes of a pass between two durable checkpoints (sync + atomic write): 256 MiB. */
export const CHECKPOINT_EVERY_BYTES = 256 * 1024 * 1024;

export interface WipeJournal {
  readonly checkpoint: Checkpoint;
  /** The checkpoint hook of writePass for pass `index` (saves pass and bytes done). */
  passHook(index: number): { everyBytes: number; save(bytesDone: number): Promise<void> };
  /** A pass completed (and was synced): the next one starts at 0. */
  passDone(result: PassResult): Promise<void>;
  /** A completed pass was read back (verify all). */
  verifyDone(result: VerifyResult): Promise<void>;
  /** A crypto-erase completed before the passes: not repeated on resume. */
  eraseDone(outcome: EraseOutcome): Promise<void>;
  /** The run stopped cleanly (interrupted or failed with an I/O error): resumable. */
  stopped(reason: string): Promise<void>;
  /** The run ended (certified or finally failed): no resume. */
  finish(): Promise<void>;
}

export interface JournalStart {
  target: string;
  identity: DeviceIdentity;
  sizeBytes: number;
  plan: WipePlan;
  seedFile: string;
  scan: 'full' | 'sample' | 'none';
  now: () => Date;
}

// Starts the journal of a fresh run (pass 1 at 0).
export async function startJournal(stateDir: string, start: JournalStart): Promise<WipeJournal> {
  const at = start.now().toISOString();
  const checkpoint: Checkpoint = {
    version: 1,
    runId: randomUUID(),
    target: start.target,
    realPath: start.identity.realPath,
    deviceId: start.identity.id,
    sizeBytes: start.sizeBytes,
    methodId: start.plan.methodId,
    seedCommitment: start.plan.seedCommitment,
    seedFile: start.seedFile,
    verify: start.plan.verify,
    scan: start.scan,
    passes: start.plan.passes.length,
    pass: 1,
    passOffset: 0,
    completedPasses: [],
    verified: [],
    erase: null,
    startedAt: at,
    updatedAt: at,
    running: true,
    interruptions: [],
  };
  const runs = await ensureStateSubdir(stateDir, 'runs');
  await saveCheckpoint(runs, checkpoint);
  return journalOf(runs, checkpoint, start.now);
}

// Continues the journal of an interrupted run; a run that did not stop cleanly is recorded as a crash.
export async function resumeJournal(stateDir: string, found: Checkpoint, now: () => Date): Promise<WipeJournal> {
  const runs = await ensureStateSubdir(stateDir, 'runs');
  const checkpoint: Checkpoint = { ...found, interruptions: [...found.interruptions] };
  if (found.running) {
    checkpoint.interruptions.push({
      at: now().toISOString(),
      pass: found.pass,
      offset: found.passOffset,
      reason: 'crash',
    });
  }
  checkpoint.running = true;
  checkpoint.updatedAt = now().toISOString();
  await saveCheckpoint(runs, checkpoint);
  return journalOf(runs, checkpoint, now);
}

function journalOf(runs: string, checkpoint: Checkpoint, now: () => Date): WipeJournal {
  const save = async (): Promise<void> => {
    checkpoint.updatedAt = now().toISOString();
    await saveCheckpoint(runs, checkpoint);
  };
  return {
    checkpoint,
    passHook: (index) => ({
      everyBytes: CHECKPOINT_EVERY_BYTES,
      save: async (bytesDone) => {
        checkpoint.pass = index;
        checkpoint.passOffset = bytesDone;
        await save();
      },
    }),
    passDone: async (result) => {
      checkpoint.completedPasses.push({ ...result });
      checkpoint.pass = result.index + 1;
      checkpoint.passOffset = 0;
      await save();
    },
    verifyDone: async (result) => {
      checkpoint.verified.push({ ...result });
      await save();
    },
    eraseDone: async (outcome) => {
      checkpoint.erase = { ...outcome };
      await save();
    },
    stopped: async (reason) => {
      const interruption: CheckpointInterruption = {
        at: now().toISOString(),
        pass: checkpoint.pass,
        offset: checkpoint.passOffset,
        reason,
      };
      checkpoint.interruptions.push(interruption);
      checkpoint.running = false;
      await save();
    },
    finish: async () => {
      await removeCheckpoint(runs, checkpoint.runId);
    },
  };
}

// The checkpoint of an interrupted wipe of this device for --resume; refuses another device, size or
// method (exit 2) and says so when there is none.
export async function findResumableRun(
  stateDir: string,
  target: string,
  identity: DeviceIdentity,
  methodId: string | null,
): Promise<Checkpoint> {
  const runs = await ensureStateSubdir(stateDir, 'runs');
  const { checkpoints } = await listCheckpoints(runs);
  const mine = checkpoints.filter((c) => c.deviceId === identity.id);
  const samePath = checkpoints.filter((c) => c.deviceId !== identity.id && c.realPath === identity.realPath);
  if (mine.length === 0) {
    const other = samePath.at(-1);
    throw new CleanslateError(
      'ERR_RESUME_MISMATCH',
      other
        ? `the interrupted wipe of ${identity.realPath} (run ${other.runId}) was of device ${other.deviceId}, ${other.sizeBytes} bytes; ` +
            `this is device ${identity.id}, ${identity.sizeBytes} bytes: not resumed`
        : `no interrupted wipe of this device to resume (no checkpoint in ${runs})`,
      { target, step: 'resume' },
    );
  }
  const latest = mine.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)).at(-1)!;
  if (!isRunFile(runs, latest.seedFile)) {
    throw new CleanslateError('ERR_RESUME_MISMATCH', `the checkpoint names a seed file outside ${runs}: not resumed`, {
      target,
      step: 'resume',
    });
  }
  if (latest.sizeBytes !== identity.sizeBytes) {
    throw new CleanslateError(
      'ERR_RESUME_MISMATCH',
      `the interrupted wipe was of ${latest.sizeBytes} bytes; the device now has ${identity.sizeBytes}: not resumed`,
      { target, step: 'resume' },
    );
  }
  if (methodId !== null && methodId !== latest.methodId) {
    throw new CleanslateError(
      'ERR_RESUME_MISMATCH',
      `the interrupted wipe used --method ${latest.methodId}, not ${methodId}: not resumed (omit --method to continue it)`,
      { target, step: 'resume' },
    );
  }
  return latest;
}

// Drops the checkpoints (and seed files) of earlier interrupted wipes of a device a fresh wipe replaces.
export async function discardInterruptedRuns(stateDir: string, identity: DeviceIdentity): Promise<Checkpoint[]> {
  const runs = await ensureStateSubdir(stateDir, 'runs');
  const { checkpoints } = await listCheckpoints(runs);
  const stale = checkpoints.filter((c) => c.deviceId === identity.id);
  for (const c of stale) {
    await removeCheckpoint(runs, c.runId);
    // Only a seed file of ours: a checkpoint naming another path never gets it deleted.
    if (isRunFile(runs, c.seedFile)) await removeRunFile(c.seedFile);
  }
  return stale;
}

// A `<runs>/<name>.seed` path (not a path elsewhere that a doctored checkpoint could name).
function isRunFile(runs: string, path: string): boolean {
  return dirname(path) === runs && /^[0-9a-f-]{36}\.seed$/.test(basename(path));
}
