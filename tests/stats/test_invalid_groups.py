"""Invalid input in one group flags that group and leaves the others untouched."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pophealth.cli import main
from pophealth.stats import (ESP2013, crude_rate, dsr, isratio, life_expectancy, proportion,
                             sii)
from pophealth.stats.life_expectancy import START_AGES


def test_proportion_flags_each_bad_group() -> None:
    df = pd.DataFrame({"area": ["ok", "neg", "over", "zero"], "numerator": [5, -1, 12, 0],
                       "denominator": [10, 10, 10, 0]})
    out = proportion(df, by="area").set_index("area")
    assert out.loc["ok", "flag"] == "" and out.loc["ok", "value"] == 0.5
    assert out.loc["neg", "flag"] == "numerator < 0"
    assert out.loc["over", "flag"] == "numerator > denominator"
    assert out.loc["zero", "flag"] == "denominator <= 0"
    assert out.loc[["neg", "over", "zero"], "value"].isna().all()


def test_rate_allows_numerator_above_denominator() -> None:
    out = crude_rate(pd.DataFrame({"numerator": [250], "denominator": [220]}), multiplier=100)
    assert out["flag"].iloc[0] == "" and out["value"].iloc[0] == pytest.approx(250 / 220 * 100)


def esp_frame(area: str, count: float, pop: float) -> pd.DataFrame:
    return pd.DataFrame({"area": area, "count": count, "pop": pop, "stdpop": ESP2013})


def test_dsr_zero_population_flags_only_that_area() -> None:
    good = esp_frame("good", 20, 1000)
    bad = esp_frame("bad", 20, 1000)
    bad.loc[3, "pop"] = 0
    out = dsr(pd.concat([good, bad]), by="area").set_index("area")
    assert out.loc["bad", "flag"].startswith("population")
    assert np.isnan(out.loc["bad", "value"])
    assert out.loc["good", "value"] == pytest.approx(2000.0)  # 20/1000 in every band


def test_isratio_negative_count_flags() -> None:
    df = pd.DataFrame({"area": ["a", "a", "b", "b"], "count": [3, -1, 3, 4], "pop": [100] * 4,
                       "refcount": [10] * 4, "refpop": [1000] * 4})
    out = isratio(df, by="area").set_index("area")
    assert out.loc["a", "flag"] == "count < 0" and out.loc["b", "flag"] == ""
    assert out.loc["b", "value"] == pytest.approx(7 / 2)  # E = 2 x 100 x 10/1000


def test_life_expectancy_missing_band_and_low_population() -> None:
    pops = np.full(20, 5000.0)
    deaths = np.linspace(1, 400, 20)
    good = pd.DataFrame({"area": "good", "startage": START_AGES, "deaths": deaths, "pop": pops})
    small = good.assign(area="small", pop=250.0, deaths=deaths / 2)  # total pop exactly 5000
    missing = good.assign(area="missing").iloc[:-1]
    out = life_expectancy(pd.concat([good, small, missing]), by="area")
    flags = out.groupby("area")["flag"].first()
    assert flags["small"] == "total population <= 5000"
    assert flags["missing"] == "not exactly 20 age bands"
    assert out.loc[out["area"] == "good", "value"].notna().all()


def test_sii_bad_area_does_not_stop_others() -> None:
    good = pd.DataFrame({"area": "good", "quantile": range(1, 11), "population": 1000.0,
                         "value": np.linspace(70, 80, 10), "se": 0.5})
    bad = good.assign(area="bad")
    bad.loc[2, "population"] = 0
    out = sii(pd.concat([good, bad]), by="area", seed=1, repetitions=1000).set_index("area")
    assert out.loc["bad", "flag"] == "population missing or <= 0"
    assert out.loc["good", "sii"] == pytest.approx(10 / 0.9, rel=1e-9)  # values rise 10 over ranks 0.05-0.95


def test_sii_limits_reproducible_from_seed() -> None:
    df = pd.DataFrame({"quantile": range(1, 6), "population": [5, 4, 3, 2, 1.0],
                       "value": [1, 2, 3, 4, 5.0], "se": 0.3})
    first, second = (sii(df, seed=42, repetitions=2000) for _ in range(2))
    pd.testing.assert_frame_equal(first, second)


def test_cli_names_file_row_and_column(tmp_path, capsys) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("area,numerator,denominator\nA,1,10\nB,lots,10\n")
    with pytest.raises(SystemExit) as done:
        main(["stats", "proportion", "-i", str(source), "-o", str(tmp_path / "o.csv")])
    assert done.value.code == 3
    err = capsys.readouterr().err
    assert "row 3" in err and "'numerator'" in err and "lots" in err
    assert not (tmp_path / "o.csv").exists()


def test_cli_missing_column(tmp_path, capsys) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("area,numerator\nA,1\n")
    with pytest.raises(SystemExit) as done:
        main(["stats", "rate", "-i", str(source), "-o", str(tmp_path / "o.csv")])
    assert done.value.code == 3
    assert "'denominator'" in capsys.readouterr().err
