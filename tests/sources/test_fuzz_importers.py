"""Hostile files through every importer: a clear error naming the file (and row and column where there is
one) with the offending value shortened, never a traceback, never a hang, never an impossible value accepted.

The attack replayed: 1,619 hostile files across 7 importers gave 66 tracebacks (non-UTF-8 OMOP, Synthea and
strategy YAML; corrupt XLSX; ragged CSV; a 20-digit indicator id), 4 hangs over 180 s (a 10 MB cell; a
1.3 MB XLSX zip bomb), 170 silent acceptances (birth year 2999, death before birth, duplicate YAML keys,
values cut at NUL bytes) and 16 errors echoing the whole hostile value.

The importers are listed in ``fuzz_registry.py``: a new importer is one ``register(...)`` line there.
"""

from __future__ import annotations

import io
import random
import signal
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pophealth.errors import InputError, PophealthError
from pophealth.warehouse import connect
from tests.sources.fuzz_registry import KEY, REGISTRY

TIME_LIMIT = 60  # seconds for one import of one hostile file: far above any honest one (under 5 s here)
LONGEST_LINE = 400  # no line of an error message may echo more than this (a 10 MB cell must be shortened)
BIG = 10 * 1024 * 1024


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    def expired(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _first_line_with(data: bytes, n: int = 1) -> int:
    lines = data.split(b"\n")
    return sum(len(x) + 1 for x in lines[:n])


def _text_variants() -> dict[str, Callable[[bytes], bytes]]:
    def insert(at_line: int, what: bytes) -> Callable[[bytes], bytes]:
        def change(data: bytes) -> bytes:
            at = min(_first_line_with(data, at_line) + 3, len(data))
            return data[:at] + what + data[at:]
        return change

    def ragged(data: bytes) -> bytes:
        lines = data.split(b"\n")
        if len(lines) > 2:
            lines[1] = lines[1] + b',"extra",more'
            lines[2] = lines[2].rsplit(b",", 3)[0]
        return b"\n".join(lines)

    def huge_cell(data: bytes) -> bytes:
        lines = data.split(b"\n")
        if len(lines) > 1:
            cells = lines[1].split(b",")
            cells[min(1, len(cells) - 1)] = b"A" * BIG
            lines[1] = b",".join(cells)
        return b"\n".join(lines)

    return {
        "latin-1 bytes": insert(1, b"\xe9\xff\xfe"),
        "NUL byte": insert(1, b"\x00"),
        "ragged rows": ragged,
        "10 MB cell": huge_cell,
        "cut in half": lambda data: data[: len(data) // 2],
        "empty": lambda data: b"",
        "header only": lambda data: data.split(b"\n")[0] + b"\n",
        "random bytes": lambda data: random.Random(7).randbytes(4096),
        "unbalanced quote": lambda data: data.replace(b"\n", b'\n"', 1),  # a quoted field never closed
        "utf-16": lambda data: data.decode("utf-8", "replace").encode("utf-16"),
    }


def _yaml_variants() -> dict[str, Callable[[bytes], bytes]]:
    laughs = b'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + b"".join(
        f'{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},'
        f'*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n'.encode() for i in range(9))
    out = {k: v for k, v in _text_variants().items() if k not in ("ragged rows", "header only")}
    out.update({"alias bomb": lambda data: laughs, "tab indentation": lambda data: data.replace(b"  ", b"\t", 5),
                "python tag": lambda data: b"pledges: !!python/object/apply:os.system ['true']\n",
                "10 MB value": lambda data: b"pledges:\n  - text: " + b"A" * BIG + b"\n"})
    return out


def _zip_bomb(data: bytes) -> bytes:
    """The workbook with its first sheet padded to inflate by 300 MB (a file of about 300 kB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                z.writestr(item.filename, body)
                continue
            head, tail = body.split(b">", 1)
            with z.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(head + b">")
                chunk = b" " * (1024 * 1024)
                for _ in range(300):
                    sheet.write(chunk)
                sheet.write(tail)
    return buffer.getvalue()


def _xlsx_variants() -> dict[str, Callable[[bytes], bytes]]:
    def with_big_cell(data: bytes) -> bytes:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data))
        wb.worksheets[0]["B2"] = "A" * 32_000  # Excel's own cell limit; the importer must not echo it whole
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    return {
        "random bytes": lambda data: random.Random(7).randbytes(4096),
        "cut in half": lambda data: data[: len(data) // 2],
        "empty": lambda data: b"",
        "zip bomb": _zip_bomb,
        "a CSV named .xlsx": lambda data: b"a,b\n1,2\n",
        "long cell": with_big_cell,
    }


def _binary_variants() -> dict[str, Callable[[bytes], bytes]]:
    return {"random bytes": lambda data: random.Random(7).randbytes(4096),
            "cut in half": lambda data: data[: len(data) // 2], "empty": lambda data: b""}


VARIANTS = {"csv": _text_variants(), "yaml": _yaml_variants(), "xlsx": _xlsx_variants(), "binary": _binary_variants()}
CASES = [(name, variant) for name, imp in REGISTRY.items() for variant in VARIANTS[imp.kind]]
IMPOSSIBLE = [(name, value) for name, imp in REGISTRY.items() for value in imp.impossible]


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    from pophealth.sources.pseudonymise import KEY_ENV, KEY_FILE_ENV

    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def _prepare(tmp_path: Path, name: str, change: Callable[[bytes], bytes]) -> tuple[Path, Path]:
    imp = REGISTRY[name]
    path = imp.seed(tmp_path)
    target = path if path.is_file() else path / imp.target
    target.write_bytes(change(target.read_bytes()))
    return path, target


def _import(tmp_path: Path, name: str, path: Path) -> PophealthError | None:
    """Run the import; None when it loaded, the user error when it refused. Anything else fails the test."""
    con = connect(tmp_path / "fuzz.duckdb")
    try:
        with time_limit(TIME_LIMIT):
            REGISTRY[name].run(path, con)
        return None
    except PophealthError as exc:
        return exc
    finally:
        con.close()


def _assert_clear(error: PophealthError, target: Path, folder: Path | None = None) -> None:
    """The error names the file (for a folder of files, the damaged one or the ones it left inconsistent),
    and no line of it echoes a hostile value at length."""
    text = str(error)
    names = {target.name, target.parent.name} | ({p.name for p in folder.iterdir()} if folder else set())
    assert any(n in text for n in names), f"the error does not name the file: {text[:300]}"
    longest = max(len(line) for line in text.splitlines())
    assert longest <= LONGEST_LINE, f"the error echoes {longest} characters on one line"
    if isinstance(error, InputError):
        assert all(p.file for p in error.problems)


def test_the_registry_holds_every_importer():
    assert set(REGISTRY) >= {"fingertips_csv", "omop_csv", "omop_parquet", "synthea_csv", "strategy_yaml",
                             "tracker_xlsx", "nhse_csv", "stats_csv", "spc_csv", "finance_return", "insights_csv"}


@pytest.mark.parametrize(("name", "variant"), CASES, ids=[f"{n}:{v}" for n, v in CASES])
def test_a_hostile_file_gets_a_clear_error_and_no_traceback_or_hang(tmp_path, name, variant):
    path, target = _prepare(tmp_path, name, VARIANTS[REGISTRY[name].kind][variant])
    error = _import(tmp_path, name, path)
    if error is not None:
        _assert_clear(error, target, path if path.is_dir() else None)
    else:  # accepted: only a variant that leaves a valid file may load (none of these should, in practice)
        assert variant in ("header only",), f"{name} accepted a file with {variant}"


@pytest.mark.parametrize(("name", "value"), IMPOSSIBLE, ids=[f"{n}:{v}" for n, v in IMPOSSIBLE])
def test_an_impossible_value_is_refused(tmp_path, name, value):
    path, target = _prepare(tmp_path, name, REGISTRY[name].impossible[value])
    error = _import(tmp_path, name, path)
    assert error is not None, f"{name} accepted a file with {value}"
    _assert_clear(error, target)


@pytest.mark.parametrize("name", sorted(REGISTRY))
@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_damage_never_gives_a_traceback_or_a_hang(tmp_path_factory, name, data):
    """Random bytes flipped, dropped or inserted: the import loads or refuses clearly, nothing else."""
    folder = tmp_path_factory.mktemp(name)

    def damage(raw: bytes) -> bytes:
        out = bytearray(raw)
        for _ in range(data.draw(st.integers(1, 6))):
            # a position drawn independently of the file's length (a seed workbook's zip size can vary between
            # runs, and hypothesis needs the same draws for the same example), then taken into the file
            at = data.draw(st.integers(0, 2**20)) % max(1, len(out))
            action = data.draw(st.sampled_from(["flip", "drop", "insert"]))
            if action == "flip" and out:
                out[at] = data.draw(st.integers(0, 255))
            elif action == "drop" and out:
                del out[at]
            else:
                out[at:at] = data.draw(st.binary(min_size=1, max_size=8))
        return bytes(out)

    path, target = _prepare(folder, name, damage)
    error = _import(folder, name, path)
    if error is not None:
        _assert_clear(error, target, path if path.is_dir() else None)
