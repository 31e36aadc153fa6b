#!/usr/bin/env python3
"""Fuzzes every route of the daemon's HTTP API, read from its OpenAPI document.

Two generators, one after the other, within --budget seconds:
  1. boundaries: every path parameter of every route, one at a time (the others valid), set
     to integer boundaries, NaN, NUL, 64 KiB strings, odd Unicode, `..`, `%2e%2e`, broken
     percent-encoding; every route also with trailing and doubled slashes;
  2. schemathesis (property-based, from the OpenAPI document), positive and negative cases.

Meanwhile a monitor asks /api/health every half second and checks that the watched instances
keep being probed (their LastCheckedTimestamp advances; a fuzzed `forget` is undone by
re-discovering them).

Passes (exit 0, "api_fuzz: PASS") when: the daemon never stops answering, no answer is an
unexpected 5xx, health stays 200, probing never stalls. An expected 5xx is upstream's v1
convention: HTTP 500 with the `{"Code":"ERROR"}` envelope for a refusal ("unknown instance",
"cannot discover"), except a message starting "Internal error:" (an unhandled error).

Safety: the daemon connects to what `discover` names, and resolves host names through DNS.
Host values that would pass the API's validation are only sent when they are loopback literals
(others become 127.0.0.2, where nothing of the test listens);
`discover` of a loopback host gets one of the watched ports or port 1 (closed), so the daemon
never reaches beyond this test's own servers.

  api_fuzz.py --base http://127.0.0.1:3000 --openapi docs/openapi.json --watch 127.0.0.1:5432 --budget 100
"""
import argparse
import http.client
import json
import random
import re
import sys
import threading
import time
import urllib.parse

HOST_PARAMS = {"host", "candHost", "belowHost", "siblingHost"}
# Upstream's v1 routes answer a refusal with HTTP 500 and this envelope; so do ours.
V1_REFUSAL = "ERROR"


class Daemon:
    def __init__(self, base):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.local = threading.local()

    def request(self, method, path, timeout=30.0):
        """(status, body bytes, seconds); raises OSError when the daemon does not answer."""
        start = time.monotonic()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            # skip_accept_encoding etc.: the raw path goes out exactly as built.
            conn.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
            conn.endheaders()
            resp = conn.getresponse()
            body = resp.read()
            return resp.status, body, time.monotonic() - start
        finally:
            conn.close()


class Findings:
    def __init__(self):
        self.lock = threading.Lock()
        self.problems = []
        self.requests = 0
        self.by_status = {}
        self.slowest = (0.0, "")
        self.dead = threading.Event()

    def add(self, text):
        with self.lock:
            if len(self.problems) < 200:
                self.problems.append(text)
        print("PROBLEM: " + text, flush=True)

    def answered(self, status, seconds, path):
        with self.lock:
            self.requests += 1
            self.by_status[status] = self.by_status.get(status, 0) + 1
            if seconds > self.slowest[0]:
                self.slowest = (seconds, path[:200])


def unexpected_5xx(path, status, body):
    """None when the answer is fine, else why it is not."""
    if status < 500:
        return None
    try:
        doc = json.loads(body)
    except ValueError:
        return f"HTTP {status} without a JSON body: {body[:200]!r}"
    is_v2 = "/api/v2/" in path.split("?")[0]
    if not is_v2 and status == 500 and isinstance(doc, dict) and doc.get("Code") == V1_REFUSAL:
        message = str(doc.get("Message", ""))
        if message.startswith("Internal error"):
            return f"HTTP 500 from an unhandled error: {message[:300]}"
        return None
    return f"HTTP {status}: {body[:300]!r}"


def is_loopback_literal(host):
    if host in ("localhost", "[::1]"):
        return True
    parts = host.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts)


def would_pass_host_validation(decoded):
    """The API's own rule (APIParameters.isHostname) plus its length limit, generously."""
    if not decoded or len(decoded.encode("utf-8", "surrogatepass")) > 255:
        return False
    if decoded.startswith("[") and decoded.endswith("]"):
        return True
    return all((c.isascii() and c.isalnum()) or c in ".-_" for c in decoded)


def safe_host(raw):
    """`raw` (as sent, percent-encoded) when the daemon cannot resolve or reach it; else loopback."""
    try:
        decoded = urllib.parse.unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return raw
    if would_pass_host_validation(decoded) and not is_loopback_literal(decoded):
        # Loopback, but no instance of the test: a fuzzed value must not turn into a real
        # switchover or forget of the watched cluster.
        return "127.0.0.2"
    return raw


