"""course-grade: grade a folder of student notebooks offline, one CSV row per student and question.

Every .ipynb under SUBMISSIONS is a submission; the student is the first folder below SUBMISSIONS
(SUBMISSIONS/alice/01_gan_2d_synthetic.ipynb) or, for a notebook directly in it, the file's name. Which lesson
it is comes from the notebook's own metadata, so a renamed file is still graded. Each one is executed and
graded by otter-grader against the autograder bundle of its lesson, hidden tests included, on this machine
(no Docker). Bundles come from --autograder (course-assign writes them) or are built afresh from the masters.

Submissions run in the quick profile (the questions grade on fixed inputs, not on a long training run) unless
--profile full, each with a time limit (--timeout) and its training runs in a temporary folder, under the
python3 kernel whatever kernel the student's notebook names. Every file gets a row: a graded notebook one per
question ("unanswered" where it scored 0 and its answer cell is still the student edition's); a file that is not
a notebook, a notebook that is broken or not one of this course's, an empty student folder, an older second
notebook of the same lesson (the newest, or the original among copies of one time, is graded), a run that failed
or ran out of time, one that says so. Rows are written to OUT.partial as each submission is graded, so an
interrupted run keeps them, and it becomes OUT at the end (--resume goes on from an interrupted run without grading
its scored submissions again). --totals FILE writes the gradebook: one row per student,
points per lesson and in all. --feedback DIR writes each student a report per lesson: every question's score and
its tests' output.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from ..checkpoints import cannot_write
from .assign import AUTOGRADER, NOTEBOOKS, STUDENT, assign, masters
from .totals import SCORED, bundle_points, totals

COLUMNS = ["student", "notebook", "lesson", "question", "score", "max_score", "status"]
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
ANSWER_CALL = re.compile(r"""answers\.answered\(\s*["'](\w+)["']""")  # the line that ends a question's answer cell


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


def _failed(status: str) -> list[dict]:
    return [{"question": "", "score": 0, "max_score": "", "status": status}]


def _stop(process: subprocess.Popen) -> None:
    """Kill otter and what it started in its session (its kernel ends once otter is gone)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # Windows: no process groups to signal
            process.kill()
    except ProcessLookupError:  # it ended on its own meanwhile
        pass
    process.wait()


def grade_one(path: Path, bundle: Path, *, profile: str = "quick", timeout: float | None = None) -> list[dict]:
    """Rows (question, score, max_score, status) for one submission, from otter run's results.json."""
    with tempfile.TemporaryDirectory() as out:
        try:
            nb = nbformat.read(path, as_version=4)
            nb.metadata["kernelspec"] = KERNEL  # a student's own kernel name ("gan-course", a venv's) is not here
            copy = Path(out) / "submission" / path.name
            copy.parent.mkdir()
            nbformat.write(nb, copy)
        except Exception as error:  # a notebook nbformat reads but cannot write back (a cell without outputs, ...)
            return _failed(f"not a valid notebook ({type(error).__name__}: {error})")
        env = {**os.environ, "COURSE_PROFILE": profile, "COURSE_RUNS": str(Path(out) / "runs")}
        log = Path(out) / "otter.log"  # a file, not a pipe: a process the notebook left behind cannot hold it open
        with log.open("w") as said:
            process = subprocess.Popen([sys.executable, "-m", "otter", "run", "-a", str(bundle), "-o", out,
                                        str(copy)], stdout=said, stderr=subprocess.STDOUT, env=env,
                                       start_new_session=True)  # its own session, so that _stop reaches it all
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _stop(process)
                return _failed(f"grading failed: still running after {timeout:g} s (the --timeout); stopped")
            except BaseException:  # Ctrl-C: the submission must not run on, unwatched
                _stop(process)
                raise
        results = Path(out) / "results.json"
        if process.returncode or not results.exists():
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
            return _failed(f"grading failed: {tail[0]}")
        tests = json.loads(results.read_text())["tests"]
    return [{"question": t["name"], "score": t["score"], "max_score": t["max_score"], "status": "graded",
             "output": t.get("output", "")} for t in tests if t.get("max_score") is not None]


def unanswered(path: Path, edition: Path) -> set[str]:
    """The questions of a submission whose answer cell is still the student edition's, `...` and all."""
    if not edition.exists():
        return set()

    def answer_cells(notebook: Path) -> dict[str, str]:
        return {found.group(1): cell.source.strip() for cell in nbformat.read(notebook, as_version=4).cells
                if cell.cell_type == "code" and (found := ANSWER_CALL.search(cell.source))}

    try:
        handed_out = answer_cells(edition)
        return {q for q, source in answer_cells(path).items() if handed_out.get(q) == source}
    except Exception:  # a cell without a source, say: otter graded the notebook, the label is only a courtesy
        return set()


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in path.relative_to(root).parts)


def submissions_in(root: Path, leave_out: tuple[Path, ...] = ()) -> tuple[list[Path], list[dict]]:
    """The notebooks under `root` to grade, and a row for every other file and every empty student folder (hidden
    files and folders, .ipynb_checkpoints among them, are left out, as are `leave_out`: course-grade's own output
    when it lies inside the submissions)."""
    ours = [p.resolve() for p in leave_out]
    notebooks, rows = [], []
    files = sorted(p for p in root.rglob("*") if p.is_file() and not _hidden(p, root)
                   and not any(p.resolve() == o or o in p.resolve().parents for o in ours))
    for path in files:
        if path.suffix == ".ipynb":
            notebooks.append(path)
        else:
            rows.append({"student": student_of(path, root), "notebook": str(path.relative_to(root)),
                         "status": f"not a notebook ({path.suffix or 'no extension'}): submit the .ipynb file"})
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not _hidden(p, root)):
        if not any(folder in path.parents for path in files):
            rows.append({"student": folder.name, "notebook": f"{folder.name}/",
                         "status": "nothing submitted: an empty folder"})
    return notebooks, rows


