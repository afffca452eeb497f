"""Running a command through ``pophealth serve`` when the server holds the warehouse.

DuckDB lets one process write a warehouse file. While a server runs, a command opening the same
file directly would fail on DuckDB's lock ("Could not set lock on file ..."). Instead, when the
warehouse has a live lease (``warehouse.lease``), the command line sends its arguments, working
directory and ``POPHEALTH_*`` environment to the server's control socket (``web.control``), which
runs the same command on its own database and streams back what it prints and its exit code.
The user sees the same output and errors as a direct run; the web pages see the new data at once.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

from pophealth.errors import ConfigError
from pophealth.web.control import FORWARDED_ENV_NAMES, FORWARDED_ENV_PREFIX

NOT_FORWARDED = frozenset({"serve", "demo", "routes"})  # serve/demo start a server; routes reads no warehouse


def forward_if_served(argv: list[str]) -> int | None:
    """The exit code of ``argv`` run by the server holding its warehouse, or None to run it here."""
    from pophealth.warehouse.lease import live_lease
    from pophealth.warehouse.served import in_served_command

    if in_served_command():
        return None
    command = next((a for a in argv if not a.startswith("-")), None)
    demo = command == "demo" and "--help" not in argv
    if not demo and (command is None or command in NOT_FORWARDED or "--help" in argv):
        return None
    db = warehouse_named(argv)
    if str(db) == ":memory:":
        return None
    lease = live_lease(db)
    if lease is None:
        return None
    if demo and "--no-serve" not in argv:  # a demo that would serve: the warehouse is served already
        raise ConfigError(f"the warehouse {db} is already being served at {lease.url} (process {lease.pid})",
                          hint="open that address, or build the demo into it while it serves with "
                               "`pophealth demo --no-serve`")
    return run_remotely(lease.socket, argv, db=Path(lease.db))  # building the demo is a load like any other


def warehouse_named(argv: list[str]) -> Path:
    """The warehouse ``argv`` would open: its ``--db``, else ``$POPHEALTH_DB``, else the default."""
    from pophealth.config import db_path

    explicit: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--db" and i + 1 < len(argv):
            explicit = argv[i + 1]
        elif arg.startswith("--db="):
            explicit = arg.split("=", 1)[1]
    return db_path(explicit)


def run_remotely(socket_path: str, argv: list[str], db: Path | None = None) -> int:
    """Send ``argv`` to the server at ``socket_path``; relay its output and input; its exit code."""
    from pophealth.cli.app import console

    env = {k: v for k, v in os.environ.items() if k.startswith(FORWARDED_ENV_PREFIX) or k in FORWARDED_ENV_NAMES}
    if db is not None:
        env["POPHEALTH_DB"] = str(db)  # the warehouse this caller means, whatever the server's own default
    env.setdefault("COLUMNS", str(console.width))  # tables wrap as they would in this terminal
    request = {"argv": argv, "cwd": os.getcwd(), "env": env,
               "tty": {"out": _isatty(sys.stdout), "err": _isatty(sys.stderr), "stdin": _isatty(sys.stdin)}}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(socket_path)
        sock.sendall((json.dumps(["run", request]) + "\n").encode("utf-8"))
        reader = sock.makefile("r", encoding="utf-8", newline="\n")
        try:
            for line in reader:
                kind, payload = json.loads(line)
                if kind == "out":
                    sys.stdout.write(payload)
                    sys.stdout.flush()
                elif kind == "err":
                    sys.stderr.write(payload)
                    sys.stderr.flush()
                elif kind == "stdin?":
                    text = _answer(payload)
                    sock.sendall((json.dumps(["stdin", text]) + "\n").encode("utf-8"))
                elif kind == "exit":
                    return int(payload)
        except KeyboardInterrupt:
            sys.stderr.write("Interrupted (the server finishes the command it was running)\n")
            return 130
    sys.stderr.write("Error: the server stopped before the command finished; "
                     "check the warehouse and run the command again\n")
    return 1


def _answer(asked: object) -> str:
    """What the server's command reads: a hidden prompt, a line or all of standard input."""
    if isinstance(asked, list) and asked and asked[0] == "secret":
        import getpass

        return getpass.getpass(str(asked[1]))
    return sys.stdin.read() if asked == "all" else sys.stdin.readline()


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False
