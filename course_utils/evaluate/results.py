"""A notebook's Results table, shown for reading: shares and scores to three decimals, counts and seconds whole.

The numbers stay as they are in the notebook's own Series (its record reads them there); only the shown column
is text.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd


def shown(figures: pd.Series, whole: Callable[[str], bool]) -> pd.Series:
    """`figures` as text: the names `whole` picks (counts, seconds) as whole numbers with thousands separators,
    the others to three decimals, a missing figure (None or NaN) as a dash."""
    def text(name: str, value) -> str:
        if value is None or value != value:
            return "—"
        return f"{value:,.0f}" if whole(name) else f"{value:.3f}"

    return pd.Series({name: text(name, value) for name, value in figures.items()}, name=figures.name)
