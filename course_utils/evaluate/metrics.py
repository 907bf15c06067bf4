"""The numbers that say whether an image GAN learned, read by a judge that never saw the GAN.

Conditional accuracy, the confusion matrix and class shares come from the judge's verdicts; diversity and the
Frechet distance compare the judge's features of generated images with those of a `Reference`: held-out
real test images, by the course's one convention, so that every figure is measured against images that
neither the GAN nor the judge trained on. `judge_figures` returns them all, with the reference named.
`manifold_figures` adds precision and recall (course_utils.evaluate.manifolds) in the same feature space.
The 2-D mode counts are in course_utils.evaluate.modes.
"""

from __future__ import annotations

import numpy as np
import torch

from ..judges.labels import Judge
from . import manifolds

MANIFOLD_ITEMS = 2000  # precision and recall depend on the set sizes (the k-NN balls shrink as they grow): fixed


def conditional_accuracy(judge: Judge, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of generated images that the judge assigns to the label they were asked for."""
    return (judge.predict(images).cpu() == labels.cpu()).float().mean().item()


def confusion_matrix(judge: Judge, images: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    """Rows: asked label; columns: the judge's verdict; each row sums to 1 (a label never asked: a row of zeros)."""
    classes = len(judge.class_names)
    predicted = judge.predict(images).cpu()
    counts = torch.zeros(classes, classes)
    counts.index_put_((labels.cpu(), predicted), torch.ones(len(labels)), accumulate=True)
    return (counts / counts.sum(1, keepdim=True).clamp(min=1)).numpy()


def class_histogram(judge: Judge, images: torch.Tensor) -> np.ndarray:
    """Share of images the judge puts in each class: a collapsed GAN piles up in a few."""
    predicted = judge.predict(images).cpu()
    return (torch.bincount(predicted, minlength=len(judge.class_names)).float() / len(predicted)).numpy()


def mean_pairwise_distance(features: torch.Tensor, max_items: int = 2000) -> float:
    """Average Euclidean distance between distinct items (the first max_items, to bound the cost)."""
    if len(features) < 2:
        raise ValueError(f"a mean distance between items needs at least 2 of them; got {len(features)}")
    x = features[:max_items].double()
    d = torch.cdist(x, x)
    n = len(x)
    return (d.sum() / (n * (n - 1))).item()


def frechet_distance(features_a: torch.Tensor, features_b: torch.Tensor) -> float:
    """Frechet distance between Gaussians fitted to two feature sets (FID, with our judge as the network):

    ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))

    Tr((S_a S_b)^(1/2)) is the sum of the square roots of the eigenvalues of S_a S_b, which are real and
    non-negative (S_a S_b is similar to S_a^(1/2) S_b S_a^(1/2)). Computed so, in torch, it needs no matrix
    square root, takes milliseconds, and stays finite for the singular covariance of a collapsed generator.
    """
    a, b = features_a.double().cpu(), features_b.double().cpu()
    cov_a, cov_b = torch.cov(a.T), torch.cov(b.T)
    root_trace = torch.linalg.eigvals(cov_a @ cov_b).real.clamp(min=0).sqrt().sum()
    value = (a.mean(0) - b.mean(0)).pow(2).sum() + cov_a.trace() + cov_b.trace() - 2 * root_trace
    return max(value.item(), 0.0)


class Reference:
    """Real images as the judge sees them: their features and spread, computed once and reused by every
    evaluation, and a `name` that says which images they are (the `reference` field of every record)."""

    def __init__(self, judge: Judge, images: torch.Tensor, name: str = "held-out real test images"):
        # mean_pairwise_distance looks at the first 2,000 items only, and real sets are often stored class by
        # class: a fixed shuffle makes any prefix a fair sample of every class.
        order = torch.randperm(len(images), generator=torch.Generator().manual_seed(1))
        self.features = judge.features(images[order]).cpu()
        self.spread = mean_pairwise_distance(self.features)
        self.name = f"{name} ({len(images):,})"


def judge_figures(judge: Judge, images: torch.Tensor, reference: Reference,
                  labels: torch.Tensor | None = None) -> dict:
    """What the judge says about `images`, measured against the real reference images (one pass of the judge).

    class_min_share / class_max_share: the rarest and commonest class among the judge's verdicts (a fair
    generator of digits gives 0.10 each; a dropped mode shows as a share near 0); diversity: the mean
    pairwise distance of judge features over that of the reference (1 is as varied as real data);
    frechet: the Frechet distance between the two feature sets (0 is the reference's own statistics);
    with labels, also the conditional accuracy (the share of images judged to be the asked label).
    """
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
    features, logits = judge.net.read(images[order])
    predicted = torch.empty_like(order)
    predicted[order] = logits.argmax(1).cpu()  # back in the order of `images`
    share = torch.bincount(predicted, minlength=len(judge.class_names)).float() / len(predicted)
    figures = {
        "class_min_share": share.min().item(),
        "class_max_share": share.max().item(),
        "diversity": mean_pairwise_distance(features.cpu()) / reference.spread,
        "frechet": frechet_distance(features, reference.features),
        "reference": reference.name,
    }
    if labels is not None:
        figures["conditional_accuracy"] = (predicted == labels.cpu()).float().mean().item()
    return figures


def manifold_count(images: int, reference: Reference, items: int = MANIFOLD_ITEMS) -> int:
    """How many items of each set `manifold_figures` compares for `images` samples: `items`, or fewer where the
    samples or the reference hold fewer."""
    return min(items, images, len(reference.features))


def manifold_figures(judge: Judge, images: torch.Tensor, reference: Reference, items: int = MANIFOLD_ITEMS) -> dict:
    """Precision (the share of samples inside the reference's k-NN manifold: realistic samples) and recall (the
    share of reference images inside the samples' manifold: coverage), k = 3, in the judge's feature space.
    Both sets contribute the same number of items, `items` or as many as `images` holds if fewer (a fixed
    shuffle of `images`; the reference is shuffled already): compare figures measured with equal counts."""
    count = manifold_count(len(images), reference, items)
    if count < 10:
        raise ValueError(f"precision and recall need at least 10 images of each set, not {count}")
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))[:count]
    return manifolds.precision_recall(reference.features[:count], judge.features(images[order]).cpu())
