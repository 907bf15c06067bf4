"""What an executed notebook printed, read the same way by every test that runs one (papermill or the browser)."""

import re

# "UserWarning: ...", "Pandas4Warning: ...": the line Python's warnings module prints for each warning
WARNING_LINE = re.compile(r"\b\w*Warning: ")
# course_utils.load_lines: a shipped run with its weights, loaded alone or with others ("loaded 3 shipped runs")
LOADED_WEIGHTS = re.compile(r"loaded (the shipped run|\d+ shipped runs) .*SHA-256 checked")


def printed_text(nb) -> str:
    """Every stream output (stdout and stderr) of an executed notebook's code cells, in order."""
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                   if o.get("output_type") == "stream")


def warnings_in(text: str) -> list[str]:
    """The warning lines in printed text: a student should meet none (each is a library's complaint about our
    code, shown in the middle of the lesson)."""
    return [line.strip() for line in text.splitlines() if WARNING_LINE.search(line)]


def loaded_shipped_weights(text: str) -> bool:
    """Whether printed text says a shipped run's weights were loaded, their SHA-256 checked (so nothing trained)."""
    return bool(LOADED_WEIGHTS.search(text))
