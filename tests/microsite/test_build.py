"""Building the site: its pages and CSVs, what it publishes and what it must never publish."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from pophealth.delivery.actions import edit_action, get_action, list_actions, load_strategy_actions
from pophealth.delivery.periods import open_period
from pophealth.delivery.updates import record_update
from pophealth.errors import ConfigError
from pophealth.microsite import build_site
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect

MIN = Path("tests/fixtures/strategy_min")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_page_types_and_csv_twins(built_site: Path) -> None:
    strategy = load_strategy()
    expected = ["index.html", "pledges/index.html", "priorities/index.html", "places/index.html",
                "places/E06000016.html", "places/E06000017.html", "places/E10000018.html", "about/data.html",
                "accessibility.html", "priorities/leicester/l2.html"]
    expected += [f"pledges/{p.number}.html" for p in strategy.pledges]
    missing = [p for p in expected if not (built_site / p).is_file()]
    assert missing == []
    manifest = json.loads((built_site / "open-data.json").read_text(encoding="utf-8"))
    for f in manifest:
        assert Path(f["csv"]).parent == Path(f["page"]).parent, f  # beside its page
        assert Path(f["csv"]).name in (built_site / f["page"]).read_text(encoding="utf-8")  # and linked from it
    assert (built_site / "assets" / "nhsuk-frontend.min.css").is_file()
    assert "url(/assets/" not in (built_site / "assets" / "nhsuk-frontend.min.css").read_text(encoding="utf-8")


def test_leicester_priority_reads_ambition_we_will_by_i_will(built_site: Path) -> None:
    row = load_strategy().leicester.themes[0].priorities[1].microsite[0]
    html = (built_site / "priorities" / "leicester" / "l2.html").read_text(encoding="utf-8")
    from pophealth.microsite.progress import without_lead_in

    for text in (row.ambition, without_lead_in(row.we_will, "We will"), row.by[0], without_lead_in(row.i_will, "I will")):
        assert text.replace("'", "&#39;") in html
    assert "Ambition:" in html and "I will:" in html and "By:" in html
    assert "I will: I will" not in html and "We will We will" not in html


def test_pledge_measures_are_real_published_figures(built_site: Path) -> None:
    rows = {r["measure"]: r for r in read_csv(built_site / "pledges" / "8-measures.csv")}
    waiters = rows["Patients waiting 52 weeks or more for consultant-led treatment"]
    # UHL, May 2022: 17,187 incomplete pathways over 52 weeks (NHS England RTT), a count of people: rounded
    assert waiters["period"] == "2022-05" and waiters["latest"] == "" and int(waiters["latest_count"]) == 17185
    assert "RTT" in waiters["data"]
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8").lower()
        assert "synthetic" not in text and "example update" not in text, page
        assert "we will we will" not in " ".join(text.split()), page


def test_the_publisher_refuses_synthetic_rows(demo_db: Path, tmp_path: Path) -> None:
    import shutil

    from pophealth.errors import ConfigError

    copy = tmp_path / "w.duckdb"
    shutil.copy(demo_db, copy)
    con = connect(copy)
    try:
        con.execute("UPDATE metric_observation SET is_synthetic = TRUE WHERE metric_id = 'rtt-52-week-waiters'")
        with pytest.raises(ConfigError, match="synthetic"):
            build_site(con, tmp_path / "site")
    finally:
        con.close()
    assert not (tmp_path / "site" / "index.html").exists()


def test_pledges_without_measures_are_not_yet_measurable(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    build_site(con, tmp_path / "site", strategy=load_strategy(MIN))
    con.close()
    for n in (1, 2):
        assert "Not yet measurable" in (tmp_path / "site" / "pledges" / f"{n}.html").read_text(encoding="utf-8")
    assert "No progress has been reported yet" in (tmp_path / "site" / "priorities" / "index.html").read_text("utf-8")


def test_private_tracker_fields_never_leave(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    load_strategy_actions(con, MIN)
    ref = list_actions(con)[0].ref
    edit_action(con, ref, get_action(con, ref).version,
                {"leads": "Dr Hidden Lead", "we_will": "<script>alert(1)</script> plan"}, "tester")
    open_period(con, "2024-25 Q1", date(2024, 4, 1), date(2024, 6, 30), "tester")
    record_update(con, ref, get_action(con, ref).version, stage="Delivery", overall_rag="Red", risk_rag="Amber",
                  trajectory_rag="Green", narrative="Internal narrative text", evidence="Private evidence",
                  editor="Private Editor", at=datetime(2024, 6, 1, 12))
    build_site(con, tmp_path / "site", strategy=load_strategy(MIN))
    con.close()
    text = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*")
                     if p.suffix in (".html", ".csv", ".json"))
    for secret in ("Dr Hidden Lead", "Internal narrative text", "Private evidence", "Private Editor"):
        assert secret not in text
    html = (tmp_path / "site" / "priorities" / "jfp" / "keeping-people-well.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; plan" in html and "<script" not in html  # shown, escaped
    assert "Red" in text and "Delivery" in text  # the public fields are published


def _indicator_rows(con, rows: list[tuple[str, float, float, float]]) -> None:
    for sex, count, denominator, value in rows:
        con.execute("""INSERT INTO indicator_value (indicator_id, indicator_name, area_code, area_name, sex, age,
                       category_type, category, time_period, time_period_sortable, start_year, value, count,
                       denominator, source, loaded_at)
                       VALUES (99999, 'Test indicator', 'E06000017', 'Rutland', ?, 'All ages', '', '', '2023',
                               20230000, 2023, ?, ?, ?, 'test.csv', now())""", [sex, value, count, denominator])


def test_place_profile_counts_pass_the_policy(tmp_path: Path) -> None:
    """Male 3 is primary-suppressed; Persons is their total, so the smaller of the rest (Female 47) goes too."""
    con = connect(tmp_path / "w.duckdb")
    _indicator_rows(con, [("Persons", 50, 1003, 4.99), ("Male", 3, 481, 0.62), ("Female", 47, 522, 9.0)])
    build_site(con, tmp_path / "site", strategy=load_strategy(MIN))
    con.close()
    rows = {r["sex"]: r for r in read_csv(tmp_path / "site" / "places" / "E06000017-profile.csv")}
    persons = (rows["Persons"]["count"], rows["Persons"]["denominator"], rows["Persons"]["value"])
    assert persons == ("50", "1005", "5.0")  # one decimal: the indicator is not in the catalogue
    assert (rows["Male"]["count"], rows["Male"]["value"], rows["Male"]["denominator"]) == ("", "", "480")
    assert (rows["Female"]["count"], rows["Female"]["value"], rows["Female"]["denominator"]) == ("", "", "520")
    html = (tmp_path / "site" / "places" / "E06000017.html").read_text(encoding="utf-8")
    assert html.count('<abbr title="Suppressed">[c]</abbr>') == 4  # two counts, two values
    assert "too small to publish safely" in html


def test_rebuild_replaces_a_previous_build_but_not_other_folders(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    strategy = load_strategy(MIN)
    first = build_site(con, tmp_path / "site", strategy=strategy)
    (tmp_path / "site" / "old-page.html").write_text("stale", encoding="utf-8")
    second = build_site(con, tmp_path / "site", strategy=strategy)
    assert first.pages == second.pages and not (tmp_path / "site" / "old-page.html").exists()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a pophealth microsite"):
        build_site(con, tmp_path / "mine", strategy=strategy)
    con.close()
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "site", "w.duckdb"]  # no staging left behind
