/**
 * errors: the one error shape of cleanslate and the one map from error to exit code.
 * Every failure a user can see is a CleanslateError naming the target, the step and (for I/O) the
 * byte offset. Imports nothing but its own table.
 */
import { exitCodeOf, type ExitCode, type ExitCodeName } from './exit-codes.js';

export { EXIT_CODES, exitCodeOf, type ExitCode, type ExitCodeName } from './exit-codes.js';

// Error codes in Node's ERR_* style, each bound to one exit-code class.
export const ERROR_CODES = {
  ERR_USAGE: 'usage',
  ERR_UNKNOWN_METHOD: 'usage',
  ERR_TARGET_NOT_FOUND: 'usage',
  ERR_TARGET_NOT_DEVICE: 'usage',
  ERR_TARGET_EMPTY: 'usage',
  ERR_TARGET_CHANGED: 'usage',
  ERR_TARGET_OPEN: 'usage',
  /** A file given as a certificate is unreadable or not a DSSE envelope of a cleanslate Statement. */
  ERR_CERT_MALFORMED: 'usage',
  /** A private key file readable by group or others (fix: chmod 600). */
  ERR_KEY_PERMISSIONS: 'usage',
  /** A key file that is missing, a symlink, not PEM, or not Ed25519. */
  ERR_KEY_INVALID: 'usage',
  /** `keys generate` would overwrite an existing key file. */
  ERR_KEY_EXISTS: 'usage',
  /** `cert verify` has no key to trust: no --pubkey, no --trust and no host key. */
  ERR_KEY_NONE_TRUSTED: 'usage',
  /** A certificate signature that does not verify with the key it names. */
  ERR_SIGNATURE_INVALID: 'signature',
  /** A certificate signed by a key that is not trusted. */
  ERR_KEY_UNTRUSTED: 'signature',
  /** A validly signed certificate whose content is not acceptable (type, version, subject, result). */
  ERR_CERT_PAYLOAD: 'signature',
  ERR_GUARD_MOUNTED: 'refused',
  ERR_GUARD_SWAP: 'refused',
  ERR_GUARD_HOLDERS: 'refused',
  ERR_GUARD_SYSTEM_DISK: 'refused',
  ERR_GUARD_READ_ONLY: 'refused',
  ERR_GUARD_LOOP_BACKING: 'refused',
  ERR_GUARD_BUSY: 'refused',
  ERR_GUARD_UNCONFIRMED: 'refused',
  ERR_GUARD_UNDECIDABLE: 'refused',
  ERR_VERIFY_MISMATCH: 'not-clean',
  ERR_IO: 'io',
  ERR_INTERRUPTED: 'interrupted',
  /** An audit log line that is edited, deleted, moved, inserted or signed by an untrusted key. */
  ERR_AUDIT_TAMPERED: 'signature',
  /** An audit log line that is not a well-formed entry (a tampered or truncated log). */
  ERR_AUDIT_MALFORMED: 'signature',
  /** An audit log file that cannot be read (missing, a directory, no permission). */
  ERR_AUDIT_UNREADABLE: 'usage',
  /** Appending to the audit log failed (open, lock, write, fsync). */
  ERR_AUDIT_IO: 'io',
  /** The state directory ($CLEANSLATE_HOME) or a key directory cannot be created or written (a file, read-only, no permission). */
  ERR_STATE_DIR: 'usage',
  /** `wipe --resume` found no interrupted run of this device, or one of another device, size, method or seed. */
  ERR_RESUME_MISMATCH: 'usage',
  /** The requested crypto-erase backend cannot act on this device (wrong kind, missing tool, frozen, not supported). */
  ERR_ERASE_UNSUPPORTED: 'unsupported',
  /** The device reported that its erase (sanitize, format, security erase) failed. */
  ERR_ERASE_FAILED: 'io',
  /** The device did not report completion of its erase in time. */
  ERR_ERASE_TIMEOUT: 'io',
  /** A --ledger / CLEANSLATE_LEDGER value that is not a postgres:// or postgresql:// URL. */
  ERR_LEDGER_URL: 'usage',
  /** The ledger cannot be reached: refused, timed out, authentication failed, no such database. */
  ERR_LEDGER_UNREACHABLE: 'io',
  /** A ledger query failed: schema missing (run `ledger init`), permission denied, connection lost. */
  ERR_LEDGER_IO: 'io',
  /** The ledger holds a different record under the same key (host key + seq, certificate id), or an entry does not chain. */
  ERR_LEDGER_CONFLICT: 'signature',
  /** `gate --ledger`: the ledger holds no PASS certificate for this device (the gate stays closed). */
  ERR_LEDGER_NO_CERTIFICATE: 'not-clean',
  ERR_INTERNAL: 'io',
} as const satisfies Record<string, ExitCodeName>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface CleanslateErrorOptions {
  /** The target as the user named it, when there is one. */
  target?: string | undefined;
  /** The step that failed: open, guard:<id>, pass 2/3, verify, ... */
  step?: string | undefined;
  /** Byte offset of an I/O failure. */
  offset?: number | undefined;
  /** Byte ranges that could not be written even after retries (--on-error retry:N). */
  badRanges?: { offset: number; length: number }[] | undefined;
  cause?: unknown;
}

// The single error class: code, exit code, target, step and offset; message is human-readable.
export class CleanslateError extends Error {
  readonly code: ErrorCode;
  readonly target: string | undefined;
  readonly step: string | undefined;
  readonly offset: number | undefined;
  readonly badRanges: { offset: number; length: number }[] | undefined;

  constructor(code: ErrorCode, message: string, options: CleanslateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CleanslateError';
    this.code = code;
    this.target = options.target;
    this.step = options.step;
    this.offset = options.offset;
    this.badRanges = options.badRanges;
  }

  get exitCode(): ExitCode {
    return exitCodeOf(ERROR_CODES[this.code]);
  }

  // The message with target, step and offset in front, as printed to the user.
  describe(): string {
    const where = [
      this.target && `${this.target}`,
      this.step && `${this.step}`,
      this.offset !== undefined && `offset ${this.offset} (0x${this.offset.toString(16)})`,
    ]
      .filter(Boolean)
      .join(': ');
    return where ? `${where}: ${this.message}` : this.message;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      exitCode: this.exitCode,
      message: this.message,
      target: this.target ?? null,
      step: this.step ?? null,
      offset: this.offset ?? null,
      ...(this.badRanges ? { badRanges: this.badRanges } : {}),
    };
  }
}

// Maps anything thrown to the exit code of DESIGN §2; unknown errors are I/O-class failures (4).
export function exitCodeForError(error: unknown): ExitCode {
  if (error instanceof CleanslateError) return error.exitCode;
  return exitCodeOf('io');
}

// True when err is a Node system error with the given errno code (ENOENT, EBUSY, ...).
export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
