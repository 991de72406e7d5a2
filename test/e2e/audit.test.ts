import { execa } from 'execa';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { signerFromPrivateKey, type AuditEntry } from '../../src/audit/index.js';
import { buildLog, insertForged, makeTestKey, readLines, writeLines, type TestKey } from '../helpers/audit-log.js';
import { runCli } from '../helpers/run-cli.js';

const DIST_AUDIT = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'audit', 'index.js')).href;

let dir: string;
let log: string;
let pub: string;
let key: TestKey;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cleanslate-audit-e2e-'));
  log = join(dir, 'audit.log');
  pub = join(dir, 'signing.pub');
  key = makeTestKey();
  writeFileSync(pub, key.signer.publicKeyPem);
  await buildLog(log, key.signer, 8);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const verifyCli = (...extra: string[]) => runCli(['audit', 'verify', '--log', log, '--pubkey', pub, ...extra]);

describe('cleanslate audit verify', () => {
  test('an intact log: exit 0, human and --json', async () => {
    const human = await verifyCli();
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain('INTACT');
    expect(human.stdout).toContain(key.signer.keyId);
    const r = await verifyCli('--json');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      log,
      ok: true,
      entries: 8,
      lastSeq: 8,
      trustedKeys: [key.signer.keyId],
      keySource: 'pubkey',
      problems: [],
    });
  });

  const tampers: [string, () => void, RegExp][] = [
    [
      'a deleted line',
      () =>
        writeLines(
          log,
          readLines(log).filter((_, i) => i !== 2),
        ),
      /line 3 \(seq 4\): seq: seq 4 where 3 was expected/,
    ],
    [
      'an edited field',
      () =>
        writeLines(
          log,
          readLines(log).map((l, i) => (i === 4 ? l.replace('"tenant-a"', '"tenant-b"') : l)),
        ),
      /line 5 \(seq 5\): hash: /,
    ],
    [
      'two swapped lines',
      () => {
        const lines = readLines(log);
        writeLines(log, [lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)]);
      },
      /line 2 \(seq 3\): seq: /,
    ],
    [
      'an inserted unsigned line',
      () => insertForged(log, 3, { signer: 'none', keyId: key.signer.keyId, rechain: false }),
      /line 4 \(seq 4\): signature: /,
    ],
    [
      'an inserted line, re-chained and signed by another key',
      () => insertForged(log, 3, { signer: makeTestKey().signer, keyId: key.signer.keyId, rechain: true }),
      /line 4 \(seq 4\): signature: /,
    ],
    [
      'an inserted line, re-chained under another key id',
      () => {
        const attacker = makeTestKey().signer;
        insertForged(log, 3, { signer: attacker, keyId: attacker.keyId, rechain: true });
      },
      /line 4 \(seq 4\): untrusted-key: /,
    ],
    ['a file truncated mid-line', () => truncateSync(log, statSync(log).size - 17), /line 8: truncated: /],
  ];

  test.for(tampers)('%s: exit 5 naming the first bad line', async ([, tamper, message]) => {
    tamper();
    const r = await verifyCli();
    expect(r.exitCode).toBe(5);
    expect(r.stdout).toContain('TAMPERED');
    expect(r.stderr).toMatch(new RegExp(`^cleanslate: ${log}: audit verify: tampered: ${message.source}`));
    const j = await verifyCli('--json');
    expect(j.exitCode).toBe(5);
    const doc = JSON.parse(j.stdout) as { ok: boolean; problems: { line: number; kind: string }[] };
    expect(doc.ok).toBe(false);
    expect(doc.problems.length).toBeGreaterThan(0);
  });

  test('the last line removed still verifies (only anchors catch it), and lastSeq shows it', async () => {
    writeLines(log, readLines(log).slice(0, -1));
    const r = await verifyCli('--json');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, lastSeq: 7 });
  });

  test('--trust DIR trusts the keys in it; a log signed by another key is exit 5', async () => {
    const trust = join(dir, 'trust');
    mkdirSync(trust);
    writeFileSync(join(trust, 'a.pub'), key.signer.publicKeyPem);
    expect((await runCli(['audit', 'verify', '--log', log, '--trust', trust])).exitCode).toBe(0);
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'b.pub'), makeTestKey().signer.publicKeyPem);
    const r = await runCli(['audit', 'verify', '--log', log, '--trust', other]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/line 1 \(seq 1\): untrusted-key: signed by sha256:[0-9a-f]{64}/);
  });

  test('defaults: <state>/audit.log checked against <state>/keys/cleanslate-signing.pub', async () => {
    const state = join(dir, 'state');
    mkdirSync(join(state, 'keys'), { recursive: true });
    await buildLog(join(state, 'audit.log'), key.signer, 3);
    const noKey = await runCli(['audit', 'verify'], { stateDir: state });
    expect(noKey.exitCode).toBe(5);
    expect(noKey.stderr).toContain('give the signing key with --pubkey or --trust');
    writeFileSync(join(state, 'keys', 'cleanslate-signing.pub'), key.signer.publicKeyPem);
    const r = await runCli(['audit', 'verify', '--json'], { stateDir: state });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ log: join(state, 'audit.log'), keySource: 'host', lastSeq: 3 });
  });

  test.for([
    ['a missing log', ['--log', '/nonexistent/audit.log', '--pubkey', 'PUB']],
    ['a directory as the log', ['--log', '/', '--pubkey', 'PUB']],
    ['a missing public key', ['--log', 'LOG', '--pubkey', '/nonexistent.pub']],
    ['--pubkey with --trust', ['--log', 'LOG', '--pubkey', 'PUB', '--trust', '/tmp']],
  ] as [string, string[]][])('%s is exit 2', async ([, args]) => {
    const r = await runCli(['audit', 'verify', ...args.map((a) => (a === 'PUB' ? pub : a === 'LOG' ? log : a))]);
    expect(r.exitCode).toBe(2);
  });
});

