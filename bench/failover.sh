#!/usr/bin/env bash
# Failover window: primary + 2 standbys, the release-built daemon (InstancePollSeconds 1),
# a client committing on every standby every 2 ms; SIGKILL of the primary's postmaster
# ("kill") or its host cut off in a network namespace ("cut", wal_receiver_timeout 2s).
# Prints per-run detection, promotion and window (fault → first commit on the new primary)
# and their median / p95 / min / max.
#   bench/failover.sh [RUNS] [PG_VERSIONS] [FAULTS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-10}"
VERSIONS="${2:-15 16 18}"
FAULTS="${3:-kill cut}"
swift build -c release --scratch-path .build-release --product orchestrator >/dev/null
swift build -c release --scratch-path .build-release --product failoverbench >/dev/null
BIN=.build-release/release
for fault in $FAULTS; do
    for version in $VERSIONS; do
        echo "== PostgreSQL $version, fault: $fault, $RUNS runs"
        PGHA_TEST_PG_VERSION="$version" "$BIN/failoverbench" --fault "$fault" --runs "$RUNS" --orchestrator "$BIN/orchestrator"
    done
done
