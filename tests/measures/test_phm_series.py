"""A PHM measure takes one point per index date: the figure of the run that finished last for that date."""

from __future__ import annotations

from pophealth.measures.series import read_series
from pophealth.warehouse import connect


def test_the_run_that_finished_last_for_a_date_stands_whatever_its_id(tmp_path, llr):
    """Run ids end in a random suffix: the run repeated later may sort first. Its figure, not the earlier
    run's, is the one shown (a run repeated after a correction must replace the figure it corrects)."""
    con = connect(tmp_path / "w.duckdb")
    try:
        con.execute("""INSERT INTO phm_run (run_id, index_date, definitions_version, codelist_version, engine, people,
                                            started_at, finished_at) VALUES
            ('20260331-ffff', DATE '2026-03-31', 'd', 'c', 'duckdb', 100, TIMESTAMP '2026-04-01 09:00', TIMESTAMP '2026-04-01 09:05'),
            ('20260331-0000', DATE '2026-03-31', 'd', 'c', 'duckdb', 100, TIMESTAMP '2026-04-02 09:00', TIMESTAMP '2026-04-02 09:05')""")
        con.execute("""INSERT INTO phm_aggregate VALUES
            ('20260331-ffff', 'ltc_5plus', 'all', 'all', 10, 100),
            ('20260331-0000', 'ltc_5plus', 'all', 'all', 12, 100)""")
        series = read_series(con, llr.measure("people-with-5-or-more-ltcs"))
    finally:
        con.close()
    assert [(p.label, p.numerator, p.source) for p in series.points] == [("2026-03", 12, "PHM run 20260331-0000")]
