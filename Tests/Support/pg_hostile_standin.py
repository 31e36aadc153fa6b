#!/usr/bin/env python3
"""A hostile PostgreSQL server: speaks enough of the v3 wire protocol for libpq (startup,
cleartext or trust authentication, ParameterStatus, simple and extended query protocol) and
answers the daemon's probe queries (Sources/Host/Topology/ProbeQuery.swift) with values a real
PostgreSQL never sends. Review F3/F17: an instance that lies must not crash the daemon or
poison its store.

Each probe answer takes the next hostile variant, round robin, so a daemon polling every second
sees them all within a few seconds:

  nan-lag        standby, replay timestamp NaN, a replica row with replay lag 1e400
  infinite-lag   standby, replay timestamp -Infinity (an infinite lag before the fix)
  huge-clock     now() = 1e300 (a lastSeen millennia away)
  max-lsn        standby claiming FFFFFFFF/FFFFFFFF received and replayed
  max-lsn-orphan the same without a WAL receiver (not in the default rotation)
  nulls          every column NULL (the probe must fail to decode, not trap)
  garbage        non-numbers where numbers go, invalid JSON, an unparseable LSN

The identity query (once per connection) answers server_version_num 99999 and version
"garbage"; with --flip-identity the system identifier changes on every connection, and the
server closes the connection after each probe so the next probe reconnects and sees it change.
`--system-identifier` and `--upstream-port` make it claim to stream from a real primary (as an
attacker with IDENTIFY_SYSTEM could), so it joins that primary's cluster as a standby.

Every other statement is answered as a standby holding all WAL there is would: each `AS name`
column of a SELECT gets a fitting lie (LSNs FFFFFFFF/FFFFFFFF, in recovery until pg_promote,
which "succeeds"), SET and ALTER SYSTEM are acknowledged.
Logs each query it answers (one line, truncated) to stdout.

Usage: pg_hostile_standin.py --port N [--password PW] [--ready-file PATH] [--system-identifier ID]
       [--upstream-port P] [--flip-identity] [--variants nan-lag,max-lsn,...]
"""

import argparse
import asyncio
import json
import os
import re
import secrets
import struct

from standin_wire import cstring, error_message, message, run, serve

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102
PROTOCOL_V3 = 196608
TEXT_OID = 25

VARIANTS = ["nan-lag", "infinite-lag", "huge-clock", "max-lsn", "nulls", "garbage"]


def row_description(columns):
    payload = struct.pack("!H", len(columns))
    for name in columns:
        payload += cstring(name) + struct.pack("!IHIhih", 0, 0, TEXT_OID, -1, -1, 0)
    return message(b"T", payload)


def data_row(values):
    payload = struct.pack("!H", len(values))
    for value in values:
        if value is None:
            payload += struct.pack("!i", -1)
        else:
            encoded = str(value).encode()
            payload += struct.pack("!i", len(encoded)) + encoded
    return message(b"D", payload)


