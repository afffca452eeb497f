"""The serving process's control socket: the command line runs its commands here while it serves.

While ``pophealth serve`` holds the warehouse, no other process can open it (DuckDB's lock). A
command line that finds the server's lease (``warehouse.lease``) connects to this Unix socket and
sends its arguments, working directory and ``POPHEALTH_*`` environment; the server runs the very
same Typer command in a worker thread, on its own database (``warehouse.served``), and streams the
command's standard output and error back, then its exit code. The user sees what a direct run
prints, and the pages see the new data at once (``invalidation.invalidate_all``).

Only the owner can use the socket: it lives in a private (0700) folder, is itself 0600, and the
peer's user id is checked. Commands run one at a time (later ones wait their turn), with the
caller's working directory and environment for their length, so relative paths mean what they
meant to the caller.

Protocol: one JSON array per line. Client: ``["run", {argv, cwd, env, tty, columns}]`` then
``["stdin", text]`` answers. Server: ``["out", text]``, ``["err", text]``, ``["stdin?", mode]``
(mode ``"line"`` or ``"all"``, or ``["secret", prompt]`` for a hidden prompt) and last ``["exit", code]``.
"""

from __future__ import annotations

from collections.abc import Callable

import contextlib
import contextvars
import io
import json
import os
import shutil
import socket
import struct
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

FORWARDED_ENV_PREFIX = "POPHEALTH_"
FORWARDED_ENV_NAMES = ("COLUMNS", "NO_COLOR", "FORCE_COLOR", "TERM")
# the web app reads these on every request: a command's caller must never change them, even for a moment
SERVER_HELD_ENV = ("POPHEALTH_SECURE_COOKIES", "POPHEALTH_SSO_")


class _Job:
    """One forwarded command's link back to its caller."""

    def __init__(self, conn: socket.socket, tty: dict[str, bool]) -> None:
        self.conn = conn
        self.tty = tty
        self.reader = conn.makefile("r", encoding="utf-8", newline="\n")
        self.lock = threading.Lock()
        self.gone = False

    def send(self, kind: str, payload: Any) -> None:
        line = (json.dumps([kind, payload]) + "\n").encode("utf-8")
        with self.lock:
            if self.gone:
                return
            try:
                self.conn.sendall(line)
            except OSError:
                self.gone = True  # the caller went away (Ctrl+C): the command still finishes

    def ask_secret(self, prompt: str) -> str:
        """A hidden prompt (``getpass``), answered at the caller's terminal."""
        return self.ask_stdin("secret", prompt)

    def ask_stdin(self, mode: str, prompt: str = "") -> str:
        self.send("stdin?", [mode, prompt] if prompt else mode)
        line = self.reader.readline()
        if not line:
            return ""
        kind, text = json.loads(line)
        return str(text) if kind == "stdin" else ""


_JOB: contextvars.ContextVar[_Job | None] = contextvars.ContextVar("pophealth_control_job", default=None)


class _RoutedOutput(io.TextIOBase):
    """Stands in for ``sys.stdout``/``sys.stderr``: a forwarded command's writes (its context) go to
    its caller; everything else (uvicorn, the server's own messages) to the original stream."""

    def __init__(self, original: Any, kind: str) -> None:
        self.original = original
        self.kind = kind

    def write(self, text: str) -> int:
        job = _JOB.get()
        if job is None:
            return self.original.write(text)
        job.send(self.kind, text)
        return len(text)

    def flush(self) -> None:
        if _JOB.get() is None:
            self.original.flush()

    def isatty(self) -> bool:
        job = _JOB.get()
        return bool(job.tty.get(self.kind)) if job is not None else self.original.isatty()

    def fileno(self) -> int:
        if _JOB.get() is not None:
            raise io.UnsupportedOperation("a forwarded command's stream has no file descriptor")
        return self.original.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8" if _JOB.get() is not None else getattr(self.original, "encoding", "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return "strict" if _JOB.get() is not None else getattr(self.original, "errors", None)

    def writable(self) -> bool:
        return True


class _RoutedInput(io.TextIOBase):
    """Stands in for ``sys.stdin``: a forwarded command reads its caller's standard input."""

    def __init__(self, original: Any) -> None:
        self.original = original

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        job = _JOB.get()
        return job.ask_stdin("line") if job is not None else self.original.readline()

    def read(self, size: int | None = -1) -> str:
        job = _JOB.get()
        return job.ask_stdin("all") if job is not None else self.original.read()

    def isatty(self) -> bool:
        job = _JOB.get()
        return bool(job.tty.get("stdin")) if job is not None else self.original.isatty()

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        if _JOB.get() is not None:
            raise io.UnsupportedOperation("a forwarded command's stdin has no file descriptor")
        return self.original.fileno()


