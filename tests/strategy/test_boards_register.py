"""The shipped register: every entry cites a seed section that holds it; nothing invented; bad files named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pophealth.strategy.boards_register import load_register, programme_boards, register_dir
from pophealth.errors import InputError

SEEDS = Path(__file__).parents[3] / "shared" / "seeds"


def _seed(document: str) -> str:
    found = list(SEEDS.glob(f"{document}_*.txt"))
    if not found:
        pytest.skip("seed documents not beside the repository")
    return re.sub(r"\s+", " ", found[0].read_text("utf-8"))


def test_every_entry_cites_a_seed_that_names_it():
    r = load_register()
    for o in r.organisations:
        assert o.source is not None
        if o.id != "emas":  # named by its NHS code in the data; the note says so
            assert o.name in _seed(o.source.document), o.name
    # the seed's own wording where the register uses the short form
    as_printed = {"LLR Integrated Care Board": "Leicester, Leicestershire and Rutland Integrated Care Board",
                  "LLR Health and Wellbeing Partnership":
                      "Leicester, Leicestershire and Rutland Health and Wellbeing Partnership",
                  "Rutland Health and Wellbeing Board": "Rutland County Council Health and Wellbeing Board",
                  "Leicester delivery plan core working group": "Core Group Membership"}
    for b in r.boards:
        assert b.source is not None
        assert as_printed.get(b.name, b.name) in _seed(b.source.document), b.name
    for p in r.people:
        bare = p.name.replace("Councillor ", "")
        assert bare in _seed(p.source.document), p.name


def test_the_register_holds_the_partners_and_boards_the_issue_names():
    r = load_register()
    orgs = {o.id for o in r.organisations}
    assert {"icb", "leicester-city-council", "leicestershire-county-council", "rutland-county-council", "uhl", "lpt",
            "emas", "healthwatch-leicester-leicestershire", "healthwatch-rutland", "vcse-alliance"} <= orgs
    boards = {b.id for b in r.boards}
    assert {"icb-board", "leicester-hwb", "leicestershire-hwb", "rutland-hwb", "system-delivery-partnership"} <= boards
    assert len(r.stakeholders.names) == 41  # seed 003 "Journey To Date: Stakeholders", one per bullet


def test_chairs_are_those_the_foreword_signs_as():
    r = load_register()
    chairs = {(role.board, p.name) for p in r.people for role in p.roles if role.role == "Chair"}
    # seed 004, foreword: the signatories and the boards they chair
    assert chairs == {("icb-board", "David Sissling"), ("leicester-hwb", "Councillor Vi Dempster"),
                      ("leicestershire-hwb", "Councillor Louise Richardson"),
                      ("rutland-hwb", "Councillor Samantha Harvey")}


def test_each_programme_reports_to_one_board():
    assert programme_boards() == {"jfp": "LLR Integrated Care Board", "ics": "LLR Health and Wellbeing Partnership",
                                  "jhws": "Leicestershire Health and Wellbeing Board",
                                  "leicester": "Leicester Health and Wellbeing Board",
                                  "rutland": "Rutland Health and Wellbeing Board",
                                  "enabler": "LLR Health and Wellbeing Partnership"}


def test_a_bad_register_names_the_file_and_path(tmp_path):
    folder = tmp_path / "boards"
    folder.mkdir()
    for f in register_dir().glob("*.yaml"):
        (folder / f.name).write_text(f.read_text("utf-8"), "utf-8")
    text = (folder / "people.yaml").read_text("utf-8").replace("board: rutland-hwb", "board: nowhere-board", 1)
    (folder / "people.yaml").write_text(text, "utf-8")
    with pytest.raises(InputError) as err:
        load_register(tmp_path)
    assert "people.yaml" in err.value.message and "nowhere-board" in err.value.message and "roles[0]" in err.value.message
    (folder / "boards.yaml").write_text("boards:\n- id: Not A Slug\n  name: x\n  kind: board\n", "utf-8")
    with pytest.raises(InputError) as err:
        load_register(tmp_path)
    assert "boards.yaml" in err.value.message and "boards[0].id" in err.value.message
