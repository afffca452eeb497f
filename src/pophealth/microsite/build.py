"""Building the static microsite: render every page, write every table as CSV, copy the assets.

The site is written to a fresh folder beside ``out`` and moved into place only when complete, so
a failed build never leaves a half-written site; an existing ``out`` is replaced only if it is a
previous build (it has ``open-data.json``), never an unrelated folder.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape

from pophealth.config import assets_dir
from pophealth.errors import ConfigError
from pophealth.microsite.csv_tables import MANIFEST, OpenDataFile, csv_path, entry, write_csv, write_manifest
from pophealth.microsite.pages import SitePage
from pophealth.microsite.site import ACCESSIBILITY, DATA, HOME, NAV, data_page, site_pages
from pophealth.microsite.tables import format_cell
from pophealth.strategy import Strategy, load_strategy

CSS = "nhsuk-frontend.min.css"


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: list[str]
    csv_files: list[str]
    seconds: float


def environment() -> Environment:
    """Our templates, then the NHS.UK frontend Jinja port; autoescaping always on."""
    ours = str(resources.files("pophealth.microsite") / "templates")
    env = Environment(loader=ChoiceLoader([FileSystemLoader(ours), PackageLoader("nhsuk_frontend_jinja")]),
                      undefined=ChainableUndefined, autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(nav=NAV, home=HOME, data_link=DATA, accessibility_link=ACCESSIBILITY, format_cell=format_cell)
    return env


def _copy_assets(site: Path, source: Path | None) -> None:
    """The NHS.UK stylesheet and images, with the stylesheet's root-relative image links made relative."""
    source = source or assets_dir()
    css = source / CSS
    if not css.is_file():
        raise ConfigError(f"The NHS.UK frontend stylesheet is missing at {css}", hint="run `make install`")
    target = site / "assets"
    shutil.copytree(source / "assets", target)
    text = css.read_text(encoding="utf-8")
    (target / CSS).write_text(re.sub(r"url\(/assets/", "url(", text), encoding="utf-8")
    shutil.copy(resources.files("pophealth.microsite") / "static" / "microsite.css", target / "microsite.css")


def _render(env: Environment, site: Path, page: SitePage) -> list[OpenDataFile]:
    files = []
    for table in page.tables:
        href = csv_path(page.path, table)
        table.csv_href = href.rsplit("/", 1)[-1]
        write_csv(table, site / href)
        files.append(entry(page.path, table))
    html = env.get_template(page.template).render(page=page, root=page.root)
    target = site / page.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return files


def _check_out(out: Path) -> None:
    """Refuse, before any work, to replace a folder that is not a previous build."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MANIFEST).is_file())):
        raise ConfigError(f"{out} exists and is not a pophealth microsite; refusing to replace it",
                          hint="choose an empty or new folder for --out")


def _replace(built: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    built.rename(out)


def build_site(con: duckdb.DuckDBPyConnection, out: Path | str, *, strategy: Strategy | None = None,
               assets: Path | None = None) -> BuildResult:
    """Write the whole site into ``out`` from the warehouse ``con`` and the strategy register."""
    started = time.perf_counter()
    out = Path(out).resolve()
    _check_out(out)
    strategy = strategy or load_strategy()
    env = environment()
    env.globals["ics"] = strategy.about.ics  # the site speaks of the system whose strategy it publishes
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    staging.chmod(0o755)  # a site to be served, not a private temporary folder
    try:
        _copy_assets(staging, assets)
        pages = site_pages(con, strategy)
        files: list[OpenDataFile] = []
        for page in pages:
            files += _render(env, staging, page)
        last = data_page(strategy, files)
        _render(env, staging, last)
        write_manifest(staging, files)
        _replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(out=out, pages=[p.path for p in pages] + [last.path], csv_files=[f.csv for f in files],
                       seconds=time.perf_counter() - started)
