"""course-assign: build the student edition and the autograder bundles from the master notebooks.

A master is a notebook under notebooks/ with an otter-grader `# ASSIGNMENT CONFIG` raw cell. For each one,
otter assign (run here without executing anything) writes the student edition, with every solution replaced by
`...` and the hidden tests left out, into --student (default: the repository's student/ folder, which is
committed), and the autograder bundle, with every test, into --autograder as NAME.zip (for course-grade).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat

from ..checkpoints import cannot_write
from ..runtime import REPO_ROOT

NOTEBOOKS = REPO_ROOT / "notebooks"
STUDENT = REPO_ROOT / "student"
AUTOGRADER = REPO_ROOT / "autograder"
CONFIG_MARK = "# ASSIGNMENT CONFIG"


def masters(folder: Path = NOTEBOOKS) -> list[Path]:
    """The numbered notebooks under `folder` that hold graded questions, in order."""
    return [p for p in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))
            if any(c.cell_type == "raw" and c.source.startswith(CONFIG_MARK)
                   for c in nbformat.read(p, as_version=4).cells)]


def read_markers(cells) -> Iterator[tuple[nbformat.NotebookNode, dict | None, str | None]]:
    """Otter's raw-cell markers, read cell by cell: (cell, question, part) for each cell, where question is the
    metadata of the BEGIN QUESTION cell it follows (None outside a question) and part is "solutions", "tests"
    or None."""
    import yaml

    question, part = None, None
    for cell in cells:
        text = cell.source.strip()
        if cell.cell_type == "raw":
            if text.startswith("# BEGIN QUESTION"):
                question = yaml.safe_load(text.split("\n", 1)[1]) or {}
            elif text.startswith("# END QUESTION"):
                question = None
            part = {"# BEGIN SOLUTION": "solutions", "# BEGIN TESTS": "tests"}.get(text, part)
            if text in ("# END SOLUTION", "# END TESTS"):
                part = None
        yield cell, question, part


def question_cells(master: Path) -> list[dict]:
    """Each question of a master in order, read from otter's raw-cell markers: its name and points, the sources
    of its solution cells, and its test cells as (source, hidden)."""
    found = []
    for cell, question, part in read_markers(nbformat.read(master, as_version=4).cells):
        if cell.cell_type == "raw" and cell.source.strip().startswith("# BEGIN QUESTION"):
            found.append({"name": question["name"], "points": question.get("points", 1), "solutions": [],
                          "tests": []})
        elif cell.cell_type == "code" and part == "solutions":
            found[-1]["solutions"].append(cell.source)
        elif cell.cell_type == "code" and part == "tests":
            hidden = "hidden: true" in cell.source.strip().split("# END TEST CONFIG")[0]
            found[-1]["tests"].append((cell.source, hidden))
    return found


def questions(master: Path) -> list[dict]:
    """Each question of a master in order: its name, points, and how many visible and hidden tests it has."""
    return [{"name": q["name"], "points": q["points"], "visible": sum(not hidden for _, hidden in q["tests"]),
             "hidden": sum(hidden for _, hidden in q["tests"])} for q in question_cells(master)]


@contextlib.contextmanager
def _in_folder(folder: Path):
    """Run otter in the master's folder, as `otter assign` is run from the shell (it writes its log there)."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def assign(master: Path, student: Path, autograder: Path) -> Path:
    """The student edition of one master (written to `student`) and its autograder bundle (`autograder`/NAME.zip)."""
    from otter.assign import main as otter_assign  # imported here: it takes seconds, and only course-assign needs it

    master = Path(master).resolve()
    with tempfile.TemporaryDirectory() as tmp, _in_folder(master.parent), \
            contextlib.redirect_stdout(io.StringIO()) as said:
        try:  # in this process: one import of otter for all the masters
            otter_assign(str(master), tmp, no_run_tests=True, no_pdfs=True)
        except Exception as failure:
            raise RuntimeError(f"otter assign failed on {master.name}: {failure}\n{said.getvalue()}") from failure
        edition = nbformat.read(Path(tmp) / "student" / master.name, as_version=4)
        for number, cell in enumerate(edition.cells):
            cell.metadata.pop("execution", None)
            cell.id = str(number)  # otter gives its new cells random ids: number them, as nbstripout does
        student.mkdir(parents=True, exist_ok=True)
        nbformat.write(edition, student / master.name)
        bundle = next((Path(tmp) / "autograder").glob("*.zip"))  # its name carries a time stamp
        autograder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundle, autograder / f"{master.stem}.zip")
    return student / master.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course-assign", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="folder of the master notebooks")
    parser.add_argument("--student", type=Path, default=STUDENT, help="folder for the student edition")
    parser.add_argument("--autograder", type=Path, default=AUTOGRADER, help="folder for the autograder bundles")
    args = parser.parse_args(argv)
    for flag, folder in (("--student", args.student), ("--autograder", args.autograder)):
        if problem := cannot_write(folder):
            print(f"course-assign: cannot write to {flag} {folder} ({problem}); choose a folder you can write to",
                  file=sys.stderr)
            return 2
    found = masters(args.notebooks)
    if not found:
        print(f"course-assign: no master notebook (one with a '{CONFIG_MARK}' raw cell) in {args.notebooks}",
              file=sys.stderr)
        return 2
    for master in found:
        listed = ", ".join(f"{q['name']} ({q['points']} pt, {q['hidden']} hidden)" for q in questions(master))
        print(f"{assign(master, args.student, args.autograder)}: {listed}")
    print(f"autograder bundles in {args.autograder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
