"""GANs on 2-D points (notebook 01): the seed's parabola, and mode coverage on the ring of 8 and the 5 x 5 grid.

Figures:
- parabola_mean_abs_residual: mean |y - 10 - x^2| over 10,000 generated points at the end of training;
  parabola_best_mean_abs_residual: the best of the snapshots taken during training (the 'settle' setting,
  whose learning rate decays); parabola_drift_*: the same for the 'drift' setting (constant learning rate);
- ring8_modes_plain / ring8_modes_remedy, grid25_modes_plain / grid25_modes_remedy: median over the seeds of
  the modes covered (course_utils.metrics.modes_covered) by 10,000 samples; ring8_high_quality_*: median
  fraction of samples within 3 standard deviations of a mode.

The remedy is supervision with labels (the lecture's second remedy): G and D are told which mode each point
belongs to, and G is asked for every label in turn. Writes gan2d.samples.npz with `points` (N x 2): the ring
of 8 samples of the remedy run of the first seed.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import torch

from course_utils import losses, metrics, toy2d
from course_utils.models.toy2d_mlp import Discriminator, Generator

SAMPLES = 10_000


def decayed_lr(lr: float, progress: float, floor: float = 0.1) -> float:
    """Linear decay from lr to floor * lr over training (progress in [0, 1])."""
    return lr * (1 - (1 - floor) * progress)


def gan_step(G, D, g_opt, d_opt, real, labels=None):
    """One step of Algorithm 1 with k = 1 and the non-saturating G loss."""
    fake = G(torch.randn(len(real), G.z_dim), labels)
    loss_d = losses.d_loss(D(real, labels), D(fake.detach(), labels))
    d_opt.zero_grad()
    loss_d.backward()
    d_opt.step()
    fake_logits = D(fake, labels)
    loss_g = losses.g_loss_non_saturating(fake_logits)
    g_opt.zero_grad()
    loss_g.backward()
    g_opt.step()
    return loss_d.item(), loss_g.item()


def train_mixture(data: toy2d.Toy2D, remedy: bool, steps: int, seed: int, batch: int = 128, lr: float = 1e-3):
    torch.manual_seed(seed)
    labels_all = metrics.nearest_mode(data.points, data.modes)[0] if remedy else None
    classes = len(data.modes) if remedy else 0
    G = Generator(z_dim=2, hidden=128, depth=3, n_classes=classes)
    D = Discriminator(hidden=128, depth=3, n_classes=classes)
    g_opt = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    for step in range(steps):
        for opt in (g_opt, d_opt):
            for group in opt.param_groups:
                group["lr"] = decayed_lr(lr, step / steps)
        idx = torch.randint(len(data.points), (batch,))
        gan_step(G, D, g_opt, d_opt, data.points[idx], None if labels_all is None else labels_all[idx])
    with torch.no_grad():
        return G.sample(SAMPLES)


def train_parabola(steps: int, seed: int, decay: bool, lr: float = 2e-3, batch: int = 128, every: int = 100):
    """Returns the mean residual of 10,000 samples every `every` steps, and D's mean probabilities there."""
    torch.manual_seed(seed)
    data = toy2d.parabola(seed=seed)
    G = Generator(z_dim=1, hidden=64, depth=3, center=(0.0, 11.0), scale=(1.0, 2.0))
    D = Discriminator(hidden=64, depth=3, center=(0.0, 11.0), scale=(1.0, 2.0))
    g_opt = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    z_eval = torch.randn(SAMPLES, 1, generator=torch.Generator().manual_seed(seed))
    residuals = []
    for step in range(steps + 1):
        if step % every == 0:
            with torch.no_grad():
                residuals.append(toy2d.parabola_residual(G(z_eval)).mean().item())
        if step == steps:
            break
        if decay:
            for opt in (g_opt, d_opt):
                for group in opt.param_groups:
                    group["lr"] = decayed_lr(lr, step / steps, floor=0.02)
        gan_step(G, D, g_opt, d_opt, data.points[torch.randint(len(data.points), (batch,))])
    return residuals


def run(profile: str = "full", seed: int = 0, out: Path | str = ".") -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    quick = profile == "quick"
    seeds = [seed] if quick else [seed, seed + 1, seed + 2]
    mixture_steps = 200 if quick else 2000
    parabola_steps = 200 if quick else 3000
    started = time.perf_counter()

    settle = train_parabola(parabola_steps, seed, decay=True)
    drift = train_parabola(parabola_steps, seed, decay=False)
    figures = {
        "parabola_mean_abs_residual": round(settle[-1], 4),
        "parabola_best_mean_abs_residual": round(min(settle), 4),
        "parabola_drift_mean_abs_residual": round(drift[-1], 4),
        "parabola_drift_best_mean_abs_residual": round(min(drift), 4),
        "parabola_steps": parabola_steps,
    }
    remedy_ring_points = None
    for name, make in [("ring8", toy2d.ring8), ("grid25", toy2d.grid25)]:
        for remedy in (False, True):
            modes, quality = [], []
            for s in seeds:
                data = make(seed=s)
                points = train_mixture(data, remedy, mixture_steps, s)
                modes.append(metrics.modes_covered(points, data.modes, data.mode_std))
                quality.append(metrics.high_quality_fraction(points, data.modes, data.mode_std))
                if name == "ring8" and remedy and remedy_ring_points is None:
                    remedy_ring_points = points
            tag = "remedy" if remedy else "plain"
            figures[f"{name}_modes_{tag}"] = statistics.median(modes)
            figures[f"{name}_high_quality_{tag}"] = round(statistics.median(quality), 4)
            figures[f"{name}_modes_{tag}_per_seed"] = modes
    figures.update({"remedy": "supervision with labels (conditional G and D)", "mixture_steps": mixture_steps,
                    "seeds": seeds, "samples": SAMPLES, "seconds": round(time.perf_counter() - started, 2)})
    np.savez_compressed(out / "gan2d.samples.npz", points=remedy_ring_points.numpy().astype(np.float32))
    return figures
