import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, expectTypeOf, test } from 'vitest';
import { keyIdOf as auditKeyIdOf, openAuditLog, verifyAuditLog, type AuditSigner } from '../../../src/audit/index.js';
import { keyIdOf, signerOf, type Signer } from '../../../src/cert/index.js';

test("cert's Signer is an AuditSigner and the key ids agree", async () => {
  expectTypeOf<Signer>().toMatchTypeOf<AuditSigner>();
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signer = signerOf(privateKey);
  expect(auditKeyIdOf(publicKey)).toBe(keyIdOf(publicKey));
  const dir = mkdtempSync(join(tmpdir(), 'cleanslate-audit-'));
  try {
    const log = join(dir, 'audit.log');
    await openAuditLog(log, signer).append({ type: 'key.generated', result: 'ok' });
    expect(await verifyAuditLog(log, publicKey)).toMatchObject({ ok: true, lastSeq: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
