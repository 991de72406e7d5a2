// The effects runWipe depends on, wired to the real modules; tests replace any of them.
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readIdentity, readSystemState, resolveTarget } from '../devices/index.js';
import { assertGuards } from '../guards/index.js';
import { openTarget, verifyPass, writePass } from '../io/index.js';
import { encodeSeedFile } from './expectation.js';
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
  /** Stores the run seed and its method (0600) until the run is done; resolves its path. */
  saveSeed: (methodId: string, seed: Uint8Array) => Promise<string>;
  discardSeed: (path: string) => Promise<void>;
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
    saveSeed: async (methodId, seed) => {
      const runs = await ensureStateSubdir(stateDir, 'runs');
      return writeSecretFile(join(runs, `${randomUUID()}.seed`), encodeSeedFile(methodId, seed));
    },
    discardSeed: removeRunFile,
    openProvenance: (options) => openProvenance({ ...options, stateDir }),
  };
}
