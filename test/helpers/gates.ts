// Gates for tests that need root and loop devices. They may skip only where nothing forbids it:
// CI sets CLEANSLATE_TEST_DISALLOW_SKIP=loop, and then a skip is an error (restic's SkipDisallowed).
import { describe } from 'vitest';

export const isRoot = process.getuid?.() === 0;
export const loopReady = process.env.CLEANSLATE_TEST_LOOP === '1' && isRoot;

if (!loopReady && (process.env.CLEANSLATE_TEST_DISALLOW_SKIP ?? '').split(',').includes('loop')) {
  throw new Error(
    'loop-device tests are required here (CLEANSLATE_TEST_DISALLOW_SKIP=loop) but not root or CLEANSLATE_TEST_LOOP!=1',
  );
}

export const describeLoop = describe.runIf(loopReady);

// PostgreSQL for the fleet-ledger tests: scripts/test.sh starts one and exports its superuser URL.
// The tests skip without it, unless CLEANSLATE_TEST_DISALLOW_SKIP contains `postgres` (as in .ci/run).
export const postgresUrl = process.env.CLEANSLATE_TEST_PG_URL;

if (!postgresUrl && (process.env.CLEANSLATE_TEST_DISALLOW_SKIP ?? '').split(',').includes('postgres')) {
  throw new Error(
    'PostgreSQL tests are required here (CLEANSLATE_TEST_DISALLOW_SKIP=postgres) but CLEANSLATE_TEST_PG_URL is not set (scripts/test.sh starts a server)',
  );
}

export const describePostgres = describe.runIf(Boolean(postgresUrl));
