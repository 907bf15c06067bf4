"""The conditional DCGAN: shapes at every size, the label really conditions both nets, and the counters."""

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from course_utils import losses
from course_utils.models.dcgan import LAYOUTS, REPORT_TABLE, ConditionalDiscriminator, ConditionalGenerator
from course_utils.models.flops import count_parameters, flops_per_image, gan_flops, layer_table, matmul_flops_per_second


@pytest.mark.parametrize("size", sorted(LAYOUTS))
def test_shapes_and_range_at_every_size(size):
    torch.manual_seed(0)
    g = ConditionalGenerator(feature_maps=8, size=size)
    d = ConditionalDiscriminator(feature_maps=8, size=size)
    with torch.no_grad():
        g.net[-2].weight.mul_(1000)  # push the last layer into Tanh's flat ends
    x = g(torch.randn(4, 20), torch.tensor([0, 3, 7, 9]))
    assert x.shape == (4, 1, size, size)
    assert x.min() >= -1 and x.max() <= 1 and x.abs().max() > 0.99
    logits = d(x, torch.tensor([0, 3, 7, 9]))
    assert logits.shape == (4,) and torch.isfinite(logits).all()


def test_the_seed_table_builds_the_default_models():
    row = REPORT_TABLE["MNIST"]
    g = ConditionalGenerator(row["z_dim"], row["n_classes"], row["embed_dim"], row["channels"], row["feature_maps"],
                             size=64)
    assert g.embed.weight.shape == (10, 5)
    assert g.net[0].in_channels == 25  # noise 20 + label embedding 5
    assert g.net[0].out_channels == 64 * 8  # the DCGAN paper's 4 x 4 x 512 start at 64 x 64
    d = ConditionalDiscriminator(size=64)
    assert d.embed.weight.shape == (10, 64 * 64)  # one image-sized plane per label
    assert d.net[0].in_channels == 2  # the image and the label plane


def test_generator_depends_on_label_and_noise():
    torch.manual_seed(0)
    g = ConditionalGenerator(feature_maps=8).eval()
    z = torch.randn(1, 20).repeat(10, 1)
    x = g(z, torch.arange(10))
    assert (x[0] - x[1]).abs().max() > 1e-3  # same noise, other label: other image
    same = g(z[:2], torch.tensor([4, 4]))
    assert torch.allclose(same[0], same[1], atol=1e-6)
    other_z = g(torch.randn(2, 20), torch.tensor([4, 4]))
    assert (other_z[0] - other_z[1]).abs().max() > 1e-3


def test_from_embedding_matches_forward_and_interpolates():
    torch.manual_seed(0)
    g = ConditionalGenerator(feature_maps=8).eval()
    z = torch.randn(3, 20)
    y = torch.tensor([1, 2, 3])
    assert torch.allclose(g(z, y), g.from_embedding(z, g.label_embedding(y)), atol=1e-6)
    e = g.label_embedding(torch.tensor([1, 7]))
    halfway = g.from_embedding(z[:1], 0.5 * e[:1] + 0.5 * e[1:])
    assert halfway.shape == (1, 1, 28, 28)


def test_discriminator_reads_the_label_plane():
    torch.manual_seed(0)
    d = ConditionalDiscriminator(feature_maps=8).eval()
    x = torch.rand(1, 1, 28, 28).repeat(10, 1, 1, 1) * 2 - 1
    logits = d(x, torch.arange(10))
    assert logits.std() > 1e-4
    plane = d.label_plane(torch.tensor([3]))
    assert plane.shape == (1, 1, 28, 28)
    assert torch.equal(plane.flatten(), d.embed.weight[3])


def test_bad_inputs_are_refused():
    d = ConditionalDiscriminator(feature_maps=8)
    with pytest.raises(ValueError, match="expects images of shape"):
        d(torch.zeros(2, 1, 32, 32), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="labels for a batch"):
        ConditionalGenerator(feature_maps=8)(torch.zeros(3, 20), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="size must be one of"):
        ConditionalGenerator(size=48)


def test_channels_last_gives_the_same_logits():
    torch.manual_seed(0)
    d = ConditionalDiscriminator(feature_maps=8).eval()
    x, y = torch.rand(4, 1, 28, 28), torch.tensor([1, 2, 3, 4])
    ref = d(x, y)
    d = d.to(memory_format=torch.channels_last)
    assert torch.allclose(d(x.contiguous(memory_format=torch.channels_last), y), ref, atol=1e-5)


@pytest.mark.parametrize("size", sorted(LAYOUTS))
def test_flop_counts_agree_with_torch(size):
    g, d = ConditionalGenerator(size=size), ConditionalDiscriminator(size=size)
    z, y, x = torch.randn(2, 20), torch.tensor([1, 2]), torch.rand(2, 1, size, size)
    for model, args in ((g, (z, y)), (d, (x, y))):
        with FlopCounterMode(display=False) as counter, torch.no_grad():
            model.eval()(*args)
        assert flops_per_image(model, *args) == counter.get_total_flops() // 2


def test_training_flops_estimate_is_close_to_a_measured_step():
    torch.manual_seed(0)
    g, d = ConditionalGenerator(), ConditionalDiscriminator()
    real, y = torch.rand(4, 1, 28, 28) * 2 - 1, torch.tensor([0, 1, 2, 3])
    with FlopCounterMode(display=False) as counter:
        fake = g(torch.randn(4, 20), y)
        losses.d_loss(d(real, y), d(fake.detach(), y)).backward()
        (losses.g_loss_non_saturating(d(fake, y)) + 5 * (fake - real).abs().mean()).backward()
    measured = counter.get_total_flops() / 4
    estimate = gan_flops(g, d)["training"]
    # the estimate skips D's first-layer input gradient on real images and G's first-layer input gradient
    assert 0.85 < estimate / measured < 1.15


def test_layer_table_rows():
    g = ConditionalGenerator()
    rows = layer_table(g, torch.zeros(2, 20), torch.zeros(2, dtype=torch.long))
    assert rows[0]["type"] == "Embedding" and rows[0]["output shape"] == (5,)
    assert rows[-1]["type"] == "Tanh" and rows[-1]["output shape"] == (1, 28, 28)
    assert sum(r["parameters"] for r in rows) == count_parameters(g)
    shapes = [r["output shape"] for r in rows if r["type"] == "ConvTranspose2d"]
    assert shapes == [(128, 7, 7), (64, 14, 14), (1, 28, 28)]


def test_matmul_yardstick_is_positive():
    assert matmul_flops_per_second(n=128, repeats=2) > 1e6
