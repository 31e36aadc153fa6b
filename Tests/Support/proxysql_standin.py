#!/usr/bin/env python3
"""A stand-in for ProxySQL's PostgreSQL admin interface (admin-pgsql_ifaces, default 6132).

ProxySQL cannot be installed on the project machines (no Debian or PyPI package), so the tests of
the built-in ProxySQL rewire talk to this server instead. It answers the way ProxySQL 3.0 answers;
docs/testing-proxysql.md ("What it reproduces") states each behaviour below:

* PostgreSQL wire protocol v3. SSLRequest and GSSENCRequest are answered 'N' (a ProxySQL with
  TLS off); SCRAM-SHA-256 authentication by default (ProxySQL's pgsql-authentication_method),
  md5 or cleartext on request; a wrong password fails with ProxySQL's FATAL text.
* Simple query only. Parse/Bind/Describe/Execute are dropped silently and the Sync that follows
  gets `ERROR: Feature not supported`, SQLSTATE 0A000.
* One statement per Query message: the text is run through SQLite's prepare, which compiles
  the first statement and drops the rest without a word.
* SQLite dialect, every result column typed text (OID 25), NULL sent as NULL.
* Tags `INSERT 0 n`, `UPDATE n` (rows matched), `DELETE n`, `SELECT n`; admin commands answer
  with their first word (`LOAD`, `SAVE`); BEGIN/COMMIT/ROLLBACK are acknowledged, ignored,
  and tagged with the first word minus its last letter (`BEGI`, `ROLLBAC`).
* Errors: severity ERROR, SQLSTATE 28000, message `ProxySQL Admin Error: <SQLite message>`.
* Tables pgsql_servers / runtime_pgsql_servers and pgsql_replication_hostgroups /
  runtime_pgsql_replication_hostgroups with ProxySQL's columns, checks, defaults and keys,
  a `disk` schema in a file (proxysql.db), and the PGSQL SERVERS LOAD/SAVE commands that move
  rows between the memory, runtime and disk layers. Runtime omits OFFLINE_HARD servers. On
  start the memory and runtime layers are loaded from disk, as a ProxySQL restart without
  --initial does.

Not reproduced: TLS, the monitor (health checks, read-only moves, SHUNNED), stats tables,
users/query rules/variables modules, LOAD ... FROM CONFIG (there is no config file).

Usage: proxysql_standin.py --port N --datadir DIR [--credentials admin:admin;radmin:radmin]
       [--auth scram-sha-256|md5|cleartext] [--ready-file PATH]
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import struct

from standin_wire import cstring, error_message, message, run, serve

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102
PROTOCOL_V3 = 196608
TEXT_OID = 25

# include/ProxySQL_Admin_Tables_Definitions.h (v3.0). The space in "'OFFLINE_SOFT', 'OFFLINE_HARD'"
# is ProxySQL's: it shows in the CHECK error text a real ProxySQL answers.
SERVERS_COLUMNS = """(
    hostgroup_id INT CHECK (hostgroup_id>=0) NOT NULL DEFAULT 0,
    hostname VARCHAR NOT NULL,
    port INT CHECK (port >= 0 AND port <= 65535) NOT NULL DEFAULT 5432,
    status VARCHAR CHECK (UPPER(status) IN ('ONLINE','SHUNNED','OFFLINE_SOFT', 'OFFLINE_HARD')) NOT NULL DEFAULT 'ONLINE',
    weight INT CHECK (weight >= 0 AND weight <=10000000) NOT NULL DEFAULT 1,
    compression INT CHECK (compression IN(0,1)) NOT NULL DEFAULT 0,
    max_connections INT CHECK (max_connections >=0) NOT NULL DEFAULT 1000,
    max_replication_lag INT CHECK (max_replication_lag >= 0 AND max_replication_lag <= 126144000) NOT NULL DEFAULT 0,
    use_ssl INT CHECK (use_ssl IN(0,1)) NOT NULL DEFAULT 0,
    max_latency_ms INT UNSIGNED CHECK (max_latency_ms>=0) NOT NULL DEFAULT 0,
    comment VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (hostgroup_id, hostname, port))"""

REPLICATION_HOSTGROUPS_COLUMNS = """(
    writer_hostgroup INT CHECK (writer_hostgroup>=0) NOT NULL PRIMARY KEY,
    reader_hostgroup INT NOT NULL CHECK (reader_hostgroup<>writer_hostgroup AND reader_hostgroup>=0),
    check_type VARCHAR CHECK (LOWER(check_type) IN ('read_only','innodb_read_only','super_read_only','read_only|innodb_read_only','read_only&innodb_read_only')) NOT NULL DEFAULT 'read_only',
    comment VARCHAR NOT NULL DEFAULT '',
    UNIQUE (reader_hostgroup))"""

# The tables `LOAD/SAVE PGSQL SERVERS` move between layers.
SERVER_TABLES = [("pgsql_servers", SERVERS_COLUMNS), ("pgsql_replication_hostgroups", REPLICATION_HOSTGROUPS_COLUMNS)]

# Admin_Handler.cpp: statements acknowledged and ignored ("fix bug #1047").
IGNORED = re.compile(r"^(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SET AUTOCOMMIT\b.*|SET NAMES\b.*)$")


class AdminError(Exception):
    """An error answered to the client; the session goes on (ProxySQL sends ERROR, not FATAL)."""

    def __init__(self, message, sqlstate="28000"):
        super().__init__(message)
        self.message = message
        self.sqlstate = sqlstate


class Admin:
    """The SQLite "admin database": memory layer in `main`, runtime tables beside it, disk attached."""

    def __init__(self, datadir):
        self.db = sqlite3.connect(":memory:", isolation_level=None)
        self.db.execute("ATTACH DATABASE ? AS disk", (os.path.join(datadir, "proxysql.db"),))
        for name, columns in SERVER_TABLES:
            self.db.execute(f"CREATE TABLE main.{name} {columns}")
            self.db.execute(f"CREATE TABLE main.runtime_{name} {columns}")
            self.db.execute(f"CREATE TABLE IF NOT EXISTS disk.{name} {columns}")
        # A restart without --initial: disk -> memory -> runtime.
        self.copy("disk", "main", "")
        self.load_to_runtime()

    def copy(self, source, target, prefix):
        for name, _ in SERVER_TABLES:
            self.db.execute(f"DELETE FROM {target}.{prefix}{name}")
            self.db.execute(f"INSERT INTO {target}.{prefix}{name} SELECT * FROM {source}.{name}")

    def load_to_runtime(self):
        # Runtime lists no OFFLINE_HARD server, as on a real ProxySQL.
        self.db.execute("DELETE FROM main.runtime_pgsql_servers")
        self.db.execute("INSERT INTO main.runtime_pgsql_servers SELECT * FROM main.pgsql_servers "
                        "WHERE UPPER(status) <> 'OFFLINE_HARD'")
        self.db.execute("DELETE FROM main.runtime_pgsql_replication_hostgroups")
        self.db.execute("INSERT INTO main.runtime_pgsql_replication_hostgroups SELECT * FROM main.pgsql_replication_hostgroups")

    def save_from_runtime(self):
        for name, _ in SERVER_TABLES:
            self.db.execute(f"DELETE FROM main.{name}")
            self.db.execute(f"INSERT INTO main.{name} SELECT * FROM main.runtime_{name}")

    def admin_command(self, command):
        """The PGSQL SERVERS LOAD/SAVE commands and their aliases; None when `command` is none of them."""
        actions = {
            "LOAD PGSQL SERVERS TO RUNTIME": self.load_to_runtime,
            "LOAD PGSQL SERVERS TO RUN": self.load_to_runtime,
            "LOAD PGSQL SERVERS FROM MEMORY": self.load_to_runtime,
            "LOAD PGSQL SERVERS FROM MEM": self.load_to_runtime,
            "SAVE PGSQL SERVERS TO DISK": lambda: self.copy("main", "disk", ""),
            "SAVE PGSQL SERVERS FROM RUNTIME": self.save_from_runtime,
            "SAVE PGSQL SERVERS FROM RUN": self.save_from_runtime,
            "SAVE PGSQL SERVERS TO MEMORY": self.save_from_runtime,
            "SAVE PGSQL SERVERS TO MEM": self.save_from_runtime,
            "LOAD PGSQL SERVERS FROM DISK": lambda: self.copy("disk", "main", ""),
        }
        action = actions.get(command)
        if action is None:
            return None
        action()
        return command.split(" ")[0]

    def execute(self, text):
        """Runs one Query message; returns (columns or None, rows, tag)."""
        # Admin_Handler.cpp: whitespace collapsed, case ignored, trailing ';' stripped (bug #925).
        command = " ".join(text.split()).rstrip(";").strip().upper()
        tag = self.admin_command(command)
        if tag is not None:
            return None, [], tag
        if IGNORED.match(command):
            return None, [], command.split(" ")[0][:-1]
        if command == "SHOW DATABASES":
            return self.query("PRAGMA database_list")
        if command == "SHOW TABLES":
            return self.query("SELECT name AS tables FROM sqlite_master WHERE type='table' ORDER BY name")
        return self.query(first_statement(text))

    def query(self, sql):
        try:
            cursor = self.db.execute(sql)
            if cursor.description is not None:
                rows = cursor.fetchall()
                return [d[0] for d in cursor.description], rows, f"SELECT {len(rows)}"
            verb = sql.split(None, 1)[0].upper() if sql.split() else ""
            count = max(cursor.rowcount, 0)
            if verb in ("INSERT", "REPLACE"):
                return None, [], f"INSERT 0 {count}"
            if verb in ("UPDATE", "DELETE"):
                return None, [], f"{verb} {count}"
            return None, [], verb
        except (sqlite3.Error, sqlite3.Warning) as error:
            raise AdminError(f"ProxySQL Admin Error: {error}")


def first_statement(text):
    """What sqlite3_prepare compiles: the text up to the end of its first complete statement."""
    for i, ch in enumerate(text):
        if ch == ";" and sqlite3.complete_statement(text[: i + 1]):
            return text[: i + 1]
    return text


# --- wire protocol ---------------------------------------------------------------------------

def ready():
    return message(b"Z", b"I")


class Session:
    def __init__(self, server, reader, writer):
        self.server = server
        self.reader = reader
        self.writer = writer

    async def read_exact(self, n):
        return await self.reader.readexactly(n)

    async def read_message(self):
        kind = await self.read_exact(1)
        (length,) = struct.unpack("!I", await self.read_exact(4))
        return kind, await self.read_exact(length - 4)

    async def send(self, data):
        self.writer.write(data)
        await self.writer.drain()

    async def startup(self):
        """Startup packet(s) until protocol 3.0; None when the client went away or cancelled."""
        while True:
            (length,) = struct.unpack("!I", await self.read_exact(4))
            body = await self.read_exact(length - 4)
            (code,) = struct.unpack("!I", body[:4])
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                await self.send(b"N")
                continue
            if code != PROTOCOL_V3:
                return None
            parts = body[4:].split(b"\0")
            return {parts[i].decode(): parts[i + 1].decode() for i in range(0, len(parts) - 1, 2) if parts[i]}

    async def authenticate(self, user):
        password = self.server.credentials.get(user)
        method = self.server.auth
        if method == "cleartext":
            await self.send(message(b"R", struct.pack("!I", 3)))
            _, body = await self.read_message()
            ok = password is not None and body.rstrip(b"\0").decode() == password
        elif method == "md5":
            salt = secrets.token_bytes(4)
            await self.send(message(b"R", struct.pack("!I", 5) + salt))
            _, body = await self.read_message()
            ok = password is not None and body.rstrip(b"\0").decode() == md5_answer(user, password, salt)
        else:
            ok = await self.scram(password)
        if not ok:
            peer = self.writer.get_extra_info("peername")[0]
            text = f"ProxySQL Error: Access denied for user '{user}'@'{peer}' (using password: YES)"
            await self.send(error_message("FATAL", "28000", text))
            return False
        return True

    async def scram(self, password):
        """RFC 5802/7677 server side, as PostgreSQL (and ProxySQL) run it."""
        await self.send(message(b"R", struct.pack("!I", 10) + b"SCRAM-SHA-256\0\0"))
        _, body = await self.read_message()
        mechanism, rest = body.split(b"\0", 1)
        if mechanism != b"SCRAM-SHA-256":
            return False
        (length,) = struct.unpack("!i", rest[:4])
        client_first = rest[4 : 4 + length].decode()
        client_first_bare = client_first.split(",", 2)[2]  # after the GS2 header ("n,," or "y,,")
        client_nonce = dict(a.split("=", 1) for a in client_first_bare.split(","))["r"]
        salt = secrets.token_bytes(16)
        iterations = 4096
        nonce = client_nonce + base64.b64encode(secrets.token_bytes(18)).decode()
        server_first = f"r={nonce},s={base64.b64encode(salt).decode()},i={iterations}"
        await self.send(message(b"R", struct.pack("!I", 11) + server_first.encode()))
        _, body = await self.read_message()
        client_final = body.decode()
        without_proof, proof = client_final.rsplit(",p=", 1)
        if password is None or dict(a.split("=", 1) for a in without_proof.split(",")).get("r") != nonce:
            return False
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        auth_message = f"{client_first_bare},{server_first},{without_proof}".encode()
        signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
        claimed = bytes(a ^ b for a, b in zip(base64.b64decode(proof), signature))
        if hashlib.sha256(claimed).digest() != stored_key:
            return False
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        verifier = base64.b64encode(hmac.new(server_key, auth_message, hashlib.sha256).digest())
        await self.send(message(b"R", struct.pack("!I", 12) + b"v=" + verifier))
        return True

    async def run(self):
        params = await self.startup()
        if params is None or not await self.authenticate(params.get("user", "")):
            return
        out = message(b"R", struct.pack("!I", 0))
        # PgSQL_Protocol.cpp announces server_version 16.1, so PQserverVersion() = 160001.
        for key, value in [("server_version", "16.1"), ("server_encoding", "UTF8"), ("client_encoding", "UTF8"),
                           ("DateStyle", "ISO, MDY"), ("standard_conforming_strings", "on"), ("integer_datetimes", "on")]:
            out += message(b"S", cstring(key) + cstring(value))
        out += message(b"K", struct.pack("!II", os.getpid() & 0x7FFFFFFF, secrets.randbits(31)))
        await self.send(out + ready())
        while True:
            kind, body = await self.read_message()
            if kind == b"X":
                return
            if kind == b"Q":
                await self.send(self.answer(body.rstrip(b"\0").decode()) + ready())
            elif kind == b"S":
                # PgSQL_Session::get_pkts_from_client: P/B/D/E dropped, the Sync is refused.
                await self.send(error_message("ERROR", "0A000", "Feature not supported") + ready())
            # Every other message (Parse, Bind, Describe, Execute, Close, Flush) is dropped.

    def answer(self, text):
        if not text.strip():
            return message(b"I")
        try:
            columns, rows, tag = self.server.admin.execute(text)
        except AdminError as error:
            return error_message("ERROR", error.sqlstate, error.message)
        out = b""
        if columns is not None:
            description = struct.pack("!H", len(columns))
            for name in columns:
                description += cstring(name) + struct.pack("!IHIhih", 0, 0, TEXT_OID, -1, -1, 0)
            out += message(b"T", description)
            for row in rows:
                data = struct.pack("!H", len(row))
                for value in row:
                    if value is None:
                        data += struct.pack("!i", -1)
                    else:
                        encoded = str(value).encode()
                        data += struct.pack("!i", len(encoded)) + encoded
                out += message(b"D", data)
        return out + message(b"C", cstring(tag))


def md5_answer(user, password, salt):
    inner = hashlib.md5((password + user).encode()).hexdigest()
    return "md5" + hashlib.md5(inner.encode() + salt).hexdigest()


class Server:
    def __init__(self, args):
        self.admin = Admin(args.datadir)
        self.auth = args.auth
        self.credentials = dict(pair.split(":", 1) for pair in args.credentials.split(";") if pair)

    async def handle(self, reader, writer):
        try:
            await Session(self, reader, writer).run()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def main():
    parser = argparse.ArgumentParser(description="ProxySQL PostgreSQL admin interface stand-in")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--datadir", required=True)
    parser.add_argument("--credentials", default="admin:admin")
    parser.add_argument("--auth", choices=["scram-sha-256", "md5", "cleartext"], default="scram-sha-256")
    parser.add_argument("--ready-file")
    args = parser.parse_args()
    server = Server(args)
    await serve("proxysql_standin", server.handle, args.port, args.ready_file)


if __name__ == "__main__":
    run("proxysql_standin", main)
