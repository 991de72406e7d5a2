// The shape of a safety guard and of what it decides; the table itself is in table.ts.
import type { SystemState } from '../devices/index.js';
import type { ErrorCode } from '../errors/index.js';
import type { DeviceIdentity, TargetKind } from '../types.js';

/** How the user agreed to the wipe. */
export interface Confirmation {
  /** --yes was given. */
  yes: boolean;
  /** A terminal is attached on which the user can type the confirmation. */
  interactive: boolean;
  /** Asks the user a question on the terminal and resolves the answer. */
  prompt?: (question: string) => Promise<string>;
}

export interface GuardContext {
  /** Everything the guards read about the system, from devices.readSystemState(). */
  system: SystemState;
  /** Absent for listings (`cleanslate devices`): the confirmed guard then refuses. */
  confirmation?: Confirmation;
}

export type GuardOutcome = { verdict: 'pass'; note?: string } | { verdict: 'refuse'; code: ErrorCode; reason: string };

export interface GuardResult {
  id: string;
  outcome: GuardOutcome;
}

/**
 * One safety guard. check() MUST NOT write anything and MUST NOT pass when it cannot tell: a
 * guard whose input is unreadable refuses with ERR_GUARD_UNDECIDABLE (the runner enforces this for
 * the declared `inputs`, and turns anything check() throws into that refusal as well).
 */
export interface Guard {
  /** Stable kebab-case id: appears in step names (guard:<id>), JSON and docs. */
  readonly id: string;
  /** One line for --help and the README. */
  readonly describe: string;
  /** The code it refuses with (besides ERR_GUARD_UNDECIDABLE). */
  readonly code: ErrorCode;
  /**
   * 'guards': check() decides before anything is opened for writing.
   * 'engine': the I/O engine enforces it when it opens the target (O_EXCL); check() only notes that.
   */
  readonly enforcedBy: 'guards' | 'engine';
  /** The SystemState inputs it needs, per target kind; any of them unreadable → refuse. */
  readonly inputs: Readonly<Record<TargetKind, readonly (keyof SystemState)[]>>;
  check(identity: DeviceIdentity, ctx: GuardContext): GuardOutcome | Promise<GuardOutcome>;
}
