import pytest
import torch

from course_utils.evaluate import moments


def stroke(lean: float, half_width: int = 1, size: int = 28) -> torch.Tensor:
    """A straight stroke from the bottom row to the top row whose top is `lean` pixels per row to the right."""
    image = -torch.ones(1, 1, size, size)
    for row in range(4, size - 4):
        centre = round(size / 2 + lean * (size / 2 - row))  # rows count downwards: upwards means row falls
        image[0, 0, row, centre - half_width : centre + half_width + 1] = 1
    return image


def test_an_upright_stroke_has_no_slant_and_a_leaning_one_has_its_lean():
    assert abs(moments.slant(stroke(0.0)).item()) < 1e-6
    assert moments.slant(stroke(0.3)).item() == pytest.approx(0.3, abs=0.03)
    assert moments.slant(stroke(-0.3)).item() == pytest.approx(-0.3, abs=0.03)


def test_width_grows_with_the_ink_across_the_columns():
    thin, thick = moments.width(stroke(0.0, 1)).item(), moments.width(stroke(0.0, 4)).item()
    assert thin == pytest.approx((2 / 3) ** 0.5, abs=1e-5)  # columns -1, 0, 1 around the centre
    assert thick > 3 * thin
    # leaning is not widening: the same stroke sheared keeps about its width
    assert moments.width(stroke(0.4, 1)).item() == pytest.approx(thin, abs=0.15)
    # a faint haze (a Tanh's never-quite -1 background) changes nothing
    assert moments.width(stroke(0.0, 1).clamp(min=-0.85)).item() == pytest.approx(thin)
    # the batch is measured image by image
    both = moments.width(torch.cat([stroke(0.0, 1), stroke(0.0, 4)]))
    assert both.tolist() == pytest.approx([thin, thick])


def test_blank_or_colour_images_are_refused():
    with pytest.raises(ValueError, match="without ink"):
        moments.slant(-torch.ones(2, 1, 28, 28))
    with pytest.raises(ValueError, match="greyscale"):
        moments.width(torch.zeros(2, 3, 28, 28))


def test_class_spread_measures_the_variety_within_a_class_not_between_classes():
    # class 0: strokes of half-width 1 and 3; class 1: the same strokes leaning 0.4. Within each class the slant
    # does not vary (its spread is 0 although the classes differ), the width does
    images = torch.cat([stroke(0.0, 1), stroke(0.0, 3), stroke(0.4, 1), stroke(0.4, 3)])
    spread = moments.class_spread(images, torch.tensor([0, 0, 1, 1]))
    assert spread["slant"] == pytest.approx(0.0, abs=0.01)
    thin, thick = moments.width(stroke(0.0, 1)).item(), moments.width(stroke(0.0, 3)).item()
    # each class: two values (thin, thick) around their mean, 1 degree of freedom per class
    assert spread["width"] == pytest.approx((thick - thin) / 2**0.5, rel=0.05)
    with pytest.raises(ValueError, match="labels"):
        moments.class_spread(images, torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="more images than classes"):
        moments.class_spread(images[:2], torch.tensor([0, 1]))
