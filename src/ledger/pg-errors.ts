// Turns what pg throws into CleanslateErrors naming the ledger (password masked) and the step.
import { CleanslateError, type ErrorCode } from '../errors/index.js';
import { LEDGER_SQLSTATES } from './schema.js';

/** SQLSTATEs (or Node error codes) that mean "cannot talk to this ledger at all". */
const UNREACHABLE_SQLSTATES = new Set(['28P01', '28000', '3D000', '57P03', '53300', '08001', '08004', '08006']);
/** SQLSTATEs that mean "the schema is not there": ledger init has not run on this database. */
const MISSING_SCHEMA_SQLSTATES = new Set(['42P01', '3F000', '42883']);

// The SQLSTATE of a pg DatabaseError (five characters), or undefined for other errors.
export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

// True when error (or its cause) is the chain trigger's "predecessor not in the ledger yet".
export function isChainGap(error: unknown): boolean {
  const cause = error instanceof CleanslateError ? error.cause : error;
  return sqlStateOf(cause) === LEDGER_SQLSTATES.chainGap;
}

// Maps an error from pg (or the network) during `step` on the ledger `target` (a redacted URL).
export function ledgerError(error: unknown, target: string, step: string): CleanslateError {
  if (error instanceof CleanslateError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const state = sqlStateOf(error);
  const make = (code: ErrorCode, text: string) => new CleanslateError(code, text, { target, step, cause: error });
  if (state === undefined) return make('ERR_LEDGER_UNREACHABLE', `cannot reach the ledger: ${message}`);
  if (state === LEDGER_SQLSTATES.chainBroken || state === LEDGER_SQLSTATES.chainGap) {
    return make('ERR_LEDGER_CONFLICT', `the ledger refused the entry: ${message}`);
  }
  if (UNREACHABLE_SQLSTATES.has(state)) return make('ERR_LEDGER_UNREACHABLE', `cannot use the ledger: ${message}`);
  if (MISSING_SCHEMA_SQLSTATES.has(state)) {
    return make(
      'ERR_LEDGER_IO',
      `${message}: the ledger is not initialized in this database (run \`cleanslate ledger init --ledger URL\` as its owner)`,
    );
  }
  if (state === '42501') {
    return make('ERR_LEDGER_IO', `${message} (is this database role a member of cleanslate_writer?)`);
  }
  return make('ERR_LEDGER_IO', `${message} (SQLSTATE ${state})`);
}