class Route:
    def __init__(self, path, method, parameters):
        self.path = path
        self.method = method.upper()
        self.path_params = [p for p in parameters if p.get("in") == "path"]
        self.query_params = [p for p in parameters if p.get("in") == "query"]

    def build(self, values, query=None, safe_ports=()):
        """The raw request path: `values` are already encoded as they should go on the wire."""
        values = dict(values)
        for name in values:
            if name in HOST_PARAMS or (self.is_instance_pair(name)):
                values[name] = safe_host(values[name])
        if "/discover/" in self.path:
            host = urllib.parse.unquote(values.get("host", ""))
            if is_loopback_literal(host) and values.get("port") not in safe_ports:
                values["port"] = "1"
        path = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], self.path)
        if query:
            path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return path

    def is_instance_pair(self, name):
        # graceful-master-takeover/{a}/{b}[/{c}/{d}]: a or c is a host when followed by a port.
        if "graceful-master-takeover" not in self.path:
            return False
        names = [p["name"] for p in self.path_params]
        return (name == "a" and len(names) in (2, 4)) or (name == "b" and len(names) == 3) or (name == "c" and len(names) == 4)


def load_routes(openapi_path):
    with open(openapi_path) as f:
        doc = json.load(f)
    routes = []
    for path, item in doc["paths"].items():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method.lower() not in ("get", "post", "put", "delete", "patch"):
                continue
            routes.append(Route(path, method, shared + op.get("parameters", [])))
    return doc, routes


def boundary_values():
    big = "A" * 65536
    return [
        "0", "-1", "1", "65535", "65536", "2147483647", "2147483648", "-2147483649", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "999999999999999999", "99999999999999999999999999", "1e400", "-1e400", "1e18", "NaN", "nan", "Infinity",
        "-Infinity", "0x10", "+5", "00000000005", "1.5", "%20", "%00", "a%00b", "%0d%0aX-Injected:%201",
        big, "%41" * 3000, "%E2%80%AE" + "abc",  # U+202E RIGHT-TO-LEFT OVERRIDE
        "e" + "%CC%81" * 200,  # combining acute accents
        "%ED%A0%80", "%ED%BF%BF%ED%A0%80",  # lone surrogates, UTF-8-encoded (invalid UTF-8)
        "%F0%9F%92%A9", "%EF%BB%BF", "%E2%80%8B", "%FF%FE", "%C0%AE%C0%AE",  # overlong '..'
        "..", "%2e%2e", "%2E%2E%2F%2E%2E", "..%2f..%2fetc%2fpasswd", ".", "%2F", "%5C", "%", "%zz", "%2", "%%",
        "%25", "%3A", "127.0.0.1%3A5432", "-x", "--help", "%27%3B%20DROP%20TABLE%20x%3B--", "%7B%7D", "%24%28id%29",
        "a" * 255, "a" * 256, "%E2%80%AE" * 100,
    ]


def valid_values(route, cluster, watch_host, watch_port):
    values = {}
    for p in route.path_params:
        name, schema = p["name"], p.get("schema", {})
        if name in HOST_PARAMS:
            values[name] = watch_host
        elif schema.get("type") == "integer":
            values[name] = str(watch_port) if schema.get("maximum") == 65535 else "0"
        elif "enum" in schema:
            values[name] = schema["enum"][0]
        elif name in ("hint", "name", "alias", "a"):
            values[name] = urllib.parse.quote(cluster, safe="")
        elif name == "duration":
            values[name] = "1m"
        else:
            values[name] = "fuzz"
    if route.is_instance_pair("a") and "a" in values:
        values["a"] = watch_host
    return values


def shape_variants(path):
    """The same request with trailing, doubled, dot and dot-dot segments."""
    out = [path + "/", path + "//", path.replace("/api/", "/api//", 1), path.replace("/api/", "//api/", 1),
           path + "/.", path + "/..", path + "/%2e%2e", path.replace("/api/", "/api/./", 1),
           path.replace("/api/", "/api/x/../", 1), path + "?", path + "?page=99999999999999999999&x=%00", path + "#frag"]
    return out


