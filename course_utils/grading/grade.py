"""course-grade: grade a folder of student notebooks offline, one CSV row per student and question.

Every .ipynb under SUBMISSIONS is a submission; the student is the first folder below SUBMISSIONS
(SUBMISSIONS/alice/01_gan_2d_synthetic.ipynb) or, for a notebook directly in it, the file's name. Which lesson
it is comes from the notebook's own metadata, so a renamed file is still graded. Each one is executed and
graded by otter-grader against the autograder bundle of its lesson, hidden tests included, on this machine
(no Docker). Bundles come from --autograder (course-assign writes them) or are built afresh from the masters.
A file that is not a notebook, or not one of this course's, gets a row that says so; the others are still
graded. Set COURSE_PROFILE=quick to execute the submissions quickly (the questions grade on fixed inputs).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from ..checkpoints import atomic_write_text, cannot_write
from .assign import AUTOGRADER, NOTEBOOKS, assign, masters

COLUMNS = ["student", "notebook", "lesson", "question", "score", "max_score", "status"]


def lesson_of(path: Path) -> tuple[str | None, str]:
    """(the lesson a submission belongs to, or None; why not, when None)."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several kinds for a broken file
        return None, f"not a valid notebook ({type(error).__name__})"
    lesson = nb.metadata.get("course", {}).get("lesson")
    return (lesson, "") if lesson else (None, "not a notebook of this course (no course lesson in its metadata)")


def student_of(path: Path, root: Path) -> str:
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else path.stem


def grade_one(path: Path, bundle: Path) -> list[dict]:
    """Rows (question, score, max_score, status) for one submission, from otter run's results.json."""
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run([sys.executable, "-m", "otter", "run", "-a", str(bundle), "-o", out, str(path)],
                                capture_output=True, text=True)
        results = Path(out) / "results.json"
        if result.returncode or not results.exists():
            tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            return [{"question": "", "score": 0, "max_score": "", "status": f"grading failed: {tail[0]}"}]
        tests = json.loads(results.read_text())["tests"]
    return [{"question": t["name"], "score": t["score"], "max_score": t["max_score"], "status": "graded"}
            for t in tests if t.get("max_score") is not None]


def grade(submissions: Path, bundles: dict[str, Path]) -> list[dict]:
    rows = []
    for path in sorted(submissions.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        base = {"student": student_of(path, submissions), "notebook": str(path.relative_to(submissions))}
        lesson, why = lesson_of(path)
        if lesson is not None and lesson not in bundles:
            lesson, why = None, f"lesson {lesson} has no graded questions"
        if lesson is None:
            rows.append({**base, "lesson": "", "question": "", "score": "", "max_score": "", "status": why})
            continue
        print(f"grading {base['notebook']} ({lesson}) ...", flush=True)
        rows += [{**base, "lesson": lesson, **row} for row in grade_one(path, bundles[lesson])]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course-grade", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("submissions", type=Path, help="folder of student notebooks")
    parser.add_argument("--out", type=Path, required=True, help="the CSV file to write")
    parser.add_argument("--autograder", type=Path,
                        help=f"folder of NAME.zip bundles (course-assign writes {AUTOGRADER})")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        print(f"course-grade: {args.submissions} is not a folder of submissions", file=sys.stderr)
        return 2
    if problem := cannot_write(args.out.resolve().parent):
        print(f"course-grade: cannot write --out {args.out} ({problem}); choose a folder you can write to",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.autograder
        if folder is None:
            folder = Path(tmp)
            for master in masters(NOTEBOOKS):
                assign(master, folder / "student", folder)
        bundles = {p.stem: p for p in Path(folder).glob("*.zip")}
        rows = grade(args.submissions, bundles)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(buffer.getvalue(), args.out)
    graded = sorted({r["student"] for r in rows if r["status"] == "graded"})
    print(f"wrote {args.out}: {len(rows)} row(s), {len(graded)} student(s) graded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
