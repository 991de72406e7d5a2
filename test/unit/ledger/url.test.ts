import { describe, expect, test } from 'vitest';
import { parseLedgerUrl, redactLedgerUrl } from '../../../src/ledger/index.js';

describe('ledger URLs', () => {
  test.for([
    ['postgres://host_a:s3cret@db.example:5432/cleanslate', 'postgres://host_a:***@db.example:5432/cleanslate'],
    ['postgresql://u:p%40ss@127.0.0.1/l?sslmode=require', 'postgresql://u:***@127.0.0.1/l?sslmode=require'],
    ['postgres://u@db/l?password=hunter2', 'postgres://u@db/l?password=***'],
    ['postgres://db/l', 'postgres://db/l'],
  ])('%s is accepted and shown as %s', ([text, shown]) => {
    const url = parseLedgerUrl(text!);
    expect(url.connectionString).toBe(text);
    expect(url.redacted).toBe(shown);
  });

  test.for(['http://db/l', 'db.example:5432', 'postgres://', ''])('%j is a usage error (exit 2)', (text) => {
    expect(() => parseLedgerUrl(text)).toThrow(expect.objectContaining({ code: 'ERR_LEDGER_URL', exitCode: 2 }));
  });

  test('a password never reaches the error message, even in an unparseable URL', () => {
    expect(redactLedgerUrl('postgres://u:topsecret@[bad/l')).not.toContain('topsecret');
    try {
      parseLedgerUrl('mysql://u:topsecret@db/l');
    } catch (error) {
      expect(String((error as Error & { describe(): string }).describe())).not.toContain('topsecret');
    }
  });
});
