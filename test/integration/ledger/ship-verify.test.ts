// Shipping logs, the live mirror and verification against a real PostgreSQL, through the ledger
// module's API: idempotent ship, conflicts, a replaced host key, catch-up after a gap, and trust.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { openAuditLog, type AuditEntry } from '../../../src/audit/index.js';
import {
  initLedger,
  openLedgerSession,
  parseLedgerUrl,
  shipAuditLog,
  verifyLedger,
  withLedger,
  type ShipSource,
} from '../../../src/ledger/index.js';
import { buildLog, makeTestKey, readLines } from '../../helpers/audit-log.js';
import { describePostgres } from '../../helpers/gates.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';

let db: TestDatabase;
let dir: string;

const sourceOf = (logPath: string, pems: string[]): ShipSource => ({
  logPath,
  publicKeyPems: pems,
  certDir: join(dir, 'certs'),
  host: 'test-host',
});

describePostgres('ledger ship, mirror and verify', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    await withLedger(db.url, initLedger);
  });
  afterAll(async () => db?.drop());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cleanslate-ledger-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('ship is idempotent; the replayed ledger verifies', async () => {
    const key = makeTestKey();
    const log = join(dir, 'audit.log');
    await buildLog(log, key.signer, 8);
    const source = sourceOf(log, [key.signer.publicKeyPem]);
    const first = await withLedger(db.url, (l) => shipAuditLog(l, source));
    expect(first.entries).toEqual({ read: 8, inserted: 8, present: 0 });
    const second = await withLedger(db.url, (l) => shipAuditLog(l, source));
    expect(second.entries).toEqual({ read: 8, inserted: 0, present: 8 });
    const verification = await withLedger(db.url, (l) => verifyLedger(l));
    expect(verification).toMatchObject({ ok: true, problems: [] });
  });

  test('a local log rewritten after shipping is a conflict (exit 5), nothing is overwritten', async () => {
    const key = makeTestKey();
    const log = join(dir, 'audit.log');
    await buildLog(log, key.signer, 3);
    await withLedger(db.url, (l) => shipAuditLog(l, sourceOf(log, [key.signer.publicKeyPem])));
    rmSync(log);
    await openAuditLog(log, key.signer).append({ type: 'wipe.started', volumeId: 'vol-rewritten' }); // seq 1 again
    await expect(
      withLedger(db.url, (l) => shipAuditLog(l, sourceOf(log, [key.signer.publicKeyPem]))),
    ).rejects.toMatchObject({ code: 'ERR_LEDGER_CONFLICT', exitCode: 5 });
  });

  test('a replaced host key continues the same log: the new key chain starts where the old ended', async () => {
    const old = makeTestKey();
    const fresh = makeTestKey();
    const log = join(dir, 'audit.log');
    await buildLog(log, old.signer, 3);
    await buildLog(log, fresh.signer, 2); // seq 4 and 5, signed by the new key, prevHash = seq 3's hash
    const report = await withLedger(db.url, (l) =>
      shipAuditLog(l, sourceOf(log, [old.signer.publicKeyPem, fresh.signer.publicKeyPem])),
    );
    expect(report.entries.inserted).toBe(5);
    const verification = await withLedger(db.url, (l) => verifyLedger(l));
    expect(verification.problems).toEqual([]);
  });

  test('the mirror sends each entry; after entries it missed it sends the backlog; a dead ledger is one notice', async () => {
    const key = makeTestKey();
    const log = join(dir, 'audit.log');
    const audit = openAuditLog(log, key.signer);
    const notices: string[] = [];
    const session = openLedgerSession(parseLedgerUrl(db.url), { onNotice: (m) => notices.push(m) });
    const mirror = session.mirror(sourceOf(log, [key.signer.publicKeyPem]));
    const appended: AuditEntry[] = [];
    const record = async (type: string, mirrored: boolean) => {
      const entry = await audit.append({ type, result: 'ok' });
      appended.push(entry);
      if (mirrored) await mirror.record(entry);
    };
    await record('wipe.started', true);
    await record('pass.completed', false); // another process appended this one
    await record('pass.completed', false);
    await record('wipe.completed', true); // gap: the mirror ships the backlog
    await record('cert.issued', true);
    await session.close();
    expect(notices).toEqual([]);
    expect(session.summary()).toMatchObject({ entries: 5, certificates: 0, error: null });
    const stored = await db.sql<{ entry: string }>(
      `SELECT entry FROM cleanslate.audit_entries WHERE key_id = $1 ORDER BY seq`,
      [key.signer.keyId],
    );
    expect(stored.map((r) => r.entry)).toEqual(readLines(log));

    const dead = openLedgerSession(parseLedgerUrl('postgres://u:pw@127.0.0.1:1/x'), {
      onNotice: (m) => notices.push(m),
    });
    const deadMirror = dead.mirror(sourceOf(log, [key.signer.publicKeyPem]));
    for (const entry of appended) await deadMirror.record(entry);
    await dead.close();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/127\.0\.0\.1:1.*audit ship/);
    expect(notices[0]).not.toContain(':pw@');
  });

  describe('errors', () => {
    test('a database without the schema: ERR_LEDGER_IO saying to run ledger init', async () => {
      const empty = await createTestDatabase();
      try {
        const key = makeTestKey();
        const log = join(dir, 'audit.log');
        appendFileSync(log, '');
        await expect(
          withLedger(empty.url, (l) => shipAuditLog(l, sourceOf(log, [key.signer.publicKeyPem]))),
        ).rejects.toMatchObject({ code: 'ERR_LEDGER_IO', message: expect.stringMatching(/ledger init/) });
      } finally {
        await empty.drop();
      }
    });

    test('with a trust set, keys outside it are reported as untrusted', async () => {
      const stranger = makeTestKey();
      const verification = await withLedger(db.url, (l) =>
        verifyLedger(l, { trusted: new Map([[stranger.signer.keyId, stranger.publicKey]]) }),
      );
      expect(verification.ok).toBe(false);
      expect(new Set(verification.problems.map((p) => p.kind))).toEqual(new Set(['untrusted-key']));
    });
  });
});