describe('cleanslate audit show', () => {
  test('prints one line per entry, and --json { entries }', async () => {
    const human = await runCli(['audit', 'show', '--log', log]);
    expect(human.exitCode).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatch(/^\s+1 {2}\d{4}-\d{2}-\d{2}T[\d:.]+Z {2}wipe\.started\s+\/dev\/loop7 {2}ok$/);
    const r = await runCli(['audit', 'show', '--log', log, '--json']);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout) as { entries: AuditEntry[] };
    expect(doc.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(doc.entries[2]).toMatchObject({ type: 'wipe.completed', result: 'PASS', details: { pass: 2 } });
  });

  test('a truncated log: the entries before it, then exit 5; unreadable: exit 2', async () => {
    truncateSync(log, statSync(log).size - 3);
    const r = await runCli(['audit', 'show', '--log', log, '--json']);
    expect(r.exitCode).toBe(5);
    expect((JSON.parse(r.stdout) as { entries: unknown[] }).entries).toHaveLength(7);
    expect(r.stderr).toContain('line 8: truncated');
    expect((await runCli(['audit', 'show', '--log', join(dir, 'none')])).exitCode).toBe(2);
  });
});

describe('two processes appending at once', () => {
  test('50 entries each: one valid chain of 100 consecutive seqs', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const signer = signerFromPrivateKey(privateKey);
    const shared = join(dir, 'shared.log');
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(join(dir, 'shared.pub'), signer.publicKeyPem);
    const script = `
      import { createPrivateKey } from 'node:crypto';
      import { existsSync, writeFileSync } from 'node:fs';
      const { openAuditLog, signerFromPrivateKey } = await import(process.env.AUDIT_MODULE);
      const log = openAuditLog(process.env.AUDIT_LOG, signerFromPrivateKey(createPrivateKey(process.env.AUDIT_KEY)));
      // start together: announce readiness, then wait for the go file
      writeFileSync(process.env.AUDIT_LOG + '.ready-' + process.pid, '');
      while (!existsSync(process.env.AUDIT_GO)) await new Promise((r) => setTimeout(r, 2));
      for (let i = 0; i < 50; i++) {
        await log.append({ type: 'pass.completed', details: { i, pid: process.pid } });
        await new Promise((r) => setTimeout(r, 1 + Math.random() * 3)); // some work between events
      }
    `;
    const go = join(dir, 'go');
    const env = { AUDIT_MODULE: DIST_AUDIT, AUDIT_LOG: shared, AUDIT_KEY: keyPem, AUDIT_GO: go };
    const writers = [0, 1].map(() => execa(process.execPath, ['--input-type=module', '-e', script], { env }));
    while (readdirSync(dir).filter((n) => n.startsWith('shared.log.ready-')).length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    writeFileSync(go, '');
    for (const w of await Promise.all(writers)) expect(w.exitCode).toBe(0);
    const entries = readLines(shared).map((l) => JSON.parse(l) as AuditEntry);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const pids = entries.map((e) => e.details?.pid);
    expect(new Set(pids).size).toBe(2);
    // the writers really interleaved (not one after the other)
    const switches = pids.filter((p, i) => i > 0 && p !== pids[i - 1]).length;
    expect(switches).toBeGreaterThan(2);
    const r = await runCli(['audit', 'verify', '--log', shared, '--pubkey', join(dir, 'shared.pub'), '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, entries: 100, lastSeq: 100 });
  });
});
