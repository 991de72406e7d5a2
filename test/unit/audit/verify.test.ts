import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync, appendFileSync, statSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  GENESIS_HASH,
  checkAnchor,
  describeProblem,
  readAuditLog,
  trustedAuditKeys,
  verifyAuditLog,
  type AuditEntry,
} from '../../../src/audit/index.js';
import { CleanslateError } from '../../../src/errors/index.js';
import { buildLog, insertForged, makeTestKey, readLines, writeLines, type TestKey } from '../../helpers/audit-log.js';

let dir: string;
let log: string;
let key: TestKey;
let entries: AuditEntry[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cleanslate-audit-'));
  log = join(dir, 'audit.log');
  key = makeTestKey();
  entries = await buildLog(log, key.signer, 10);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const kinds = (v: { problems: { line: number; kind: string }[] }) => v.problems.map((p) => `${p.line}:${p.kind}`);

describe('verifyAuditLog on an intact log', () => {
  test('reports ok, the entry count and the last seq and hash', async () => {
    const v = await verifyAuditLog(log, key.publicKey);
    expect(v).toMatchObject({ ok: true, entries: 10, lastSeq: 10, lastHash: entries[9]?.hash, problems: [] });
  });

  test('an empty log is intact and ends at seq 0 with the genesis hash', async () => {
    writeFileSync(join(dir, 'empty.log'), '');
    const v = await verifyAuditLog(join(dir, 'empty.log'), key.publicKey);
    expect(v).toMatchObject({ ok: true, entries: 0, lastSeq: 0, lastHash: GENESIS_HASH });
  });

  test('accepts a key map, and entries signed by two trusted keys (key rotation)', async () => {
    const next = makeTestKey();
    await buildLog(log, next.signer, 3);
    const both = trustedAuditKeys([key.publicKey, next.publicKey]);
    expect((await verifyAuditLog(log, both)).ok).toBe(true);
    const v = await verifyAuditLog(log, key.publicKey);
    expect(kinds(v)).toEqual(['11:untrusted-key', '12:untrusted-key', '13:untrusted-key']);
  });
});

describe('verifyAuditLog catches each tamper', () => {
  test('a deleted line: seq gap and chain break at the line after it', async () => {
    const lines = readLines(log);
    lines.splice(3, 1);
    writeLines(log, lines);
    const v = await verifyAuditLog(log, key.publicKey);
    expect(v.ok).toBe(false);
    expect(kinds(v)).toEqual(['4:seq', '4:chain']);
    expect(describeProblem(v.problems[0]!)).toMatch(/^line 4 \(seq 5\): seq: seq 5 where 4 was expected/);
  });

  test('the first line deleted: the log must start at seq 1 from the genesis hash', async () => {
    writeLines(log, readLines(log).slice(1));
    expect(kinds(await verifyAuditLog(log, key.publicKey))).toEqual(['1:seq', '1:chain']);
  });

  test('an edited field: the entry no longer matches its hash', async () => {
    const lines = readLines(log);
    lines[2] = lines[2]!.replace('"result":"PASS"', '"result":"FAIL"');
    writeLines(log, lines);
    const v = await verifyAuditLog(log, key.publicKey);
    expect(kinds(v)).toEqual(['3:hash']);
  });

  test('an edited field with its hash recomputed: the signature fails, and the next link breaks', async () => {
    const e = JSON.parse(readLines(log)[2]!) as AuditEntry;
    const { hash: _h, sig: _s, ...body } = e;
    const { computeEntryHash, canonicalJson } = await import('../../../src/audit/index.js');
    const edited = { ...body, tenantId: 'tenant-b' };
    const lines = readLines(log);
    lines[2] = canonicalJson({ ...edited, hash: computeEntryHash(edited), sig: e.sig });
    writeLines(log, lines);
    expect(kinds(await verifyAuditLog(log, key.publicKey))).toEqual(['3:signature', '4:chain']);
  });

  test('two lines swapped', async () => {
    const lines = readLines(log);
    [lines[3], lines[4]] = [lines[4]!, lines[3]!];
    writeLines(log, lines);
    const v = await verifyAuditLog(log, key.publicKey);
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatchObject({ line: 4, seq: 5, kind: 'seq' });
  });

  test('an inserted line with a valid hash but no valid signature', async () => {
    insertForged(log, 4, { signer: 'none', keyId: key.signer.keyId, rechain: false });
    expect(kinds(await verifyAuditLog(log, key.publicKey))).toEqual(['5:signature', '6:seq', '6:chain']);
  });

  test('an inserted line, the rest re-hashed and re-chained, signed by another key under our key id', async () => {
    const attacker = makeTestKey();
    insertForged(log, 4, { signer: attacker.signer, keyId: key.signer.keyId, rechain: true });
    const v = await verifyAuditLog(log, key.publicKey);
    expect(v.problems[0]).toMatchObject({ line: 5, seq: 5, kind: 'signature' });
    expect(new Set(v.problems.map((p) => p.kind))).toEqual(new Set(['signature']));
    expect(v.problemCount).toBe(7);
  });

  test('an inserted line, re-chained and signed by another key under its own id: untrusted key', async () => {
    const attacker = makeTestKey();
    insertForged(log, 4, { signer: attacker.signer, keyId: attacker.signer.keyId, rechain: true });
    const v = await verifyAuditLog(log, key.publicKey);
    expect(v.problems[0]).toMatchObject({ line: 5, kind: 'untrusted-key' });
    expect(v.problems[0]?.message).toContain(attacker.signer.keyId);
  });

  test('a file truncated mid-line', async () => {
    truncateSync(log, statSync(log).size - 40);
    const v = await verifyAuditLog(log, key.publicKey);
    expect(kinds(v)).toEqual(['10:truncated']);
    expect(v.lastSeq).toBe(9);
  });

  test('only the final newline removed is still a truncated file', async () => {
    truncateSync(log, statSync(log).size - 1);
    expect(kinds(await verifyAuditLog(log, key.publicKey))).toEqual(['10:truncated']);
  });

  test('a reformatted line (whitespace) and a duplicated key are malformed', async () => {
    const lines = readLines(log);
    lines[1] = JSON.stringify(JSON.parse(lines[1]!), null, 1).replace(/\n/g, ' ');
    lines[6] = lines[6]!.replace('{', '{"result":"PASS",');
    writeLines(log, lines);
    expect(kinds(await verifyAuditLog(log, key.publicKey))).toEqual(['2:malformed', '7:malformed']);
  });

  test('garbage lines are malformed and verification resynchronises after them', async () => {
    const lines = readLines(log);
    lines.splice(5, 0, 'not json', '', '[]', '{"seq":1.5}');
    writeLines(log, lines);
    const v = await verifyAuditLog(log, key.publicKey);
    expect(kinds(v)).toEqual(['6:malformed', '7:malformed', '8:malformed', '9:malformed']);
    expect(v.entries).toBe(10);
  });

  test('a line that is not UTF-8 is malformed', async () => {
    appendFileSync(log, Buffer.from([0xff, 0xfe, 0x7b, 0x0a]));
    expect(kinds(await verifyAuditLog(log, key.publicKey))).toEqual(['11:malformed']);
  });
});

describe('the last line removed is invisible to the log alone; anchors catch it', () => {
  test('checkAnchor against lastSeq/lastHash and collected seqs', async () => {
    writeLines(log, readLines(log).slice(0, -1));
    const v = await verifyAuditLog(log, key.publicKey, { anchorSeqs: [3] });
    expect(v).toMatchObject({ ok: true, lastSeq: 9, lastHash: entries[8]?.hash });
    const last = entries[9]!;
    expect(checkAnchor(v, { seq: last.seq, entryHash: last.hash })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/log ends at seq 9: entries were removed/) as unknown,
    });
    expect(checkAnchor(v, { seq: 9, entryHash: entries[8]!.hash }).ok).toBe(true);
    expect(checkAnchor(v, { seq: 3, entryHash: entries[2]!.hash }).ok).toBe(true);
    expect(checkAnchor(v, { seq: 3, entryHash: entries[3]!.hash }).ok).toBe(false);
    expect(checkAnchor(v, { seq: 5, entryHash: entries[4]!.hash })).toMatchObject({ ok: false });
  });

  test('an anchor never passes on a tampered log', async () => {
    const lines = readLines(log);
    lines.splice(2, 1);
    writeLines(log, lines);
    const v = await verifyAuditLog(log, key.publicKey);
    expect(checkAnchor(v, { seq: v.lastSeq, entryHash: v.lastHash }).ok).toBe(false);
  });
});

