import numpy as np
import pytest
import torch

from course_utils.data import toy2d
from course_utils.evaluate import metrics, modes


class FakeJudge:
    """Predicts the class stored in the image's first pixel; its features are the flattened image."""

    class_names = tuple(str(i) for i in range(4))

    def predict(self, images):
        return images[:, 0, 0, 0].round().long()

    def features(self, images):
        return images.reshape(len(images), -1)


def images_of(classes):
    x = torch.zeros(len(classes), 1, 2, 2)
    x[:, 0, 0, 0] = torch.tensor(classes, dtype=torch.float32)
    return x


def test_conditional_accuracy_and_confusion():
    judge = FakeJudge()
    images, asked = images_of([0, 1, 2, 2]), torch.tensor([0, 1, 2, 3])
    assert metrics.conditional_accuracy(judge, images, asked) == 0.75
    confusion = metrics.confusion_matrix(judge, images, asked)
    assert confusion[3, 2] == 1.0 and confusion[0, 0] == 1.0 and confusion[3, 3] == 0.0
    assert np.allclose(confusion.sum(1), 1)


def test_class_histogram_shows_collapse():
    hist = metrics.class_histogram(FakeJudge(), images_of([1, 1, 1, 3]))
    assert hist.tolist() == [0.0, 0.75, 0.0, 0.25]


def test_mean_pairwise_distance_excludes_self_pairs():
    x = torch.tensor([[0.0, 0.0], [3.0, 4.0]])
    assert metrics.mean_pairwise_distance(x) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="at least 2"):
        metrics.mean_pairwise_distance(x[:1])


def test_frechet_distance_of_known_gaussians():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(20_000, 3, generator=g)
    b = torch.randn(20_000, 3, generator=g) * 2 + torch.tensor([1.0, 0.0, 0.0])
    # ||mu||^2 = 1; Tr(I + 4I - 2 * 2I) = 3
    assert metrics.frechet_distance(a, b) == pytest.approx(4.0, rel=0.05)
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


def test_mode_metrics_on_the_ring():
    ring = toy2d.ring8(4000, std=0.02)
    # in 2-D, a Gaussian puts 1 - exp(-3^2 / 2) = 0.9889 of its mass within 3 standard deviations
    assert modes.high_quality_fraction(ring.points, ring.modes, ring.mode_std) == pytest.approx(0.9889, abs=0.006)
    assert modes.modes_covered(ring.points, ring.modes, ring.mode_std) == 8
    collapsed = ring.points[torch.cdist(ring.points, ring.modes).argmin(1) < 3]
    assert modes.modes_covered(collapsed, ring.modes, ring.mode_std) == 3
    off = ring.points * 0.5  # everything between the modes
    assert modes.high_quality_fraction(off, ring.modes, ring.mode_std) == 0.0
    assert modes.mode_counts(off, ring.modes, ring.mode_std).sum() == 0


def whitened(n, seed):
    """n 2-D points whose sample mean is exactly 0 and sample covariance exactly the identity."""
    z = torch.randn(n, 2, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    z = z - z.mean(0)
    return z @ torch.linalg.inv(torch.linalg.cholesky(torch.cov(z.T))).T


def test_frechet_distance_of_covariances_that_do_not_commute():
    """A = diag(1, 4) and B = A rotated by 45 degrees: Tr(A + B - 2 (AB)^(1/2)) = 0.9446. The classic bug,
    sqrt(A) sqrt(B) for (AB)^(1/2), gives 1.0 here (it is right only when A and B commute)."""
    a = torch.diag(torch.tensor([1.0, 4.0], dtype=torch.float64))
    c = 2**-0.5
    rotation = torch.tensor([[c, -c], [c, c]], dtype=torch.float64)
    b = rotation @ a @ rotation.T
    sqrt_a, sqrt_b = a.sqrt(), rotation @ a.sqrt() @ rotation.T
    x, y = whitened(500, 0) @ sqrt_a, whitened(500, 1) @ sqrt_b
    assert torch.allclose(torch.cov(y.T), b)
    assert metrics.frechet_distance(x, y) == pytest.approx(0.9446, abs=5e-4)


def test_manifold_figures_tell_a_collapsed_generator_from_a_faithful_one():
    judge = FakeJudge()
    real = torch.randn(600, 1, 2, 2, generator=torch.Generator().manual_seed(0))
    reference = metrics.Reference(judge, real[:300])
    faithful = metrics.manifold_figures(judge, real[300:], reference)
    collapsed = metrics.manifold_figures(judge, real[300:] * 0.1, reference)  # all samples near the mean
    assert faithful["precision"] > 0.8 and faithful["recall"] > 0.8, faithful
    assert collapsed["precision"] > 0.9 and collapsed["recall"] < 0.2, collapsed
    with pytest.raises(ValueError, match="at least 10"):
        metrics.manifold_figures(judge, real[:5], reference)


def test_manifold_count_is_the_smallest_of_the_bound_the_samples_and_the_reference():
    # the count a notebook prints beside precision and recall: the reference (300 here) can be the bound
    reference = metrics.Reference(FakeJudge(), torch.randn(300, 1, 2, 2, generator=torch.Generator().manual_seed(0)))
    assert metrics.manifold_count(1000, reference) == 300
    assert metrics.manifold_count(120, reference) == 120
    assert metrics.manifold_count(1000, reference, items=50) == 50
