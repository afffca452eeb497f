"""docs/cli.md documents every command and option: it must equal what the commands say of themselves."""

from pathlib import Path

from pophealth.cli.reference import render_reference

DOC = Path(__file__).parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current():
    assert DOC.read_text() == render_reference(), "regenerate with: python -m pophealth.cli.reference > docs/cli.md"
