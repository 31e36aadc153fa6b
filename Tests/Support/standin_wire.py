"""What the PostgreSQL-protocol stand-ins share: message framing and the process life cycle
(listen on loopback, announce readiness, never outlive the test process, say which signal
ended them). Imported by proxysql_standin.py and pg_hostile_standin.py from this directory."""
import asyncio
import os
import signal
import struct
import sys


def message(kind, payload=b""):
    return kind + struct.pack("!I", len(payload) + 4) + payload


def cstring(text):
    return text.encode() + b"\0"


def error_message(severity, sqlstate, text):
    fields = b"S" + cstring(severity) + b"V" + cstring(severity) + b"C" + cstring(sqlstate) + b"M" + cstring(text)
    return message(b"E", fields + b"\0")


async def serve(name, handle, port, ready_file):
    """Serves `handle` on 127.0.0.1:`port`; writes our pid to `ready_file` once listening."""
    listener = await asyncio.start_server(handle, "127.0.0.1", port, reuse_address=True)
    if ready_file:
        with open(ready_file + ".tmp", "w") as f:
            f.write(f"{os.getpid()}\n")
        os.rename(ready_file + ".tmp", ready_file)
    # A test process that crashed runs no exit handler: do not outlive it.
    watchdog = asyncio.create_task(exit_with_parent(name, os.getppid()))
    async with listener:
        await listener.serve_forever()
    watchdog.cancel()


async def exit_with_parent(name, parent):
    while True:
        await asyncio.sleep(1)
        if os.getppid() != parent:
            print(f"{name}: the test process is gone, exiting", file=sys.stderr, flush=True)
            os._exit(0)


def run(name, main):
    """Runs `main()`; a terminating signal is written to the log before exiting: an empty log
    and a silent exit once hid a stray SIGINT."""
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda n, _: (print(f"{name}: got signal {n}, exiting", file=sys.stderr, flush=True), os._exit(128 + n)))
    asyncio.run(main())
