"""Every notebook under notebooks/ is found by itself and checked: hygiene, parameters, papermill runs.

(`pytest --nbval`, set in pyproject's addopts, executes each notebook as well, but for the benchmarks' recipes,
which their benchmark tests execute: see conftest.py and the first test below.)
"""

import ast
import functools
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest
from labbrowser import panel_calls
from notebook_outputs import loaded_shipped_weights, printed_text, warnings_in

from benchmarks.__main__ import NOTEBOOK_BENCHMARKS
from course_utils import promises

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_the_series_is_there():
    assert NOTEBOOKS, "no notebooks found under notebooks/"
    assert IDS[0] == "00_setup_and_tour"


def test_every_notebook_is_executed_top_to_bottom_by_nbval_or_by_its_benchmark_test():
    # conftest.py leaves a benchmark's notebook out of nbval because its benchmark test runs it: that test must exist
    spec = importlib.util.spec_from_file_location("root_conftest", REPO / "conftest.py")
    root_conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root_conftest)
    left_to_benchmarks = {Path(p).stem for p in root_conftest.collect_ignore}
    tests = {path.name: path.read_text() for path in (REPO / "tests").glob("test_*.py")}
    for name, stem in NOTEBOOK_BENCHMARKS.items():
        runners = [file for file, text in tests.items() if "quick_run" in text and f'"{name}"' in text]
        assert stem not in left_to_benchmarks or runners, f"{stem} is left out of nbval; no test runs benchmark {name}"
    assert left_to_benchmarks <= set(IDS), left_to_benchmarks - set(IDS)  # no stale names
    assert {"00_setup_and_tour", "02_xy_game"} <= set(IDS) - left_to_benchmarks  # no benchmark: nbval runs them


