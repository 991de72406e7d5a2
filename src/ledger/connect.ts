// One connection to the ledger: a pg Client with a short connect timeout and a query timeout,
// whose every failure is a CleanslateError naming the URL without its password.
import type pg from 'pg';
import { ledgerError } from './pg-errors.js';
import { parseLedgerUrl, type LedgerUrl } from './url.js';

/** A connected ledger. Queries run one at a time on one connection (pg queues them). */
export interface Ledger {
  readonly url: LedgerUrl;
  /** Runs one statement with $n parameters and resolves its rows; `step` names it in errors. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[], step: string): Promise<R[]>;
  /** Runs fn inside BEGIN ... COMMIT (ROLLBACK when it throws). */
  transaction<T>(step: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Give up connecting after this long. @default 2500 */
  connectTimeoutMs?: number;
  /** Give up on one query after this long (client side). @default 60000 */
  queryTimeoutMs?: number;
}

// Connects to the ledger at url (text or parsed); ERR_LEDGER_URL (exit 2) for a bad URL,
// ERR_LEDGER_UNREACHABLE (exit 4) when the server cannot be reached or refuses the login.
export async function connectLedger(url: string | LedgerUrl, options: ConnectOptions = {}): Promise<Ledger> {
  const parsed = typeof url === 'string' ? parseLedgerUrl(url) : url;
  // pg is loaded when a ledger is used, not at every CLI start-up
  const { Client } = (await import('pg')).default;
  const client = new Client({
    connectionString: parsed.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2500,
    query_timeout: options.queryTimeoutMs ?? 60_000,
    application_name: 'cleanslate',
  });
  // an idle connection that the server drops emits 'error'; unhandled it would kill the process
  let broken: Error | undefined;
  client.on('error', (error) => {
    broken = error;
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw ledgerError(error, parsed.redacted, 'ledger connect');
  }
  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[], step: string) => {
    if (broken) throw ledgerError(broken, parsed.redacted, step);
    try {
      return (await client.query<R>(sql, params)).rows;
    } catch (error) {
      throw ledgerError(error, parsed.redacted, step);
    }
  };
  return {
    url: parsed,
    query,
    async transaction(step, fn) {
      await query('BEGIN', [], step);
      try {
        const result = await fn();
        await query('COMMIT', [], step);
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    close: () => client.end().catch(() => undefined),
  };
}

// Connects, runs fn with the ledger, and always closes the connection.
export async function withLedger<T>(
  url: string | LedgerUrl,
  fn: (ledger: Ledger) => Promise<T>,
  options: ConnectOptions = {},
): Promise<T> {
  const ledger = await connectLedger(url, options);
  try {
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}
