"""The edge reader: a classifier of digit outlines, never of digits (notebook 06).

pix2pix's edges -> digit translations are judged by the MNIST judge. When the judge misreads a translation,
either G drew the wrong shape or its input, the outline, did not tell the digit. The edge reader answers the
second question: the judge's own architecture (a JudgeNet, read at 32 x 32) trained on the outlines of the
judge's training digits (`paired.edges_to_digits`), then measured on the outlines of the held-out digits.
An outline is sparser than a digit, so it gets twice the judge's passes: with the judge's 15 it read 96.3% of
the held-out outlines (scratch runs, seeds 0 and 1), with 30 97.3-97.4% (seeds 0-2).

Like the judges it is cached under data/judges/ and ships with the package.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from ..data import paired
from ..runtime import DATA_ROOT, get_device
from . import cache
from .fit import fit
from .labels import Judge
from .net import JudgeNet

RECIPE = {"size": 32, "epochs": 30, "degrees": 10.0, "shift": 2.0}


def edge_reader(device: torch.device | None = None, root: Path | str = DATA_ROOT, retrain: bool = False,
                seed: int = 0) -> Judge:
    """The digit an outline shows (predict -> digit classes (N,) for (N, 1, 32, 32) outlines in {-1, 1})."""
    device = device or get_device()
    test_set = paired.edges_to_digits("test", RECIPE["size"], root)
    path = cache.path_for("edges-mnist", {"source": test_set.source, "recipe": RECIPE, "seed": seed}, Path(root))

    def train():
        train_set = paired.edges_to_digits("train", RECIPE["size"], root)
        torch.manual_seed(seed)
        net = JudgeNet(10, channels=1, size=RECIPE["size"]).to(device)
        seconds = fit(net, train_set.inputs, train_set.labels, F.cross_entropy, seed=seed, epochs=RECIPE["epochs"],
                      degrees=RECIPE["degrees"], shift=RECIPE["shift"], desc="training the edge reader")
        return net, {"source": train_set.source, "class_names": [str(d) for d in range(10)],
                     "heldout_accuracy": net.accuracy(test_set.inputs, test_set.labels), "train_seconds": seconds}

    net, facts = cache.cached(path, train, device, retrain)
    return Judge.from_facts(net, "mnist", facts, role="edge reader", measured_on="held-out outlines")
