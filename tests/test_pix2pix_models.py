"""U-Net, encoder-decoder, PatchGAN and the receptive-field arithmetic of pix2pix."""

import pytest
import torch

from course_utils.models.pix2pix import (
    PatchGAN,
    UNet,
    at_test_time,
    course_patchgan,
    course_unet,
    imagegan_layers,
    output_size,
    patchgan_layers,
    receptive_field,
)


def test_receptive_fields_match_the_paper():
    assert receptive_field(patchgan_layers(3)) == 70  # the standard PatchGAN
    assert receptive_field(patchgan_layers(1)) == 16
    assert receptive_field(patchgan_layers(0)) == 1  # PixelGAN
    assert receptive_field(patchgan_layers(2)) == 34
    assert receptive_field(patchgan_layers(5)) == 286  # the paper's ImageGAN on 256 x 256
    assert receptive_field([(3, 1), (3, 1)]) == 5  # two 3x3 convolutions see 5 x 5
    assert receptive_field(imagegan_layers(64)) >= 64


def test_patchgan_70_gives_30_by_30_on_256():
    d = PatchGAN(6, patchgan_layers(3), base=8)
    assert output_size(patchgan_layers(3), 256) == 30
    with torch.no_grad():
        out = d(torch.zeros(1, 3, 256, 256), torch.zeros(1, 3, 256, 256))
    assert out.shape == (1, 1, 30, 30)
    # the function reads the same numbers off a built module
    assert receptive_field(d) == 70 == d.receptive_field


def test_imagegan_gives_one_logit_per_image():
    d = PatchGAN(6, imagegan_layers(64), base=8)
    out = d(torch.zeros(2, 3, 64, 64), torch.zeros(2, 3, 64, 64))
    assert out.shape == (2, 1, 1, 1)
    with pytest.raises(ValueError):
        imagegan_layers(48)


def test_a_patch_logit_depends_only_on_its_receptive_field():
    torch.manual_seed(0)
    d = PatchGAN(2, patchgan_layers(1), base=4).eval()
    x, y = torch.randn(1, 1, 32, 32), torch.randn(1, 1, 32, 32)
    base = d(x, y)
    y2 = y.clone()
    y2[..., 24:, 24:] += 5  # change the bottom-right corner only
    changed = (d(x, y2) - base).abs()[0, 0] > 1e-6
    assert changed.any() and not changed[0, 0]  # the top-left patch (16 px) never sees that corner


@pytest.mark.parametrize("skips", [True, False])
def test_unet_shapes(skips):
    g = UNet(1, 1, depth=5, base=8, skips=skips)
    out = g(torch.randn(3, 1, 32, 32))
    assert out.shape == (3, 1, 32, 32) and out.abs().max() <= 1
    with pytest.raises(ValueError, match="divisible"):
        g(torch.randn(1, 1, 24, 24))


def test_skips_carry_the_input_past_the_bottleneck():
    # with skips the first decoder layer receives encoder features, so more input channels
    with_skips, without = UNet(1, 1, depth=4, base=8), UNet(1, 1, depth=4, base=8, skips=False)
    assert with_skips.out[0].in_channels == 2 * without.out[0].in_channels
    assert sum(p.numel() for p in with_skips.parameters()) > sum(p.numel() for p in without.parameters())


def test_test_time_modes():
    torch.manual_seed(0)
    g = UNet(1, 1, depth=4, base=8, dropout=0.5, dropout_layers=2)
    g.train()
    x = torch.randn(8, 1, 16, 16)
    g(x)  # one training pass moves the running statistics away from their start
    before = {k: v.clone() for k, v in g.state_dict().items()}
    with at_test_time(g, dropout=False, batch_stats=False):
        a, b = g(x), g(x)
    assert torch.equal(a, b)  # deterministic
    with at_test_time(g, dropout=True, batch_stats=False):
        c, e = g(x), g(x)
    assert not torch.equal(c, e)  # dropout noise
    with at_test_time(g, dropout=False, batch_stats=True):
        f = g(x)
    assert not torch.allclose(a, f)  # the test batch's statistics differ from the running ones
    assert g.training  # mode restored
    after = g.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # running statistics restored


@pytest.mark.parametrize("size, depth", [(32, 5), (64, 6), (256, 8)])
def test_course_unet_reaches_a_one_pixel_bottleneck(size, depth):
    g = course_unet(3, 1, size)
    assert g.depth == depth  # 256 x 256 gives the paper's eight encoder layers
    assert max(m.out_channels for m in g.modules() if isinstance(m, torch.nn.Conv2d)) == 64
    with torch.no_grad():
        assert g.eval()(torch.randn(2, 3, size, size)).shape == (2, 1, size, size)
    with pytest.raises(ValueError, match="power of two"):
        course_unet(3, 3, 48)


def test_course_patchgan_keeps_the_layers_it_is_given():
    d = course_patchgan(4, patchgan_layers(1))
    assert d.receptive_field == 16
    assert d(torch.zeros(1, 2, 32, 32), torch.zeros(1, 2, 32, 32)).shape == (1, 1, 14, 14)
