"""What a notebook records for its benchmark: its figures as NAME.json and its samples as NAME.samples.npz.

A lesson's code exists once, in its notebook. `python -m benchmarks NAME` executes that notebook with
COURSE_RECORD set to its output folder; the notebook calls `figures(NAME, {...})` with the numbers of its
results table and `samples(NAME, images, labels=...)` with what it generated, and the benchmark reads them
back. With COURSE_RECORD unset (a student's run) both do nothing, so a notebook never writes outside its runs.
Figures recorded in several cells are merged into one file.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import torch

from ..checkpoints import atomic_write, atomic_write_text

ENV = "COURSE_RECORD"


def folder() -> Path | None:
    """The folder a benchmark asked for, or None when no benchmark runs this notebook."""
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def _plain(value):
    """JSON-ready: tensors and numpy values become numbers and lists, floats are rounded to 6 significant digits."""
    if isinstance(value, torch.Tensor | np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return None if not math.isfinite(value) else float(f"{value:.6g}")
    return value


def figures(name: str, values: dict) -> Path | None:
    """Merge `values` into FOLDER/NAME.json; returns the path, or None when COURSE_RECORD is unset."""
    out = folder()
    if out is None:
        return None
    path = out / f"{name}.json"
    merged = json.loads(path.read_text()) if path.exists() else {}
    merged.update(_plain(values))
    atomic_write_text(json.dumps(merged, indent=2) + "\n", path)
    return path


def samples(name: str, images: torch.Tensor | None = None, file: str | None = None, **extra) -> None:
    """Write FOLDER/NAME.samples.npz (or FOLDER/file): `images` (N, C, H, W) float32 in [-1, 1], where the model
    makes images, and the `extra` arrays (labels, attributes, inputs, 2-D points, ...); nothing when COURSE_RECORD
    is unset. Returns nothing, so a notebook cell that ends with this call shows no output in a benchmark's run."""
    arrays = {k: (v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)) for k, v in extra.items()}
    if images is not None:
        x = images.detach().float().cpu()
        if x.ndim != 4 or x.min() < -1.0001 or x.max() > 1.0001:
            raise ValueError(f"samples must be (N, C, H, W) in [-1, 1]; got shape {tuple(x.shape)}, "
                             f"range [{x.min():.3f}, {x.max():.3f}]")
        arrays["images"] = x.clamp(-1, 1).numpy().astype(np.float32)
    out = folder()
    if out is None:
        return
    path = out / (file or f"{name}.samples.npz")

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)

    atomic_write(path, write)
