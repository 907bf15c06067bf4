import pytest
import torch

from course_utils.models import dcgan, infogan, labels, mlp, toy2d_mlp


def test_class_indices_flattens_good_labels():
    got = labels.class_indices(torch.tensor([[0], [3], [9]]), 3, 10)
    assert got.shape == (3,) and got.tolist() == [0, 3, 9]
    assert labels.class_indices(torch.tensor([1, 2], dtype=torch.int32), 2, 10).dtype == torch.int64
    assert labels.class_indices(torch.zeros(0, dtype=torch.long), 0, 10).shape == (0,)


@pytest.mark.parametrize("bad, message", [
    (torch.tensor([0, 1]), "got 2 labels for a batch of 3"),
    (torch.tensor([0.0, 1.0, 2.0]), "integer class indices of shape"),
    (torch.tensor([True, False, True]), "integer class indices of shape"),
    (torch.tensor([0, 1, 10]), "from 0 to 9"),
    (torch.tensor([0, -1, 2]), "from 0 to 9"),
])
def test_class_indices_refuses_what_is_no_class(bad, message):
    with pytest.raises(ValueError, match=message):
        labels.class_indices(bad, 3, 10)


def test_append_one_hot():
    x = torch.zeros(2, 3)
    out = labels.append_one_hot(x, torch.tensor([2, 0]), 4)
    assert out.tolist() == [[0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 1, 0, 0, 0]]
    assert labels.append_one_hot(x, None, 0) is x
    with pytest.raises(ValueError, match="unconditional"):
        labels.append_one_hot(x, torch.tensor([0, 1]), 0)
    with pytest.raises(ValueError, match="pass labels"):
        labels.append_one_hot(x, None, 4)


# every conditional family, asked for class 10 of 10: refused before any layer sees it
FAMILIES = {
    "mlp": lambda y: mlp.MLPGenerator(z_dim=8, hidden=(16,), n_classes=10)(torch.randn(2, 8), y),
    "toy2d": lambda y: toy2d_mlp.Generator(hidden=8, depth=1, n_classes=10)(torch.randn(2, 2), y),
    "dcgan": lambda y: dcgan.ConditionalGenerator(feature_maps=8)(torch.randn(2, 20), y),
    "infogan": lambda y: infogan.InfoGenerator(width=4, hidden=16)(torch.randn(2, 62), y, torch.zeros(2, 2)),
}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_conditional_family_checks_its_labels_alike(family):
    with pytest.raises(ValueError, match="from 0 to 9"):
        FAMILIES[family](torch.tensor([0, 10]))
    with pytest.raises(ValueError, match="integer class indices"):
        FAMILIES[family](torch.tensor([0.0, 1.0]))
