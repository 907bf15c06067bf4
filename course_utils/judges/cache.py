"""The judges' one cache: data/judges/NAME-DIGEST.pt, where DIGEST covers everything that made the judge
(its data source, its recipe, its architecture). A changed recipe is a new file, so a stale judge is never
reused; a file that cannot be read is an error that says to delete it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import torch

from ..checkpoints import CheckpointError, atomic_save, safe_load
from ..runtime import writable
from .net import JudgeNet

VERSION = 2  # bump when JudgeNet or the fit loop changes: every cached judge is then retrained


def path_for(name: str, key: dict, root: Path) -> Path:
    """Where the judge lives: ROOT/judges/, or the per-user cache when ROOT is read-only (runtime.writable)."""
    digest = hashlib.sha256(json.dumps({"version": VERSION, **key}, sort_keys=True, default=str).encode())
    file = f"{name}-{digest.hexdigest()[:10]}.pt"
    shared = Path(root) / "judges"
    if (shared / file).exists():  # a judge the instructor trained into a read-only folder is used as it is
        return shared / file
    return writable(shared, "judges") / file


def cached(path: Path, train: Callable[[], tuple[JudgeNet, dict]], device: torch.device,
           retrain: bool = False) -> tuple[JudgeNet, dict]:
    """(net, facts) from the cache file, or trained by `train()` and written there (atomically) first."""
    if path.exists() and not retrain:
        state = safe_load(path, f"judge cache {path}", "delete it to retrain the judge")
        try:
            net = JudgeNet(**state["architecture"])
            net.load_state_dict(state["net"])
        except (KeyError, TypeError, RuntimeError) as err:
            raise CheckpointError(f"judge cache {path} does not fit this version of the judges; "
                                  "delete it to retrain") from err
        return net.to(device).eval(), state["facts"]
    net, facts = train()
    atomic_save({"net": {k: v.cpu() for k, v in net.state_dict().items()}, "architecture": net.architecture(),
                 "facts": facts}, path)
    return net.eval(), facts
