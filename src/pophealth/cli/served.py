"""Running a command line forwarded to the server (``pophealth.web.control``), inside the serving process.

``pophealth serve`` hands ``run_forwarded`` to the server it starts, so the web layer runs commands without
importing the command line: the dependency points down, from the command line to the web app.
"""

from __future__ import annotations

import contextlib
import sys
import traceback


def run_forwarded(argv: list[str]) -> int:
    """Run ``pophealth argv`` as the caller would have run it; its exit code, never an exception."""
    from pophealth.cli import main

    try:
        with _consoles_for_caller():
            main(argv)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001 - the caller sees the traceback a direct run would print
        traceback.print_exc(file=sys.stderr)
        return 1
    return 0


@contextlib.contextmanager
def _consoles_for_caller():  # noqa: ANN202
    """The command line's rich consoles decided on colour when the server started; decide again
    for the caller's terminal (a pipe gets no colour codes, as in a direct run)."""
    from pophealth.cli.app import console, console_err

    saved = [(c, c._color_system) for c in (console, console_err)]  # noqa: SLF001
    try:
        for c in (console, console_err):
            c._color_system = c._detect_color_system() if c.is_terminal else None  # noqa: SLF001
        yield
    finally:
        for c, system in saved:
            c._color_system = system  # noqa: SLF001
