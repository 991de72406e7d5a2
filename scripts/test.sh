#!/usr/bin/env bash
# Installs what the tests need, builds, lints, type-checks and runs every test.
# As root with loop devices, the loop-device tests run too (CLEANSLATE_TEST_LOOP=1); set
# CLEANSLATE_TEST_DISALLOW_SKIP=loop (as .ci/run does) to make a skipped loop test a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib/install.sh
source scripts/lib/install.sh
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
echo "== tests (loop-device tests: ${CLEANSLATE_TEST_LOOP:-off})"
npx vitest run "$@"
