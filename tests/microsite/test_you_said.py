"""The public "You said, we did" pages: built from published insight after disclosure control."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pophealth.disclosure import DEFAULT_POLICY
from pophealth.insight.csv_import import import_insights
from pophealth.insight.seeds import load_seed_insights
from pophealth.microsite import build_site
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect

THRESHOLD = DEFAULT_POLICY.max_suppressed  # counts from 1 to this are not published
HEADER = "id,source,date,method,people,group,place,themes,summary,priorities,actions,quotes,quotes_consent,published\n"
REF = "rutland:rutland-good-mental-health"


def _row(ident: str, people: int | str, summary: str, *, published: str = "yes", group: str = "Young carers",
         quotes: str = "", consent: str = "") -> str:
    return (f"{ident},Rutland listening events,2024-05,Listening event,{people},{group},Rutland,"
            f"mental health;support,{summary},{REF},,{quotes},{consent},{published}\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("you-said")
    csv = folder / "insight.csv"
    csv.write_text(HEADER
                   + _row("big", THRESHOLD + 5, "We want support closer to home",
                          quotes="It took three buses|I gave up", consent="yes")
                   + _row("small", THRESHOLD, "A group too small to publish said this")
                   + _row("unconsented", 40, "Waiting lists are too long", quotes="Never quote me", consent="no")
                   + _row("draft", 60, "Not marked for publication", published="no")
                   + _row("uncounted", "", "Nobody counted these people"), encoding="utf-8")
    s = load_strategy()
    con = connect(folder / "w.duckdb")
    try:
        load_seed_insights(con, s)
        import_insights(con, s, csv)
        build_site(con, folder / "site", strategy=s)
    finally:
        con.close()
    return folder / "site"


def _main(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return re.sub(r"<[^>]+>", " ", html.split('id="maincontent"', 1)[1].split("</main>", 1)[0])


def test_an_imported_record_shows_on_its_priority_page_and_a_small_group_does_not(site: Path):
    page = site / "you-said-we-did" / "rutland" / "rutland-good-mental-health.html"
    text = _main(page)
    assert "We want support closer to home" in text
    assert f"about {DEFAULT_POLICY.round(THRESHOLD + 5):,} people (Young carers) in Rutland" in text
    assert "It took three buses" in text  # consent given
    assert "too small to publish" not in text  # at the threshold: suppressed
    assert "Waiting lists are too long" in text and "Never quote me" not in text  # no consent: no quote
    assert "Not marked for publication" not in text and "Nobody counted" not in text


def test_no_public_number_of_people_is_small(site: Path):
    for page in (site / "you-said-we-did").rglob("*.html"):
        for number in re.findall(r"about ([\d,]+) people", _main(page)):
            assert not DEFAULT_POLICY.is_small(int(number.replace(",", ""))), page


def test_the_index_links_each_page_and_the_nav_reaches_it(site: Path):
    index = (site / "you-said-we-did" / "index.html").read_text(encoding="utf-8")
    assert 'href="../you-said-we-did/rutland/rutland-good-mental-health.html"' in index
    assert 'href="../you-said-we-did/focus/access-to-services.html"' in index
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="you-said-we-did/index.html"' in home


def test_public_text_never_mentions_files_tables_or_code(site: Path):
    for page in (site / "you-said-we-did").rglob("*.html"):
        text = _main(page).lower()
        for word in (r"\.csv", r"\.py\b", r"\bseed", r"\bcolumns?\b", r"\btables?\b", r"\bwarehouse",
                     r"\bimport", r"insight_id", r"\bplus:"):
            assert not re.search(word, text), (page, word)


def test_a_plan_priority_page_links_to_its_you_said_page_only_when_there_is_one(site: Path):
    focus = (site / "priorities" / "ics" / "access-to-services.html").read_text(encoding="utf-8")
    assert 'href="../../you-said-we-did/focus/access-to-services.html"' in focus
    jfp = (site / "priorities" / "jfp" / "keeping-people-well.html").read_text(encoding="utf-8")
    assert "you-said-we-did" not in jfp.split('id="maincontent"', 1)[1].split("</main>")[0]
