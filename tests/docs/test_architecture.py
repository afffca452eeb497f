"""The one-way flow holds: sources, warehouse and engines never import a product or the CLI."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "pophealth"
PRODUCTS = ("pophealth.web", "pophealth.reports", "pophealth.microsite", "pophealth.cli")
LOWER_LAYERS = ["sources", "warehouse", "geography", "strategy", "omop", "stats", "spc", "phm", "delivery",
                "disclosure", "measures", "indicators", "care", "synth", "access", "charts", "boards", "insight"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", LOWER_LAYERS)
def test_lower_layers_do_not_import_products(package):
    offenders = {
        str(path.relative_to(SRC)): sorted(m for m in imported_modules(path) if m.startswith(PRODUCTS))
        for path in (SRC / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_every_package_is_placed_in_a_layer():
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(LOWER_LAYERS) | {"web", "reports", "microsite", "cli"}, packages
