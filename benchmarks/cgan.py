"""The conditional MLP GAN of notebook 04 (Mirza & Osindero, 2014) on MNIST, judged.

Figures: conditional accuracy (the share of samples the judge assigns to the asked label, on samples spread
evenly over the labels) overall and per label, diversity and Frechet distance in judge feature space
(against the real training digits, with the real held-out digits as reference), training seconds and real
images per second. Writes cgan.samples.npz with `images` and `labels`.
"""

from pathlib import Path

import numpy as np
import torch

from benchmarks._samples import judged_record
from course_utils import datasets, gan_eval, judges, losses, metrics, runtime
from course_utils.batches import TensorBatches
from course_utils.models.mlp import MLPDiscriminator, MLPGenerator
from course_utils.train import train

# The notebook's defaults (04_cgan_mnist).
SETTINGS = {"quick": {"epochs": 1, "per_label": 100}, "full": {"epochs": 240, "per_label": 200}}
BATCH_SIZE, Z_DIM, LR, CLASSES = 64, 64, 5e-4, 10


def run(profile: str, seed: int, out: Path) -> dict:
    settings = SETTINGS[profile]
    device = runtime.get_device()
    train_set, test_set = datasets.load_mnist("train"), datasets.load_mnist("test")
    judge = judges.get_judge("mnist", device)

    torch.manual_seed(seed)
    G = MLPGenerator(z_dim=Z_DIM, n_classes=CLASSES).to(device)
    D = MLPDiscriminator(n_classes=CLASSES).to(device)
    opt_g = torch.optim.Adam(G.parameters(), lr=LR, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=LR, betas=(0.5, 0.999))

    def step(batch):
        x, y = batch
        y_fake = torch.randint(0, CLASSES, (len(x),), device=device)
        with torch.no_grad():
            fake = G(torch.randn(len(x), Z_DIM, device=device), y_fake)
        loss_d = losses.d_loss(D(x, y), D(fake, y_fake))
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        y_fake = torch.randint(0, CLASSES, (len(x),), device=device)
        loss_g = losses.g_loss_non_saturating(D(G(torch.randn(len(x), Z_DIM, device=device), y_fake), y_fake))
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        return {"loss_D": loss_d, "loss_G": loss_g}

    batches = TensorBatches(train_set.images.to(device), train_set.labels.to(device), batch_size=BATCH_SIZE,
                            seed=seed)
    history = train(step, batches, epochs=settings["epochs"], models={"G": G, "D": D},
                    optimizers={"G": opt_g, "D": opt_d}, desc="cgan")

    labels = gan_eval.balanced_labels(settings["per_label"] * CLASSES, CLASSES)
    images = gan_eval.generate(G, len(labels), Z_DIM, labels=labels, seed=seed + 1)
    record = judged_record("cgan", out, judge, train_set, test_set, images, history, BATCH_SIZE, labels=labels)
    per_label = np.diag(metrics.confusion_matrix(judge, images, labels))
    return {**record, "epochs": settings["epochs"], "samples_per_label": settings["per_label"],
            "conditional_accuracy_per_label": [round(float(a), 4) for a in per_label]}
