"""Running the web app as a long-lived server process (``pophealth serve``, ``pophealth demo``)."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path


def serve(db: Path | str, host: str, port: int, announce: Callable[[str], None] = lambda _: None,
          runner: Callable[[list[str]], int] | None = None) -> None:
    """Serve until interrupted, then close the warehouse cleanly (DuckDB checkpoints its log).

    While serving, this process is the warehouse's one writer: it leaves a lease beside the file
    and runs the command line's commands for it (``web.control``). If another server already holds
    the warehouse, this one forwards its requests there instead (``web.frontend``). ``announce`` is
    told what is running once it is sure to start, never before a failure. ``runner`` runs a forwarded
    command line (``pophealth serve`` hands over ``pophealth.cli.served.run_forwarded``).
    """
    import uvicorn

    from pophealth.warehouse.lease import Lease, live_lease, remove_lease, write_lease
    from pophealth.web.app import create_app
    from pophealth.web.control import ControlServer

    db = Path(db).absolute() if str(db) != ":memory:" else db
    held = live_lease(db) if str(db) != ":memory:" else None
    if held is not None:
        from pophealth.web.frontend import create_front_end

        announce(f"(forwarding to the server already holding {db}, at {held.url})")
        uvicorn.run(create_front_end(held.url, db), host=host, port=port, log_level="warning")
        return
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
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        if served:
            remove_lease(db, os.getpid())
            control.stop()
        gc.unfreeze()
        app.state.con.close()


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
