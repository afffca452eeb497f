"""Reading a strategy folder: YAML files whose top-level keys are the parts of ``Strategy``.

Any ICS can point pophealth at its own folder. Every problem is reported with the file, the path
inside it and what was expected, and nothing is half-loaded.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from pophealth.errors import ConfigError, InputError, Problem
from pophealth.sources.safe_yaml import load_yaml
from pophealth.strategy.models import Strategy
from pophealth.strategy.priorities import priority_refs

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def default_strategy_dir() -> Path:
    """The LLR strategy shipped inside the package."""
    return Path(str(resources.files("pophealth.strategy") / "data" / "llr"))


def load_strategy(folder: str | Path | None = None) -> Strategy:
    """Load and validate every YAML file in ``folder`` (default: the shipped LLR strategy)."""
    root = Path(folder) if folder else default_strategy_dir()
    if not root.is_dir():
        raise ConfigError(f"Strategy folder not found: {root}")
    files = sorted([*root.glob("*.yaml"), *root.glob("*.yml")])
    if not files:
        raise ConfigError(f"No YAML files in strategy folder {root}")

    problems: list[Problem] = []
    parts: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    fields = Strategy.model_fields
    for file in files:
        name = file.name
        try:  # UTF-8, no NUL bytes, no key given twice (pophealth.sources.safe_yaml)
            data = load_yaml(file.read_bytes(), name)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(data, dict):
            problems.append(Problem(name, "expected a mapping of strategy parts at the top level"))
            continue
        for key, value in data.items():
            if key not in fields:
                problems.append(Problem(name, f"unknown part {key!r}; expected one of {sorted(fields)}", path=key))
                continue
            if key in parts:
                problems.append(Problem(name, f"part {key!r} is also defined in {origin[key].name}", path=key))
                continue
            try:
                parts[key] = TypeAdapter(fields[key].annotation).validate_python(value)
            except ValidationError as exc:
                problems.extend(_problems_from(name, key, exc))
            origin[key] = file
    for key, field in fields.items():
        if key not in origin and field.is_required():
            problems.append(Problem(root.name + "/", f"no file defines the required part {key!r}"))
    if problems:
        raise InputError(problems)

    strategy = Strategy.model_validate({k: v for k, v in parts.items()})
    problems = _cross_reference_problems(strategy, {k: p.name for k, p in origin.items()})
    if problems:
        raise InputError(problems)
    return strategy


def _problems_from(file: str, key: str, exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors():
        path = key + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
        out.append(Problem(file, f"{err['msg']} (got {_short(err.get('input'))})", path=path))
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _cross_reference_problems(s: Strategy, files: dict[str, str]) -> list[Problem]:
    """Links between parts must point at records that exist; ids must be unique and well formed."""
    problems: list[Problem] = []
    pledge_numbers = {p.number for p in s.pledges}
    dp_ids = {d.id for d in s.delivery_priorities}

    def check_ids(part: str, ids: list[tuple[str, str]], slug: bool = True) -> None:
        seen: set[str] = set()
        for path, ident in ids:
            if ident in seen:
                problems.append(Problem(files.get(part, part), f"duplicate id {ident!r}", path=path))
            seen.add(ident)
            if slug and not _SLUG.match(ident):
                problems.append(Problem(files.get(part, part), f"id {ident!r} must be lower-case words joined by hyphens", path=path))

    check_ids("pledges", [(f"pledges[{i}].id", p.id) for i, p in enumerate(s.pledges)], slug=False)
    if sorted(pledge_numbers) != list(range(1, len(s.pledges) + 1)):
        problems.append(Problem(files.get("pledges", "pledges"), "pledge numbers must run 1, 2, 3 ... without gaps", path="pledges"))
    for i, p in enumerate(s.pledges):
        for j, dp in enumerate(p.delivery_priorities):
            if dp not in dp_ids:
                problems.append(Problem(files.get("pledges", "pledges"), f"unknown delivery priority {dp!r}",
                                        path=f"pledges[{i}].delivery_priorities[{j}]"))
    check_ids("delivery_priorities", [(f"delivery_priorities[{i}].id", d.id) for i, d in enumerate(s.delivery_priorities)])
    check_ids("delivery_priorities", [
        (f"delivery_priorities[{i}].interventions[{j}].id", iv.id)
        for i, d in enumerate(s.delivery_priorities) for j, iv in enumerate(d.interventions)])
    check_ids("focuses", [(f"focuses[{i}].id", f.id) for i, f in enumerate(s.focuses)])
    check_ids("focuses", [(f"focuses[{i}].actions[{j}].id", a.id)
                          for i, f in enumerate(s.focuses) for j, a in enumerate(f.actions)])
    check_ids("jhws", [(f"jhws.priorities[{i}].id", p.id) for i, p in enumerate(s.jhws.priorities)])
    check_ids("leicester", [(f"leicester.themes[{i}].priorities[{j}].id", p.id)
                            for i, t in enumerate(s.leicester.themes) for j, p in enumerate(t.priorities)], slug=False)

    linked = [
        ("delivery_priorities", f"delivery_priorities[{i}].pledges", d.pledges) for i, d in enumerate(s.delivery_priorities)
    ] + [("focuses", f"focuses[{i}].pledges", f.pledges) for i, f in enumerate(s.focuses)] + [
        ("jhws", f"jhws.priorities[{i}].pledges", p.pledges) for i, p in enumerate(s.jhws.priorities)
    ]
    check_ids("enablers", [(f"enablers[{i}].id", e.id) for i, e in enumerate(s.enablers)])
    if s.rutland is not None:
        check_ids("rutland", [(f"rutland.priorities[{i}].id", p.id) for i, p in enumerate(s.rutland.priorities)])
    check_ids("observations", [(f"observations[{i}].id", o.id) for i, o in enumerate(s.observations)])
    # every action id is unique across the register: insight records and delivery tracking name actions by id
    check_ids("actions", [(f"{ref.ref}.actions[{j}]", a.ref) for ref in priority_refs(s)
                          for j, a in enumerate(ref.actions)])
    refs = {ref.ref for ref in priority_refs(s)}
    for i, o in enumerate(s.observations):
        if o.priority not in refs:
            problems.append(Problem(files.get("observations", "observations"), f"unknown priority {o.priority!r}; "
                                    "expected a reference as `pophealth strategy show --json` lists under priorities",
                                    path=f"observations[{i}].priority"))
    problems.extend(_measure_problems(s, files))
    for part, path, numbers in linked:
        for n in numbers:
            if n not in pledge_numbers:
                problems.append(Problem(files.get(part, part), f"unknown pledge {n}", path=path))
    return problems


def _measure_problems(s: Strategy, files: dict[str, str]) -> list[Problem]:
    """Measure ids are unique slugs; their pledges and priorities exist; every slot's measure_id resolves."""
    problems: list[Problem] = []
    file = files.get("measures", "measures")
    ids: set[str] = set()
    for i, m in enumerate(s.measures):
        if m.id in ids:
            problems.append(Problem(file, f"duplicate id {m.id!r}", path=f"measures[{i}].id"))
        ids.add(m.id)
        if not _SLUG.match(m.id):
            problems.append(Problem(file, f"id {m.id!r} must be lower-case words joined by hyphens",
                                    path=f"measures[{i}].id"))
    pledge_numbers = {p.number for p in s.pledges}
    known = {f"jhws:{p.id}" for p in s.jhws.priorities} | {
        f"delivery:{d.id}" for d in s.delivery_priorities} | {f"focus:{f.id}" for f in s.focuses} | {
        f"leicester:{p.id}" for t in s.leicester.themes for p in t.priorities} | {
        ref.ref for ref in priority_refs(s)}
    for i, m in enumerate(s.measures):
        for j, n in enumerate(m.pledges):
            if n not in pledge_numbers:
                problems.append(Problem(file, f"unknown pledge {n}", path=f"measures[{i}].pledges[{j}]"))
        for j, ref in enumerate(m.priorities):
            if ref not in known:
                problems.append(Problem(file, f"unknown priority {ref!r}; expected jhws:<id>, leicester:<id>, "
                                        "delivery:<id>, focus:<id>, enabler:<id> or rutland:<id>",
                                        path=f"measures[{i}].priorities[{j}]"))
    slots = [("pledges", f"pledges[{i}].measures[{j}]", slot) for i, p in enumerate(s.pledges)
             for j, slot in enumerate(p.measures)]
    slots += [("jhws", f"jhws.priorities[{i}].measures[{j}]", slot) for i, p in enumerate(s.jhws.priorities)
              for j, slot in enumerate(p.measures)]
    slots += [("delivery_priorities", f"delivery_priorities[{i}].measures[{j}]", slot) for i, d in enumerate(s.delivery_priorities)
              for j, slot in enumerate(d.measures)]
    slots += [("focuses", f"focuses[{i}].measures[{j}]", slot) for i, f in enumerate(s.focuses)
              for j, slot in enumerate(f.measures)]
    for part, path, slot in slots:
        if slot.measure_id is not None and slot.measure_id not in ids:
            problems.append(Problem(files.get(part, part), f"measure_id {slot.measure_id!r} is not in the measure catalogue",
                                    path=path + ".measure_id"))
    return problems