def monitor(daemon, findings, watched, stop, rediscovered):
    last_change = {key: (None, time.monotonic()) for key in watched}
    next_instance_check = 0.0
    while not stop.is_set():
        try:
            status, body, seconds = daemon.request("GET", "/api/health", timeout=20)
            if status != 200:
                findings.add(f"/api/health answered {status}: {body[:200]!r}")
            elif seconds > 10:
                findings.add(f"/api/health took {seconds:.1f} s")
        except OSError as error:
            findings.add(f"/api/health: the daemon does not answer ({error})")
            findings.dead.set()
            return
        now = time.monotonic()
        if now >= next_instance_check:
            next_instance_check = now + 1.0
            for key in watched:
                host, port = key.rsplit(":", 1)
                try:
                    status, body, _ = daemon.request("GET", f"/api/instance/{host}/{port}", timeout=10)
                except OSError as error:
                    findings.add(f"instance {key}: the daemon does not answer ({error})")
                    findings.dead.set()
                    return
                if status != 200:
                    # A fuzzed forget (or cluster forget) removed it: put it back, as an operator would.
                    daemon.request("GET", f"/api/discover/{host}/{port}", timeout=10)
                    rediscovered[key] = rediscovered.get(key, 0) + 1
                    last_change[key] = (None, time.monotonic())
                    continue
                checked = json.loads(body).get("LastCheckedTimestamp")
                previous, since = last_change[key]
                if checked != previous:
                    last_change[key] = (checked, now)
                elif now - since > 15:
                    findings.add(f"instance {key}: LastCheckedTimestamp stuck at {checked} for {now - since:.0f} s (probing stalled)")
                    last_change[key] = (checked, now)
        stop.wait(0.5)


def send(daemon, findings, method, path, label):
    if findings.dead.is_set():
        return False
    try:
        status, body, seconds = daemon.request(method, path)
    except OSError as error:
        # One retry tells a dead daemon from a dropped connection.
        time.sleep(0.5)
        try:
            daemon.request("GET", "/api/health", timeout=10)
            findings.add(f"{label} {method} {path[:300]}: connection failed ({error}), daemon still up")
            return True
        except OSError:
            findings.add(f"{label} {method} {path[:300]}: the daemon died while this request was in flight ({error})")
            findings.dead.set()
            return False
    findings.answered(status, seconds, path)
    why = unexpected_5xx(path, status, body)
    if why:
        findings.add(f"{label} {method} {path[:300]}: {why}")
    if seconds > 30:
        findings.add(f"{label} {method} {path[:200]}: took {seconds:.1f} s")
    return True


