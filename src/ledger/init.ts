// `ledger init`: runs the schema statements in one transaction under an advisory lock, so two
// hosts initialising the same database at once do not race on CREATE ... IF NOT EXISTS.
import type { Ledger } from './connect.js';
import { LEDGER_ROLES, LEDGER_SCHEMA, LEDGER_SCHEMA_VERSION, LEDGER_TABLES, SCHEMA_STATEMENTS } from './schema.js';

export interface LedgerInitReport {
  ledger: string;
  schema: string;
  schemaVersion: number;
  tables: string[];
  roles: string[];
  /** Ids of the statements run (all of them, every time: each is idempotent). */
  statements: string[];
}

const INIT_LOCK = "hashtextextended('cleanslate ledger init', 0)";

// Creates (or confirms) the schema, tables, roles, triggers and grants of the ledger.
export async function initLedger(ledger: Ledger): Promise<LedgerInitReport> {
  await ledger.transaction('ledger init', async () => {
    await ledger.query(`SELECT pg_advisory_xact_lock(${INIT_LOCK})`, [], 'ledger init: lock');
    for (const statement of SCHEMA_STATEMENTS) {
      await ledger.query(statement.sql, [], `ledger init: ${statement.id}`);
    }
  });
  return {
    ledger: ledger.url.redacted,
    schema: LEDGER_SCHEMA,
    schemaVersion: LEDGER_SCHEMA_VERSION,
    tables: LEDGER_TABLES.map((t) => `${LEDGER_SCHEMA}.${t}`),
    roles: LEDGER_ROLES.map((r) => r.name),
    statements: SCHEMA_STATEMENTS.map((s) => s.id),
  };
}
