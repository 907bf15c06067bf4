import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from course_utils import runtime


def test_profile_defaults_to_full(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    assert runtime.get_profile() == "full"
    assert not runtime.is_quick()


def test_profile_quick(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "Quick")
    assert runtime.is_quick()


def test_unknown_profile_is_an_error(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(ValueError, match="'fast' is not a profile; use one of quick, full"):
        runtime.get_profile()


@pytest.mark.parametrize("profile, pretrained, warned", [("quick", False, True), ("quick", True, False),
                                                        ("full", False, False)])
def test_announce_warns_only_where_the_figures_are_not_the_lessons(monkeypatch, capsys, profile, pretrained, warned):
    monkeypatch.setenv("COURSE_PROFILE", profile)
    runtime.announce(torch.device("cpu"), pretrained)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"device cpu ({torch.get_num_threads()} CPU threads), profile {profile}")
    assert ("shipped full-profile run" in lines[0]) == pretrained
    assert lines[1:] == (runtime.QUICK_NOTE.splitlines() if warned else [])


def test_device_falls_back_to_cpu(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(runtime, "_available", lambda name: name == "cpu")
    assert runtime.get_device() == torch.device("cpu")


def test_device_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(runtime, "_available", lambda name: name in ("mps", "cpu"))
    assert runtime.get_device().type == "mps"
    monkeypatch.setattr(runtime, "_available", lambda name: True)
    assert runtime.get_device().type == "cuda"


def test_forced_device_that_is_missing_is_an_error(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "cuda")
    monkeypatch.setattr(runtime, "_available", lambda name: name == "cpu")
    with pytest.raises(RuntimeError, match="COURSE_DEVICE=cuda was asked for, but this machine has no cuda device"):
        runtime.get_device()


def test_forced_cpu(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert runtime.get_device() == torch.device("cpu")


def test_unknown_device_is_an_error(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "tpu")
    with pytest.raises(ValueError, match="'tpu' is not a device"):
        runtime.get_device()


def test_reading_batch_is_small_on_the_cpu_and_large_on_a_gpu():
    assert runtime.reading_batch(torch.device("cpu")) == 128 and runtime.reading_batch("cuda") == 1000


def test_seeding_repeats_every_generator():
    import random

    import numpy as np

    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    runtime.seed_everything(7)
    first = draw()
    runtime.seed_everything(7)
    assert draw() == first
    runtime.seed_everything(8)
    assert draw() != first


@pytest.mark.parametrize(
    ("value", "kind", "limits", "message"),
    [
        (-1, int, {"low": 0}, "parameter x must be at least 0; got -1"),
        (11, int, {"high": 10}, "parameter x must be at most 10; got 11"),
        (2.5, int, {}, "parameter x must be an int, got 2.5 (float)"),
        (True, int, {}, "parameter x must be an int, got True (bool)"),
        ("adam", str, {"choices": ("sgd", "momentum")}, "parameter x must be one of 'sgd', 'momentum'; got 'adam'"),
        ("1", float, {}, "parameter x must be a number, got '1' (str)"),
    ],
)
def test_check_param_says_what_was_given_and_what_is_allowed(value, kind, limits, message):
    with pytest.raises(ValueError) as err:
        runtime.check_param("x", value, kind, **limits)
    assert str(err.value) == message


def test_check_param_accepts_and_converts():
    assert runtime.check_param("lr", 1, float, low=0) == 1.0
    assert isinstance(runtime.check_param("lr", 1, float), float)
    assert runtime.check_param("opt", "sgd", str, choices=("sgd",)) == "sgd"


def test_run_dir_depends_on_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_RUNS", str(tmp_path))
    a = runtime.run_dir("03", {"lr": 1e-3, "epochs": 2})
    assert a == runtime.run_dir("03", {"epochs": 2, "lr": 1e-3})
    assert a != runtime.run_dir("03", {"lr": 2e-3, "epochs": 2})
    assert a.parent == tmp_path and a.is_dir()


def test_an_edited_step_function_gets_its_own_run_folder_but_the_same_shipped_run(monkeypatch, tmp_path):
    from course_utils.pretrained import run_name

    monkeypatch.setenv("COURSE_RUNS", str(tmp_path))
    def step_from(name, source):  # a function whose source inspect can read, as a notebook cell's can
        (tmp_path / name).write_text(source)
        space = {}
        exec(compile(source, str(tmp_path / name), "exec"), space)
        return space["step"]

    step = step_from("a.py", "def step(x):\n    return x + 1\n")
    edited = step_from("b.py", "def step(x):\n    return x - 1\n")
    config = {"lr": 1e-3}
    original = runtime.run_dir("nb01", config, code=(step,))
    assert original == runtime.run_dir("nb01", config, code=(step,))
    assert original != runtime.run_dir("nb01", config, code=(edited,)), "an edited step would reload old weights"
    plain = runtime.run_dir("nb01", config)
    assert run_name(original / "ckpt.pt") == run_name(plain / "ckpt.pt") == f"{plain.name}/ckpt"


def test_colab_detection(monkeypatch):
    import sys

    assert not runtime.in_colab()
    monkeypatch.setitem(sys.modules, "google.colab", object())
    assert runtime.in_colab()


def test_runs_fall_back_to_the_user_cache_when_their_folder_is_read_only(tmp_path, monkeypatch, capsys):
    from course_utils import checkpoints

    shared = tmp_path / "course" / "runs"
    monkeypatch.setenv("COURSE_RUNS", str(shared))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(checkpoints, "cannot_write", lambda folder: "Permission denied")
    monkeypatch.setattr(runtime, "_FALLBACKS_SAID", set())
    first = runtime.run_dir("nb01", {"a": 1})
    second = runtime.run_dir("nb01", {"a": 2})
    assert first.parent == second.parent == tmp_path / "cache" / "gan-course" / "runs"
    said = capsys.readouterr().out
    assert said.count(f"note: {shared} is not writable (Permission denied); training runs go to") == 1


def test_a_test_session_removes_the_runs_folder_it_made(tmp_path):
    """conftest.py gives each test session a fresh COURSE_RUNS; a CI session leaves about 400 MB of checkpoints."""
    repo = Path(__file__).resolve().parent.parent
    seen = tmp_path / "seen.txt"  # a plugin of the inner session writes down its COURSE_RUNS while the session runs
    (tmp_path / "runs_spy.py").write_text("import os\n\ndef pytest_sessionfinish(session):\n"
                                         "    open(os.environ['SPY'], 'w').write(os.environ['COURSE_RUNS'])\n")
    environment = {k: v for k, v in os.environ.items() if k != "COURSE_RUNS"} | {
        "TMPDIR": str(tmp_path / "tmp"), "SPY": str(seen), "PYTHONPATH": str(tmp_path)}
    (tmp_path / "tmp").mkdir()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "runs_spy",
                             "tests/test_runtime.py", "-k", "test_profile_quick"],
                            cwd=repo, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    runs = Path(seen.read_text())
    assert runs.parent == tmp_path / "tmp" and runs.name.startswith("course-runs-"), runs
    assert not runs.exists(), "the session's runs folder was left behind"
