"""Judge classifiers: CNNs trained on real images only, never with a GAN, so their verdicts are evidence.

A judge is cached under data/judges/ (keyed by dataset and source) and retrained when missing. Each one
reports its accuracy on held-out real images, which every notebook prints beside the judge's verdicts.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from .augment import random_affine
from .batches import TensorBatches
from .datasets import DATA_ROOT, load_images
from .runtime import get_device
from .train import CheckpointError, evaluating, progress_bar, short_reason

JUDGE_SIZE = 28
# (epochs, augmentation) per dataset: the 4,000-digit offline MNIST needs augmentation and more passes
# to reach 97% on its held-out digits; 60,000 fashion images need only a few passes.
_RECIPES = {"mnist": {"epochs": 15, "degrees": 10.0, "shift": 2.0},
            "fashion": {"epochs": 2, "degrees": 0.0, "shift": 1.0}}


class JudgeNet(nn.Module):
    """Two conv blocks and a 128-unit feature layer: small enough to train in a minute on two cores."""

    def __init__(self, classes: int = 10, features: int = 128):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, features), nn.ReLU(),
        )
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(features, classes))

    def forward(self, x):
        return self.head(self.body(x))


@dataclass
class Judge:
    net: JudgeNet
    dataset: str
    source: str
    class_names: tuple
    heldout_accuracy: float
    train_seconds: float

    @property
    def device(self) -> torch.device:
        return next(self.net.parameters()).device

    def _batched(self, fn, images: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
        outputs = []
        with evaluating(self.net):
            for start in range(0, len(images), batch_size):
                x = images[start : start + batch_size].to(self.device, torch.float32)
                if x.shape[-1] != JUDGE_SIZE or x.shape[-2] != JUDGE_SIZE:
                    x = F.interpolate(x, size=(JUDGE_SIZE, JUDGE_SIZE), mode="bilinear", antialias=True)
                outputs.append(fn(x))
        return torch.cat(outputs)

    def logits(self, images: torch.Tensor) -> torch.Tensor:
        """Class logits for images in [-1, 1], any square size (resized to 28 x 28)."""
        return self._batched(self.net, images)

    def predict(self, images: torch.Tensor) -> torch.Tensor:
        return self.logits(images).argmax(1)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """The 128-d penultimate layer: the space for Frechet distance and diversity."""
        return self._batched(self.net.body, images)

    def describe(self) -> str:
        return (f"{self.dataset} judge: {self.heldout_accuracy:.2%} on held-out real images "
                f"(trained on {self.source})")


def _cache_path(dataset: str, source: str, root: Path) -> Path:
    tag = hashlib.sha256(source.encode()).hexdigest()[:8]
    return Path(root) / "judges" / f"{dataset}-{tag}.pt"


def _accuracy(net: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    with evaluating(net):
        hits = sum((net(images[i : i + 1000]).argmax(1) == labels[i : i + 1000]).sum().item()
                   for i in range(0, len(images), 1000))
    return hits / len(labels)


def train_judge(dataset: str, device: torch.device, root: Path = DATA_ROOT, seed: int = 0) -> Judge:
    """Train a judge on the real training split; measure it on the real test split."""
    train_set, test_set = load_images(dataset, "train", root), load_images(dataset, "test", root)
    recipe = _RECIPES[dataset]
    torch.manual_seed(seed)
    net = JudgeNet(len(train_set.class_names)).to(device)
    batches = TensorBatches(train_set.images.to(device), train_set.labels.to(device),
                            batch_size=min(128, len(train_set)), seed=seed)
    steps = recipe["epochs"] * len(batches)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    augment_rng = torch.Generator().manual_seed(seed)
    started = time.perf_counter()
    with progress_bar(steps, f"training the {dataset} judge") as bar:
        for _ in range(recipe["epochs"]):
            for x, y in batches:
                x = random_affine(x, recipe["degrees"], recipe["shift"], augment_rng)
                loss = F.cross_entropy(net(x), y)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                schedule.step()
                bar.update(1)
    seconds = time.perf_counter() - started
    accuracy = _accuracy(net, test_set.images.to(device), test_set.labels.to(device))
    return Judge(net, dataset, train_set.source, train_set.class_names, accuracy, seconds)


def _save(judge: Judge, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"net": {k: v.cpu() for k, v in judge.net.state_dict().items()}, "dataset": judge.dataset,
             "source": judge.source, "class_names": list(judge.class_names),
             "heldout_accuracy": judge.heldout_accuracy, "train_seconds": judge.train_seconds}
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: two notebooks training the same judge never leave a half file


def _load(path: Path, device: torch.device) -> Judge:
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        net = JudgeNet(len(state["class_names"]))
        net.load_state_dict(state["net"])
    except Exception as err:
        raise CheckpointError(
            f"judge cache {path} is unreadable ({short_reason(err)}); delete it to retrain the judge"
        ) from err
    return Judge(net.to(device), state["dataset"], state["source"], tuple(state["class_names"]),
                 state["heldout_accuracy"], state["train_seconds"])


def get_judge(dataset: str = "mnist", device: torch.device | None = None, root: Path | str = DATA_ROOT,
              retrain: bool = False) -> Judge:
    """The cached judge for `dataset` ('mnist' or 'fashion'), trained first if it is missing."""
    device = device or get_device()
    source = load_images(dataset, "test", root).source
    path = _cache_path(dataset, source, Path(root))
    if path.exists() and not retrain:
        return _load(path, device)
    judge = train_judge(dataset, device, Path(root))
    _save(judge, path)
    return judge