class Server:
    def __init__(self, args):
        self.args = args
        self.variants = args.variants.split(",") if args.variants else VARIANTS
        self.probes = 0
        self.connections = 0
        self.promoted = False
        self.system_identifier = args.system_identifier or "7000000000000000001"

    def identity(self):
        system = self.system_identifier
        if self.args.flip_identity:
            system = str(7100000000000000000 + self.connections)
        columns = ["version_num", "version", "system_identifier", "started_at", "data_directory"]
        return columns, [["99999", "garbage \u202e version", system, "1700000000.5", "/hostile/" + "x" * 300]]

    def probe(self):
        variant = self.variants[self.probes % len(self.variants)]
        self.probes += 1
        now = 1.8e9
        upstream_port = self.args.upstream_port or 5432
        receiver = json.dumps({"status": "streaming", "senderHost": "127.0.0.1", "senderPort": upstream_port,
                               "slotName": None, "receivedTimeline": 1})
        row = {
            "in_recovery": "t", "current_lsn": None, "timeline": "1", "receive_lsn": "0/3000000", "replay_lsn": "0/2000000",
            "replay_ts": str(now - 5), "now_ts": str(now), "replay_paused": "f", "wal_receiver": receiver, "replicas": "[]",
            "synchronous_standby_names": "", "primary_conninfo": f"host=127.0.0.1 port={upstream_port} user=replicator",
            "primary_slot_name": "", "cluster_name": "hostile", "wal_receiver_timeout": "60s",
            "default_transaction_read_only": "off", "wal_log_hints": "on", "data_checksums": "off", "port": str(self.args.port),
        }
        if variant == "nan-lag":
            row["replay_ts"] = "NaN"
            # Valid JSON, but 1e400 is no double; the daemon must drop it or the row.
            row["replicas"] = '[{"applicationName":"x","state":"streaming","replayLagSeconds":1e400}]'
        elif variant == "infinite-lag":
            row["replay_ts"] = "-Infinity"
        elif variant == "huge-clock":
            row["now_ts"] = "1e300"
            row["replay_ts"] = "-1e300"
        elif variant == "max-lsn":
            row["receive_lsn"] = "FFFFFFFF/FFFFFFFF"
            row["replay_lsn"] = "FFFFFFFF/FFFFFFFF"
        elif variant == "max-lsn-orphan":
            # As a standby whose primary just died: no WAL receiver, conninfo still names it.
            row["receive_lsn"] = "FFFFFFFF/FFFFFFFF"
            row["replay_lsn"] = "FFFFFFFF/FFFFFFFF"
            row["wal_receiver"] = None
        elif variant == "nulls":
            row = {key: None for key in row}
        elif variant == "garbage":
            row.update({"timeline": "99999999999999999999999", "receive_lsn": "ZZ/ZZ", "replay_ts": "yesterday",
                        "wal_receiver": "{not json", "port": "-1", "replicas": "[{]"})
        print(f"probe {self.probes}: {variant}", flush=True)
        return list(row.keys()), [list(row.values())]

    def answer(self, sql):
        """(columns or None, rows, command tag) for a statement."""
        if "server_version_num" in sql:
            return (*self.identity(), "SELECT 1")
        if "AS synchronous_standby_names" in sql:
            return (*self.probe(), "SELECT 1")
        head = sql.strip().split(None, 1)[0].upper() if sql.strip() else ""
        if head in ("SET", "ALTER", "CHECKPOINT", "RESET"):
            return None, [], head if head != "ALTER" else "ALTER SYSTEM"
        # Any other SELECT: a consistent liar. Each `AS name` column gets what a standby holding
        # all WAL there is would say; pg_promote "succeeds" and from then on it is a primary.
        if "pg_promote" in sql:
            self.promoted = True
            print("promoted", flush=True)
        aliases = re.findall(r"\bAS\s+(\w+)", sql, re.IGNORECASE)
        if not aliases:
            return ["result"], [["t"]], "SELECT 1"
        upstream_port = self.args.upstream_port or 5432
        lies = {"in_recovery": "f" if self.promoted else "t", "received": "FFFFFFFF/FFFFFFFF", "replayed": "FFFFFFFF/FFFFFFFF",
                "lsn": "FFFFFFFF/FFFFFFFF", "conninfo": f"host=127.0.0.1 port={upstream_port} user=replicator", "slot": "",
                "done": "t", "paused": "f", "read_only": "f", "since_replay": "0"}
        return aliases, [[lies.get(name.lower(), "t") for name in aliases]], "SELECT 1"

    async def handle(self, reader, writer):
        self.connections += 1
        try:
            await Session(self, reader, writer).run()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


