"""One quick run of a notebook-backed benchmark, made the same way by every benchmark test.

The notebook's default seed and the session's run folder (conftest.py). This is the notebook's one
top-to-bottom execution in the test session: conftest.py leaves the benchmarks' notebooks out of nbval.
"""

import json
import os
from pathlib import Path

import nbformat
import pytest
from notebook_outputs import printed_text, warnings_in

from benchmarks import __main__ as bench

SEED = 0


def quick_run(name: str, out: Path, **options: str) -> tuple[dict, nbformat.NotebookNode]:
    """`python -m benchmarks NAME --profile quick [--OPTION VALUE ...]` into `out`: the record, and the executed
    notebook, checked to be the benchmark's notebook run with the seed injected by papermill."""
    flags = [text for option, value in options.items() for text in (f"--{option}", value)]
    code = bench.main([name, "--profile", "quick", "--seed", str(SEED), "--out", str(out),
                       "--runs", os.environ["COURSE_RUNS"], *flags])
    record = json.loads((out / f"{name}.json").read_text())
    assert code == 0, record.get("notebook_errors")  # where the notebook stopped
    executed = nbformat.read(out / f"{name}.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and f"seed = {SEED}" in injected[0].source
    assert record["notebook"] == bench.NOTEBOOK_BENCHMARKS[name] and record["seed"] == SEED
    assert record["profile"] == "quick" and record["notebook_seconds"] > 0
    warnings = warnings_in(printed_text(executed))
    assert not warnings, warnings
    return record, executed


def quick_run_fixture(name: str, **options: str):
    """A module-wide fixture: (out folder, record, executed notebook) of one quick run of benchmark `name`."""

    @pytest.fixture(scope="module")
    def run(tmp_path_factory):
        out = tmp_path_factory.mktemp(name)
        return out, *quick_run(name, out, **options)

    return run
