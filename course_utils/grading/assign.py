"""course-assign: build the student edition and the autograder bundles from the master notebooks.

A master is a notebook under notebooks/ with an otter-grader `# ASSIGNMENT CONFIG` raw cell. For each one,
otter assign (run here without executing anything) writes the student edition, with every solution replaced by
`...` and the hidden tests left out, into --student (default: the repository's student/ folder, which is
committed), and the autograder bundle, with every test, into --autograder as NAME.zip (for course-grade).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
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


def questions(master: Path) -> list[dict]:
    """Each question of a master in order: its name, points, and how many visible and hidden tests it has."""
    import yaml

    found, current, in_tests = [], None, False
    for cell in nbformat.read(master, as_version=4).cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and text.startswith("# BEGIN QUESTION"):
            meta = yaml.safe_load(text.split("\n", 1)[1]) or {}
            current = {"name": meta["name"], "points": meta.get("points", 1), "visible": 0, "hidden": 0}
            found.append(current)
        elif cell.cell_type == "raw" and text in ("# BEGIN TESTS", "# END TESTS"):
            in_tests = text == "# BEGIN TESTS"
        elif in_tests and cell.cell_type == "code":
            current["hidden" if "hidden: true" in text.split("# END TEST CONFIG")[0] else "visible"] += 1
    return found


def assign(master: Path, student: Path, autograder: Path) -> Path:
    """The student edition of one master (written to `student`) and its autograder bundle (`autograder`/NAME.zip)."""
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([sys.executable, "-m", "otter", "assign", "--no-run-tests", "--no-pdfs",
                                 str(master), tmp], capture_output=True, text=True, cwd=master.parent)
        if result.returncode:
            raise RuntimeError(f"otter assign failed on {master.name}:\n{result.stdout}{result.stderr}")
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
