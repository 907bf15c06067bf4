"""course_utils.evaluate.seeds: means and spreads over seeds, and when a difference is called."""

import math

import pandas as pd
import pytest

from course_utils.evaluate import seeds


def test_spread_gives_the_mean_and_the_sample_standard_deviation():
    row = seeds.spread([{"fid": 10.0}, {"fid": 12.0}, {"fid": 14.0}], ["fid"])
    assert row == {"seeds": 3, "fid mean": 12.0, "fid std": 2.0}
    one = seeds.spread([{"fid": 10.0}], ["fid"])
    assert one["seeds"] == 1 and math.isnan(one["fid std"])
    with pytest.raises(ValueError, match="no runs"):
        seeds.spread([], ["fid"])


def test_a_difference_is_called_only_beyond_both_spreads():
    a = seeds.spread([{"x": 1.0}, {"x": 1.2}], ["x"])  # 1.1 ± 0.141
    near = seeds.spread([{"x": 1.3}, {"x": 1.5}], ["x"])  # 1.4 ± 0.141: the gap 0.3 is above 0.283
    overlapping = seeds.spread([{"x": 1.2}, {"x": 1.4}], ["x"])  # gap 0.2, within
    assert seeds.beyond_spread(a, near, "x") is True
    assert seeds.beyond_spread(a, overlapping, "x") is False
    assert seeds.beyond_spread(a, seeds.spread([{"x": 9.0}], ["x"]), "x") is None
    assert seeds.verdict(a, near, "x", "A", "B") == "B is higher than A, beyond the spread"
    assert seeds.verdict(a, overlapping, "x", "A", "B") == "A and B lie within each other's spread"
    assert seeds.verdict(a, seeds.spread([{"x": 9.0}], ["x"]), "x", "A", "B").startswith("one seed")
    diverged = seeds.spread([{"x": 1.0}, {"x": float("nan")}], ["x"])  # a run whose figure is not a number
    assert seeds.beyond_spread(diverged, near, "x") is None
    assert seeds.verdict(diverged, near, "x", "A", "B") == "a run's x is not a number: no difference called"


def test_mean_pm_std_shows_each_key_as_one_string():
    table = pd.DataFrame([seeds.spread([{"x": 1.0}, {"x": 2.0}], ["x"])], index=["run"])
    assert seeds.mean_pm_std(table, ["x"], digits=2).loc["run", "x"] == "1.50 ± 0.71"


def test_mean_pm_std_takes_decimals_per_key():
    table = pd.DataFrame([seeds.spread([{"x": 1.0, "y": 250.0}, {"x": 2.0, "y": 260.0}], ["x", "y"])], index=["run"])
    shown = seeds.mean_pm_std(table, ["x", "y"], digits={"y": 0})
    assert shown.loc["run", "y"] == "255 ± 7" and shown.loc["run", "x"] == "1.500 ± 0.707"  # x gets the default 3


def test_two_shares_differ_only_beyond_twice_their_sampling_error():
    # 0.5 of 100 and 0.4 of 100: standard error sqrt(0.25 / 100 + 0.24 / 100) = 0.07, so a gap of 0.1 is noise
    assert seeds.share_gap_error(0.5, 100, 0.4, 100) == pytest.approx(0.07)
    assert not seeds.shares_differ(0.5, 100, 0.4, 100)
    assert seeds.shares_differ(0.5, 1000, 0.4, 1000)  # the same gap on ten times the verdicts: 0.022
    assert seeds.shares_differ(0.4, 1000, 0.5, 1000)  # either order
    with pytest.raises(ValueError, match="at least one verdict"):
        seeds.share_gap_error(0.5, 0, 0.5, 10)
