"""InfoGAN's networks: shapes, the codes really reach the image, Q reads them from D's trunk, and bad codes."""

import pytest
import torch

from course_utils.models.infogan import InfoDiscriminator, InfoGenerator


def codes(n, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 62, generator=g), torch.arange(n) % 10, torch.rand(n, 2, generator=g) * 2 - 1


def test_shapes_and_range():
    torch.manual_seed(0)
    g, d = InfoGenerator(width=4, hidden=32), InfoDiscriminator(width=4, hidden=32, q_hidden=8)
    x = g(*codes(6))
    assert x.shape == (6, 1, 28, 28) and x.min() >= -1 and x.max() <= 1
    source, logits, mean, log_var = d(x)
    assert source.shape == (6,) and logits.shape == (6, 10) and mean.shape == log_var.shape == (6, 2)


def test_the_paper_width_has_its_layers():
    g, d = InfoGenerator(width=32), InfoDiscriminator(width=32)
    assert g.fc[0].in_features == 62 + 10 + 2 and g.fc[0].out_features == 1024
    assert g.fc[3].out_features == 128 * 7 * 7 and g.net[0].out_channels == 64
    assert d.trunk[0].out_channels == 64 and d.trunk[2].out_channels == 128 and d.trunk[-3].out_features == 1024


def test_each_code_changes_the_image_with_the_noise_held():
    torch.manual_seed(0)
    g = InfoGenerator(width=4, hidden=32).eval()
    z, category, continuous = codes(4)
    z, continuous = z[:1].repeat(4, 1), continuous[:1].repeat(4, 1)
    base = g(z, torch.zeros(4, dtype=torch.long), continuous)
    assert torch.allclose(base[0], base[1])
    assert (g(z, category, continuous) - base).abs().amax((1, 2, 3))[1:].min() > 1e-4
    moved = continuous.clone()
    moved[:, 1] += 1.0
    assert (g(z, category, moved) - g(z, category, continuous)).abs().max() > 1e-4


def test_q_shares_the_trunk_so_its_loss_reaches_g_and_the_trunk():
    torch.manual_seed(0)
    g, d = InfoGenerator(width=4, hidden=32), InfoDiscriminator(width=4, hidden=32, q_hidden=8)
    z, category, continuous = codes(8)
    _, logits, _, _ = d(g(z, category, continuous))
    torch.nn.functional.cross_entropy(logits, category).backward()
    assert d.trunk[0].weight.grad.abs().sum() > 0 and g.fc[0].weight.grad.abs().sum() > 0
    assert d.source.weight.grad is None  # the real-or-fake head is not on Q's path


def test_bad_codes_and_images_are_refused():
    g, d = InfoGenerator(width=4, hidden=32), InfoDiscriminator(width=4, hidden=32, q_hidden=8)
    z, category, continuous = codes(4)
    with pytest.raises(ValueError, match="category must be"):
        g(z, category[:3], continuous)
    with pytest.raises(ValueError, match="continuous"):
        g(z, category, continuous[:, :1])
    with pytest.raises(ValueError, match="from 0 to 9"):
        g(z, category + 7, continuous)  # 10 is out of range
    with pytest.raises(ValueError, match="integer class indices"):
        g(z, category.float(), continuous)
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        d(torch.zeros(2, 1, 32, 32))