class ControlServer:
    """Listens on a private Unix socket and runs forwarded commands on the app's database."""

    def __init__(self, app: Any, runner: Callable[[list[str]], int] | None = None) -> None:
        """``runner(argv)`` runs one command line and returns its exit code; the command line hands it over
        when it starts the server (``pophealth serve``), so the web layer never imports the command line.
        Without one, forwarded commands are refused with a message saying so."""
        self.app = app
        self.runner = runner
        self.folder = Path(tempfile.mkdtemp(prefix="pophealth-"))  # 0700: only this user can reach it
        self.path = self.folder / "control"
        self.jobs = threading.Lock()  # one command at a time: they share the process's cwd and environment
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._saved: tuple[Any, Any, Any] | None = None

    def start(self) -> None:
        """Route standard streams per command, then accept connections in a background thread."""
        self._saved = (sys.stdout, sys.stderr, sys.stdin)
        sys.stdout = _RoutedOutput(sys.stdout, "out")
        sys.stderr = _RoutedOutput(sys.stderr, "err")
        sys.stdin = _RoutedInput(sys.stdin)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            sock.bind(str(self.path))
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        sock.listen(8)
        sock.settimeout(0.5)  # the accepting thread looks up twice a second, so stop() can end it
        self._sock = sock
        self._thread = threading.Thread(target=self._accept, args=(sock,), name="pophealth-control", daemon=True)
        self._thread.start()

    def stop(self, wait_seconds: float = 60.0) -> None:
        """Stop accepting, let a running command finish (up to ``wait_seconds``), restore the streams."""
        sock, self._sock = self._sock, None
        if self._thread is not None:
            self._thread.join(timeout=5)  # a thread left running at exit would keep the warehouse alive
            self._thread = None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()
        finished = self.jobs.acquire(timeout=wait_seconds)
        try:
            if self._saved is not None:
                sys.stdout, sys.stderr, sys.stdin = self._saved
                self._saved = None
            shutil.rmtree(self.folder, ignore_errors=True)
        finally:
            if finished:
                self.jobs.release()

    def _accept(self, sock: socket.socket) -> None:
        while self._sock is sock:
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            threading.Thread(target=self._serve_one, args=(conn,), name="pophealth-command", daemon=True).start()

    def _serve_one(self, conn: socket.socket) -> None:
        with conn:
            if not _same_user(conn):
                return
            reader = conn.makefile("r", encoding="utf-8", newline="\n")
            conn.settimeout(10)  # a caller that connects and says nothing does not hold a thread for ever
            try:
                line = reader.readline()
            except OSError:
                return
            conn.settimeout(None)
            if not line:
                return  # a liveness probe (``lease.live_lease``)
            try:
                kind, request = json.loads(line)
                if kind != "run":
                    return
                argv = [str(a) for a in request["argv"]]
            except (ValueError, KeyError, TypeError):
                return
            job = _Job(conn, {k: bool(v) for k, v in dict(request.get("tty") or {}).items()})
            job.reader = reader
            code = self.run(job, argv, str(request.get("cwd") or os.getcwd()), dict(request.get("env") or {}))
            job.send("exit", code)

    def run(self, job: _Job, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """Run ``pophealth argv`` as the caller would have, on this server's database; its exit code."""
        from pophealth.warehouse.served import lending
        from pophealth.web.invalidation import invalidate_all

        with self.jobs:
            token = _JOB.set(job)
            try:
                if self.runner is None:
                    print("This server was started without the command line and runs no commands; stop it, "
                          "or start it with `pophealth serve`.", file=sys.stderr)
                    return 1
                with _callers_world(cwd, env), lending(self.app.state.db, self.app.state.con), \
                        _secrets_from_caller(job):
                    return self.runner(argv)
            finally:
                _JOB.reset(token)
                invalidate_all(self.app)  # whatever the command wrote, pages show it from now on


@contextlib.contextmanager
def _callers_world(cwd: str, env: dict[str, str]):  # noqa: ANN202
    """The caller's working directory and ``POPHEALTH_*`` (and terminal) environment, for one command."""
    def forwarded(name: str) -> bool:
        return (name.startswith(FORWARDED_ENV_PREFIX) or name in FORWARDED_ENV_NAMES) \
            and not name.startswith(SERVER_HELD_ENV)

    names = {k for k in os.environ if forwarded(k)} | {k for k in env if forwarded(k)}
    saved = {k: os.environ.get(k) for k in names}
    old_cwd = os.getcwd()
    try:
        for k in names:
            if k in env:
                os.environ[k] = str(env[k])
            else:
                os.environ.pop(k, None)
        os.chdir(cwd)
        yield
    finally:
        os.chdir(old_cwd)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _secrets_from_caller(job: _Job):  # noqa: ANN202
    """Hidden prompts (a new password) are asked at the caller's terminal, never the server's."""
    import getpass

    saved = getpass.getpass
    getpass.getpass = lambda prompt="Password: ", stream=None: job.ask_secret(prompt)  # noqa: ARG005
    try:
        yield
    finally:
        getpass.getpass = saved


def _same_user(conn: socket.socket) -> bool:
    """Whether the peer runs as this user (Linux ``SO_PEERCRED``; elsewhere the 0700 folder suffices)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    try:
        _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    except OSError:
        return False
    return uid == os.getuid()
