// The effects runWipe depends on, wired to the real modules; tests replace any of them.
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readIdentity, readSystemState, resolveTarget } from '../devices/index.js';
import { ERASE_BACKENDS, type EraseBackend } from '../erase/index.js';
import { assertGuards } from '../guards/index.js';
import { openTarget, verifyPass, writePass } from '../io/index.js';
import { encodeSeedFile, readSeedFile } from './expectation.js';
import {
  discardInterruptedRuns,
  findResumableRun,
  resumeJournal,
  startJournal,
  type JournalStart,
  type WipeJournal,
} from './wipe-journal.js';
import type { Checkpoint } from '../state/index.js';
import type { DeviceIdentity } from '../types.js';
import { openProvenance, type Provenance, type ProvenanceOptions } from './provenance.js';
import { ensureStateSubdir, removeRunFile, resolveStateDir, writeSecretFile } from '../state/index.js';

export interface WipeDeps {
  now: () => Date;
  randomBytes: (n: number) => Uint8Array;
  resolveTarget: typeof resolveTarget;
  readIdentity: typeof readIdentity;
  readSystemState: typeof readSystemState;
  assertGuards: typeof assertGuards;
  openTarget: typeof openTarget;
  writePass: typeof writePass;
  verifyPass: typeof verifyPass;
  /** The crypto-erase backends (`--crypto-erase`), strongest chosen by auto. */
  eraseBackends: readonly EraseBackend[];
  /** Stores the run seed and its method (0600) until the run is done; resolves its path. */
  saveSeed: (methodId: string, seed: Uint8Array) => Promise<string>;
  discardSeed: (path: string) => Promise<void>;
  /** The resume journal (runs/<runId>.checkpoint.json) of a fresh or a resumed run. */
  startJournal: (start: Omit<JournalStart, 'now'>) => Promise<WipeJournal>;
  resumeJournal: (found: Checkpoint) => Promise<WipeJournal>;
  /** The checkpoint --resume continues; refuses another device, size or method. */
  findResumableRun: (target: string, identity: DeviceIdentity, methodId: string | null) => Promise<Checkpoint>;
  /** Drops earlier interrupted runs of a device that a fresh wipe replaces. */
  discardInterruptedRuns: (identity: DeviceIdentity) => Promise<Checkpoint[]>;
  /** The seed of an interrupted run, from its seed file. */
  readRunSeed: (found: Checkpoint) => Promise<Uint8Array>;
  /** Host key, audit log and certificate signer of the state directory. */
  openProvenance: (options: Omit<ProvenanceOptions, 'stateDir'>) => Promise<Provenance>;
}

// The production wiring: real devices, guards, engine and state directory.
export function defaultWipeDeps(stateDir: string = resolveStateDir()): WipeDeps {
  return {
    now: () => new Date(),
    randomBytes: (n) => randomBytes(n),
    resolveTarget,
    readIdentity,
    readSystemState,
    assertGuards,
    openTarget,
    writePass,
    verifyPass,
    eraseBackends: ERASE_BACKENDS,
    saveSeed: async (methodId, seed) => {
      const runs = await ensureStateSubdir(stateDir, 'runs');
      return writeSecretFile(join(runs, `${randomUUID()}.seed`), encodeSeedFile(methodId, seed));
    },
    discardSeed: removeRunFile,
    startJournal: (start) => startJournal(stateDir, { ...start, now: () => new Date() }),
    resumeJournal: (found) => resumeJournal(stateDir, found, () => new Date()),
    findResumableRun: (target, identity, methodId) => findResumableRun(stateDir, target, identity, methodId),
    discardInterruptedRuns: (identity) => discardInterruptedRuns(stateDir, identity),
    readRunSeed: async (found) => Buffer.from((await readSeedFile(found.seedFile, 'resume')).seed, 'hex'),
    openProvenance: (options) => openProvenance({ ...options, stateDir }),
  };
}
