"""The ``pophealth`` command line. Each group of commands lives in its own module."""

from __future__ import annotations

import sys

from pophealth.cli.app import app, console_err
from pophealth.errors import PophealthError

# Registering a command group is one import here; each module adds itself to ``app``.
from pophealth.cli import core as _core  # noqa: F401,E402
from pophealth.cli import geography as _geography  # noqa: F401,E402
from pophealth.cli import strategy as _strategy  # noqa: F401,E402
from pophealth.cli import report as _report  # noqa: F401,E402
from pophealth.cli import users as _users  # noqa: F401,E402
from pophealth.cli import spc as _spc  # noqa: F401,E402
from pophealth.cli import stats as _stats  # noqa: F401,E402
from pophealth.cli import synth as _synth  # noqa: F401,E402
from pophealth.cli import indicators as _indicators  # noqa: F401,E402
from pophealth.cli import delivery as _delivery  # noqa: F401,E402
from pophealth.cli import risks as _risks  # noqa: F401,E402
from pophealth.cli import load as _load  # noqa: F401,E402
from pophealth.cli import own_indicators as _own_indicators  # noqa: F401,E402
from pophealth.cli import phm as _phm  # noqa: F401,E402
from pophealth.cli import phm_risk as _phm_risk  # noqa: F401,E402  (joins the ``phm`` group: keep after it)
from pophealth.cli import measures as _measures  # noqa: F401,E402
from pophealth.cli import publish as _publish  # noqa: F401,E402
from pophealth.cli import audit as _audit  # noqa: F401,E402
from pophealth.cli import boards as _boards  # noqa: F401,E402
from pophealth.cli import insights as _insights  # noqa: F401,E402
from pophealth.cli import settings as _settings  # noqa: F401,E402


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors are shown without a traceback and exit with a stable code.

    Usage errors (unknown command or option) are reported by Typer itself, with exit code 2.
    """
    from rich.text import Text

    from pophealth.cli.forward import forward_if_served

    try:
        # a server holds the warehouse: the command runs there (its settings are read first, so a bad one is
        # reported like any other user error, not as a traceback)
        forwarded = forward_if_served(sys.argv[1:] if argv is None else list(argv))
        if forwarded is not None:
            sys.exit(forwarded)
        app(args=argv)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    except PophealthError as exc:
        console_err.print(Text("Error: ", style="bold red") + Text(exc.message), soft_wrap=True, highlight=False)
        if exc.hint:
            console_err.print(Text(f"Hint: {exc.hint}"), soft_wrap=True, highlight=False)
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - only a full disk is answered here; anything else re-raised
        from pophealth.warehouse.connection import is_disk_full

        if not is_disk_full(exc):
            raise
        console_err.print(Text("Error: ", style="bold red") + Text(
            "the disk is full: nothing more could be written. Whatever was being loaded or written was not "
            "finished (loads are all-or-nothing, so the warehouse holds what it held before)."), soft_wrap=True)
        console_err.print(Text("Hint: free some space (or move the warehouse with --db) and run the command again"))
        sys.exit(7)
    except KeyboardInterrupt:
        console_err.print("Interrupted")
        sys.exit(130)


__all__ = ["app", "main"]
