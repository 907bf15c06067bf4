import math

import pandas as pd

from course_utils.evaluate import results


def test_shown_rounds_scores_and_writes_counts_and_seconds_whole():
    figures = pd.Series({"accuracy": 0.98765, "steps": 6750.0, "seconds": 413.69, "std": math.nan, "gap": None},
                        name="this run")
    text = results.shown(figures, whole=lambda name: name in ("steps", "seconds"))
    assert text.to_dict() == {"accuracy": "0.988", "steps": "6,750", "seconds": "414", "std": "—", "gap": "—"}
    assert text.name == "this run" and figures["accuracy"] == 0.98765  # the numbers themselves stay
