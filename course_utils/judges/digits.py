"""The judges of digits and fashion items: a JudgeNet trained on the real training split of MNIST or
Fashion-MNIST, measured on its real test split, and cached (course_utils.judges.cache)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from ..data.mnist import load_images
from ..runtime import DATA_ROOT, get_device
from . import cache
from .fit import fit
from .net import JudgeNet, Reader

# (epochs, augmentation) per dataset: the 4,000-digit offline MNIST needs augmentation and more passes
# to reach 97% on its held-out digits; 60,000 fashion images need only a few passes.
RECIPES = {"mnist": {"epochs": 15, "degrees": 10.0, "shift": 2.0},
           "fashion": {"epochs": 2, "degrees": 0.0, "shift": 1.0}}


@dataclass
class Judge(Reader):
    net: JudgeNet
    dataset: str
    source: str
    class_names: tuple
    heldout_accuracy: float
    train_seconds: float

    def predict(self, images: torch.Tensor) -> torch.Tensor:
        """Class indices for images in [-1, 1], any square size (resized to 28 x 28)."""
        return self.logits(images).argmax(1)

    def describe(self) -> str:
        return (f"{self.dataset} judge: {self.heldout_accuracy:.2%} on held-out real images "
                f"(trained on {self.source})")


def train_judge(dataset: str, device: torch.device, root: Path = DATA_ROOT, seed: int = 0) -> Judge:
    """Train a judge on the real training split; measure it on the real test split."""
    train_set, test_set = load_images(dataset, "train", root), load_images(dataset, "test", root)
    recipe = RECIPES[dataset]
    torch.manual_seed(seed)
    net = JudgeNet(len(train_set.class_names)).to(device)
    seconds = fit(net, train_set.images, train_set.labels, F.cross_entropy, seed=seed,
                  desc=f"training the {dataset} judge", **recipe)
    accuracy = net.accuracy(test_set.images, test_set.labels)
    return Judge(net, dataset, train_set.source, train_set.class_names, accuracy, seconds)


def get_judge(dataset: str = "mnist", device: torch.device | None = None, root: Path | str = DATA_ROOT,
              retrain: bool = False) -> Judge:
    """The cached judge for `dataset` ('mnist' or 'fashion'), trained first if it is missing."""
    device = device or get_device()
    source = load_images(dataset, "test", root).source
    path = cache.path_for(dataset, {"source": source, "recipe": RECIPES[dataset]}, Path(root))

    def train():
        judge = train_judge(dataset, device, Path(root))
        return judge.net, {"dataset": dataset, "source": judge.source, "class_names": list(judge.class_names),
                           "heldout_accuracy": judge.heldout_accuracy, "train_seconds": judge.train_seconds}

    net, facts = cache.cached(path, train, device, retrain)
    return Judge(net, facts["dataset"], facts["source"], tuple(facts["class_names"]), facts["heldout_accuracy"],
                 facts["train_seconds"])
