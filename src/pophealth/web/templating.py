"""The Jinja environment: our templates first, then the NHS.UK frontend Jinja port."""

from __future__ import annotations

from collections import OrderedDict
from importlib import resources
from threading import Lock
from typing import Any

from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape
from markupsafe import Markup

COMPONENTS_KEPT = 512


def make_environment() -> Environment:
    """Autoescaping is on for every template: user text (narratives, names) is always escaped.

    Templates ship inside installed packages and do not change while the server runs, so they are
    compiled once: ``auto_reload`` would stat every template and imported macro file on every
    render, which under concurrent load cost about a third of a page's time.
    """
    ours = str(resources.files("pophealth.web") / "templates")
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(ours), PackageLoader("nhsuk_frontend_jinja")]),
        undefined=ChainableUndefined,
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        cache_size=1000,
    )
    env.filters["pledge_href"] = lambda n: f"/pledges/{n}"
    env.globals["component"] = Components(env)
    return env


class Components:
    """``component("header", params)``: an NHS.UK frontend component, rendered once per set of params.

    The components are pure functions of their params, and the header, footer and breadcrumbs on
    every page take the same few sets of them: remembering their HTML saves a large share of each
    page's rendering time. Params are plain data built in templates, keyed by their ``repr``: cheap
    (it runs on every page), and it keeps apart what renders differently — text marked safe
    (``Markup('...')``) and the same characters as plain text, which the component escapes; True and 1.
    """

    def __init__(self, env: Environment) -> None:
        self.env = env
        self._html: OrderedDict[tuple[str, str], Markup] = OrderedDict()
        self._lock = Lock()

    def __call__(self, name: str, params: dict[str, Any]) -> Markup:
        key = (name, repr(params))
        with self._lock:
            html = self._html.get(key)
        if html is None:
            macro = name.title().replace("-", "")
            macro = macro[0].lower() + macro[1:]
            template = self.env.from_string(
                f'{{% from "nhsuk/components/{name}/macro.jinja" import {macro} %}}{{{{ {macro}(params) }}}}')
            html = Markup(template.render(params=params))
            with self._lock:
                self._html[key] = html
                if len(self._html) > COMPONENTS_KEPT:
                    self._html.popitem(last=False)
        return html

