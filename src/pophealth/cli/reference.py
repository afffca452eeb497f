"""The CLI reference in docs/cli.md is generated from the commands themselves, so it cannot drift.

``python -m pophealth.cli.reference > docs/cli.md`` rewrites it; a test fails when it is stale.
"""

from __future__ import annotations

from typing import Any

import typer


def _is_group(command: Any) -> bool:
    return bool(getattr(command, "commands", None))


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    found = [(path, command)]
    if _is_group(command):
        for name in sorted(command.commands):
            found += _walk(command.commands[name], [*path, name])
    return found


def render_reference() -> str:
    """Markdown with one section per command: usage, help text and options."""
    from pophealth.cli import app

    root = typer.main.get_command(app)
    lines = ["# Command-line reference", "",
             "Generated from the commands' own help (`python -m pophealth.cli.reference > docs/cli.md`).", ""]
    for path, command in _walk(root, ["pophealth"]):
        if _is_group(command) and path != ["pophealth"]:
            lines += [f"## `{' '.join(path)}`", "", (command.help or "").strip(), ""]
            continue
        if _is_group(command):
            lines += [(command.help or "").strip(), ""]
            continue
        ctx = command.context_class(command, info_name=" ".join(path))
        usage = command.get_usage(ctx).replace("Usage: ", "")
        lines += [f"### `{' '.join(path)}`", "", (command.help or "").strip().split("\n\n")[0], "", "```", usage, "```", ""]
        rows = []
        for param in command.get_params(ctx):
            record = param.get_help_record(ctx)
            if record and not getattr(param, "hidden", False):
                rows.append(f"| `{record[0]}` | {record[1].replace('|', '/')} |")
        if rows:
            lines += ["| option | meaning |", "|---|---|", *rows, ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render_reference(), end="")
