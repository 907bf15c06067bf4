"""Test-wide settings. They are environment variables, so the notebook kernels that nbval and papermill
start inherit them too."""

import os
import tempfile

# The tests always run the quick profile; COURSE_DEVICE is left alone so a GPU job can force cuda.
os.environ["COURSE_PROFILE"] = "quick"
# Checkpoints of notebook runs go to a fresh folder for the session: no test resumes a run left by an earlier
# session or by the user, while a notebook that a benchmark test already trained (same code, parameters and
# seed) is loaded, not trained again, when nbval executes it.
os.environ.setdefault("COURSE_RUNS", tempfile.mkdtemp(prefix="course-runs-"))

# Notebook 10 trains little and evaluates much: its benchmark's test (tests/test_evaluation_benchmark.py) executes
# it top to bottom with papermill, and an nbval run would only repeat the same evaluations.
collect_ignore = ["notebooks/10_evaluating_gans.ipynb"]
