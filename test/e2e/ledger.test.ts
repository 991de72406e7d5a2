// The fleet ledger end to end: the BUILT CLI against a real PostgreSQL (scripts/test.sh starts one).
// 20 simulated hosts (one state directory and host key each) wipe image files at once into one
// ledger; a wipe with the ledger down completes locally and `audit ship` sends the backlog once;
// `ledger status` and `gate --ledger` answer from it; a superuser's edit is caught by verify.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePostgres } from '../helpers/gates.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { runCli, withoutKeyNotice } from '../helpers/run-cli.js';

tmp.setGracefulCleanup();

const HOSTS = 20;
const IMAGE_BYTES = 4 * 1024 * 1024;
/** Nothing listens on port 1 of localhost: a ledger that is down. */
const DEAD_LEDGER = 'postgres://host:secret@127.0.0.1:1/cleanslate';

let db: TestDatabase;
let writer: string;
let reader: string;
let dir: tmp.DirResult;

interface Host {
  state: string;
  image: string;
}

// A host: its own state directory (so its own host key) and a 4 MiB image of random bytes.
function makeHost(name: string): Host {
  const state = join(dir.name, name, 'state');
  const image = join(dir.name, name, 'disk.img');
  tmp.dirSync({ name: name, tmpdir: dir.name });
  writeFileSync(image, randomBytes(IMAGE_BYTES));
  return { state, image };
}

const wipe = (host: Host, ledger: string, volumeId: string) =>
  runCli(['wipe', host.image, '--yes', '--method', 'zero', '--json', '--volume-id', volumeId, '--ledger', ledger], {
    stateDir: host.state,
  });

const logLines = (host: Host) => readFileSync(join(host.state, 'audit.log'), 'utf8').trimEnd().split('\n');

const count = async (table: string) =>
  Number((await db.sql<{ n: string }>(`SELECT count(*) AS n FROM cleanslate.${table}`))[0]?.n);