class Session:
    def __init__(self, server, reader, writer):
        self.server = server
        self.reader = reader
        self.writer = writer
        self.statements = {}
        self.portals = {}
        self.failed = False
        self.close_after_sync = False

    async def read_message(self):
        kind = await self.reader.readexactly(1)
        (length,) = struct.unpack("!I", await self.reader.readexactly(4))
        return kind, await self.reader.readexactly(length - 4)

    async def send(self, data):
        self.writer.write(data)
        await self.writer.drain()

    async def startup(self):
        while True:
            (length,) = struct.unpack("!I", await self.reader.readexactly(4))
            body = await self.reader.readexactly(length - 4)
            (code,) = struct.unpack("!I", body[:4])
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                await self.send(b"N")
                continue
            if code != PROTOCOL_V3:
                return None
            parts = body[4:].split(b"\0")
            return {parts[i].decode(): parts[i + 1].decode() for i in range(0, len(parts) - 1, 2) if parts[i]}

    async def run(self):
        if await self.startup() is None:
            return
        if self.server.args.password is not None:
            await self.send(message(b"R", struct.pack("!I", 3)))  # AuthenticationCleartextPassword
            _, body = await self.read_message()
            if body.rstrip(b"\0").decode(errors="replace") != self.server.args.password:
                await self.send(error_message("FATAL", "28P01", "password authentication failed"))
                return
        out = message(b"R", struct.pack("!I", 0))
        for key, value in [("server_version", "99999"), ("server_encoding", "UTF8"), ("client_encoding", "UTF8"),
                           ("DateStyle", "ISO, MDY"), ("standard_conforming_strings", "on"), ("integer_datetimes", "on")]:
            out += message(b"S", cstring(key) + cstring(value))
        out += message(b"K", struct.pack("!II", os.getpid() & 0x7FFFFFFF, secrets.randbits(31)))
        await self.send(out + message(b"Z", b"I"))
        while True:
            kind, body = await self.read_message()
            if kind == b"X":
                return
            if kind == b"Q":
                await self.send(self.simple(body.rstrip(b"\0").decode(errors="replace")) + message(b"Z", b"I"))
                continue
            if kind == b"S":
                self.failed = False
                await self.send(message(b"Z", b"I"))
                if self.close_after_sync:
                    return
                continue
            if self.failed:
                continue  # after an error, everything up to Sync is discarded
            await self.send(self.extended(kind, body))

    def simple(self, sql):
        print("query: " + " ".join(sql.split())[:120], flush=True)
        if not sql.strip():
            return message(b"I")
        columns, rows, tag = self.server.answer(sql)
        out = b""
        if columns is not None:
            out += row_description(columns) + b"".join(data_row(r) for r in rows)
        return out + message(b"C", cstring(tag))

    def extended(self, kind, body):
        if kind == b"P":
            name, rest = body.split(b"\0", 1)
            sql, _ = rest.split(b"\0", 1)
            self.statements[name] = sql.decode(errors="replace")
            return message(b"1")
        if kind == b"B":
            portal, rest = body.split(b"\0", 1)
            statement, _ = rest.split(b"\0", 1)
            if statement not in self.statements:
                self.failed = True
                return error_message("ERROR", "26000", "prepared statement does not exist")
            sql = self.statements[statement]
            print("execute: " + " ".join(sql.split())[:120], flush=True)
            # The answer is computed at Bind, so Describe and Execute agree.
            self.portals[portal] = self.server.answer(sql)
            return message(b"2")
        if kind == b"D":
            target, name = body[:1], body[1:].rstrip(b"\0")
            if target == b"S":
                sql = self.statements.get(name, "")
                columns = ProbeColumns.for_sql(sql)
                out = message(b"t", struct.pack("!H", 0))
                return out + (row_description(columns) if columns else message(b"n"))
            columns, _, _ = self.portals.get(name, (None, [], ""))
            return row_description(columns) if columns is not None else message(b"n")
        if kind == b"E":
            name = body.split(b"\0", 1)[0]
            columns, rows, tag = self.portals.pop(name, (None, [], "SELECT 0"))
            if tag == "SELECT 1" and "in_recovery" in (columns or []) and self.server.args.flip_identity:
                self.close_after_sync = True
            return b"".join(data_row(r) for r in rows) + message(b"C", cstring(tag))
        if kind == b"C":
            return message(b"3")
        if kind == b"H":
            return b""
        self.failed = True
        return error_message("ERROR", "0A000", f"message {kind!r} not supported")


class ProbeColumns:
    """Column names for a Describe of a prepared statement (before any Bind)."""

    @staticmethod
    def for_sql(sql):
        if "AS synchronous_standby_names" in sql:
            return ["in_recovery", "current_lsn", "timeline", "receive_lsn", "replay_lsn", "replay_ts", "now_ts", "replay_paused",
                    "wal_receiver", "replicas", "synchronous_standby_names", "primary_conninfo", "primary_slot_name",
                    "cluster_name", "wal_receiver_timeout", "default_transaction_read_only", "wal_log_hints", "data_checksums",
                    "port"]
        if "server_version_num" in sql:
            return ["version_num", "version", "system_identifier", "started_at", "data_directory"]
        return ["result"]


async def main():
    parser = argparse.ArgumentParser(description="hostile PostgreSQL stand-in")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--password", help="ask for this password in cleartext (default: trust)")
    parser.add_argument("--ready-file")
    parser.add_argument("--system-identifier")
    parser.add_argument("--upstream-port", type=int)
    parser.add_argument("--flip-identity", action="store_true")
    parser.add_argument("--variants", help="comma-separated subset of " + ",".join(VARIANTS))
    args = parser.parse_args()
    server = Server(args)
    await serve("pg_hostile_standin", server.handle, args.port, args.ready_file)


if __name__ == "__main__":
    run("pg_hostile_standin", main)
