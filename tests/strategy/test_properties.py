"""Invariants: markup never changes the words, and any link to a record that does not exist is rejected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pophealth.errors import InputError
from pophealth.strategy import default_strategy_dir, load_strategy
from tests.strategy.seedtext import normalise

words = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz'’,.&-/0123456789", min_size=1, max_size=12),
                 min_size=1, max_size=8).map(" ".join)


@given(words)
def test_normalising_twice_changes_nothing(text: str):
    assert normalise(normalise(text)) == normalise(text)


@given(words, st.sampled_from(["**{}**", "*{}*", "<p>{}</p>", "<li>• {}</li>", "[{}](#)", "  {}\n\n", "`{}`"]))
def test_markup_around_words_does_not_change_them(text: str, wrap: str):
    assert normalise(wrap.format(text)) == normalise(text)


@pytest.fixture(scope="module")
def copied(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("strategy") / "llr"
    shutil.copytree(default_strategy_dir(), target)
    return target


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.integers().filter(lambda n: not 1 <= n <= 13), focus=st.integers(0, 5))
def test_any_unknown_pledge_number_is_rejected(copied: Path, number: int, focus: int):
    path = copied / "focuses.yaml"
    original = path.read_text("utf-8")
    data = yaml.safe_load(original)
    data["focuses"][focus]["pledges"] = [number]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    try:
        with pytest.raises(InputError) as err:
            load_strategy(copied)
    finally:
        path.write_text(original, "utf-8")
    assert any(p.file == "focuses.yaml" and f"focuses[{focus}].pledges" == p.path for p in err.value.problems)