describePostgres('fleet ledger (PostgreSQL)', () => {
  beforeAll(async () => {
    dir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-ledger-e2e-' });
    db = await createTestDatabase();
    for (let i = 0; i < 2; i += 1) {
      const r = await runCli(['ledger', 'init', '--ledger', db.url, '--json']);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    writer = await db.loginRole('cleanslate_writer');
    reader = await db.loginRole('cleanslate_reader');
  });
  afterAll(async () => {
    await db?.drop();
    dir?.removeCallback();
  });

  test(`${HOSTS} hosts wipe at once: every certificate and entry lands exactly once, chains verify`, async () => {
    const hosts = Array.from({ length: HOSTS }, (_, i) => makeHost(`host-${i}`));
    const started = performance.now();
    const results = await Promise.all(hosts.map((h, i) => wipe(h, writer, `vol-${i}`)));
    const seconds = (performance.now() - started) / 1000;
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    for (const r of results) expect(withoutKeyNotice(r.stderr)).toBe(''); // no ledger notice: nothing failed
    const ids = results.map((r) => JSON.parse(r.stdout).certificate.id as string);
    const stored = await db.sql<{ certificate_id: string; volume_id: string }>(
      `SELECT certificate_id, volume_id FROM cleanslate.certificates ORDER BY volume_id`,
    );
    expect(stored.map((c) => c.certificate_id).sort()).toEqual([...ids].sort());
    // every local line is in the ledger, byte for byte, once
    const local = hosts.flatMap(logLines);
    const entries = await db.sql<{ entry: string }>(`SELECT entry FROM cleanslate.audit_entries`);
    expect(entries.map((e) => e.entry).sort()).toEqual([...local].sort());
    expect(await count('keys')).toBe(HOSTS);
    const verify = await runCli(['audit', 'verify', '--ledger', reader, '--json'], {
      stateDir: join(dir.name, 'auditor'),
    });
    expect(verify.exitCode, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      ok: true,
      local: null,
      ledger: { ok: true, chains: HOSTS, entries: local.length, certificates: HOSTS, problems: [] },
    });
    console.log(
      `${HOSTS} concurrent wipes of ${IMAGE_BYTES >> 20} MiB into one ledger: ${seconds.toFixed(1)} s, ${local.length} entries, ${HOSTS} certificates`,
    );
  });

  test('ledger down: the wipe completes locally; audit ship sends the backlog, a second ship adds nothing', async () => {
    const host = makeHost('offline');
    const r = await wipe(host, DEAD_LEDGER, 'vol-offline');
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.result).toBe('PASS');
    expect(report.certificate.path).toMatch(/\.cert\.json$/);
    expect(r.stderr.match(/ledger connect/g)).toHaveLength(1); // told once
    expect(r.stderr).not.toContain('secret');
    const before = await count('audit_entries');
    const ship = await runCli(['audit', 'ship', '--ledger', writer, '--json'], { stateDir: host.state });
    expect(ship.exitCode, ship.stderr).toBe(0);
    const lines = logLines(host).length;
    expect(JSON.parse(ship.stdout)).toMatchObject({
      entries: { read: lines, inserted: lines, present: 0 },
      certificates: { referenced: 1, inserted: 1, present: 0, missing: [] },
    });
    expect(await count('audit_entries')).toBe(before + lines);
    const again = await runCli(['audit', 'ship', '--ledger', writer, '--json'], { stateDir: host.state });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      entries: { inserted: 0, present: lines },
      certificates: { inserted: 0, present: 1 },
    });
    expect(await count('audit_entries')).toBe(before + lines);
    // the next wipe with the ledger up continues the host's chain
    const next = await wipe(host, writer, 'vol-offline');
    expect(next.exitCode, next.stderr).toBe(0);
    expect(await count('audit_entries')).toBe(before + logLines(host).length);
  });

  test('ledger status --volume-id shows the latest certificate of the volume', async () => {
    const host = makeHost('status');
    const first = JSON.parse((await wipe(host, writer, 'vol-status')).stdout).certificate.id as string;
    const second = JSON.parse((await wipe(host, writer, 'vol-status')).stdout).certificate.id as string;
    expect(second).not.toBe(first);
    const r = await runCli(['ledger', 'status', '--volume-id', 'vol-status', '--ledger', reader, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      volumeId: 'vol-status',
      certified: true,
      certificate: { id: second, result: 'PASS', signature: 'valid' },
      lastEvent: { type: 'wipe.completed', result: 'PASS', certificateId: second },
      reasons: [],
    });
    const human = await runCli(['ledger', 'status', '--volume-id', 'vol-status'], {
      env: { CLEANSLATE_LEDGER: reader },
    });
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain(`certificate ${second}`);
    const none = await runCli(['ledger', 'status', '--volume-id', 'vol-unknown', '--ledger', reader, '--json']);
    expect(none.exitCode).toBe(1);
    expect(JSON.parse(none.stdout)).toMatchObject({ certified: false, certificate: null });
  });

  test('gate --ledger without --cert: open for the wiped image, closed once it is modified', async () => {
    const host = makeHost('gate');
    const nothing = await runCli(['gate', host.image, '--ledger', reader], { stateDir: host.state });
    expect(nothing.exitCode).toBe(1);
    expect(nothing.stderr).toMatch(/no PASS certificate/);
    expect((await wipe(host, writer, 'vol-gate')).exitCode).toBe(0);
    const open = await runCli(['gate', host.image, '--ledger', reader, '--json'], { stateDir: join(dir.name, 'hook') });
    expect(open.exitCode, open.stderr).toBe(0);
    expect(JSON.parse(open.stdout)).toMatchObject({ open: true, checks: { signature: 'valid', finalState: true } });
    const byVolume = await runCli(['gate', host.image, '--ledger', reader, '--volume-id', 'vol-other']);
    expect(byVolume.exitCode).toBe(1);
    const bytes = readFileSync(host.image);
    bytes.write('tenant data', 4096);
    writeFileSync(host.image, bytes);
    const closed = await runCli(['gate', host.image, '--ledger', reader, '--json'], {
      stateDir: join(dir.name, 'hook'),
    });
    expect(closed.exitCode).toBe(1);
    expect(JSON.parse(closed.stdout)).toMatchObject({ open: false, checks: { finalState: false } });
    const usage = await runCli(['gate', host.image], { env: { CLEANSLATE_LEDGER: '' } });
    expect(usage.exitCode).toBe(2);
  });

  test('rows changed by a superuser with the triggers disabled are caught by audit verify --ledger (exit 5)', async () => {
    const verify = () =>
      runCli(['audit', 'verify', '--ledger', reader, '--json'], { stateDir: join(dir.name, 'auditor') });
    expect((await verify()).exitCode).toBe(0);
    await db.sql(`ALTER TABLE cleanslate.audit_entries DISABLE TRIGGER ALL`);
    await db.sql(
      `UPDATE cleanslate.audit_entries SET result = 'PASS' WHERE seq = 2 AND key_id = (SELECT min(key_id) FROM cleanslate.audit_entries)`,
    );
    await db.sql(`ALTER TABLE cleanslate.audit_entries ENABLE TRIGGER ALL`);
    const columns = await verify();
    expect(columns.exitCode).toBe(5);
    expect(JSON.parse(columns.stdout).ledger.problems).toEqual([
      expect.objectContaining({ kind: 'columns', seq: 2, message: expect.stringMatching(/result/) }),
    ]);
    expect(columns.stderr).toMatch(/ledger tampered: sha256:[0-9a-f]{64} seq 2: columns/);

    await db.sql(`ALTER TABLE cleanslate.audit_entries DISABLE TRIGGER ALL`);
    await db.sql(
      `DELETE FROM cleanslate.audit_entries WHERE seq = 3 AND key_id = (SELECT max(key_id) FROM cleanslate.audit_entries)`,
    );
    await db.sql(`ALTER TABLE cleanslate.audit_entries ENABLE TRIGGER ALL`);
    await db.sql(`ALTER TABLE cleanslate.certificates DISABLE TRIGGER ALL`);
    await db.sql(`UPDATE cleanslate.certificates SET volume_id = 'vol-stolen' WHERE volume_id = 'vol-0'`);
    await db.sql(`ALTER TABLE cleanslate.certificates ENABLE TRIGGER ALL`);
    const more = await verify();
    expect(more.exitCode).toBe(5);
    const kinds = (JSON.parse(more.stdout).ledger.problems as { kind: string }[]).map((p) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['columns', 'seq', 'chain']));
    expect(kinds.filter((k) => k === 'columns')).toHaveLength(2); // the entry and the certificate
  });
});
