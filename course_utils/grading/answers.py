"""What a question cell calls: a kind stop at an unanswered question, and the student edition's checker."""

from __future__ import annotations

import inspect
import json
import sys
import urllib.request
from pathlib import Path

from ..runtime import REPO_ROOT, REPOSITORY


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


# Where Colab's copy of a student notebook comes from: the edition in the course's repository.
STUDENT_URL = f"https://raw.githubusercontent.com/{REPOSITORY}/main/student/"


def _fetch(url: str, path: str) -> None:
    urllib.request.urlretrieve(url, path)


class _ColabChecker:
    """Colab keeps the open notebook in Drive, not on disk, and otter's checker refuses notebook-stored tests
    there; this one reads the same visible tests from the edition's file, fetched once into the working folder."""

    def __init__(self, notebook: str):
        self.path = Path(Path(notebook).name)

    def check(self, question: str):
        from otter.test_files import NotebookMetadataOKTestFile

        if not self.path.exists():  # on the first check, so that opening a master on Colab fetches nothing
            _fetch(STUDENT_URL + self.path.name, str(self.path))
        spec = json.loads(self.path.read_text(encoding="utf-8"))["metadata"]["otter"]["tests"][question]
        test = NotebookMetadataOKTestFile.from_metadata(spec, str(self.path))
        test.run(inspect.currentframe().f_back.f_globals)  # the notebook's variables, as otter's own check
        return test  # shows "q1 passed!" or the failing test, as otter's own check does


def grader(notebook: str):
    """The checker behind the student edition's `grader.check("qN")` cells: otter-grader's, reading the
    visible tests stored in this notebook's file (on Colab, in a copy of the file); a stand-in that says how to
    install otter where it is missing."""
    try:
        import otter
    except ImportError:
        return _NoOtter()
    if "google.colab" in sys.modules:
        return _ColabChecker(notebook)
    return otter.Notebook(str(_edition_file(notebook)))


def _edition_file(notebook: str) -> Path:
    """The notebook's file in the working folder (Jupyter, `papermill --cwd`); from any other folder (papermill run
    from the repository's root) the repository's student edition, which stores the same tests."""
    path = Path(notebook)
    shipped = REPO_ROOT / "student" / path.name
    return shipped if not path.exists() and shipped.exists() else path
