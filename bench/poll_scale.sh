#!/usr/bin/env bash
# Poll scale: how many instances one daemon keeps fresh at InstancePollSeconds=1.
# 10 clusters (primary + 1 standby) = 20 real servers, each also listening on 50 loopback
# addresses (more clusters past 1,200 instances); the backend is pre-loaded with 1,000
# instance records, one per address:port,
# and the release-built daemon polls them all. Measures the daemon's CPU and RSS and the
# probe latency it reports, after a warm-up.
#   bench/poll_scale.sh [INSTANCES] [SECONDS] [PG_VERSION]
set -euo pipefail
cd "$(dirname "$0")/.."
INSTANCES="${1:-1000}"
SECONDS_MEASURED="${2:-60}"
VERSION="${3:-15}"
# PostgreSQL listens on at most 64 addresses (MAXLISTEN, the Unix socket included): beyond
# 10 clusters x 2 servers x 60 addresses, more clusters.
MAX_ALIASES=60
CLUSTERS=$(( (INSTANCES + 2 * MAX_ALIASES - 1) / (2 * MAX_ALIASES) ))
(( CLUSTERS < 10 )) && CLUSTERS=10
ALIASES=$(( (INSTANCES + 2 * CLUSTERS - 1) / (2 * CLUSTERS) ))
PORT="${BENCH_PORT:-3099}"

swift build -c release --scratch-path .build-release --product orchestrator >/dev/null
swift build -c release --scratch-path .build-release --product pollbench >/dev/null
swift build -c release --scratch-path .build-release --product pglab >/dev/null
BIN=.build-release/release
DIR="$(mktemp -d /tmp/orchestrator-pollbench.XXXXXX)"
cleanup() {
    [[ -n "${DAEMON:-}" ]] && kill -TERM "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null || true
    [[ -n "${LAB:-}" ]] && kill -TERM "$LAB" 2>/dev/null && wait "$LAB" 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT

"$BIN/pglab" --version "$VERSION" --clusters "$CLUSTERS" --standbys 1 --listen-aliases "$ALIASES" --state-file "$DIR/servers.json" >/dev/null &
LAB=$!
until [[ -s "$DIR/servers.json" ]]; do kill -0 "$LAB"; sleep 0.2; done
"$BIN/pollbench" --servers "$DIR/servers.json" --instances "$INSTANCES" --aliases "$ALIASES" \
    --backend "$DIR/orchestrator.sqlite3" --password orc-test-secret
cat > "$DIR/orchestrator.conf.json" <<JSON
{"ListenAddress": "127.0.0.1:$PORT", "SQLite3DataFile": "$DIR/orchestrator.sqlite3",
 "PostgreSQLTopologyUser": "orchestrator", "PostgreSQLTopologyPassword": "orc-test-secret",
 "PostgreSQLSSLMode": "disable", "InstancePollSeconds": 1, "DiscoveryMaxConcurrency": 50}
JSON
${DAEMON_ENV:-} "$BIN/orchestrator" --config "$DIR/orchestrator.conf.json" http 2>"$DIR/daemon.log" &
DAEMON=$!
python3 - "$DAEMON" "$PORT" "$INSTANCES" "$SECONDS_MEASURED" <<'PY'
import json, os, sys, time, urllib.request, datetime
pid, port, instances, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"): return int(line.split()[1]) / 1024
def machine():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(f), f[3] + f[4]
api_seconds = []
def instances_now():
    started = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/all-instances", timeout=120) as r:
        data = json.load(r)
    api_seconds.append(time.monotonic() - started)
    return data
for _ in range(300):
    try: urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=10).read(); break
    except Exception: time.sleep(0.2)
time.sleep(20)  # warm-up: every poller connected and in its rhythm
rss_polling_only = rss_mb()  # before any /api/all-instances answer was built
latencies, stale, invalid, samples, rss = [], [], [], 0, []
c0, t0, m0 = cpu(), time.monotonic(), machine()
end = t0 + seconds
while time.monotonic() < end:
    time.sleep(5)
    data = instances_now()
    now = datetime.datetime.now(datetime.timezone.utc)
    samples += 1
    assert len(data) == instances, f"{len(data)} instances, expected {instances}"
    for i in data:
        latencies.append(i["LastDiscoveryLatency"] / 1e6)
        checked = datetime.datetime.fromisoformat(i["LastCheckedTimestamp"].replace("Z", "+00:00"))
        stale.append((now - checked).total_seconds() > 2.0)
        invalid.append(not i["IsLastCheckValid"])
    rss.append(rss_mb())
c1, t1, m1 = cpu(), time.monotonic(), machine()
latencies.sort()
q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))]
print(f"instances {instances}, InstancePollSeconds 1, measured {t1 - t0:.0f} s after 20 s warm-up, {samples} samples")
print(f"daemon CPU: {(c1 - c0) / (t1 - t0):.3f} cores")
print(f"daemon RSS: {rss_polling_only:.0f} MB polling only; max {max(rss):.0f} MB with /api/all-instances every 5 s")
busy = 1 - (m1[1] - m0[1]) / (m1[0] - m0[0])
print(f"whole machine busy: {100 * busy:.0f} % of {os.cpu_count()} cores (PostgreSQL servers, daemon, sampler)")
print(f"probe latency (last probe per instance, sampled): p50 {q(0.5):.2f} ms, p99 {q(0.99):.2f} ms, max {latencies[-1]:.2f} ms")
print(f"stale (>2 s since last check) {100 * sum(stale) / len(stale):.2f} %, invalid {100 * sum(invalid) / len(invalid):.2f} %")
api_seconds.sort()
print(f"/api/all-instances answered in: median {api_seconds[len(api_seconds) // 2]:.2f} s, max {api_seconds[-1]:.2f} s")
PY
