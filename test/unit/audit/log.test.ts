import { createHash, verify } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { GENESIS_HASH, openAuditLog, verifyAuditLog, type AuditEntry } from '../../../src/audit/index.js';
import { CleanslateError } from '../../../src/errors/index.js';
import { buildLog, makeTestKey, parseLines, readLines, type TestKey } from '../../helpers/audit-log.js';

let dir: string;
let log: string;
let key: TestKey;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cleanslate-audit-'));
  log = join(dir, 'state', 'audit.log');
  key = makeTestKey();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openAuditLog().append', () => {
  test('writes one canonical line per entry, 0600, creating the directory', async () => {
    const now = new Date('2025-01-02T03:04:05.678Z');
    const audit = openAuditLog(log, key.signer, { now: () => now });
    const e = await audit.append({ type: 'key.generated', result: 'ok', details: { bits: 256 } });
    expect(e).toEqual({
      seq: 1,
      ts: '2025-01-02T03:04:05.678Z',
      type: 'key.generated',
      target: null,
      deviceId: null,
      volumeId: null,
      tenantId: null,
      operator: null,
      result: 'ok',
      details: { bits: 256 },
      keyId: key.signer.keyId,
      prevHash: GENESIS_HASH,
      hash: e.hash,
      sig: e.sig,
    });
    expect(readFileSync(log, 'utf8')).toBe(`${canonicalize(e)}\n`);
    expect(statSync(log).mode & 0o777).toBe(0o600);
    expect(existsSync(`${log}.lock`)).toBe(false);
  });

  test('hash and sig follow the documented definitions exactly', async () => {
    const [first, second] = await buildLog(log, key.signer, 2);
    for (const e of [first!, second!]) {
      const { hash, sig, ...body } = e;
      const expected = createHash('sha256')
        .update(Buffer.concat([Buffer.from(e.prevHash, 'utf8'), Buffer.from(canonicalize(body)!, 'utf8')]))
        .digest('hex');
      expect(hash).toBe(expected);
      // Ed25519 over the 64 ASCII bytes of the hex hash
      expect(verify(null, Buffer.from(hash, 'ascii'), key.publicKey, Buffer.from(sig, 'base64'))).toBe(true);
    }
    expect(second!.prevHash).toBe(first!.hash);
  });

  test('omits empty details and continues the chain across AuditLog instances', async () => {
    await buildLog(log, key.signer, 3);
    const e = await openAuditLog(log, key.signer).append({ type: 'wipe.aborted', target: '/dev/sdz' });
    expect(e.seq).toBe(4);
    expect('details' in e).toBe(false);
    expect(e.prevHash).toBe(parseLines(log)[2]?.hash);
    expect((await verifyAuditLog(log, key.publicKey)).ok).toBe(true);
  });

  test('notices lines appended by someone else since its last append', async () => {
    const a = openAuditLog(log, key.signer);
    const b = openAuditLog(log, key.signer);
    await a.append({ type: 'wipe.started' });
    await b.append({ type: 'wipe.started' });
    expect((await a.append({ type: 'wipe.completed' })).seq).toBe(3);
    expect((await verifyAuditLog(log, key.publicKey)).ok).toBe(true);
  });

  test('concurrent appends from two logs in one process keep 100 consecutive seqs', async () => {
    const a = openAuditLog(log, key.signer);
    const b = openAuditLog(log, key.signer);
    const all = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).append({ type: 'pass.completed', details: { i } })),
    );
    expect(all.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const v = await verifyAuditLog(log, key.publicKey);
    expect(v).toMatchObject({ ok: true, entries: 100, lastSeq: 100 });
  });

  test('refuses to extend a log whose last line is cut off (ERR_AUDIT_MALFORMED, exit 5)', async () => {
    await buildLog(log, key.signer, 2);
    truncateSync(log, statSync(log).size - 5);
    const error = await openAuditLog(log, key.signer)
      .append({ type: 'wipe.started' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_AUDIT_MALFORMED', exitCode: 5, target: log });
    expect((error as Error).message).toContain('incomplete');
  });

  test('refuses to extend a log whose last line is not an entry', async () => {
    await buildLog(log, key.signer, 1);
    writeFileSync(log, '{"seq":"x"}\n', { flag: 'a' });
    const error = await openAuditLog(log, key.signer)
      .append({ type: 'wipe.started' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_AUDIT_MALFORMED' });
  });

  test.for([
    ['a float in details', { type: 'wipe.started', details: { rate: 1.5 } }],
    ['a nested object in details', { type: 'wipe.started', details: { x: { y: 1 } } }],
    ['a type that is not a dotted name', { type: 'Wipe Started' }],
    ['a non-string field', { type: 'wipe.started', target: 42 }],
  ])('rejects an event with %s (ERR_INTERNAL), writing nothing', async ([, event]) => {
    const error = await openAuditLog(log, key.signer)
      .append(event as never)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INTERNAL' });
    expect(existsSync(log)).toBe(false);
  });

  test('rejects a signer whose keyId is not its public key', () => {
    const other = makeTestKey();
    expect(() => openAuditLog(log, { ...key.signer, keyId: other.signer.keyId })).toThrow(CleanslateError);
    expect(() => openAuditLog(log, { ...key.signer, sign: other.signer.sign })).toThrow(/does not sign/);
  });
});

describe('the lock file', () => {
  test('a stale lock (older than 30 s) is removed', async () => {
    await buildLog(log, key.signer, 1);
    writeFileSync(`${log}.lock`, '999999@elsewhere\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${log}.lock`, old, old);
    expect((await openAuditLog(log, key.signer).append({ type: 'wipe.started' })).seq).toBe(2);
    expect(existsSync(`${log}.lock`)).toBe(false);
  });

  test('a held lock makes append wait, then fail with ERR_AUDIT_IO (exit 4)', async () => {
    await buildLog(log, key.signer, 1);
    writeFileSync(`${log}.lock`, 'held\n');
    const error = await openAuditLog(log, key.signer, { timeoutMs: 150 })
      .append({ type: 'wipe.started' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_AUDIT_IO', exitCode: 4 });
    expect((error as Error).message).toContain('locked by another process');
    expect(readLines(log)).toHaveLength(1);
  });

  test('a lock released while waiting lets the append through', async () => {
    await buildLog(log, key.signer, 1);
    writeFileSync(`${log}.lock`, 'held\n');
    setTimeout(() => rmSync(`${log}.lock`), 100);
    const e: AuditEntry = await openAuditLog(log, key.signer).append({ type: 'wipe.started' });
    expect(e.seq).toBe(2);
  });
});
