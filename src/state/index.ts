/**
 * state: the state directory of DESIGN §9 (keys/, audit.log, runs/, certs/). Files only through
 * node:fs; must not import io, devices, exec or cli.
 */
export { resolveStateDir, ensureStateSubdir, writeSecretFile, removeRunFile } from './state-dir.js';
export {
  checkpointPath,
  checkpointProblem,
  listCheckpoints,
  removeCheckpoint,
  saveCheckpoint,
  type Checkpoint,
  type CheckpointInterruption,
  type CheckpointPass,
  type CheckpointVerify,
  type UnreadableCheckpoint,
} from './checkpoint.js';
