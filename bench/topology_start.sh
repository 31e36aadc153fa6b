#!/usr/bin/env bash
# How long the test harness takes to bring up a primary + 2 streaming standbys, from a cold
# process (initdb of the template included) to every standby streaming.
#   bench/topology_start.sh [RUNS] [VERSIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-10}"
VERSIONS="${2:-15 16 18}"
BIN="$(swift build --show-bin-path)"
swift build --product pglab >/dev/null

for v in $VERSIONS; do
    times=()
    for _ in $(seq "$RUNS"); do
        state="$(mktemp -u /tmp/pglab-bench.XXXXXX)"
        start=$(date +%s.%N)
        "$BIN/pglab" --version "$v" --standbys 2 --state-file "$state" >/dev/null &
        lab=$!
        until [[ -s "$state" ]]; do sleep 0.01; done
        end=$(date +%s.%N)
        kill -TERM "$lab"; wait "$lab" || true
        rm -f "$state"
        times+=("$(echo "$end - $start" | awk '{ print $1 - $3 }')")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v v="$v" '
        { t[NR] = $1 }
        END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
              printf "PostgreSQL %s: primary + 2 standbys streaming: median %.2f s, min %.2f s, max %.2f s (%d runs)\n", v, m, t[1], t[NR], NR }'
done
