// What every command gets from main: the abort signal, the exit-code slot and the error printer.
import type { ExitCode } from '../errors/index.js';

export interface CommandContext {
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  setExitCode(code: ExitCode): void;
  /** Prints an error the way main does (stderr, "cleanslate: target: step: message"). */
  printError(error: Error): void;
}
