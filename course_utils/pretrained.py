"""Pretrained weights that ship with the package, checked by SHA-256 before they are loaded.

The weights were produced by the project's own full-profile runs (`export`, called by the benchmarks with
--export-weights); `course_utils/weights/manifest.json` records each file's digest, size and provenance.
A notebook with `pretrained=True` loads them instead of training; a missing or damaged file is an error
that says so, and the notebook's fallback is to train.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import torch

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


class PretrainedError(RuntimeError):
    """Weights that are missing, damaged or do not fit the model."""


def _manifest(folder: Path) -> dict:
    path = folder / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def export(name: str, models: dict[str, torch.nn.Module], info: dict, folder: Path = WEIGHTS_DIR) -> dict:
    """Save the models' weights as NAME.pt and record digest, size and `info` (how they were made)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.pt"
    torch.save({k: {p: t.detach().cpu() for p, t in m.state_dict().items()} for k, m in models.items()}, path)
    entry = {"file": path.name, "sha256": sha256(path), "bytes": path.stat().st_size, **info}
    manifest = _manifest(folder)
    manifest[name] = entry
    tmp = folder / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, folder / "manifest.json")
    return entry


def available(folder: Path = WEIGHTS_DIR) -> dict:
    """name -> manifest entry, for every shipped set of weights."""
    return _manifest(folder)


def load(name: str, models: dict[str, torch.nn.Module], folder: Path = WEIGHTS_DIR) -> dict:
    """Load NAME's weights into `models` after checking the file's SHA-256; returns its manifest entry."""
    entry = _manifest(folder).get(name)
    if entry is None:
        raise PretrainedError(f"no pretrained weights named {name!r} in {folder}; set pretrained=False to train")
    path = folder / entry["file"]
    if not path.exists():
        raise PretrainedError(f"{path} is missing; reinstall the package or set pretrained=False to train")
    digest = sha256(path)
    if digest != entry["sha256"]:
        raise PretrainedError(f"{path} is damaged: its SHA-256 is {digest[:12]}..., the manifest says "
                              f"{entry['sha256'][:12]}...; reinstall the package or set pretrained=False to train")
    states = torch.load(path, map_location="cpu", weights_only=True)
    if set(states) != set(models):
        raise PretrainedError(f"{path} holds {sorted(states)}, the notebook asked for {sorted(models)}")
    for key, model in models.items():
        try:
            model.load_state_dict(states[key])
        except RuntimeError as err:
            raise PretrainedError(f"{path} does not fit model {key!r} (other settings?): {str(err)[:200]}") from err
    return entry
