import torch

from course_utils.data import paired
from course_utils.judges import edges
from course_utils.judges.edges import edge_reader
from course_utils.judges.net import JudgeNet
from tests.test_datasets import fake_idx_set
from tests.test_judges import refuse_to_train

CPU = torch.device("cpu")


def test_the_edge_reader_learns_from_outlines_and_is_then_read_from_the_cache(tmp_path, monkeypatch):
    fake_idx_set(tmp_path / "MNIST" / "raw", n_train=40, n_test=20)
    monkeypatch.setitem(edges.RECIPE, "epochs", 1)
    seen, real_fit = [], edges.fit

    def spy(net, images, *args, **kwargs):
        seen.append(images)
        return real_fit(net, images, *args, **kwargs)

    monkeypatch.setattr(edges, "fit", spy)
    first = edge_reader(CPU, root=tmp_path)
    assert len(list((tmp_path / "judges").glob("edges-mnist-*.pt"))) == 1
    train = paired.edges_to_digits("train", 32, tmp_path)
    assert torch.equal(seen[0], train.inputs), "it must learn from the outlines, never from the digits"
    monkeypatch.setattr(edges, "fit", refuse_to_train)
    again = edge_reader(CPU, root=tmp_path)
    assert isinstance(again.net, JudgeNet) and again.heldout_accuracy == first.heldout_accuracy
    assert "edge reader" in again.describe() and "outlines" in again.describe()
    x = paired.outline(torch.rand(4, 1, 32, 32) * 2 - 1)
    assert torch.equal(first.logits(x), again.logits(x)) and again.predict(x).shape == (4,)


def test_the_edge_reader_ships_and_reads_held_out_outlines_well(tmp_path, monkeypatch):
    monkeypatch.setattr(edges, "fit", refuse_to_train)
    reader = edge_reader(CPU, root=tmp_path)  # the offline MNIST sample ships with the repository's data/
    assert reader.heldout_accuracy > 0.95, reader.describe()
    test = paired.edges_to_digits("test", 32)
    assert reader.net.accuracy(test.inputs, test.labels) == reader.heldout_accuracy, "it reads as it was measured"
    assert not (tmp_path / "judges").exists() or not any((tmp_path / "judges").iterdir()), "it was written, not shipped"
