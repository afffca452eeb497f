"""Running the web app as a long-lived server process (``pophealth serve``, ``pophealth demo``)."""

from __future__ import annotations

import gc
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


TAKEOVER_CHECK_SECONDS = 1.0
LISTEN_BACKLOG = 2048  # connections the address queues while no server accepts (a takeover, a slow start)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager stopping the server), raised as Ctrl+C is, so the same clean stop runs.

    Uvicorn shuts down gracefully on SIGTERM and then raises the signal again under the handler that was
    there before it started. Python's default for SIGTERM ends the process at once: no ``finally`` ran,
    and the lease, the control socket and DuckDB's unflushed log were left behind."""


def _on_sigterm(signum, frame) -> None:  # noqa: ARG001 - the signal handler's signature
    raise Terminated()


def serve(db: Path | str, host: str, port: int, announce: Callable[[str], None] = lambda _: None,
          runner: Callable[[list[str]], int] | None = None) -> None:
    """Serve until interrupted, then close the warehouse cleanly (DuckDB checkpoints its log).

    While serving, this process is the warehouse's one writer: it leaves a lease beside the file
    and runs the command line's commands for it (``web.control``). If another server already holds
    the warehouse, this one forwards its requests there instead (``web.frontend``) and, when that
    server stops, takes the warehouse over and serves it itself on the same address, so a service run
    as two ``serve`` processes keeps answering when either stops. ``announce`` is told what is running
    once it is sure to start, never before a failure. ``runner`` runs a forwarded command line
    (``pophealth serve`` hands over ``pophealth.cli.served.run_forwarded``).
    """
    db = Path(db).absolute() if str(db) != ":memory:" else db
    in_main = threading.current_thread() is threading.main_thread()  # signals reach the main thread only
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    try:
        with _listening(host, port) as listener:
            _serve_on(listener, db, str(db) != ":memory:", host, port, announce, runner)
    except Terminated:
        return
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _serve_on(listener: socket.socket, db: Path | str, served: bool, host: str, port: int,
              announce: Callable[[str], None], runner: Callable[[list[str]], int] | None) -> None:
    from pophealth.errors import ConfigError
    from pophealth.warehouse.lease import live_lease

    forwarded = False
    while True:
        held = live_lease(db) if served else None
        if held is not None:
            announce(f"(forwarding to the server already holding {db}, at {held.url})" if not forwarded else
                     f"(forwarding to the server now holding {db}, at {held.url})")
            forwarded = True
            if not _forward_while_held(db, held.url, host, port, listener):
                return
            continue  # the server holding the warehouse stopped: take it over
        try:
            took_over = f"(now holding {db}: the server that held it stopped)" if forwarded else ""
            _serve_warehouse(db, host, port, runner, lambda note: announce(note or took_over), listener)
            return
        except ConfigError as exc:
            # another front end took the warehouse over first (DuckDB's lock decides): forward to it
            if not (forwarded and "lock" in str(exc).lower()):
                raise
            time.sleep(TAKEOVER_CHECK_SECONDS / 2)


def _forward_while_held(db: Path, upstream: str, host: str, port: int, listener: socket.socket) -> bool:
    """Answer on ``host:port`` by forwarding to ``upstream`` until the warehouse has no live server (True) or
    this process is stopped (False)."""
    import uvicorn

    from pophealth.warehouse.lease import live_lease
    from pophealth.web.frontend import create_front_end

    server = uvicorn.Server(uvicorn.Config(create_front_end(upstream, db), host=host, port=port,
                                           log_level="warning", access_log=False))
    freed = threading.Event()

    def watch() -> None:
        while not server.should_exit:
            time.sleep(TAKEOVER_CHECK_SECONDS)
            if live_lease(db) is None:
                freed.set()
                server.should_exit = True

    threading.Thread(target=watch, name="pophealth-takeover-watch", daemon=True).start()
    try:
        server.run(sockets=[_shared(listener)])
    except KeyboardInterrupt:  # uvicorn re-raises the signal it caught once it has shut down, as uvicorn.run
        return False           # (which swallows it) would end here
    return freed.is_set()


def _serve_warehouse(db: Path | str, host: str, port: int, runner: Callable[[list[str]], int] | None,
                     announce: Callable[[str], None], listener: socket.socket) -> None:
    """Open the warehouse, hold it (lease, control socket) and serve the app until interrupted."""
    import uvicorn

    from pophealth.warehouse.lease import Lease, remove_lease, write_lease
    from pophealth.web.app import create_app
    from pophealth.web.control import ControlServer

    app = create_app(db)
    control = ControlServer(app, runner)
    served = str(db) != ":memory:"
    try:
        if served:
            control.start()
            write_lease(Lease(pid=os.getpid(), socket=str(control.path), url=_reachable(host, port), db=str(db)))
        announce("")
        settle_heap()
        # no access log: nothing was written at "warning", yet each request still built its log call
        server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False))
        try:
            server.run(sockets=[_shared(listener)])
        except KeyboardInterrupt:  # Ctrl+C or SIGTERM, raised again once uvicorn has shut down: a clean stop
            pass
    finally:
        if served:
            remove_lease(db, os.getpid())
            control.stop()
        gc.unfreeze()
        app.state.con.close()


@contextmanager
def _listening(host: str, port: int) -> Iterator[socket.socket]:
    """The server's address, bound and listening for the life of the process.

    A standby's front end and, after a takeover, the server it becomes each serve on a copy of this one
    socket (``_shared``). Between the two the address never closes: connections made during the takeover
    wait in the queue and are answered once the warehouse is open, where they used to be refused for two or
    three seconds on both addresses."""
    from pophealth.errors import ConfigError

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(LISTEN_BACKLOG)
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                          hint="choose another --port, or stop what is using it") from None
    try:
        yield sock
    finally:
        sock.close()



def _shared(listener: socket.socket) -> socket.socket:
    """A copy of the listening socket for one uvicorn server, which closes its copy when it stops; the
    address stays open through the original."""
    return socket.socket(fileno=os.dup(listener.fileno()))


def _reachable(host: str, port: int) -> str:
    """The address another process on this machine uses to reach a server listening on ``host``."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def settle_heap() -> None:
    """Put what start-up loaded (libraries, the strategy, compiled templates) out of the garbage
    collector's reach. It lives as long as the process, yet every full collection walked it all:
    about 200,000 objects, pausing every request for up to 100 ms under load. Frozen, a full
    collection walks only what requests made (5 ms; ``benchmarks/bench_web_latency.py``)."""
    gc.collect()
    gc.freeze()
