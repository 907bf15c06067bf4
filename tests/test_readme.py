"""The README is the front door: its commands, notebook table and Colab links must match the repository."""

import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()
SLUG = "gan-course/gan-course-companion"
NOTEBOOKS = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_every_notebook_has_a_row_with_a_working_colab_link():
    links = re.findall(rf"https://colab\.research\.google\.com/github/{SLUG}/blob/main/(notebooks/[^)\s]+)", README)
    assert sorted(Path(link).name for link in links) == NOTEBOOKS
    assert all((REPO / link).is_file() for link in links)


def test_colab_cells_install_from_the_same_repository():
    for name in NOTEBOOKS:
        assert f"git+https://github.com/{SLUG}" in (REPO / "notebooks" / name).read_text(), name


def test_ci_runs_exactly_the_readme_test_command():
    command = re.search(r"^(bash setup\.sh test .*?)\s+#", README, re.M).group(1).strip()
    assert command in (REPO / ".ci" / "run").read_text()


def test_every_notebook_row_gives_measured_quick_and_full_seconds():
    rows = [line.split("|") for line in README.splitlines() if re.match(r"\| \d\d \| \[", line)]
    assert sorted(row[1].strip() for row in rows) == [name[:2] for name in NOTEBOOKS]
    for row in rows:
        quick, full = row[4].strip(), row[5].strip()
        assert re.fullmatch(r"\d+", quick) and re.fullmatch(r"\d+", full), f"row {row[1]}: times {quick!r}, {full!r}"


def test_the_question_count_is_the_masters():
    from course_utils.grading import assign

    found = [q for master in assign.masters() for q in assign.questions(master)]
    count, points = re.search(r"(\d+) questions and (\d+) points in all", README).groups()
    assert (int(count), int(points)) == (len(found), sum(q["points"] for q in found))


def test_the_conda_environment_has_what_pip_installs():
    # environment.yml says it is the set of `pip install -e ".[lab,test]"`: a package added to one must reach both
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    def name(requirement):
        return re.split(r"[<>=\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {name(r) for r in project["dependencies"] + project["optional-dependencies"]["lab"]
              + project["optional-dependencies"]["test"]}
    dependencies = (REPO / "environment.yml").read_text().split("dependencies:", 1)[1]
    listed = {name(line.strip()[2:]) for line in dependencies.splitlines()
              if line.strip().startswith("- ") and not line.strip().startswith(("- pip:", "- -e", "- python"))}
    listed = {"torch" if n == "pytorch" else n for n in listed} - {"pip"}
    assert wanted == listed, f"pip only: {sorted(wanted - listed)}; conda only: {sorted(listed - wanted)}"


def test_setup_refuses_python_3_10_in_one_line(tmp_path):
    """On 3.10 pip would refuse the package (requires-python) after a page of messages; setup.sh says why first."""
    python = tmp_path / "python"  # answers as Python 3.10 would: its version, and "older than 3.11"
    python.write_text('#!/bin/sh\nif [ "$1" = "-V" ]; then echo "Python 3.10.13"; exit 0; fi\nexit 1\n')
    python.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    for extra in ("lab", "test", "site"):
        done = subprocess.run(["bash", str(REPO / "setup.sh"), extra], capture_output=True, text=True, env=env)
        assert done.returncode == 2 and done.stdout == "", done.stdout + done.stderr
        assert done.stderr.startswith("setup.sh needs Python 3.11 or newer; this is Python 3.10.13."), done.stderr
