#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds once, runs the unit tests once and the
# integration tests (real PostgreSQL servers) once per supported version, the versions in
# parallel (each has its own port range). Exits non-zero on any failure.
#   PG_VERSIONS="15 16 18"   which versions to run the integration tests on
set -euo pipefail
cd "$(dirname "$0")/.."

PG_VERSIONS="${PG_VERSIONS:-15 16 18}"
# Integration tests at once per version: the three versions already share 2 cores, and a
# starved machine makes connection deadlines fire for the wrong reason.
WIDTH="${TEST_WIDTH:-3}"
bash scripts/setup.sh

echo "== build"
if ! swift build --build-tests >"${TMPDIR:-/tmp}/orchestrator-build.log" 2>&1; then
    cat "${TMPDIR:-/tmp}/orchestrator-build.log"
    exit 1
fi
tail -1 "${TMPDIR:-/tmp}/orchestrator-build.log"
BIN="$(swift build --show-bin-path)"
TESTS="$BIN/orchestratorPackageTests.xctest"

LOGS="$(mktemp -d /tmp/orchestrator-tests.XXXXXX)"
status=0

echo "== unit tests (and the ProxySQL stand-in tests, which need no PostgreSQL)"
if ! "$TESTS" --testing-library swift-testing --filter 'HostTests\.' --filter 'BuiltinsTests\.' >"$LOGS/unit.log" 2>&1; then status=1; fi
grep -E "✘|Test run with" "$LOGS/unit.log" || true

echo "== integration tests on PostgreSQL $PG_VERSIONS"
pids=()
fuzz=1  # the API fuzz test (APIFuzzTests) runs with the first version only
for v in $PG_VERSIONS; do
    PGHA_FUZZ="$fuzz" PGHA_TEST_PG_VERSION="$v" "$TESTS" --testing-library swift-testing --experimental-maximum-parallelization-width "$WIDTH" \
        --filter 'IntegrationTests\.' >"$LOGS/pg$v.log" 2>&1 &
    pids+=("$!")
    fuzz=0
done
i=0
for v in $PG_VERSIONS; do
    if ! wait "${pids[$i]}"; then status=1; fi
    i=$((i + 1))
    echo "-- PostgreSQL $v"
    grep -E "✘|Test run with" "$LOGS/pg$v.log" || tail -20 "$LOGS/pg$v.log"
done

# Totals in the plain form CI reads: "Test run with N tests in M suites passed|failed ...".
passed=$( (grep -hoE "Test run with [0-9]+ tests?" "$LOGS"/*.log || true) | awk '{ n += $4 } END { print n + 0 }')
failed=$( (grep -hE "✘ Test .* failed after" "$LOGS"/*.log || true) | (grep -v "✘ Test run" || true) | wc -l)
echo "logs: $LOGS"
echo "tests: $((passed - failed)) passed, $failed failed"
exit "$status"
