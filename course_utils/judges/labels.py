"""The judges of labelled image sets (digits, fashion items, CIFAR-10, animal faces, CelebA, the rendered
faces' hair colour): a JudgeNet trained on the set's real training split, measured on its real test split, and
cached (course_utils.judges.cache). A judge reads one label per image; faces.py judges face attributes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from ..data.datasets import load_images
from ..data.imageset import ImageSet
from ..runtime import DATA_ROOT, get_device
from . import cache
from .fit import fit
from .net import Classifier, JudgeNet, Reader

# (epochs, augmentation) per dataset: the 4,000-digit offline MNIST needs augmentation and more passes
# to reach 97% on its held-out digits; 60,000 fashion images need only a few passes. The colour sets are read
# at 32 x 32; a hair colour is plain to see, photographs of objects and animals need more passes.
RECIPES = {"mnist": {"epochs": 15, "degrees": 10.0, "shift": 2.0},
           "fashion": {"epochs": 2, "degrees": 0.0, "shift": 1.0},
           "cifar10": {"epochs": 15, "degrees": 0.0, "shift": 2.0},
           "afhq": {"epochs": 15, "degrees": 10.0, "shift": 2.0},
           "celeba": {"epochs": 3, "degrees": 0.0, "shift": 1.0},
           "faces": {"epochs": 2, "degrees": 0.0, "shift": 1.0}}


@dataclass
class Judge(Reader):
    net: Classifier
    dataset: str
    source: str
    class_names: tuple
    heldout_accuracy: float
    train_seconds: float
    role: str = "judge"  # or "second classifier" (judges/crosscheck.py), "edge reader" (judges/edges.py)
    measured_on: str = "held-out real images"  # what heldout_accuracy was measured on

    @classmethod
    def from_facts(cls, net: Classifier, dataset: str, facts: dict, **roles) -> Judge:
        """A judge from its net and the facts its cache file keeps (cache.cached); roles: `role`, `measured_on`."""
        return cls(net, dataset, facts["source"], tuple(facts["class_names"]), facts["heldout_accuracy"],
                   facts["train_seconds"], **roles)

    def predict(self, images: torch.Tensor) -> torch.Tensor:
        """Class indices for images in [-1, 1], any square size (resized to 28 x 28)."""
        return self.logits(images).argmax(1)

    def describe(self) -> str:
        return (f"{self.dataset} {self.role}: {self.heldout_accuracy:.2%} on {self.measured_on} "
                f"(trained on {self.source})")


def train_judge(dataset: str, device: torch.device, root: Path = DATA_ROOT, seed: int = 0,
                test_set: ImageSet | None = None) -> Judge:
    """Train a judge on the real training split; measure it on the real test split."""
    train_set = load_images(dataset, "train", root)
    test_set = test_set or load_images(dataset, "test", root)
    recipe = RECIPES[dataset]
    torch.manual_seed(seed)
    size = 28 if train_set.size == 28 else 32  # the two sizes a JudgeNet reads (it resizes anything else)
    net = JudgeNet(len(train_set.class_names), channels=train_set.channels, size=size).to(device)
    seconds = fit(net, train_set.images, train_set.labels, F.cross_entropy, seed=seed,
                  desc=f"training the {dataset} judge", **recipe)
    accuracy = net.accuracy(test_set.images, test_set.labels)
    return Judge(net, dataset, train_set.source, train_set.class_names, accuracy, seconds)


def get_judge(dataset: str = "mnist", device: torch.device | None = None, root: Path | str = DATA_ROOT,
              retrain: bool = False, test_set: ImageSet | None = None) -> Judge:
    """The cached judge for `dataset` (a name of data.datasets.DATASETS), trained first if it is missing.

    test_set: the dataset's test split, if the caller has it loaded already (it names the data source, which
    keys the cache, and measures a judge trained now).
    """
    if dataset not in RECIPES:
        raise ValueError(f"dataset must be one of {', '.join(RECIPES)}; got {dataset!r}")
    device = device or get_device()
    test_set = test_set or load_images(dataset, "test", root)
    path = cache.path_for(dataset, {"source": test_set.source, "recipe": RECIPES[dataset]}, Path(root))

    def train():
        judge = train_judge(dataset, device, Path(root), test_set=test_set)
        return judge.net, {"dataset": dataset, "source": judge.source, "class_names": list(judge.class_names),
                           "heldout_accuracy": judge.heldout_accuracy, "train_seconds": judge.train_seconds}

    net, facts = cache.cached(path, train, device, retrain)
    return Judge.from_facts(net, facts["dataset"], facts)
