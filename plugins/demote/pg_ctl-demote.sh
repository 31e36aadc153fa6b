#!/usr/bin/env bash
# Demote step for `DemoteProcesses` (docs/switchover.md): turns the old primary of a graceful
# switchover into a streaming standby of the new one, on a host where the daemon can run
# pg_ctl itself (the old primary's data directory is on this machine).
#
#   pg_ctl-demote.sh --data-dirs FILE --bin-dir DIR --passfile FILE [--user NAME]
#                    [--replication-user NAME] [--sslmode MODE] [--os-user NAME]
#                    [--timeout SECONDS] [--no-slot]
#
# --data-dirs   lines "host:port /data/directory [server log file]"; '#' starts a comment.
#               The old primary is looked up as $ORC_FAILED_HOST:$ORC_FAILED_PORT.
# --bin-dir     the PostgreSQL binaries of that data directory's major version.
# --passfile    a libpq password file (mode 0600, owned by --os-user) with the lines for
#               --user (pg_rewind, slot creation) and --replication-user (streaming) on the
#               new primary. Passwords never go on a command line or into the environment.
# --user        a superuser on the new primary for pg_rewind (default: orchestrator).
# --replication-user  the role the demoted node streams with (default: replicator).
# --os-user     the data directory's owner (default: whoever owns it); when run as root the
#               PostgreSQL programs run as that user through runuser.
# --no-slot     do not create a physical replication slot for it on the new primary.
#
# Steps: fast stop (if running) → CHECKPOINT on the new primary → pg_rewind from it (a no-op when the histories
# did not diverge; the old primary's own *.conf files are kept, pg_rewind would copy the new
# primary's) → standby.signal, primary_conninfo (host/port of the new primary) and
# primary_slot_name in postgresql.auto.conf → slot on the new primary → start.
# Exit 0: started as a standby (the daemon then checks it streams). Non-zero: see the output;
# the daemon keeps the node read-only and downtimed.
set -euo pipefail

DATA_DIRS="" BIN_DIR="" PASSFILE="" DB_USER="orchestrator" REPL_USER="replicator" SSLMODE="prefer"
OS_USER="" TIMEOUT=120 SLOT=1
while [ $# -gt 0 ]; do
    case "$1" in
        --data-dirs) DATA_DIRS="$2"; shift 2 ;;
        --bin-dir) BIN_DIR="$2"; shift 2 ;;
        --passfile) PASSFILE="$2"; shift 2 ;;
        --user) DB_USER="$2"; shift 2 ;;
        --replication-user) REPL_USER="$2"; shift 2 ;;
        --sslmode) SSLMODE="$2"; shift 2 ;;
        --os-user) OS_USER="$2"; shift 2 ;;
        --timeout) TIMEOUT="$2"; shift 2 ;;
        --no-slot) SLOT=0; shift ;;
        *) echo "pg_ctl-demote: unknown argument $1" >&2; exit 2 ;;
    esac
done
fail() { echo "pg_ctl-demote: $*" >&2; exit 1; }
[ -n "$DATA_DIRS" ] && [ -r "$DATA_DIRS" ] || fail "--data-dirs FILE is required and must be readable"
[ -x "$BIN_DIR/pg_ctl" ] && [ -x "$BIN_DIR/pg_rewind" ] || fail "--bin-dir $BIN_DIR has no pg_ctl / pg_rewind"
[ -n "$PASSFILE" ] && [ -r "$PASSFILE" ] || fail "--passfile FILE is required and must be readable"
for v in ORC_FAILED_HOST ORC_FAILED_PORT ORC_SUCCESSOR_HOST ORC_SUCCESSOR_PORT; do
    [ -n "${!v:-}" ] || fail "$v is not set: run me as a DemoteProcesses hook"
done

OLD="$ORC_FAILED_HOST:$ORC_FAILED_PORT"
read -r DATA LOG < <(awk -v key="$OLD" '$1 == key { print $2, ($3 == "" ? "-" : $3); exit }' "$DATA_DIRS") || true
[ -n "${DATA:-}" ] || fail "no data directory for $OLD in $DATA_DIRS"
[ -f "$DATA/PG_VERSION" ] || fail "$DATA is not a PostgreSQL data directory"
[ "$LOG" != "-" ] || LOG="$DATA/pg_ctl-demote.log"
[ -n "$OS_USER" ] || OS_USER="$(stat -c %U "$DATA")"

