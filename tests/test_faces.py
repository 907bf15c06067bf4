import numpy as np
import pytest
import torch
from PIL import Image

from course_utils.data import celeba, faces
from course_utils.evaluate import faces as face_metrics

FRONTAL = [1, 0, 1, 0, 1]  # frontal, neutral, even light, no glasses, brown hair


def test_render_is_deterministic_in_range_and_coloured():
    a = faces.sample_faces(40, identities=10, seed=3)
    b = faces.sample_faces(40, identities=10, seed=3)
    assert torch.equal(a.images, b.images) and torch.equal(a.attributes, b.attributes)
    assert a.images.shape == (40, 3, 32, 32) and a.images.dtype == torch.float32
    assert a.images.min() >= -1 and a.images.max() <= 1
    assert a.attributes.shape == (40, len(faces.ATTRIBUTES)) and a.attributes.dtype == torch.int64
    assert set(a.identities.tolist()) == set(range(10))
    # RGB, not grey: the channels differ
    assert (a.images[:, 0] - a.images[:, 2]).abs().mean() > 0.05
    other = faces.sample_faces(40, identities=10, seed=4)
    assert not torch.equal(a.images, other.images)


def test_size_is_a_parameter_and_segments_come_along():
    images, segments = faces.render([5, 6], np.array([FRONTAL, FRONTAL]), size=64, segments=True)
    assert images.shape == (2, 3, 64, 64) and segments.shape == (2, 64, 64)
    present = set(segments.unique().tolist())
    for part in ("background", "skin", "hair", "eye", "mouth", "clothes"):
        assert faces.SEGMENT_NAMES.index(part) in present, part
    # the face is in the middle of the picture, the background in its corners
    assert segments[:, 32, 32].tolist() == [faces.SEGMENT_NAMES.index("skin")] * 2 or \
        faces.SEGMENT_NAMES.index("nose") in segments[:, 28:36, 28:36].unique().tolist()
    assert (segments[:, 0, 0] == 0).all()
    with pytest.raises(ValueError, match="at least 16"):
        faces.render([0], np.array([FRONTAL]), size=8)


def test_faces_drawn_a_few_at_a_time_are_the_faces_drawn_together(monkeypatch):
    """render draws its faces in blocks for speed; a face's pixels must not depend on its block."""
    rng = np.random.default_rng(0)
    ids, attributes = rng.integers(0, 10**6, 50), faces.random_attributes(50, rng)
    monkeypatch.setattr(faces, "_FACES_AT_ONCE", 7)
    blocks = faces.render(ids, attributes, size=48, nuisance_seed=2, segments=True)
    monkeypatch.setattr(faces, "_FACES_AT_ONCE", 50)
    together = faces.render(ids, attributes, size=48, nuisance_seed=2, segments=True)
    assert torch.equal(blocks[0], together[0]) and torch.equal(blocks[1], together[1])


def _draw(identity, change=None, segments=False):
    attributes = np.array([FRONTAL])
    if change:
        attributes[0, faces.ATTRIBUTE_NAMES.index(change[0])] = change[1]
    return faces.render([identity], attributes, nuisance_seed=1, segments=segments)


def test_each_attribute_changes_its_own_part_of_the_face():
    base, seg = _draw(11, segments=True)
    glasses_seg = _draw(11, ("eyeglasses", 1), segments=True)[1]
    assert (glasses_seg == faces.SEGMENT_NAMES.index("glasses")).sum() > 10
    assert (seg == faces.SEGMENT_NAMES.index("glasses")).sum() == 0
    smile = _draw(11, ("smiling", 1))
    changed = (smile - base).abs().sum(1)[0] > 0.1
    rows = changed.nonzero()[:, 0]
    assert rows.numel() > 0 and rows.float().mean() > 16  # the mouth is in the lower half
    blond = _draw(11, ("hair_colour", 2))
    hair = seg[0] == faces.SEGMENT_NAMES.index("hair")
    assert (blond - base)[0, :, hair].mean() > 0.3  # blond is lighter than brown
    lit_left = _draw(11, ("lighting", 0))
    left, right = (lit_left - base)[0, :, :, :14], (lit_left - base)[0, :, :, 18:]
    assert left.mean() > 0.02 > right.mean()
    # turning the head moves the features sideways
    for pose, sign in ((0, -1), (2, 1)):
        eyes = (_draw(11, ("pose", pose), segments=True)[1][0] == faces.SEGMENT_NAMES.index("eye")).nonzero()
        front_eyes = (seg[0] == faces.SEGMENT_NAMES.index("eye")).nonzero()
        assert sign * (eyes[:, 1].float().mean() - front_eyes[:, 1].float().mean()) > 1.0


