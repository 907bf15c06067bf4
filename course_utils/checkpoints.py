"""Writing and reading the course's files on disk: one atomic writer, one safe reader, their errors.

Every file the course writes (training checkpoints, cached judges, shipped runs and their manifest, benchmark
records) goes through `atomic_write` (or its forms `atomic_save` and `atomic_write_text`): the data is
written to a temporary file beside the target, named by the process and thread, and renamed over it in one
step. A crash or a full disk while saving leaves the previous file intact, and two processes saving the same
file at once never mix their bytes.
Every tensor file is read through `safe_load` (weights_only: no pickled code runs), which turns a corrupt,
truncated or foreign file into a `CheckpointError` that names the file and the fix.
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import torch


class CheckpointError(RuntimeError):
    """A file could not be used; it is left untouched on disk."""


def short_reason(err: Exception) -> str:
    """The first line of an exception, for error messages (torch's unpickling errors run to a page)."""
    first = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {first[:150]}"


def atomic_write(path: Path | str, write: Callable[[Path], None]) -> None:
    """Call write(tmp) for a temporary path beside `path`, then rename it over `path` in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # only left when writing failed: the old file stays as it was


def atomic_save(obj, path: Path | str) -> None:
    """torch.save(obj) to `path`, atomically."""
    atomic_write(path, lambda tmp: torch.save(obj, tmp))


def atomic_write_text(text: str, path: Path | str) -> None:
    """Write text to `path`, atomically."""
    atomic_write(path, lambda tmp: tmp.write_text(text))


def safe_load(source: Path | str | bytes, what: str = "file", fix: str = "delete it to start over") -> dict:
    """torch.load with weights_only, from a path or from bytes already read; errors name the file and the fix."""
    try:
        data = io.BytesIO(source) if isinstance(source, bytes) else source
        obj = torch.load(data, map_location="cpu", weights_only=True)
    except Exception as err:
        raise CheckpointError(f"{what} is unreadable (corrupt or truncated: {short_reason(err)}); {fix}") from err
    if not isinstance(obj, dict):
        raise CheckpointError(f"{what} does not hold a course_utils state (found {type(obj).__name__}); {fix}")
    return obj


def cannot_write(folder: Path | str) -> str | None:
    """None if `folder` can be made and written to; otherwise why not, in a few words (for a one-line error)."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as err:
        return err.strerror or type(err).__name__
    return None
