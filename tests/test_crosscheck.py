import pytest
import torch

from course_utils.judges import crosscheck
from course_utils.judges.crosscheck import digit_crosscheck, face_attribute_crosscheck
from course_utils.judges.fit import fit
from course_utils.judges.net import CrossCheckNet, JudgeNet, rebuild
from tests.test_datasets import fake_idx_set
from tests.test_judges import refuse_to_train

CPU = torch.device("cpu")


def test_the_second_architecture_is_not_a_judgenet_and_reads_any_size():
    net = CrossCheckNet(12, channels=3)
    layers = {type(m) for m in net.modules()}
    assert torch.nn.GroupNorm in layers and torch.nn.BatchNorm2d not in layers and torch.nn.MaxPool2d not in layers
    for side in (28, 32, 64):
        features, logits = net.read(torch.zeros(5, 3, side, side))
        assert features.shape == (5, 128) and logits.shape == (5, 12)


def test_a_cache_file_rebuilds_the_family_that_wrote_it():
    assert isinstance(rebuild(CrossCheckNet(10).architecture()), CrossCheckNet)
    assert isinstance(rebuild(JudgeNet(10).architecture()), JudgeNet)  # the shipped judges' files name no family


def test_the_second_classifier_learns_an_easy_task():
    """Two classes told apart by where the ink is (left or right half), through the judges' fit loop."""
    x = torch.full((128, 1, 32, 32), -1.0)
    x[:64, :, 8:24, 4:12] = 1.0
    x[64:, :, 8:24, 20:28] = 1.0
    y = torch.cat([torch.zeros(64), torch.ones(64)]).long()
    net = CrossCheckNet(2)
    fit(net, x, y, torch.nn.functional.cross_entropy, epochs=15, batch_size=32, desc="test")
    assert net.accuracy(x, y) > 0.95


def test_digit_crosscheck_is_trained_once_then_read_from_the_cache(tmp_path, monkeypatch):
    fake_idx_set(tmp_path / "MNIST" / "raw", n_train=40, n_test=20)
    monkeypatch.setitem(crosscheck.RECIPES, "mnist", {"epochs": 1, "degrees": 5.0, "shift": 1.0})
    first = digit_crosscheck(CPU, root=tmp_path)
    assert len(list((tmp_path / "judges").glob("crosscheck-mnist-*.pt"))) == 1
    monkeypatch.setattr(crosscheck, "fit", refuse_to_train)
    again = digit_crosscheck(CPU, root=tmp_path)
    assert isinstance(again.net, CrossCheckNet) and again.heldout_accuracy == first.heldout_accuracy
    assert "second classifier" in again.describe()
    x = torch.rand(4, 1, 32, 32) * 2 - 1
    assert torch.equal(first.logits(x), again.logits(x)) and again.predict(x).shape == (4,)


@pytest.mark.parametrize("get", [face_attribute_crosscheck, digit_crosscheck], ids=["faces", "mnist"])
def test_the_second_classifiers_ship_and_read_real_images_well(get, tmp_path, monkeypatch):
    monkeypatch.setattr(crosscheck, "fit", refuse_to_train)
    second = get(CPU, root=tmp_path)
    accuracy = second.heldout_accuracy  # one per attribute for faces, one number for digits
    assert min(accuracy.values() if isinstance(accuracy, dict) else [accuracy]) > 0.95, second.describe()
    assert not (tmp_path / "judges").exists() or not any((tmp_path / "judges").iterdir()), "it was written, not shipped"

