"""The MLP GAN of notebook 03 (Goodfellow et al., 2014) on MNIST: Adam, non-saturating loss, k = 1.

Figures: the judge's class shares of the generated digits (mode dropping), diversity and Frechet distance
in judge feature space (against the real training digits, with the real held-out digits as reference), the
measured ratio of the gradient norms that reach G under the non-saturating and the saturating loss when D
is confident, training seconds and real images per second. Writes mlp_gan.samples.npz.
"""

from pathlib import Path

import torch

from benchmarks._samples import judged_record
from course_utils import datasets, gan_eval, gradients, judges, losses, metrics, runtime
from course_utils.batches import TensorBatches
from course_utils.models.mlp import MLPDiscriminator, MLPGenerator
from course_utils.train import train

# The notebook's defaults (03_mlp_gan_mnist), so the benchmark measures the recipe the students run.
SETTINGS = {
    "quick": {"epochs": 1, "probe_steps": 20, "samples": 1000},
    "full": {"epochs": 160, "probe_steps": 300, "samples": 2000},
}
BATCH_SIZE, Z_DIM, LR = 128, 64, 5e-4


def _models(seed, device):
    torch.manual_seed(seed)
    return MLPGenerator(z_dim=Z_DIM).to(device), MLPDiscriminator().to(device)


def _adam(module):
    return torch.optim.Adam(module.parameters(), lr=LR, betas=(0.5, 0.999))


def discriminator_step(G, D, opt, x, device):
    """One step of D on real digits x against as many fresh fakes (G is not updated)."""
    with torch.no_grad():
        fake = G(torch.randn(len(x), Z_DIM, device=device))
    loss = losses.d_loss(D(x), D(fake))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss


def gradient_ratio(real, seed, device, steps):
    """Train a fresh D alone against a fresh G for `steps` steps, then compare the two losses' gradients on G."""
    G, D = _models(seed, device)
    opt = _adam(D)
    batches = TensorBatches(real, batch_size=BATCH_SIZE, seed=seed)
    done = 0
    while done < steps:
        for x in batches:
            discriminator_step(G, D, opt, x, device)
            done += 1
            if done == steps:
                break
    z = torch.randn(256, Z_DIM, generator=torch.Generator().manual_seed(seed + 7)).to(device)
    norms = gradients.generator_gradient_norms(G, D, z, {"saturating": losses.g_loss_saturating,
                                                         "non_saturating": losses.g_loss_non_saturating})
    return {"probe_d_of_g_z": norms["D(G(z))"], "probe_grad_saturating": norms["saturating"],
            "probe_grad_non_saturating": norms["non_saturating"],
            "grad_ratio_non_saturating_over_saturating": norms["non_saturating"] / norms["saturating"]}


def run(profile: str, seed: int, out: Path) -> dict:
    settings = SETTINGS[profile]
    device = runtime.get_device()
    train_set, test_set = datasets.load_mnist("train"), datasets.load_mnist("test")
    judge = judges.get_judge("mnist", device)
    real = train_set.images.to(device)

    probe = gradient_ratio(real, seed, device, settings["probe_steps"])

    G, D = _models(seed, device)
    opt_g, opt_d = _adam(G), _adam(D)

    def step(x):
        loss_d = discriminator_step(G, D, opt_d, x, device)
        loss_g = losses.g_loss_non_saturating(D(G(torch.randn(len(x), Z_DIM, device=device))))
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        return {"loss_D": loss_d, "loss_G": loss_g}

    runtime.seed_everything(seed)
    batches = TensorBatches(real, batch_size=BATCH_SIZE, seed=seed)
    history = train(step, batches, epochs=settings["epochs"], models={"G": G, "D": D},
                    optimizers={"G": opt_g, "D": opt_d}, desc="mlp_gan")

    images = gan_eval.generate(G, settings["samples"], Z_DIM, seed=seed + 1)
    record = judged_record("mlp_gan", out, judge, train_set, test_set, images, history, BATCH_SIZE)
    return {**record, "epochs": settings["epochs"],
            "class_shares": [round(float(s), 4) for s in metrics.class_histogram(judge, images)],
            "every_class_between_5_and_20_percent": bool(record["class_min_share"] >= 0.05
                                                         and record["class_max_share"] <= 0.20),
            **probe}
