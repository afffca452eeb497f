"""The layered contract of docs/architecture.md, checked on the real import graph.

Every ``import`` and ``from ... import`` in ``src/pophealth`` counts, at any depth (an import inside a
function is still a dependency: it only hides the cycle from Python's start-up). Each top-level package or
module sits in one layer; a package may import any package of a lower layer, a package of its own layer
only along a direction declared in ``SAME_LAYER``, and never one of a higher layer. Separately, the graph
of top-level packages must have no cycle at all. The few known breaches are listed in ``EXCEPTIONS`` with the
files that make them and the reason; a test fails when one grows, and when one is fixed but still listed.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "pophealth"

# Bottom to top: data moves up (sources -> warehouse -> engines -> products), imports point down.
LAYERS: dict[str, set[str]] = {
    "core": {"errors", "settings", "config", "cells", "stats_catalogue", "cache", "group_commit", "paging"},
    # the DuckDB warehouse and the OMOP CDM it holds (omop/ is the Ibis view of those tables)
    "warehouse": {"warehouse", "omop"},
    "sources": {"sources"},
    "engines": {"strategy", "geography", "stats", "spc", "disclosure", "charts", "access", "phm", "care", "synth",
                "indicators", "measures", "delivery", "boards", "insight"},
    "products": {"cli", "web", "reports", "microsite", "demo", "formats_reference"},
}
ORDER = list(LAYERS)

# Imports allowed between packages of the same layer, importer -> what it may import. Anything else is a
# new dependency: decide its direction (the reverse must then never appear) and add it here.
SAME_LAYER: dict[str, set[str]] = {
    "config": {"settings", "errors"},
    "settings": {"errors"},
    "warehouse": {"omop"},  # Spark export of the tables the OMOP queries read
    # engines: strategy, geography, stats, spc, disclosure and charts are leaves other engines build on
    "indicators": {"strategy", "stats", "disclosure"},
    "measures": {"strategy", "indicators", "spc", "disclosure", "access"},
    "insight": {"strategy", "disclosure"},
    "access": {"geography"},
    "phm": {"charts", "disclosure"},
    "care": {"phm"},
    "synth": {"phm", "care", "geography", "stats"},  # the synthetic population is calibrated on PHM's definitions
    "boards": {"strategy", "delivery"},  # a level decision sets the priority's governance on the tracker
    "delivery": {"strategy"},
    # products: the command line drives the others; none of them imports another
    "cli": {"web", "reports", "microsite", "demo", "formats_reference"},
}

# Known breaches, (importer, imported) -> (the files that make them, why they are not fixed yet).
EXCEPTIONS: dict[tuple[str, str], tuple[set[str], str]] = {
    ("warehouse", "access"): (
        {"warehouse/migrate.py"},
        "migration 0891 first moves old warehouses' audit rows into the audit store (access) and then drops the "
        "DuckDB table; the step is named as a string and imported only when that migration is due. Fixing it "
        "means moving the audit store below the warehouse."),
}

# A module named in a string ("pophealth.pkg.mod" or "pophealth.pkg.mod:function"), as importlib and entry
# points name them: an import all the same, made when the code runs.
_NAMED_MODULE = re.compile(r"^pophealth(\.[a-z_][a-z0-9_]*)+(:[A-Za-z_]\w*)?$")


def _layer_of(package: str) -> str:
    return next(layer for layer, members in LAYERS.items() if package in members)


def _imported(path: Path, src: Path) -> list[str]:
    """Every pophealth module ``path`` imports, relative imports resolved, at any depth of the file."""
    package = ["pophealth", *path.relative_to(src).parts[:-1]]
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.extend(".".join([*base, node.module]) if node.module else ".".join([*base, alias.name])
                             for alias in node.names)
            elif node.module:
                found.append(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _NAMED_MODULE.match(node.value):
            found.append(node.value.split(":")[0])
    return [name for name in found if name.startswith("pophealth.")]


def _top(name_parts: tuple[str, ...]) -> str:
    return name_parts[0].removesuffix(".py")


@cache
def import_graph(src: Path = SRC) -> dict[str, dict[str, set[str]]]:
    """importer package -> imported package -> the files (relative to ``src``) that import it."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in src.rglob("*.py"):
        rel = path.relative_to(src)
        if rel.parts == ("__init__.py",) or rel.parts == ("__main__.py",):
            continue
        importer = _top(rel.parts)
        for name in _imported(path, src):
            imported = name.split(".")[1]
            if imported != importer:
                graph[importer][imported].add(rel.as_posix())
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one node (Tarjan): each is an import cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(set(graph) | {n for targets in graph.values() for n in targets}):
        if node not in index:
            visit(node)
    return found


