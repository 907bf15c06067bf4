"""Judges for faces: an attribute judge and an identity classifier, trained on real rendered faces only.

Like the digit judges they never see a GAN's output while training, they are cached under data/judges/
(keyed by the renderer's version and the recipe) and each reports its accuracy on held-out real faces, which
a notebook prints beside the verdicts.

- The attribute judge predicts every attribute (pose, smiling, lighting, eyeglasses, hair colour) of a
  face; it is tested on identities it never saw.
- The identity classifier names which of its training identities a face shows, whatever the attributes.
  Its penultimate layer is an identity embedding: two pictures of one person lie close in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from ..data import faces
from ..evaluate.faces import per_attribute_accuracy
from ..losses import attribute_loss
from ..runtime import DATA_ROOT, get_device, get_profile
from . import cache
from .fit import fit
from .net import Classifier, JudgeNet, Reader

# the identity classifier learns identities 0 .. classes-1; the attribute judge is tested on identities from
# HELDOUT_IDENTITIES on, which no training set in the course uses.
HELDOUT_IDENTITIES = 900_000
# The quick profile's judges are smaller (and cached apart): they only have to make CI's figures exist.
RECIPES = {
    "full": {"attributes": {"train": 8_000, "test": 2_000, "epochs": 4},
             "identity": {"classes": 300, "train_per_id": 24, "test_per_id": 6, "epochs": 10}},
    "quick": {"attributes": {"train": 3_000, "test": 1_000, "epochs": 3},
              "identity": {"classes": 100, "train_per_id": 16, "test_per_id": 4, "epochs": 4}},
}


@dataclass
class FaceJudge(Reader):
    net: Classifier
    kind: str  # "attributes" or "identity"
    source: str
    heldout_accuracy: dict  # attribute name -> accuracy, or {"identity": accuracy}
    train_seconds: float
    role: str = "judge"  # or "second classifier" (judges/crosscheck.py)

    def predict(self, images: torch.Tensor) -> torch.Tensor:
        """Integer attributes (N, A) for the attribute judge; identity ids (N,) for the identity classifier."""
        logits = self.logits(images)
        if self.kind == "attributes":
            return faces.predict_attributes(logits, faces.ATTRIBUTE_SIZES)
        return logits.argmax(1)

    def confidence(self, images: torch.Tensor) -> torch.Tensor:
        """(N, A) for the attribute judge: its probability for each attribute value it reads (`predict`)."""
        if self.kind != "attributes":
            raise ValueError(f"confidence reads attributes; this is the {self.kind} judge")
        return faces.attribute_confidence(self.logits(images), faces.ATTRIBUTE_SIZES)

    def describe(self) -> str:
        scores = ", ".join(f"{k} {v:.1%}" for k, v in self.heldout_accuracy.items())
        return f"face {self.kind} {self.role}, held-out real faces: {scores} (trained on {self.source})"


def fit_attribute_reader(net: Classifier, train_set: faces.FaceSet, test_set: faces.FaceSet, *, epochs: int,
                         seed: int, desc: str, shift: float = 0.0) -> tuple[float, dict]:
    """Train `net` to read the face attributes; returns (seconds, per-attribute accuracy on test_set)."""
    seconds = fit(net, train_set.images, train_set.attributes,
                  lambda out, y: attribute_loss(out, y, faces.ATTRIBUTE_SIZES), epochs=epochs, shift=shift, seed=seed,
                  desc=desc)
    predicted = faces.predict_attributes(net.batched(net, test_set.images), faces.ATTRIBUTE_SIZES)
    return seconds, per_attribute_accuracy(predicted, test_set.attributes)


def _train(kind: str, recipe: dict, device: torch.device, seed: int) -> tuple[JudgeNet, dict]:
    torch.manual_seed(seed)  # the net's first weights too, so that a seed names one judge
    if kind == "attributes":
        train_set = faces.sample_faces(recipe["train"], identities=2000, seed=0, stream=101)
        test_set = faces.sample_faces(recipe["test"], identities=range(HELDOUT_IDENTITIES, HELDOUT_IDENTITIES + 1000),
                                      seed=0, stream=102)
        net = JudgeNet(faces.vector_width(faces.ATTRIBUTE_SIZES), channels=3, size=32).to(device)
        seconds, accuracy = fit_attribute_reader(net, train_set, test_set, epochs=recipe["epochs"], seed=seed,
                                                 desc="training the attribute judge")
    else:
        classes = recipe["classes"]
        train_set = faces.sample_faces(classes * recipe["train_per_id"], identities=classes, seed=0, stream=201)
        test_set = faces.sample_faces(classes * recipe["test_per_id"], identities=classes, seed=0, stream=202)
        net = JudgeNet(classes, channels=3, size=32).to(device)
        seconds = fit(net, train_set.images, train_set.identities, F.cross_entropy, epochs=recipe["epochs"],
                      seed=seed, desc="training the face identity classifier")
        accuracy = {"identity": net.accuracy(test_set.images, test_set.identities)}
    return net, {"source": train_set.source, "heldout_accuracy": accuracy, "train_seconds": seconds}


def get_face_judge(kind: str = "attributes", device: torch.device | None = None, root: Path | str = DATA_ROOT,
                   retrain: bool = False, seed: int = 0, profile: str | None = None) -> FaceJudge:
    """The cached face judge ('attributes' or 'identity'), trained on rendered faces first if it is missing.

    profile ('full' or 'quick', by default the running profile) picks the recipe.
    """
    recipes = RECIPES[profile or get_profile()]
    if kind not in recipes:
        raise ValueError(f"kind must be one of {', '.join(recipes)}; got {kind!r}")
    device = device or get_device()
    key = {"renderer": faces.RENDERER_VERSION, "kind": kind, "recipe": recipes[kind], "seed": seed}
    path = cache.path_for(f"faces-{kind}", key, Path(root))
    net, facts = cache.cached(path, lambda: _train(kind, recipes[kind], device, seed), device, retrain)
    return FaceJudge(net, kind, facts["source"], facts["heldout_accuracy"], facts["train_seconds"])
