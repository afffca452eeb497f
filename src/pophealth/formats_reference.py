"""The layouts part of docs/data-formats.md, generated from the code that reads and writes them.

``python -m pophealth.formats_reference --write docs/data-formats.md`` rewrites the part between the
markers; ``tests/docs/test_data_formats.py`` fails when it is stale, so the documented columns are
always the ones the readers demand and the writers produce: ``pophealth stats`` inputs, ``spc batch``
inputs and outputs, the NHS England statistics extract layouts, the delivery tracker workbook and insight
records.
"""

from __future__ import annotations

import sys
from pathlib import Path

BEGIN = "<!-- BEGIN GENERATED LAYOUTS: python -m pophealth.formats_reference --write docs/data-formats.md -->"
END = "<!-- END GENERATED LAYOUTS -->"


def _code(names) -> str:  # noqa: ANN001 - any iterable of column names
    return ", ".join(f"`{n}`" for n in names) or "–"


def stats_section() -> list[str]:
    from pophealth.stats.csv_io import OPTIONAL_NUMERIC
    from pophealth.stats_catalogue import AREA_COLUMN_WORDS, METHOD_INFO

    lines = ["### `pophealth stats METHOD --input IN.csv --output OUT.csv`", "",
             "One CSV in, one CSV out, UTF-8 with a header row; column names as in the reference cases",
             "(`reference/phe_methods`). Required columns must be present and hold numbers (empty = missing);",
             "a problem names the file, row and column, and nothing is written. `--group-by a,b` names the",
             "grouping columns; `--confidence 0.95,0.998` the levels; `--set KEY=VALUE` a parameter (a",
             "parameter may also be a column of the same name, read per group). The output holds the group",
             "columns, the method's results (`value`, `lower95`/`upper95`, `lower998`/`upper998` per level",
             "asked for) and `flag`, which says why a group has no result.", "",
             "| method | required number columns | output rows | what it computes |", "|---|---|---|---|"]
    for m in METHOD_INFO:
        rows = "one per group" if m.aggregates else "one per input row"
        lines.append(f"| `{m.name}` | {_code(m.numeric)} | {rows} | {m.help.replace('|', '/')} |")
    lines += ["", f"Optional number columns (checked when present): {_code(OPTIONAL_NUMERIC)}.", "",
              "`dsr` takes `stdpop` from ESP2013 when an `ageband` column is given instead, and reads",
              "`persons_N_event(s)` frequency columns in place of `count`.", "",
              "A method with one row per group refuses a file whose area columns hold several values within a",
              "group (the areas would be pooled): a column is an area column when its name contains "
              + _code(AREA_COLUMN_WORDS) + " (or is `la`). Group by it, or pass `--pool`.", ""]
    return lines


def spc_section() -> list[str]:
    from pophealth.spc.batch import CASE_OPTIONAL, CASE_REQUIRED, CASES_OUT, POINT_INPUTS, POINTS_OUT, POINTS_OUT_ALL
    from pophealth.spc.options import IMPROVEMENTS

    extra = [c for c in POINTS_OUT_ALL if c not in POINTS_OUT]
    return ["### `pophealth spc batch --cases CASES.csv --points POINTS.csv --out-cases C.csv --out-points P.csv`",
            "", "Inputs (UTF-8 CSV with a header row; other columns are ignored):", "",
            f"- cases, one row per series: required {_code(CASE_REQUIRED)}; optional (the column may be absent)"
            f" {_code(CASE_OPTIONAL)}. `improvement_direction` is one of {_code(IMPROVEMENTS)} (empty:"
            " increase); `target` a number or empty; `rebase_dates` ISO dates separated by `;`;"
            " `fix_after_n_points` a whole number of at least 12 or empty; `screen_outliers` `TRUE`/`FALSE`"
            " (empty: TRUE).",
            f"- points, one row per observation: {_code(POINT_INPUTS)} (`value` empty = missing; `date` ISO).",
            "", "Outputs:", "",
            f"- cases: {_code(CASES_OUT)};",
            f"- points: {_code(POINTS_OUT)}, and with `--all-columns` also {_code(extra)}.", ""]


def nhse_section() -> list[str]:
    from pophealth.sources.nhse_layouts import LAYOUTS, OBSERVATION_COLUMNS

    lines = ["### NHS England statistics extracts (`pophealth report import-nhse FILE...`)", "",
             "A CSV (or an `.xlsx` that is not one of the publishers' workbooks below) is recognised by its",
             "header: the first layout whose identifying columns are all present is used.", "",
             "| layout | identifying columns | what it holds |", "|---|---|---|"]
    for name, (needed, parser) in LAYOUTS.items():
        about = (parser.__doc__ or "").strip().splitlines()[0].replace("|", "/")
        lines.append(f"| `{name}` | {_code(sorted(needed))} | {about} |")
    lines += ["", f"Each layout becomes observations with {_code(OBSERVATION_COLUMNS)}.", ""]
    return lines


def _kind(read) -> str:  # noqa: ANN001 - a reader from xlsx_layout
    from pophealth.delivery.xlsx_layout import describe

    return describe(read)


