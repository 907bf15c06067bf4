"""The graded questions: the masters' questions, the student edition built from them, and course-grade.

The masters execute with their solutions and every test, hidden ones included, under nbval or their
benchmark's papermill run (conftest.py says which). Here: the committed student/ is what course-assign builds;
the unanswered student edition stops kindly at its first question; and course-grade, run on a folder holding a
full, a partial, a corrupt and a foreign submission, gives full marks, part marks (0 on each unanswered
question) and a row for each bad file.
"""

import ast
import csv
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import papermill
import pytest

from course_utils import games
from course_utils.grading import answers, assign, grade

REPO = Path(__file__).resolve().parent.parent
MASTERS = assign.masters(REPO / "notebooks")
STUDENT = REPO / "student"


def test_the_unanswered_marks_stop_with_one_line_naming_the_question():
    for placeholder in (..., None):
        with pytest.raises(answers.Unanswered, match="question q7 is not answered yet") as stop:
            answers.answered("q7", 1.0, placeholder)
        assert len(stop.value._render_traceback_()) == 1
    answers.answered("q7", 0.0, "", False)  # real answers, even falsy ones, pass


def test_questions_are_read_from_a_master():
    found = {q["name"]: q for q in assign.questions(REPO / "notebooks" / "02_xy_game.ipynb")}
    assert list(found) == ["q1", "q2", "q3", "q4"]
    assert found["q1"] == {"name": "q1", "points": 3, "visible": 1, "hidden": 2}


def test_every_master_has_questions_with_visible_and_hidden_tests():
    assert [m.stem[:2] for m in MASTERS] == ["00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]
    for master in MASTERS:
        for q in assign.questions(master):
            assert q["visible"] >= 1 and q["hidden"] >= 1, f"{master.name} {q['name']}: {q}"
        assert nbformat.read(master, as_version=4).metadata["course"]["lesson"] == master.stem


def bare_values(test_source):
    """Top-level lines of a test cell that leave a value: otter runs test cells as doctests, which print such a
    value and then fail the test for printing it (a bare torch.manual_seed(0) once cost 08's solution a point).
    `.backward()` leaves None."""
    return [ast.unparse(node) for node in ast.parse(test_source).body if isinstance(node, ast.Expr)
            and not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))
            and not (isinstance(node.value, ast.Call) and getattr(node.value.func, "attr", "") == "backward")]


def test_no_test_cell_leaves_a_value_that_the_doctest_would_print():
    assert bare_values("import torch\ntorch.manual_seed(0)") == ["torch.manual_seed(0)"]
    assert bare_values('""" # BEGIN TEST CONFIG\n""" # END TEST CONFIG\n_ = f()\nloss.backward()') == []
    for master in MASTERS:
        for question in assign.question_cells(master):
            for source, _hidden in question["tests"]:
                assert not bare_values(source), f"{master.name} {question['name']}: assign {bare_values(source)} to _"


