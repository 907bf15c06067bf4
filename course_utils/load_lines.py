"""What a notebook prints when `train(..., pretrained=True)` loads a shipped run instead of training.

One run, one line: which file, that its SHA-256 was checked, how long the run trained, what did not ship. A cell
that loads a comparison's dozen runs would print a dozen such lines before its table; inside `one_line(what)` the
loads are gathered and the cell prints a single line for all of them when the block ends.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

_gathered: list[tuple[str, dict]] | None = None  # the loads of the open `one_line` block, if one is open


def _trained(entries: list[dict]) -> str:
    steps = sorted({e["step"] for e in entries})
    seconds = sorted(e["train_seconds"] for e in entries)
    if len(entries) == 1:
        return f"trained for {steps[0]:,} steps in {seconds[0]:.0f} s"
    steps_text = f"{steps[0]:,} steps" if len(steps) == 1 else f"{steps[0]:,} to {steps[-1]:,} steps"
    seconds_text = (f"{seconds[0]:.0f} s" if f"{seconds[0]:.0f}" == f"{seconds[-1]:.0f}"
                    else f"{seconds[0]:.0f} to {seconds[-1]:.0f} s")
    return f"trained for {steps_text} in {seconds_text} each"


def _untrained(entries: list[dict]) -> str:
    """The models that did not ship (they keep their initial weights): '; D not shipped (untrained)'."""
    counts = Counter(name for e in entries for name in e["left_out"])
    if not counts:
        return ""
    parts = [name if k == len(entries) else f"{name} ({k} of {len(entries)})" for name, k in counts.items()]
    return f"; {', '.join(parts)} not shipped (untrained)"


def describe(desc: str, entries: list[dict]) -> str:
    """The line for one or more loaded runs (`pretrained.load_run`'s entries), named `desc`."""
    histories = [e for e in entries if not e["models"]]  # shipped without weights: a comparison's extra seeds
    runs = [e for e in entries if e["models"]]
    parts = []
    if runs:
        what = (f"the shipped run {runs[0]['file']}" if len(entries) == 1
                else f"{len(runs)} shipped run{'s' if len(runs) > 1 else ''}")
        parts.append(f"{what} ({sum(e['bytes'] for e in runs) / 2**20:.1f} MiB, SHA-256 checked), "
                     f"{_trained(runs)}{_untrained(runs)}")
    if histories:
        what = (f"the shipped history {histories[0]['file']}" if len(entries) == 1
                else f"{len(histories)} shipped histor{'ies' if len(histories) > 1 else 'y'}")
        whose = "its" if len(histories) == 1 else "their"
        parts.append(f"{what} (SHA-256 checked), {_trained(histories)}; {whose} figures only, no weights")
    return f"{desc}: loaded {'; and '.join(parts)}"


def report(desc: str, entry: dict) -> None:
    """Print the line of one loaded run, or keep it for the open `one_line` block."""
    if _gathered is None:
        print(describe(desc, [entry]))
    else:
        _gathered.append((desc, entry))


@contextmanager
def one_line(what: str):
    """Shipped runs loaded inside the block print one line together, named `what`, when it ends (a block inside
    another adds its loads to the outer one's line). Training prints nothing here: its progress bars show."""
    global _gathered
    if _gathered is not None:
        yield
        return
    _gathered = []
    try:
        yield
    finally:
        gathered, _gathered = _gathered, None
        if gathered:  # a single load keeps its own name and line
            print(describe(gathered[0][0] if len(gathered) == 1 else what, [entry for _, entry in gathered]))
