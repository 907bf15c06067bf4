"""L1, PSNR and the Laplacian-variance sharpness ratio on images whose answers are known."""

import math

import pytest
import torch
import torch.nn.functional as F

from course_utils.evaluate import translation


def test_l1_and_psnr_known_values():
    a = torch.zeros(2, 1, 8, 8)
    b = torch.full((2, 1, 8, 8), 0.5)
    assert translation.l1(a, b) == pytest.approx(0.5)
    # MSE 0.25 on a peak of 2: 10 log10(4 / 0.25)
    assert translation.psnr(a, b) == pytest.approx(10 * math.log10(16))
    assert translation.psnr(a, a) > 90


def test_blur_lowers_the_sharpness_ratio_and_noise_raises_it():
    torch.manual_seed(0)
    target = (torch.rand(4, 3, 32, 32) > 0.5).float() * 2 - 1
    blurred = F.avg_pool2d(target, 3, stride=1, padding=1, count_include_pad=False)
    assert translation.sharpness_ratio(target, target) == pytest.approx(1.0)
    assert translation.sharpness_ratio(blurred, target) < 0.5
    smooth = torch.zeros(4, 3, 32, 32)
    assert translation.sharpness_ratio(smooth + 0.3 * torch.randn_like(smooth), smooth + 1e-3) > 1


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="same shape"):
        translation.l1(torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 4, 5))


def test_evaluate_has_the_three_figures():
    x = torch.rand(2, 1, 8, 8)
    assert set(translation.evaluate(x, x)) == {"l1", "psnr", "sharpness_ratio"}
