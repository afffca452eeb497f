"""The insights CSV layout: it loads and links; every problem names file, row, column; loads are all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.disclosure import DisclosurePolicy
from pophealth.errors import InputError
from pophealth.insight.csv_import import import_insights, read_insights
from pophealth.insight.models import Insight
from pophealth.insight.public import publishable
from pophealth.insight.store import insight_for_priorities, list_insights
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect

S = load_strategy()
HEADER = "id,source,date,method,people,group,place,themes,summary,priorities\n"
GOOD = ("city-survey-2024,City survey,2024-03,Survey,1200,plus:homelessness,Leicester,access;housing,"
        "People said registering with a GP is hard,focus:access-to-services;leicester:L2\n")


def _file(tmp_path: Path, body: str, name: str = "insight.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_documented_layout_loads_and_links_to_its_priorities(tmp_path, db_file):
    con = connect(db_file)
    counts = import_insights(con, S, _file(tmp_path, GOOD))
    assert counts == {"created": 1, "updated": 0, "unchanged": 0}
    record = insight_for_priorities(con, ["leicester:L2"])[0]
    assert (record.id, record.people, record.plus_group, record.themes) == (
        "city-survey-2024", 1200, "homelessness", ("access", "housing"))
    assert insight_for_priorities(con, ["focus:access-to-services"]) == [record]
    assert insight_for_priorities(con, ["focus:cost-of-living"]) == []
    assert insight_for_priorities(con, []) == []


def test_reimport_is_a_no_op_and_a_changed_row_updates_by_id(tmp_path, db_file):
    con = connect(db_file)
    path = _file(tmp_path, GOOD)
    import_insights(con, S, path)
    assert import_insights(con, S, path) == {"created": 0, "updated": 0, "unchanged": 1}
    changed = _file(tmp_path, GOOD.replace(",1200,", ",1300,"))
    assert import_insights(con, S, changed) == {"created": 0, "updated": 1, "unchanged": 0}
    assert [r.people for r in list_insights(con)] == [1300]
    log = con.execute("SELECT change FROM insight_change ORDER BY change_id").fetchall()
    assert log == [("created",), ("updated",)]


@pytest.mark.parametrize(("cell", "bad", "column", "expected"), [
    ("focus:access-to-services;leicester:L2", "focus:access-to-services;focus:nowhere", "priorities",
     "unknown priority 'focus:nowhere'"),
    ("focus:access-to-services;leicester:L2", "access-to-services", "priorities",
     "unknown priority 'access-to-services'"),
    (",1200,", ",twelve,", "people", "a whole number of people"),
    (",1200,", ",-5,", "people", "a whole number of people"),
    (",2024-03,", ",March 2024,", "date", "YYYY, YYYY-MM or YYYY-MM-DD"),
    (",2024-03,", ",2024-13,", "date", "YYYY, YYYY-MM or YYYY-MM-DD"),
    (",Leicester,", ",Narnia,", "place", "one of Leicester, Leicestershire, Rutland, LLR"),
    ("plus:homelessness", "plus:nobody", "group", "is not one"),
    (",access;housing,", ",;,", "themes", "at least one theme"),
])
def test_a_bad_cell_is_named_by_file_row_and_column(tmp_path, cell, bad, column, expected):
    body = GOOD.replace(cell, bad, 1)
    with pytest.raises(InputError) as caught:
        read_insights(S, _file(tmp_path, GOOD + body.replace("city-survey-2024", "second")))
    problems = caught.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [("insight.csv", 3, column)]
    assert expected in problems[0].message


def test_missing_columns_duplicate_ids_and_quotes_without_consent_are_refused(tmp_path):
    bare = tmp_path / "bare.csv"
    bare.write_text("id,source,summary\nx,y,z\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_insights(S, bare)
    assert caught.value.problems[0].row == 1 and "date" in caught.value.problems[0].message
    with pytest.raises(InputError) as caught:
        read_insights(S, _file(tmp_path, GOOD + GOOD))
    assert (caught.value.problems[0].row, caught.value.problems[0].column) == (3, "id")
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(HEADER.strip() + ",quotes\n" + GOOD.strip() + ",It was hard\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_insights(S, quoted)
    assert caught.value.problems[0].column == "quotes_consent"


def test_a_bad_row_leaves_the_warehouse_as_it_was(tmp_path, db_file):
    con = connect(db_file)
    import_insights(con, S, _file(tmp_path, GOOD))
    bad = GOOD.replace(",1200,", ",1300,") + GOOD.replace("city-survey-2024", "other").replace("L2", "L99")
    with pytest.raises(InputError):
        import_insights(con, S, _file(tmp_path, bad))
    assert [(r.id, r.people) for r in list_insights(con)] == [("city-survey-2024", 1200)]


def _insight(people: int | None, published: bool) -> Insight:
    return Insight(id="x", source="s", date=None, method="m", people=people, group=None, place=None,
                   themes=("t",), summary="s", priorities=("focus:cost-of-living",), published=published)


@settings(max_examples=200, deadline=None)
@given(people=st.one_of(st.none(), st.integers(0, 100_000)), published=st.booleans(),
       threshold=st.integers(1, 50))
def test_a_published_record_is_never_one_the_policy_calls_small(people, published, threshold):
    policy = DisclosurePolicy(max_suppressed=threshold)
    shown = publishable(_insight(people, published), policy)
    if shown:
        assert published and people is not None and people > threshold and not policy.is_small(people)
    else:
        assert not published or people is None or people <= threshold


def test_the_web_form_path_refuses_giant_or_nul_text_like_the_file_path():
    from pophealth.insight.models import check_insight

    cells = {"id": "w1", "source": "s", "method": "m", "themes": "t", "summary": "x" * 10_001,
             "priorities": "focus:cost-of-living"}
    assert [c for c, _ in check_insight(S, cells).problems] == ["summary"]
    assert [c for c, _ in check_insight(S, {**cells, "summary": "a\x00b"}).problems] == ["summary"]
    assert check_insight(S, {**cells, "summary": "fine"}).insight is not None
