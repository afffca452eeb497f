"""The ``pophealth stats`` CLI reproduces the reference cases from the reference CSVs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pophealth.cli import main
from tests.stats.reference_cases import assert_close, load, path_of
from tests.stats.test_reference_distribution import check_sii

pytestmark = pytest.mark.reference
LIMITS = ["lower95", "upper95", "lower998", "upper998"]


def run_cli(method: str, source: Path, tmp_path: Path, *extra: str) -> pd.DataFrame:
    out = tmp_path / f"{method}.csv"
    with pytest.raises(SystemExit) as done:
        main(["stats", method, "--input", str(source), "--output", str(out), *extra])
        raise SystemExit(0)
    assert done.value.code in (0, None)
    return pd.read_csv(out, keep_default_na=False, na_values=[""])


GROUPED = [
    ("proportion", "proportions.csv", ["value", *LIMITS]),
    ("rate", "rates.csv", ["value", *LIMITS]),
    ("mean", "means.csv", ["n", "sum", "sd", "mean", *LIMITS]),
    ("dsr", "dsr.csv", ["total_count", "total_pop", "value", *LIMITS]),
    ("dsr", "dsr_nonindependent.csv", ["total_count", "value", *LIMITS]),
    ("isratio", "isratio.csv", ["observed", "expected", "value", *LIMITS]),
    ("isr", "israte.csv", ["observed", "expected", "ref_rate", "value", *LIMITS]),
]


@pytest.mark.parametrize(("method", "name", "columns"), GROUPED, ids=[g[1] for g in GROUPED])
def test_grouped_methods(method: str, name: str, columns: list[str], tmp_path: Path) -> None:
    out = run_cli(method, path_of(name), tmp_path, "--group-by", "case_id")
    expected = load(name).groupby("case_id", sort=False).first().reset_index()
    merged = expected.merge(out, on="case_id", suffixes=("_expected", ""), how="left")
    assert len(merged) == len(expected)
    for col in columns:
        assert_close(merged[col], merged[f"{col}_expected"], what=f"{name} {col}")


def test_life_expectancy(tmp_path: Path) -> None:
    out = run_cli("life-expectancy", path_of("life_expectancy.csv"), tmp_path,
                  "--group-by", "case_id")
    expected = load("life_expectancy.csv")
    for col in ["value", *LIMITS]:
        assert_close(out[col], expected[col], rel=0, abs_=1e-6, what=col)


def test_quantiles(tmp_path: Path) -> None:
    out = run_cli("quantiles", path_of("quantiles.csv"), tmp_path, "--group-by", "case_id")
    assert_close(out["quantile"], load("quantiles.csv")["expected_quantile"], rel=0)


def test_funnel_significance(tmp_path: Path) -> None:
    out = run_cli("funnel", path_of("funnel_significance.csv"), tmp_path,
                  "--group-by", "statistic,rate_type,multiplier")
    expected = load("funnel_significance.csv")["expected_significance"]
    assert (out["significance"] == expected).all()


def test_benchmark(tmp_path: Path) -> None:
    out = run_cli("benchmark", path_of("benchmark_fingertips.csv"), tmp_path)
    assert (out["significance"] == load("benchmark_fingertips.csv")["expected_significance"]).all()


def test_trend(tmp_path: Path) -> None:
    out = run_cli("trend", path_of("trend_fingertips.csv"), tmp_path, "--group-by", "case_id")
    expected = load("trend_fingertips.csv").groupby("case_id", sort=False).first().reset_index()
    merged = expected.merge(out, on="case_id")
    assert (merged["marker"] == merged["expected_marker"]).all()


def test_sii(tmp_path: Path) -> None:
    data = load("sii.csv")
    levels = data["confidence_1"].astype(str) + "," + data["confidence_2"].fillna(0).astype(str)
    for key, part in data.groupby(levels, sort=False):
        source = tmp_path / "sii_in.csv"
        part.to_csv(source, index=False)
        wanted = [float(v) for v in key.split(",") if float(v) > 0]
        out = run_cli("sii", source, tmp_path, "--group-by", "case_id", "--confidence",
                      ",".join(str(v) for v in wanted), "--set", "seed=7")
        expected = part.groupby("case_id", sort=False).first().reset_index()
        merged = expected.merge(out, on="case_id", suffixes=("_expected", ""))
        for _, row in merged.iterrows():
            exp = pd.Series({c: row[f"{c}_expected"] for c in ["sii", "rii", "intercept"]}
                            | {c: row[c] for c in row.index if c.endswith(("_1", "_2"))}
                            | {"confidence_1": row.confidence_1, "confidence_2": row.confidence_2})
            check_sii(row, exp, row.case_id)  # ours are the unsuffixed columns


def test_funnel_limits(tmp_path: Path) -> None:
    """The reference file itself is the input: per data set, its statistic, baseline and denominators."""
    from tests.stats.test_reference_funnels import LIMIT_COLUMNS

    out = run_cli("funnel-limits", path_of("funnel_limits.csv"), tmp_path, "--group-by", "dataset_id")
    expected = load("funnel_limits.csv")
    merged = expected.merge(out, on=["dataset_id", "axis_index"], suffixes=("_expected", ""), how="left")
    assert len(merged) == len(expected)
    assert_close(merged["axis_value"], merged["axis_value_expected"], what="axis_value")
    for col in LIMIT_COLUMNS:
        known = merged[f"{col}_expected"].notna()
        assert known.any() or col.endswith("population_1_year") or col.endswith("exp_events")
        assert_close(merged.loc[known, col], merged.loc[known, f"{col}_expected"], rel=1e-6, abs_=5e-7,
                     what=f"funnel_limits {col}")


def test_funnel_limits_from_the_inputs_alone(tmp_path: Path) -> None:
    """Only the data sets' inputs (no output column such as ``baseline``, blank cells left blank): the
    limits still match, so the command reads what the method takes, not what the reference printed."""
    from tests.stats.test_reference_funnels import LIMIT_COLUMNS

    expected = load("funnel_limits.csv")
    inputs = ["dataset_id", "statistic", "sub_type", "multiplier", "years_of_data", "baseline_average",
              "dataset_min_denominator", "dataset_max_denominator"]
    source = tmp_path / "funnel_inputs.csv"
    expected[inputs].drop_duplicates("dataset_id").to_csv(source, index=False)
    out = run_cli("funnel-limits", source, tmp_path, "--group-by", "dataset_id")
    merged = expected.merge(out, on=["dataset_id", "axis_index"], suffixes=("_expected", ""), how="left")
    assert len(merged) == len(expected)
    for col in ["axis_value", *LIMIT_COLUMNS]:
        known = merged[f"{col}_expected"].notna()
        assert_close(merged.loc[known, col], merged.loc[known, f"{col}_expected"], rel=1e-6, abs_=5e-7,
                     what=f"funnel_limits {col}")
