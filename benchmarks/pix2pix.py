"""pix2pix ablations on offline paired data, measured on held-out pairs.

edges -> digit (32 x 32 MNIST): L1 only, cGAN only, L1 + cGAN, judged by the MNIST judge.
label map -> facade (64 x 64 procedural facades): L1 only, cGAN only, L1 + cGAN with a
16 x 16 PatchGAN (the paper's patch-to-image proportion); PatchGAN sizes 1 (PixelGAN), 16, the largest that
fits and the whole image (ImageGAN); U-Net vs no skips; and, for the L1 + cGAN model, dropout and batch
statistics at test time on and off.

Writes pix2pix.json (via python -m benchmarks) and pix2pix.samples.npz: the L1 + cGAN model's digits for
every held-out edge map (`images` in [-1, 1], `labels` the true classes, `inputs` the edge maps).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from benchmarks._samples import save_samples
from course_utils import image_metrics, judges, losses, paired, runtime
from course_utils.batches import TensorBatches
from course_utils.models.pix2pix import (
    at_test_time,
    course_patchgan,
    course_unet,
    imagegan_layers,
    patchgan_layers,
    receptive_field,
)
from course_utils.train import train

PROFILES = {
    # steps are optimizer steps of G (and D) at the given batch size
    "quick": {"digit_train": 256, "digit_steps": 8, "facade_train": 64, "facade_test": 32, "facade_steps": 8},
    "full": {"digit_train": 4000, "digit_steps": 1000, "facade_train": 1600, "facade_test": 300,
             "facade_steps": 600},
}


@dataclass(frozen=True)
class Variant:
    """One pix2pix training run: the loss (lambda * L1 and/or cGAN), the discriminator, the generator."""

    name: str
    l1_weight: float = 100.0  # lambda; 0 means no L1 term
    gan: bool = True  # the adversarial term
    d_layers: tuple = tuple(patchgan_layers(3))
    skips: bool = True
    steps: int = 500
    batch_size: int = 32
    lr: float = 2e-4


def make_models(variant: Variant, in_ch: int, out_ch: int, size: int, seed: int):
    torch.manual_seed(seed)
    g = course_unet(in_ch, out_ch, size, skips=variant.skips)
    d = course_patchgan(in_ch + out_ch, list(variant.d_layers)) if variant.gan else None
    return g, d


def fit(variant: Variant, data: paired.PairedSet, seed: int = 0, device=None):
    """Train one variant; returns (G, seconds)."""
    device = device or runtime.get_device()
    size = data.inputs.shape[-1]
    g, d = make_models(variant, data.inputs.shape[1], data.targets.shape[1], size, seed)
    g, d = g.to(device), (d.to(device) if d is not None else None)
    opt_g = torch.optim.Adam(g.parameters(), lr=variant.lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=variant.lr, betas=(0.5, 0.999)) if d is not None else None
    batches = TensorBatches(data.inputs.to(device), data.targets.to(device),
                            batch_size=min(variant.batch_size, len(data)), seed=seed)

    def step(batch):
        x, y = batch
        fake = g(x)
        logs = {}
        if d is not None:
            # D: real pairs against generated pairs, its objective halved so it learns slower than G
            loss_d = 0.5 * losses.d_loss(d(x, y), d(x, fake.detach()))
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            logs["d"] = loss_d
        loss_l1 = (fake - y).abs().mean()
        loss_g = variant.l1_weight * loss_l1
        if d is not None:
            loss_gan = losses.g_loss_non_saturating(d(x, fake))
            loss_g = loss_g + loss_gan
            logs["g_gan"] = loss_gan
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        logs["l1"] = loss_l1
        return {k: v.detach() for k, v in logs.items()}

    epochs = -(-variant.steps // len(batches))
    models = {"g": g} | ({"d": d} if d is not None else {})
    optimizers = {"g": opt_g} | ({"d": opt_d} if d is not None else {})
    history = train(step, batches, epochs=epochs, models=models, optimizers=optimizers,
                    desc=f"pix2pix {variant.name}")
    return g, history.seconds


def translate(g, inputs: torch.Tensor, *, dropout: bool = False, batch_stats: bool = False,
              batch_size: int = 250) -> torch.Tensor:
    device = next(g.parameters()).device
    outputs = []
    with at_test_time(g, dropout=dropout, batch_stats=batch_stats):
        for i in range(0, len(inputs), batch_size):
            outputs.append(g(inputs[i : i + batch_size].to(device)).cpu())
    return torch.cat(outputs)


def digit_variants(steps: int) -> list[Variant]:
    spec = tuple(patchgan_layers(1))  # 16 x 16 patches on 32 x 32 digits
    return [Variant("L1", gan=False, steps=steps), Variant("cGAN", l1_weight=0.0, d_layers=spec, steps=steps),
            Variant("L1+cGAN", d_layers=spec, steps=steps)]


def facade_variants(steps: int, size: int) -> list[Variant]:
    # The paper's 70 x 70 patches are about a quarter of its 256 x 256 images; on 64 x 64 facades the same
    # proportion is the 16 x 16 PatchGAN, our default. The largest PatchGAN that fits is an ablation.
    largest = max((n for n in range(1, 6) if receptive_field(patchgan_layers(n)) <= size),
                  key=lambda n: receptive_field(patchgan_layers(n)))
    big = receptive_field(patchgan_layers(largest))
    base = Variant("L1+cGAN", d_layers=tuple(patchgan_layers(1)), steps=steps, batch_size=8)
    return [
        replace(base, name="L1", gan=False),
        replace(base, name="cGAN", l1_weight=0.0),
        base,
        replace(base, name="L1+cGAN, 1x1 PixelGAN", d_layers=tuple(patchgan_layers(0))),
        replace(base, name=f"L1+cGAN, {big}x{big} PatchGAN", d_layers=tuple(patchgan_layers(largest))),
        replace(base, name=f"L1+cGAN, {size}x{size} ImageGAN", d_layers=tuple(imagegan_layers(size))),
        replace(base, name="L1+cGAN, no skips", skips=False),
    ]


def run(profile: str = "full", seed: int = 0, out: Path | None = None) -> dict:
    cfg = PROFILES[profile]
    device = runtime.get_device()
    started = time.perf_counter()
    results: dict = {"digits": {}, "facades": {}, "test_time": {}}

    # edges -> digit
    judge = judges.get_judge("mnist", device)
    digits_train = paired.edges_to_digits("train", size=32)
    # a seeded subset (all of it in the full profile), drawn exactly as notebook 06 draws it
    keep = torch.randperm(len(digits_train), generator=torch.Generator().manual_seed(seed))[: cfg["digit_train"]]
    digits_train = paired.PairedSet(digits_train.inputs[keep], digits_train.targets[keep],
                                    digits_train.source, "train", labels=digits_train.labels[keep])
    digits_test = paired.edges_to_digits("test", size=32)
    results["judge_heldout_accuracy"] = judge.heldout_accuracy
    results["judge_accuracy_real_targets"] = (judge.predict(digits_test.targets).cpu() ==
                                              digits_test.labels).float().mean().item()
    for variant in digit_variants(cfg["digit_steps"]):
        g, seconds = fit(variant, digits_train, seed, device)
        fake = translate(g, digits_test.inputs)
        figures = image_metrics.evaluate(fake, digits_test.targets)
        figures["judge_accuracy"] = (judge.predict(fake).cpu() == digits_test.labels).float().mean().item()
        figures["train_seconds"] = round(seconds, 1)
        results["digits"][variant.name] = figures
        if variant.name == "L1+cGAN" and out is not None:
            save_samples(Path(out) / "pix2pix.samples.npz", fake, labels=digits_test.labels,
                         inputs=digits_test.inputs)
    results["judge_accuracy"] = results["digits"]["L1+cGAN"]["judge_accuracy"]

    # label map -> facade
    size = 64
    facades_train = paired.procedural_facades(cfg["facade_train"], "train", size, seed=seed)
    facades_test = paired.procedural_facades(cfg["facade_test"], "test", size, seed=seed)
    for variant in facade_variants(cfg["facade_steps"], size):
        g, seconds = fit(variant, facades_train, seed, device)
        figures = image_metrics.evaluate(translate(g, facades_test.inputs), facades_test.targets)
        figures["receptive_field"] = receptive_field(variant.d_layers) if variant.gan else None
        figures["train_seconds"] = round(seconds, 1)
        results["facades"][variant.name] = figures
        if variant.name == "L1+cGAN":
            for dropout in (False, True):
                for batch_stats in (False, True):
                    key = f"dropout={'on' if dropout else 'off'}, batch_stats={'test' if batch_stats else 'running'}"
                    fake = translate(g, facades_test.inputs, dropout=dropout, batch_stats=batch_stats)
                    results["test_time"][key] = image_metrics.evaluate(fake, facades_test.targets)
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results
