"""Second opinions: classifiers built unlike the judges and trained on other pictures, to check that a judged
figure is not one judge's quirk.

A judge's verdict on generated images is evidence only if it does not hinge on that judge's blind spots. A
second classifier with another architecture (net.CrossCheckNet: strided convs, GroupNorm, a global average;
the judges' JudgeNet has BatchNorm and max pooling), another augmentation and, where the data allow, other
training pictures reads the same images. Where two classifiers that agree on real pictures disagree on generated
ones, the generated pictures are ambiguous. Like the judges, they never see a GAN's output, are cached under
data/judges/ and ship with the package.

- face attributes: renders of people no judge, GAN or experiment of the course uses (ids from 800,000), read
  with random shifts; tested on held-out people.
- digits: the same training split as the digit judge (the offline MNIST sample has no other), read at 32 x 32
  (the pix2pix outputs' own size) with stronger rotations and shifts.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from ..data import faces
from ..data.datasets import load_images
from ..runtime import DATA_ROOT, get_device
from . import cache
from .faces import FaceJudge, fit_attribute_reader
from .fit import fit
from .labels import Judge
from .net import CrossCheckNet

CROSSCHECK_IDENTITIES = 800_000  # its training people: no other set of the course draws ids from here
TEST_IDENTITIES = 910_000  # its test people: unseen by it and by every judge and GAN
RECIPES = {"faces": {"train": 12_000, "people": 4_000, "test": 2_000, "epochs": 12, "shift": 2.0},
           "mnist": {"epochs": 20, "degrees": 12.0, "shift": 3.0}}


def _train_faces(recipe: dict, device: torch.device, seed: int) -> tuple[CrossCheckNet, dict]:
    torch.manual_seed(seed)
    train_set = faces.sample_faces(recipe["train"], seed=0, stream=301, identities=range(
        CROSSCHECK_IDENTITIES, CROSSCHECK_IDENTITIES + recipe["people"]))
    test_set = faces.sample_faces(recipe["test"], seed=0, stream=302,
                                  identities=range(TEST_IDENTITIES, TEST_IDENTITIES + recipe["test"] // 4))
    net = CrossCheckNet(faces.vector_width(faces.ATTRIBUTE_SIZES), channels=3).to(device)
    seconds, accuracy = fit_attribute_reader(net, train_set, test_set, epochs=recipe["epochs"], shift=recipe["shift"],
                                             seed=seed, desc="training the second attribute classifier")
    return net, {"source": f"{train_set.source}, people {CROSSCHECK_IDENTITIES:,} on", "heldout_accuracy": accuracy,
                 "train_seconds": seconds}


def face_attribute_crosscheck(device: torch.device | None = None, root: Path | str = DATA_ROOT,
                              retrain: bool = False, seed: int = 0) -> FaceJudge:
    """The second face attribute classifier (predict -> integer attributes (N, A), like the attribute judge)."""
    device = device or get_device()
    key = {"renderer": faces.RENDERER_VERSION, "recipe": RECIPES["faces"], "seed": seed, "family": "crosscheck"}
    path = cache.path_for("crosscheck-faces", key, Path(root))
    net, facts = cache.cached(path, lambda: _train_faces(RECIPES["faces"], device, seed), device, retrain)
    return FaceJudge(net, "attributes", facts["source"], facts["heldout_accuracy"], facts["train_seconds"],
                     role="second classifier")


def digit_crosscheck(device: torch.device | None = None, root: Path | str = DATA_ROOT, retrain: bool = False,
                     seed: int = 0) -> Judge:
    """The second digit classifier (predict -> digit classes (N,), like the MNIST judge)."""
    device = device or get_device()
    test_set = load_images("mnist", "test", root)
    recipe = RECIPES["mnist"]
    path = cache.path_for("crosscheck-mnist", {"source": test_set.source, "recipe": recipe, "seed": seed,
                                               "family": "crosscheck"}, Path(root))

    def train():
        train_set = load_images("mnist", "train", root)
        torch.manual_seed(seed)
        net = CrossCheckNet(len(train_set.class_names)).to(device)
        seconds = fit(net, train_set.images, train_set.labels, F.cross_entropy, seed=seed,
                      desc="training the second digit classifier", **recipe)
        return net, {"source": train_set.source, "class_names": list(train_set.class_names),
                     "heldout_accuracy": net.accuracy(test_set.images, test_set.labels), "train_seconds": seconds}

    net, facts = cache.cached(path, train, device, retrain)
    return Judge.from_facts(net, "mnist", facts, role="second classifier")