def _placed() -> set[str]:
    """Every top-level package (with or without ``__init__.py``: synth/ is a namespace package) and module."""
    return {p.name for p in SRC.iterdir() if p.is_dir() and any(p.rglob("*.py"))} | {
        p.stem for p in SRC.glob("*.py") if p.stem not in ("__init__", "__main__")}


def test_every_package_and_module_is_placed_in_exactly_one_layer():
    members = [p for layer in LAYERS.values() for p in layer]
    assert len(members) == len(set(members)), "a package is in two layers"
    assert _placed() == set(members)


@pytest.mark.parametrize("package", sorted(p for layer in LAYERS.values() for p in layer))
def test_a_package_imports_only_lower_layers_and_declared_neighbours(package):
    mine = ORDER.index(_layer_of(package))
    breaches = {}
    for imported, files in import_graph().get(package, {}).items():
        theirs = ORDER.index(_layer_of(imported))
        allowed = theirs < mine or (theirs == mine and imported in SAME_LAYER.get(package, set()))
        excepted = EXCEPTIONS.get((package, imported), (set(), ""))[0]
        if not allowed and files - excepted:
            breaches[f"{package} ({_layer_of(package)}) -> {imported} ({_layer_of(imported)})"] = sorted(
                files - excepted)
    assert breaches == {}


def test_declared_directions_never_run_both_ways():
    both = {(a, b) for a, bs in SAME_LAYER.items() for b in bs if a in SAME_LAYER.get(b, set())}
    assert both == set()
    for importer, imports in SAME_LAYER.items():
        for imported in imports:
            assert _layer_of(importer) == _layer_of(imported), (importer, imported, "not the same layer")


def test_no_import_cycle_between_packages():
    graph = {a: {b for b in bs if (a, b) not in EXCEPTIONS} for a, bs in import_graph().items()}
    assert cycles(graph) == []


def test_every_exception_is_still_needed_and_no_wider():
    graph = import_graph()
    for (importer, imported), (files, _why) in EXCEPTIONS.items():
        assert graph.get(importer, {}).get(imported, set()) == files, (importer, imported)
        allowed = ORDER.index(_layer_of(imported)) < ORDER.index(_layer_of(importer)) or imported in SAME_LAYER.get(
            importer, set())
        assert not allowed, f"{importer} -> {imported} is allowed by the layers: drop the exception"


def test_the_cycle_finder_finds_cycles_and_only_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert sorted(map(sorted, cycles({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c", "e"}}))) == [["a", "b"],
                                                                                                ["c", "d"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_the_import_graph_sees_imports_inside_functions_and_relative_ones(tmp_path):
    pkg = tmp_path / "pophealth" / "alpha"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "mod.py").write_text("def f():\n    from pophealth.beta import x\n    from ..gamma import y\n"
                                "    import pophealth.delta.z\n"
                                "    importlib.import_module('pophealth.epsilon.w')\n"
                                "STEPS = {1: 'pophealth.zeta.m:step'}\n"
                                "NOTE = 'see pophealth.eta for why'\n")  # prose naming a module is no import
    assert {k: dict(v) for k, v in import_graph(tmp_path / "pophealth").items()} == {
        "alpha": {"beta": {"alpha/mod.py"}, "gamma": {"alpha/mod.py"}, "delta": {"alpha/mod.py"},
                  "epsilon": {"alpha/mod.py"}, "zeta": {"alpha/mod.py"}}}


def test_the_demo_is_a_product_no_engine_imports():
    importers = {a for a, bs in import_graph().items() if "demo" in bs}
    assert importers <= LAYERS["products"], importers