@functools.cache
def nbstripout_verdict():
    """nbstripout --verify over every notebook at once (one start of nbstripout, about 1.5 s, not one per notebook):
    its exit status and the lines naming each notebook it would strip."""
    result = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", *map(str, NOTEBOOKS)],
                            capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path):
    returncode, said = nbstripout_verdict()
    assert str(path) not in said, f"{path.name} has outputs; run nbstripout on it ({said})"
    assert returncode == 0 or any(str(other) in said for other in NOTEBOOKS), f"nbstripout failed: {said}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_metadata(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "papermill" not in nb["metadata"]
    assert all("papermill" not in c.get("metadata", {}) for c in nb["cells"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_code_cell_installs_only_on_colab(path):
    first = code_cells(path)[0].source
    assert 'if "google.colab" in sys.modules:' in first, "the first code cell must install the package on Colab only"
    guarded = first.split('if "google.colab" in sys.modules:')[1]
    assert "pip install" in guarded
    # Everything outside the guard is harmless here: run it as Python (the pip line is IPython syntax).
    outside = first.split('if "google.colab" in sys.modules:')[0]
    exec(compile(outside, path.name, "exec"), {})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_one_parameters_cell_documented(path):
    tagged = [c for c in code_cells(path) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: {len(tagged)} cells tagged parameters, want exactly 1"
    assigned = {t.id for node in ast.parse(tagged[0].source).body if isinstance(node, (ast.Assign, ast.AnnAssign))
                for t in ([node.target] if isinstance(node, ast.AnnAssign) else node.targets)}
    inspected = papermill.inspect_notebook(str(path))
    assert set(inspected) == assigned
    assert "seed" in inspected, "every notebook takes a seed parameter"
    for name, info in inspected.items():
        assert info["help"], f"{path.name}: parameter {name} has no help comment"
        assert info["inferred_type_name"] != "None", f"{path.name}: parameter {name} has no type annotation"


def run_papermill(path, tmp_path, **parameters):
    names = set(papermill.inspect_notebook(str(path)))
    unknown = set(parameters) - names
    assert not unknown, f"{path.name} has no parameter(s) {unknown}; it has {sorted(names)}"
    return papermill.execute_notebook(str(path), str(tmp_path / path.name), parameters=parameters,
                                      cwd=str(path.parent), progress_bar=False, kernel_name="python3")


# A notebook behind a benchmark is executed with an overridden seed by its benchmark's test (tests/test_benchmarks.py
# and the benchmark tests beside it): running it here too would train the same quick run twice.
UNBENCHMARKED = [p for p in NOTEBOOKS if p.stem not in NOTEBOOK_BENCHMARKS.values()]


# 02 also at a budget some of its text's claims fail at: a run at its own settings says so and goes on to the end
BEYOND_THE_TEXT = {"02_xy_game": {"max_steps": 1000}}


@pytest.mark.parametrize("path", UNBENCHMARKED, ids=[p.stem for p in UNBENCHMARKED])
def test_papermill_quick_with_a_parameter_overridden(path, tmp_path):
    mine = BEYOND_THE_TEXT.get(path.stem, {})
    nb = run_papermill(path, tmp_path, seed=3, **mine)
    printed = printed_text(nb)
    warnings = warnings_in(printed)
    assert not warnings, warnings
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "seed = 3" in injected[0].source
    for name, value in mine.items():
        assert f"your settings: {name} {value!r} (the text's: " in printed
    # a seed is the text's setting too: a seed-only run says nothing and softens nothing
    assert ("your settings:" in printed) == (promises.NOT_HELD in printed) == bool(mine), printed


def test_bad_parameter_is_refused_with_a_clear_message(tmp_path):
    """As a user meets it: papermill stops with the parameter's message (one notebook: the same check_param
    call refuses it in every notebook, as the next test shows without starting a kernel for each)."""
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        run_papermill(NOTEBOOKS[0], tmp_path, seed=-1)
    assert "parameter seed must be at least 0; got -1" in str(failure.value)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_notebook_checks_its_parameters_before_anything_else(path, monkeypatch):
    """The notebook's own cells up to its parameter checks, run here with `seed = -1` injected after the
    parameters cell, as papermill injects it: the checks refuse it before any data is loaded."""
    monkeypatch.chdir(path.parent)
    cells = code_cells(path)
    parameters = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    checks = next(i for i, c in enumerate(cells) if i > parameters and "check_param(" in c.source)
    space = {}
    for cell in cells[:parameters + 1]:
        if "google.colab" not in cell.source:  # the Colab install cell (a shell line) does nothing here anyway
            exec("\n".join(ln for ln in cell.source.split("\n") if not ln.startswith("%")), space)
    exec("seed = -1", space)
    for cell in cells[parameters + 1:checks]:
        exec(cell.source, space)
    with pytest.raises(ValueError, match="parameter seed must be at least 0; got -1"):
        exec(cells[checks].source, space)


TRAINING = [p for p in NOTEBOOKS if "pretrained" in papermill.inspect_notebook(str(p))]
# A training notebook with panels runs with pretrained=True in the browser test (tests/test_browser.py), whose
# Run All then asserts the same printed lines and checks the panels' extremes: only the others run here.
PRETRAINED_HERE = [p for p in TRAINING if not panel_calls(p)]


def test_every_training_notebook_can_load_shipped_weights():
    assert [p.stem[:2] for p in TRAINING] == ["01", "03", "04", "05", "06", "07", "08", "09", "10"]


@pytest.mark.parametrize("path", PRETRAINED_HERE, ids=[p.stem for p in PRETRAINED_HERE])
def test_pretrained_weights_meet_the_judged_promises_in_the_quick_profile(path, tmp_path):
    # With pretrained=True the notebook's own asserts on its judge's figures run in the quick profile too.
    nb = run_papermill(path, tmp_path, pretrained=True)
    printed = printed_text(nb)
    assert loaded_shipped_weights(printed), printed[:2000]
    assert not warnings_in(printed), warnings_in(printed)