def test_identity_is_stable_and_people_differ():
    t1, t2 = faces.identity_traits([4, 4, 9])["face_w"], faces.identity_traits([4])["face_w"]
    assert t1[0] == t1[1] == t2[0] and t1[0] != t1[2]


def test_bad_attributes_are_refused():
    with pytest.raises(ValueError, match="pose takes values 0..2"):
        faces.render([0], np.array([[3, 0, 1, 0, 1]]))
    with pytest.raises(ValueError, match="attributes must be"):
        faces.render([0, 1], np.array([FRONTAL]))


def test_attribute_vector_layout():
    v = faces.attribute_vector(torch.tensor([[2, 1, 0, 0, 3]]))
    assert v.tolist() == [[0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1]]


def test_attribute_confidence_is_the_probability_of_the_value_read():
    sizes = (3, 2, 2)
    logits = torch.tensor([[0.0, 0.0, 0.0, 0.0, 10.0],  # a three-way tie, a coin toss, a sure yes
                           [5.0, 0.0, 0.0, -10.0, 0.0]])  # a clear first value, a sure no, a coin toss
    sure = faces.attribute_confidence(logits, sizes)
    assert sure.shape == (2, 3)
    assert torch.allclose(sure[0], torch.tensor([1 / 3, 0.5, torch.sigmoid(torch.tensor(10.0)).item()]))
    assert torch.allclose(sure[1], torch.tensor([torch.softmax(torch.tensor([5.0, 0.0, 0.0]), 0)[0].item(),
                                                 torch.sigmoid(torch.tensor(10.0)).item(), 0.5]))
    # the value it is sure of is the value predicted
    rng = torch.Generator().manual_seed(0)
    random_logits = torch.randn(200, 4, generator=rng) * 3
    read = faces.predict_attributes(random_logits, (3, 2))
    categorical = random_logits[:, :3].softmax(1).gather(1, read[:, :1]).squeeze(1)
    p_yes = torch.sigmoid(random_logits[:, 3])
    binary = torch.where(read[:, 1] == 1, p_yes, 1 - p_yes)
    assert torch.allclose(faces.attribute_confidence(random_logits, (3, 2)), torch.stack([categorical, binary], 1))


def test_toggled_changes_exactly_one_column():
    a = faces.sample_faces(50, identities=5).attributes
    t = face_metrics.toggled(a, 4, 4, torch.Generator().manual_seed(0))
    assert (t[:, 4] != a[:, 4]).all() and torch.equal(t[:, :4], a[:, :4])
    assert t[:, 4].max() < 4


def test_identity_ratio_on_a_drawing_whose_distances_are_known():
    # a "face" is z beside its attributes; the embedding keeps z and one tenth of the attributes, so toggling an
    # attribute moves a face 0.1 x (the size of the toggle) where changing the person moves it |z - z'|
    z = torch.tensor([[0.0, 0.0], [3.0, 4.0]])
    a = torch.tensor([[0, 1], [0, 1]])
    ratios = face_metrics.identity_ratio(lambda x: x * torch.tensor([1.0, 1.0, 0.1, 0.1]),
                                         lambda z, a: torch.cat([z, a.float()], 1), z, a, sizes=(2, 2),
                                         names=("left", "right"))
    assert ratios == pytest.approx({"left": 0.1 / 5, "right": 0.1 / 5, "mean": 0.1 / 5})
    with pytest.raises(ValueError, match="at least 2 faces"):
        face_metrics.identity_ratio(lambda x: x, lambda z, a: z, z[:1], a[:1], sizes=(2, 2), names=("l", "r"))


