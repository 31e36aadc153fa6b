#!/usr/bin/env bash
# Write pause of a planned switchover: primary + 2 standbys, the release-built daemon with the
# default demote script (plugins/demote/pg_ctl-demote.sh), a client committing one row at a
# time on whichever server accepts it; then graceful-master-takeover to the first standby.
# Prints per run the longest gap between two acknowledged commits and the acknowledged
# commits missing on the new primary (must be 0), and the median / p95 / min / max gap.
#   bench/switchover.sh [RUNS] [PG_VERSIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-10}"
VERSIONS="${2:-15 16 18}"
swift build -c release --scratch-path .build-release --product orchestrator >/dev/null
swift build -c release --scratch-path .build-release --product failoverbench >/dev/null
BIN=.build-release/release
for version in $VERSIONS; do
    echo "== PostgreSQL $version, switchover, $RUNS runs"
    PGHA_TEST_PG_VERSION="$version" "$BIN/failoverbench" --fault switchover --runs "$RUNS" \
        --orchestrator "$BIN/orchestrator" --demote-script plugins/demote/pg_ctl-demote.sh
done
