#!/usr/bin/env bash
# Installs what the tests need, builds, lints, type-checks and runs every test.
# As root with loop devices, the loop-device tests run too (CLEANSLATE_TEST_LOOP=1); set
# CLEANSLATE_TEST_DISALLOW_SKIP=loop (as .ci/run does) to make a skipped loop test a failure.
# A throw-away PostgreSQL server (127.0.0.1, free port, temporary directory, removed on exit) runs
# the fleet-ledger tests (CLEANSLATE_TEST_PG_URL); CLEANSLATE_TEST_PG=0 skips starting it.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib/install.sh
source scripts/lib/install.sh
# shellcheck source=scripts/lib/postgres.sh
source scripts/lib/postgres.sh
install_system_packages
install_node_packages

echo "== build"; npm run --silent build
echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== format"; npm run --silent fmt:check

if [[ $(id -u) -eq 0 && -e /dev/loop-control ]]; then
  export CLEANSLATE_TEST_LOOP=${CLEANSLATE_TEST_LOOP:-1}
fi
export UV_THREADPOOL_SIZE=${UV_THREADPOOL_SIZE:-16}
if [[ ${CLEANSLATE_TEST_PG:-1} != 0 && -z ${CLEANSLATE_TEST_PG_URL:-} ]]; then
  trap stop_postgres EXIT
  trap 'exit 130' INT TERM
  start_postgres || echo "PostgreSQL did not start: the ledger tests will skip (or fail under CLEANSLATE_TEST_DISALLOW_SKIP=postgres)" >&2
fi
echo "== tests (loop-device tests: ${CLEANSLATE_TEST_LOOP:-off})"
npx vitest run "$@"
