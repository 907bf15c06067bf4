"""The MLP generator and discriminator: shapes, ranges, and that the label really conditions them."""

import pytest
import torch

from course_utils.models.mlp import MLPDiscriminator, MLPGenerator


def test_generator_output_shape_and_range():
    torch.manual_seed(0)
    g = MLPGenerator(z_dim=16, hidden=(32, 64))
    x = g(torch.randn(8, 16) * 50)  # large inputs push Tanh to its limits
    assert x.shape == (8, 1, 28, 28)
    assert x.min() >= -1 and x.max() <= 1
    assert x.abs().max() > 0.9


def test_discriminator_returns_one_logit_per_image():
    torch.manual_seed(0)
    d = MLPDiscriminator(hidden=(32, 16))
    logits = d(torch.rand(5, 1, 28, 28) * 2 - 1)
    assert logits.shape == (5,)
    assert torch.isfinite(logits).all()


def test_other_image_shapes():
    g = MLPGenerator(z_dim=8, hidden=(16,), image_shape=(3, 8, 8))
    d = MLPDiscriminator(image_shape=(3, 8, 8), hidden=(16,))
    x = g(torch.randn(4, 8))
    assert x.shape == (4, 3, 8, 8)
    assert d(x).shape == (4,)


def test_conditional_generator_depends_on_label():
    torch.manual_seed(0)
    g = MLPGenerator(z_dim=8, hidden=(32,), n_classes=10).eval()
    z = torch.randn(1, 8).repeat(10, 1)
    x = g(z, torch.arange(10))
    assert x.shape == (10, 1, 28, 28)
    # same noise, different labels: different images
    assert (x[0] - x[1]).abs().max() > 1e-4
    # same noise and label: the same image (eval mode)
    pair = g(z[:2], torch.tensor([3, 3]))
    assert torch.allclose(pair[0], pair[1], atol=1e-6)


def test_conditional_discriminator_depends_on_label():
    torch.manual_seed(0)
    d = MLPDiscriminator(hidden=(32,), n_classes=10, dropout=0.0)
    x = torch.rand(1, 1, 28, 28).repeat(10, 1, 1, 1)
    logits = d(x, torch.arange(10))
    assert logits.shape == (10,)
    assert logits.unique().numel() > 1


def test_label_errors_are_explained():
    with pytest.raises(ValueError, match="conditional"):
        MLPGenerator(n_classes=10)(torch.randn(2, 64))
    with pytest.raises(ValueError, match="unconditional"):
        MLPDiscriminator()(torch.zeros(2, 1, 28, 28), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="from 0 to 9"):
        MLPGenerator(n_classes=10)(torch.randn(2, 64), torch.tensor([0, 10]))
    with pytest.raises(ValueError, match="integer class indices"):  # 3.5 is no class; it is not cast to 3
        MLPGenerator(n_classes=10)(torch.randn(2, 64), torch.tensor([0.0, 3.5]))


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    g = MLPGenerator(z_dim=8, hidden=(16, 16), n_classes=3)
    d = MLPDiscriminator(hidden=(16, 16), n_classes=3)
    labels = torch.tensor([0, 1, 2, 1])
    d(g(torch.randn(4, 8), labels), labels).sum().backward()
    for p in list(g.parameters()) + list(d.parameters()):
        assert p.grad is not None and p.grad.abs().sum() > 0
