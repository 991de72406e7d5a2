// Builds real signed audit logs with fresh Ed25519 keys, and tampers with them line by line.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  canonicalJson,
  computeEntryHash,
  openAuditLog,
  signEntryHash,
  signerFromPrivateKey,
  type AuditEntry,
  type AuditSigner,
} from '../../src/audit/index.js';

export interface TestKey {
  signer: AuditSigner;
  publicKey: KeyObject;
}

// A fresh Ed25519 key as an audit signer plus its public key.
export function makeTestKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signer: signerFromPrivateKey(privateKey), publicKey };
}

// Appends n entries (a wipe's life cycle, repeated) and returns them.
export async function buildLog(path: string, signer: AuditSigner, n: number): Promise<AuditEntry[]> {
  const log = openAuditLog(path, signer);
  const types = ['wipe.started', 'pass.completed', 'wipe.completed', 'cert.issued', 'scan.completed'];
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i += 1) {
    entries.push(
      await log.append({
        type: types[i % types.length] ?? 'wipe.started',
        target: '/dev/loop7',
        deviceId: 'sha256:0123',
        volumeId: `vol-${i}`,
        tenantId: 'tenant-a',
        operator: 'alice',
        result: i % types.length === 2 ? 'PASS' : 'ok',
        details: { pass: i, method: 'dod-3' },
      }),
    );
  }
  return entries;
}

export const readLines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').slice(0, -1);
export const writeLines = (path: string, lines: string[]): void =>
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
export const parseLines = (path: string): AuditEntry[] => readLines(path).map((l) => JSON.parse(l) as AuditEntry);

// Re-hashes and re-signs an entry body with `signer`, claiming keyId (its own unless given).
export function forgeEntry(body: Omit<AuditEntry, 'hash' | 'sig'>, signer: AuditSigner | 'none'): AuditEntry {
  const hash = computeEntryHash(body);
  const sig = signer === 'none' ? randomBytes(64).toString('base64') : signEntryHash(hash, signer);
  return { ...body, hash, sig };
}

// Inserts a forged entry after line `after` (1-based) and, when `rechain`, renumbers and re-chains
// every later entry, all signed by `signer` and claiming keyId.
export function insertForged(
  path: string,
  after: number,
  options: { signer: AuditSigner | 'none'; keyId: string; rechain: boolean },
): void {
  const entries = parseLines(path);
  const prev = entries[after - 1];
  if (!prev) throw new Error('no such line');
  const forged = forgeEntry(
    {
      ...prev,
      seq: prev.seq + 1,
      type: 'cert.issued',
      result: 'PASS',
      volumeId: 'vol-forged',
      keyId: options.keyId,
      prevHash: prev.hash,
    },
    options.signer,
  );
  const out: AuditEntry[] = [...entries.slice(0, after), forged];
  let last = forged;
  for (const e of entries.slice(after)) {
    if (!options.rechain) {
      out.push(e);
      continue;
    }
    const { hash: _h, sig: _s, ...body } = e;
    last = forgeEntry({ ...body, seq: last.seq + 1, prevHash: last.hash, keyId: options.keyId }, options.signer);
    out.push(last);
  }
  writeLines(
    path,
    out.map((e) => canonicalJson(e)),
  );
}
