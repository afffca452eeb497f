"""Reading the boards register from YAML: ``<strategy folder>/boards/*.yaml`` (default: the shipped LLR one).

The register sits in a sub-folder so the strategy loader, which reads every YAML file at the top of the
folder, is not asked to know it. Problems name the file and the path inside it; nothing is half-read.
It lives with the strategy, below the delivery tracker (which names each programme's board from it) and the
boards store (which records meetings and level decisions against it), so neither imports the other.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from pophealth.strategy.boards_models import Board, Organisation, Person, Register, Stakeholders
from pophealth.errors import ConfigError, InputError, Problem
from pophealth.sources.safe_yaml import load_yaml

PARTS: dict[str, Any] = {"organisations": list[Organisation], "stakeholders": Stakeholders,
                         "boards": list[Board], "people": list[Person]}


def register_dir(strategy_dir: str | Path | None = None) -> Path:
    from pophealth.strategy.loader import default_strategy_dir

    return Path(strategy_dir or default_strategy_dir()) / "boards"


def load_register(strategy_dir: str | Path | None = None) -> Register:
    root = register_dir(strategy_dir)
    if not root.is_dir():
        raise ConfigError(f"Boards register folder not found: {root}",
                          hint="a strategy folder keeps its organisations, boards and people in boards/*.yaml")
    parts: dict[str, Any] = {}
    problems: list[Problem] = []
    for file in sorted(root.glob("*.yaml")):
        try:
            data = load_yaml(file.read_bytes(), file.name)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(data, dict):
            problems.append(Problem(file.name, "expected a mapping at the top level"))
            continue
        for key, value in data.items():
            if key not in PARTS:
                problems.append(Problem(file.name, f"unknown part {key!r}; expected one of {sorted(PARTS)}", path=str(key)))
            elif key in parts:
                problems.append(Problem(file.name, f"part {key!r} is defined twice", path=key))
            else:
                try:
                    parts[key] = TypeAdapter(PARTS[key]).validate_python(value)
                except ValidationError as exc:
                    for e in exc.errors():
                        path = key + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])
                        problems.append(Problem(file.name, e["msg"], path=path))
    for key in ("organisations", "boards", "people"):
        if key not in parts and not problems:
            problems.append(Problem(root.name + "/", f"no file defines {key!r}"))
    if problems:
        raise InputError(problems)
    register = Register(**parts)
    problems = _cross_references(register)
    if problems:
        raise InputError(problems)
    return register


def _cross_references(r: Register) -> list[Problem]:
    orgs = {o.id for o in r.organisations}
    boards = {b.id for b in r.boards}
    out: list[Problem] = []
    for kind, ids in (("organisations", [o.id for o in r.organisations]), ("boards", [b.id for b in r.boards]),
                      ("people", [p.id for p in r.people])):
        seen: set[str] = set()
        for i, x in enumerate(ids):
            if x in seen:
                out.append(Problem(f"{kind}.yaml", f"id {x!r} is given twice", path=f"{kind}[{i}].id"))
            seen.add(x)
    for i, b in enumerate(r.boards):
        for o in [b.organisation, *b.members_organisations]:
            if o is not None and o not in orgs:
                out.append(Problem("boards.yaml", f"no organisation {o!r}", path=f"boards[{i}]"))
    for i, p in enumerate(r.people):
        if p.organisation is not None and p.organisation not in orgs:
            out.append(Problem("people.yaml", f"no organisation {p.organisation!r}", path=f"people[{i}].organisation"))
        for k, role in enumerate(p.roles):
            if role.board not in boards:
                out.append(Problem("people.yaml", f"no board {role.board!r}", path=f"people[{i}].roles[{k}].board"))
    return out


@lru_cache(maxsize=4)
def _shipped() -> Register:
    return load_register()


def programme_boards(register: Register | None = None) -> dict[str, str]:
    """Programme -> the name of the board its Do / Sponsor / Watch levels report to (the first that lists it)."""
    r = register or _shipped()
    out: dict[str, str] = {}
    for b in r.boards:
        for p in b.programmes:
            out.setdefault(p, b.name)
    return out