# ---- CelebA, on a small fake folder in torchvision's layout

NAMES = ["5_o_Clock_Shadow", "Eyeglasses", "Male", "Smiling"]


def _fake_celeba(root, rows, partition=True, missing_image=False):
    folder = root / "celeba"
    (folder / "img_align_celeba").mkdir(parents=True)
    lines = [str(len(rows)), " ".join(NAMES)]
    for i, values in enumerate(rows):
        name = f"{i + 1:06d}.jpg"
        lines.append(name + "  " + " ".join(f"{v:2d}" for v in values))
        if not (missing_image and i == 1):
            colour = (200, 40, 40) if values[1] == 1 else (40, 40, 200)
            Image.new("RGB", (178, 218), colour).save(folder / "img_align_celeba" / name)
    (folder / "list_attr_celeba.txt").write_text("\n".join(lines) + "\n")
    if partition:
        (folder / "list_eval_partition.txt").write_text(
            "\n".join(f"{i + 1:06d}.jpg {0 if i < 2 else 2}" for i in range(len(rows))) + "\n")
    (folder / "identity_CelebA.txt").write_text("\n".join(f"{i + 1:06d}.jpg {10 + i}" for i in range(len(rows))))
    return root


ROWS = [[-1, 1, 1, -1], [1, -1, -1, 1], [-1, -1, 1, 1]]


def test_celeba_loader_reads_attributes_images_and_splits(tmp_path):
    root = _fake_celeba(tmp_path, ROWS)
    data = celeba.load_celeba(root, attributes=("Smiling", "Eyeglasses"), split="all", size=16)
    assert data.images.shape == (3, 3, 16, 16) and data.attribute_names == ("Smiling", "Eyeglasses")
    assert data.attributes.tolist() == [[0, 1], [1, 0], [1, 0]]
    assert data.identities.tolist() == [10, 11, 12]
    # the image with glasses was drawn red, the others blue, and the colours survive in [-1, 1]
    assert data.images[0, 0].mean() > 0.4 > -0.6 > data.images[0, 2].mean()
    assert data.images[1, 2].mean() > 0.4 > -0.6 > data.images[1, 0].mean()
    assert len(celeba.load_celeba(root, attributes=("Male",), split="train")) == 2
    assert celeba.load_celeba(root, attributes=("Male",), split="test").attributes.tolist() == [[1]]
    assert data.vectors().shape == (3, 2)


def test_celeba_loader_errors_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="CelebA was not found"):
        celeba.load_celeba(tmp_path)
    root = _fake_celeba(tmp_path / "a", ROWS)
    with pytest.raises(ValueError, match="no attribute.*Bald.*choose from"):
        celeba.load_celeba(root, attributes=("Bald",))
    with pytest.raises(ValueError, match="split must be one of"):
        celeba.load_celeba(root, attributes=("Male",), split="dev")
    root = _fake_celeba(tmp_path / "b", ROWS, partition=False)
    with pytest.raises(FileNotFoundError, match="list_eval_partition"):
        celeba.load_celeba(root, attributes=("Male",), split="train")
    root = _fake_celeba(tmp_path / "c", ROWS, missing_image=True)
    with pytest.raises(FileNotFoundError, match="000002.jpg"):
        celeba.load_celeba(root, attributes=("Male",), split="all")
    root = _fake_celeba(tmp_path / "d", ROWS)
    attr = root / "celeba" / "list_attr_celeba.txt"
    attr.write_text(attr.read_text().replace(" 1 ", " 2 ", 1))
    with pytest.raises(ValueError, match="line 3"):
        celeba.load_celeba(root, attributes=("Male",), split="all")
