// The schema is data: every statement idempotent, every table append-only, roles only as needed.
import { describe, expect, test } from 'vitest';
import { LEDGER_ROLES, LEDGER_TABLES, SCHEMA_STATEMENTS } from '../../../src/ledger/index.js';

const sql = SCHEMA_STATEMENTS.map((s) => s.sql).join(';\n');

describe('ledger schema statements', () => {
  test('ids are unique and kebab-case', () => {
    const ids = SCHEMA_STATEMENTS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9_]+)*$/);
  });

  test('every CREATE is idempotent (IF NOT EXISTS, OR REPLACE, or guarded by a catalog check)', () => {
    for (const statement of SCHEMA_STATEMENTS) {
      for (const match of statement.sql.matchAll(/CREATE (\w+(?: \w+)?)/g)) {
        const what = match[1]!;
        const guarded =
          /^CREATE (OR REPLACE |(SCHEMA|TABLE|INDEX) IF NOT EXISTS )/.test(statement.sql.slice(match.index!)) ||
          /IF NOT EXISTS \(SELECT 1 FROM pg_catalog/.test(statement.sql);
        expect(guarded, `${statement.id}: CREATE ${what}`).toBe(true);
      }
    }
  });

  test.for(LEDGER_TABLES)('%s rejects UPDATE/DELETE (row trigger) and TRUNCATE (statement trigger)', (table) => {
    expect(sql).toContain(
      `BEFORE UPDATE OR DELETE ON cleanslate.${table} FOR EACH ROW EXECUTE FUNCTION cleanslate.reject_change()`,
    );
    expect(sql).toContain(
      `BEFORE TRUNCATE ON cleanslate.${table} FOR EACH STATEMENT EXECUTE FUNCTION cleanslate.reject_change()`,
    );
  });

  test('roles are NOLOGIN groups: the writer gets SELECT + INSERT, the reader SELECT, nobody more', () => {
    expect(LEDGER_ROLES.map((r) => [r.name, r.privileges])).toEqual([
      ['cleanslate_writer', ['SELECT', 'INSERT']],
      ['cleanslate_reader', ['SELECT']],
    ]);
    expect(sql).toMatch(/CREATE ROLE cleanslate_writer NOLOGIN/);
    expect(sql).not.toMatch(/GRANT [^;]*(UPDATE|DELETE|TRUNCATE)/);
  });

  test('the chain check locks the host key and starts at the genesis hash', () => {
    const chain = SCHEMA_STATEMENTS.find((s) => s.id === 'function-check-audit-chain')!.sql;
    expect(chain).toContain('pg_advisory_xact_lock');
    expect(chain).toContain(`previous := '${'0'.repeat(64)}'`);
  });
});