def boundary_requests(routes, args, skip):
    """Every (method, path, label) of the deterministic half, in route order."""
    cluster = args.cluster or args.watch[0]
    watch_host, watch_port = args.watch[0].rsplit(":", 1)
    safe_ports = {w.rsplit(":", 1)[1] for w in args.watch}
    for route in routes:
        if skip and skip.search(route.path):
            continue
        valid = valid_values(route, cluster, watch_host, watch_port)
        for param in route.path_params:
            for value in boundary_values():
                values = dict(valid)
                values[param["name"]] = value
                yield route.method, route.build(values, safe_ports=safe_ports), "boundary"
        if route.path_params:
            broken = route.build({p["name"]: "%2e%2e" for p in route.path_params}, safe_ports=safe_ports)
        else:
            broken = route.path
        for path in shape_variants(broken):
            yield route.method, path, "shape"
        for q in route.query_params:
            for value in boundary_values():
                yield route.method, route.build(dict(valid), query={q["name"]: value}, safe_ports=safe_ports), "query"
    # Methods the API does not serve, on a read and a write.
    for method in ("HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "FOO"):
        for path in ("/api/clusters", "/api/disable-global-recoveries", "/api/nonexistent/%00"):
            yield method, path, "method"


def run_boundaries(daemon, findings, routes, args, deadline, skip):
    """Sends the boundary requests from a few threads at once (a real client is not polite
    either, and the whole set must fit the budget); returns how many were left unsent."""
    work = list(boundary_requests(routes, args, skip))
    lock = threading.Lock()
    position = [0]

    def worker():
        while not findings.dead.is_set() and time.monotonic() < deadline:
            with lock:
                if position[0] >= len(work):
                    return
                method, path, label = work[position[0]]
                position[0] += 1
            send(daemon, findings, method, path, label)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(work) - position[0]


def run_schemathesis(daemon, findings, routes, args, deadline, skip):
    try:
        import schemathesis
        from hypothesis import HealthCheck, Phase, given, settings
        from schemathesis.generation.modes import GenerationMode
    except ImportError as error:
        findings.add(f"schemathesis is not installed ({error}); run scripts/setup.sh")
        return
    schema = schemathesis.openapi.from_path(args.openapi)
    operations = [result.ok() for result in schema.get_all_operations()]
    random.Random(args.seed).shuffle(operations)
    by_path = {(r.path, r.method): r for r in routes}
    safe_ports = {w.rsplit(":", 1)[1] for w in args.watch}
    remaining = [op for op in operations if not (skip and skip.search(op.path))]
    if not remaining:
        return
    for index, operation in enumerate(remaining):
        route = by_path.get((operation.path, operation.method.upper()))
        if route is None or findings.dead.is_set():
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            return
        # Share what is left evenly between the operations still to do.
        share = left / (len(remaining) - index)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            stop_at = time.monotonic() + share / 2

            @settings(max_examples=args.examples, deadline=None, database=None, derandomize=False,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
            @given(case=operation.as_strategy(generation_mode=mode))
            def one(case):
                if time.monotonic() > stop_at or findings.dead.is_set():
                    return
                values = {name: urllib.parse.quote(str(value), safe="") for name, value in (case.path_parameters or {}).items()}
                for p in route.path_params:
                    values.setdefault(p["name"], "x")
                query = None
                if case.query:
                    query = {urllib.parse.quote(str(k), safe=""): urllib.parse.quote(str(v), safe="") for k, v in case.query.items()}
                send(daemon, findings, route.method, route.build(values, query=query, safe_ports=safe_ports), "schemathesis")

            try:
                one()
            except Exception as error:  # a generation problem is ours, not the daemon's
                print(f"note: schemathesis could not generate for {operation.method} {operation.path} ({mode}): {error}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="http://127.0.0.1:PORT (the daemon)")
    parser.add_argument("--openapi", required=True, help="path of docs/openapi.json")
    parser.add_argument("--watch", action="append", required=True, help="host:port of an instance that must keep being probed")
    parser.add_argument("--cluster", help="the cluster name (default: the first watched instance)")
    parser.add_argument("--budget", type=float, default=100, help="seconds for both generators together")
    parser.add_argument("--examples", type=int, default=60, help="schemathesis examples per operation and mode, at most")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--parallel", type=int, default=3, help="boundary requests in flight at once")
    parser.add_argument("--skip", help="regular expression of route templates not to fuzz (diagnosis only)")
    args = parser.parse_args()
    for key in args.watch:
        if not is_loopback_literal(key.rsplit(":", 1)[0]):
            sys.exit(f"--watch {key}: only loopback instances")
    if not is_loopback_literal(urllib.parse.urlsplit(args.base).hostname or ""):
        sys.exit("--base: only a loopback daemon")

    print(f"api_fuzz: seed {args.seed}, budget {args.budget:.0f} s", flush=True)
    daemon = Daemon(args.base)
    findings = Findings()
    _, routes = load_routes(args.openapi)
    skip = re.compile(args.skip) if args.skip else None
    stop = threading.Event()
    rediscovered = {}
    watcher = threading.Thread(target=monitor, args=(daemon, findings, args.watch, stop, rediscovered), daemon=True)
    watcher.start()
    start = time.monotonic()
    # The boundaries first (deterministic, the known traps), then schemathesis in what is left.
    unsent = run_boundaries(daemon, findings, routes, args, start + args.budget * 0.6, skip)
    boundary_count = findings.requests
    if unsent and not findings.dead.is_set():
        # A slow machine is not the daemon's fault; say so rather than fail.
        print(f"api_fuzz: note: {unsent} boundary requests did not fit in the budget (raise --budget)", flush=True)
    run_schemathesis(daemon, findings, routes, args, start + args.budget, skip)
    # The monitor keeps watching a little after the last request: a delayed crash counts.
    time.sleep(3)
    stop.set()
    watcher.join(timeout=15)

    print(f"api_fuzz: {len(routes)} routes, {findings.requests} requests ({boundary_count} boundary, "
          f"{findings.requests - boundary_count} schemathesis) in {time.monotonic() - start:.0f} s; statuses "
          + ", ".join(f"{k}: {v}" for k, v in sorted(findings.by_status.items()))
          + f"; slowest {findings.slowest[0]:.2f} s ({findings.slowest[1][:100]}); re-discovered {rediscovered or 'none'}", flush=True)
    failed = len(findings.problems)
    print("api_fuzz: PASS" if not failed else "api_fuzz: FAIL", flush=True)
    if failed:
        print(f"api_fuzz: {failed} problem(s); first: {findings.problems[0]}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
