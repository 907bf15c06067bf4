"""Test-wide settings. They are environment variables, so the notebook kernels that nbval and papermill
start inherit them too."""

import os
import shutil
import tempfile

# The tests always run the quick profile; COURSE_DEVICE is left alone so a GPU job can force cuda.
os.environ["COURSE_PROFILE"] = "quick"
# The notebooks' asserts as a user meets them by default (course_utils.promises), whatever the shell exported
os.environ.pop("COURSE_CLAIMS", None)
# Checkpoints of notebook runs go to a fresh folder for the session: no test resumes a run left by an earlier
# session or by the user, while a run that an earlier test of the session trained (same code, parameters and seed:
# a benchmark's notebook named on the command line beside its benchmark test, say) is loaded, not trained again.
# The folder is removed when the session ends (a CI session leaves about 400 MB of checkpoints in it); a COURSE_RUNS
# the user set is theirs and stays.
SESSION_RUNS = None if "COURSE_RUNS" in os.environ else tempfile.mkdtemp(prefix="course-runs-")
if SESSION_RUNS:
    os.environ["COURSE_RUNS"] = SESSION_RUNS

from benchmarks.__main__ import NOTEBOOK_BENCHMARKS  # noqa: E402 (after the settings its import may read)

# A notebook that is a benchmark's recipe is executed top to bottom by that benchmark's test (tests/benchmark_runs.py:
# papermill, the quick profile, the notebook's default seed), so an nbval run of it would repeat the same cells with
# the same parameters (about 160 s of CI). nbval executes the others. A notebook named on the command line is still
# collected: `pytest notebooks/03_mlp_gan_mnist.ipynb` runs it under nbval.
collect_ignore = [f"notebooks/{stem}.ipynb" for stem in NOTEBOOK_BENCHMARKS.values()]


def pytest_unconfigure(config):
    if SESSION_RUNS:
        shutil.rmtree(SESSION_RUNS, ignore_errors=True)
