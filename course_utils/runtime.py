"""Where the course runs: device, seeding, profile, parameter checks, Colab detection."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import random
import sys
from pathlib import Path

import numpy as np
import torch

PROFILES = ("quick", "full")
DEVICES = ("cuda", "mps", "cpu")
_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
# A checkout (or editable install) keeps data/ and runs/ beside the package; an installed copy (Colab)
# keeps them in the working folder.
REPO_ROOT = _PACKAGE_PARENT if (_PACKAGE_PARENT / "pyproject.toml").exists() else Path.cwd()
DATA_ROOT = REPO_ROOT / "data"  # the download root and the judges' cache (data/README.md)
REPOSITORY = "gan-course/gan-course-companion"  # on GitHub: Colab links, the student edition's fetched copies


def get_profile() -> str:
    """The profile from COURSE_PROFILE: 'full' (default) trains to the promised quality, 'quick' runs in seconds."""
    profile = os.environ.get("COURSE_PROFILE", "full").strip().lower() or "full"
    if profile not in PROFILES:
        raise ValueError(f"COURSE_PROFILE={profile!r} is not a profile; use one of {', '.join(PROFILES)}")
    return profile


def is_quick() -> bool:
    return get_profile() == "quick"


def _available(name: str) -> bool:
    if name == "cuda":
        return torch.cuda.is_available()
    if name == "mps":
        return getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    return True


def get_device() -> torch.device:
    """CUDA, then MPS, then CPU; COURSE_DEVICE forces one, and a forced device that is missing is an error.

    The error matters for the GPU CI job: a run that silently fell back to the CPU would pass without
    testing anything on the GPU.
    """
    forced = os.environ.get("COURSE_DEVICE", "").strip().lower()
    if forced:
        if forced not in DEVICES:
            raise ValueError(f"COURSE_DEVICE={forced!r} is not a device; use one of {', '.join(DEVICES)}")
        if not _available(forced):
            raise RuntimeError(f"COURSE_DEVICE={forced} was asked for, but this machine has no {forced} device")
        return torch.device(forced)
    return torch.device(next(name for name in DEVICES if _available(name)))


def reading_batch(device: torch.device) -> int:
    """How many images a network reads or draws at once outside training (judges, sampling). On a CPU a batch of
    128 keeps each layer's activations in cache: against batches of 1,000 (2 cores) the judges read 1.8-2.4 times
    as fast and the generators drew 1.0-2.3 times as fast, with the same outputs to the bit (eval mode: no image
    depends on its neighbours). A GPU takes the larger batch, for fewer kernel launches."""
    return 128 if torch.device(device).type == "cpu" else 1000


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's generators (all devices) so a CPU run repeats bitwise."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def in_colab() -> bool:
    return "google.colab" in sys.modules


def describe() -> dict:
    """What a notebook's first output shows: versions, device, threads, profile."""
    device = get_device()
    info = {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "device": str(device),
        "cpu_threads": torch.get_num_threads(),
        "profile": get_profile(),
        "colab": in_colab(),
    }
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


QUICK_NOTE = "\n".join([
    "quick profile: seconds of training, far too few for this lesson, so the numbers and pictures below only show",
    "that the cells run, and the lesson's promises are not checked. To see the lesson: run in the full profile",
    "(the default: unset COURSE_PROFILE), which trains and checks them, or set pretrained = True in the",
    "parameters cell (papermill: -p pretrained True) to load the project's full-profile run and check them."])


def announce(device: torch.device, pretrained: bool = False) -> None:
    """A lesson's first line: where it runs and in which profile; in the quick profile, without the shipped run,
    QUICK_NOTE below it: its figures are not the lesson's (a student would read them as a failed lesson)."""
    device = torch.device(device)
    where = ""
    if device.type == "cuda":
        where = f" ({torch.cuda.get_device_name(device)})"
    elif device.type == "cpu":
        where = f" ({torch.get_num_threads()} CPU threads)"
    shipped = ", the shipped full-profile run" if pretrained else ""
    print(f"device {device}{where}, profile {get_profile()}{shipped}")
    if is_quick() and not pretrained:
        print(QUICK_NOTE)


def user_cache() -> Path:
    """The per-user folder the course falls back to: $XDG_CACHE_HOME/gan-course (default ~/.cache/gan-course)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gan-course"


_FALLBACKS_SAID: set = set()


def writable(folder: Path, what: str) -> Path:
    """`folder` if it can be written to, else the same-named folder in the per-user cache (said once per folder).

    A shared course image (JupyterHub, a lab machine) may keep data/ read-only for students: the judges they
    train and the runs they make then go to their own cache instead of failing.
    """
    from .checkpoints import cannot_write  # checkpoints imports torch only; runtime stays importable first

    folder = Path(folder)
    problem = cannot_write(folder)
    if problem is None:
        return folder
    fallback = user_cache() / folder.name
    if folder not in _FALLBACKS_SAID:
        _FALLBACKS_SAID.add(folder)
        print(f"note: {folder} is not writable ({problem}); {what} go to {fallback} instead")
    return fallback


def source_digest(functions) -> str:
    """A short digest of the source of `functions` (a notebook's step and loss functions): it changes when
    their code is edited. Functions whose source cannot be read count by their compiled code instead."""
    parts = []
    for fn in functions:
        try:
            parts.append(inspect.getsource(fn))
        except (OSError, TypeError):
            parts.append(repr((fn.__code__.co_code, fn.__code__.co_consts)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:CODE_DIGEST]


CODE_DIGEST = 8  # hex digits of a run folder's code digest, after "-c" (pretrained.run_name leaves it out)


def run_dir(name: str, config: dict, code=()) -> Path:
    """A folder for one training run's checkpoint, named by the notebook and a digest of its settings and,
    when `code` names the notebook's own functions that the training runs (its step, its losses), of their
    source too.

    Different parameters give a different folder, so a resumed run can never pick up weights that were
    trained with other settings; an edited step function gives another folder as well, so it trains afresh
    instead of silently reloading the weights its old version made. COURSE_RUNS moves the root (the tests
    point it at a temporary folder).
    """
    root = writable(Path(os.environ.get("COURSE_RUNS", REPO_ROOT / "runs")), "training runs")
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()[:10]
    path = root / (f"{name}-{digest}-c{source_digest(code)}" if code else f"{name}-{digest}")
    path.mkdir(parents=True, exist_ok=True)
    return path


_TYPE_NAMES = {int: "an int", float: "a number", bool: "a bool", str: "a string"}


def check_param(name: str, value, kind: type, *, low=None, high=None, choices=None):
    """Validate one notebook parameter; the error says what was given and what is allowed.

    Returns the value (an int given for a float parameter comes back as a float).
    """
    ok_type = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok_type = float(value), True
    if not ok_type:
        raise ValueError(
            f"parameter {name} must be {_TYPE_NAMES.get(kind, kind.__name__)}, "
            f"got {value!r} ({type(value).__name__})"
        )
    if choices is not None and value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"parameter {name} must be one of {allowed}; got {value!r}")
    if low is not None and value < low:
        raise ValueError(f"parameter {name} must be at least {low}; got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"parameter {name} must be at most {high}; got {value!r}")
    return value

