"""``POPHEALTH_DISCLOSURE_MAX`` and ``_ROUND`` reach every public output (issue 14).

With both set to 10 the demo warehouse is published through the command line and the independent crawler
reads every count on every page and in every CSV: none may lie in 1..10 and each must be a multiple of 10.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pophealth.cli import main
from pophealth.disclosure import DisclosurePolicy
from tests.microsite import crawler
from tests.microsite.conftest import demo_warehouse


@pytest.fixture(scope="module")
def site_10_10(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("disclosure-10")
    db = demo_warehouse(folder / "w.duckdb")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("POPHEALTH_DISCLOSURE_MAX", "10")
        env.setenv("POPHEALTH_DISCLOSURE_ROUND", "10")
        main(["publish", "--out", str(folder / "site"), "--db", str(db)])
    return folder / "site"


def test_publish_with_max_10_and_round_10_shows_no_count_below_11_and_only_multiples_of_10(site_10_10, monkeypatch):
    monkeypatch.setattr(crawler, "MAX_SMALL", 10)
    monkeypatch.setattr(crawler, "BASE", 10)
    problems, read = crawler.crawl(site_10_10)
    assert read["html count cells"] > 100 and read["csv count cells"] > 100, read
    assert problems == []


def test_the_same_site_fails_the_default_check_only_where_it_should(site_10_10, monkeypatch):
    """The crawler is not blind: the 10/10 site has counts (e.g. 20) that are multiples of 10 but not of
    every base, and under the default 7/5 crawl it still passes, since every multiple of 10 is one of 5."""
    problems, read = crawler.crawl(site_10_10)
    assert problems == [] and read["html count cells"] > 100
    monkeypatch.setattr(crawler, "BASE", 20)
    problems, _ = crawler.crawl(site_10_10)
    assert any("is not a multiple of 20" in p for p in problems)


def test_the_site_states_the_policy_it_was_built_with(site_10_10):
    text = (site_10_10 / "index.html").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in site_10_10.rglob("*.html"))
    assert "No count between 1 and 14 is published" in text
    assert "rounded to the nearest 10" in text


@pytest.mark.parametrize("max_suppressed,base", [(7, 5), (10, 10), (5, 10), (0, 3), (10, 3), (3, 1)])
def test_no_published_count_is_at_or_below_the_suppression_limit(max_suppressed, base):
    policy = DisclosurePolicy(max_suppressed=max_suppressed, rounding_base=base)
    for count in range(1, 200):
        if not policy.is_small(count):
            published = policy.round(count)
            assert published > max_suppressed and published % base == 0, (count, published)
            assert count > policy.largest_withheld
        else:
            assert count <= policy.largest_withheld


def test_the_default_policy_is_unchanged():
    policy = DisclosurePolicy()
    assert policy.largest_withheld == 7
    assert [c for c in range(0, 20) if policy.is_small(c)] == list(range(1, 8))
