// Several AuditLog instances on one file in one process (one per run of `wipe --parallel N`): one
// chain, one seq order, no lock file left behind, and each run's entries in the order it appended them.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openAuditLog, verifyAuditLog, type AuditEntry } from '../../../src/audit/index.js';
import { makeTestKey, parseLines } from '../../helpers/audit-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cleanslate-audit-concurrent-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('8 instances appending at once keep one chain with consecutive seq', async () => {
  const path = join(dir, 'audit.log');
  const key = makeTestKey();
  const runs = 8;
  const perRun = 20;
  const logs = Array.from({ length: runs }, () => openAuditLog(path, key.signer));
  const appended = await Promise.all(
    logs.map(async (log, run) => {
      const mine: AuditEntry[] = [];
      for (let i = 0; i < perRun; i += 1) {
        mine.push(await log.append({ type: 'pass.completed', target: `/dev/loop${run}`, details: { pass: i } }));
      }
      return mine;
    }),
  );
  for (const mine of appended) {
    const seqs = mine.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  }
  const all = appended.flat().map((e) => e.seq);
  expect(new Set(all).size).toBe(runs * perRun);
  expect(Math.min(...all)).toBe(1);
  expect(Math.max(...all)).toBe(runs * perRun);
  const lines = parseLines(path);
  expect(lines.map((e) => e.seq)).toEqual(Array.from({ length: runs * perRun }, (_, i) => i + 1));
  const verification = await verifyAuditLog(path, key.publicKey);
  expect(verification.problems).toEqual([]);
  expect(verification.ok).toBe(true);
  expect(existsSync(`${path}.lock`)).toBe(false);
});

test('appends not awaited one by one (fire and forget from several runs) still chain', async () => {
  const path = join(dir, 'audit.log');
  const key = makeTestKey();
  const a = openAuditLog(path, key.signer);
  const b = openAuditLog(path, key.signer);
  const entries = await Promise.all(
    Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).append({ type: 'wipe.started', target: `t${i}` })),
  );
  expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  expect((await verifyAuditLog(path, key.publicKey)).ok).toBe(true);
});
