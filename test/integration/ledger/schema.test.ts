// ledger init against a real PostgreSQL: idempotent, append-only for the writer role, and the
// chain trigger refuses an entry whose prevHash does not follow its host's previous entry.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { computeEntryHash, signEntryHash, type AuditEntry } from '../../../src/audit/index.js';
import { connectLedger, initLedger, insertEntry, registerKey, withLedger } from '../../../src/ledger/index.js';
import { describePostgres } from '../../helpers/gates.js';
import { makeTestKey } from '../../helpers/audit-log.js';
import { createTestDatabase, runSql, type TestDatabase } from '../../helpers/postgres.js';

let db: TestDatabase;
let writerUrl: string;
const key = makeTestKey();

// An entry of key's chain at seq with the given prevHash, hashed and signed.
function entryAt(seq: number, prevHash: string): AuditEntry {
  const body = {
    seq,
    ts: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
    type: 'wipe.started',
    target: '/dev/loop7',
    deviceId: 'sha256:abc',
    volumeId: 'vol-1',
    tenantId: null,
    operator: null,
    result: 'started',
    details: { method: 'zero' },
    keyId: key.signer.keyId,
    prevHash,
  };
  const hash = computeEntryHash(body);
  return { ...body, hash, sig: signEntryHash(hash, key.signer) };
}

describePostgres('ledger schema on PostgreSQL', () => {
  const entries: AuditEntry[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    await withLedger(db.url, initLedger); // the group roles exist from here on
    writerUrl = await db.loginRole('cleanslate_writer');
  });
  afterAll(async () => db?.drop());

  test('init runs twice (idempotent) and creates tables, roles and triggers', async () => {
    const first = await withLedger(db.url, initLedger);
    const second = await withLedger(db.url, initLedger);
    expect(second).toEqual(first);
    const tables = await db.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'cleanslate' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(['audit_entries', 'certificates', 'keys']);
    const triggers = await db.sql<{ n: string }>(
      `SELECT count(*) AS n FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'cleanslate' AND NOT t.tgisinternal`,
    );
    expect(Number(triggers[0]?.n)).toBe(7);
    const roles = await db.sql(
      `SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'cleanslate_%' ORDER BY 1`,
    );
    expect(roles).toEqual([
      { rolname: 'cleanslate_reader', rolcanlogin: false },
      { rolname: 'cleanslate_writer', rolcanlogin: false },
    ]);
  });

  test('the writer inserts a chain of entries; a re-insert of the same entry is "present"', async () => {
    const ledger = await connectLedger(writerUrl);
    try {
      await registerKey(ledger, key.signer.publicKeyPem, 'host-a');
      let prev = '0'.repeat(64);
      for (let seq = 1; seq <= 3; seq += 1) {
        const entry = entryAt(seq, prev);
        entries.push(entry);
        expect(await insertEntry(ledger, entry, 'host-a')).toBe('inserted');
        prev = entry.hash;
      }
      expect(await insertEntry(ledger, entries[1]!, 'host-a')).toBe('present');
    } finally {
      await ledger.close();
    }
  });

  test('an entry whose prevHash does not chain is rejected by the trigger', async () => {
    const forged = entryAt(4, entries[1]!.hash); // seq 4 must follow seq 3, not seq 2
    await withLedger(writerUrl, async (ledger) => {
      await expect(insertEntry(ledger, forged, 'host-a')).rejects.toMatchObject({ code: 'ERR_LEDGER_CONFLICT' });
      await expect(insertEntry(ledger, entryAt(1, 'f'.repeat(64)), 'host-a')).rejects.toMatchObject({
        code: 'ERR_LEDGER_CONFLICT',
      });
      await expect(insertEntry(ledger, entryAt(6, entries[2]!.hash), 'host-a')).rejects.toMatchObject({
        code: 'ERR_LEDGER_CONFLICT',
        message: expect.stringMatching(/predecessor \(seq 5\) is not in the ledger/),
      });
    });
    // the trigger, not the client, decides: a raw INSERT as the superuser is refused too
    await expect(
      db.sql(
        `INSERT INTO cleanslate.audit_entries (key_id, seq, ts, type, prev_hash, hash, sig, entry)
         SELECT key_id, 4, ts, type, prev_hash, repeat('a', 64), sig,
                jsonb_set(jsonb_set(entry::jsonb, '{seq}', '4'), '{hash}', to_jsonb(repeat('a', 64)))::text
           FROM cleanslate.audit_entries WHERE seq = 2`,
      ),
    ).rejects.toMatchObject({ code: 'CSL01' });
  });

  for (const [what, sql] of [
    ['UPDATE', `UPDATE cleanslate.audit_entries SET result = 'PASS' WHERE seq = 1`],
    ['DELETE', `DELETE FROM cleanslate.audit_entries WHERE seq = 3`],
    ['TRUNCATE', `TRUNCATE cleanslate.audit_entries`],
  ] as const) {
    test(`the writer role cannot ${what}`, async () => {
      await expect(runSql(writerUrl, sql)).rejects.toMatchObject({ code: '42501' }); // permission denied
      const rows = await db.sql<{ n: string }>(`SELECT count(*) AS n FROM cleanslate.audit_entries`);
      expect(Number(rows[0]?.n)).toBe(3);
    });
  }

  test('even the owner is stopped by the triggers (UPDATE, DELETE, TRUNCATE) unless it disables them', async () => {
    for (const sql of [
      `UPDATE cleanslate.audit_entries SET result = 'PASS' WHERE seq = 1`,
      `DELETE FROM cleanslate.keys`,
      `TRUNCATE cleanslate.certificates`,
    ]) {
      await expect(db.sql(sql)).rejects.toMatchObject({ code: 'CSL00' });
    }
  });
});
