"""NHS.UK components rendered once per set of params are the same HTML as the macro called in place."""

from __future__ import annotations

import re


from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from markupsafe import Markup

from pophealth.web.app import NAV, create_app
from pophealth.web.templating import COMPONENTS_KEPT, make_environment


def direct(env, name: str, macro: str, params: dict) -> str:
    return env.from_string(f'{{% from "nhsuk/components/{name}/macro.jinja" import {macro} %}}{{{{ {macro}(p) }}}}'
                           ).render(p=params)


@settings(max_examples=50)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=20), st.sampled_from(["/", "/a", "/b?x=<y>"])),
                min_size=1, max_size=4))
def test_a_breadcrumb_is_the_macro_output_and_escapes_text(items):
    env = make_environment()
    params = {"items": [{"text": t, "href": h} for t, h in items]}
    assert env.globals["component"]("breadcrumb", params) == direct(env, "breadcrumb", "breadcrumb", params)
    assert "<script" not in env.globals["component"]("breadcrumb", {"items": [{"text": "<script>", "href": "/"}]})


def test_header_and_footer_are_the_macro_output_and_remembered():
    env = make_environment()
    component = env.globals["component"]
    header = {"service": {"text": "pophealth", "href": "/"},
              "navigation": {"items": [{"text": "Pledges", "href": "/pledges", "current": True}]}}
    footer = {"meta": {"text": "Open Government Licence"}}
    assert component("header", header) == direct(env, "header", "header", header)
    assert component("footer", footer) == direct(env, "footer", "footer", footer)
    assert component("header", header) is component("header", header)
    other = {**header, "service": {"text": "other", "href": "/"}}
    assert "other" in component("header", other) and "other" not in component("header", header)


def test_text_marked_safe_is_not_confused_with_the_same_characters_as_plain_text():
    component = make_environment().globals["component"]
    trusted = component("breadcrumb", {"items": [{"text": Markup("<b>Home</b>"), "href": "/"}]})
    plain = component("breadcrumb", {"items": [{"text": "<b>Home</b>", "href": "/"}]})
    assert "<b>Home</b>" in trusted and "<b>" not in plain and "&lt;b&gt;Home" in plain


def test_the_remembered_components_are_bounded():
    env = make_environment()
    component = env.globals["component"]
    for i in range(COMPONENTS_KEPT + 5):
        component("breadcrumb", {"items": [{"text": f"crumb {i}", "href": "/"}]})
    assert len(component._html) == COMPONENTS_KEPT


def test_only_the_section_a_page_is_in_is_marked_current(tmp_path):
    """/delivery-priorities begins with /delivery, but is not part of the delivery tracker."""
    client = TestClient(create_app(tmp_path / "w.duckdb"))
    html = client.get("/delivery-priorities").text
    current = re.findall(r'<li class="nhsuk-header__navigation-item nhsuk-header__navigation-item--current"[^>]*>\s*'
                         r'<a[^>]*href="([^"]+)"', html)
    assert current == ["/delivery-priorities"], current
    assert dict(NAV)["Delivery tracker"] == "/delivery"
