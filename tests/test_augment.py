"""random_affine: the warp the judges train with and notebook 05 offers as the report's augmentation."""

import math

import torch

from course_utils.data.augment import random_affine


def dot_images(n, row, col, size=28):
    """n images of background (-1) with one white pixel at (row, col)."""
    images = torch.full((n, 1, size, size), -1.0)
    images[:, 0, row, col] = 1.0
    return images


def centre_of_mass(images):
    """(row, col) of each image's ink, ink being the amount above the background."""
    ink = (images[:, 0] + 1).clamp(min=0)
    rows, cols = torch.meshgrid(torch.arange(ink.shape[1]), torch.arange(ink.shape[2]), indexing="ij")
    total = ink.sum((1, 2))
    return (ink * rows).sum((1, 2)) / total, (ink * cols).sum((1, 2)) / total


def test_no_rotation_and_no_shift_is_the_identity():
    images = torch.rand(4, 1, 28, 28) * 2 - 1
    assert torch.allclose(random_affine(images), images, atol=1e-5)


def test_the_border_is_background_not_grey():
    # A warp that padded with zeros in [-1, 1] would bring grey (0) in from outside the image.
    blank = torch.full((16, 1, 28, 28), -1.0)
    warped = random_affine(blank, degrees=30, shift=4, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(warped, blank, atol=1e-6)


def test_shifts_stay_within_the_bound_and_differ_per_image():
    generator = torch.Generator().manual_seed(1)
    rows, cols = centre_of_mass(random_affine(dot_images(64, 14, 14), shift=3, generator=generator))
    moved_rows, moved_cols = rows - 14, cols - 14
    assert moved_rows.abs().max() <= 3 + 1e-4 and moved_cols.abs().max() <= 3 + 1e-4
    assert moved_rows.abs().max() > 2 and moved_cols.abs().max() > 2  # the bound is used, in both directions
    assert moved_rows.std() > 1 and moved_cols.std() > 1  # one warp per image, not one for the batch


def test_rotation_keeps_the_distance_to_the_centre_and_stays_within_the_angle():
    generator = torch.Generator().manual_seed(2)
    # pixel centres: (13.5, 13.5) is the centre of a 28-pixel image; the dot sits 8 pixels above it
    rows, cols = centre_of_mass(random_affine(dot_images(64, 5, 13), degrees=30, generator=generator))
    dy, dx = rows - 13.5, cols - 13.5
    before = math.hypot(5 - 13.5, 13 - 13.5)
    assert torch.allclose(torch.hypot(dy, dx), torch.full_like(dy, before), atol=0.3)
    turned = torch.rad2deg(torch.atan2(dx, -dy) - math.atan2(13 - 13.5, 13.5 - 5))
    assert turned.abs().max() <= 30.5 and turned.abs().max() > 20 and turned.std() > 5  # one angle per image


def test_the_same_generator_seed_gives_the_same_warps():
    images = torch.rand(8, 1, 28, 28) * 2 - 1
    a = random_affine(images, 15, 2, torch.Generator().manual_seed(3))
    b = random_affine(images, 15, 2, torch.Generator().manual_seed(3))
    c = random_affine(images, 15, 2, torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and not torch.allclose(a, c)
