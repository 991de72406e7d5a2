// The README sections generated from the data tables must match the tables (no drift).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { applyTablesDoc, renderTablesDoc } from '../../../src/cli/tables-doc.js';
import { GUARDS } from '../../../src/guards/index.js';

describe('README tables', () => {
  test('are generated from the current tables (run node scripts/gen-tables-doc.mjs after npm run build)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(applyTablesDoc(readme, renderTablesDoc(GUARDS))).toBe(readme);
  });

  test('a missing section is an error', () => {
    expect(() => applyTablesDoc('no markers', renderTablesDoc(GUARDS))).toThrow(/BEGIN methods/);
  });
});
