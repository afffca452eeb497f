"""Rendered markup with holes filled per view (``pophealth.web.holes``): values escaped, no hole left."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from pophealth.web.holes import Holed, hole


@given(st.dictionaries(st.tuples(st.sampled_from(["name", "nhs_number", "csrf_token"]),
                                 st.one_of(st.none(), st.integers(-10**12, 10**12))),
                       st.text(), min_size=1, max_size=8),
       st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20))
def test_every_hole_gets_its_own_value_escaped_and_the_markup_around_is_kept(values, between):
    markup = "".join(f"<td>{escape(between)}</td>{hole(kind, whose)}" for kind, whose in values)
    expected = "".join(f"<td>{escape(between)}</td>{escape(values[(kind, whose)])}" for kind, whose in values)
    assert Holed(markup).fill(values) == expected


def test_a_hole_without_a_value_is_an_error_never_output():
    with pytest.raises(KeyError):
        Holed(f"<p>{hole('name', 7)}</p>").fill({("name", 8): "Ann"})


def test_text_that_looks_like_a_hole_is_left_as_it_is():
    """A mark carries a random per-process token: loaded text made to look like one is not a hole."""
    fake = "\ue000" + "0" * 16 + "name:1\ue001"
    assert Holed(f"<p>{fake}</p>").fill({("name", 1): "Ann"}) == f"<p>{fake}</p>"


@pytest.mark.parametrize("kind", ["Name", "nhs-number", "", "a b"])
def test_a_holes_kind_is_lower_case_letters_and_underscores(kind):
    with pytest.raises(ValueError):
        hole(kind)


@given(st.lists(st.one_of(st.text(), st.text(alphabet="\x00<&>\"'a"), st.integers(), st.just(Markup("<b>kept</b>"))),
                min_size=0, max_size=12))
def test_values_of_any_kind_are_put_in_as_escape_would_put_them(values):
    """Plain strings go through the joined pass; a NUL inside one, a number or markup take the one-by-one way;
    the page is the same either way."""
    keys = [("name", i) for i in range(len(values))]
    markup = "<p>" + "</p><p>".join(str(hole(k, w)) for k, w in keys) + "</p>"
    expected = "<p>" + "</p><p>".join(str(escape(v)) for v in values) + "</p>"
    assert Holed(markup).fill(dict(zip(keys, values))) == expected
