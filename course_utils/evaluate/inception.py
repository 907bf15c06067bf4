"""The Frechet distance in Inception space (FID as papers report it), where its weights are on this machine.

FID proper reads images with an Inception-v3 network trained on ImageNet; its weights are a 100 MB download
that the course cannot fetch offline. Where the file is here (COURSE_INCEPTION_WEIGHTS, data/inception/ or
torch's hub cache) and torchmetrics with torch-fidelity is installed (`pip install torchmetrics[image]`),
`frechet_inception` computes it with torchmetrics; otherwise `status` says plainly what is missing, and the
course's figures stay in its judges' feature spaces, which are comparable within the course only.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import torch

from ..runtime import DATA_ROOT

WEIGHTS_FILE = "pt_inception-2015-12-05-6726825d.pth"  # the FID Inception weights torchmetrics' extractor loads
ENV = "COURSE_INCEPTION_WEIGHTS"


def find_weights(root: Path | str = DATA_ROOT) -> Path | None:
    """The Inception weights file, from $COURSE_INCEPTION_WEIGHTS, data/inception/ or torch's hub cache."""
    places = [Path(os.environ[ENV])] if os.environ.get(ENV) else []
    places += [Path(root) / "inception" / WEIGHTS_FILE, Path(torch.hub.get_dir()) / "checkpoints" / WEIGHTS_FILE]
    return next((p for p in places if p.is_file()), None)


def missing(root: Path | str = DATA_ROOT) -> list[str]:
    """What stands between this machine and an Inception-space Frechet distance (empty: nothing)."""
    packages = ("torchmetrics", "torch_fidelity")
    gaps = [f"the package {name}" for name in packages if importlib.util.find_spec(name) is None]
    if find_weights(root) is None:
        gaps.append(f"the weights file {WEIGHTS_FILE} (set ${ENV} to it, or put it in {Path(root) / 'inception'})")
    return gaps


def status(root: Path | str = DATA_ROOT) -> str:
    gaps = missing(root)
    if gaps:
        return "no Inception-space Frechet distance here: missing " + "; ".join(gaps)
    return f"Inception-space Frechet distance available (weights {find_weights(root)})"


def frechet_inception(images_a: torch.Tensor, images_b: torch.Tensor, root: Path | str = DATA_ROOT,
                      batch_size: int = 100) -> float:
    """FID between two image sets in [-1, 1] (grey images are repeated to 3 channels), with torchmetrics."""
    gaps = missing(root)
    if gaps:
        raise RuntimeError(status(root))
    from torchmetrics.image.fid import FrechetInceptionDistance

    fid = FrechetInceptionDistance(feature=2048, normalize=True, feature_extractor_weights_path=str(find_weights(root)))
    for real, images in ((True, images_a), (False, images_b)):
        for start in range(0, len(images), batch_size):
            batch = ((images[start:start + batch_size].float() + 1) / 2).clamp(0, 1)
            fid.update(batch.expand(-1, 3, -1, -1) if batch.shape[1] == 1 else batch, real=real)
    return fid.compute().item()
