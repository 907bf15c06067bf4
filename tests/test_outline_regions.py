"""Where a translation's ink goes wrong against its outline: hand-drawn digits whose answers are known."""

import pytest
import torch

from course_utils.data.paired import outline
from course_utils.evaluate import outline_regions


def ring(hole: int, stroke: int = 3, size: int = 20) -> torch.Tensor:
    """A square '0': ink `stroke` pixels thick around a square hole of side `hole`, in [-1, 1], (1, 1, size, size)."""
    image = -torch.ones(1, 1, size, size)
    outer = hole + 2 * stroke
    start = (size - outer) // 2
    image[..., start : start + outer, start : start + outer] = 1.0
    image[..., start + stroke : start + stroke + hole, start + stroke : start + stroke + hole] = -1.0
    return image


def test_enclosed_is_what_the_border_cannot_reach():
    closed = ring(hole=4)
    inside = outline_regions.enclosed(closed)
    assert inside.shape == closed.shape and inside.dtype == torch.bool
    assert int(inside.sum()) == 16  # the 4 x 4 hole, and nothing outside the ring
    opened = closed.clone()
    opened[..., 4:9, 10] = -1.0  # a cut through the top of the ring, from the hole to the outside: the hole leaks out
    assert int(outline_regions.enclosed(opened).sum()) == 0


def test_regions_cover_every_pixel_once():
    digits = torch.cat([ring(hole=4), ring(hole=1), -torch.ones(1, 1, 20, 20)])
    parts = outline_regions.regions(outline(digits))
    assert set(parts) == set(outline_regions.REGIONS)
    coverage = sum(mask.int() for mask in parts.values())
    assert torch.equal(coverage, torch.ones_like(coverage))
    assert int(parts["enclosed"][2].sum()) == 0 and bool(parts["outside"][2].all())  # no ink: all outside


def test_a_hole_shows_in_the_outline_from_three_pixels_across():
    digits = torch.cat([ring(hole=side) for side in (1, 2, 3, 6)])
    counts = outline_regions.holes(digits, outline(digits))
    assert counts["holes"].tolist() == [1, 1, 1, 1]
    assert counts["shown"].tolist() == [0, 0, 1, 1]  # the band marks the pixel beside every edge: 2 pixels vanish
    assert "filled" not in counts


def tee(gap: int, stroke: int = 2) -> torch.Tensor:
    """A 'T' upside down: a vertical stroke that stops `gap` pixels short of a horizontal one (0: they join)."""
    image = -torch.ones(1, 1, 20, 20)
    image[..., 12 : 12 + stroke, 3:17] = 1.0
    image[..., 3 : 12 - gap, 9 : 9 + stroke] = 1.0
    return image


def test_the_outline_cannot_tell_a_join_from_a_gap_of_one_or_two_pixels():
    # the sentence of notebook 06: where a stroke at most two pixels thick stops one or two pixels short of
    # another, the outline is the one it would have if the strokes joined
    for stroke in (1, 2):
        joined = outline(tee(0, stroke))
        assert torch.equal(outline(tee(1, stroke)), joined) and torch.equal(outline(tee(2, stroke)), joined)
        assert not torch.equal(outline(tee(3, stroke)), joined)
    assert not torch.equal(outline(tee(1, stroke=3)), outline(tee(0, stroke=3)))


def test_a_loop_with_a_narrow_opening_looks_closed_to_the_outline():
    closed = ring(hole=6, stroke=2)
    opened = closed.clone()
    opened[..., 5:7, 10] = -1.0  # a 1-pixel cut through the top of the ring: the digit's loop is open
    assert int(outline_regions.holes(opened, outline(opened))["holes"].sum()) == 0
    assert torch.equal(outline(opened), outline(closed))  # the outline is the closed ring's
    assert int(outline_regions.enclosed(outline(opened))[..., 7:13, 7:13].sum()) == 16  # and it encloses the inside


def test_filled_holes_are_counted_and_tied_to_what_the_outline_showed():
    digits = torch.cat([ring(hole=6), ring(hole=1)])
    filled = digits.clone()
    filled[..., 5:15, 5:15] = 1.0  # G inks both holes
    counts = outline_regions.holes(digits, outline(digits), filled)
    assert counts["filled"].tolist() == [1, 1]
    assert counts["filled, not shown"].tolist() == [0, 1]
    kept = outline_regions.holes(digits, outline(digits), digits)
    assert kept["filled"].sum() == 0


def test_ink_errors_land_in_the_region_where_they_are():
    digit = ring(hole=6)
    edges = outline(digit)
    filled = digit.clone()
    filled[..., 7:13, 7:13] = 1.0  # the hole inked: 36 pixels, of which the band covers the rim
    errors = outline_regions.ink_errors(filled, digit, edges)
    inside = outline_regions.regions(edges)["enclosed"]
    # the 4 x 4 core of the hole (the outline also encloses the middle line of the 3-pixel stroke, untouched here)
    assert errors["extra ink, enclosed"].item() == int(inside[..., 7:13, 7:13].sum()) == 16
    assert errors["extra ink, band"].item() == 36 - 16  # its rim lies in the band
    assert errors["extra ink, outside"].item() == 0
    assert all(errors[f"missing ink, {r}"].item() == 0 for r in outline_regions.REGIONS)
    thin = digit.clone()
    thin[..., 4:5, :] = -1.0  # the top row of the stroke removed: missing ink, all of it in the band
    errors = outline_regions.ink_errors(thin, digit, edges)
    assert errors["missing ink, band"].item() == 12 and errors["missing ink, enclosed"].item() == 0


def test_shapes_are_checked():
    with pytest.raises(ValueError, match="one shape"):
        outline_regions.ink_errors(torch.zeros(1, 1, 8, 8), torch.zeros(1, 1, 8, 8), torch.zeros(1, 1, 4, 4))
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\)"):
        outline_regions.enclosed(torch.zeros(2, 3, 8, 8))
