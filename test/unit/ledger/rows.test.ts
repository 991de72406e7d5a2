// Row mapping: one column per signed fact, and any column that no longer says what the signed
// entry says is found.
import { describe, expect, test } from 'vitest';
import { computeEntryHash, signEntryHash, type AuditEntry } from '../../../src/audit/index.js';
import {
  ENTRY_COLUMNS,
  INSERT_CERTIFICATE_SQL,
  INSERT_ENTRY_SQL,
  entryParams,
  insertSql,
  mismatchedColumns,
} from '../../../src/ledger/rows.js';
import { makeTestKey } from '../../helpers/audit-log.js';

const key = makeTestKey();

function entry(): AuditEntry {
  const body = {
    seq: 7,
    ts: '2025-03-01T10:00:00.123Z',
    type: 'wipe.completed',
    target: '/dev/loop3',
    deviceId: 'sha256:dev',
    volumeId: 'vol-7',
    tenantId: 't-1',
    operator: 'ops',
    result: 'PASS',
    details: { method: 'zero', passes: 1 },
    keyId: key.signer.keyId,
    prevHash: 'a'.repeat(64),
  };
  const hash = computeEntryHash(body);
  return { ...body, hash, sig: signEntryHash(hash, key.signer) };
}

// A row as pg returns it for this entry: int8 as text, timestamptz as Date, jsonb parsed.
function rowOf(e: AuditEntry): Record<string, unknown> {
  const params = entryParams(e, 'host-1');
  const row = Object.fromEntries(ENTRY_COLUMNS.map((c, i) => [c.column, params[i]]));
  return { ...row, seq: String(e.seq), ts: new Date(e.ts), details: e.details ?? null };
}

describe('ledger rows', () => {
  test('INSERT statements: one placeholder per column, idempotent on the natural key', () => {
    expect(insertSql('keys', ['a', 'b'], ['a'])).toBe(
      'INSERT INTO cleanslate.keys (a, b) VALUES ($1, $2) ON CONFLICT (a) DO NOTHING RETURNING 1 AS inserted',
    );
    expect(INSERT_ENTRY_SQL).toContain('ON CONFLICT (key_id, seq) DO NOTHING');
    expect(INSERT_ENTRY_SQL.match(/\$\d+/g)).toHaveLength(ENTRY_COLUMNS.length + 1);
    expect(INSERT_CERTIFICATE_SQL).toContain('ON CONFLICT (certificate_id) DO NOTHING');
  });

  test('every entry field has a column; the whole entry is kept as canonical JSON', () => {
    const e = entry();
    const params = entryParams(e, 'host-1');
    expect(params.at(-1)).toBe('host-1');
    expect(JSON.parse(String(params[ENTRY_COLUMNS.findIndex((c) => c.column === 'entry')]))).toEqual(e);
  });

  test('a faithful row has no mismatch', () => {
    const e = entry();
    expect(mismatchedColumns(rowOf(e), e, ENTRY_COLUMNS)).toEqual([]);
  });

  test.for([
    ['result', 'FAIL'],
    ['volume_id', 'vol-8'],
    ['seq', '8'],
    ['ts', new Date('2025-03-01T10:00:01.123Z')],
    ['details', { method: 'zero', passes: 2 }],
    ['device_id', null],
  ] as const)('an altered %s column is found', ([column, value]) => {
    const e = entry();
    expect(mismatchedColumns({ ...rowOf(e), [column]: value }, e, ENTRY_COLUMNS)).toEqual([column]);
  });
});