COPY_MARK = re.compile(r"(-Copy\d+| \(\d+\)| copy)$", re.IGNORECASE)  # Jupyter's, browsers' and file managers'


def _newest_first(paths: list[Path]) -> list[Path]:
    """Newest first; among equal times (an unzipped archive) the original before its copies, then by name."""
    return sorted(paths, key=lambda p: (-p.stat().st_mtime, bool(COPY_MARK.search(p.stem)), p.name))


def _points(rows: list[dict]) -> str:
    """One submission's total ("5 of 8 points"), or why it has none (its failure's status)."""
    scored = [r for r in rows if r["status"] in SCORED]
    if not scored:
        return rows[0]["status"]
    return f"{sum(r['score'] for r in scored):g} of {sum(r['max_score'] for r in scored):g} points"


def write_feedback(folder: Path, student: str, lesson: str, notebook: str, rows: list[dict]) -> Path:
    """FOLDER/STUDENT/LESSON.txt: each question's score and otter's report of its tests (hidden ones included)."""
    lines = [f"{student}, {lesson} ({notebook}): {_points(rows)}", ""]
    for row in (r for r in rows if r["status"] in SCORED):
        lines += [f"{row['question']}: {row['score']:g} of {row['max_score']:g}"
                  + (" (not answered)" if row["status"] == "unanswered" else ""), row.get("output", "").rstrip(), ""]
    path = folder / student / f"{lesson}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    return path


