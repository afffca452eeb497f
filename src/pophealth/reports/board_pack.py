"""The board pack: a summary matrix of every measure, then one section per pledge, as HTML, PDF and XLSX.

``write_board_pack`` takes the ``Snapshot`` a pack is built from, writes it beside the outputs, and
renders all three formats from the same assessed ``Tracking``; ``--snapshot FILE`` rebuilds a pack
from that file alone, so a pack can be reproduced exactly after the warehouse has moved on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from pophealth.errors import ConfigError, InputError, Problem
from pophealth.measures.tracking import Snapshot, Tracking, assess_snapshot
from pophealth.measures.view import SYNTHETIC_TEXT, measure_view
from pophealth.reports.board_xlsx import write_xlsx

@dataclass
class BoardPackFiles:
    html: Path
    pdf: Path
    xlsx: Path
    snapshot: Path
    seconds: dict[str, float] = field(default_factory=dict)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("pophealth.reports", "templates"),
                      autoescape=select_autoescape(["jinja", "html"]))
    env.filters["svg"] = Markup  # SVG is built by pophealth.spc.chart with every text escaped
    return env


def pack_context(tracking: Tracking) -> dict:
    """Everything the template shows, computed once."""
    views = {mid: measure_view(e, ident=f"c-{mid}") for mid, e in tracking.measures.items()}
    pledges = [{"entry": p, "views": [views[mid] for mid in p.measure_ids]} for p in tracking.pledges]
    summary = []
    for p in tracking.pledges:
        if not p.measurable:
            summary.append({"pledge": p.pledge, "view": None})
        summary.extend({"pledge": p.pledge, "view": views[mid]} for mid in p.measure_ids)
    summary.extend({"pledge": None, "view": views[mid]} for mid in tracking.other_measure_ids)
    return {"t": tracking, "pledges": pledges, "summary": summary,
            "other": [views[mid] for mid in tracking.other_measure_ids],
            "synthetic": tracking.synthetic, "synthetic_text": SYNTHETIC_TEXT}


def render_html(tracking: Tracking) -> str:
    return _environment().get_template("board_pack.html.jinja").render(**pack_context(tracking))


def read_snapshot(path: Path) -> Snapshot:
    try:
        return Snapshot.model_validate_json(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Snapshot file not found: {path}") from None
    except ValueError as exc:
        raise InputError(Problem(path.name, f"not a board pack snapshot: {str(exc).splitlines()[0]}")) from None


def write_board_pack(snapshot: Snapshot, out: Path, *, pdf: bool = True) -> BoardPackFiles:
    """Write ``board-pack-<period>.{html,pdf,xlsx}`` and the snapshot JSON into ``out``.

    A pack is refused, before anything is written, when any series holds rows flagged synthetic: a
    board never sees a made-up figure, however it reached the warehouse.
    """
    made_up = sorted(k for k, s in snapshot.series.items() if s.synthetic)
    if made_up:
        raise ConfigError(f"Refusing to write a board pack: synthetic rows for {', '.join(made_up)}",
                          hint="delete the rows flagged is_synthetic in metric_observation, then try again")
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"board-pack-{snapshot.period}"
    files = BoardPackFiles(stem.with_suffix(".html"), stem.with_suffix(".pdf"), stem.with_suffix(".xlsx"),
                           out / f"board-pack-{snapshot.period}-snapshot.json")
    clock = time.perf_counter()
    files.snapshot.write_text(snapshot.model_dump_json(indent=1), "utf-8")
    tracking = assess_snapshot(snapshot)
    html = render_html(tracking)
    files.html.write_text(html, "utf-8")
    files.seconds["html"] = time.perf_counter() - clock
    if pdf:
        from weasyprint import HTML

        clock = time.perf_counter()
        HTML(string=html, base_url=str(out)).write_pdf(files.pdf)
        files.seconds["pdf"] = time.perf_counter() - clock
    clock = time.perf_counter()
    write_xlsx(tracking, files.xlsx)
    files.seconds["xlsx"] = time.perf_counter() - clock
    return files
