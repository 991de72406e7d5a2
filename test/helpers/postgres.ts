// A fresh database per test file on the server scripts/test.sh started (CLEANSLATE_TEST_PG_URL,
// superuser), plus login roles that are members of the ledger's group roles.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresUrl } from './gates.js';

export interface TestDatabase {
  /** Superuser URL of the new database. */
  url: string;
  name: string;
  /** Runs SQL as the superuser in this database. */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<R[]>;
  /** Creates a login role (a member of `group`) and resolves its URL for this database. */
  loginRole(group: 'cleanslate_writer' | 'cleanslate_reader'): Promise<string>;
  /** Drops the database (forcing other sessions out) and the roles made by loginRole. */
  drop(): Promise<void>;
}

// The same URL with another database or user/password.
export function withUrl(url: string, changes: { database?: string; user?: string; password?: string }): string {
  const u = new URL(url);
  if (changes.database !== undefined) u.pathname = `/${changes.database}`;
  if (changes.user !== undefined) u.username = changes.user;
  if (changes.password !== undefined) u.password = changes.password;
  return u.toString();
}

// Runs one statement on a fresh connection to url.
export async function runSql<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

// Creates cleanslate_test_<random> on the test server.
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!postgresUrl) throw new Error('CLEANSLATE_TEST_PG_URL is not set');
  const admin = postgresUrl;
  const name = `cleanslate_test_${randomBytes(6).toString('hex')}`;
  await runSql(admin, `CREATE DATABASE ${name}`);
  const url = withUrl(admin, { database: name });
  const roles: string[] = [];
  return {
    url,
    name,
    sql: (text, params = []) => runSql(url, text, params),
    async loginRole(group) {
      const role = `cs_test_${randomBytes(5).toString('hex')}`;
      const password = randomBytes(12).toString('hex');
      await runSql(admin, `CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE ${group}`);
      roles.push(role);
      return withUrl(url, { user: role, password });
    },
    async drop() {
      await runSql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      for (const role of roles) await runSql(admin, `DROP ROLE IF EXISTS ${role}`);
    },
  };
}