def grade(submissions: Path, bundles: dict[str, Path], write=lambda rows: None, feedback: Path | None = None,
          editions: Path = STUDENT, leave_out: tuple[Path, ...] = (), graded_before: dict | None = None,
          **options) -> list[dict]:
    """Every row of a folder of submissions; `write(rows)` receives each submission's rows as they come, and
    `feedback` (a folder) a report per graded submission. A question whose answer cell is still the one in
    `editions` (the student edition handed out) is marked "unanswered". `graded_before` (a notebook's path as
    the rows give it -> its question rows, from an interrupted run) are taken as they are, not graded again.
    `options` go to grade_one (profile, timeout)."""
    graded_before = graded_before or {}
    notebooks, others = submissions_in(submissions, leave_out + ((feedback,) if feedback else ()))
    blank = dict.fromkeys(COLUMNS, "")
    everything = [{**blank, **row} for row in others]
    write(everything)
    by_student_lesson = {}
    for path in notebooks:
        base = {**blank, "student": student_of(path, submissions), "notebook": str(path.relative_to(submissions))}
        lesson, why = lesson_of(path)
        if lesson is not None and lesson not in bundles:
            lesson, why = None, f"lesson {lesson} has no graded questions"
        if lesson is None:
            everything.append({**base, "status": why})
            write(everything[-1:])
        else:
            by_student_lesson.setdefault((base["student"], lesson), []).append(path)
    plan = []
    for (student, lesson), paths in by_student_lesson.items():
        newest, *older = _newest_first(paths)
        graded_name = str(newest.relative_to(submissions))
        plan.append((graded_name not in graded_before, student, lesson, graded_name, newest, older))
    # what was graded before goes back into the sheet first, so that a second interruption cannot lose it
    for _, student, lesson, graded_name, newest, older in sorted(plan, key=lambda step: step[:3]):
        rows = [{**blank, "student": student, "notebook": str(p.relative_to(submissions)), "lesson": lesson,
                 "status": f"not graded: {graded_name} is graded instead (the newest notebook of this lesson, "
                           "or the original among copies of one time)"}
                for p in older]
        if graded_name in graded_before:  # its rows (and its feedback) are from the interrupted run
            found = [{k: row[k] for k in ("question", "score", "max_score", "status")}
                     for row in graded_before[graded_name]]
            print(f"{graded_name} ({lesson}) graded before: {_points(found)}", flush=True)
        else:
            print(f"grading {graded_name} ({lesson}) ...", flush=True)
            found = _graded(newest, bundles[lesson], editions / f"{lesson}.ipynb", options)
            print(f"  {_points(found)}", flush=True)
            if feedback is not None:
                write_feedback(feedback, student, lesson, graded_name, found)
        rows += [{**blank, "student": student, "notebook": graded_name, "lesson": lesson, **row} for row in found]
        everything += rows
        write(rows)
    return everything


def _graded(path: Path, bundle: Path, edition: Path, options: dict) -> list[dict]:
    """One submission graded: its question rows, "unanswered" where it scored 0 and its answer cell is the
    edition's, or one row saying why it could not be graded."""
    try:
        found = grade_one(path, bundle, **options)
    except Exception as error:  # one submission's trouble must not stop the class's grading
        found = _failed(f"grading failed: {type(error).__name__}: {error}")
    blank_answers = unanswered(path, edition)
    for row in found:
        if row["status"] == "graded" and row["question"] in blank_answers and not row["score"]:
            row["status"] = "unanswered"
    return found


