"""Comparisons over seeds: each figure's mean and standard deviation, and whether two rows differ beyond them.

A lesson that compares two settings trains each with several seeds; the notebooks then call a difference only
where the two means lie further apart than the two standard deviations added together (with one seed there is
no spread, and nothing is called). Within one run, two shares of verdicts (say, how often a classifier errs one
way and the other) are compared against their sampling error instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd


def spread(per_seed: Sequence[Mapping[str, float]], keys: Iterable[str]) -> dict:
    """{"seeds": n, "KEY mean": ..., "KEY std": ...} over the runs' figures (std with n - 1; NaN for one run)."""
    if not per_seed:
        raise ValueError("no runs to summarise")
    out: dict = {"seeds": len(per_seed)}
    for key in keys:
        values = np.array([float(figures[key]) for figures in per_seed])
        out[f"{key} mean"] = float(values.mean())
        out[f"{key} std"] = float(values.std(ddof=1)) if len(values) > 1 else float("nan")
    return out


def beyond_spread(a: Mapping, b: Mapping, key: str) -> bool | None:
    """Whether rows a and b (from `spread`) differ in `key` by more than their two standard deviations together;
    None when either has a single seed, or a figure that is not a number (a run that diverged)."""
    figures = [row[f"{key} {part}"] for row in (a, b) for part in ("mean", "std")]
    if min(a["seeds"], b["seeds"]) < 2 or not np.isfinite(figures).all():
        return None
    return abs(a[f"{key} mean"] - b[f"{key} mean"]) > a[f"{key} std"] + b[f"{key} std"]


def verdict(a: Mapping, b: Mapping, key: str, a_name: str, b_name: str) -> str:
    """A sentence's end: which row is higher in `key`, if the seeds can tell."""
    called = beyond_spread(a, b, key)
    if called is None:
        if min(a["seeds"], b["seeds"]) < 2:
            return "one seed: no spread to call a difference with"
        return f"a run's {key} is not a number: no difference called"
    if not called:
        return f"{a_name} and {b_name} lie within each other's spread"
    higher, lower = (a_name, b_name) if a[f"{key} mean"] > b[f"{key} mean"] else (b_name, a_name)
    return f"{higher} is higher than {lower}, beyond the spread"


def share_gap_error(a: float, n_a: int, b: float, n_b: int) -> float:
    """The standard error of a - b, where a is a share of n_a independent verdicts and b of n_b: sampling alone."""
    if min(n_a, n_b) < 1:
        raise ValueError(f"each share needs at least one verdict; got {n_a} and {n_b}")
    return float(np.sqrt(a * (1 - a) / n_a + b * (1 - b) / n_b))


def shares_differ(a: float, n_a: int, b: float, n_b: int) -> bool:
    """Whether two shares lie more than twice their gap's standard error apart (about 95% of sampling noise
    stays inside)."""
    return abs(a - b) > 2 * share_gap_error(a, n_a, b, n_b)


def mean_pm_std(table: pd.DataFrame, keys: Iterable[str], digits: int | Mapping[str, int] = 3) -> pd.DataFrame:
    """The table of `spread` rows shown as "mean ± std" per key, for reading (the numbers stay in `table`).

    digits: decimals for every key, or per key ({"frechet": 1}: a distance in the hundreds needs no thousandths;
    keys it leaves out get 3)."""
    shown = pd.DataFrame(index=table.index)
    shown["seeds"] = table["seeds"].astype(int)
    for key in keys:
        d = digits.get(key, 3) if isinstance(digits, Mapping) else digits
        shown[key] = [f"{m:.{d}f} ± {s:.{d}f}" for m, s in zip(table[f"{key} mean"], table[f"{key} std"])]
    return shown
