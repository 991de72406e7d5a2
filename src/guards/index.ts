/**
 * guards: the safety checks that must all pass before the first write (DESIGN §3). GUARDS is one
 * table (id, description, refusal code, inputs, check) that the runner, `--help` and the README read.
 * Guards decide from a DeviceIdentity and a SystemState read beforehand; they do no I/O of their own,
 * and a guard whose input could not be read refuses (ERR_GUARD_UNDECIDABLE), it never passes.
 * The exclusive-open check is listed here but enforced by the io engine when it opens the target.
 * May import: devices, errors, types. Must not import: exec, io (writes), erase, core, cli.
 */
export { GUARDS, confirmationAnswer, confirmationQuestion, type GuardId } from './table.js';
export { runGuards, evaluateGuards, assertGuards, checkGuard, firstRefusal } from './run-guards.js';
export type { Guard, GuardContext, GuardOutcome, GuardResult, Confirmation } from './guard.js';