def graded_in(sheet: Path) -> dict[str, list[dict]]:
    """The scored rows of a sheet course-grade wrote (an interrupted run's OUT.partial), by notebook; a submission
    that failed or ran out of time is left out, so that it is graded again."""
    found = {}
    with sheet.open(newline="") as rows:
        for row in csv.DictReader(rows):
            if row.get("status") in SCORED:
                row["score"], row["max_score"] = float(row["score"]), float(row["max_score"])
                found.setdefault(row["notebook"], []).append(row)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course-grade", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("submissions", type=Path, help="folder of student notebooks")
    parser.add_argument("--out", type=Path, required=True, help="the CSV file to write")
    parser.add_argument("--autograder", type=Path,
                        help=f"folder of NAME.zip bundles (course-assign writes {AUTOGRADER})")
    parser.add_argument("--profile", choices=("quick", "full"), default="quick",
                        help="the profile the submissions run in (default: quick)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds one submission may run before it is stopped and marked (default 1800)")
    parser.add_argument("--totals", type=Path,
                        help="a second CSV, the gradebook: one row per student, points per lesson and in all")
    parser.add_argument("--resume", action="store_true",
                        help="go on from an interrupted run: the submissions its OUT.partial scored (unchanged "
                             "since) are not graded again")
    parser.add_argument("--feedback", type=Path,
                        help="folder for a report per student and lesson: each question's score and its tests' "
                             "output, hidden tests included (hand it out after the deadline)")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        print(f"course-grade: {args.submissions} is not a folder of submissions", file=sys.stderr)
        return 2
    for flag, folder, shown in (("--out", args.out.resolve().parent, args.out),
                                ("--totals", args.totals and args.totals.resolve().parent, args.totals),
                                ("--feedback", args.feedback, args.feedback)):
        if folder is not None and (problem := cannot_write(folder)):
            print(f"course-grade: cannot write {flag} {shown} ({problem}); choose a folder you can write to",
                  file=sys.stderr)
            return 2
    if args.totals is not None and args.totals.resolve() == args.out.resolve():
        print("course-grade: --totals and --out name one file; give the gradebook a name of its own", file=sys.stderr)
        return 2
    if args.timeout <= 0:
        print(f"course-grade: --timeout must be a positive number of seconds; got {args.timeout:g}", file=sys.stderr)
        return 2
    partial = args.out.with_name(args.out.name + ".partial")  # --out keeps the last whole sheet until this one is
    graded_before = {}
    if args.resume:
        if partial.exists():  # a notebook changed since (handed in again) is graded again
            graded_before = {name: rows for name, rows in graded_in(partial).items()
                             if (args.submissions / name).is_file()
                             and (args.submissions / name).stat().st_mtime <= partial.stat().st_mtime}
        print(f"resuming: {len(graded_before)} submission(s) graded before, in {partial}" if graded_before else
              f"nothing to resume ({partial} holds no graded submission): grading every submission")
    with tempfile.TemporaryDirectory() as tmp, partial.open("w", newline="") as sheet:
        writer = csv.DictWriter(sheet, COLUMNS, extrasaction="ignore")  # otter's report goes to --feedback
        writer.writeheader()

        def write(rows):
            writer.writerows(rows)
            sheet.flush()  # a run stopped part way keeps the rows of the submissions already graded

        try:
            folder, editions = args.autograder, STUDENT
            if folder is None:  # bundles and editions afresh from the masters, as course-assign would write them
                folder = editions = Path(tmp)
                for master in masters(NOTEBOOKS):
                    assign(master, folder, folder)
            bundles = {p.stem: p for p in Path(folder).glob("*.zip")}
            ours = tuple(path for path in (args.out, partial, args.totals) if path is not None)
            rows = grade(args.submissions, bundles, write, feedback=args.feedback, editions=editions,
                         leave_out=ours, graded_before=graded_before, profile=args.profile, timeout=args.timeout)
        except KeyboardInterrupt:
            print(f"interrupted: {partial} holds the rows of the submissions graded so far; the same command with "
                  "--resume goes on from there", file=sys.stderr)
            return 130
    os.replace(partial, args.out)
    if args.totals is not None:
        columns, lines = totals(rows, {lesson: bundle_points(path) for lesson, path in bundles.items()})
        with args.totals.open("w", newline="") as gradebook:
            writer = csv.DictWriter(gradebook, columns)
            writer.writeheader()
            writer.writerows(lines)
    graded = sorted({(r["student"], r["lesson"]) for r in rows if r["status"] in SCORED})
    failed = sorted({r["notebook"] for r in rows if r["status"].startswith("grading failed")})
    print(f"wrote {args.out}: {len(rows)} row(s), {len(graded)} submission(s) graded"
          + (f", {len(failed)} failed: {', '.join(failed)}" if failed else "")
          + (f"; {args.totals}: {len(lines)} student(s)" if args.totals is not None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
