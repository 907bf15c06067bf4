"""Judges for faces: an attribute judge and an identity classifier, trained on real rendered faces only.

Like the digit judges (course_utils.judges), they never see a GAN's output while training, they are
cached under data/judges/ (keyed by the renderer's version, the image size and the recipe) and each
reports its accuracy on held-out real faces, which a notebook prints beside the verdicts.

- The attribute judge predicts every attribute (pose, smiling, lighting, eyeglasses, hair colour) of a
  face; it is tested on identities it never saw.
- The identity classifier names which of its training identities a face shows, whatever the attributes.
  Its penultimate layer is an identity embedding: two pictures of one person lie close in it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import faces
from .batches import TensorBatches
from .judges import _cache_path
from .models import acgan
from .models.acgan import attribute_loss, predict_attributes, vector_width
from .runtime import get_device, get_profile
from .train import CheckpointError, evaluating, progress_bar

# the identity classifier learns identities 0 .. classes-1; the attribute judge is tested on identities from
# HELDOUT_IDENTITIES on, which no training set in the course uses.
HELDOUT_IDENTITIES = 900_000
# The quick profile's judges are smaller (and cached apart): they only have to make CI's figures exist.
_RECIPES = {
    "full": {"attributes": {"train": 8_000, "test": 2_000, "epochs": 4},
             "identity": {"classes": 300, "train_per_id": 24, "test_per_id": 6, "epochs": 10}},
    "quick": {"attributes": {"train": 3_000, "test": 1_000, "epochs": 3},
              "identity": {"classes": 100, "train_per_id": 16, "test_per_id": 4, "epochs": 4}},
}


class FaceNet(nn.Module):
    """Three conv blocks and a 128-unit feature layer for 3 x 32 x 32 faces (larger faces are resized)."""

    def __init__(self, outputs: int, features: int = 128):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 4 * 4, features), nn.ReLU(),
        )
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(features, outputs))

    def forward(self, x):
        return self.head(self.body(x))


def _fit_size(x: torch.Tensor) -> torch.Tensor:
    if x.shape[-1] != 32 or x.shape[-2] != 32:
        x = F.interpolate(x, size=(32, 32), mode="bilinear", antialias=True)
    return x


def batched(fn: Callable, images: torch.Tensor, device: torch.device, batch_size: int = 1000) -> torch.Tensor:
    """fn over images in batches on `device` (any square size, resized to 32 x 32)."""
    return torch.cat([fn(_fit_size(images[i : i + batch_size].to(device, torch.float32)))
                      for i in range(0, len(images), batch_size)])


def fit(net: nn.Module, images: torch.Tensor, loss_fn: Callable, targets: torch.Tensor, *, epochs: int,
        seed: int = 0, batch_size: int = 128, lr: float = 2e-3, desc: str = "training") -> float:
    """Train net on (images, targets) with Adam and a one-cycle schedule; returns the seconds it took."""
    device = next(net.parameters()).device
    torch.manual_seed(seed)
    batches = TensorBatches(_fit_size(images).to(device), targets.to(device),
                            batch_size=min(batch_size, len(images)), seed=seed)
    steps = epochs * len(batches)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    started = time.perf_counter()
    net.train()
    with progress_bar(steps, desc) as bar:
        for _ in range(epochs):
            for x, y in batches:
                loss = loss_fn(net(x), y)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                schedule.step()
                bar.update(1)
    net.eval()
    return time.perf_counter() - started


def classifier_accuracy(net: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    device = next(net.parameters()).device
    with evaluating(net):
        predicted = batched(lambda x: net(x).argmax(1), images, device).cpu()
    return (predicted == labels.cpu()).float().mean().item()


@dataclass
class FaceJudge:
    net: FaceNet
    kind: str  # "attributes" or "identity"
    source: str
    heldout_accuracy: dict  # attribute name -> accuracy, or {"identity": accuracy}
    train_seconds: float
    attribute_sizes: tuple = faces.ATTRIBUTE_SIZES
    attribute_names: tuple = faces.ATTRIBUTE_NAMES

    @property
    def device(self) -> torch.device:
        return next(self.net.parameters()).device

    def logits(self, images: torch.Tensor) -> torch.Tensor:
        with evaluating(self.net):
            return batched(self.net, images, self.device)

    def predict(self, images: torch.Tensor) -> torch.Tensor:
        """Integer attributes (N, A) for the attribute judge; identity ids (N,) for the identity classifier."""
        logits = self.logits(images)
        return predict_attributes(logits, self.attribute_sizes) if self.kind == "attributes" else logits.argmax(1)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """The 128-d penultimate layer (for the identity classifier: the identity embedding)."""
        with evaluating(self.net):
            return batched(self.net.body, images, self.device)

    def describe(self) -> str:
        scores = ", ".join(f"{k} {v:.1%}" for k, v in self.heldout_accuracy.items())
        return f"face {self.kind} judge, held-out real faces: {scores} (trained on {self.source})"


def per_attribute_accuracy(predicted: torch.Tensor, attributes: torch.Tensor,
                           names: Sequence[str] = faces.ATTRIBUTE_NAMES) -> dict[str, float]:
    hits = (predicted.cpu() == attributes.cpu()).float().mean(0)
    return {name: hits[j].item() for j, name in enumerate(names)}


def _train(kind: str, recipe: dict, device: torch.device, seed: int) -> FaceJudge:
    if kind == "attributes":
        train_set = faces.sample_faces(recipe["train"], identities=2000, seed=0, stream=101)
        test_set = faces.sample_faces(recipe["test"], identities=range(HELDOUT_IDENTITIES, HELDOUT_IDENTITIES + 1000),
                                      seed=0, stream=102)
        net = FaceNet(vector_width(faces.ATTRIBUTE_SIZES)).to(device)
        seconds = fit(net, train_set.images, lambda out, y: attribute_loss(out, y, faces.ATTRIBUTE_SIZES),
                      train_set.attributes, epochs=recipe["epochs"], seed=seed, desc="training the attribute judge")
        judge = FaceJudge(net, kind, train_set.source, {}, seconds)
        judge.heldout_accuracy = per_attribute_accuracy(judge.predict(test_set.images), test_set.attributes)
        return judge
    classes = recipe["classes"]
    train_set = faces.sample_faces(classes * recipe["train_per_id"], identities=classes, seed=0, stream=201)
    test_set = faces.sample_faces(classes * recipe["test_per_id"], identities=classes, seed=0, stream=202)
    net = FaceNet(classes).to(device)
    seconds = fit(net, train_set.images, F.cross_entropy, train_set.identities, epochs=recipe["epochs"], seed=seed,
                  desc="training the face identity classifier")
    accuracy = classifier_accuracy(net, test_set.images, test_set.identities)
    return FaceJudge(net, kind, train_set.source, {"identity": accuracy}, seconds)


def get_face_judge(kind: str = "attributes", device: torch.device | None = None,
                   root: Path | str = faces.DATA_ROOT, retrain: bool = False, seed: int = 0,
                   profile: str | None = None) -> FaceJudge:
    """The cached face judge ('attributes' or 'identity'), trained on rendered faces first if it is missing.

    profile ('full' or 'quick', by default the running profile) picks the recipe.
    """
    recipes = _RECIPES[profile or get_profile()]
    if kind not in recipes:
        raise ValueError(f"kind must be one of {', '.join(recipes)}; got {kind!r}")
    device = device or get_device()
    key = f"renderer v{faces.RENDERER_VERSION}, FaceNet 16-32-64, {kind}, {recipes[kind]}"
    path = _cache_path(f"faces-{kind}", key, Path(root))
    if path.exists() and not retrain:
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
            net = FaceNet(state["outputs"])
            net.load_state_dict(state["net"])
        except Exception as err:
            raise CheckpointError(f"face judge cache {path} is unreadable ({err}); delete it to retrain") from err
        return FaceJudge(net.to(device).eval(), kind, state["source"], state["heldout_accuracy"],
                         state["train_seconds"])
    judge = _train(kind, recipes[kind], device, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"net": {k: v.cpu() for k, v in judge.net.state_dict().items()}, "outputs": judge.net.head[1].out_features,
             "source": judge.source, "heldout_accuracy": judge.heldout_accuracy, "train_seconds": judge.train_seconds}
    tmp = path.with_name(f"{path.name}.{time.time_ns()}.tmp")
    torch.save(state, tmp)
    tmp.replace(path)  # atomic, as for the digit judges
    return judge


def toggled(attributes: torch.Tensor, column: int, values: int, generator: torch.Generator) -> torch.Tensor:
    """A copy of integer attributes with one column changed to a different value, chosen at random."""
    out = attributes.clone()
    step = torch.randint(1, values, (len(out),), generator=generator)
    out[:, column] = (out[:, column] + step.to(out.device)) % values
    return out


def identity_ratio(embed: Callable[[torch.Tensor], torch.Tensor], draw: Callable[[torch.Tensor, torch.Tensor],
                   torch.Tensor], z: torch.Tensor, attributes: torch.Tensor,
                   sizes: Sequence[int] = faces.ATTRIBUTE_SIZES, names: Sequence[str] = faces.ATTRIBUTE_NAMES,
                   seed: int = 0) -> dict[str, float]:
    """How much toggling one attribute moves a face in identity space, relative to changing the person.

    draw(z, attributes) -> images; embed(images) -> identity embeddings. For each attribute, the mean
    distance between draw(z, a) and draw(z, a with that attribute toggled), divided by the mean distance
    between draw(z, a) and draw(z', a) for another z' (a different face with the same attributes).
    Returns the ratio per attribute and their mean under 'mean'. Small is good: the identity holds.
    """
    g = torch.Generator().manual_seed(seed)
    base = embed(draw(z, attributes))
    other = embed(draw(z.roll(1, 0), attributes))
    between = (base - other).norm(dim=1).mean().item()
    ratios = {}
    for j, (name, k) in enumerate(zip(names, sizes)):
        moved = embed(draw(z, toggled(attributes, j, k, g)))
        ratios[name] = (base - moved).norm(dim=1).mean().item() / between
    ratios["mean"] = sum(ratios.values()) / len(names)
    return ratios


PEOPLE_FROM = 500_000  # identity ids of the recognition experiment: no judge and no GAN training set uses them


def recognition_experiment(generator: acgan.Generator, *, people: int = 40, shots: int = 3, per_shot: int = 10,
                           test_per_person: int = 20, invert_steps: int = 300, recognizer_steps: int = 400,
                           seed: int = 0) -> dict:
    """The seed's use of the GAN: augment a face-recognition set that has few pictures per person.

    Each of `people` new identities has `shots` real pictures, all frontal, evenly lit and without glasses.
    A recognizer trained on them alone is compared with one trained on them plus GAN pictures of the
    same people under random other attributes: each real picture is inverted (the z that makes G redraw
    it), and that z is drawn again with `per_shot` new attribute vectors. Both recognizers are tested on
    real pictures of the same people whose attribute combinations the real training pictures never show.
    Returns the figures and the images (train, generated, test) for display.
    """
    device = next(generator.parameters()).device
    ids = torch.arange(PEOPLE_FROM, PEOPLE_FROM + people)
    rng = np.random.default_rng([seed, 77])
    train_ids = ids.repeat_interleave(shots)
    train_a = torch.from_numpy(faces.random_attributes(len(train_ids), rng))
    train_a[:, 0], train_a[:, 2], train_a[:, 3] = 1, 1, 0  # frontal, even light, no glasses
    train_x = faces.render(train_ids, train_a, nuisance_seed=seed * 7 + 1)
    test_ids = ids.repeat_interleave(test_per_person)
    test_a = torch.from_numpy(faces.random_attributes(len(test_ids), rng))
    seen = (test_a[:, 0] == 1) & (test_a[:, 2] == 1) & (test_a[:, 3] == 0)
    test_a[seen, 3] = 1  # every test picture has a combination the training pictures never show
    test_x = faces.render(test_ids, test_a, nuisance_seed=seed * 7 + 2)
    labels_train, labels_test = train_ids - PEOPLE_FROM, test_ids - PEOPLE_FROM

    z = acgan.invert(generator, train_x.to(device), faces.attribute_vector(train_a).to(device), steps=invert_steps,
                     restarts=2, seed=seed)
    gen_a = torch.from_numpy(faces.random_attributes(len(z) * per_shot, rng))
    with evaluating(generator):
        recon = generator(z, faces.attribute_vector(train_a).to(device)).cpu()
        gen_x = generator(z.repeat_interleave(per_shot, 0), faces.attribute_vector(gen_a).to(device)).cpu()
    gen_labels = labels_train.repeat_interleave(per_shot)

    def recognizer(images, labels):
        net = FaceNet(people).to(device)
        epochs = max(1, math.ceil(recognizer_steps / max(1, len(images) // 64)))  # the same steps both ways
        fit(net, images, F.cross_entropy, labels, epochs=epochs, seed=seed, batch_size=64,
            desc="training a face recognizer")
        return classifier_accuracy(net, test_x, labels_test)

    return {
        "recognizer_people": people, "recognizer_real_per_person": shots,
        "recognizer_generated_per_person": shots * per_shot, "recognizer_test_per_person": test_per_person,
        "inversion_mse": (recon - train_x).pow(2).mean().item(),
        "recognizer_accuracy_real_only": recognizer(train_x, labels_train),
        "recognizer_accuracy_real_plus_generated": recognizer(torch.cat([train_x, gen_x]),
                                                              torch.cat([labels_train, gen_labels])),
        "train_images": train_x, "reconstructions": recon, "generated_images": gen_x, "generated_attributes": gen_a,
        "test_images": test_x,
    }
