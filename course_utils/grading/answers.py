"""What a question cell calls: a kind stop at an unanswered question, and the student edition's checker."""

from __future__ import annotations

import importlib.util
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
        raise Unanswered(f"question {question} is not answered yet. Replace the `...` in this cell with your "
                         f"answer (a function must `return` its result: None counts as no answer), run it, then "
                         f"run the cells below it again.")


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

    def check(self, question: str, global_env: dict):
        from otter.test_files import NotebookMetadataOKTestFile

        if not self.path.exists():  # on the first check, so that opening a master on Colab fetches nothing
            _fetch(STUDENT_URL + self.path.name, str(self.path))
        spec = json.loads(self.path.read_text(encoding="utf-8"))["metadata"]["otter"]["tests"][question]
        test = NotebookMetadataOKTestFile.from_metadata(spec, str(self.path))
        test.run(global_env)
        return test  # shows "q1 passed!" or the failing test, as otter's own check does


class _VisibleTests:
    """The checker of a student edition, which holds only the visible tests: under a pass it says that the grade
    also counts hidden tests, so that "passed" is not read as full marks.

    The checker is made by `make_checker` at the first check: importing otter takes about 1.5 s (its notebook
    schema's format checkers), which every notebook's first cell would pay, and a master never checks."""

    NOTE = "These were the visible tests only: when your notebook is graded, hidden tests check more cases."

    def __init__(self, make_checker):
        self._make_checker, self._made = make_checker, None

    @property
    def _checker(self):
        if self._made is None:
            self._made = self._make_checker()
        return self._made

    def check(self, question: str):
        result = self._checker.check(question, inspect.currentframe().f_back.f_globals)  # the notebook's variables
        return _Checked(result, self.NOTE if getattr(result, "passed_all", False) else "")

    def __getattr__(self, name):  # the rest of otter's checker (export, ...) as it is
        return getattr(self._checker, name)


class _Checked:
    """otter's result of one check, shown as otter shows it, with a closing note."""

    def __init__(self, result, note: str):
        self.result, self.note = result, note

    def __repr__(self) -> str:
        return repr(self.result) + (f"\n{self.note}" if self.note else "")

    def _repr_html_(self) -> str:
        return self.result._repr_html_() + (f"<p><em>{self.note}</em></p>" if self.note else "")

    def __getattr__(self, name):
        return getattr(self.result, name)


def grader(notebook: str):
    """The checker behind the student edition's `grader.check("qN")` cells: otter-grader's, reading the
    visible tests stored in this notebook's file (on Colab, in a copy of the file); a stand-in that says how to
    install otter where it is missing."""
    if importlib.util.find_spec("otter") is None:
        return _NoOtter()
    if "google.colab" in sys.modules:
        return _VisibleTests(lambda: _ColabChecker(notebook))
    edition = _edition_file(notebook)  # the working folder of the call, not of the first check

    def otter_checker():
        import otter

        return otter.Notebook(str(edition))

    return _VisibleTests(otter_checker)


def _edition_file(notebook: str) -> Path:
    """The notebook's file in the working folder (Jupyter, `papermill --cwd`); from any other folder (papermill run
    from the repository's root) the repository's student edition, which stores the same tests."""
    path = Path(notebook)
    shipped = REPO_ROOT / "student" / path.name
    return shipped if not path.exists() and shipped.exists() else path
