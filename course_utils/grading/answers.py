"""What a question cell calls: a kind stop at an unanswered question, and the student edition's checker."""

from __future__ import annotations

from pathlib import Path


class Unanswered(Exception):
    """A question that still holds the student edition's placeholder (`...`, or a function body of `...`)."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback: one sentence, not a page.
        return [f"\x1b[1;31mStopped here: {self}\x1b[0m"]


def answered(question: str, *values) -> None:
    """Stop with one line naming `question` while any of `values` is a placeholder: `...` (what the student
    edition puts where the answer goes) or None (what a function whose body is still `...` returns)."""
    if any(v is Ellipsis or v is None for v in values):
        raise Unanswered(f"question {question} is not answered yet. Replace the `...` in the cell above with "
                         f"your answer, run it, then run the cells below it again.")


class _NoOtter:
    """Stands in for otter's checker where otter-grader is not installed."""

    def check(self, question: str) -> None:
        print(f"cannot check {question}: otter-grader is not installed "
              f"(pip install \"course_utils[grading]\", then restart the kernel)")


def grader(notebook: str):
    """The checker behind the student edition's `grader.check("qN")` cells: otter-grader's, reading the
    visible tests stored in this notebook's file; a stand-in that says how to install otter where it is missing."""
    try:
        import otter
    except ImportError:
        return _NoOtter()
    return otter.Notebook(str(Path(notebook)))
