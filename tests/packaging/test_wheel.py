"""The built package carries every file the product reads at run time.

``make install`` installs the source tree in place (editable), where every file is at hand whether or not
the package data lists it; a plain ``pip install`` of the built wheel has only what the package data
lists. Templates missing from the wheel once left an installed copy unable to render a page or publish.
So this builds the wheel as pip would and compares it with the source tree.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "pophealth"

pytestmark = [pytest.mark.slow]


def _source_files() -> set[str]:
    return {p.relative_to(SOURCE.parent).as_posix() for p in SOURCE.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory) -> set[str]:
    work = tmp_path_factory.mktemp("wheel")
    tree = work / "tree"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = work / "dist"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "-q", "-w", str(out), str(tree)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (wheel,) = out.glob("pophealth-*.whl")
    with zipfile.ZipFile(wheel) as z:
        return {n for n in z.namelist() if n.startswith("pophealth/")}


def test_the_wheel_holds_every_file_of_the_package(wheel_files):
    missing = sorted(_source_files() - wheel_files)
    assert not missing, f"{len(missing)} files of src/pophealth are not in the wheel, e.g. {missing[:5]}"


def test_the_wheel_holds_the_templates_and_the_styles(wheel_files):
    # the page templates and the site's own styles, named: the files a server and a publish cannot do without
    assert "pophealth/web/templates/base.jinja" in wheel_files
    assert "pophealth/web/templates/error.jinja" in wheel_files
    assert "pophealth/web/static/pophealth.css" in wheel_files