describe('hostile and unreadable logs', () => {
  test('a 128 MiB line is malformed, read without buffering it, and the next line resyncs', async () => {
    const lines = readLines(log);
    writeFileSync(log, `${lines.slice(0, 5).join('\n')}\n`);
    appendFileSync(log, Buffer.alloc(128 * 1024 * 1024, 0x61));
    appendFileSync(log, `\n${lines.slice(5).join('\n')}\n`);
    const before = process.memoryUsage().rss;
    const v = await verifyAuditLog(log, key.publicKey);
    // buffering the line would grow RSS by 128 MiB at least; garbage chunks awaiting GC stay well under
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(kinds(v)).toEqual(['6:malformed']);
    expect(v.problems[0]?.message).toContain('over the 1048576-byte limit');
    expect(v.entries).toBe(10);
  });

  test('a huge unterminated tail is truncated, not a crash', async () => {
    appendFileSync(log, Buffer.alloc(3 * 1024 * 1024, 0x7b));
    expect(kinds(await verifyAuditLog(log, key.publicKey))).toEqual(['11:truncated']);
  });

  test('problems are capped; problemCount has the total', async () => {
    appendFileSync(log, 'x\n'.repeat(5000));
    const v = await verifyAuditLog(log, key.publicKey);
    expect(v.problems).toHaveLength(1000);
    expect(v.problemCount).toBe(5000);
  });

  test.for(['missing', 'directory'])('a %s log is ERR_AUDIT_UNREADABLE (exit 2)', async (what) => {
    const path = join(dir, what);
    if (what === 'directory') mkdirSync(path);
    const error = await verifyAuditLog(path, key.publicKey).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanslateError);
    expect(error).toMatchObject({ code: 'ERR_AUDIT_UNREADABLE', exitCode: 2, target: path });
  });
});

describe('readAuditLog', () => {
  test('streams the entries in order', async () => {
    const seen: number[] = [];
    for await (const e of readAuditLog(log)) seen.push(e.seq);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('a malformed line throws ERR_AUDIT_MALFORMED naming it (exit 5)', async () => {
    truncateSync(log, statSync(log).size - 10);
    const seen: number[] = [];
    const error = await (async () => {
      for await (const e of readAuditLog(log)) seen.push(e.seq);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(9);
    expect(error).toMatchObject({ code: 'ERR_AUDIT_MALFORMED', exitCode: 5 });
    expect((error as Error).message).toMatch(/^line 10: truncated/);
  });

  test('a missing log is ERR_AUDIT_UNREADABLE', async () => {
    const error = await readAuditLog(join(dir, 'nope'))
      .next()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_AUDIT_UNREADABLE' });
  });
});

test('a non-Ed25519 key never verifies an entry', async () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const v = await verifyAuditLog(log, publicKey);
  expect(v.ok).toBe(false);
  expect(v.problems.every((p) => p.kind === 'untrusted-key')).toBe(true);
});