def comparable(path):
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells], nb.metadata.get("otter")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("assigned")
    result = subprocess.run([sys.executable, "-m", "course_utils.grading.assign", "--student", str(out / "student"),
                             "--autograder", str(out / "autograder")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_the_committed_student_edition_is_what_course_assign_builds(fresh):
    built = sorted(p.name for p in (fresh / "student").glob("*.ipynb"))
    assert built == sorted(p.name for p in STUDENT.glob("*.ipynb")) == [m.name for m in MASTERS]
    for name in built:
        assert comparable(fresh / "student" / name) == comparable(STUDENT / name), \
            f"student/{name} is stale: run course-assign and commit student/"
    assert sorted(p.name for p in (fresh / "autograder").glob("*.zip")) == [f"{m.stem}.zip" for m in MASTERS]


def test_the_student_edition_hides_solutions_and_hidden_tests():
    for master in MASTERS:
        text = (STUDENT / master.name).read_text()
        assert "BEGIN SOLUTION" not in text and "hidden: true" not in text
        edition = nbformat.read(STUDENT / master.name, as_version=4)
        checks = [c for c in edition.cells if c.source.startswith("grader.check(")]
        assert len(checks) == len(assign.questions(master))
        assert all(not c.get("outputs") for c in edition.cells), f"student/{master.name} has outputs"


def test_the_unanswered_student_edition_stops_kindly_at_its_first_question(tmp_path, monkeypatch):
    """End to end on two editions whose first question comes before any judge is needed (papermill, quick
    profile); that every question of every edition stops with its own name is checked, question by question, in
    the test below."""
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    for master in (MASTERS[1], MASTERS[2]):
        first = assign.questions(master)[0]["name"]
        with pytest.raises(papermill.PapermillExecutionError) as stop:
            papermill.execute_notebook(str(STUDENT / master.name), str(tmp_path / master.name),
                                       cwd=str(STUDENT), progress_bar=False, kernel_name="python3")
        assert stop.value.ename == "Unanswered" and f"question {first} is not answered yet" in stop.value.evalue
        assert len(stop.value.traceback) == 1, "a one-line message, not a page of traceback"


def solutions_pasted_back(master, student):
    """The student edition with each answer cell replaced by the master's solution (markers removed)."""
    solutions = []
    for source in (source for part in assign.question_cells(master) for source in part["solutions"]):
        lines = [ln for ln in source.split("\n") if ln.strip() not in ("# BEGIN SOLUTION", "# END SOLUTION")]
        solutions.append("\n".join(re.sub(r"\s*# SOLUTION$", "", ln) for ln in lines))
    nb = nbformat.read(student, as_version=4)
    answer_cells = [c for c in nb.cells if "otter_answer_cell" in c.metadata.get("tags", [])]
    assert len(answer_cells) == len(solutions)
    for cell, solution in zip(answer_cells, solutions):
        cell.source = solution
    return nb


def imports_cell(nb):
    """The notebook's import cell (the one that makes `grader`): all that a question may rely on."""
    return next(c.source for c in nb.cells if c.cell_type == "code" and "answers.grader(" in c.source)


def run_cell(source, space):
    # IPython's magics (%matplotlib) mean nothing outside a kernel
    exec(compile("\n".join(ln for ln in source.split("\n") if not ln.startswith("%")), "<cell>", "exec"), space)


@pytest.mark.parametrize("master", MASTERS, ids=[m.stem for m in MASTERS])
def test_every_test_passes_on_the_solution_and_fails_on_the_unanswered_question(master, monkeypatch):
    """Each question by itself, after the import cell only (questions grade on small fixed inputs, never on a
    notebook's training): every test, visible and hidden, passes after the master's solution and fails after
    the student edition's placeholder."""
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.chdir(STUDENT)  # where otter's checker finds the notebook
    student = nbformat.read(STUDENT / master.name, as_version=4)
    placeholders = [c.source for c in student.cells if "otter_answer_cell" in c.metadata.get("tags", [])]
    parts = assign.question_cells(master)
    assert sum(len(p["solutions"]) for p in parts) == len(placeholders)
    for number, part in enumerate(parts):
        for version in ("solution", "placeholder"):
            start = sum(len(p["solutions"]) for p in parts[:number])
            answers_given = part["solutions"] if version == "solution" else \
                placeholders[start:start + len(part["solutions"])]
            stopped, errors = question_alone(student, answers_given, part["tests"])
            name = part["name"]
            assert bool(stopped) == (version == "placeholder"), f"{master.name} {name}: no kind stop unanswered"
            assert all(f"question {name} is not answered yet" in s for s in stopped), stopped
            for (test, _hidden), error in zip(part["tests"], errors):
                passed = not error
                how = f"fails on the solution ({error})" if version == "solution" else "passes unanswered"
                assert passed == (version == "solution"), f"{master.name} question {number + 1}: a test {how}:\n{test}"


def question_alone(student, answer_sources, tests):
    """One question by itself: the edition's import cell, the answer cells, then each test on a copy of what they
    made. Returns the kind-stop messages the answers raised and, per test, its error ('' when it passed)."""
    space = {}
    run_cell(imports_cell(student), space)
    stopped = []
    for source in answer_sources:
        try:
            run_cell(source, space)
        except answers.Unanswered as stop:
            stopped.append(str(stop))
    errors = []
    for test, _hidden in tests:
        try:
            run_cell(test, dict(space))
            errors.append("")
        except Exception as failure:
            errors.append(f"{type(failure).__name__}: {failure}")
    return stopped, errors


def test_on_colab_the_checker_runs_the_visible_tests_of_a_fetched_copy(tmp_path, monkeypatch):
    """Colab: no notebook file on disk; the checker fetches the edition once and runs its visible tests."""
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    fetched = []

    def fetch(url, path):  # what urlretrieve would bring from the repository: the committed edition
        fetched.append(url)
        Path(path).write_bytes((STUDENT / Path(url).name).read_bytes())

    monkeypatch.setattr(answers, "_fetch", fetch)
    monkeypatch.chdir(tmp_path)
    checker = answers.grader("02_xy_game.ipynb")
    assert not fetched, "nothing is fetched before the first check (a master never checks)"
    assert run_check(checker, "q2", {"my_eg_limit": 1.0, "games": games}).grade == 1
    assert fetched == [answers.STUDENT_URL + "02_xy_game.ipynb"]
    assert run_check(answers.grader("02_xy_game.ipynb"), "q2", {"my_eg_limit": 7.0, "games": games}).grade < 1
    assert len(fetched) == 1, "fetched once, then read from the folder"


def test_a_notebook_run_from_another_folder_checks_against_the_shipped_edition(tmp_path, monkeypatch):
    """papermill run from the repository's root (the README's command) starts the kernel there, where no
    notebook file sits: the checker reads the student edition's tests instead of stopping the notebook."""
    monkeypatch.chdir(tmp_path)
    checker = answers.grader("02_xy_game.ipynb")
    passed = run_check(checker, "q2", {"my_eg_limit": 1.0, "games": games})
    failed = run_check(checker, "q2", {"my_eg_limit": 7.0, "games": games})
    assert passed.grade == 1 and failed.grade < 1
    # a pass says it is not yet the grade (the hidden tests are not in the edition); a failure shows otter's report
    assert repr(passed).endswith(answers._VisibleTests.NOTE) and answers._VisibleTests.NOTE in passed._repr_html_()
    assert answers._VisibleTests.NOTE not in repr(failed) and "q2 results" in repr(failed)


def test_a_notebook_that_never_checks_never_imports_otter():
    """Every notebook's first cell makes `grader`; otter's import (about 1.5 s) waits for the first check."""
    script = ("import sys\nfrom course_utils.grading import answers\nchecker = answers.grader('02_xy_game.ipynb')\n"
              "print('otter' in sys.modules)\nchecker.export\nprint('otter' in sys.modules)")  # otter's own method
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    assert result.stdout.split() == ["False", "True"], result.stdout + result.stderr


def run_check(checker, question, variables):
    # check() reads its caller's globals, as a notebook cell's grader.check("q2") does
    space = dict(variables, checker=checker)
    exec(f"result = checker.check({question!r})", space)
    return space["result"]


# The classic bugs of GAN code, each written into one master's solution: its question's tests must catch it.
CLASSIC_BUGS = [
    ("04_cgan_mnist", "q1", "fake.detach()", "fake", "D's step does not detach the fakes"),
    ("04_cgan_mnist", "q1", "D(real, labels)", "D(real, asked)", "real images paired with the asked labels"),
    ("04_cgan_mnist", "q1", "d_loss(real_logits, fake_logits)", "d_loss(fake_logits, real_logits)",
     "BCE targets the wrong way round"),
    ("05_conditional_dcgan", "q1", "l1 = (real - fake).abs().mean()", "l1 = (fake_logits - 1).abs().mean()",
     "the L1 on D's output instead of the images"),
    ("06_pix2pix", "q1", "fake.detach()", "fake", "D's step does not detach the fakes"),
    ("06_pix2pix", "q1", "0.5 * ", "", "D's objective not halved"),
    ("06_pix2pix", "q2", "l1 = (fake - y).abs().mean()",
     "l1 = (d(x, fake) - 1).abs().mean() if d else (fake - y).abs().mean()",
     "pix2pix's L1 on D's output instead of the images"),
    ("07_auxiliary_face_gan", "q1", "F.cross_entropy(block, ", "F.cross_entropy(block.softmax(1), ",
     "a softmax in front of cross_entropy"),
]


@pytest.mark.parametrize("stem, question, right, wrong, bug", CLASSIC_BUGS,
                         ids=[f"{s[:2]}-{q}-{b}" for s, q, _, _, b in CLASSIC_BUGS])
def test_the_classic_bugs_lose_points(stem, question, right, wrong, bug, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.chdir(STUDENT)
    part = next(q for q in assign.question_cells(REPO / "notebooks" / f"{stem}.ipynb") if q["name"] == question)
    assert any(right in source for source in part["solutions"]), f"the solution of {stem} {question} changed"
    stopped, errors = question_alone(nbformat.read(STUDENT / f"{stem}.ipynb", as_version=4),
                                     [source.replace(right, wrong) for source in part["solutions"]], part["tests"])
    assert not stopped and any(errors), f"{stem} {question}: no test catches {bug}"


@pytest.mark.slow
def test_course_grade_gives_full_partial_zero_and_error_rows(fresh, tmp_path, monkeypatch):
    """On notebook 02, graded end to end by otter: alice pastes the solutions back, bob answers one question in a
    notebook he renamed (the three he left unanswered score 0); dave's upload is cut off; erin's notebook is not
    ours. (That every question's tests fail unanswered is checked question by question above, without otter.)"""
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    master = REPO / "notebooks" / "02_xy_game.ipynb"
    student = STUDENT / master.name
    subs = tmp_path / "submissions"
    for who in ("alice", "bob"):
        (subs / who).mkdir(parents=True)
    nbformat.write(solutions_pasted_back(master, student), subs / "alice" / master.name)
    partial = nbformat.read(student, as_version=4)
    for cell in partial.cells:
        cell.source = cell.source.replace("my_eg_limit = ...", "my_eg_limit = 1")
    partial.metadata["kernelspec"] = {"name": "gan-course", "display_name": "Python (gan-course)"}  # a venv's kernel
    nbformat.write(partial, subs / "bob" / "my answers.ipynb")
    (subs / "dave.ipynb").write_text('{"cells": [')
    nbformat.write(nbformat.v4.new_notebook(), subs / "erin.ipynb")

    out, feedback, book = tmp_path / "scores.csv", tmp_path / "feedback", tmp_path / "gradebook.csv"
    result = subprocess.run([sys.executable, "-m", "course_utils.grading.grade", str(subs), "--out", str(out),
                             "--autograder", str(fresh / "autograder"), "--feedback", str(feedback),
                             "--totals", str(book)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    scores = {}
    for row in csv.DictReader(out.open()):
        scores.setdefault((row["student"], row["lesson"]), {})[row["question"]] = row
    points = {q["name"]: float(q["points"]) for q in assign.questions(master)}
    full = scores[("alice", master.stem)]
    assert {q: float(r["score"]) for q, r in full.items()} == points, "the solutions lose marks"
    assert all(float(r["max_score"]) == points[q] and r["status"] == "graded" for q, r in full.items())
    bob = scores[("bob", "02_xy_game")]
    assert {q: float(r["score"]) for q, r in bob.items()} == {"q1": 0.0, "q2": 2.0, "q3": 0.0, "q4": 0.0}
    report = (feedback / "bob" / "02_xy_game.txt").read_text()
    assert report.startswith("bob, 02_xy_game (bob/my answers.ipynb): 2 of 8 points")
    assert "q2: 2 of 2\n" in report and "q1: 0 of 3 (not answered)" in report and "Test case failed" in report
    assert {q: r["status"] for q, r in bob.items()} == {"q1": "unanswered", "q2": "graded", "q3": "unanswered",
                                                        "q4": "unanswered"}
    assert sorted(p.name for p in feedback.iterdir()) == ["alice", "bob"]  # graded submissions only
    totals = {row["student"]: (row["02_xy_game"], row["points"], row["of"]) for row in csv.DictReader(book.open())}
    assert totals == {"alice": ("8", "8", "8"), "bob": ("2", "2", "8"), "dave": ("", "0", "0"), "erin": ("", "0", "0")}
    assert "not a valid notebook" in scores[("dave", "")][""]["status"]
    assert "not a notebook of this course" in scores[("erin", "")][""]["status"]


def lesson_notebook(lesson):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nb.metadata.update(course={"lesson": lesson}, kernelspec={"name": "python3", "display_name": "Python 3"})
    return nb


def test_course_grade_gives_every_file_a_row_and_grades_the_newest_of_two(tmp_path, monkeypatch, capsys):
    """Without otter (grade_one stands in): what gets graded, what gets a row instead, and rows as they come."""
    subs = tmp_path / "subs"
    for who in ("alice", "carol", "frank", "gina", ".hidden"):
        (subs / who).mkdir(parents=True)
    nbformat.write(lesson_notebook("02_xy_game"), subs / "alice" / "02_xy_game-Copy1.ipynb")
    edition = nbformat.read(STUDENT / "02_xy_game.ipynb", as_version=4)
    for cell in edition.cells:  # alice answers q2 and leaves q1 as handed out
        cell.source = cell.source.replace("my_eg_limit = ...", "my_eg_limit = 1")
    nbformat.write(edition, subs / "alice" / "02_xy_game.ipynb")
    os.utime(subs / "alice" / "02_xy_game-Copy1.ipynb", (1e9, 1e9))  # the older of alice's two
    (subs / "frank" / "02_xy_game.py").write_text("print('my answers')")
    for name in ("02_xy_game (1).ipynb", "02_xy_game.ipynb"):  # carol's from an unzipped archive: one time
        nbformat.write(lesson_notebook("02_xy_game"), subs / "carol" / name)
        os.utime(subs / "carol" / name, (2e9, 2e9))
    (subs / ".hidden" / "x.ipynb").write_text("{}")
    nbformat.write(lesson_notebook("99_not_graded"), subs / "hal.ipynb")
    graded, written = [], []

    def fake_grade_one(path, bundle, **options):
        graded.append((path.name, bundle, options))
        return [{"question": "q1", "score": 0, "max_score": 3, "status": "graded"},
                {"question": "q2", "score": 2.0, "max_score": 2, "status": "graded"}]

    monkeypatch.setattr(grade, "grade_one", fake_grade_one)
    rows = grade.grade(subs, {"02_xy_game": "02.zip"}, write=lambda r: written.append(len(r)), timeout=5)
    assert graded == [("02_xy_game.ipynb", "02.zip", {"timeout": 5})] * 2  # alice's newest, carol's original
    status = {(r["student"], r["notebook"], r["question"]): r["status"] for r in rows}
    assert status == {
        ("frank", "frank/02_xy_game.py", ""): "not a notebook (.py): submit the .ipynb file",
        ("gina", "gina/", ""): "nothing submitted: an empty folder",
        ("hal", "hal.ipynb", ""): "lesson 99_not_graded has no graded questions",
        ("alice", "alice/02_xy_game-Copy1.ipynb", ""): "not graded: alice/02_xy_game.ipynb is graded instead (the "
                                                       "newest notebook of this lesson, or the original among copies "
                                                       "of one time)",
        ("carol", "carol/02_xy_game (1).ipynb", ""): "not graded: carol/02_xy_game.ipynb is graded instead (the newest "
                                                     "notebook of this lesson, or the original among copies of one "
                                                     "time)",
        ("carol", "carol/02_xy_game.ipynb", "q1"): "graded", ("carol", "carol/02_xy_game.ipynb", "q2"): "graded",
        ("alice", "alice/02_xy_game.ipynb", "q1"): "unanswered",  # its answer cell is the edition's
        ("alice", "alice/02_xy_game.ipynb", "q2"): "graded"}
    assert sum(written) == len(rows) and len(written) == 4  # the other files, hal's, alice's three, carol's three
    assert "2 of 5 points" in capsys.readouterr().out


def test_course_grade_runs_submissions_in_the_quick_profile_unless_told(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(grade, "grade", lambda subs, bundles, write, feedback, editions, leave_out, graded_before,
                        **options: seen.append(options) or [])
    monkeypatch.setenv("COURSE_PROFILE", "full")  # the instructor's shell: the submissions still run quick
    (tmp_path / "bundles").mkdir()
    args = [str(tmp_path), "--out", str(tmp_path / "s.csv"), "--autograder", str(tmp_path / "bundles")]
    assert grade.main(args) == 0 and grade.main([*args, "--profile", "full", "--timeout", "60"]) == 0
    assert seen == [{"profile": "quick", "timeout": 1800}, {"profile": "full", "timeout": 60}]
    assert (tmp_path / "s.csv").read_text().startswith("student,notebook,lesson,question")


def bundle(path, points):
    """A stand-in autograder bundle: one otter test file per question, with its points."""
    with zipfile.ZipFile(path, "w") as archive:
        for question, value in points.items():
            archive.writestr(f"tests/{question}.py", f"OK_FORMAT = True\n\ntest = {{'name': '{question}', "
                                                     f"'points': {value}, 'suites': []}}\n")
    return path


def test_the_gradebook_gives_each_student_points_per_lesson_and_in_all(tmp_path, monkeypatch, capsys):
    """--totals: a lesson that could not be graded counts 0 of its bundle's points (even where nobody's was
    graded) and is named; an older copy is not."""
    subs = tmp_path / "subs"
    for who in ("alice", "bob", "carol", "dave", "erin"):
        (subs / who).mkdir(parents=True)
    for who, lesson in (("alice", "02_xy_game"), ("alice", "04_cgan_mnist"), ("bob", "02_xy_game"),
                        ("carol", "02_xy_game"), ("erin", "06_pix2pix")):
        nbformat.write(lesson_notebook(lesson), subs / who / f"{lesson}.ipynb")
    nbformat.write(lesson_notebook("02_xy_game"), subs / "alice" / "02_xy_game-Copy1.ipynb")
    os.utime(subs / "alice" / "02_xy_game-Copy1.ipynb", (1e9, 1e9))
    (subs / "dave" / "answers.pdf").write_text("%PDF")
    scores = {("alice", "02_xy_game"): (3, 2), ("bob", "02_xy_game"): (0, 2 / 3), ("alice", "04_cgan_mnist"): (2, 4)}

    def fake_grade_one(path, bundle, **options):
        if (path.parent.name, path.stem) not in scores:
            return [{"question": "", "score": "", "max_score": "", "status": "grading failed: still running"}]
        q1, q2 = scores[(path.parent.name, path.stem)]
        return [{"question": "q1", "score": q1, "max_score": 3, "status": "graded"},
                {"question": "q2", "score": q2, "max_score": 2 if path.stem == "02_xy_game" else 4,
                 "status": "graded"}]

    monkeypatch.setattr(grade, "grade_one", fake_grade_one)
    bundles = tmp_path / "bundles"
    bundles.mkdir()
    for lesson, points in (("02_xy_game", {"q1": 3, "q2": 2}), ("04_cgan_mnist", {"q1": 3, "q2": 4}),
                           ("06_pix2pix", {"q1": 5, "q2": 3})):
        bundle(bundles / f"{lesson}.zip", points)
    book = tmp_path / "gradebook.csv"
    args = [str(subs), "--out", str(tmp_path / "s.csv"), "--autograder", str(bundles)]
    assert grade.main([*args, "--totals", str(book)]) == 0
    lines = {row["student"]: row for row in csv.DictReader(book.open())}
    assert list(lines) == ["alice", "bob", "carol", "dave", "erin"]
    assert list(lines["alice"]) == ["student", "02_xy_game", "04_cgan_mnist", "06_pix2pix", "points", "of",
                                    "not graded"]
    got = {who: (row["02_xy_game"], row["04_cgan_mnist"], row["06_pix2pix"], row["points"], row["of"])
           for who, row in lines.items()}
    assert got == {"alice": ("5", "6", "", "11", "12"), "bob": ("0.67", "", "", "0.67", "5"),
                   "carol": ("0", "", "", "0", "5"), "dave": ("", "", "", "0", "0"), "erin": ("", "", "0", "0", "8")}
    assert lines["alice"]["not graded"] == "" and "still running" in lines["carol"]["not graded"]
    assert lines["dave"]["not graded"].startswith("dave/answers.pdf (not a notebook")
    assert f"{book}: 5 student(s)" in capsys.readouterr().out
    assert grade.main([*args, "--totals", str(tmp_path / "s.csv")]) == 2
    assert "--totals and --out name one file" in capsys.readouterr().err


def test_an_interrupted_grading_goes_on_with_resume_without_grading_again(tmp_path, monkeypatch, capsys):
    """Ctrl-C during carol's submission: alice's and bob's rows are in OUT.partial; --resume grades carol and bob
    (whose run had failed) and takes alice's rows as they are."""
    subs = tmp_path / "subs"
    for who in ("alice", "bob", "carol"):
        (subs / who).mkdir(parents=True)
        nbformat.write(lesson_notebook("02_xy_game"), subs / who / "02_xy_game.ipynb")
    bundles = tmp_path / "bundles"
    bundles.mkdir()
    bundle(bundles / "02_xy_game.zip", {"q1": 3, "q2": 2})
    graded, stop_at, bob_failed = [], {"carol"}, []

    def fake_grade_one(path, bundle, **options):
        who = path.parent.name
        graded.append(who)
        if who in stop_at:
            raise KeyboardInterrupt
        if who == "bob" and not bob_failed:  # his first run fails, his next is graded
            bob_failed.append(True)
            return [{"question": "", "score": "", "max_score": "", "status": "grading failed: still running"}]
        return [{"question": "q1", "score": 1.5, "max_score": 3, "status": "graded"},
                {"question": "q2", "score": 2, "max_score": 2, "status": "graded"}]

    monkeypatch.setattr(grade, "grade_one", fake_grade_one)
    out = tmp_path / "scores.csv"
    args = [str(subs), "--out", str(out), "--autograder", str(bundles), "--totals", str(tmp_path / "book.csv")]
    assert grade.main(args) == 130 and not out.exists()
    assert "--resume goes on from there" in capsys.readouterr().err
    stop_at.clear()
    graded.clear()
    assert grade.main([*args, "--resume"]) == 0
    assert graded == ["bob", "carol"], "alice was graded again, or bob's failed run was not"
    console = capsys.readouterr().out
    assert "resuming: 1 submission(s) graded before" in console and "graded before: 3.5 of 5 points" in console
    rows = [(r["student"], r["question"], float(r["score"]), r["status"]) for r in csv.DictReader(out.open())]
    assert rows == [(who, q, score, "graded") for who in ("alice", "bob", "carol") for q, score in (("q1", 1.5),
                                                                                                 ("q2", 2.0))]
    book = {row["student"]: row["points"] for row in csv.DictReader((tmp_path / "book.csv").open())}
    assert book == {"alice": "3.5", "bob": "3.5", "carol": "3.5"}
    graded.clear()
    stop_at.add("carol")
    assert grade.main(args) == 130  # stopped again, at carol's
    later = out.with_name(out.name + ".partial").stat().st_mtime + 60
    os.utime(subs / "bob" / "02_xy_game.ipynb", (later, later))  # bob hands in again after the interruption
    os.utime(subs / "alice" / "02_xy_game.ipynb", (1e9, 1e9))
    stop_at.clear()
    assert grade.main([*args, "--resume"]) == 0
    assert graded == ["alice", "bob", "carol", "bob", "carol"], "bob's new notebook was not graded again"
    assert grade.main([*args, "--resume"]) == 0  # nothing left to resume: every submission is graded afresh
    assert "nothing to resume" in capsys.readouterr().out and graded[-3:] == ["alice", "bob", "carol"]
    partial = out.with_name(out.name + ".partial")  # only carol's was scored; a second Ctrl-C, at alice's, keeps it
    partial.write_text("".join(line for line in out.read_text().splitlines(keepends=True)
                               if not line.startswith(("alice,", "bob,"))))
    os.utime(partial, (later + 60, later + 60))
    stop_at.add("alice")
    assert grade.main([*args, "--resume"]) == 130
    assert [r["student"] for r in csv.DictReader(partial.open())] == ["carol", "carol"]


@pytest.mark.slow
def test_a_submission_that_hangs_is_stopped_and_marked(fresh, tmp_path):
    nb = nbformat.read(STUDENT / "02_xy_game.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))
    nbformat.write(nb, tmp_path / "hangs.ipynb")
    started = time.perf_counter()
    [row] = grade.grade_one(tmp_path / "hangs.ipynb", fresh / "autograder" / "02_xy_game.zip", timeout=8)
    assert row["status"] == "grading failed: still running after 8 s (the --timeout); stopped", row
    assert time.perf_counter() - started < 60, "stopped at the timeout, not when the notebook ended"


def test_a_notebook_that_cannot_be_copied_gets_a_row_not_a_crash(tmp_path):
    nb = lesson_notebook("02_xy_game")
    del nb.cells[0]["outputs"]  # nbformat reads it, and cannot write it back
    (tmp_path / "broken.ipynb").write_text(json.dumps(nb))
    [row] = grade.grade_one(tmp_path / "broken.ipynb", tmp_path / "no bundle needed.zip")
    assert row["status"].startswith("not a valid notebook (AttributeError"), row


def test_course_grade_refuses_a_missing_folder_and_an_unwritable_out(tmp_path, capsys):
    assert grade.main([str(tmp_path / "nowhere"), "--out", str(tmp_path / "s.csv")]) == 2
    assert "is not a folder of submissions" in capsys.readouterr().err
    assert grade.main([str(tmp_path), "--out", "/proc/x/scores.csv"]) == 2
    err = capsys.readouterr().err
    assert "cannot write --out /proc/x/scores.csv" in err and len(err.strip().splitlines()) == 1
    assert grade.main([str(tmp_path), "--out", str(tmp_path / "s.csv"), "--feedback", "/proc/x"]) == 2
    assert "cannot write --feedback /proc/x" in capsys.readouterr().err
    assert grade.main([str(tmp_path), "--out", str(tmp_path / "s.csv"), "--totals", "/proc/x/book.csv"]) == 2
    assert "cannot write --totals /proc/x/book.csv" in capsys.readouterr().err


def test_course_assign_refuses_an_unwritable_folder(capsys):
    assert assign.main(["--student", "/proc/x"]) == 2
    err = capsys.readouterr().err
    assert "cannot write to --student /proc/x" in err and len(err.strip().splitlines()) == 1
