"""Writing NAME.samples.npz in the evaluation contract's format, and the judged record of a generator's samples."""

from pathlib import Path

import numpy as np
import torch


def save_samples(path: Path, images: torch.Tensor, **extra) -> None:
    """images: (N, C, H, W) in [-1, 1]; extra arrays (labels, attributes, inputs, ...) are stored beside them."""
    x = images.detach().float().cpu()
    if x.ndim != 4 or x.min() < -1.0001 or x.max() > 1.0001:
        raise ValueError(f"samples must be (N, C, H, W) in [-1, 1]; got shape {tuple(x.shape)}, "
                         f"range [{x.min():.3f}, {x.max():.3f}]")
    arrays = {k: (v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)) for k, v in extra.items()}
    np.savez_compressed(path, images=x.clamp(-1, 1).numpy().astype(np.float32), **arrays)


def judged_record(name: str, out: Path, judge, train_set, test_set, images: torch.Tensor, history, batch_size: int,
                  labels: torch.Tensor | None = None) -> dict:
    """Save the samples, judge them against the real training digits (held-out digits as the reference), and
    return the figures every MNIST benchmark reports."""
    from course_utils import gan_eval

    extra = {} if labels is None else {"labels": labels.to(torch.int64)}
    save_samples(Path(out) / f"{name}.samples.npz", images, **extra)
    reference = gan_eval.Reference(judge, train_set.images)
    figures = gan_eval.judge_figures(judge, images, reference, labels=labels)
    real_figures = gan_eval.judge_figures(judge, test_set.images, reference)
    iterations = len(history.steps)
    return {
        "data": train_set.source,
        "judge_heldout_accuracy": judge.heldout_accuracy,
        "iterations": iterations,
        "batch_size": batch_size,
        "samples": len(images),
        **figures,
        "real_heldout_diversity": real_figures["diversity"],
        "real_heldout_frechet": real_figures["frechet"],
        "seconds": round(history.seconds, 2),
        "images_per_second": round(iterations * batch_size / history.seconds, 1),
    }
