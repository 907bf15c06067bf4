"""course_utils.models.stacked: the small DCGAN of notebook 08's Stacked MNIST."""

import pytest
import torch
from torch import nn

from course_utils.models.stacked import SmallCritic, StackedGenerator


def test_generator_makes_colour_digits_in_range():
    G = StackedGenerator(z_dim=8, feature_maps=4)
    images = G(torch.randn(5, 8))
    assert images.shape == (5, 3, 28, 28) and images.abs().max() <= 1


def test_critic_scores_each_image_or_each_pack():
    images = torch.randn(6, 3, 28, 28)
    assert SmallCritic(feature_maps=4)(images).shape == (6,)
    packed = SmallCritic(feature_maps=4, pack=2)
    assert packed(images).shape == (3,)
    # a pack is two consecutive images: changing the second image changes the first pack's score only
    changed = images.clone()
    changed[1] += 1
    before, after = packed(images), packed(changed)
    assert before[0] != after[0] and torch.equal(before[1:], after[1:])
    with pytest.raises(ValueError, match="cannot be packed"):
        packed(images[:5])


class Constant(nn.Module):
    def forward(self, h):
        return torch.cat([h, torch.ones_like(h[:, :1])], 1)


def test_an_extra_layer_adds_its_channels_before_the_head():
    D = SmallCritic(feature_maps=4, extra=Constant(), extra_channels=1)
    assert D.head[1].in_features == (2 * 4 + 1) * 7 * 7
    assert D(torch.randn(3, 3, 28, 28)).shape == (3,)


def test_spectral_normalisation_bounds_every_layer():
    D = SmallCritic(feature_maps=4, spectral=True)
    for _ in range(20):  # power iterations, one per training forward pass
        D(torch.randn(2, 3, 28, 28))
    linear = D.head[1].weight.detach()
    assert torch.linalg.matrix_norm(linear, ord=2) == pytest.approx(1.0, abs=1e-2)
    assert all(hasattr(layer, "parametrizations") for layer in (D.body[0], D.body[2], D.head[1]))
    assert not hasattr(SmallCritic(feature_maps=4).body[0], "parametrizations")
