import pytest
import torch

from course_utils.models.flops import count_parameters
from course_utils.models.toy2d_mlp import Discriminator, Generator, MinibatchDiscrimination


def test_generator_places_its_output_with_center_and_scale():
    torch.manual_seed(0)
    g = Generator(z_dim=3, hidden=16, depth=2, center=(0.0, 10.0), scale=(1.0, 2.0))
    z = torch.randn(5, 3)
    torch.testing.assert_close(g(z), torch.tensor([0.0, 10.0]) + torch.tensor([1.0, 2.0]) * g.net(z))
    assert g.sample(7).shape == (7, 2)


def test_discriminator_standardises_its_input():
    torch.manual_seed(0)
    d = Discriminator(hidden=16, depth=2, center=(1.0, 2.0), scale=(2.0, 4.0))
    plain = Discriminator(hidden=16, depth=2)
    plain.load_state_dict({k: v for k, v in d.state_dict().items() if k not in ("center", "scale")}, strict=False)
    x = torch.randn(6, 2)
    torch.testing.assert_close(d(x), plain((x - torch.tensor([1.0, 2.0])) / torch.tensor([2.0, 4.0])))
    assert d(x).shape == (6,)


def test_minibatch_features_see_a_collapsed_batch():
    torch.manual_seed(0)
    layer = MinibatchDiscrimination(in_features=4, kernels=3, kernel_dim=2)
    collapsed = torch.ones(10, 4)
    spread = torch.randn(10, 4) * 100
    out_c, out_s = layer(collapsed), layer(spread)
    assert out_c.shape == (10, 4 + 3)
    torch.testing.assert_close(out_c[:, :4], collapsed)  # the sample's own features pass through
    torch.testing.assert_close(out_c[:, 4:], torch.ones(10, 3))  # identical samples: closeness 1 to all others
    assert out_s[:, 4:].max() < 0.5


def test_minibatch_features_match_the_pairwise_formula():
    torch.manual_seed(1)
    layer = MinibatchDiscrimination(in_features=3, kernels=2, kernel_dim=2)
    h = torch.randn(4, 3)
    m = (h @ layer.T).view(4, 2, 2)
    expected = torch.zeros(4, 2)
    for i in range(4):
        for j in range(4):
            if i != j:
                expected[i] += torch.exp(-((m[i] - m[j]) ** 2).sum(-1)) / 3
    torch.testing.assert_close(layer(h)[:, 3:], expected, rtol=1e-4, atol=1e-5)


def test_discriminator_with_minibatch_features_depends_on_the_batch():
    torch.manual_seed(0)
    d = Discriminator(hidden=16, depth=2, minibatch_kernels=4)
    x = torch.randn(8, 2)
    alone = d(x[:4])
    together = d(x)[:4]
    assert not torch.allclose(alone, together)  # the same points score differently in another batch
    assert count_parameters(d) > count_parameters(Discriminator(hidden=16, depth=2))


def test_conditional_models_use_the_label():
    torch.manual_seed(0)
    g = Generator(hidden=16, depth=2, n_classes=4)
    d = Discriminator(hidden=16, depth=2, n_classes=4)
    z = torch.randn(3, 2)
    assert not torch.allclose(g(z, torch.tensor([0, 0, 0])), g(z, torch.tensor([1, 1, 1])))
    x = torch.randn(3, 2)
    assert not torch.allclose(d(x, torch.tensor([0, 1, 2])), d(x, torch.tensor([3, 3, 3])))
    torch.testing.assert_close(torch.bincount(torch.arange(8) % 4), torch.full((4,), 2))
    assert g.sample(8).shape == (8, 2)
    with pytest.raises(ValueError, match="pass labels"):
        g(z)
    with pytest.raises(ValueError, match="without classes"):
        Generator(hidden=8, depth=1)(z, torch.tensor([0, 1, 2]))