as_owner() {
    if [ "$(id -u)" = 0 ] && [ "$OS_USER" != root ]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi
}
# A conninfo value in single quotes (\ and ' escaped), for libpq.
cvalue() { local v="${1//\\/\\\\}"; printf "'%s'" "${v//\'/\\\'}"; }
SOURCE="host=$(cvalue "$ORC_SUCCESSOR_HOST") port=$ORC_SUCCESSOR_PORT dbname=postgres sslmode=$SSLMODE passfile=$(cvalue "$PASSFILE")"

echo "demoting $OLD ($DATA) into a standby of $ORC_SUCCESSOR_HOST:$ORC_SUCCESSOR_PORT"
if as_owner "$BIN_DIR/pg_ctl" status -D "$DATA" >/dev/null 2>&1; then
    as_owner "$BIN_DIR/pg_ctl" stop -D "$DATA" -m fast -w -t "$TIMEOUT"
fi

source_sql() {
    as_owner "$BIN_DIR/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$SOURCE user=$(cvalue "$DB_USER")" -c "$1"
}
# A just-promoted primary records its new timeline in pg_control only at its next checkpoint;
# before that, pg_rewind (15 and older) sees one timeline and wrongly finds nothing to rewind.
source_sql "CHECKPOINT"

# pg_rewind copies the source's configuration files over ours: keep ours (and our log).
SAVED="$(mktemp -d)"
trap 'rm -rf "$SAVED"' EXIT
for f in "$DATA"/*.conf "$LOG"; do
    if [ -f "$f" ] && [ "$(dirname "$f")" = "$DATA" ]; then cp -p "$f" "$SAVED/"; fi
done
as_owner "$BIN_DIR/pg_rewind" -D "$DATA" --source-server="$SOURCE user=$(cvalue "$DB_USER")"
for f in "$SAVED"/* "$SAVED"/.[!.]*; do
    if [ -f "$f" ]; then cp -p "$f" "$DATA/"; fi
done
# Socket lock files of the source come along when its sockets live in its data directory;
# ours is down, so none of them is live here.
find "$DATA" -maxdepth 1 -name '.s.PGSQL.*' ! -type s -delete

SLOT_NAME=""
if [ "$SLOT" = 1 ]; then
    SLOT_NAME="$(as_owner "$BIN_DIR/postgres" -D "$DATA" -C cluster_name 2>/dev/null || true)"
    [ -n "$SLOT_NAME" ] || SLOT_NAME="${ORC_FAILED_HOST}_${ORC_FAILED_PORT}"
    SLOT_NAME="$(printf '%s' "$SLOT_NAME" | tr -c 'a-zA-Z0-9_' '_' | tr 'A-Z' 'a-z' | cut -c1-63)"
    source_sql "SELECT pg_create_physical_replication_slot('$SLOT_NAME', true) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$SLOT_NAME')" >/dev/null
    echo "replication slot $SLOT_NAME present on $ORC_SUCCESSOR_HOST:$ORC_SUCCESSOR_PORT"
fi

# While the server is down, postgresql.auto.conf is ours to edit (as pg_basebackup -R does).
CONNINFO="host=$(cvalue "$ORC_SUCCESSOR_HOST") port=$ORC_SUCCESSOR_PORT user=$(cvalue "$REPL_USER") passfile=$(cvalue "$PASSFILE") sslmode=$SSLMODE"
AUTO="$DATA/postgresql.auto.conf"
grep -v -E '^[[:space:]]*(primary_conninfo|primary_slot_name)[[:space:]]*=' "$AUTO" > "$SAVED/auto.conf.new" || true
{
    printf "primary_conninfo = '%s'\n" "${CONNINFO//\'/\'\'}"
    [ -z "$SLOT_NAME" ] || printf "primary_slot_name = '%s'\n" "$SLOT_NAME"
} >> "$SAVED/auto.conf.new"
cat "$SAVED/auto.conf.new" > "$AUTO"
rm -f "$DATA/recovery.signal"
as_owner touch "$DATA/standby.signal"

as_owner "$BIN_DIR/pg_ctl" start -D "$DATA" -w -t "$TIMEOUT" -l "$LOG"
echo "$OLD started as a standby of $ORC_SUCCESSOR_HOST:$ORC_SUCCESSOR_PORT"
