"""A warehouse on read-only storage still serves read-only commands; a full disk gives a clear error."""

from __future__ import annotations

import errno

import duckdb
import pytest

from pophealth.warehouse import connect


def test_a_read_only_warehouse_opens_for_reading(db_file, monkeypatch):
    connect(db_file).close()  # a warehouse that exists, migrated
    real = duckdb.connect

    def storage(path, read_only=False, **kw):  # the file system refuses writes, as on a read-only mount
        if not read_only:
            raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Permission denied')
        return real(path, read_only=read_only, **kw)

    monkeypatch.setattr(duckdb, "connect", storage)
    con = connect(db_file)
    assert con.execute("SELECT count(*) FROM _migrations").fetchone()[0] > 0
    with pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE x (a INTEGER)")
    con.close()


def test_a_full_disk_is_a_clear_error_not_a_traceback(db_file, monkeypatch, capsys):
    import pophealth.access.audit as audit
    from pophealth.cli import main

    connect(db_file).close()

    def full(con):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(audit, "first_break", full)
    with pytest.raises(SystemExit) as exc:
        main(["audit", "verify", "--db", str(db_file)])
    assert exc.value.code == 7
    err = capsys.readouterr().err
    assert "disk is full" in err and "Traceback" not in err
    monkeypatch.setattr(audit, "first_break", lambda con: 1 / 0)
    with pytest.raises(ZeroDivisionError):  # any other failure is not dressed up as a full disk
        main(["audit", "verify", "--db", str(db_file)])
