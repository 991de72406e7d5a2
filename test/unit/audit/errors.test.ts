import { expect, test } from 'vitest';
import { CleanslateError } from '../../../src/errors/index.js';

test.for([
  ['ERR_AUDIT_TAMPERED', 5],
  ['ERR_AUDIT_MALFORMED', 5],
  ['ERR_AUDIT_UNREADABLE', 2],
  ['ERR_AUDIT_IO', 4],
] as const)('%s exits %i', ([code, exit]) => {
  expect(new CleanslateError(code, 'x').exitCode).toBe(exit);
});
