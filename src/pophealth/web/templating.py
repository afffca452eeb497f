"""The Jinja environment: our templates first, then the NHS.UK frontend Jinja port."""

from __future__ import annotations

from importlib import resources

from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape


def make_environment() -> Environment:
    """Autoescaping is on for every template: user text (narratives, names) is always escaped."""
    ours = str(resources.files("pophealth.web") / "templates")
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(ours), PackageLoader("nhsuk_frontend_jinja")]),
        undefined=ChainableUndefined,
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pledge_href"] = lambda n: f"/pledges/{n}"
    return env
