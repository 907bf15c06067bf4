"""Paired sets for pix2pix: edges -> digit, procedural facades, and the CMP facades A|B loader."""

import numpy as np
import pytest
import torch
from PIL import Image

from course_utils.data import paired


def test_outline_of_a_square_is_its_border():
    img = -torch.ones(1, 1, 10, 10)
    img[..., 3:7, 3:7] = 1
    edges = paired.outline(img)
    on = edges[0, 0] > 0
    # dilation minus erosion: the ring from 2 to 7 minus the inside 4..5
    assert on[2, 2] and on[3, 3] and on[7, 7] and on[2, 5]
    assert not on[4, 4] and not on[5, 5] and not on[0, 0] and not on[8, 8]
    assert set(edges.unique().tolist()) == {-1.0, 1.0}


def test_edges_to_digits_pairs_every_test_digit():
    data = paired.edges_to_digits("test", size=32)
    assert data.inputs.shape == data.targets.shape == (len(data), 1, 32, 32)
    assert len(data) >= 1000 and data.labels is not None
    assert torch.bincount(data.labels, minlength=10).min() > 0
    assert data.targets.min() >= -1 and data.targets.max() <= 1
    # each edge map is the outline of its own target
    assert torch.equal(data.inputs[:5], paired.outline(data.targets[:5]))
    assert 0.05 < (data.inputs > 0).float().mean() < 0.5


def test_facades_are_deterministic_and_split_apart():
    a = paired.procedural_facades(6, "train", 64, seed=1)
    b = paired.procedural_facades(6, "train", 64, seed=1)
    assert torch.equal(a.inputs, b.inputs) and torch.equal(a.targets, b.targets)
    assert a.inputs.shape == a.targets.shape == (6, 3, 64, 64)
    assert a.targets.min() >= -1 and a.targets.max() <= 1
    test = paired.procedural_facades(6, "test", 64, seed=1)
    assert not torch.equal(a.targets, test.targets)
    other_seed = paired.procedural_facades(6, "train", 64, seed=2)
    assert not torch.equal(a.targets, other_seed.targets)
    # the input is the colour-coded label map
    assert torch.equal(a.inputs, paired.label_map_image(a.label_maps))
    present = set(a.label_maps.unique().tolist())
    assert {1, 2, 3, 5} <= present  # wall, windows, a door, cornices


def test_pair_i_does_not_depend_on_how_many_are_drawn():
    few = paired.procedural_facades(3, "train", 64)
    many = paired.procedural_facades(8, "train", 64)
    assert torch.equal(few.targets, many.targets[:3])


def test_the_label_map_does_not_determine_the_photo():
    # Find two training facades whose label maps are alike in their wall pixels and check that the wall
    # looks different: colour and texture are drawn at random, not read off the labels.
    data = paired.procedural_facades(40, "train", 64)
    wall = data.label_maps == 1
    colours = torch.stack([data.targets[i][:, wall[i]].mean(1) for i in range(len(data))])
    assert colours.std(0).mean() > 0.1  # wall colours spread widely across the set
    texture = torch.stack([data.targets[i][:, wall[i]].std(1).mean() for i in range(len(data))])
    assert texture.min() > 0.02  # no wall is a flat fill


def test_facade_arguments_are_checked():
    with pytest.raises(ValueError, match="split"):
        paired.procedural_facades(2, "val")
    with pytest.raises(ValueError, match="size"):
        paired.procedural_facades(2, size=16)


def _fake_cmp(root, split="train", count=3, size=(40, 20)):
    """pix2pix's facades layout: root/facades/<split>/N.jpg, photo A on the left, label map B on the right."""
    folder = root / "facades" / split
    folder.mkdir(parents=True)
    for i in range(count):
        w, h = size
        pixels = np.zeros((h, w, 3), dtype=np.uint8)
        pixels[:, : w // 2] = (200, 30 * i, 0)  # A: a reddish photo
        pixels[:, w // 2 :] = (0, 0, 250)  # B: a blue label map
        Image.fromarray(pixels).save(folder / f"{i + 1}.png")
    return root


def test_cmp_loader_splits_a_and_b(tmp_path):
    root = _fake_cmp(tmp_path)
    data = paired.load_cmp_facades("train", root=root, direction="BtoA", size=16)
    assert data.inputs.shape == data.targets.shape == (3, 3, 16, 16)
    # BtoA: the input is B (blue), the target is A (red)
    assert data.inputs[:, 2].mean() > 0.9 and data.inputs[:, 0].mean() < -0.9
    assert data.targets[:, 0].mean() > 0.5 and data.targets[:, 2].mean() < -0.9
    flipped = paired.load_cmp_facades("train", root=root, direction="AtoB", size=16)
    assert torch.equal(flipped.inputs, data.targets) and torch.equal(flipped.targets, data.inputs)
    assert "CMP facades" in data.source


def test_cmp_loader_errors_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="CMP facades not found"):
        paired.load_cmp_facades("train", root=tmp_path)
    root = _fake_cmp(tmp_path)
    with pytest.raises(ValueError, match="direction"):
        paired.load_cmp_facades("train", root=root, direction="sideways")
    Image.fromarray(np.zeros((20, 20, 3), dtype=np.uint8)).save(root / "facades" / "train" / "square.png")
    with pytest.raises(ValueError, match="twice as wide"):
        paired.load_cmp_facades("train", root=root)
    (root / "facades" / "val").mkdir()
    with pytest.raises(FileNotFoundError, match="no .jpg"):
        paired.load_cmp_facades("val", root=root)
