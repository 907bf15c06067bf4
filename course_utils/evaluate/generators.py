"""The series' own generators, loaded from the shipped full-profile runs, so that a later notebook can judge them.

Each `SeriesGenerator` builds its notebook's network with the settings its run was trained with (the
manifest's record of that notebook's full-profile parameters), loads the shipped weights (checked by their
SHA-256) and draws seeded samples the way its notebook does: unconditional for 03, evenly spread labels for
04 and 05 (05 from the average of G's weights it samples from), evenly spread attributes for 07.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from .. import pretrained
from ..data import faces
from ..models import acgan, dcgan
from ..models.averaging import WeightAverage
from ..models.mlp import MLPGenerator
from ..train import History
from . import sampling


@dataclass
class SeriesGenerator:
    key: str  # "03"
    title: str
    notebook: str
    data: str  # "mnist" or "faces": which training set, judge and reference its samples are held against
    sample: Callable[[int, int], torch.Tensor]  # (count, seed) -> images in [-1, 1], on the CPU
    history: History  # the shipped run's training history
    run: str  # the shipped run's name


def _load(run: str, stem: str, models: dict) -> tuple[str, History]:
    name, history = pretrained.find(run, stem), History()
    pretrained.load_named(name, models, history)
    return name, history


def mlp_gan(device: torch.device) -> SeriesGenerator:
    s = pretrained.settings("03_mlp_gan_mnist")
    g = MLPGenerator(z_dim=s["z_dim"]).to(device)
    name, history = _load("03_mlp_gan_mnist", f"adam-nonsaturating-{s['epochs']}", {"G": g})
    return SeriesGenerator("03", "03 MLP GAN", "03_mlp_gan_mnist", "mnist",
                           lambda n, seed: sampling.generate(g, sampling.noise(n, s["z_dim"], seed)), history, name)


def cgan(device: torch.device) -> SeriesGenerator:
    s = pretrained.settings("04_cgan_mnist")
    g = MLPGenerator(z_dim=s["z_dim"], n_classes=10).to(device)
    name, history = _load("04_cgan_mnist", "cgan", {"G": g})
    return SeriesGenerator("04", "04 conditional GAN", "04_cgan_mnist", "mnist",
                           lambda n, seed: sampling.generate(g, sampling.noise(n, s["z_dim"], seed),
                                                             sampling.balanced_labels(n, 10)), history, name)


def dcgan_l1(device: torch.device) -> SeriesGenerator:
    s = pretrained.settings("05_conditional_dcgan")
    latest = dcgan.ConditionalGenerator(s["z_dim"], s["n_classes"], s["embed_dim"], s["channels"],
                                        s["feature_maps"], s["image_size"]).to(device)
    average = WeightAverage(latest, s["ema_decay"])
    name, history = _load("05-dcgan-lambda", "ckpt", {"G": latest, "G_ema": average})
    g = average.average  # 05 samples from the average of G's weights
    return SeriesGenerator("05", "05 conditional DCGAN (weight average)", "05_conditional_dcgan", "mnist",
                           lambda n, seed: sampling.generate(g, sampling.noise(n, s["z_dim"], seed),
                                                             sampling.balanced_labels(n, s["n_classes"])),
                           history, name)


FACE_Z_DIM = 64  # notebook 07's Z_DIM


def face_acgan(device: torch.device) -> SeriesGenerator:
    s = pretrained.settings("07_auxiliary_face_gan")
    g = acgan.Generator(FACE_Z_DIM, faces.vector_width(faces.ATTRIBUTE_SIZES), width=s["width"]).to(device)
    name, history = _load("07_auxiliary_face_gan", "acgan", {"G": g})

    def sample(n, seed):
        attributes = faces.attribute_vector(faces.balanced_attributes(n))
        return sampling.generate(g, sampling.noise(n, FACE_Z_DIM, seed), attributes)

    return SeriesGenerator("07", "07 face AC-GAN", "07_auxiliary_face_gan", "faces", sample, history, name)


def face_training_set():
    """The rendered faces notebook 07's shipped run trained on (its full-profile n_faces, identities, seed)."""
    s = pretrained.settings("07_auxiliary_face_gan")
    return faces.sample_faces(s["n_faces"], identities=s["identities"], seed=0, stream=s["seed"])


def digit_generators(device: torch.device) -> list[SeriesGenerator]:
    return [mlp_gan(device), cgan(device), dcgan_l1(device)]