def tracker_section() -> list[str]:
    from pophealth.delivery.xlsx_layout import REFERENCE_SHEETS, SHEETS

    lines = ["### Delivery tracker workbook (`pophealth delivery export --xlsx` / `delivery import`)", "",
             "One sheet per table, header in row 1, one record per row. Required columns must be filled.",
             "On the Tracker sheet, a column marked *from update* shows the action's latest update: change it",
             "and import, and a new update is recorded for that row (the importer as editor, the time of",
             "import, the open period). The row's Version is the version it was exported at: a row edited",
             "after the action changed elsewhere is refused as a conflict naming the row. Derived columns",
             "are recomputed and ignored on import. On the Updates sheet an empty Version adds a new update",
             "(empty Period: the open period; empty Editor: the importer; empty Recorded At: now). The",
             "import is all or nothing; every problem names sheet, row and column.", ""]
    for sheet, columns in SHEETS.items():
        lines += [f"Sheet **{sheet}**:", "", "| column | holds | required | derived | from update |",
                  "|---|---|---|---|---|"]
        for c in columns:
            lines.append(f"| {c.header} | {_kind(c.read)} | {'yes' if c.required else ''} | "
                         f"{'yes' if c.derived else ''} | {'yes' if c.from_update else ''} |")
        lines.append("")
    lines += ["After these, two reference sheets, for reading only: the import ignores them (their names say",
              "so), so editing them changes nothing. Risks and resources are edited on the web or with",
              "`pophealth risks|resources`. Closed risks and removed resources are listed with their status.", ""]
    for sheet, columns in REFERENCE_SHEETS.items():
        lines += [f"Sheet **{sheet}**: " + ", ".join(c.header for c in columns) + ".", ""]
    return lines


def finance_return_section() -> list[str]:
    from pophealth.delivery.finance_return import ABOUT, COLUMNS, METRIC_ID

    lines = ["### Prevention spend finance return (`pophealth resources import FILE`)", "",
             "UTF-8 CSV with a header row, one row per organisation x period x spending category; other",
             "columns are ignored. The share of spend on prevention (the pledge 2 measure",
             f"`prevention-spend-share`, stored as metric `{METRIC_ID}`) is the prevention pounds over all",
             "pounds of each organisation and period. The file is checked whole (a problem names file, row",
             "and column) and loads in one transaction; loading it again replaces the same organisations'",
             "periods.", "", "| column | holds |", "|---|---|"]
    lines += [f"| `{c}` | {ABOUT[c]} |" for c in COLUMNS]
    return [*lines, ""]
def insight_section() -> list[str]:
    from pophealth.insight.models import LIST_SEPARATOR, OPTIONAL, PLACES, QUOTE_SEPARATOR, REQUIRED

    return ["### Insight records (`pophealth insights import FILE.csv`)", "",
            "UTF-8 CSV with a header row, one insight record per row. Every problem names the file, row and",
            "column and nothing is loaded; a record whose `id` is already held is replaced, so re-importing a",
            "file changes nothing.", "",
            f"- required columns: {_code(REQUIRED)} (a required column must be present; `date`, `people`,",
            "  `group` and `place` may be empty when the source does not say);",
            f"- optional columns (the column may be absent): {_code(OPTIONAL)}.", "",
            "| column | holds |", "|---|---|",
            "| `id` | letters, digits, `.`, `-`, `_` (up to 80); unique in the file |",
            "| `source`, `source_section` | the report, survey or event, and its section or page |",
            "| `date` | `YYYY`, `YYYY-MM` or `YYYY-MM-DD` |",
            "| `method` | how people were heard |",
            "| `people` | whole number of people heard (thousands separators allowed) |",
            "| `group` | the population heard, or `plus:<id>` for a PLUS group of the register |",
            f"| `place` | one of {_code(PLACES)} |",
            f"| `themes` | themes separated by `{LIST_SEPARATOR}` (at least one) |",
            "| `summary` | what people said |",
            f"| `priorities` | priority references separated by `{LIST_SEPARATOR}`, exactly as "
            "`pophealth strategy show --json` lists them under `priorities` (`ref`, e.g. "
            "`focus:access-to-services`); at least one |",
            f"| `actions` | action ids of those priorities, separated by `{LIST_SEPARATOR}` |",
            f"| `quotes` | quotes separated by `{QUOTE_SEPARATOR}` |",
            "| `quotes_consent` | `yes`/`no`: required when there are quotes; quotes without consent are never "
            "published |",
            "| `published` | `yes`/`no` (empty: no) |", "",
            "A record reaches the public \"You said, we did\" pages only when `published` is yes and `people` is",
            "stated and above the disclosure threshold; the number shown is rounded.", ""]


def render_layouts() -> str:
    """The generated part of docs/data-formats.md, markers included."""
    body = ["## Analysts' files and the tracker workbook (generated from the code)", "",
            *stats_section(), *spc_section(), *nhse_section(), *tracker_section(),
            *finance_return_section(), *insight_section()]
    return "\n".join([BEGIN, *body]).rstrip() + "\n" + END


def splice(document: str) -> str:
    """``document`` with its generated part replaced (appended when it has none)."""
    if BEGIN in document and END in document:
        head, rest = document.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        return head + render_layouts() + tail
    return document.rstrip() + "\n\n" + render_layouts() + "\n"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        target = Path(sys.argv[2])
        target.write_text(splice(target.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(render_layouts())
