#!/usr/bin/env bash
# The product on its embedded defaults: a local PostgreSQL primary + 2 streaming standbys, the
# daemon with its SQLite backend, discovery seeded with the primary. Ctrl-C stops everything.
#   DEMO_PG_VERSION=15|16|18   PostgreSQL version (default 15)
#   DEMO_PORT=3000             API/UI port
#   DEMO_SECONDS=N             stop by itself after N seconds (for scripted runs)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${DEMO_PG_VERSION:-15}"
PORT="${DEMO_PORT:-3000}"
DIR="$(mktemp -d /tmp/orchestrator-demo.XXXXXX)"
BIN="$(swift build --show-bin-path)"

cleanup() {
    [[ -n "${DAEMON:-}" ]] && kill -TERM "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null || true
    [[ -n "${LAB:-}" ]] && kill -TERM "$LAB" 2>/dev/null && wait "$LAB" 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

"$BIN/pglab" --version "$VERSION" --standbys 2 --state-file "$DIR/servers.json" &
LAB=$!
for _ in $(seq 600); do [[ -s "$DIR/servers.json" ]] && break; kill -0 "$LAB" || exit 1; sleep 0.1; done
PRIMARY_PORT="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["primary"]["port"])' "$DIR/servers.json")"
PRIMARY_DATA="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["primary"]["dataDirectory"])' "$DIR/servers.json")"
# Every server is on its own port of one host, so the standbys cannot be found from the
# primary alone (pg_stat_replication shows addresses, not listening ports): seed them all.
SEEDS="$(python3 -c 'import json,sys; print(", ".join("\"%s:%s\"" % (s["host"], s["port"]) for s in json.load(open(sys.argv[1]))["servers"]))' "$DIR/servers.json")"

cat > "$DIR/orchestrator.conf.json" <<JSON
{
  "ListenAddress": "127.0.0.1:$PORT",
  "SQLite3DataFile": "$DIR/orchestrator.sqlite3",
  "PostgreSQLTopologyUser": "orchestrator",
  "PostgreSQLTopologyPassword": "\${DEMO_PG_PASSWORD}",
  "PostgreSQLSSLMode": "disable",
  "InstancePollSeconds": 1,
  "DiscoverySeeds": [$SEEDS],
  "RecoverMasterClusterFilters": [".*"],
  "RecoveryPeriodBlockSeconds": 60
}
JSON

DEMO_PG_PASSWORD=orc-test-secret "$BIN/orchestrator" --config "$DIR/orchestrator.conf.json" http &
DAEMON=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break; kill -0 "$DAEMON" || exit 1; sleep 0.1; done

cat <<TEXT

  orchestrator is running (PostgreSQL $VERSION, primary 127.0.0.1:$PRIMARY_PORT + 2 standbys)
    API:    http://127.0.0.1:$PORT/api/health
    config: $DIR/orchestrator.conf.json
  Try a failover: kill -9 \$(head -1 $PRIMARY_DATA/postmaster.pid)
    then: curl -s http://127.0.0.1:$PORT/api/audit-recovery
  Ctrl-C stops the daemon and the servers.

TEXT
if [[ -n "${DEMO_SECONDS:-}" ]]; then sleep "$DEMO_SECONDS"; else wait "$DAEMON"; fi
