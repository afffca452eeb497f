"""The Fingertips CSV importer: both header styles, validation, all-or-nothing, idempotent loads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pophealth.errors import InputError
from pophealth.sources.fingertips_columns import SPACED, normalise
from pophealth.sources.fingertips_csv import import_fingertips_csv, read_fingertips_csv
from pophealth.warehouse import connect

EXTRACT = "fingertips_llr_ltla_extract_trafford_themes.csv"
SUICIDE = "fingertips_sample_export_suicide_east_midlands_2015-17.csv"


@pytest.fixture(scope="module")
def data_dir() -> Path:
    from pophealth.config import shared_dir

    path = shared_dir() / "data" / "reference"
    assert path.is_dir(), f"shared data folder missing at {path.resolve()}"
    return path


@pytest.fixture
def con():
    c = connect(":memory:")
    yield c
    c.close()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _count(con) -> int:
    return con.execute("SELECT count(*) FROM indicator_value").fetchone()[0]


@pytest.mark.reference
@pytest.mark.parametrize("name, id_col, area_col", [(EXTRACT, "Indicator ID", "Area Code"),
                                                     (SUICIDE, "IndicatorID", "AreaCode")])
def test_reference_exports_load_every_row(con, data_dir, name, id_col, area_col):
    path = data_dir / name
    rows = _rows(path)
    assert rows and id_col in rows[0] and area_col in rows[0]
    result = import_fingertips_csv(con, path)
    assert result.rows + result.duplicates_dropped == len(rows)
    assert _count(con) == result.rows
    assert result.indicators == len({r[id_col] for r in rows})
    assert result.areas == len({r[area_col] for r in rows})


@pytest.mark.reference
def test_legacy_export_keeps_suppressed_values_blank_and_their_notes(con, data_dir):
    import_fingertips_csv(con, data_dir / SUICIDE)
    value, note, parent, label = con.execute(
        "SELECT value, value_note, compared_to_parent, parent_comparison FROM indicator_value "
        "WHERE indicator_id = 41001 AND area_code = 'E06000017'").fetchone()
    assert value is None and note.startswith("Value cannot be calculated")
    assert (parent, label) == ("Not compared", "Region")
    leic = con.execute("SELECT value, lower_ci95, upper_ci95, count, denominator, start_year, time_period_sortable "
                       "FROM indicator_value WHERE indicator_id = 41001 AND area_code = 'E06000016'").fetchone()
    assert leic[0] == pytest.approx(13.2545984087688) and leic[1] == pytest.approx(9.8442508387858)
    assert leic[3:] == (56.0, 445928.0, 2015, 20150000)


@pytest.mark.reference
def test_loading_twice_changes_nothing(con, data_dir):
    import_fingertips_csv(con, data_dir / EXTRACT)
    first = con.execute("SELECT * EXCLUDE (loaded_at) FROM indicator_value ORDER BY ALL").fetchall()
    import_fingertips_csv(con, data_dir / EXTRACT)
    assert con.execute("SELECT * EXCLUDE (loaded_at) FROM indicator_value ORDER BY ALL").fetchall() == first


def _restyle(text: str, style: str) -> bytes:
    """Rewrite the header of a spaced-style export in another published style."""
    head, rest = text.split("\n", 1)
    names = next(csv.reader([head]))
    if style == "compact":
        names = [n.replace(" ", "_") for n in names]
    elif style == "stripped":
        names = [n.replace(" ", "") for n in names]
    return (",".join(f'"{n}"' for n in names) + "\n" + rest).encode()


@pytest.mark.parametrize("style", ["compact", "stripped"])
def test_header_styles_give_identical_rows(style):
    fixture = Path(__file__).parent / "fixtures" / "fingertips_api" / "by_indicator_id_41001_at102.csv"
    text = fixture.read_text()
    spaced, _ = read_fingertips_csv(text.encode(), name="spaced.csv")
    other, _ = read_fingertips_csv(_restyle(text, style), name=f"{style}.csv")
    assert list(other.columns) == list(spaced.columns)
    assert other.equals(spaced)
    assert set(spaced["parent_comparison"]) == {"Region"}


@given(st.sampled_from(sorted(SPACED.values())), st.sampled_from(["spaced", "compact", "stripped", "upper"]))
def test_every_header_style_normalises_to_one_key(header, style):
    variant = {"spaced": header, "compact": header.replace(" ", "_"), "stripped": header.replace(" ", ""),
               "upper": header.upper()}[style]
    assert normalise(variant) == normalise(header)


GOOD = ("Indicator ID,Indicator Name,Area Code,Area Name,Area Type,Sex,Age,Time period,Value,Lower CI 95.0 limit\n"
        "90366,Life expectancy,E06000016,Leicester,UA,Male,All ages,2020 - 22,76.1,75.8\n")


def test_bad_cells_are_named_by_file_row_and_column(con, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "90366,Life expectancy,E06000017,Rutland,UA,Male,All ages,2020 - 22,high,\n"
                          "9036x,Life expectancy,,Rutland,UA,Male,All ages,twenty,80.2,\n")
    import_fingertips_csv(con, _write(tmp_path / "good.csv", GOOD))
    before = con.execute("SELECT * FROM indicator_value").fetchall()
    with pytest.raises(InputError) as err:
        import_fingertips_csv(con, bad)
    where = {(p.row, p.column) for p in err.value.problems}
    assert where == {(3, "Value"), (4, "Indicator ID"), (4, "Area Code"), (4, "Time period")}
    assert all(p.file == str(bad) for p in err.value.problems)
    assert "nothing was loaded" in str(err.value)
    assert con.execute("SELECT * FROM indicator_value").fetchall() == before


def test_missing_required_column_is_reported_on_the_header_row(tmp_path):
    text = GOOD.replace("Area Code,", "").replace("E06000016,", "")
    with pytest.raises(InputError) as err:
        read_fingertips_csv(text.encode(), name="x.csv")
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "Area Code")]


def test_duplicates_across_area_type_labels_are_dropped_and_unknown_columns_tolerated():
    # every row carries the unknown column (a row with fewer fields than the header is refused: it is how a
    # file cut short looks)
    text = (GOOD.replace("\n", ",Column not used\n", 1).replace("75.8\n", "75.8,x\n")
            + "90366,Life expectancy,E06000016,Leicester,County & UA,Male,All ages,2020 - 22,76.1,75.8,\n")
    frame, dropped = read_fingertips_csv(text.encode(), name="dup.csv")
    assert (len(frame), dropped) == (1, 1)
    assert frame.loc[0, "area_type"] == "UA"
    assert frame.loc[0, "age"] == "All ages" and frame.loc[0, "category_type"] == ""


@pytest.mark.parametrize("period, start", [("2022", 2022), ("2022/23", 2022), ("2020 - 22", 2020),
                                           ("2020/21 - 24/25", 2020), ("2021/22 Q1 - 2025/26 Q3", 2021)])
def test_published_period_forms_give_their_start_year_and_a_sort_key(period, start):
    frame, _ = read_fingertips_csv(GOOD.replace("2020 - 22", period).encode(), name="p.csv")
    assert frame.loc[0, "start_year"] == start
    assert frame.loc[0, "time_period_sortable"] == start * 10000


def test_a_file_that_is_not_csv_is_rejected():
    with pytest.raises(InputError):
        read_fingertips_csv(b"\x89PNG\r\n\x1a\n\x00\x00binary", name="image.png")


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_cli_import_reports_rows_and_rejects_bad_files(tmp_path, capsys):
    from pophealth.cli import main

    db = tmp_path / "w.duckdb"
    good = _write(tmp_path / "good.csv", GOOD)
    main(["fingertips", "import", str(good), "--db", str(db), "--create", "--json"])
    out = capsys.readouterr().out
    assert '"rows": 1' in out
    bad = _write(tmp_path / "bad.csv", GOOD.replace("76.1", "n/a"))
    with pytest.raises(SystemExit) as exit_:
        main(["fingertips", "import", str(bad), "--db", str(db)])
    assert exit_.value.code == InputError.exit_code
    assert "row 2" in capsys.readouterr().err


def test_read_accepts_a_byte_order_mark():
    frame, _ = read_fingertips_csv(io.BytesIO(("\ufeff" + GOOD).encode()).getvalue(), name="bom.csv")
    assert frame.loc[0, "indicator_id"] == 90366
