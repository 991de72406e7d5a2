/**
 * core: the use cases (runWipe, listDevices), orchestration only. Effects come in through deps.
 * Must not import cli, commander or ora.
 */
export { runWipe, type WipeReport, type WipeRequest, type Confirmation, type WipeVerification } from './run-wipe.js';
export { defaultWipeDeps, type WipeDeps } from './wipe-deps.js';
export { listDevices } from './list-devices.js';
