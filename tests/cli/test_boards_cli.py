"""``pophealth boards``: load the register, add meetings, list boards with their meetings as JSON."""

from __future__ import annotations

import json

import pytest

from pophealth.cli import main
from pophealth.strategy.boards_register import load_register


def _run(capsys, *args: str):
    main(list(args))
    return capsys.readouterr().out


def test_load_add_meeting_and_list(db_file, capsys):
    main(["init", "--db", str(db_file)])
    capsys.readouterr()
    assert "organisations 13" in _run(capsys, "boards", "load", "--db", str(db_file))
    assert "organisations 0" in _run(capsys, "boards", "load", "--db", str(db_file))  # idempotent
    added = json.loads(_run(capsys, "boards", "add-meeting", "leicestershire-hwb", "2025-03-27", "--db", str(db_file),
                            "--json"))
    assert added == {"id": "leicestershire-hwb-2025-03-27", "board": "leicestershire-hwb", "date": "2025-03-27",
                     "demo": False}
    _run(capsys, "boards", "add-meeting", "icb-board", "2025-01-09", "--demo", "--db", str(db_file))
    boards = json.loads(_run(capsys, "boards", "list", "--json", "--db", str(db_file)))
    assert [b["id"] for b in boards] == [b.id for b in load_register().boards]
    by_id = {b["id"]: b for b in boards}
    assert by_id["leicestershire-hwb"]["name"] == "Leicestershire Health and Wellbeing Board"
    assert by_id["leicestershire-hwb"]["meetings"] == [{"id": "leicestershire-hwb-2025-03-27", "date": "2025-03-27",
                                                        "demo": False}]
    assert by_id["icb-board"]["meetings"][0]["demo"] is True
    assert all(b["meetings"] == [] for k, b in by_id.items() if k not in ("icb-board", "leicestershire-hwb"))


@pytest.mark.parametrize(("args", "code"), [
    (["boards", "add-meeting", "leicestershire-hwb", "27/03/2025"], 2),  # not a date
    (["boards", "add-meeting", "no-such-board", "2025-03-27"], 4),
])
def test_mistakes_are_refused(db_file, capsys, args, code):
    main(["init", "--db", str(db_file)])
    main(["boards", "load", "--db", str(db_file)])
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--db", str(db_file)])
    assert exit_.value.code == code
    assert "Error" in capsys.readouterr().err


def test_a_second_meeting_the_same_day_is_refused(db_file):
    main(["init", "--db", str(db_file)])
    main(["boards", "load", "--db", str(db_file)])
    main(["boards", "add-meeting", "rutland-hwb", "2025-02-04", "--db", str(db_file)])
    with pytest.raises(SystemExit) as exit_:
        main(["boards", "add-meeting", "rutland-hwb", "2025-02-04", "--db", str(db_file)])
    assert exit_.value.code == 5
